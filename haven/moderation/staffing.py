"""Granting and taking away staff roles (admins), with the rank rule and an audit row."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from haven.audit.log import record
from haven.core.errors import Invalid, NotSignedIn, Refused
from haven.members import token_cache
from haven.members.models import Member
from haven.members.roles import ADMIN, MODERATOR, RANKS, SUPPORT_AGENT, fresh_rank, role_of

# What an admin may grant: any role below their own (admins are made by a superuser).
GRANTABLE = {"none": None, "support_agent": SUPPORT_AGENT, "moderator": MODERATOR}
ADMINS_ONLY = "Only admins change staff roles."


def _require_admin(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if role_of(actor) != ADMIN:
        raise Refused(ADMINS_ONLY)


def staff_members(actor) -> list[Member]:
    """Everyone with a staff role, each with its role worked out from the prefetched
    groups (two queries, however many staff)."""
    _require_admin(actor)
    staff = list(
        Member.objects.filter(groups__name__in=list(RANKS))
        .distinct()
        .prefetch_related("groups")
        .order_by("username")
    )
    for member in staff:
        names = {g.name for g in member.groups.all()} | ({ADMIN} if member.is_superuser else set())
        member._haven_role = max((n for n in names if n in RANKS), key=RANKS.get, default=None)
    return staff


def set_role(*, actor, target: Member, role: str) -> Member:
    """Give `target` exactly `role` (or none). Refused on oneself and on anyone of the
    actor's rank or above, and for a role as high as the actor's own."""
    _require_admin(actor)
    if role not in GRANTABLE:
        raise Invalid.field("role", "Choose none, support_agent or moderator.")
    if target.pk == actor.pk:
        raise Invalid.field("username", "You can't change your own role.")
    with transaction.atomic():
        rank = fresh_rank(actor)
        if rank < RANKS[ADMIN]:
            raise Refused(ADMINS_ONLY)
        current = fresh_rank(target)
        if current >= rank:
            raise Refused("You can't change the role of a member of your own or a higher role.")
        before = role_of(target)
        new = GRANTABLE[role]
        if RANKS.get(new, 0) > current:  # a promotion; taking a role away is always fine
            _may_be_staff(target)
        target.groups.remove(*Group.objects.filter(name__in=list(RANKS)))
        if new:
            target.groups.add(Group.objects.get_or_create(name=new)[0])
        Member.objects.filter(pk=target.pk).update(is_staff=new is not None)
        token_cache.forget_member(target.pk)
        released = _release_work(target, RANKS.get(new, 0))
        record(actor=actor, event="role_change", target=target, old={"role": before},
               new={"role": new, **released})  # fmt: skip
    target.refresh_from_db()
    target._haven_role = new
    return target


def _may_be_staff(target: Member) -> None:
    """No staff role for a member under a sanction or with a case or appeal open: the
    rank rule would then keep moderators from deciding it."""
    from haven.moderation.models import Appeal, Case

    if target.removed_at is not None or target.is_suspended() or target.is_restricted():
        raise Refused(f"{target.username} is under a sanction: lift it before giving a role.")
    if Case.objects.filter(subject=target, status=Case.Status.OPEN).exists():
        raise Refused(f"A case about {target.username} is open: decide it first.")
    if Appeal.objects.filter(member=target, status=Appeal.Status.PENDING).exists():
        raise Refused(f"An appeal by {target.username} is waiting: decide it first.")


def _release_work(target: Member, rank: int) -> dict:
    """A role taken away takes its claims with it: cases a former moderator claimed and
    tickets a former agent was assigned go back to everyone, unclaimed."""
    from django.db.models import F

    from haven.moderation.models import Case
    from haven.support.models import Ticket

    released = {}
    if rank < RANKS[MODERATOR]:
        cases = Case.objects.filter(assigned_to=target, status=Case.Status.OPEN)
        ids = list(cases.values_list("id", flat=True))
        cases.update(assigned_to=None, claimed_at=None, version=F("version") + 1)
        if ids:
            released["released_cases"] = ids
    if rank < RANKS[SUPPORT_AGENT]:
        tickets = Ticket.objects.filter(assigned_to=target).exclude(status=Ticket.Status.RESOLVED)
        ids = list(tickets.values_list("id", flat=True))
        tickets.update(assigned_to=None)
        if ids:
            released["released_tickets"] = ids
    return released
