"""Blocks in the JSON API. Only the blocker ever reads or changes their blocks."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from haven.core.api import ErrorOut, PageOut, page_limit, viewer
from haven.members.schemas import MemberBrief
from haven.members.selectors import access_member
from haven.safety import blocks

router = Router(tags=["safety"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class BlockOut(Schema):
    member: MemberBrief
    since: datetime

    @staticmethod
    def resolve_member(obj) -> object:
        return obj.blocked

    @staticmethod
    def resolve_since(obj) -> datetime:
        return obj.created_at


@router.get("/me/blocks", response={200: PageOut[BlockOut], **ERRORS})
def list_blocks(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    """The members I block, newest first."""
    return blocks.blocks_of(viewer(request), cursor, limit=limit)


@router.put("/me/blocks/{username}", response={200: BlockOut, **ERRORS})
def block(request: HttpRequest, username: str):
    """Block a member (idempotent: blocking again returns the same block). Pending
    friend requests either way are withdrawn and a friendship ends; they are not told."""
    return blocks.block_member(actor=viewer(request), target=access_member(username))


@router.delete("/me/blocks/{username}", response={204: None, **ERRORS})
def unblock(request: HttpRequest, username: str):
    """Unblock a member (idempotent). A friendship the block ended does not return."""
    blocks.unblock_member(actor=viewer(request), target=access_member(username))
    return Status(204, None)
