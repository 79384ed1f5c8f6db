"""Django admin for safety data. Policy categories are data: admins edit them here,
moderators may look. Roles come from `haven.members.roles`, not from Django
permissions alone, so a stray permission grant cannot let a moderator edit them."""

from __future__ import annotations

from django.contrib import admin

from haven.audit.log import record
from haven.members.roles import ADMIN, MODERATOR, RANKS, rank_of
from haven.safety.models import PolicyCategory


def is_admin(request) -> bool:
    return request.user.is_active and rank_of(request.user) >= RANKS[ADMIN]


def is_moderator_or_admin(request) -> bool:
    return request.user.is_active and rank_of(request.user) >= RANKS[MODERATOR]


@admin.register(PolicyCategory)
class PolicyCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "severity", "details_required", "position", "active")
    list_filter = ("active", "severity", "details_required")
    search_fields = ("name", "slug")
    ordering = ("position", "id")

    def get_readonly_fields(self, request, obj=None):
        # Flags, reports and signals point at a category by row; its slug is what the
        # API and seeded data name it by, so it stays fixed once made.
        return ("slug",) if obj is not None else ()

    def has_module_permission(self, request) -> bool:
        return is_moderator_or_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_moderator_or_admin(request)

    def has_add_permission(self, request) -> bool:
        return is_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_admin(request)

    def save_model(self, request, obj, form, change) -> None:
        """An admin's edit is a staff action: audited, in the admin's transaction."""
        fields = ("name", "description", "severity", "details_required", "position", "active")
        before = (
            dict(PolicyCategory.objects.filter(pk=obj.pk).values(*fields).first() or {})
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        record(
            actor=request.user, event="policy_category_change", target_type="policy_category",
            target_id=obj.pk, target_label=obj.slug, old=before,
            new={f: getattr(obj, f) for f in fields},
        )  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        # Retire a category by unticking "active": past flags and reports still cite it,
        # and a missing shipped category would be re-created after the next migrate.
        return False
