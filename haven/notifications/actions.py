"""Telling a member something: an in-app notification now, an email after commit."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from haven.notifications.models import Notification

log = logging.getLogger(__name__)


def _email(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # a mail outage must not undo a decision already committed
        log.exception("notification email to %s failed", address)


def email_on_commit(address: str, subject: str, body: str) -> None:
    """Send an email once the caller's transaction commits (never on a rollback)."""
    transaction.on_commit(lambda: _email(address, subject, body))


def notify(member, *, title: str, body: str = "", url: str = "") -> Notification:
    """Store the notification in the caller's transaction; email it once that commits.

    The email is a side effect after commit: a rolled-back action sends nothing,
    and a retried action (one that failed before commit) sends once.
    """
    note = Notification.objects.create(member=member, title=title, body=body, url=url)
    if member.email:
        text = body + (f"\n\n{settings.HAVEN_SITE_URL}{url}" if url else "")
        email_on_commit(member.email, f"Haven: {title}", text)
    return note


def mark_all_read(member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )
