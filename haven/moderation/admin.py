"""Cases in Django admin, read-only: moderators and admins may list and open them.
Cases change only through the staff desk's actions, which keep counts, versions and
the audit log straight. Admins set the safety thresholds here."""

from __future__ import annotations

from django.contrib import admin

from haven.audit.log import record
from haven.members.roles import ADMIN, MODERATOR, RANKS, rank_of
from haven.members.staff_admin import ReadOnlyForStaff
from haven.moderation.models import (
    Appeal,
    Case,
    Enforcement,
    Signal,
    Thresholds,
    flag_hide_threshold,
)


class ReadOnly(ReadOnlyForStaff):
    min_role = MODERATOR


class SignalInline(ReadOnly, admin.TabularInline):
    model = Signal
    fields = ("created_at", "kind", "category", "reporter", "weight", "flag", "report")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    extra = 0
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "reporter")


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "target",
        "subject",
        "status",
        "signal_count",
        "flag_weight",
        "last_signal_at",
    )
    list_filter = ("status", "target_type", "last_signal_at")
    search_fields = ("subject__username", "subject__display_name", "=target_id")
    ordering = ("-last_signal_at", "-id")
    list_select_related = ("subject",)
    inlines = (SignalInline,)

    def get_queryset(self, request):
        # As on the staff desk: a case about you names who reported you.
        return super().get_queryset(request).exclude(subject=request.user)

    @admin.display(description="target", ordering="target_type")
    def target(self, case: Case) -> str:
        return f"{case.get_target_type_display()} #{case.target_id}"


@admin.register(Enforcement)
class EnforcementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "subject",
        "moderator",
        "category",
        "until",
        "reversed_at",
    )
    list_filter = ("kind", "category")
    search_fields = ("subject__username", "moderator__username", "=case__id")
    list_select_related = ("subject", "moderator", "category")
    ordering = ("-created_at",)


@admin.register(Appeal)
class AppealAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("created_at", "member", "status", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("member__username",)
    list_select_related = ("member", "decided_by")
    ordering = ("-created_at",)


@admin.register(Thresholds)
class ThresholdsAdmin(admin.ModelAdmin):
    """Admins only. Saving writes an audit row (the admin's view is one transaction)."""

    fields = ("flag_hide_threshold", "updated_at")
    readonly_fields = ("updated_at",)

    def _admin(self, request) -> bool:
        return request.user.is_active and rank_of(request.user) >= RANKS[ADMIN]

    def has_module_permission(self, request) -> bool:
        return self._admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._admin(request)

    def has_add_permission(self, request) -> bool:
        return self._admin(request) and not Thresholds.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_changeform_initial_data(self, request) -> dict:
        return {"flag_hide_threshold": flag_hide_threshold()}

    def save_model(self, request, obj, form, change) -> None:
        before = flag_hide_threshold()
        obj.pk = 1
        super().save_model(request, obj, form, change)
        record(actor=request.user, event="threshold_change", target_type="thresholds",
               target_id=1, target_label="flag hide threshold",
               old={"flag_hide_threshold": before},
               new={"flag_hide_threshold": obj.flag_hide_threshold})  # fmt: skip
