"""Per-member limits on every contact verb: messages, new chats, friend requests.

A member, however old their account, may send only so many messages a minute and
open only so many new chats and send only so many friend requests an hour. Friends
are limited more loosely than strangers (members who aren't friends): a burst to a
friend is a conversation, the same burst to strangers is how spam and pile-ons
look. Past a limit the action is refused with 429 and `Retry-After`; an action that
then fails for another reason gives its count back. The counters live in the shared
cache (Redis when configured), keyed by member id: one cache round trip per verb.

The new-account limit (`new_contact`) comes on top of these for accounts younger
than HAVEN_NEW_ACCOUNT_DAYS: so many contacts with non-friends (new chats and friend
requests) a day. It refuses in the request (the member must get the 429) and says so
with an event (`new_account_limit_reached`), on which automated protection raises a
signal for staff.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from haven.core.events import emit
from haven.core.ratelimit import RateLimited, limit, refund
from haven.safety.events import new_account_limit_reached

MINUTE, HOUR, DAY = 60, 3600, 24 * 3600
_lifted: ContextVar[bool] = ContextVar("contact_limits_lifted", default=False)


@dataclass(frozen=True)
class Rule:
    scope: str
    setting: str  # the setting that holds the allowance per window
    window: int
    message: str


RULES = {
    ("message", False): Rule(
        "contact:message",
        "HAVEN_MESSAGES_PER_MINUTE",
        MINUTE,
        "You're sending messages very quickly. Please wait a moment and try again.",
    ),
    ("message", True): Rule(
        "contact:message:friend",
        "HAVEN_FRIEND_MESSAGES_PER_MINUTE",
        MINUTE,
        "You're sending messages very quickly. Please wait a moment and try again.",
    ),
    ("chat", False): Rule(
        "contact:chat",
        "HAVEN_NEW_CHATS_PER_HOUR",
        HOUR,
        "You have started a lot of new chats recently. Please try again later.",
    ),
    ("chat", True): Rule(
        "contact:chat:friend",
        "HAVEN_FRIEND_NEW_CHATS_PER_HOUR",
        HOUR,
        "You have started a lot of new chats recently. Please try again later.",
    ),
    ("friend_request", False): Rule(
        "contact:friend_request",
        "HAVEN_FRIEND_REQUESTS_PER_HOUR",
        HOUR,
        "You have sent a lot of friend requests recently. Please try again later.",
    ),
}


class Counted:
    """One contact counted against a limit; `refund()` gives it back."""

    def __init__(self, rule: Rule, key: str) -> None:
        self.rule, self.key = rule, key

    def refund(self) -> None:
        if self.key:
            refund(self.rule.scope, self.key, window=self.rule.window)
            self.key = ""


@contextmanager
def counted(actor, verb: str, *, friends: bool = False) -> Iterator[Counted]:
    """Count one `verb` ("message", "chat", "friend_request") by the actor, to a
    friend or not: RateLimited (429) past the allowance, and the count given back if
    the block inside raises."""
    if _lifted.get():
        yield Counted(RULES[verb, friends], "")
        return
    rule = RULES[verb, friends]
    key = str(actor.pk)
    limit(
        rule.scope,
        key,
        max_hits=getattr(settings, rule.setting),
        window=rule.window,
        message=rule.message,
    )
    contact = Counted(rule, key)
    try:
        yield contact
    except BaseException:
        contact.refund()
        raise


NEW_ACCOUNT = Rule(
    "new_account_contact",
    "HAVEN_NEW_ACCOUNT_CONTACTS",
    DAY,
    "New accounts can contact up to {limit} members who aren't their friends each day "
    "(chats and friend requests). Please try again tomorrow.",
)


@contextmanager
def new_contact(actor, *, what: str) -> Iterator[Counted]:
    """The new-account limit around a new chat with a non-friend or a friend request
    (`what` names it for staff). Past it: RateLimited (429), and the event that lets
    automated protection raise a signal. A contact whose action then fails (a duplicate
    request, a refusal) is given back, so retries never use up the day."""
    young = actor.date_joined >= timezone.now() - timedelta(days=settings.HAVEN_NEW_ACCOUNT_DAYS)
    if not young:
        yield Counted(NEW_ACCOUNT, "")
        return
    per_day = settings.HAVEN_NEW_ACCOUNT_CONTACTS
    key = str(actor.pk)
    try:
        limit(NEW_ACCOUNT.scope, key, max_hits=per_day, window=DAY,
              message=NEW_ACCOUNT.message.format(limit=per_day))  # fmt: skip
    except RateLimited:
        emit(new_account_limit_reached, member_id=actor.pk, what=what)
        raise
    contact = Counted(NEW_ACCOUNT, key)
    try:
        yield contact
    except BaseException:
        contact.refund()
        raise


@contextmanager
def lifted() -> Iterator[None]:
    """No contact limits inside: for the demo seed, which writes a community's weeks of
    chats in one go through the same actions members use."""
    token = _lifted.set(True)
    try:
        yield
    finally:
        _lifted.reset(token)
