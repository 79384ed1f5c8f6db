"""Writes on support tickets: filing one, replies, internal notes, assignment, resolve.

Each action owns its transaction. Staff actions re-check the role inside, lock
the ticket row, and write an audit row in the same transaction; notifications
are stored there too and emailed after commit. An internal note never reaches
the member: not in a notification, not in an email, not even as a change to
the ticket's `updated_at`, which the member sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from haven.audit.log import record
from haven.core.errors import Invalid, NotFound, Refused, require_text
from haven.core.ratelimit import limit
from haven.members.roles import RANKS, SUPPORT_AGENT, fresh_rank
from haven.moderation.actions import add_signal
from haven.notifications.actions import notify
from haven.safety import reports
from haven.safety.models import PolicyCategory
from haven.safety.reports import EvidenceRef
from haven.safety.uploads import require_member
from haven.support.models import Ticket, TicketMessage
from haven.support.selectors import STAFF_ONLY, is_agent, require_agent

DESCRIPTION_MAX = 5000
BODY_MAX = 5000
REPLIES_PER_HOUR = 60  # a member's replies; each one may notify an agent
# The policy category of the signal a ticket adds to its subject's case.
SIGNAL_CATEGORY = {Ticket.Topic.SAFETY: "harassment"}
SIGNAL_CATEGORY_OTHERWISE = "other"
NAME_THE_MEMBER = (
    "Name the member your ticket is about to attach their messages, posts, comments or shares."
)


def _label(ticket: Ticket) -> str:
    return f"ticket {ticket.pk}: {ticket.get_topic_display()}, from {ticket.member.username}"


def _member_url(ticket: Ticket) -> str:
    return reverse("support:ticket", args=[ticket.pk])


def _staff_url(ticket: Ticket) -> str:
    return reverse("support:staff_ticket", args=[ticket.pk])


# Filing


def _evidence(actor, subject, evidence: Sequence[EvidenceRef]) -> dict[str, list]:
    """Resolve the evidence refs; without a subject only screenshots can be attached."""
    if subject is None and any(ref.type != "upload" for ref in evidence):
        raise Invalid.field("evidence", NAME_THE_MEMBER)
    # Without a subject only uploads are looked up below, and those never need one.
    return reports.resolve_evidence(actor, subject, evidence)


def _add_signal(ticket: Ticket) -> None:
    slug = SIGNAL_CATEGORY.get(ticket.topic, SIGNAL_CATEGORY_OTHERWISE)
    _, ticket.signal = add_signal(
        target_type="member",
        target_id=ticket.subject.pk,
        subject=ticket.subject,
        kind="ticket",
        category=PolicyCategory.objects.get(slug=slug),
        reporter=ticket.member,
    )
    ticket.save(update_fields=["signal"])


def file_ticket(
    *,
    actor,
    topic: str,
    description: str,
    subject=None,
    evidence: Sequence[EvidenceRef] = (),
    links: Sequence[str] = (),
) -> Ticket:
    """File a ticket, freeze its evidence, and when it is about a member, add a signal to
    that member's case. The member it is about is never told, nor who wrote it."""
    require_member(actor)
    if topic not in Ticket.Topic.values:
        raise Invalid.field("topic", "Choose what your ticket is about.")
    text = require_text("description", description, max_length=DESCRIPTION_MAX)
    if subject is not None and subject.pk == actor.pk:
        raise Invalid.field("about", "That's you. Name the member your ticket is about.")
    urls = reports.clean_links(links)
    items = _evidence(actor, subject, evidence)
    limit(
        "ticket",
        str(actor.pk),
        max_hits=settings.HAVEN_TICKETS_PER_HOUR,
        window=3600,
        message="You have sent a lot of support tickets; try again later.",
    )
    with transaction.atomic():
        ticket = Ticket.objects.create(member=actor, topic=topic, description=text, subject=subject)
        reports.freeze_all(items, urls, viewer=actor, ticket=ticket)
        if subject is not None:
            _add_signal(ticket)
        record(
            actor=actor,
            event="ticket",
            target_type="ticket",
            target_id=ticket.pk,
            target_label=_label(ticket),
            reason=topic,
            new={
                "subject": subject.username if subject is not None else None,
                "signal_id": ticket.signal_id,
                "evidence": list(ticket.evidence.values_list("kind", "sha256")),
            },
            snapshot={"description": text},
        )
    return ticket


# Shared by the writes below


def _locked(ticket: Ticket) -> Ticket:
    """The ticket's row, locked until the transaction ends (concurrent staff queue)."""
    tickets = Ticket.objects.select_for_update(of=("self",)).select_related("member", "assigned_to")
    return tickets.get(pk=ticket.pk)


def _locked_for_staff(actor, ticket: Ticket) -> Ticket:
    """The ticket locked, after re-reading the actor's role from the database (a role
    taken away a moment ago counts), and never one the actor wrote or is about."""
    if fresh_rank(actor) < RANKS[SUPPORT_AGENT] or not actor.is_active:
        raise Refused(STAFF_ONLY)
    if actor.pk in (ticket.member_id, ticket.subject_id):
        raise NotFound("No such ticket.")
    return _locked(ticket)


def _move(ticket: Ticket, status: str) -> None:
    """Set the status; this and every visible message is what `updated_at` tracks."""
    now = timezone.now()
    ticket.status = status
    ticket.updated_at = now
    ticket.resolved_at = now if status == Ticket.Status.RESOLVED else None
    ticket.save(update_fields=["status", "updated_at", "resolved_at"])


