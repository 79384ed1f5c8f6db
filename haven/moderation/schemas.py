from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from haven.members.schemas import MemberBrief


class TargetOut(Schema):
    type: str
    id: int


class CategoryBrief(Schema):
    slug: str
    name: str
    severity: int


class CaseOut(Schema):
    """One case in the queue. `priority` is the score the queue orders by (see the
    staff desk help article); `version` must be sent back with every decision.
    `reporter_count` (distinct members who flagged, reported or wrote a ticket) and
    `categories` (the policy slugs named) cover the signals since the case last
    opened; `signal_count` counts every signal it ever had."""

    id: int
    status: str
    target: TargetOut
    subject: MemberBrief
    priority: float
    top_category: CategoryBrief | None
    signal_count: int
    reporter_count: int
    categories: list[str]
    flag_weight: float
    assigned_to: MemberBrief | None
    version: int
    opened_at: datetime
    last_signal_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_target(obj) -> dict:
        return {"type": obj.target_type, "id": obj.target_id}


class SignalOut(Schema):
    """One flag, report, ticket or automated signal. `reporter` is for staff eyes only,
    and null for an automated signal (Haven raised it)."""

    kind: str
    category: CategoryBrief
    reporter: MemberBrief | None
    outcome: str
    created_at: datetime
    details: str = ""

    @staticmethod
    def resolve_details(obj) -> str:
        return obj.report.details if obj.report_id else ""


class EvidenceOut(Schema):
    """A frozen copy; `verified` is true when its SHA-256 still matches its content.
    `kind` is post, comment, share, message, link, screenshot, or pattern: what Haven's
    automated protection saw (`payload.summary` and `payload.items`)."""

    id: int
    kind: str
    payload: dict[str, Any]
    sha256: str
    verified: bool
    captured_at: datetime


class EnforcementOut(Schema):
    id: int
    case_id: int
    kind: str
    category: CategoryBrief
    reason: str
    days: int | None
    until: datetime | None
    strike: bool
    created_at: datetime
    reversed_at: datetime | None
    moderator: MemberBrief | None


class SubjectOut(MemberBrief):
    kind: str
    date_joined: datetime
    is_active: bool
    restricted_until: datetime | None
    suspended_until: datetime | None
    removed_at: datetime | None


class CaseFileOut(Schema):
    """Everything about one case. `allowed_actions` is what *you* may do now (claim,
    release, dismiss, remove_content, warn, restrict, suspend, remove_member, lift,
    reinstate), computed by the same function the case page uses."""

    case: CaseOut
    subject: SubjectOut
    strikes: int
    signals: list[SignalOut]
    evidence: list[EvidenceOut]
    history: list[EnforcementOut]
    prior_cases: list[CaseOut]
    related_cases: list[CaseOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_subject(obj) -> Any:
        return obj.case.subject

    @staticmethod
    def resolve_allowed_actions(obj) -> list[str]:
        return obj.allowed

    @staticmethod
    def resolve_prior_cases(obj) -> list:
        return _scored(obj.prior_cases)

    @staticmethod
    def resolve_related_cases(obj) -> list:
        return _scored(obj.related_cases)


def _scored(cases: list) -> list:
    from haven.moderation.priority import score

    for case in cases:
        case.priority = score(case)
    return cases


class VersionIn(Schema):
    version: int | None = Field(None, description="The case version you saw (409 if stale).")


class ActionIn(Schema):
    action: Literal[
        "dismiss", "remove_content", "warn", "restrict", "suspend", "remove_member", "lift",
        "reinstate",
    ]  # fmt: skip
    category: str = Field(..., description="The policy category cited (a slug).")
    reason: str = Field(..., description="Shown to the member acted on; never to reporters.")
    days: int | None = Field(None, description="For restrict and suspend: 1 to 365.")
    version: int = Field(..., description="The case version you decided on (409 if stale).")


class AppealOut(Schema):
    id: int
    member: MemberBrief
    enforcement: EnforcementOut
    text: str
    status: str
    created_at: datetime
    decided_by: MemberBrief | None
    decided_at: datetime | None
    decision_reason: str


class DecisionIn(Schema):
    decision: Literal["upheld", "overturned"]
    reason: str


class MyDecisionOut(Schema):
    id: int
    kind: str
    about: str = Field(
        "", description='For a content decision, the item: your post "…". Empty otherwise.'
    )
    category: CategoryBrief
    reason: str
    until: datetime | None
    strike: bool
    created_at: datetime
    reversed_at: datetime | None
    can_appeal: bool
    appeal_until: datetime
    appeal_status: str | None

    @staticmethod
    def resolve_appeal_status(obj) -> str | None:
        return obj.appeal_or_none.status if obj.appeal_or_none else None


class StandingOut(Schema):
    strikes: int
    restricted_until: datetime | None
    suspended_until: datetime | None
    decisions: list[MyDecisionOut]

    @staticmethod
    def resolve_restricted_until(obj):
        return obj.member.restricted_until if obj.restricted else None

    @staticmethod
    def resolve_suspended_until(obj):
        return obj.member.suspended_until if obj.suspended else None


class AppealIn(Schema):
    enforcement_id: int
    text: str = Field(..., description="At most 2,000 characters.")


class MyAppealOut(Schema):
    id: int
    status: str
    created_at: datetime


class CountOut(Schema):
    name: str
    count: int


class DayOut(Schema):
    day: date
    reports: int


class DashboardOut(Schema):
    """Open cases by priority band (urgent ≥ 70, high ≥ 50, normal ≥ 30, low) and by most
    severe category; medians over cases opened in the last 30 days, in seconds."""

    open_total: int
    by_band: list[CountOut]
    by_category: list[CountOut]
    median_first_action_seconds: float | None
    median_resolution_seconds: float | None
    reports_per_day: list[DayOut]

    @staticmethod
    def resolve_by_band(obj) -> list:
        return [{"name": n, "count": c} for n, c in obj.by_band]

    @staticmethod
    def resolve_by_category(obj) -> list:
        return [{"name": n, "count": c} for n, c in obj.by_category]

    @staticmethod
    def resolve_median_first_action_seconds(obj) -> float | None:
        return obj.median_first_action.total_seconds() if obj.median_first_action else None

    @staticmethod
    def resolve_median_resolution_seconds(obj) -> float | None:
        return obj.median_resolution.total_seconds() if obj.median_resolution else None

    @staticmethod
    def resolve_reports_per_day(obj) -> list:
        return [{"day": d, "reports": n} for d, n in obj.reports_per_day]
