"""Reads on support tickets, for the member who wrote them and for support staff.

A member sees only their own tickets and never an internal note; anyone else's
ticket does not exist for them (404). Staff (support agents, moderators,
admins) see every ticket and its whole thread. The member a ticket is about
never reaches it by any path.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet

from haven.core.errors import Invalid, NotFound, NotSignedIn, Refused
from haven.core.pagination import Page, by_assignee, paginate
from haven.members.models import Member
from haven.members.roles import RANKS, SUPPORT_AGENT, rank_of
from haven.safety import evidence as frozen
from haven.safety.models import Evidence
from haven.support.models import Ticket, TicketMessage

STAFF_ONLY = "Only Haven's support staff can see the ticket inbox."
ORDER = ("-updated_at", "-id")
ABOUT_MAX = 300
PROFILE_PATH = re.compile(r"^/?u/([A-Za-z0-9_]{3,30})(?:/.*)?$")
USERNAME = re.compile(r"^@?([A-Za-z0-9_]{3,30})$")
PUBLIC_ID = re.compile(r"^\d{9}$")
NOT_FOUND_ABOUT = (
    "We couldn't find a member from “{text}”. Paste the link to their profile "
    "(it ends in /u/ and their username), their username, or their 9-digit member ID."
)
FIELD = "about"


# Who the ticket is about.


def _profile_path(text: str) -> str:
    """The path of a link, with or without scheme and host: `/u/bob` for all of
    `https://haven.example/u/bob`, `haven.example/u/bob`, `/u/bob` and `u/bob`."""
    if text.startswith("u/"):
        text = "/" + text
    elif "://" not in text and not text.startswith("/"):
        text = "//" + text
    try:
        return urlsplit(text).path
    except ValueError:  # e.g. an unclosed [ in the host
        return ""


def _lookup(text: str) -> tuple[str | None, int | None]:
    """(username, public id) that `text` names, either possibly None."""
    if PUBLIC_ID.match(text):
        return text, int(text)  # nine digits could also be a username
    if match := USERNAME.match(text) or PROFILE_PATH.match(_profile_path(text)):
        return match.group(1).lower(), None
    return None, None


def resolve_about(actor, text: str | None) -> Member | None:
    """The active member named by a profile link (`/u/<username>`, any host or none), a
    username (with or without @) or a 9-digit member ID; None when `text` is empty.
    Anything else, an inactive member or the actor themself is a 400 on `about`."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > ABOUT_MAX:
        raise Invalid.field(FIELD, "This is too long to be a profile link, username or ID.")
    username, public_id = _lookup(text)
    if username is None:
        raise Invalid.field(FIELD, NOT_FOUND_ABOUT.format(text=text[:80]))
    named = Q(username=username) | Q(public_id=public_id) if public_id else Q(username=username)
    # A member ID wins over a username made of the same nine digits.
    found = sorted(
        Member.objects.filter(named, is_active=True)[:2], key=lambda m: m.public_id != public_id
    )
    if not found:
        raise Invalid.field(FIELD, NOT_FOUND_ABOUT.format(text=text[:80]))
    if found[0].pk == actor.pk:
        raise Invalid.field(FIELD, "That's you. Name the member your ticket is about.")
    return found[0]


# The member's side.


def tickets_of(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """The member's own tickets, most recently active first: one query per page."""
    tickets = Ticket.objects.filter(member=member).select_related("subject")
    return paginate(tickets, cursor=cursor, order=ORDER, limit=limit)


def access_ticket(member, ticket_id: int) -> Ticket:
    """One of the member's own tickets; anyone else's does not exist for them."""
    ticket = Ticket.objects.filter(member=member, pk=ticket_id).select_related("subject").first()
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


def thread_for_member(ticket: Ticket) -> list[TicketMessage]:
    """The conversation as the member sees it: never an internal note."""
    return list(ticket.messages.filter(internal=False).order_by("created_at", "id"))


def evidence_of(ticket: Ticket) -> list[Evidence]:
    return list(ticket.evidence.select_related("upload").order_by("id"))


# The staff side.


def is_agent(viewer) -> bool:
    return bool(
        viewer is not None
        and viewer.is_authenticated
        and viewer.is_active
        and rank_of(viewer) >= RANKS[SUPPORT_AGENT]
    )


def require_agent(viewer) -> None:
    if viewer is None or not viewer.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not is_agent(viewer):
        raise Refused(STAFF_ONLY)


def _staff_tickets(viewer) -> QuerySet[Ticket]:
    """Tickets a member of staff may work: never one they wrote (its internal notes
    are about them) nor one about them (it names who complained)."""
    return (
        Ticket.objects.select_related("member", "subject", "assigned_to", "signal")
        .exclude(member=viewer)
        .exclude(subject=viewer)
    )


def inbox(
    viewer,
    *,
    status: str | None = None,
    topic: str | None = None,
    assigned: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """Every ticket for staff, most recently active first, filtered by status, topic and
    assignment (`me` or `none`): one query per page."""
    require_agent(viewer)
    tickets = _staff_tickets(viewer)
    if status:
        if status not in Ticket.Status.values:
            raise Invalid.field("status", "Choose new, open, waiting or resolved.")
        tickets = tickets.filter(status=status)
    if topic:
        if topic not in Ticket.Topic.values:
            raise Invalid.field("topic", "Choose safety, account, lessons or other.")
        tickets = tickets.filter(topic=topic)
    tickets = by_assignee(tickets, viewer, assigned)
    return paginate(tickets, cursor=cursor, order=ORDER, limit=limit)


def access_staff_ticket(viewer, ticket_id: int) -> Ticket:
    require_agent(viewer)
    ticket = _staff_tickets(viewer).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("No such ticket.")
    return ticket


def thread_for_staff(ticket: Ticket) -> list[TicketMessage]:
    """The whole conversation, internal notes included, with each author."""
    messages = ticket.messages.select_related("author").order_by("created_at", "id")
    return list(messages)


def verified_evidence(ticket: Ticket) -> list[Evidence]:
    """The frozen evidence, each item's `verified` telling whether its hash still holds."""
    items = evidence_of(ticket)
    for item in items:
        item.verified = frozen.verify(item)
    return items
