"""Support tickets: members write to Haven's support staff; staff work an inbox."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status

from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.safety.reports import EvidenceRef
from haven.support import actions, selectors
from haven.support.schemas import (
    AssignIn,
    ReplyIn,
    StaffReplyIn,
    StaffTicketDetailOut,
    StaffTicketOut,
    TicketDetailOut,
    TicketIn,
    TicketOut,
)
from haven.support.schemas import Status as TicketStatus
from haven.support.schemas import Topic as TicketTopic

router = Router(tags=["support"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


@router.post("/support/tickets", response={201: TicketDetailOut, **ERRORS})
def file_ticket(request: HttpRequest, payload: TicketIn):
    """Write to Haven support. When the ticket is about a member (`about`), the evidence
    you attach is copied now, so later edits or deletions do not change it, and the ticket
    joins that member's case for moderators; the member is never told, nor who wrote it.
    At most `HAVEN_TICKETS_PER_HOUR` tickets an hour (429 with `Retry-After`)."""
    member = viewer(request)
    ticket = actions.file_ticket(
        actor=member,
        topic=payload.topic,
        description=payload.description,
        subject=selectors.resolve_about(member, payload.about),
        evidence=[EvidenceRef(type=ref.type, id=ref.id) for ref in payload.evidence],
        links=payload.links,
    )
    return Status(201, selectors.access_ticket(member, ticket.pk))


@router.get("/support/tickets", response={200: PageOut[TicketOut], **ERRORS})
def my_tickets(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    """Tickets I wrote, most recently active first, each with its status: `new`, `open`,
    `waiting` (support answered and waits on you) or `resolved`."""
    return selectors.tickets_of(viewer(request), cursor=cursor, limit=limit)


@router.get("/support/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS})
def my_ticket(request: HttpRequest, ticket_id: int):
    """One of my tickets with its conversation (`from_support` marks support's replies) and
    the evidence copied when I sent it. Anyone else's ticket is a 404."""
    return selectors.access_ticket(viewer(request), ticket_id)


@router.post("/support/tickets/{ticket_id}/replies", response={201: TicketDetailOut, **ERRORS})
def reply(request: HttpRequest, ticket_id: int, payload: ReplyIn):
    """Answer on my ticket. A ticket waiting on you or resolved becomes `open` again; a
    `new` one stays new until support takes it."""
    member = viewer(request)
    ticket = selectors.access_ticket(member, ticket_id)
    actions.reply_as_member(actor=member, ticket=ticket, body=payload.body)
    return Status(201, selectors.access_ticket(member, ticket_id))


# Staff: support agents, moderators and admins (403 for anyone else).


@router.get("/staff/tickets", response={200: PageOut[StaffTicketOut], **ERRORS}, tags=["staff"])
def inbox(
    request: HttpRequest,
    status: TicketStatus | None = None,
    topic: TicketTopic | None = None,
    assigned: Literal["me", "none"] | None = None,
    cursor: str | None = None,
    limit: int | None = page_limit(),
):
    """The ticket inbox, most recently active first. Filter by `status`, `topic`, and
    `assigned` (`me`: assigned to me; `none`: unassigned). Support staff only (403).
    Tickets you wrote or that are about you are not in your inbox (404 if asked for)."""
    return selectors.inbox(
        viewer(request), status=status, topic=topic, assigned=assigned, cursor=cursor, limit=limit
    )


@router.get(
    "/staff/tickets/{ticket_id}", response={200: StaffTicketDetailOut, **ERRORS}, tags=["staff"]
)
def staff_ticket(request: HttpRequest, ticket_id: int):
    """One ticket with its whole conversation, internal notes included, and its frozen
    evidence with the content copied at filing time and whether each hash still holds."""
    return selectors.access_staff_ticket(viewer(request), ticket_id)


@router.post(
    "/staff/tickets/{ticket_id}/assign",
    response={200: StaffTicketDetailOut, **ERRORS},
    tags=["staff"],
)
def assign(request: HttpRequest, ticket_id: int, payload: AssignIn):
    """Take the ticket (`"me"`) or leave it unassigned (`null`). A new ticket becomes open
    when someone takes it. Written to the audit log."""
    agent = viewer(request)
    ticket = selectors.access_staff_ticket(agent, ticket_id)
    actions.assign(actor=agent, ticket=ticket, assignee=agent if payload.assignee else None)
    return selectors.access_staff_ticket(agent, ticket_id)


@router.post(
    "/staff/tickets/{ticket_id}/replies",
    response={201: StaffTicketDetailOut, **ERRORS},
    tags=["staff"],
)
def staff_reply(request: HttpRequest, ticket_id: int, payload: StaffReplyIn):
    """Reply to the member (the ticket then waits on them; they are notified in the app and
    by email) or, with `internal`, add a note only staff see. Replying to an unassigned
    ticket assigns it to you. Written to the audit log."""
    agent = viewer(request)
    ticket = selectors.access_staff_ticket(agent, ticket_id)
    actions.reply_as_staff(actor=agent, ticket=ticket, body=payload.body, internal=payload.internal)
    return Status(201, selectors.access_staff_ticket(agent, ticket_id))


@router.post(
    "/staff/tickets/{ticket_id}/resolve",
    response={200: StaffTicketDetailOut, **ERRORS},
    tags=["staff"],
)
def resolve(request: HttpRequest, ticket_id: int):
    """Mark the ticket resolved and notify the member (a resolved ticket stays as it is).
    The member can still reply, which opens it again. Written to the audit log."""
    agent = viewer(request)
    actions.resolve(actor=agent, ticket=selectors.access_staff_ticket(agent, ticket_id))
    return selectors.access_staff_ticket(agent, ticket_id)


@router.post(
    "/staff/tickets/{ticket_id}/reopen",
    response={200: StaffTicketDetailOut, **ERRORS},
    tags=["staff"],
)
def reopen(request: HttpRequest, ticket_id: int):
    """Open a resolved ticket again (any other ticket stays as it is). Written to the
    audit log."""
    agent = viewer(request)
    actions.reopen(actor=agent, ticket=selectors.access_staff_ticket(agent, ticket_id))
    return selectors.access_staff_ticket(agent, ticket_id)
