"""Staff roles at /staff/roles and in the API: admins grant and take away the roles below
their own (the rules are in haven.moderation.staffing)."""

from __future__ import annotations

from typing import Literal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from ninja import Router, Schema

from haven.core.api import ErrorOut, viewer
from haven.core.errors import HavenError
from haven.core.forms import posted
from haven.core.web import add_errors
from haven.members.roles import ROLE_LABELS, role_of
from haven.members.schemas import MemberBrief
from haven.members.selectors import access_member
from haven.moderation import staffing

router = Router(tags=["staff"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class RoleForm(forms.Form):
    username = forms.CharField(max_length=30)
    role = forms.ChoiceField(
        choices=[
            ("none", "No staff role"),
            ("support_agent", "Support agent"),
            ("moderator", "Moderator"),
        ]  # fmt: skip
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_roles(request: HttpRequest) -> HttpResponse:
    """Admins grant and take away staff roles (below their own)."""
    staff = staffing.staff_members(request.user)
    form = RoleForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = access_member(form.cleaned_data["username"].strip().lower())
                staffing.set_role(actor=request.user, target=target, role=form.cleaned_data["role"])
            except HavenError as exc:
                add_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, f"{target.username}'s role was changed.")
                return redirect("moderation:staff_roles")
        else:
            status = 400
    rows = [(m, ROLE_LABELS.get(role_of(m) or "", "")) for m in staff]
    return render(
        request, "moderation/staff_roles.html", {"rows": rows, "form": form}, status=status
    )


class RoleIn(Schema):
    role: Literal["none", "support_agent", "moderator"]


class StaffOut(Schema):
    member: MemberBrief
    role: str | None


@router.get("/staff/roles", response={200: list[StaffOut], **ERRORS})
def list_staff(request: HttpRequest):
    """Every member with a staff role (admins only)."""
    return [{"member": m, "role": role_of(m)} for m in staffing.staff_members(viewer(request))]


@router.put("/staff/roles/{username}", response={200: StaffOut, **ERRORS})
def set_role(request: HttpRequest, username: str, payload: RoleIn):
    """Give a member a staff role below your own, or take it away (admins only; 403 for a
    member of your rank or above). Written to the audit log."""
    target = access_member(username)
    changed = staffing.set_role(actor=viewer(request), target=target, role=payload.role)
    return {"member": changed, "role": role_of(changed)}
