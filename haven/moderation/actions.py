"""Signals arriving on cases (staff decisions live in haven.moderation.enforcement)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from haven.moderation import priority
from haven.moderation.models import Case, Signal

# A new case starts as the ORM's defaults plus its first signal (version 2, as it was
# when created then counted); an existing one counts the signal, and a closed one
# re-opens as a new round (its age and first-action clock restart). PostgreSQL and
# SQLite (3.35+) both take this upsert.
UPSERT = """
INSERT INTO moderation_case (target_type, target_id, subject_id, status, signal_count,
    flag_weight, version, opened_at, last_signal_at, closed_at, assigned_to_id,
    claimed_at, first_action_at, priority_base, rank, top_category_id, reporter_count,
    categories)
VALUES (%s, %s, %s, 'open', 1, %s, 2, %s, %s, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, '[]')
ON CONFLICT (target_type, target_id) DO UPDATE SET
    opened_at = CASE WHEN moderation_case.status = 'closed' THEN excluded.opened_at
                     ELSE moderation_case.opened_at END,
    first_action_at = CASE WHEN moderation_case.status = 'closed' THEN NULL
                           ELSE moderation_case.first_action_at END,
    status = 'open',
    closed_at = NULL,
    signal_count = moderation_case.signal_count + 1,
    flag_weight = moderation_case.flag_weight + excluded.flag_weight,
    last_signal_at = excluded.last_signal_at,
    version = moderation_case.version + 1
RETURNING id
"""


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

    Must run inside the caller's transaction. One upsert statement on the unique
    (target_type, target_id) constraint creates the case or counts the signal on it
    (re-opening a closed one), so two signals arriving together never make two cases
    or lose a re-open; then the case is read back, and its priority and queue preview
    are computed in full for a new round or moved by this one signal otherwise.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    flag_weight = weight if kind == Signal.Kind.FLAG else 0.0
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [target_type, target_id, subject.pk, flag_weight, now, now])
        case_id = cursor.fetchone()[0]
    case = Case.objects.select_related("top_category").get(pk=case_id)
    signal = Signal.objects.create(
        case=case,
        kind=kind,
        reporter=reporter,
        category=category,
        weight=weight,
        flag=flag,
        report=report,
    )
    if case.opened_at == case.last_signal_at:  # this signal opened the round
        priority.refresh(case)
    else:
        priority.count(case, signal)
    return case, signal
