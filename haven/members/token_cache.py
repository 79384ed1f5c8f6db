"""A short-lived cache of API token digest → member, so a bearer request costs no query.

Every API request authenticates; the lookup (token joined to its member) was one
statement on every call. The cache keeps, per token digest, the member as the
lookup found them, with their staff role (`roles.role_of`), for
`HAVEN_TOKEN_CACHE_SECONDS`. It holds only tokens that were valid: an unknown or
revoked token is looked up every time.

Anything that changes who a token's member is, or whether the token still works,
forgets the member's entries at once and again when its transaction commits (so a
request racing the change cannot put the old state back): revoking a token,
saving or deleting a member (profile, privacy, deactivation, removal),
suspension and the other sanctions that end sessions (`forget_member`), role
changes, a change to a member's groups from either side, and a staff group
renamed or deleted. With Redis (REDIS_URL) every process sees that at once.
Without it the cache is this process's memory: other app processes see the change
when their entry expires, which is why the default lifetime is then 5 seconds (60
with Redis).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

PREFIX = "haven:token:"


def _key(digest: str) -> str:
    return PREFIX + digest


def get(digest: str):
    """(member, token id, last_used_at) for a digest, or None."""
    if settings.HAVEN_TOKEN_CACHE_SECONDS <= 0:
        return None
    return cache.get(_key(digest))


def put(digest: str, member, token_id: int, last_used_at) -> None:
    if settings.HAVEN_TOKEN_CACHE_SECONDS > 0:
        cache.set(_key(digest), (member, token_id, last_used_at),
                  settings.HAVEN_TOKEN_CACHE_SECONDS)  # fmt: skip


def _forget_digests(digests: list[str]) -> None:
    if not digests:
        return
    keys = [_key(d) for d in digests]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


def forget_member(member_id: int) -> None:
    """Forget every token of a member (after a change made with `update()`, which sends
    no signal: sessions ended, a role changed)."""
    from haven.members.models import ApiToken

    digests = ApiToken.objects.filter(member_id=member_id).values_list("digest", flat=True)
    _forget_digests(list(digests))


def _token_changed(sender, instance, **kwargs) -> None:
    _forget_digests([instance.digest])


def _member_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("created") or kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # nothing cached yet; a web sign-in changes nothing an API request reads
    forget_member(instance.pk)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A member's groups (their staff role) changed, from either side of the relation."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:  # member.groups.add(...)
        forget_member(instance.pk)
        return
    members = pk_set if pk_set else instance.user_set.values_list("pk", flat=True)
    for member_id in list(members):
        forget_member(member_id)


def _group_changed(sender, instance, **kwargs) -> None:
    """A group renamed or deleted: its members' role may have changed."""
    if kwargs.get("created"):
        return
    for member_id in list(instance.user_set.values_list("pk", flat=True)):
        forget_member(member_id)


def connect() -> None:
    from django.contrib.auth.models import Group

    from haven.members.models import ApiToken, Member

    for signal in (post_save, post_delete):
        signal.connect(_token_changed, sender=ApiToken, dispatch_uid=f"token-cache-{signal}")
        signal.connect(_member_changed, sender=Member, dispatch_uid=f"member-cache-{signal}")
    m2m_changed.connect(_groups_changed, sender=Member.groups.through, dispatch_uid="role-cache")
    for signal in (post_save, pre_delete):
        signal.connect(_group_changed, sender=Group, dispatch_uid=f"group-cache-{signal}")
