from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status

from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.friends import actions, selectors
from haven.friends.schemas import FriendOut, FriendRequestIn, FriendRequestOut
from haven.members.selectors import access_member

router = Router(tags=["friends"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/friend-requests", response={201: FriendRequestOut, **ERRORS, 429: ErrorOut})
def send_request(request: HttpRequest, payload: FriendRequestIn):
    """Ask a member to be friends. If they already asked you, this accepts their request.
    Every member may send `HAVEN_FRIEND_REQUESTS_PER_HOUR` (20) requests an hour, and a
    new account's requests also count toward its daily limit on contacting non-friends
    (see POST /chats): 429 with `Retry-After` past either."""
    return Status(
        201,
        actions.send_friend_request(actor=viewer(request), target=access_member(payload.username)),
    )


@router.get("/friend-requests", response={200: PageOut[FriendRequestOut], **ERRORS})
def list_requests(
    request: HttpRequest,
    direction: Literal["incoming", "outgoing"] = "incoming",
    cursor: str | None = None,
    limit: int | None = page_limit(),
):
    """Pending requests: `direction=incoming` (to me) or `outgoing` (from me)."""
    pick = selectors.outgoing_requests if direction == "outgoing" else selectors.incoming_requests
    return pick(viewer(request), cursor=cursor, limit=limit)


@router.post("/friend-requests/{request_id}/accept", response={200: FriendRequestOut, **ERRORS})
def accept(request: HttpRequest, request_id: int):
    found = selectors.access_request(viewer(request), request_id)
    return actions.accept_friend_request(actor=viewer(request), request=found)


@router.post("/friend-requests/{request_id}/decline", response={200: FriendRequestOut, **ERRORS})
def decline(request: HttpRequest, request_id: int):
    found = selectors.access_request(viewer(request), request_id)
    return actions.decline_friend_request(actor=viewer(request), request=found)


@router.delete("/friend-requests/{request_id}", response={204: None, **ERRORS})
def cancel(request: HttpRequest, request_id: int):
    found = selectors.access_request(viewer(request), request_id)
    actions.cancel_friend_request(actor=viewer(request), request=found)
    return Status(204, None)


@router.get("/me/friends", response={200: PageOut[FriendOut], **ERRORS})
def my_friends(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    return selectors.friends_of(viewer(request), cursor=cursor, limit=limit)


@router.delete("/me/friends/{username}", response={204: None, **ERRORS})
def unfriend(request: HttpRequest, username: str):
    actions.unfriend(actor=viewer(request), friend=access_member(username))
    return Status(204, None)
