"""Member search: by name (username or display name) and by language.

Only members who chose to appear in search are found, and never across a block
in either direction; both rules sit in the same SQL query as the search itself
(`haven.safety.selectors.searchable_members`), so a page costs the same however
many members the viewer blocks.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from haven.core.errors import Invalid
from haven.core.pagination import Page, paginate
from haven.members.languages import LANGUAGES
from haven.members.models import Member, MemberLanguage
from haven.members.selectors import with_languages
from haven.safety.selectors import searchable_members

QUERY_MAX = 100


def search_members(
    viewer,
    *,
    q: str | None = None,
    language: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """Members whose username or display name contains `q` (any case) and who speak
    or learn `language`, in username order."""
    q = (q or "").strip()
    language = (language or "").strip()
    if len(q) > QUERY_MAX:
        raise Invalid.field("q", f"Search for at most {QUERY_MAX} characters.")
    if "\x00" in q:
        raise Invalid.field("q", "The search may not contain NUL characters.")
    if language and language not in LANGUAGES:
        raise Invalid.field("language", "Unknown language.")
    members = searchable_members(viewer, Member.objects.all())
    if q:
        members = members.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if language:
        speaks = MemberLanguage.objects.filter(member=OuterRef("pk"), code=language)
        members = members.filter(Exists(speaks))
    return paginate(with_languages(members), cursor=cursor, order=("username", "id"), limit=limit)
