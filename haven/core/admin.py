"""Pieces of Django admin shared by apps (no models are registered here)."""

from __future__ import annotations

from haven.members.roles import RANKS, rank_of


class ReadOnlyForStaff:
    """An admin (or inline) that active staff of `min_role` or higher may list and open,
    and nobody may add to, change or delete: for rows that change only through Haven's
    actions, which keep counts, notifications and the audit log straight."""

    min_role: str

    def _may_read(self, request) -> bool:
        return request.user.is_active and rank_of(request.user) >= RANKS[self.min_role]

    def has_module_permission(self, request) -> bool:
        return self._may_read(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_read(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
