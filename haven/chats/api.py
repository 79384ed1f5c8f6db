from django.http import HttpRequest
from ninja import Router, Status

from haven.chats import actions, selectors
from haven.chats.schemas import ChatOut, MessageIn, MessageOut, StartChatIn, StartChatOut
from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.members.selectors import access_member

router = Router(tags=["chats"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/chats", response={201: StartChatOut, **ERRORS, 429: ErrorOut})
def start_chat(request: HttpRequest, payload: StartChatIn):
    """Send a first message to a member; reuses the existing chat with them if there is one.
    Every member may open `HAVEN_NEW_CHATS_PER_HOUR` (10) new chats an hour with members
    who aren't friends and `HAVEN_FRIEND_NEW_CHATS_PER_HOUR` (30) with friends; the
    message counts toward the message limits (see POST /chats/{chat_id}/messages). An
    account younger than `HAVEN_NEW_ACCOUNT_DAYS` may also start chats with at most
    `HAVEN_NEW_ACCOUNT_CONTACTS` non-friends (together with its friend requests) a day.
    Past any limit: 429 with `Retry-After` (seconds) and nothing sent."""
    member = viewer(request)
    chat, message = actions.start_chat(
        actor=member, target=access_member(payload.username), body=payload.body
    )
    return Status(201, {"chat": selectors.access_chat(member, chat.pk), "message": message})


@router.get("/chats", response={200: PageOut[ChatOut], **ERRORS})
def list_chats(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    """My chats, most recent first, with the last message and my unread count."""
    return selectors.chats_of(viewer(request), cursor=cursor, limit=limit)


@router.get("/chats/{chat_id}/messages", response={200: PageOut[MessageOut], **ERRORS})
def list_messages(
    request: HttpRequest, chat_id: int, cursor: str | None = None, limit: int | None = page_limit()
):
    """Messages newest first; reading the first page marks the chat read."""
    member = viewer(request)
    chat = selectors.access_chat(member, chat_id)
    page = selectors.messages_in(member, chat, cursor=cursor, limit=limit)
    if cursor is None:
        actions.mark_read(actor=member, chat=chat)
    return page


@router.delete("/chats/{chat_id}/messages/{message_id}", response={204: None, **ERRORS})
def delete_message(request: HttpRequest, chat_id: int, message_id: int):
    """Delete one of my own messages (frozen evidence of it is kept)."""
    member = viewer(request)
    chat = selectors.access_chat(member, chat_id)
    actions.delete_message(actor=member, message=selectors.access_message(member, chat, message_id))
    return Status(204, None)


@router.post("/chats/{chat_id}/messages", response={201: MessageOut, **ERRORS, 429: ErrorOut})
def send_message(request: HttpRequest, chat_id: int, payload: MessageIn):
    """Send a message in one of my chats. Every member may send
    `HAVEN_MESSAGES_PER_MINUTE` (20) messages a minute to members who aren't friends and
    `HAVEN_FRIEND_MESSAGES_PER_MINUTE` (60) to friends: 429 with `Retry-After` past that."""
    member = viewer(request)
    chat = selectors.access_chat(member, chat_id)
    return Status(201, actions.send_message(actor=member, chat=chat, body=payload.body))
