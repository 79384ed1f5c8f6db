"""Reads about members, shared by pages and the API."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from haven.core.errors import NotFound
from haven.members import token_cache
from haven.members.models import ApiToken, Member, MemberLanguage
from haven.members.roles import role_of

TOKEN_TOUCH_EVERY = timedelta(minutes=5)


def member_for_token(secret: str) -> Member | None:
    """The active, unsuspended member owning an unrevoked token: from the token cache
    (haven.members.token_cache) or one indexed query. (Suspension and removal also
    revoke every token and forget the cached entries; this is the second lock.)"""
    now = timezone.now()
    digest = ApiToken.digest_of(secret)
    cached = token_cache.get(digest)
    if cached is not None:
        member, token_id, last_used_at = cached
    else:
        token = (
            ApiToken.objects.select_related("member")
            .filter(digest=digest, revoked_at__isnull=True, member__is_active=True)
            .first()
        )
        if token is None:
            return None
        member, token_id, last_used_at = token.member, token.pk, token.last_used_at
        role_of(member)  # cached with the member: staff requests then skip the groups query
        token_cache.put(digest, member, token_id, last_used_at)
    if member.removed_at is not None or (
        member.suspended_until is not None and member.suspended_until > now
    ):
        return None
    # Touch at most every few minutes: a write per API request would be costly.
    if last_used_at is None or now - last_used_at > TOKEN_TOUCH_EVERY:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        token_cache.put(digest, member, token_id, now)
    return member


def with_languages(queryset: QuerySet[Member]) -> QuerySet[Member]:
    return queryset.prefetch_related(
        Prefetch("languages", queryset=MemberLanguage.objects.order_by("kind", "code"))
    )


def access_member(username: str, *, languages: bool = True, **annotations) -> Member:
    """An active member by username, or NotFound (inactive members do not exist publicly).
    `languages=False` skips their languages (one query fewer); `annotations` are read
    with the member (a policy's probes, e.g. `policies.timeline_probes`)."""
    members = Member.objects.filter(username=username, is_active=True).annotate(**annotations)
    member = (with_languages(members) if languages else members).first()
    if member is None:
        raise NotFound("No such member.")
    return member


def tokens_of(member: Member) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(member=member)
