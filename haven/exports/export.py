"""A member's own data, as one JSON document: from Settings → Your data, the API, or
`manage.py export_member` for a privacy request.

It holds what the member wrote and did: their profile and settings, posts, comments,
shares, the chat messages they sent, friends and blocks, the flags, reports and
support tickets they filed, notifications, and the decisions about their account and
their appeals. Never anyone else's private data: no message they received, no staff
note, no frozen evidence (it copies other members' words), no moderator's name, and
nothing about who reported or flagged them. A fixed number of queries, whatever the
member holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.audit.log import record
from haven.chats.models import Message
from haven.community.models import Comment, Post, Share
from haven.core.errors import Invalid
from haven.core.ratelimit import limit
from haven.friends.models import Friendship
from haven.members.models import Member
from haven.moderation.models import Appeal, Enforcement
from haven.notifications.models import Notification
from haven.safety.models import Block, Flag, Report, Upload
from haven.support.models import Ticket, TicketMessage

FORMAT = "haven-export/1"
EXPORTS_PER_HOUR = 5


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _profile(member: Member) -> dict[str, Any]:
    languages = {"native": [], "learning": []}
    for code, kind in member.languages.values_list("code", "kind"):
        languages.setdefault(kind, []).append(code)
    return {
        "username": member.username,
        "public_id": member.public_id,
        "display_name": member.display_name,
        "email": member.email,
        "email_verified": member.email_verified_at is not None,
        "kind": member.kind,
        "bio": member.bio,
        "languages": languages,
        "joined_at": _iso(member.date_joined),
        "privacy": {
            "who_can_chat": member.who_can_chat,
            "who_can_friend": member.who_can_friend,
            "who_can_see_timeline": member.who_can_see_timeline,
            "searchable": member.searchable,
        },
    }


def _writing(member: Member) -> dict[str, list]:
    posts = Post.objects.filter(author=member).order_by("id")
    comments = Comment.objects.filter(author=member).order_by("id")
    shares = Share.objects.filter(author=member).order_by("id")
    sent = (
        Message.objects.filter(sender=member)
        .select_related("chat__member_low", "chat__member_high")
        .order_by("id")
    )
    return {
        "posts": [
            {"id": p.id, "space": p.space, "title": p.title, "body": p.body,
             "language": p.language, "created_at": _iso(p.created_at),
             "edited_at": _iso(p.edited_at), "removed_by_haven": p.removed_at is not None}
            for p in posts
        ],
        "comments": [
            {"id": c.id, "post_id": c.post_id, "share_id": c.share_id, "reply_to": c.parent_id,
             "body": c.body, "created_at": _iso(c.created_at),
             "removed_by_haven": c.removed_at is not None}
            for c in comments
        ],
        "shares": [
            {"id": s.id, "text": s.text, "post_id": s.post_id, "created_at": _iso(s.created_at),
             "removed_by_haven": s.removed_at is not None}
            for s in shares
        ],
        "messages_sent": [
            {"id": m.id, "to": m.chat.other(member).username, "body": m.body,
             "created_at": _iso(m.created_at), "removed_by_haven": m.removed_at is not None}
            for m in sent
        ],
    }  # fmt: skip


def _people(member: Member) -> dict[str, list]:
    friends = Friendship.objects.filter(member=member).order_by("friend__username")
    blocks = Block.objects.filter(blocker=member).order_by("blocked__username")
    return {
        "friends": list(friends.values_list("friend__username", flat=True)),
        "blocked": list(blocks.values_list("blocked__username", flat=True)),
    }


def _safety(member: Member) -> dict[str, list]:
    flags = Flag.objects.filter(reporter=member).select_related("category").order_by("id")
    reports = (
        Report.objects.filter(reporter=member).select_related("subject", "category").order_by("id")
    )
    uploads = Upload.objects.filter(owner=member).order_by("id")
    return {
        "flags_filed": [
            {"target_type": f.target_type, "target_id": f.target_id, "category": f.category.slug,
             "details": f.details, "created_at": _iso(f.created_at)}
            for f in flags
        ],
        "reports_filed": [
            {"id": r.id, "about": r.subject.username, "category": r.category.slug,
             "details": r.details, "where": r.where, "also_blocked": r.also_blocked,
             "status": r.status, "outcome": r.outcome, "created_at": _iso(r.created_at)}
            for r in reports
        ],
        "screenshots": [
            {"id": u.id, "content_type": u.content_type, "width": u.width, "height": u.height,
             "size": u.size, "sha256": u.sha256, "created_at": _iso(u.created_at)}
            for u in uploads
        ],
    }  # fmt: skip


def _support(member: Member) -> list[dict]:
    tickets = list(Ticket.objects.filter(member=member).select_related("subject").order_by("id"))
    said = TicketMessage.objects.filter(ticket__member=member, internal=False).order_by("id")
    thread: dict[int, list] = {}
    for m in said:  # staff replies without the agent's name; internal notes never
        thread.setdefault(m.ticket_id, []).append(
            {
                "from": "you" if not m.by_staff else "Haven support",
                "body": m.body,
                "created_at": _iso(m.created_at),
            }  # fmt: skip
        )
    return [
        {"id": t.id, "topic": t.topic, "description": t.description, "status": t.status,
         "about": t.subject.username if t.subject else None, "created_at": _iso(t.created_at),
         "messages": thread.get(t.id, [])}
        for t in tickets
    ]  # fmt: skip


def _standing(member: Member) -> dict[str, list]:
    decisions = Enforcement.objects.filter(subject=member).select_related("category").order_by("id")
    appeals = Appeal.objects.filter(member=member).order_by("id")
    notes = Notification.objects.filter(member=member).order_by("id")
    return {
        "decisions": [
            {"id": e.id, "kind": e.kind, "category": e.category.slug, "reason": e.reason,
             "until": _iso(e.until), "strike": e.strike, "created_at": _iso(e.created_at),
             "reversed_at": _iso(e.reversed_at)}
            for e in decisions
        ],
        "appeals": [
            {"decision_id": a.enforcement_id, "text": a.text, "status": a.status,
             "decision_reason": a.decision_reason, "created_at": _iso(a.created_at),
             "decided_at": _iso(a.decided_at)}
            for a in appeals
        ],
        "notifications": [
            {"title": n.title, "body": n.body, "url": n.url, "created_at": _iso(n.created_at)}
            for n in notes
        ],
    }  # fmt: skip


def collect(member: Member) -> dict[str, Any]:
    """Everything of the member's own, as a JSON-ready dict."""
    return {
        "format": FORMAT,
        "exported_at": _iso(timezone.now()),
        "site": settings.HAVEN_SITE_URL,
        "profile": _profile(member),
        **_writing(member),
        **_people(member),
        **_safety(member),
        "support_tickets": _support(member),
        **_standing(member),
    }


def export_own_data(*, actor: Member, password: str) -> dict[str, Any]:
    """The member's export, after their password (a stolen session alone can't take
    everything at once); audited."""
    if not actor.check_password(password or ""):
        raise Invalid.field("password", "That password isn't right.")
    message = "You have downloaded your data several times this hour. Try again later."
    limit("export", str(actor.pk), max_hits=EXPORTS_PER_HOUR, window=3600, message=message)
    data = collect(actor)
    with transaction.atomic():
        record(actor=actor, event="data_export", target=actor)
    return data


def export_for_request(*, member: Member, reason: str) -> dict[str, Any]:
    """An operator's export for a privacy request (manage.py export_member); audited."""
    data = collect(member)
    with transaction.atomic():
        record(actor=None, event="data_export", target=member, reason=reason)
    return data


def filename(member: Member) -> str:
    return f"haven-{member.username}-{timezone.now():%Y-%m-%d}.json"
