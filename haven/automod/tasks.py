"""The detectors as tasks: run after the member's action commits, off the request path
(on the task worker with TASKS_BACKEND=database), retried when they fail.

Each task locks the member it may raise a signal about, so two runs for the same
member (two copies of one text, a retry) take turns and the detector's own check
sees the other's signal: one signal, however often a task runs.
"""

from __future__ import annotations

from django.db import transaction

from haven.automod import detectors
from haven.chats.models import Message
from haven.community.models import Comment, Post, Share
from haven.core.tasks import retried
from haven.friends.models import FriendRequest
from haven.members.models import Member


def _lock(member_id: int) -> Member | None:
    # FOR NO KEY UPDATE: tasks for one member take turns, but rows that only point at
    # the member (their messages, a block of them) never wait for a check to finish.
    return Member.objects.select_for_update(no_key=True).filter(pk=member_id).first()


@retried
def check_message(message_id: int) -> None:
    """Every message: the repeated-message detector (for a text long enough to count),
    the unanswered-messages detector and the classifier, in one task so the send path
    enqueues one row."""
    with transaction.atomic():
        message = (
            Message.objects.select_related("sender", "chat__member_low", "chat__member_high")
            .filter(pk=message_id)
            .first()
        )
        if message is None or _lock(message.sender_id) is None:
            return  # deleted before the check ran: nothing of it left to read
        detectors.after_message(message)
        detectors.after_unanswered(message)
        detectors.after_text("message", message, message.sender)


TEXTS = {"post": Post, "comment": Comment, "share": Share}


@retried
def check_text(kind: str, item_id: int) -> None:
    """A post, comment or share as written or edited: the classifier."""
    with transaction.atomic():
        related = ("author", "post") if kind == "comment" else ("author",)
        item = TEXTS[kind].objects.select_related(*related).filter(pk=item_id).first()
        if item is None or _lock(item.author_id) is None:
            return
        detectors.after_text(kind, item, item.author)


@retried
def check_requests_after_declines(request_id: int) -> None:
    with transaction.atomic():
        request = (
            FriendRequest.objects.select_related("from_member", "to_member")
            .filter(pk=request_id)
            .first()
        )
        if request is None or _lock(request.from_member_id) is None:
            return
        detectors.after_friend_request(request)


@retried
def note_new_account_limit(member_id: int, what: str) -> None:
    with transaction.atomic():
        member = _lock(member_id)
        if member is not None:
            detectors.after_new_account_limit(member, what=what)


@retried
def note_refused_contact(member_id: int, blocker_id: int, what: str) -> None:
    """An attempt a block refused: counted, and past the threshold a signal."""
    with transaction.atomic():
        member = _lock(member_id)
        blocker = Member.objects.filter(pk=blocker_id).first()
        if member is not None and blocker is not None:
            detectors.after_refused_contact(member, blocker, what=what)


@retried
def check_evasion(member_id: int, device_username: str) -> None:
    """A new account, or a sign-in on a browser someone else used: block evasion."""
    with transaction.atomic():
        member = _lock(member_id)
        if member is not None:
            detectors.after_joined_or_device(member, device_username)
