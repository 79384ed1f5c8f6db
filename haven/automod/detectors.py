"""Automated protection: patterns in a member's own actions that open or raise a case.

PRODUCT.md: signals from the community policy itself open or raise cases; they never
punish on their own. Each detector below adds an *automated* signal to the acting
member's case (no reporter: the case page says "by Haven"), freezes what it saw as a
"pattern" piece of evidence and writes an audit entry, in one transaction. The
surfaces don't call them: they say what happened (haven.core.events), and
haven.automod.tasks runs the detectors off the request path, on the task worker in
production. A moderator then decides the case like any other; the automated signals
it holds raise its priority (haven.moderation.priority).

- **Repeated message** (spam): one text, ignoring case and spacing and at least
  `HAVEN_SPAM_MIN_CHARS` long, sent to `HAVEN_SPAM_RECIPIENTS` different members
  within `HAVEN_SPAM_WINDOW_HOURS`. Raised once per text and window, by the copy
  that reaches a new member at or past the threshold. Cost on every message long
  enough: one lookup on the (sender, fingerprint, created_at) index, reading at
  most `SPAM_SCAN` rows.
- **New accounts contacting strangers** (spam): an account younger than
  `HAVEN_NEW_ACCOUNT_DAYS` may start `HAVEN_NEW_ACCOUNT_CONTACTS` chats with members
  who aren't its friends, and send as many friend requests, per day. The limit
  itself refuses in the request (haven.safety.limits.new_contact: a limit every new
  account has, not a sanction); the first refusal of a day raises a signal here.
- **Friend requests after declines** (harassment): a request to a member who has
  already declined `HAVEN_DECLINES_BEFORE_SIGNAL` requests from the sender. Raised on
  every such request (once per request), so persistence keeps raising the case. Cost
  per request: one lookup on the (from_member, to_member, status) index.
- **Unanswered messages** (harassment): `HAVEN_UNANSWERED_MESSAGES` messages in a
  chat, the first and the latest at least `HAVEN_UNANSWERED_DAYS` apart, since the
  other member last wrote there (or ever), between members who aren't friends. Raised
  again every as many messages more; a reply starts the count again. Cost per
  message (on the worker): one read of the chat's latest few senders on the
  (chat, id) index; past that, only when the other member has gone quiet.
- **Contact after a block** (harassment): the policy gate says when a block refused
  a chat, a message, a friend request or a comment (haven.safety.events); each
  attempt is kept (automod.RefusedContact) for `HAVEN_BLOCKED_ATTEMPTS_DAYS`, and
  `HAVEN_BLOCKED_ATTEMPTS` of them at one blocker raise a signal naming the
  blocker, once per blocker in that window. Attempts within 5 minutes of the last
  one count once (a double tap, a retry). The send path pays nothing; a refused
  attempt costs its request one task.
- **Block evasion** (the category of the earlier account's last decision, else
  other): an account younger than `HAVEN_EVASION_ACCOUNT_DAYS`, when it is opened or
  signs in, shares a mailbox (haven.members.mailboxes) or a browser (haven.members.
  devices) with a suspended or removed member. Once per earlier account; two
  indexed reads per sign-up or sign-in on a browser someone else used.

- **Abusive language and scams** (the text classifier, haven.automod.classifier): a
  message, post, comment or share whose top category scores at least
  `HAVEN_AUTOMOD_SIGNAL_SCORE` raises a signal of that category, with the frozen
  item (as a flag freezes it) and what the classifier saw (scores and the spans
  that counted). Once per text: an edit to the same words raises nothing new, and
  the same words sent to more members within `HAVEN_SPAM_WINDOW_HOURS` warn each
  recipient but open no case per copy (the repeated-message detector counts them).

Each is idempotent, as tasks must be (haven.core.tasks): run twice for the same
message, request or day, a detector raises one signal.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.log import record
from haven.automod.classifier import POLICY, classify
from haven.automod.models import RefusedContact
from haven.chats.models import Message
from haven.friends.models import FriendRequest
from haven.friends.selectors import are_friends
from haven.members.models import Member
from haven.moderation.actions import add_signal
from haven.moderation.models import Enforcement, Signal
from haven.notifications.actions import notify
from haven.safety.evidence import author_brief, capture, digest, iso
from haven.safety.models import Evidence, PolicyCategory

log = logging.getLogger(__name__)

PATTERN_ITEMS = 50  # at most this many items are frozen into one pattern's evidence
SPAM_SCAN = 200  # recipients are counted over this many latest copies of a text
RETRY_MINUTES = 5  # refused contact attempts this close to the last one count once


def _raise(subject, *, pattern: str, category_slug: str, summary: str, payload: dict, item=None):
    """An automated signal on the subject's case, or with `item` ((kind, object)) on
    the item's own case, so that removing the content or dismissing works as for a
    flag; the item frozen, and what Haven saw as a pattern."""
    category = PolicyCategory.objects.filter(slug=category_slug).first()
    if category is None:  # an admin deleted a shipped category; nothing to cite
        log.warning("automated %s signal on %s skipped: no %r category", pattern, subject.pk,
                    category_slug)  # fmt: skip
        return None
    target_type, target_id = (item[0], item[1].pk) if item is not None else ("member", subject.pk)
    case, signal = add_signal(
        target_type=target_type,
        target_id=target_id,
        subject=subject,
        kind=Signal.Kind.AUTOMATED,
        category=category,
    )
    payload = {"pattern": pattern, "summary": summary, "author": author_brief(subject), **payload}
    evidence = capture(Evidence.Kind.PATTERN, payload=payload, signal=signal)
    if item is not None:  # frozen as a flag freezes it
        capture(item[0], item[1], signal=signal)
    record(
        actor=None,
        event="automated_signal",
        target=subject,
        reason=category.slug,
        new={"pattern": pattern, "case_id": case.pk, "evidence": evidence.sha256},
        snapshot={"summary": summary},
    )
    return case


def _raised(subject, pattern: str, **payload):
    """The evidence of this pattern (with these payload values) raised on the subject.
    Read only when a detector is about to raise, so rarely."""
    match = {f"payload__{key}": value for key, value in payload.items()}
    return Evidence.objects.filter(
        kind=Evidence.Kind.PATTERN, signal__case__subject=subject, payload__pattern=pattern,
        **match,
    )  # fmt: skip


def _raised_since(subject, pattern: str, since, **payload) -> bool:
    """Has this pattern (with these payload values) been raised on the subject since?"""
    return _raised(subject, pattern, **payload).filter(captured_at__gte=since).exists()


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
    """The repeated-message detector, for a stored message (in the caller's transaction)."""
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


def after_unanswered(message) -> None:
    """The unanswered-messages detector, for a stored message (in the caller's
    transaction). In a conversation (the other member wrote among the latest few
    messages): one read of at most `HAVEN_UNANSWERED_MESSAGES` ids on the (chat, id)
    index. Otherwise a look for their last message and a count of those since."""
    chat, sender_id = message.chat, message.sender_id
    per_round = settings.HAVEN_UNANSWERED_MESSAGES
    in_chat = Message.objects.filter(chat_id=chat.pk)
    latest = list(in_chat.order_by("-id").values_list("sender_id", flat=True)[:per_round])
    if len(latest) < per_round or any(s != sender_id for s in latest):
        return
    after = in_chat.exclude(sender_id=sender_id).aggregate(last=Max("id"))["last"] or 0
    sent = in_chat.filter(id__gt=after).aggregate(n=Count("pk"), first=Min("created_at"))
    span = message.created_at - sent["first"]
    if span < timedelta(days=settings.HAVEN_UNANSWERED_DAYS):
        return
    recipient = chat.other(message.sender)
    if are_friends(message.sender, recipient):
        return  # friends chose each other; one who wants it to stop can block
    # Once per `per_round` more messages since their last word: persistence keeps
    # raising the case; a reply starts the count again.
    pattern = "unanswered_messages"
    counted = (
        _raised(message.sender, pattern, chat_id=chat.pk, after_message_id=after)
        .order_by("-captured_at")
        .values_list("payload__count", flat=True)
        .first()
    )
    if counted is not None and sent["n"] < counted + per_round:
        return
    items = [
        {"message_id": m.pk, "text": m.body, "created_at": iso(m.created_at)}
        for m in in_chat.filter(id__gt=after).order_by("-id")[:PATTERN_ITEMS]
    ]
    if after:
        summary = (
            f"Sent {sent['n']} messages over {span.days} days to {recipient.username} "
            "since their last reply."
        )
    else:
        summary = (
            f"Sent {sent['n']} messages over {span.days} days to {recipient.username}, "
            "who has never replied."
        )
    _raise(
        message.sender,
        pattern=pattern,
        category_slug="harassment",
        summary=summary,
        payload={
            "chat_id": chat.pk,
            "after_message_id": after,
            "count": sent["n"],
            "to": author_brief(recipient),
            "first_at": iso(sent["first"]),
            "items": items,
        },
    )


def after_friend_request(request) -> None:
    """The declined-requests detector, for a stored request (in the caller's
    transaction); once per request."""
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
    pattern = "requests_after_declines"
    if _raised_since(request.from_member, pattern, request.created_at, request_id=request.pk):
        return
    items = [
        {"sent_at": iso(r["created_at"]), "declined_at": iso(r["responded_at"])} for r in declined
    ]
    _raise(
        request.from_member,
        pattern=pattern,
        category_slug="harassment",
        summary=(
            f"Sent another friend request to {request.to_member.username} "
            f"after {len(declined)} were declined."
        ),
        payload={
            "request_id": request.pk,
            "to": author_brief(request.to_member),
            "sent_at": iso(request.created_at),
            "items": items,
        },
    )


def after_refused_contact(member, blocker, *, what: str) -> None:
    """The blocked-attempts detector (in the caller's transaction): keep the attempt,
    forget the pair's attempts older than the window, and at the threshold raise a
    signal, once per member blocking them in the window. Attempts within
    `RETRY_MINUTES` of the last one kept are that attempt again (a double tap, a
    retry after "nothing happened")."""
    now = timezone.now()
    since = now - timedelta(days=settings.HAVEN_BLOCKED_ATTEMPTS_DAYS)
    pair = RefusedContact.objects.filter(member=member, blocker=blocker)
    if pair.filter(created_at__gt=now - timedelta(minutes=RETRY_MINUTES)).exists():
        return
    pair.filter(created_at__lt=since).delete()
    RefusedContact.objects.create(member=member, blocker=blocker, what=what, created_at=now)
    attempts = list(pair.order_by("-created_at").values("what", "created_at")[:PATTERN_ITEMS])
    if len(attempts) < settings.HAVEN_BLOCKED_ATTEMPTS:
        return
    pattern = "contact_after_block"
    if _raised_since(member, pattern, since, blocker_id=blocker.pk):
        return
    tried = RefusedContact.What
    items = [{"tried": tried(a["what"]).label, "at": iso(a["created_at"])} for a in attempts]
    days = settings.HAVEN_BLOCKED_ATTEMPTS_DAYS
    _raise(
        member,
        pattern=pattern,
        category_slug="harassment",
        summary=(
            f"Tried {len(attempts)} times in {days} days to contact {blocker.username}, "
            f"who blocks them; each attempt was refused (latest: {items[0]['tried']})."
        ),
        payload={"blocker_id": blocker.pk, "blocker": author_brief(blocker), "items": items},
    )


def _barred(now) -> Q:
    return Q(removed_at__isnull=False) | Q(suspended_until__gt=now)


def after_joined_or_device(member, device_username: str) -> None:
    """The block evasion detector (in the caller's transaction), for an account younger
    than `HAVEN_EVASION_ACCOUNT_DAYS`: a suspended or removed member with the same
    mailbox (haven.members.mailboxes) or who signed in on the same browser (haven.
    members.devices) raises a signal on this account's case naming them; once per
    earlier account. Two indexed reads."""
    now = timezone.now()
    if member.date_joined < now - timedelta(days=settings.HAVEN_EVASION_ACCOUNT_DAYS):
        return
    shared: dict[int, tuple[object, list[str]]] = {}
    if member.email_key:
        same_mailbox = Member.objects.filter(_barred(now), email_key=member.email_key)
        for earlier in same_mailbox.exclude(pk=member.pk)[:PATTERN_ITEMS]:
            shared[earlier.pk] = (earlier, ["email address"])
    if device_username and device_username != member.username:
        earlier = Member.objects.filter(_barred(now), username=device_username).first()
        if earlier is not None:
            shared.setdefault(earlier.pk, (earlier, []))[1].append("browser")
    for earlier, what in shared.values():
        _raise_evasion(member, earlier, what, now)


def _raise_evasion(member, earlier, what: list[str], now) -> None:
    pattern = "block_evasion"
    if _raised_since(member, pattern, member.date_joined, earlier_id=earlier.pk):
        return
    last = (
        Enforcement.objects.filter(subject=earlier, reversed_at__isnull=True)
        .select_related("category")
        .order_by("-created_at")
        .first()
    )
    if earlier.removed_at is not None:
        standing = "removed from Haven"
    else:
        standing = f"suspended until {earlier.suspended_until:%d %b %Y}"
    _raise(
        member,
        pattern=pattern,
        category_slug=last.category.slug if last is not None else "other",
        summary=(
            f"May be {earlier.username} again, who is {standing}: the two accounts share "
            f"{' and '.join(what)}."
        ),
        payload={
            "earlier_id": earlier.pk,
            "earlier": author_brief(earlier),
            "shared": what,
            "earlier_standing": standing,
            "earlier_enforcement": None if last is None else last.kind,
            "joined_at": iso(member.date_joined),
            "items": [],
        },
    )


def after_new_account_limit(member, *, what: str) -> None:
    """A new account was refused a contact past its daily limit (haven.safety.limits):
    the first time in a day, a signal (in the caller's transaction)."""
    if _raised_since(member, "new_account_contacts", timezone.now() - timedelta(days=1)):
        return
    per_day = settings.HAVEN_NEW_ACCOUNT_CONTACTS
    _raise(
        member,
        pattern="new_account_contacts",
        category_slug="spam",
        summary=(
            f"A new account (joined {member.date_joined:%d %b %Y}) tried to contact more "
            f"than {per_day} members who aren't its friends in a day; refused at: {what}."
        ),
        payload={"joined_at": iso(member.date_joined), "items": []},
    )


SURFACE = {"message": "chat", "post": "post", "comment": "comment", "share": "share"}


def _reading(kind: str, item) -> tuple[str, str, str | None]:
    """What the classifier reads of an item: its text, where it was written, and the
    language it says it is in."""
    if kind == "message":
        return item.body, "chat", None
    if kind == "post":
        surface = "notebook" if item.space == "notebook" else "post"
        return f"{item.title}\n{item.body}", surface, item.language or None
    if kind == "comment":
        on_notebook = item.post_id is not None and item.post.space == "notebook"
        return item.body, "notebook" if on_notebook else "comment", None
    return item.text, "share", None


def after_text(kind: str, item, author) -> None:
    """The classifier's detector, for a stored message, post, comment or share (in the
    caller's transaction): a signal when the text looks abusive, once per text."""
    text, surface, lang = _reading(kind, item)
    verdict = classify(text, lang, surface=surface)
    if verdict.labels() and kind == "message" and are_friends(author, item.chat.other(author)):
        # read only when it matters: between friends, rude words count for less
        verdict = classify(text, lang, surface=surface, friends=True)
    labels = verdict.labels()
    if not labels:
        return
    label, score = labels[0], verdict.scores[labels[0]]
    words = digest({"text": text})
    if kind == "message":
        # These words, from this member, already on a case (this message's, after a
        # retry, or a copy sent to someone else): its recipient is warned too, but the
        # queue gets no case per copy.
        window = item.created_at - timedelta(hours=settings.HAVEN_SPAM_WINDOW_HOURS)
        if _raised_since(author, "classifier", window, item_type=kind, text_sha256=words):
            _warn_recipient(item, label)
            return
    elif _raised_since(author, "classifier", item.created_at, item_type=kind, item_id=item.pk,
                       text_sha256=words):  # fmt: skip
        return
    spans = [
        {"label": s.label, "text": s.text, "start": s.start, "end": s.end, "source": s.source}
        for s in verdict.spans_for(label)
    ]
    case = _raise(
        author,
        pattern="classifier",
        category_slug=POLICY[label],
        summary=f"Haven's classifier: this {kind} looks like {label} ({score:.2f}).",
        payload={
            "item_type": kind,
            "item_id": item.pk,
            "text_sha256": words,
            "label": label,
            "score": score,
            "scores": verdict.scores,
            "spans": spans,
            "surface": surface,
            "items": [],
        },  # fmt: skip
        item=(kind, item),
    )
    if case is None:
        return
    if kind == "message":
        _warn_recipient(item, label)
    elif kind in ("post", "comment") and item.hidden_at is None:
        space = item.space if kind == "post" else getattr(item.post, "space", None)
        if space and score >= settings.HAVEN_AUTOMOD_HOLD_SCORES.get(space, 2.0):
            _hold(kind, item, author, label)


def _warn_recipient(message, label: str) -> None:
    """ "Haven thinks this message may be abusive", beside it, for its recipient."""
    type(message).objects.filter(pk=message.pk).update(automod_label=POLICY[label])


def _hold(kind: str, item, author, label: str) -> None:
    """Hide a public post or comment until a moderator looks, and tell its author why.
    Dismissing its case shows it again, as for content hidden by flags."""
    type(item).objects.filter(pk=item.pk, hidden_at__isnull=True).update(hidden_at=timezone.now())
    category = PolicyCategory.objects.filter(slug=POLICY[label]).first()
    looks_like = category.name if category is not None else label
    title = (
        _("Your post is held for review")
        if kind == "post"
        else _("Your comment is held for review")
    )
    notify(
        author,
        title=title,
        body=_(
            "Held for review: it looks like %(category)s to Haven. A moderator will look; "
            "until then only you can see it."
        )
        % {"category": looks_like},
        url=f"/posts/{item.pk if kind == 'post' else item.post_id}",
    )
