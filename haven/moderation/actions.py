"""Signals arriving on cases (staff decisions live in haven.moderation.enforcement)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Case as Switch
from django.db.models import DateTimeField, F, Q, Value, When
from django.utils import timezone

from haven.moderation import priority
from haven.moderation.models import Case, Signal


def add_signal(
    *,
    target_type: str,
    target_id: int,
    subject,
    kind: str,
    category,
    reporter=None,
    weight: float = 1.0,
    flag=None,
    report=None,
) -> tuple[Case, Signal]:
    """Attach a signal to the one case for this target, creating or re-opening it.

    Must run inside the caller's transaction. The case row is created with
    get-or-create under the unique (target_type, target_id) constraint and then
    updated with a single UPDATE, so two signals arriving together never make two
    cases or lose a re-open.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            case, _ = Case.objects.get_or_create(
                target_type=target_type, target_id=target_id, defaults={"subject": subject}
            )
    except IntegrityError:  # another signal created it between our SELECT and INSERT
        case = Case.objects.get(target_type=target_type, target_id=target_id)
    flag_weight = F("flag_weight") + (weight if kind == Signal.Kind.FLAG else 0)
    was_closed = Q(status=Case.Status.CLOSED)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.OPEN,
        closed_at=None,
        # A re-opened case is a new round: its age and first-action clock restart.
        opened_at=Switch(When(was_closed, then=Value(now)), default=F("opened_at")),
        first_action_at=Switch(
            When(was_closed, then=Value(None, output_field=DateTimeField())),
            default=F("first_action_at"),
        ),
        signal_count=F("signal_count") + 1,
        flag_weight=flag_weight,
        last_signal_at=now,
        version=F("version") + 1,
    )
    signal = Signal.objects.create(
        case=case,
        kind=kind,
        reporter=reporter,
        category=category,
        weight=weight,
        flag=flag,
        report=report,
    )
    case.refresh_from_db()
    priority.refresh(case)
    return case, signal
