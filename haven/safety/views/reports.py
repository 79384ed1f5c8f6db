"""Report concern pages: the form with its evidence picker, My reports, one report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from haven.core.errors import Invalid
from haven.core.forms import posted
from haven.core.web import act_on_form, cursor_of, with_headers
from haven.members.selectors import access_member
from haven.safety import reports
from haven.safety.categories import active_categories
from haven.safety.forms import ReportForm


def _message_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("message", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _file(request: HttpRequest, subject, form: ReportForm):
    data = form.cleaned_data
    return reports.file_report(
        actor=request.user,
        subject=subject,
        category=data["category"].slug,
        details=data["details"],
        where=data["where"],
        evidence=form.evidence_refs(),
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
    named = active_categories().filter(slug=request.GET.get("category", "")).first()
    if named is not None:  # "Report" beside a message Haven warned about
        initial["category"] = named
    form = ReportForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        picker=picker,
        initial=initial,
    )
    status, headers = 200, {}
    if request.method == "POST":
        form.is_valid()
        status = form.store_screenshots(request.user)
        if not form.errors:
            report, status, headers = act_on_form(form, lambda: _file(request, subject, form))
            if report is not None:
                messages.success(request, "Thank you. Your report was sent.")
                return redirect("safety:report_detail", report.pk)
    context = {"form": form, "subject": subject, "kept": form.kept_uploads(request.user)}
    response = render(request, "safety/report_form.html", context, status=status)
    return with_headers(response, headers)


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
