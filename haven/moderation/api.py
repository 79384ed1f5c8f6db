"""The staff desk API (queue, cases, decisions, appeals) and the member's standing."""

from django.http import HttpRequest
from ninja import Router, Status

from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.moderation import enforcement, selectors
from haven.moderation.dashboard import dashboard
from haven.moderation.schemas import (
    ActionIn,
    AppealIn,
    AppealOut,
    CaseFileOut,
    CaseOut,
    DashboardOut,
    DecisionIn,
    EnforcementOut,
    MyAppealOut,
    StandingOut,
    VersionIn,
)
from haven.moderation.standing import standing_of

router = Router(tags=["staff"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
ACTING = {**ERRORS, 409: ErrorOut}


@router.get("/staff/dashboard", response={200: DashboardOut, **ERRORS})
def get_dashboard(request: HttpRequest):
    """The staff dashboard's figures (staff only)."""
    return dashboard(viewer(request))


@router.get("/staff/cases", response={200: PageOut[CaseOut], **ERRORS})
def list_cases(
    request: HttpRequest,
    status: str = "open",
    category: str | None = None,
    assigned: str | None = None,
    cursor: str | None = None,
    limit: int | None = page_limit(),
):
    """The moderation queue: cases by priority, highest first. `status`: open (default),
    closed, or empty for all; `category`: a policy slug any signal names; `assigned`:
    `me` or `none`. Staff only (403): support agents read, moderators and admins act.
    Cases about yourself are never listed (they name who reported you)."""
    return selectors.queue(
        viewer(request), status=status, category=category, assigned=assigned, cursor=cursor,
        limit=limit,
    )  # fmt: skip


@router.get("/staff/cases/{case_id}", response={200: CaseFileOut, **ERRORS})
def get_case(request: HttpRequest, case_id: int):
    """One case: subject and standing, every signal with its reporter (staff only), the
    frozen evidence with its hash re-verified, the subject's decisions and other cases,
    and `allowed_actions` for you now. A case about yourself is a 404."""
    return selectors.case_file(viewer(request), case_id)


@router.post("/staff/cases/{case_id}/claim", response={200: CaseOut, **ACTING})
def claim_case(request: HttpRequest, case_id: int, payload: VersionIn):
    """Claim the case (moderators and admins). 409 if someone else has it."""
    enforcement.claim(actor=viewer(request), case_id=case_id, version=payload.version)
    return selectors.access_case(viewer(request), case_id)


@router.post("/staff/cases/{case_id}/release", response={200: CaseOut, **ACTING})
def release_case(request: HttpRequest, case_id: int, payload: VersionIn):
    """Give the case back to the queue."""
    enforcement.release(actor=viewer(request), case_id=case_id, version=payload.version)
    return selectors.access_case(viewer(request), case_id)


@router.post("/staff/cases/{case_id}/actions", response={201: EnforcementOut, **ACTING})
def act_on_case(request: HttpRequest, case_id: int, payload: ActionIn):
    """Decide: dismiss, remove_content, warn, restrict or suspend (`days` 1–365),
    remove_member, lift, reinstate; each with the policy `category` cited and a
    `reason`. The `version` you saw must be current (409 `stale_case`); the action must
    be in the case's `allowed_actions` for you (403 for the rank rule, 409 otherwise).
    Reporters are told the outcome only; the member is told what, why, until when
    and how to appeal."""
    done = enforcement.act(actor=viewer(request), case_id=case_id, **payload.dict())
    return Status(201, done)


@router.get("/staff/appeals", response={200: PageOut[AppealOut], **ERRORS})
def list_appeals(
    request: HttpRequest,
    status: str = "pending",
    cursor: str | None = None,
    limit: int | None = page_limit(),
):
    """Appeals, oldest first (`status`: pending, upheld, overturned). Moderators and admins."""
    return selectors.appeals(viewer(request), status=status, cursor=cursor, limit=limit)


@router.get("/staff/appeals/{appeal_id}", response={200: AppealOut, **ERRORS})
def get_appeal(request: HttpRequest, appeal_id: int):
    return selectors.access_appeal(viewer(request), appeal_id)


@router.post("/staff/appeals/{appeal_id}/decision", response={200: AppealOut, **ACTING})
def decide_appeal(request: HttpRequest, appeal_id: int, payload: DecisionIn):
    """Uphold or overturn (which reverses the decision's effects). Refused (403) to the
    moderator who made the decision appealed; 409 once decided."""
    enforcement.decide_appeal(actor=viewer(request), appeal_id=appeal_id, **payload.dict())
    return selectors.access_appeal(viewer(request), appeal_id)


@router.get("/me/standing", response={200: StandingOut, 401: ErrorOut}, tags=["safety"])
def my_standing(request: HttpRequest):
    """Your strikes, any restriction in force, and every decision on your account with
    whether you may still appeal it."""
    return standing_of(viewer(request))


@router.post("/me/appeals", response={201: MyAppealOut, **ACTING}, tags=["safety"])
def appeal(request: HttpRequest, payload: AppealIn):
    """Appeal a decision on your account: once per decision, within 30 days, at most
    2,000 characters. A moderator other than the one who decided will review it."""
    made = enforcement.file_appeal(
        member=viewer(request), enforcement_id=payload.enforcement_id, text=payload.text
    )
    return Status(201, made)
