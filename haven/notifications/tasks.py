"""Delivering notifications and emails, as tasks (haven.core.tasks): off the request
path, retried when the mail server fails, and idempotent by the key each was given
when it was enqueued."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from haven.core.tasks import retried
from haven.members.models import Member
from haven.notifications.models import Notification, SentEmail


def _send_once(key: str, address: str, subject: str, body: str) -> None:
    """Send unless the ledger says it went out; a mail error raises, so the task is
    retried. (A crash between sending and writing the ledger sends it again.)"""
    if SentEmail.objects.filter(key=key).exists():
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key)
    except IntegrityError:  # another run sent it at the same moment
        pass


@retried
def send_email(key: str, address: str, subject: str, body: str) -> None:
    _send_once(key, address, subject, body)


@retried
def deliver(member_id: int, key: str, title: str, body: str, url: str) -> None:
    """Store the notification (once) and email it to the member's address of now."""
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        return
    Notification.objects.get_or_create(
        key=key, defaults={"member": member, "title": title, "body": body, "url": url}
    )
    if member.email:
        text = body + (f"\n\n{settings.HAVEN_SITE_URL}{url}" if url else "")
        _send_once(f"{key}:email", member.email, f"Haven: {title}", text)