def _audit(actor, ticket: Ticket, event: str, **fields) -> None:
    record(
        actor=actor,
        event=event,
        target_type="ticket",
        target_id=ticket.pk,
        target_label=_label(ticket),
        **fields,
    )


# The member


def reply_as_member(*, actor, ticket: Ticket, body: str) -> TicketMessage:
    """The member answers on their own ticket: it is open again (even when resolved), and
    the agent it is assigned to, if any and still on staff, is told."""
    require_member(actor)
    if ticket.member_id != actor.pk:
        raise NotFound("No such ticket.")
    text = require_text("body", body, max_length=BODY_MAX, label="Reply")
    limit(
        "ticket_reply",
        str(actor.pk),
        max_hits=REPLIES_PER_HOUR,
        window=3600,
        message="You have sent a lot of replies; try again later.",
    )
    with transaction.atomic():
        ticket = _locked(ticket)
        message = TicketMessage.objects.create(ticket=ticket, author=actor, body=text)
        if ticket.status in (Ticket.Status.WAITING, Ticket.Status.RESOLVED):
            _move(ticket, Ticket.Status.OPEN)  # a new ticket stays new until staff take it
        else:
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
        if ticket.assigned_to is not None and is_agent(ticket.assigned_to):
            notify(
                ticket.assigned_to,
                title=f"{actor.username} replied on ticket {ticket.pk}",
                url=_staff_url(ticket),
            )
    return message


# Staff


def reply_as_staff(*, actor, ticket: Ticket, body: str, internal: bool = False) -> TicketMessage:
    """A reply to the member (the ticket then waits on them, and they are told), or an
    internal note only staff see. Replying to an unassigned ticket takes it."""
    require_agent(actor)
    text = require_text("body", body, max_length=BODY_MAX, label="Message")
    with transaction.atomic():
        ticket = _locked_for_staff(actor, ticket)
        message = TicketMessage.objects.create(
            ticket=ticket, author=actor, by_staff=True, internal=internal, body=text
        )
        if internal:
            _audit(
                actor,
                ticket,
                "ticket_note",
                new={"message_id": message.pk},
                snapshot={"body": text},
            )
            return message
        old = {"status": ticket.status, "assigned_to": _username(ticket.assigned_to)}
        if ticket.assigned_to is None:
            ticket.assigned_to = actor
            ticket.save(update_fields=["assigned_to"])
        _move(ticket, Ticket.Status.WAITING)
        new = {"status": ticket.status, "assigned_to": actor.username, "message_id": message.pk}
        _audit(actor, ticket, "ticket_reply", old=old, new=new, snapshot={"body": text})
        notify(
            ticket.member,
            title="Support replied to your ticket",
            body=f"Haven support answered your ticket “{ticket.get_topic_display()}”. "
            "Open it to read the reply and answer.",
            url=_member_url(ticket),
        )
    return message


def _username(member) -> str | None:
    return member.username if member is not None else None


def assign(*, actor, ticket: Ticket, assignee) -> Ticket:
    """Assign the ticket to a member of staff (or to nobody). A new ticket becomes open.
    Assigning it to whom it already is changes nothing and writes nothing."""
    require_agent(actor)
    if assignee is not None and not is_agent(assignee):
        raise Invalid.field("assignee", "Tickets can only be assigned to support staff.")
    with transaction.atomic():
        ticket = _locked_for_staff(actor, ticket)
        if ticket.assigned_to_id == getattr(assignee, "pk", None):
            return ticket
        old = {"assigned_to": _username(ticket.assigned_to), "status": ticket.status}
        ticket.assigned_to = assignee
        ticket.save(update_fields=["assigned_to"])
        if assignee is not None and ticket.status == Ticket.Status.NEW:
            _move(ticket, Ticket.Status.OPEN)
        new = {"assigned_to": _username(assignee), "status": ticket.status}
        _audit(actor, ticket, "ticket_assign", old=old, new=new)
    return ticket


def resolve(*, actor, ticket: Ticket) -> Ticket:
    """Mark the ticket resolved and tell the member; resolving it again does nothing."""
    require_agent(actor)
    with transaction.atomic():
        ticket = _locked_for_staff(actor, ticket)
        if ticket.status == Ticket.Status.RESOLVED:
            return ticket
        old = {"status": ticket.status}
        _move(ticket, Ticket.Status.RESOLVED)
        _audit(actor, ticket, "ticket_resolve", old=old, new={"status": ticket.status})
        notify(
            ticket.member,
            title="Your support ticket was resolved",
            body=f"Haven support marked your ticket “{ticket.get_topic_display()}” resolved. "
            "If you still need help, reply on the ticket and it opens again.",
            url=_member_url(ticket),
        )
    return ticket


def reopen(*, actor, ticket: Ticket) -> Ticket:
    """Open a resolved ticket again; on a ticket that is not resolved it does nothing."""
    require_agent(actor)
    with transaction.atomic():
        ticket = _locked_for_staff(actor, ticket)
        if ticket.status != Ticket.Status.RESOLVED:
            return ticket
        _move(ticket, Ticket.Status.OPEN)
        _audit(actor, ticket, "ticket_reopen", old={"status": "resolved"}, new={"status": "open"})
    return ticket
