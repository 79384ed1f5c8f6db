from datetime import datetime

from ninja import Schema

from haven.members.schemas import MemberBrief
from haven.moderation import selectors


class TargetOut(Schema):
    type: str
    id: int


class CategoryBrief(Schema):
    slug: str
    name: str
    severity: int


class CaseOut(Schema):
    """One case for staff. `reporters` names who flagged or reported: staff only."""

    id: int
    status: str
    target: TargetOut
    subject: MemberBrief
    signal_count: int
    flag_weight: float
    categories: list[CategoryBrief]
    reporters: list[MemberBrief]
    version: int
    opened_at: datetime
    last_signal_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_target(obj) -> dict:
        return {"type": obj.target_type, "id": obj.target_id}

    @staticmethod
    def resolve_categories(obj) -> list:
        return selectors.categories_of(obj)

    @staticmethod
    def resolve_reporters(obj) -> list:
        return selectors.reporters_of(obj)
