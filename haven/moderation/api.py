"""The staff API. Listing cases now; claiming and acting arrive with the staff desk."""

from django.http import HttpRequest
from ninja import Router

from haven.core.api import ErrorOut, PageOut, viewer
from haven.moderation import selectors
from haven.moderation.schemas import CaseOut

router = Router(tags=["staff"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/staff/cases", response={200: PageOut[CaseOut], **ERRORS})
def list_cases(
    request: HttpRequest,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Cases (`status`: open or closed; all when absent), most recent signal first, with
    signal count, categories, target and reporters. Moderators and admins only (403)."""
    return selectors.cases_for(viewer(request), status=status, cursor=cursor, limit=limit)
