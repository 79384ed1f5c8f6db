"""The queue's priority score, and reporter accuracy (which feeds it and flag weights).

    priority = 10 × severity            (the most severe category among the case's signals, 1–5)
             +  6 × Σ accuracy(r)       (over the distinct members who flagged, reported
                                          or wrote a ticket since the case (re)opened;
                                          accuracy in 0–2, 1 for a new reporter)
             +  8 × strikes             (the subject's strikes that stand, not reversed)
             +  5 × automated signals
             +  1 × hours since the case (re)opened

    accuracy(r) = 2 × (agreed + 1) / (agreed + dismissed + 2)

where `agreed`/`dismissed` count r's signals on closed cases that staff acted on /
dismissed. The +1/+2 (Laplace smoothing) start every reporter at 1.0 and let
a record move it slowly: 10 upheld of 10 → 1.83; 0 of 10 → 0.17.

Storage: `Case.priority_base` holds every term but age. It is computed in full
when a case opens or re-opens and when the subject's strikes change (`refresh`),
and a signal on a case already open moves it by what that signal adds (`count`):
a reporter new to this round adds their accuracy as it is then, an automated
signal adds its 5, a more severe category raises the severity term. So a signal
costs the same on a case with one signal as on one with five hundred. A
reporter's accuracy moves when *other* cases close; an open case they flagged
keeps the accuracy they had when they flagged it until its next full refresh (a
bounded lag, chosen over rewriting every open case of every reporter on each
decision). Age grows by the same amount for every case,
so ordering by `base + AGE × (now − opened_at)` is ordering by
`rank = base − AGE × opened_at` (hours since the epoch): a stored column, read
from an index, and the shown score is `rank + AGE × now`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.utils import timezone

SEVERITY = 10.0
REPORTER = 6.0
STRIKE = 8.0
AUTOMATED = 5.0
AGE_PER_HOUR = 1.0


def _hours(moment) -> float:
    return moment.timestamp() / 3600.0


def accuracy_of(reporter_ids: Iterable[int]) -> dict[int, float]:
    """accuracy(r) for each id, in one grouped query over the signal_by_reporter index."""
    from haven.moderation.models import Signal

    ids = {i for i in reporter_ids if i is not None}
    scores = dict.fromkeys(ids, 1.0)
    if not ids:
        return scores
    rows = (
        Signal.objects.filter(reporter_id__in=ids)
        .exclude(outcome=Signal.Outcome.PENDING)
        .values("reporter_id")
        .annotate(
            agreed=Count("id", filter=Q(outcome=Signal.Outcome.AGREED)),
            dismissed=Count("id", filter=Q(outcome=Signal.Outcome.DISMISSED)),
        )
    )
    for row in rows:
        scores[row["reporter_id"]] = accuracy(row["agreed"], row["dismissed"])
    return scores


def accuracy(agreed: int, dismissed: int) -> float:
    """A reporter's accuracy from their judged signals: 1.0 with none, towards 2.0 as
    staff agree, towards 0 as staff dismiss (Laplace-smoothed)."""
    return 2.0 * (agreed + 1) / (agreed + dismissed + 2)


def strikes_of(subject_id: int) -> int:
    from haven.moderation.models import Enforcement

    return Enforcement.objects.filter(
        subject_id=subject_id, strike=True, reversed_at__isnull=True
    ).count()


def refresh(case, *, strikes: int | None = None) -> None:
    """Recompute and store one case's priority, its most severe category and the
    queue's preview of this round (reporters, categories). Runs inside the caller's
    transaction; four small indexed queries (three when the subject's `strikes` are
    passed in), but it reads every signal of the case: the rare paths only (a case
    opens or re-opens, the subject's strikes change)."""
    from haven.moderation.models import Case, Signal

    signals = list(
        case.signals.select_related("category")
        .only("kind", "reporter_id", "outcome", "category")
        .order_by("created_at", "id")
    )
    # of equally severe categories, the first named (as `count` keeps it)
    top = max((s.category for s in signals), key=lambda c: c.severity, default=None)
    pending = [s for s in signals if s.outcome == Signal.Outcome.PENDING]
    accuracy = accuracy_of(s.reporter_id for s in pending)
    automated = sum(1 for s in pending if s.kind == Signal.Kind.AUTOMATED)
    strikes = strikes_of(case.subject_id) if strikes is None else strikes
    base = (
        SEVERITY * (top.severity if top else 0)
        + REPORTER * sum(accuracy.values())
        + STRIKE * strikes
        + AUTOMATED * automated
    )
    rank = base - AGE_PER_HOUR * _hours(case.opened_at)
    preview = {
        "reporter_count": len(accuracy),
        "categories": sorted({s.category.slug for s in pending}),
    }
    Case.objects.filter(pk=case.pk).update(
        priority_base=base, rank=rank, top_category=top, **preview
    )
    case.priority_base, case.rank, case.top_category = base, rank, top
    case.reporter_count, case.categories = preview["reporter_count"], preview["categories"]


def count(case, signal) -> None:
    """One more signal on a case that was already open (`case` as read after the
    signal's upsert, with `top_category`): move its priority and preview by what
    this signal adds, in at most two statements, whatever the case already holds.
    The case row is locked by the upsert until the transaction ends, so two signals
    on one case take turns here."""
    from haven.moderation.models import Case, Signal

    delta = 0.0
    changes: dict = {}
    if signal.reporter_id is not None:
        score, already = _reporter_on_case(signal.reporter_id, case.pk, signal.pk)
        if not already:
            delta += REPORTER * score
            changes["reporter_count"] = F("reporter_count") + 1
    if signal.kind == Signal.Kind.AUTOMATED:
        delta += AUTOMATED
    category, top = signal.category, case.top_category
    if top is None or category.severity > top.severity:
        delta += SEVERITY * (category.severity - (top.severity if top else 0))
        changes["top_category"] = category
    if category.slug not in case.categories:
        changes["categories"] = sorted([*case.categories, category.slug])
    if delta:
        changes["priority_base"] = F("priority_base") + delta
        changes["rank"] = F("rank") + delta
    if changes:
        Case.objects.filter(pk=case.pk).update(**changes)


def _reporter_on_case(reporter_id: int, case_id: int, signal_id: int) -> tuple[float, bool]:
    """The reporter's accuracy, and whether they already have a pending signal on
    this case besides `signal_id`: one grouped query over the signal_by_reporter
    index (bounded by the reporter's own history, not by the case)."""
    from haven.moderation.models import Signal

    row = Signal.objects.filter(reporter_id=reporter_id).aggregate(
        agreed=Count("id", filter=Q(outcome=Signal.Outcome.AGREED)),
        dismissed=Count("id", filter=Q(outcome=Signal.Outcome.DISMISSED)),
        here=Count(
            "id",
            filter=Q(case_id=case_id, outcome=Signal.Outcome.PENDING) & ~Q(pk=signal_id),
        ),
    )
    return accuracy(row["agreed"], row["dismissed"]), row["here"] > 0


def refresh_open_cases_of(subject_id: int) -> None:
    """After a strike is given or reversed: the subject's other open cases move."""
    from haven.moderation.models import Case

    strikes = strikes_of(subject_id)
    for case in Case.objects.filter(subject_id=subject_id, status=Case.Status.OPEN):
        refresh(case, strikes=strikes)


def score(case, now=None) -> float:
    """The priority shown for a case now (see the module docstring)."""
    return round(case.rank + AGE_PER_HOUR * _hours(now or timezone.now()), 1)
