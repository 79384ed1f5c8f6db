"""Contact support: the form (with the evidence picker once the member it is about is
known), My tickets, and one ticket's conversation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from haven.core.errors import HavenError
from haven.core.forms import posted
from haven.core.web import act_on_form, add_errors, cursor_of, with_headers
from haven.safety import reports
from haven.support import actions, selectors
from haven.support.forms import ReplyForm, TicketForm


def _subject(actor, text: str):
    """(member or None, the error naming `about` or None)."""
    try:
        return selectors.resolve_about(actor, text), None
    except HavenError as exc:
        return None, exc


def _file(request: HttpRequest, form: TicketForm, subject):
    data = form.cleaned_data
    return actions.file_ticket(
        actor=request.user,
        topic=data["topic"],
        description=data["description"],
        subject=subject,
        evidence=form.evidence_refs(),
        links=data["links"],
    )


def _bound_form(request: HttpRequest, subject, picker) -> tuple[TicketForm, bool]:
    """The posted form, and whether this post only asks for the evidence picker."""
    data = request.POST
    choosing = subject is not None and data.get("picked_for") != subject.username
    if subject is None or choosing:
        data = TicketForm.without_picks(data)
    if choosing:
        data["picked_for"] = subject.username
    return TicketForm(data, request.FILES, picker=picker), choosing


@login_required
@require_http_methods(["GET", "POST"])
def contact_support(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    subject, about_error = _subject(request.user, source.get("about", ""))
    picker = reports.evidence_picker(request.user, subject) if subject else None
    status, headers, choosing = 200, {}, False
    if request.method == "GET":
        initial = {"about": source.get("about", ""), "picked_for": getattr(subject, "username", "")}
        form = TicketForm(picker=picker, initial=initial)
    else:
        form, choosing = _bound_form(request, subject, picker)
        form.is_valid()
        if about_error is not None:
            add_errors(form, about_error)
        status = form.store_screenshots(request.user)
        if not form.errors and not choosing:
            ticket, status, headers = act_on_form(form, lambda: _file(request, form, subject))
            if ticket is not None:
                messages.success(request, "Thank you. Your ticket was sent.")
                return redirect("support:ticket", ticket.pk)
    context = {
        "form": form,
        "subject": subject,
        "choosing": choosing and not form.errors,
        "kept": form.kept_uploads(request.user),
        "page": selectors.tickets_of(request.user, cursor=cursor_of(request)),
    }
    response = render(request, "support/contact.html", context, status=status)
    return with_headers(response, headers)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.access_ticket(request.user, ticket_id)
    form = ReplyForm(posted(request))
    status, headers = (400 if form.is_bound else 200), {}
    if form.is_bound and form.is_valid():
        body = form.cleaned_data["body"]
        sent, status, headers = act_on_form(
            form, lambda: actions.reply_as_member(actor=request.user, ticket=ticket, body=body)
        )
        if sent is not None:
            messages.success(request, "Your reply was sent.")
            return redirect("support:ticket", ticket.pk)
    context = {
        "ticket": ticket,
        "thread": selectors.thread_for_member(ticket),
        "evidence": selectors.evidence_of(ticket),
        "form": form,
    }
    response = render(request, "support/ticket.html", context, status=status)
    return with_headers(response, headers)


urlpatterns = [
    path("support", contact_support, name="home"),
    path("support/tickets/<int:ticket_id>", ticket_detail, name="ticket"),
]
