"""Telling a member something: a notification and an email, each a task enqueued once the
caller's transaction commits (haven.notifications.tasks)."""

from __future__ import annotations

import uuid

from django.utils import timezone

from haven.core.tasks import enqueue_on_commit
from haven.notifications import tasks
from haven.notifications.models import Notification


def email_on_commit(address: str, subject: str, body: str) -> None:
    """Send an email once the caller's transaction commits (never on a rollback)."""
    enqueue_on_commit(tasks.send_email, uuid.uuid4().hex, address, subject, body)


def notify(member, *, title: str, body: str = "", url: str = "") -> None:
    """Notify `member` in the app and by email, once the caller's transaction commits.

    A rolled-back action tells nobody, and the key chosen here makes a retried
    delivery store and send it once."""
    enqueue_on_commit(tasks.deliver, member.pk, uuid.uuid4().hex, title, body, url)


def mark_all_read(member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
