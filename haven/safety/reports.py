"""Report concern about a member: the action, and the reads its form and lists need.

A report carries evidence the reporter chose: messages from their own chats
with the member, the member's posts, comments and shares that the reporter can
see, links, and the reporter's own screenshots. Whatever else is named is
refused with a 400 that names it: attaching something silently, or dropping it
silently, would both mislead the reporter about what staff will see. Every
item is frozen at filing time (haven.safety.evidence), so the member deleting
or editing it afterwards changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet

from haven.audit.log import record
from haven.chats.models import Message
from haven.community.models import Comment, Post, Share
from haven.core.errors import Invalid, NotFound
from haven.core.pagination import Page, paginate
from haven.core.ratelimit import limit
from haven.moderation.actions import add_signal
from haven.safety import categories
from haven.safety import evidence as frozen
from haven.safety.models import Evidence, PolicyCategory, Report, Upload
from haven.safety.selectors import (
    visible_comments,
    visible_messages,
    visible_posts,
    visible_shares,
)
from haven.safety.uploads import require_member

DETAILS_MAX = 5000
LINK_MAX_LENGTH = 2000
MAX_LINKS = 10
MAX_SCREENSHOTS = 5
MAX_ITEMS = 50  # messages, posts, comments and shares together
PICKER_SIZE = 30
MAX_ID = 2**63 - 1
EVIDENCE_TYPES = ("message", "post", "comment", "share", "upload")
CANNOT_ATTACH = (
    "You can't attach {type} {id}: attach only messages from your chats with this "
    "member, their posts, comments and shares that you can see, and your own screenshots."
)


@dataclass(frozen=True)
class EvidenceRef:
    type: str
    id: int


# Reads: what a reporter may attach about a subject. The form's picker lists
# these and the action accepts nothing else, so both always agree.


def attachable_messages(actor, subject) -> QuerySet[Message]:
    """Messages of the one chat between the two of them, as the reporter sees it."""
    low, high = sorted([actor.pk, subject.pk])
    messages = Message.objects.filter(chat__member_low_id=low, chat__member_high_id=high)
    return visible_messages(actor, messages).select_related("sender")


def attachable_posts(actor, subject) -> QuerySet[Post]:
    return visible_posts(actor, Post.objects.filter(author=subject)).select_related("author")


def attachable_comments(actor, subject) -> QuerySet[Comment]:
    """The subject's comments the reporter can see, under a post or share they can see."""
    comments = visible_comments(actor, Comment.objects.filter(author=subject))
    return comments.filter(
        Exists(visible_posts(actor, Post.objects.filter(pk=OuterRef("post_id"))))
        | Exists(visible_shares(actor, Share.objects.filter(pk=OuterRef("share_id"))))
    ).select_related("author")


def attachable_shares(actor, subject) -> QuerySet[Share]:
    return visible_shares(actor, Share.objects.filter(author=subject)).select_related("author")


def attachable_uploads(actor) -> QuerySet[Upload]:
    return Upload.objects.filter(owner=actor)


def evidence_picker(actor, subject, *, message_id: int | None = None) -> dict[str, list]:
    """The most recent items of each kind for the form's picker (one query per kind).
    A message picked from the chat page is offered even when it is older than the rest."""
    messages = list(attachable_messages(actor, subject).order_by("-id")[:PICKER_SIZE])
    if message_id is not None and all(m.pk != message_id for m in messages):
        messages += list(attachable_messages(actor, subject).filter(pk=message_id))
    newest = ("-created_at", "-id")
    return {
        "messages": messages,
        "posts": list(attachable_posts(actor, subject).order_by(*newest)[:PICKER_SIZE]),
        "comments": list(attachable_comments(actor, subject).order_by(*newest)[:PICKER_SIZE]),
        "shares": list(attachable_shares(actor, subject).order_by(*newest)[:PICKER_SIZE]),
    }


