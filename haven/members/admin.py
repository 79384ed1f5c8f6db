"""Django admin for accounts. Which staff role may see or change what comes from the
permissions in `haven.members.groups`; the limits below keep the admin from
becoming a way around the role ranks (a moderator must not be able to edit an
admin, promote anyone, or take over an account by setting its password)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from haven.audit.log import record
from haven.members.models import ApiToken, Member, MemberLanguage
from haven.members.roles import ADMIN, RANKS, rank_of, role_of
from haven.members.staff_admin import AuditedChanges

# Account state and roles change through Haven's own actions (moderation,
# role grants), which check rank and write the audit log; in the admin only a
# superuser may touch them.
SUPERUSER_ONLY_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class MemberLanguageInline(admin.TabularInline):
    model = MemberLanguage
    extra = 0


@admin.register(Member)
class MemberAdmin(AuditedChanges, UserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password", "public_id")}),
        ("Profile", {"fields": ("display_name", "email", "kind", "bio")}),
        ("Roles and state", {"fields": SUPERUSER_ONLY_FIELDS}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    # The email address changes only by its member, with their password (Settings ->
    # Email), which tells the old address: an edit here would skip both.
    readonly_fields = ("public_id", "email", "last_login", "date_joined")
    inlines = (MemberLanguageInline,)
    list_display = ("username", "display_name", "kind", "public_id", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "display_name", "email", "=public_id")
    ordering = ("username",)

    def has_add_permission(self, request) -> bool:
        # Accounts are made by sign-up, which validates the name, password and languages.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """Only admins (and superusers) edit accounts here: a member's username and
        email are how they sign in and get password resets, so an edit by anyone
        lower is an account-takeover path. Moderators may look (view permission)."""
        if not super().has_change_permission(request, obj):
            return False
        if request.user.is_superuser:
            return True
        if rank_of(request.user) < RANKS[ADMIN]:
            return False
        return obj is None or rank_of(request.user) > rank_of(obj)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + SUPERUSER_ONLY_FIELDS

    def save_related(self, request, form, formsets, change) -> None:
        """A superuser's role change here is a staff action: it goes in the audit log
        (the admin's change view already runs in one transaction)."""
        member = form.instance
        member._haven_role = "unset"
        before = role_of(member) if change else None
        super().save_related(request, form, formsets, change)
        member._haven_role = "unset"
        after = role_of(member)
        if before != after:
            record(actor=request.user, event="role_change", target=member,
                   old={"role": before}, new={"role": after})  # fmt: skip

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(MemberLanguage)
class MemberLanguageAdmin(AuditedChanges, admin.ModelAdmin):
    list_display = ("member", "code", "kind")
    list_filter = ("kind", "code")
    search_fields = ("member__username",)
    raw_id_fields = ("member",)
    list_select_related = ("member",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedChanges, admin.ModelAdmin):
    """Tokens are made by `create_token` (the secret is shown once, to its owner);
    here they can only be inspected, and revoked by setting `revoked_at`."""

    list_display = ("prefix", "name", "member", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "member__username")
    raw_id_fields = ("member",)
    readonly_fields = ("member", "name", "digest", "prefix", "created_at", "last_used_at")
    list_select_related = ("member",)

    def has_add_permission(self, request) -> bool:
        return False
