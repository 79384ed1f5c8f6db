"""The ticket inbox and one ticket for support staff (agents, moderators, admins).

Every write goes through haven.support.actions, which re-checks the role and
writes the audit row; anyone else gets the neutral 403 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.core.errors import Invalid
from haven.core.web import act_on_form, confirm, cursor_of
from haven.support import actions, selectors
from haven.support.forms import StaffMessageForm
from haven.support.models import Ticket

FILTERS = ("status", "topic", "assigned")
# Staff read "waiting" from their side of the conversation.
STAFF_STATUS = {**dict(Ticket.Status.choices), Ticket.Status.WAITING: "Waiting on member"}


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name) or None for name in FILTERS}
    try:
        page = selectors.inbox(request.user, **filters, cursor=cursor_of(request))
    except Invalid as exc:  # a hand-edited filter: the inbox again, saying what was wrong
        messages.error(request, exc.message)
        return redirect("support:inbox")
    chosen = {name: value for name, value in filters.items() if value}
    context = {
        "page": page,
        "filters": chosen,
        "statuses": list(STAFF_STATUS.items()),
        "topics": Ticket.Topic.choices,
        "staff_status": STAFF_STATUS,
        "extra": urlencode(chosen),
    }
    return render(request, "support/inbox.html", context)


def _page(request: HttpRequest, ticket: Ticket, *, bound=None, status: int = 200):
    forms = {False: StaffMessageForm(), True: StaffMessageForm(internal=True)}
    if bound is not None:
        forms[bound.internal] = bound
    context = {
        "ticket": ticket,
        "thread": selectors.thread_for_staff(ticket),
        "evidence": selectors.verified_evidence(ticket),
        "reply_form": forms[False],
        "note_form": forms[True],
        "staff_status": STAFF_STATUS,
    }
    return render(request, "support/staff_ticket.html", context, status=status)


@login_required
@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _page(request, selectors.access_staff_ticket(request.user, ticket_id))


@login_required
@require_POST
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.access_staff_ticket(request.user, ticket_id)
    internal = request.POST.get("internal") in ("True", "true", "on", "1")
    form = StaffMessageForm(request.POST, internal=internal)
    if form.is_valid():
        body = form.cleaned_data["body"]
        sent, _, _ = act_on_form(
            form,
            lambda: actions.reply_as_staff(
                actor=request.user, ticket=ticket, body=body, internal=internal
            ),
        )
        if sent is not None:
            messages.success(request, "Note added." if internal else "Reply sent.")
            return redirect("support:staff_ticket", ticket.pk)
    return _page(request, ticket, bound=form, status=400)


@login_required
@require_POST
def assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.access_staff_ticket(request.user, ticket_id)
    assignee = request.user if request.POST.get("assignee") == "me" else None
    actions.assign(actor=request.user, ticket=ticket, assignee=assignee)
    messages.success(request, "Assigned to you." if assignee else "Unassigned.")
    return redirect("support:staff_ticket", ticket.pk)


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.access_staff_ticket(request.user, ticket_id)
    if request.method == "GET":
        return confirm(
            request,
            title="Resolve this ticket?",
            question=f"{ticket.member.name} is told it is resolved. If they reply, it opens again.",
            confirm_label="Resolve",
            cancel_url=reverse("support:staff_ticket", args=[ticket.pk]),
            preview=ticket.description,
        )
    actions.resolve(actor=request.user, ticket=ticket)
    messages.success(request, "Ticket resolved.")
    return redirect("support:staff_ticket", ticket.pk)


@login_required
@require_POST
def reopen(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = selectors.access_staff_ticket(request.user, ticket_id)
    actions.reopen(actor=request.user, ticket=ticket)
    messages.success(request, "Ticket opened again.")
    return redirect("support:staff_ticket", ticket.pk)


urlpatterns = [
    path("staff/tickets", inbox, name="inbox"),
    path("staff/tickets/<int:ticket_id>", ticket_detail, name="staff_ticket"),
    path("staff/tickets/<int:ticket_id>/reply", reply, name="staff_reply"),
    path("staff/tickets/<int:ticket_id>/assign", assign, name="assign"),
    path("staff/tickets/<int:ticket_id>/resolve", resolve, name="resolve"),
    path("staff/tickets/<int:ticket_id>/reopen", reopen, name="reopen"),
]
