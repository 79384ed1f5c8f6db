"""Reads for the staff desk: the priority queue, one case with everything about it,
the appeals queue. Each is a fixed number of queries, whatever the number of
signals, evidence or cases (tests assert it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from haven.core.errors import Invalid, NotFound, NotSignedIn, Refused
from haven.core.pagination import Page, by_assignee, paginate
from haven.members.roles import MODERATOR, RANKS, SUPPORT_AGENT, rank_of
from haven.moderation import enforcement, priority
from haven.moderation.models import Appeal, Case, Enforcement, Signal
from haven.safety.evidence import verify
from haven.safety.models import Evidence

STAFF_ONLY = "Only Haven's staff can see cases."
MODERATORS_ONLY = "Only moderators and admins can decide appeals."


def require_case_reader(viewer) -> None:
    """Cases name reporters: staff only (support agents read, moderators act)."""
    if viewer is None or not viewer.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not viewer.is_active or rank_of(viewer) < RANKS[SUPPORT_AGENT]:
        raise Refused(STAFF_ONLY)


def require_moderator(viewer) -> None:
    require_case_reader(viewer)
    if rank_of(viewer) < RANKS[MODERATOR]:
        raise Refused(MODERATORS_ONLY)


def queue(
    viewer,
    *,
    status: str | None = "open",
    category: str | None = None,
    assigned: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """Cases by priority (highest first; see haven.moderation.priority), one query per
    page: the case, its subject, most severe category and assignee come joined.

    `status`: open (default), closed or "" for all; `category`: a policy slug any
    signal names; `assigned`: "me" or "none"."""
    require_case_reader(viewer)
    # Staff are members too: a case about yourself names who reported you. Not yours to read.
    cases = Case.objects.select_related("subject", "top_category", "assigned_to").exclude(
        subject=viewer
    )
    if status:
        if status not in Case.Status.values:
            raise Invalid.field("status", "Choose open or closed.")
        cases = cases.filter(status=status)
    if category:
        named = Signal.objects.filter(case=OuterRef("pk"), category__slug=category)
        cases = cases.filter(Exists(named))
    cases = by_assignee(cases, viewer, assigned)
    page = paginate(cases, cursor=cursor, order=("-rank", "-id"), limit=limit)
    for case in page.items:
        case.priority = priority.score(case)
    return page


def access_case(viewer, case_id: int) -> Case:
    require_case_reader(viewer)
    case = (
        Case.objects.select_related("subject", "assigned_to", "top_category")
        .filter(pk=case_id)
        .first()
    )
    if case is None or case.subject_id == viewer.pk:  # see `queue`
        raise NotFound("No such case.")
    case.priority = priority.score(case)
    return case


@dataclass
class CaseFile:
    """Everything the case page shows."""

    case: Case
    signals: list[Signal]
    evidence: list[Evidence]
    history: list[Enforcement]
    strikes: int
    prior_cases: list[Case]
    related_cases: list[Case]
    content: Any
    allowed: list[str]
    reporters: list[Any] = field(default_factory=list)


def evidence_of_signals(signals: list[Signal]) -> list[Evidence]:
    """Every frozen copy filed with these signals, each re-hashed (`verified`). By the
    flag, report, ticket and (automated) signal ids the signals already hold: four
    index probes, where an OR over joins through the signal table would scan all
    evidence."""
    flags = [s.flag_id for s in signals if s.flag_id]
    reports = [s.report_id for s in signals if s.report_id]
    tickets = [s.ticket.pk for s in signals if getattr(s, "ticket", None) is not None]
    automated = [s.pk for s in signals if s.kind == Signal.Kind.AUTOMATED]
    if not (flags or reports or tickets or automated):
        return []
    wanted = (
        Q(flag_id__in=flags)
        | Q(report_id__in=reports)
        | Q(ticket_id__in=tickets)
        | Q(signal_id__in=automated)
    )
    rows = list(Evidence.objects.filter(wanted).order_by("captured_at", "id"))
    for row in rows:
        row.verified = verify(row)
    return rows


def case_file(viewer, case_id: int) -> CaseFile:
    """One case for staff: the subject and standing, every signal with its reporter,
    the frozen evidence verified, the subject's history and other cases, and what
    this viewer may do now. Seven queries (nine for a content case), whatever the case
    holds."""
    case = access_case(viewer, case_id)
    signals = list(
        case.signals.select_related("category", "reporter", "report", "ticket").order_by(
            "created_at", "id"
        )
    )
    history = list(
        Enforcement.objects.filter(subject=case.subject)
        .select_related("category", "moderator", "appeal")
        .order_by("-created_at", "-id")[:50]
    )
    others = list(
        Case.objects.filter(subject=case.subject)
        .exclude(pk=case.pk)
        .select_related("top_category")
        .order_by("-opened_at", "-id")[:40]
    )
    reporters = list({s.reporter_id: s.reporter for s in signals if s.reporter}.values())
    content = enforcement.content_of(case)
    return CaseFile(
        case=case,
        signals=signals,
        evidence=evidence_of_signals(signals),
        history=history,
        strikes=priority.strikes_of(case.subject_id),
        prior_cases=[c for c in others if c.status == Case.Status.CLOSED],
        related_cases=[c for c in others if c.status == Case.Status.OPEN],
        content=content,
        allowed=enforcement.allowed_actions(viewer, case, content=content),
        reporters=reporters,
    )


def appeals(viewer, *, status: str | None = "pending", cursor=None, limit=None) -> Page:
    """Appeals, oldest first (first come, first decided)."""
    require_moderator(viewer)
    rows: QuerySet[Appeal] = Appeal.objects.select_related(
        "member", "enforcement__category", "enforcement__moderator", "decided_by"
    ).exclude(member=viewer)
    if status:
        if status not in Appeal.Status.values:
            raise Invalid.field("status", "Choose pending, upheld or overturned.")
        rows = rows.filter(status=status)
    return paginate(rows, cursor=cursor, order=("created_at", "id"), limit=limit)


def access_appeal(viewer, appeal_id: int) -> Appeal:
    require_moderator(viewer)
    appeal = (
        Appeal.objects.select_related(
            "member",
            "enforcement__category",
            "enforcement__moderator",
            "enforcement__case",
            "decided_by",
        )  # fmt: skip
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None or appeal.member_id == viewer.pk:
        raise NotFound("No such appeal.")
    appeal.can_decide = (
        appeal.status == Appeal.Status.PENDING
        and appeal.enforcement.moderator_id != viewer.pk
        and rank_of(appeal.member) < rank_of(viewer)
    )
    return appeal
