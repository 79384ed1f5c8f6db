"""Reads about members, shared by pages and the API."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from haven.core.errors import NotFound
from haven.members.models import ApiToken, Member, MemberLanguage

TOKEN_TOUCH_EVERY = timedelta(minutes=5)


def member_for_token(secret: str) -> Member | None:
    """The active, unsuspended member owning an unrevoked token, in one indexed query.
    (Suspension and removal also revoke every token; this is the second lock.)"""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("member")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True, member__is_active=True)
        .filter(Q(member__suspended_until__isnull=True) | Q(member__suspended_until__lte=now))
        .first()
    )
    if token is None:
        return None
    # Touch at most every few minutes: a write per API request would be costly.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.member


def with_languages(queryset: QuerySet[Member]) -> QuerySet[Member]:
    return queryset.prefetch_related(
        Prefetch("languages", queryset=MemberLanguage.objects.order_by("kind", "code"))
    )


def access_member(username: str) -> Member:
    """An active member by username, or NotFound (inactive members do not exist publicly)."""
    member = with_languages(Member.objects.filter(username=username, is_active=True)).first()
    if member is None:
        raise NotFound("No such member.")
    return member


def tokens_of(member: Member) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(member=member)
