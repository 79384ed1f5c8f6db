"""A member's own data in the JSON API."""

from django.http import HttpRequest
from ninja import Router, Schema

from haven.core.api import ErrorOut, viewer
from haven.exports.export import export_own_data
from haven.exports.views import download

router = Router(tags=["members"])


class ExportIn(Schema):
    password: str


@router.post(
    "/me/export",
    response={400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    openapi_extra={"responses": {200: {"description": "The export, as a JSON download."}}},
)
def export_me(request: HttpRequest, payload: ExportIn):
    """Everything of yours, as one JSON document (a download): profile and settings,
    posts, comments, shares, messages you sent, friends, blocks, the flags, reports and
    tickets you filed, notifications, decisions about your account and your appeals.
    Never anyone else's private data. Needs your password; at most 5 an hour."""
    member = viewer(request)
    return download(export_own_data(actor=member, password=payload.password), member)
