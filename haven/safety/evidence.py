"""Frozen evidence: copies taken at filing time, with a SHA-256 over canonical JSON.

`freeze(kind, obj)` builds the copy; `capture(...)` stores it (`build(...)` without
storing, for one INSERT of several). Nothing here
reads the original again later, so editing or deleting it never changes the
copy; `verify(evidence)` recomputes the hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from haven.safety.models import Evidence

MESSAGE_CONTEXT = 10  # messages kept before and after a reported chat message


def canonical(payload: dict[str, Any]) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same payload always hashes the same."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def author_brief(member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "public_id": member.public_id,
        "username": member.username,
        "name": member.name,
    }


def iso(value) -> str | None:
    return value.isoformat() if value else None


def _message_line(message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author": author_brief(message.sender),
        "text": message.body,
        "created_at": iso(message.created_at),
    }


def freeze(kind: str, obj, *, viewer=None) -> dict[str, Any]:
    """The copy of one item: what it said, who wrote it, when, and its context.
    A chat message's context holds only messages `viewer` (the filer) could see."""
    if kind == Evidence.Kind.MESSAGE:
        from haven.chats.models import Message
        from haven.safety.selectors import visible_messages

        around = Message.objects.filter(chat_id=obj.chat_id).select_related("sender")
        if viewer is not None:
            around = visible_messages(viewer, around)
        before = list(around.filter(id__lt=obj.pk).order_by("-id")[:MESSAGE_CONTEXT])[::-1]
        after = list(around.filter(id__gt=obj.pk).order_by("id")[:MESSAGE_CONTEXT])
        return {
            **_message_line(obj),
            "chat_id": obj.chat_id,
            "before": [_message_line(m) for m in before],
            "after": [_message_line(m) for m in after],
        }
    if kind == Evidence.Kind.POST:
        return {
            "id": obj.pk,
            "author": author_brief(obj.author),
            "space": obj.space,
            "title": obj.title,
            "text": obj.body,
            "created_at": iso(obj.created_at),
            "edited_at": iso(obj.edited_at),
        }
    if kind == Evidence.Kind.COMMENT:
        return {
            "id": obj.pk,
            "author": author_brief(obj.author),
            "post_id": obj.post_id,
            "share_id": obj.share_id,
            "parent_id": obj.parent_id,
            "text": obj.body,
            "created_at": iso(obj.created_at),
            "edited_at": iso(obj.edited_at),
        }
    if kind == Evidence.Kind.SHARE:
        return {
            "id": obj.pk,
            "author": author_brief(obj.author),
            "text": obj.text,
            "post_id": obj.post_id,
            "created_at": iso(obj.created_at),
        }
    raise ValueError(f"cannot freeze {kind}")


def capture(kind: str, obj=None, **owner_and_copy) -> Evidence:
    """Store one piece of evidence for a report, a flag, a support ticket or an
    automated signal (inside the caller's transaction); the arguments are `build`'s."""
    evidence = build(kind, obj, **owner_and_copy)
    evidence.save(force_insert=True)
    return evidence


def build(
    kind: str,
    obj=None,
    *,
    report=None,
    flag=None,
    ticket=None,
    signal=None,
    payload=None,
    upload=None,
    viewer=None,
) -> Evidence:
    """One piece of evidence, not yet saved (`bulk_create` several in one INSERT):
    for the report, flag, ticket or signal named, the `payload` given or the frozen
    copy of `obj` as `viewer` saw it."""
    payload = payload if payload is not None else freeze(kind, obj, viewer=viewer)
    return Evidence(
        report=report,
        flag=flag,
        ticket=ticket,
        signal=signal,
        kind=kind,
        source_id=getattr(obj, "pk", None),
        upload=upload,
        payload=payload,
        sha256=digest(payload),
    )


def verify(evidence: Evidence) -> bool:
    return digest(evidence.payload) == evidence.sha256
