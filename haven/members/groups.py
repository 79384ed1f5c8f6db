"""The staff groups and the Django model permissions each one carries.

Haven's own role checks go through `haven.members.roles`; these permissions only
decide what each role may see and change in Django admin. The groups are made
after every `migrate` (and every test-database flush), so a fresh database
always has them.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models import Q

from haven.members.roles import ADMIN, MODERATOR, SUPPORT_AGENT

# "app_label.codename"; Admins get every permission there is instead of a list.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    SUPPORT_AGENT: (
        "members.view_member",
        "members.view_memberlanguage",
    ),
    MODERATOR: (
        "members.view_member",
        "members.change_member",
        "community.view_post",
        "community.view_comment",
        "community.view_share",
        # Not chats.view_message: private chats reach moderators only as frozen
        # evidence attached to a case, never by browsing.
    ),
}


def _last_app_with_models(apps) -> str | None:
    labels = [c.label for c in apps.get_app_configs() if c.models_module is not None]
    return labels[-1] if labels else None


def ensure_staff_groups(**kwargs) -> None:
    """Create the three staff groups and grant their permissions; safe to repeat.

    As a post_migrate receiver it acts once, on the last app's signal: Django
    creates each app's permissions on that app's own signal, so only then do
    they all exist. Permissions are only ever added, never taken away, so a
    grant an admin made by hand survives the next migrate.
    """
    apps = kwargs.get("apps") or global_apps
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    sender = kwargs.get("sender")
    if sender is not None and getattr(sender, "label", None) != _last_app_with_models(global_apps):
        return
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth not migrated in this state
        return
    if not router.allow_migrate_model(using, Group):
        return
    with transaction.atomic(using=using):
        for role in (SUPPORT_AGENT, MODERATOR, ADMIN):
            group, _ = Group.objects.using(using).get_or_create(name=role)
            perms = Permission.objects.using(using).all()
            if role != ADMIN:
                perms = perms.filter(_named(role))
            group.permissions.add(*perms)


def _named(role: str) -> Q:
    match = Q(pk__in=[])
    for name in ROLE_PERMISSIONS[role]:
        app_label, codename = name.split(".", 1)
        match |= Q(content_type__app_label=app_label, codename=codename)
    return match
