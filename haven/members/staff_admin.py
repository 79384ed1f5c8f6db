"""Pieces of Django admin shared by apps: read-only views for staff of a given rank, and
audited changes (no models are registered here)."""

from __future__ import annotations

from haven.audit.log import record
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


def _plain(value):
    """A value as the audit log stores it (JSON): rows by id, everything else as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


class AuditedChanges:
    """Every change and delete made through this admin writes an audit row with the
    old and new value of each changed field (Django admin runs both in one
    transaction). Password hashes are never copied into the log."""

    SECRET_FIELDS = frozenset({"password", "digest"})

    def _target(self, obj) -> dict:
        return {
            "target_type": obj._meta.model_name,
            "target_id": obj.pk,
            "target_label": str(obj),
        }

    def _record_change(self, request, form) -> None:
        """An audit row for the fields `form` changed (call after saving it)."""
        concrete = {field.name for field in form.instance._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete]
        if not changed:
            return
        old, new = {}, {}
        for name in changed:
            secret = name in self.SECRET_FIELDS
            old[name] = "(changed)" if secret else _plain(form.initial.get(name))
            new[name] = "(changed)" if secret else _plain(form.cleaned_data.get(name))
        obj = form.instance
        record(actor=request.user, event="admin_change", old=old, new=new, **self._target(obj))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change:
            self._record_change(request, form)

    def save_formset(self, request, form, formset, change) -> None:
        """Inline rows (a member's languages on the member's page) are audited too: an
        added row with what it holds, a changed one with old and new, a deleted one with
        its snapshot."""
        gone = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for obj in gone:
            self._record_delete(request, obj)
        super().save_formset(request, form, formset, change)
        for inline_form in formset.initial_forms:
            if inline_form.instance not in gone and inline_form.has_changed():
                self._record_change(request, inline_form)
        for obj in formset.new_objects:
            record(actor=request.user, event="admin_add", snapshot=self._snapshot(obj),
                   **self._target(obj))  # fmt: skip

    def _snapshot(self, obj) -> dict:
        return {
            field.name: _plain(getattr(obj, field.attname))
            for field in obj._meta.concrete_fields
            if field.name not in self.SECRET_FIELDS
        }

    def _record_delete(self, request, obj) -> None:
        snapshot = self._snapshot(obj)
        record(actor=request.user, event="admin_delete", snapshot=snapshot, **self._target(obj))

    def delete_model(self, request, obj) -> None:
        self._record_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self._record_delete(request, obj)
        super().delete_queryset(request, queryset)
