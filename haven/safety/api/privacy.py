"""Privacy settings in the JSON API."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import StrictBool

from haven.core.api import ErrorOut, viewer
from haven.safety import privacy

router = Router(tags=["safety"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut}

ChatSetting = Literal["everyone", "friends", "nobody"]
FriendSetting = Literal["everyone", "friends_of_friends", "nobody"]
TimelineSetting = Literal["everyone", "members", "friends", "only_me"]


class PrivacyOut(Schema):
    who_can_chat: ChatSetting
    who_can_friend: FriendSetting
    who_can_see_timeline: TimelineSetting
    searchable: bool


class PrivacyIn(Schema):
    """Fields left out keep their current value."""

    who_can_chat: ChatSetting | None = None
    who_can_friend: FriendSetting | None = None
    who_can_see_timeline: TimelineSetting | None = None
    searchable: StrictBool | None = None  # true or false, not 0 or "yes"


@router.get("/me/privacy", response={200: PrivacyOut, **ERRORS})
def get_privacy(request: HttpRequest):
    """Who may start a chat with me, send me friend requests, see my timeline, and
    whether I appear in member search."""
    return privacy.privacy_of(viewer(request))


@router.put("/me/privacy", response={200: PrivacyOut, **ERRORS})
def put_privacy(request: HttpRequest, payload: PrivacyIn):
    """Change my privacy settings; they apply to everyone from the next request on."""
    member = privacy.update_privacy(actor=viewer(request), **payload.dict(exclude_none=True))
    return privacy.privacy_of(member)
