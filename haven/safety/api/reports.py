"""Report concern about a member, and the reporter's own list of reports."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import StrictBool

from haven.core import idempotency
from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.members.selectors import access_member
from haven.safety import reports
from haven.safety.reports import EvidenceRef

router = Router(tags=["safety"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class EvidenceRefIn(Schema):
    type: Literal["message", "post", "comment", "share", "upload"]
    id: int


class ReportIn(Schema):
    username: str = Field(..., description="The member the report is about.")
    category: str = Field(..., description="A slug from `GET /policy-categories`.")
    details: str = ""
    where: Literal["on_haven", "lesson", "email", "elsewhere"] = "on_haven"
    evidence: list[EvidenceRefIn] = Field(
        default=[],
        max_length=60,
        description="Messages from your chats with them; their posts, comments and shares you "
        "can see; your own uploads (at most 5). Anything else is refused with a 400.",
    )
    links: list[str] = Field(default=[], max_length=10, description="http(s) links, at most 10.")
    also_block: StrictBool = False


class SubjectOut(Schema):
    username: str
    display_name: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name


class CategoryOut(Schema):
    slug: str
    name: str


class EvidenceOut(Schema):
    kind: str
    source_id: int | None
    sha256: str
    captured_at: datetime


class ReportOut(Schema):
    id: int
    subject: SubjectOut
    category: CategoryOut
    where: str
    details: str
    also_blocked: bool
    status: str
    outcome: str
    evidence_count: int
    created_at: datetime


class ReportDetailOut(ReportOut):
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj) -> list:
        return reports.evidence_of(obj)


@router.post("/reports", response={201: ReportDetailOut, 422: ErrorOut, **ERRORS})
def file_report(
    request: HttpRequest, payload: ReportIn, idempotency_key: str | None = idempotency.header()
):
    """Report a member. Every piece of evidence is copied now, so later edits or deletions
    do not change it. The member is never told who reported them.

    With an `Idempotency-Key`, the same request sent again (a double tap, a retry after a
    lost answer) gets the first answer back (`Idempotent-Replayed: true`) and files no
    second report; the key with another body is a 422."""

    def act() -> tuple[int, object]:
        report = reports.file_report(
            actor=viewer(request),
            subject=access_member(payload.username, languages=False),
            category=payload.category,
            details=payload.details,
            where=payload.where,
            evidence=[EvidenceRef(type=ref.type, id=ref.id) for ref in payload.evidence],
            links=payload.links,
            also_block=payload.also_block,
        )
        return 201, report  # as stored: subject, category and evidence in hand

    return idempotency.once(request, idempotency_key, payload, act, ReportDetailOut)


@router.get("/me/reports", response={200: PageOut[ReportOut], **ERRORS})
def my_reports(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    """Reports I filed, newest first, each with its status and outcome."""
    return reports.reports_of(viewer(request), cursor=cursor, limit=limit)


@router.get("/me/reports/{report_id}", response={200: ReportDetailOut, **ERRORS})
def my_report(request: HttpRequest, report_id: int):
    return reports.access_report(viewer(request), report_id)
