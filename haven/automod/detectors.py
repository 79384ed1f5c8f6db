"""Automated protection: patterns in a member's own actions that open or raise a case.

PRODUCT.md: signals from the community policy itself open or raise cases; they never
punish on their own. Each detector below adds an *automated* signal to the acting
member's case (no reporter: the case page says "by Haven"), freezes what it saw as a
"pattern" piece of evidence and writes an audit entry, all inside the action's own
transaction. A moderator then decides the case like any other; the automated signals
it holds raise its priority (haven.moderation.priority).

- **Repeated message** (spam): one text, ignoring case and spacing and at least
  `HAVEN_SPAM_MIN_CHARS` long, sent to `HAVEN_SPAM_RECIPIENTS` different members
  within `HAVEN_SPAM_WINDOW_HOURS`. Raised once per text and window, by the copy
  that reaches a new member at or past the threshold. Cost on every message long
  enough: one lookup on the (sender, fingerprint, created_at) index, reading at
  most `SPAM_SCAN` rows.
- **New accounts contacting strangers** (spam): an account younger than
  `HAVEN_NEW_ACCOUNT_DAYS` may start `HAVEN_NEW_ACCOUNT_CONTACTS` chats with members
  who aren't its friends, and send as many friend requests, per day; past that the
  action is refused (429) and, the first time that day, a signal is raised; an
  action that fails anyway (a duplicate request) gives its contact back. This is
  the one detector that refuses: a limit every new account has, not a sanction. Cost:
  nothing for older accounts; one cache counter for new ones.
- **Friend requests after declines** (harassment): a request to a member who has
  already declined `HAVEN_DECLINES_BEFORE_SIGNAL` requests from the sender. Raised on
  every such request, so persistence keeps raising the case. Cost on every request:
  one lookup on the (from_member, to_member, status) index.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from haven.audit.log import record
from haven.chats.models import Message
from haven.core.ratelimit import RateLimited, limit, refund
from haven.friends.models import FriendRequest
from haven.moderation.actions import add_signal
from haven.moderation.models import Signal
from haven.safety.evidence import author_brief, capture, iso
from haven.safety.models import Evidence, PolicyCategory

log = logging.getLogger(__name__)

PATTERN_ITEMS = 50  # at most this many items are frozen into one pattern's evidence
SPAM_SCAN = 200  # recipients are counted over this many latest copies of a text
DAY = 24 * 3600  # the new-account limit's window, in seconds


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def fingerprint(text: str) -> str:
    """What `Message.fingerprint` holds: 64 bits of SHA-256 over the normalised text,
    or "" for a text too short to count as a repeated message."""
    text = normalised(text)
    if len(text) < settings.HAVEN_SPAM_MIN_CHARS:
        return ""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _raise(subject, *, pattern: str, category_slug: str, summary: str, payload: dict) -> None:
    category = PolicyCategory.objects.filter(slug=category_slug).first()
    if category is None:  # an admin deleted a shipped category; nothing to cite
        log.warning("automated %s signal on %s skipped: no %r category", pattern, subject.pk,
                    category_slug)  # fmt: skip
        return
    case, signal = add_signal(
        target_type="member",
        target_id=subject.pk,
        subject=subject,
        kind=Signal.Kind.AUTOMATED,
        category=category,
    )
    payload = {"pattern": pattern, "summary": summary, "author": author_brief(subject), **payload}
    evidence = capture(Evidence.Kind.PATTERN, payload=payload, signal=signal)
    record(
        actor=None,
        event="automated_signal",
        target=subject,
        reason=category.slug,
        new={"pattern": pattern, "case_id": case.pk, "evidence": evidence.sha256},
        snapshot={"summary": summary},
    )


def _raised_since(subject, pattern: str, since, **payload) -> bool:
    """Has this pattern (with these payload values) already been raised on the subject
    since then? Read only when a detector is about to raise, so rarely."""
    match = {f"payload__{key}": value for key, value in payload.items()}
    return Evidence.objects.filter(
        kind=Evidence.Kind.PATTERN,
        signal__case__subject=subject,
        captured_at__gte=since,
        payload__pattern=pattern,
        **match,
    ).exists()


RECENT_CHATS = (
    "SELECT chat_id FROM {table} WHERE sender_id = %s AND fingerprint = %s"
    " AND created_at >= %s ORDER BY created_at DESC LIMIT %s"
)


def _recent_chats(message, since) -> list[int]:
    """The chats of the sender's latest copies of this text in the window: at most
    `SPAM_SCAN`, so the lookup stays bounded even for a member who sends one text
    thousands of times. One read on the message_by_text index, on every message long
    enough; written as SQL because the ORM's query building cost more than the read
    (0.34 against 0.13 ms measured, on the path every message takes)."""
    sql = RECENT_CHATS.format(table=connection.ops.quote_name(Message._meta.db_table))
    when = connection.ops.adapt_datetimefield_value(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, [message.sender_id, message.fingerprint, when, SPAM_SCAN])
        return [row[0] for row in cursor.fetchall()]


def after_message(message) -> None:
    """The repeated-message detector, for a message just stored (same transaction)."""
    if not message.fingerprint:
        return
    since = message.created_at - timedelta(hours=settings.HAVEN_SPAM_WINDOW_HOURS)
    recent = _recent_chats(message, since)
    recipients = len(set(recent))
    new_recipient = recent.count(message.chat_id) == 1
    if recipients < settings.HAVEN_SPAM_RECIPIENTS or not new_recipient:
        return
    # At or past the threshold (">=": two copies sent at the same moment may both have
    # counted one short), once per text and window.
    if _raised_since(message.sender, "repeated_message", since, fingerprint=message.fingerprint):
        return
    same = Message.objects.filter(
        sender_id=message.sender_id, fingerprint=message.fingerprint, created_at__gte=since
    )
    sent = list(
        same.select_related("chat__member_low", "chat__member_high").order_by("-id")[:PATTERN_ITEMS]
    )
    items = [
        {
            "message_id": m.pk,
            "chat_id": m.chat_id,
            "to": author_brief(m.chat.other(message.sender)),
            "text": m.body,
            "created_at": iso(m.created_at),
        }
        for m in sent
    ]
    hours = settings.HAVEN_SPAM_WINDOW_HOURS
    _raise(
        message.sender,
        pattern="repeated_message",
        category_slug="spam",
        summary=f"Sent the same message to {recipients} members within {hours} hours.",
        payload={"text": message.body, "fingerprint": message.fingerprint, "items": items},
    )


def after_friend_request(request) -> None:
    """The declined-requests detector, for a request just stored (same transaction)."""
    declined = list(
        FriendRequest.objects.filter(
            from_member_id=request.from_member_id,
            status=FriendRequest.Status.DECLINED,
            to_member_id=request.to_member_id,
        )
        .order_by("-created_at")
        .values("created_at", "responded_at")[:PATTERN_ITEMS]
    )
    if len(declined) < settings.HAVEN_DECLINES_BEFORE_SIGNAL:
        return
    items = [
        {"sent_at": iso(r["created_at"]), "declined_at": iso(r["responded_at"])} for r in declined
    ]
    _raise(
        request.from_member,
        pattern="requests_after_declines",
        category_slug="harassment",
        summary=(
            f"Sent another friend request to {request.to_member.username} "
            f"after {len(declined)} were declined."
        ),
        payload={
            "to": author_brief(request.to_member),
            "sent_at": iso(request.created_at),
            "items": items,
        },
    )


class _Contact:
    """One contact counted against the new-account limit; `refund()` gives it back."""

    def __init__(self, key: str | None) -> None:
        self.key = key

    def refund(self) -> None:
        if self.key is not None:
            refund("new_account_contact", self.key, window=DAY)
            self.key = None


@contextmanager
def new_contact(actor, *, what: str) -> Iterator[_Contact]:
    """The new-account contact limit around a new chat with a non-friend or a friend
    request (`what` names it in the signal). Past the limit: RateLimited (429) and, the
    first time that day, an automated signal. A contact whose action then fails (a
    duplicate request, a refusal) is given back, so retries never use up the day."""
    if actor.date_joined < timezone.now() - timedelta(days=settings.HAVEN_NEW_ACCOUNT_DAYS):
        yield _Contact(None)
        return
    per_day = settings.HAVEN_NEW_ACCOUNT_CONTACTS
    try:
        limit(
            "new_account_contact",
            str(actor.pk),
            max_hits=per_day,
            window=DAY,
            message=(
                f"New accounts can contact up to {per_day} members who aren't their friends "
                "each day (chats and friend requests). Please try again tomorrow."
            ),
        )
    except RateLimited:
        with transaction.atomic():
            if not _raised_since(actor, "new_account_contacts", timezone.now() - timedelta(days=1)):
                _raise(
                    actor,
                    pattern="new_account_contacts",
                    category_slug="spam",
                    summary=(
                        f"A new account (joined {actor.date_joined:%d %b %Y}) tried to "
                        f"contact more than {per_day} members who aren't its friends in a "
                        f"day; refused at: {what}."
                    ),
                    payload={"joined_at": iso(actor.date_joined), "items": []},
                )
        raise
    contact = _Contact(str(actor.pk))
    try:
        yield contact
    except BaseException:
        contact.refund()
        raise
