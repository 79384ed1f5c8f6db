"""Policy categories and flags ("Report concern" on one item) in the JSON API."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from haven.core import idempotency
from haven.core.api import OPTIONAL, ErrorOut, viewer
from haven.safety import flags
from haven.safety.categories import active_categories

router = Router(tags=["safety"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


class PolicyCategoryOut(Schema):
    slug: str
    name: str
    description: str
    severity: int
    details_required: bool


class FlagIn(Schema):
    target_type: str
    target_id: int
    category: str
    details: str = ""


class FlagOut(Schema):
    """The caller's own flag only: nothing here tells who else flagged the item."""

    id: int
    target_type: str
    target_id: int
    category: str
    details: str
    created_at: datetime

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.slug


@router.get("/policy-categories", auth=OPTIONAL, response=list[PolicyCategoryOut])
def policy_categories(request: HttpRequest):
    """What a flag or a report can say, in order. A short reference list, so not paginated;
    `details_required` marks the categories (like "other") that need details."""
    return list(active_categories())


@router.post("/flags", response={201: FlagOut, 422: ErrorOut, **ERRORS})
def flag(request: HttpRequest, payload: FlagIn, idempotency_key: str | None = idempotency.header()):
    """Flag a post, comment, share or chat message (`target_type`: post, comment, share,
    message) with a policy category slug and optional details. One flag per member per
    item (409); never your own content (400); rate limited per member (429).

    Every flag reaches the moderators. Toward hiding the item it weighs the reporter's
    accuracy once their account is established (`HAVEN_FLAG_ESTABLISHED_DAYS` old, email
    verified, something written), else `HAVEN_FLAG_NEWCOMER_WEIGHT`; accounts signed up
    from one address within an hour count as one; an established member's item is hidden
    only once a flagger with a track record (a flag staff agreed with) has flagged it.

    With an `Idempotency-Key`, the same request sent again gets the first answer back
    (`Idempotent-Replayed: true`) instead of a 409; the key with another body is a 422."""

    def act() -> tuple[int, object]:
        return 201, flags.flag_item(actor=viewer(request), **payload.dict())

    return idempotency.once(request, idempotency_key, payload, act, FlagOut)