def reports_of(member, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """The member's own reports, newest first, each with its evidence count: one query."""
    reports = (
        Report.objects.filter(reporter=member)
        .select_related("subject", "category")
        .annotate(evidence_count=Count("evidence"))
    )
    return paginate(reports, cursor=cursor, order=("-created_at", "-id"), limit=limit)


def access_report(member, report_id: int) -> Report:
    """One of the member's own reports; anyone else's does not exist for them."""
    report = (
        Report.objects.filter(reporter=member, pk=report_id)
        .select_related("subject", "category")
        .annotate(evidence_count=Count("evidence"))
        .first()
    )
    if report is None:
        raise NotFound("No such report.")
    return report


def evidence_of(report: Report) -> list[Evidence]:
    """The report's frozen evidence: as `file_report` stored it, or read back."""
    frozen_now = getattr(report, "frozen", None)
    return frozen_now if frozen_now is not None else list(report.evidence.order_by("id"))


# Checking the input.


def clean_details(details: str | None, category: PolicyCategory) -> str:
    return categories.clean_details(details, category, max_length=DETAILS_MAX)


def _where(where: str) -> str:
    if where not in Report.Where.values:
        raise Invalid.field("where", "Choose where it happened.")
    return where


def clean_links(links: Iterable[str]) -> list[str]:
    """http(s) URLs only, each once, at most MAX_LINKS of them."""
    validate = URLValidator(schemes=["http", "https"])
    cleaned: list[str] = []
    for raw in links:
        url = (raw or "").strip() if isinstance(raw, str) else ""
        if not url:
            continue
        try:
            if len(url) > LINK_MAX_LENGTH or "\x00" in url:
                raise ValidationError("too long")
            validate(url)
        except ValidationError as exc:
            message = f"This is not a web link (http or https): {url[:100]}"
            raise Invalid.field("links", message) from exc
        if url not in cleaned:
            cleaned.append(url)
    if len(cleaned) > MAX_LINKS:
        raise Invalid.field("links", f"Attach at most {MAX_LINKS} links.")
    return cleaned


def _ids_by_type(evidence: Iterable[EvidenceRef]) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {kind: [] for kind in EVIDENCE_TYPES}
    for ref in evidence:
        if ref.type not in ids:
            raise Invalid.field("evidence", f"Unknown evidence type: {str(ref.type)[:20]}.")
        if not isinstance(ref.id, int):
            raise Invalid.field("evidence", "Evidence ids are whole numbers.")
        if ref.id not in ids[ref.type]:
            ids[ref.type].append(ref.id)
    if len(ids["upload"]) > MAX_SCREENSHOTS:
        raise Invalid.field("evidence", f"Attach at most {MAX_SCREENSHOTS} screenshots.")
    if sum(len(ids[kind]) for kind in ("message", "post", "comment", "share")) > MAX_ITEMS:
        raise Invalid.field("evidence", f"Attach at most {MAX_ITEMS} items.")
    return ids


def resolve_evidence(actor, subject, evidence: Iterable[EvidenceRef]) -> dict[str, list]:
    """Each referenced item, in the order given, or Invalid naming every one refused."""
    ids = _ids_by_type(evidence)
    sources = {
        "message": lambda: attachable_messages(actor, subject),
        "post": lambda: attachable_posts(actor, subject),
        "comment": lambda: attachable_comments(actor, subject),
        "share": lambda: attachable_shares(actor, subject),
        "upload": lambda: attachable_uploads(actor),
    }
    found: dict[str, list] = {}
    refused: list[str] = []
    for kind, wanted in ids.items():
        storable = [pk for pk in wanted if 0 < pk <= MAX_ID]  # never a database overflow
        rows = {row.pk: row for row in sources[kind]().filter(pk__in=storable)} if storable else {}
        found[kind] = [rows[pk] for pk in wanted if pk in rows]
        refused += [CANNOT_ATTACH.format(type=kind, id=pk) for pk in wanted if pk not in rows]
    if refused:
        raise Invalid(refused[0], fields={"evidence": refused})
    return found


# The action.


def file_report(
    *,
    actor,
    subject,
    category: str,
    details: str = "",
    where: str = Report.Where.ON_HAVEN,
    evidence: Sequence[EvidenceRef] = (),
    links: Sequence[str] = (),
    also_block: bool = False,
) -> Report:
    """File a report about `subject`, freeze its evidence and raise a signal on their case."""
    require_member(actor)
    if actor.pk == subject.pk:
        raise Invalid.field("username", "You can't report yourself.")
    policy = categories.chosen_category(category)
    text = clean_details(details, policy)
    place = _where(where)
    urls = clean_links(links)
    items = resolve_evidence(actor, subject, evidence)
    limit(
        "report",
        str(actor.pk),
        max_hits=settings.HAVEN_REPORTS_PER_HOUR,
        window=3600,
        message="You have sent a lot of reports; try again later.",
    )
    with transaction.atomic():
        report = Report.objects.create(
            reporter=actor,
            subject=subject,
            category=policy,
            details=text,
            where=place,
            also_blocked=also_block,
        )
        report.frozen = freeze_all(items, urls, viewer=actor, report=report)
        report.evidence_count = len(report.frozen)
        record(
            actor=actor,
            event="report",
            target=subject,
            reason=policy.slug,
            new={
                "report_id": report.pk,
                "where": place,
                "also_block": also_block,
                "evidence": [[e.kind, e.sha256] for e in report.frozen],
            },
            snapshot={"details": text},
        )
        add_signal(
            target_type="member",
            target_id=subject.pk,
            subject=subject,
            kind="report",
            category=policy,
            reporter=actor,
            report=report,
        )
        if also_block:
            from haven.safety.blocks import block_member

            block_member(actor=actor, target=subject)
    return report


def freeze_all(items: dict[str, list], urls: list[str], *, viewer, **owner) -> list[Evidence]:
    """Freeze what `resolve_evidence` found, and the links, for the report or ticket
    named in `owner` (`report=` or `ticket=`), as `viewer` (who filed it) saw them:
    one INSERT for all of it. Returns the stored evidence in id order."""
    built = [
        frozen.build(kind, obj, viewer=viewer, **owner)
        for kind in ("message", "post", "comment", "share")
        for obj in items[kind]
    ]
    built += [frozen.build(Evidence.Kind.LINK, payload={"url": url}, **owner) for url in urls]
    built += [
        frozen.build(
            Evidence.Kind.SCREENSHOT,
            upload,
            payload=screenshot_payload(upload),
            upload=upload,
            **owner,
        )
        for upload in items["upload"]
    ]
    return Evidence.objects.bulk_create(built)


def screenshot_payload(upload: Upload) -> dict:
    """What the screenshot evidence pins down: which stored file, and its exact bytes' hash."""
    return {
        "upload_id": upload.pk,
        "sha256": upload.sha256,
        "content_type": upload.content_type,
        "width": upload.width,
        "height": upload.height,
        "size": upload.size,
        "uploaded_at": upload.created_at.isoformat(),
    }
