"""What the support API reads and writes. Members' views never carry internal notes,
staff identities or anything about the case; staff views carry the whole ticket."""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool, field_validator

from haven.members.schemas import MemberBrief
from haven.safety.api.reports import EvidenceOut, EvidenceRefIn
from haven.support import selectors

Topic = Literal["safety", "account", "lessons", "other"]
Status = Literal["new", "open", "waiting", "resolved"]


class TicketIn(Schema):
    topic: Topic = Field(
        ...,
        description="`safety` (safety or harassment), `account`, `lessons` or `other`.",
    )
    description: str = Field(..., description="What happened or what you need (up to 5,000).")
    about: str = Field(
        "",
        description="The member the ticket is about, if any: a link to their profile "
        "(`https://…/u/<username>` or `/u/<username>`), their username (with or without "
        "`@`) or their 9-digit member ID. A name that matches no member is a 400 on `about`.",
    )
    evidence: list[EvidenceRefIn] = Field(
        default=[],
        max_length=60,
        description="As for `POST /reports`: messages from your chats with that member, their "
        "posts, comments and shares you can see, and your own uploads (at most 5). Without "
        "`about`, only uploads.",
    )
    links: list[str] = Field(default=[], max_length=10, description="http(s) links, at most 10.")

    @field_validator("about", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        """A member ID sent as a JSON number is the same ID."""
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ReplyIn(Schema):
    body: str = Field(..., description="Up to 5,000 characters.")


class StaffReplyIn(ReplyIn):
    internal: StrictBool = Field(
        False, description="An internal note: only staff ever see it; the member is not told."
    )


class AssignIn(Schema):
    assignee: Literal["me"] | None = Field(
        ..., description="`me` to take the ticket, `null` to leave it unassigned."
    )


class MessageOut(Schema):
    id: int
    body: str
    from_support: bool = Field(..., alias="by_staff")
    created_at: datetime


class TicketOut(Schema):
    """One of your tickets. `status` is new, open, waiting (on you) or resolved."""

    id: int
    topic: str
    status: str
    description: str
    about: MemberBrief | None = Field(None, alias="subject")
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None


class TicketDetailOut(TicketOut):
    messages: list[MessageOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_messages(obj) -> list:
        return selectors.thread_for_member(obj)

    @staticmethod
    def resolve_evidence(obj) -> list:
        return selectors.evidence_of(obj)


class StaffMessageOut(MessageOut):
    internal: bool = Field(..., description="An internal note: staff only.")
    author: MemberBrief | None


class StaffEvidenceOut(EvidenceOut):
    verified: bool = Field(..., description="The SHA-256 over the frozen copy still holds.")
    payload: dict[str, Any]


class StaffTicketOut(TicketOut):
    """A ticket for staff: who wrote it, who it is about, who works it."""

    member: MemberBrief
    assigned_to: MemberBrief | None
    case_id: int | None = Field(None, description="The case of the member it is about.")

    @staticmethod
    def resolve_case_id(obj) -> int | None:
        return obj.signal.case_id if obj.signal is not None else None


class StaffTicketDetailOut(StaffTicketOut):
    messages: list[StaffMessageOut]
    evidence: list[StaffEvidenceOut]

    @staticmethod
    def resolve_messages(obj) -> list:
        return selectors.thread_for_staff(obj)

    @staticmethod
    def resolve_evidence(obj) -> list:
        return selectors.verified_evidence(obj)
