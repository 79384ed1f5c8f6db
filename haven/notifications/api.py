from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.notifications import actions, selectors

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class ReadOut(Schema):
    marked: int


@router.get(
    "/notifications", response={200: PageOut[NotificationOut], 400: ErrorOut, 401: ErrorOut}
)
def list_notifications(
    request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()
):
    """Your notifications, newest first: staff decisions on your reports and your account,
    replies to your support tickets."""
    return selectors.notifications_of(viewer(request), cursor=cursor, limit=limit)


@router.post("/notifications/read", response={200: ReadOut, 401: ErrorOut})
def read_notifications(request: HttpRequest):
    """Mark every notification read."""
    return {"marked": actions.mark_all_read(viewer(request))}
