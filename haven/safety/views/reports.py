"""Report concern pages: the form with its evidence picker, My reports, one report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from haven.core.errors import HavenError, Invalid
from haven.core.web import add_errors, cursor_of
from haven.members.selectors import access_member
from haven.safety import reports
from haven.safety.forms import SCREENSHOT_FIELDS, ReportForm
from haven.safety.reports import MAX_SCREENSHOTS
from haven.safety.uploads import store_upload


def _message_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("message", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _store_screenshots(request: HttpRequest, form: ReportForm, kept: list[int]) -> int:
    """Store this request's screenshots, adding their ids to `kept` (so a form shown
    again with errors keeps them); return the status the page should answer with."""
    status = 400 if form.errors else 200
    files = [
        (name, request.FILES[name])
        for name in SCREENSHOT_FIELDS
        if name in request.FILES and name not in form.errors
    ]
    if len(kept) + len(files) > MAX_SCREENSHOTS:
        form.add_error(None, f"Attach at most {MAX_SCREENSHOTS} screenshots.")
        return 400
    for name, file in files:
        try:
            kept.append(store_upload(actor=request.user, file=file).pk)
        except HavenError as exc:
            form.add_error(name, exc.message)
            status = exc.status
    return status


def _file(request: HttpRequest, subject, form: ReportForm, kept: list[int]):
    data = form.cleaned_data
    return reports.file_report(
        actor=request.user,
        subject=subject,
        category=data["category"].slug,
        details=data["details"],
        where=data["where"],
        evidence=form.evidence_refs(kept),
        links=data["links"],
        also_block=data["also_block"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_member(request: HttpRequest, username: str) -> HttpResponse:
    subject = access_member(username)
    if subject.pk == request.user.pk:
        raise Invalid("You can't report yourself.")
    message_id = _message_id(request)
    picker = reports.evidence_picker(request.user, subject, message_id=message_id)
    initial = {"messages": [message_id]} if message_id else {}
    form = ReportForm(request.POST or None, request.FILES or None, picker=picker, initial=initial)
    kept: list[int] = []
    status, retry_after = 200, None
    if request.method == "POST":
        form.is_valid()
        kept = list(form.cleaned_data.get("uploads") or [])
        status = _store_screenshots(request, form, kept)
        if not form.errors:
            try:
                report = _file(request, subject, form, kept)
            except HavenError as exc:
                add_errors(form, exc)
                status, retry_after = exc.status, exc.headers.get("Retry-After")
            else:
                messages.success(request, "Thank you. Your report was sent.")
                return redirect("safety:report_detail", report.pk)
    context = {
        "form": form,
        "subject": subject,
        "kept": list(reports.attachable_uploads(request.user).filter(pk__in=kept).order_by("id")),
        "picker_fields": [form[name] for name in ("messages", "posts", "comments", "shares")],
        "screenshot_fields": [form[name] for name in SCREENSHOT_FIELDS],
    }
    response = render(request, "safety/report_form.html", context, status=status)
    if retry_after:
        response["Retry-After"] = retry_after
    return response


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    page = reports.reports_of(request.user, cursor=cursor_of(request))
    return render(request, "safety/report_list.html", {"page": page})


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = reports.access_report(request.user, report_id)
    context = {"report": report, "evidence": reports.evidence_of(report)}
    return render(request, "safety/report_detail.html", context)


urlpatterns = [
    path("u/<str:username>/report", report_member, name="report_member"),
    path("reports", my_reports, name="reports"),
    path("reports/<int:report_id>", report_detail, name="report_detail"),
]
