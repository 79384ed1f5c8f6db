"""The staff dashboard's numbers: open cases by priority band and category, median
times to first action and to resolution, and reports per day as an SVG chart.

Every figure is an aggregate in the database (no row is loaded per case): medians
come from counting the rows, then reading the middle one of an ordered, indexed scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from haven.moderation import priority
from haven.moderation.models import Case
from haven.moderation.selectors import require_case_reader
from haven.safety.models import Report

DAYS = 30
# Priority bands, on the score the queue shows (see haven.moderation.priority).
BANDS = (("urgent", 70.0), ("high", 50.0), ("normal", 30.0), ("low", float("-inf")))


@dataclass
class Dashboard:
    open_total: int
    by_band: list[tuple[str, int]]
    by_category: list[tuple[str, int]]
    median_first_action: timedelta | None
    median_resolution: timedelta | None
    reports_per_day: list[tuple[date, int]]
    window_days: int = DAYS

    @property
    def chart(self) -> dict:
        return bar_chart(self.reports_per_day)


def _median(cases: QuerySet, start: str, end: str) -> timedelta | None:
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    rows = cases.filter(**{f"{end}__isnull": False}).annotate(took=took)
    n = rows.count()
    if n == 0:
        return None
    # Both middle values in one read; a case re-opened since the count may shift the
    # middle by one row, which a median over thousands shrugs off (never a crash).
    middle = list(rows.order_by("took").values_list("took", flat=True)[(n - 1) // 2 : n // 2 + 1])
    if not middle:
        return None
    return sum(middle, timedelta()) / len(middle)


def dashboard(viewer) -> Dashboard:
    require_case_reader(viewer)
    now = timezone.now()
    since = now - timedelta(days=DAYS)
    # As in the queue, nothing about the viewer themselves: not even as a count.
    cases = Case.objects.exclude(subject=viewer)
    open_cases = cases.filter(status=Case.Status.OPEN)
    # A score s is rank + AGE × now_hours, so a band's lower bound is a bound on rank.
    now_term = priority.AGE_PER_HOUR * now.timestamp() / 3600
    bands, upper = {}, None
    for name, lower in BANDS:
        condition = Q(rank__gte=lower - now_term) if lower != float("-inf") else Q()
        if upper is not None:
            condition &= Q(rank__lt=upper - now_term)
        bands[name] = Count("id", filter=condition)
        upper = lower
    counts = open_cases.aggregate(total=Count("id"), **bands)
    by_category = list(
        open_cases.values_list("top_category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "top_category__name")
    )
    recent = cases.filter(opened_at__gte=since)
    per_day = dict(
        Report.objects.filter(created_at__gte=since)
        .exclude(subject=viewer)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    today = timezone.localdate(now)
    days = [today - timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    return Dashboard(
        open_total=counts["total"],
        by_band=[(name, counts[name]) for name, _ in BANDS],
        by_category=[(name or "No category", n) for name, n in by_category],
        median_first_action=_median(recent, "opened_at", "first_action_at"),
        median_resolution=_median(recent, "opened_at", "closed_at"),
        reports_per_day=[(day, per_day.get(day, 0)) for day in days],
    )


def bar_chart(series: list[tuple[date, int]], width: int = 600, height: int = 160) -> dict:
    """Bars for an inline SVG: the template draws them (no chart library needed)."""
    top = max((n for _, n in series), default=0) or 1
    slot = width / max(len(series), 1)
    bars = []
    for i, (day, n) in enumerate(series):
        h = round(n / top * (height - 20), 1)
        x, y, w = round(i * slot + 1, 1), round(height - h, 1), round(slot - 2, 1)
        bars.append({"x": x, "y": y, "w": w, "h": h, "day": day, "n": n})
    return {"width": width, "height": height, "bars": bars, "top": top}
