from django.http import HttpRequest
from ninja import Router, Status

from haven.community import actions, selectors
from haven.community.models import Space
from haven.community.schemas import (
    CommentIn,
    CommentOut,
    CommentPatch,
    PostIn,
    PostOut,
    PostPatch,
    ShareIn,
    ShareOut,
)
from haven.core.api import OPTIONAL, ErrorOut, PageOut, page_limit, viewer
from haven.core.errors import Invalid
from haven.members.selectors import access_member
from haven.safety import policies

router = Router(tags=["community"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/posts", auth=OPTIONAL, response={200: PageOut[PostOut], **ERRORS})
def list_posts(
    request: HttpRequest, space: str, cursor: str | None = None, limit: int | None = page_limit()
):
    """Posts in one space (`answers`, `notebook` or `discussions`), newest first."""
    if space not in Space.values:
        raise Invalid.field("space", "Choose answers, notebook or discussions.")
    return selectors.posts_in(viewer(request), space=space, cursor=cursor, limit=limit)


@router.post("/posts", response={201: PostOut, **ERRORS})
def create_post(request: HttpRequest, payload: PostIn):
    """Ask a question, write a Notebook entry (its `language` required) or open a thread."""
    return Status(201, actions.create_post(actor=viewer(request), **payload.dict()))


@router.get("/posts/{post_id}", auth=OPTIONAL, response={200: PostOut, **ERRORS})
def get_post(request: HttpRequest, post_id: int):
    return selectors.access_post(viewer(request), post_id)


@router.patch("/posts/{post_id}", response={200: PostOut, **ERRORS})
def edit_post(request: HttpRequest, post_id: int, payload: PostPatch):
    post = selectors.access_post(viewer(request), post_id)
    return actions.edit_post(actor=viewer(request), post=post, **payload.dict(exclude_unset=True))


@router.delete("/posts/{post_id}", response={204: None, **ERRORS})
def delete_post(request: HttpRequest, post_id: int):
    actions.delete_post(actor=viewer(request), post=selectors.access_post(viewer(request), post_id))
    return Status(204, None)


@router.get(
    "/posts/{post_id}/comments", auth=OPTIONAL, response={200: PageOut[CommentOut], **ERRORS}
)
def list_comments(
    request: HttpRequest, post_id: int, cursor: str | None = None, limit: int | None = page_limit()
):
    """Top-level comments oldest first, each with its replies."""
    post = selectors.access_post(viewer(request), post_id)
    return selectors.comments_on(viewer(request), post, cursor=cursor, limit=limit)


@router.post("/posts/{post_id}/comments", response={201: CommentOut, **ERRORS})
def add_comment(request: HttpRequest, post_id: int, payload: CommentIn):
    """Comment on a post, or reply to a comment with `parent_id` (one level deep)."""
    member = viewer(request)
    post = selectors.access_post(member, post_id)
    parent = None
    if payload.parent_id is not None:
        parent = selectors.access_comment(member, payload.parent_id)
    return Status(
        201, actions.add_comment(actor=member, post=post, body=payload.body, parent=parent)
    )


@router.patch("/comments/{comment_id}", response={200: CommentOut, **ERRORS})
def edit_comment(request: HttpRequest, comment_id: int, payload: CommentPatch):
    comment = selectors.access_comment(viewer(request), comment_id)
    return actions.edit_comment(actor=viewer(request), comment=comment, body=payload.body)


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS})
def delete_comment(request: HttpRequest, comment_id: int):
    comment = selectors.access_comment(viewer(request), comment_id)
    actions.delete_comment(actor=viewer(request), comment=comment)
    return Status(204, None)


@router.post("/timeline", response={201: ShareOut, **ERRORS})
def create_share(request: HttpRequest, payload: ShareIn):
    """Share a status, or a community post (`post_id`) with optional words, on my timeline."""
    member = viewer(request)
    post = selectors.access_post(member, payload.post_id) if payload.post_id else None
    return Status(201, actions.share(actor=member, text=payload.text, post=post))


@router.get("/timeline/{share_id}", auth=OPTIONAL, response={200: ShareOut, **ERRORS})
def get_share(request: HttpRequest, share_id: int):
    """One share, if its author's timeline setting lets me see it (signed-out visitors
    see only shares from timelines open to everyone)."""
    return selectors.access_share(viewer(request), share_id)


@router.get(
    "/timeline/{share_id}/comments", auth=OPTIONAL, response={200: PageOut[CommentOut], **ERRORS}
)
def list_share_comments(
    request: HttpRequest, share_id: int, cursor: str | None = None, limit: int | None = page_limit()
):
    """Top-level comments on a share oldest first, each with its replies."""
    share = selectors.access_share(viewer(request), share_id)
    return selectors.comments_on_share(viewer(request), share, cursor=cursor, limit=limit)


@router.post("/timeline/{share_id}/comments", response={201: CommentOut, **ERRORS})
def add_share_comment(request: HttpRequest, share_id: int, payload: CommentIn):
    """Comment on a share, or reply to a comment on it with `parent_id` (one level deep)."""
    member = viewer(request)
    share = selectors.access_share(member, share_id)
    parent = None
    if payload.parent_id is not None:
        parent = selectors.access_comment(member, payload.parent_id)
    return Status(
        201, actions.add_comment(actor=member, share=share, body=payload.body, parent=parent)
    )


@router.delete("/timeline/{share_id}", response={204: None, **ERRORS})
def delete_share(request: HttpRequest, share_id: int):
    share = selectors.access_share(viewer(request), share_id)
    actions.delete_share(actor=viewer(request), share=share)
    return Status(204, None)


@router.get(
    "/members/{username}/timeline", auth=OPTIONAL, response={200: PageOut[ShareOut], **ERRORS}
)
def member_timeline(
    request: HttpRequest, username: str, cursor: str | None = None, limit: int | None = page_limit()
):
    """A member's shares, newest first, if their timeline setting lets me see them."""
    me = viewer(request)
    owner = access_member(username, languages=False, **policies.timeline_probes(me))
    return selectors.timeline_of(me, owner, cursor=cursor, limit=limit)


@router.get("/feed", response={200: PageOut[ShareOut], **ERRORS})
def feed(request: HttpRequest, cursor: str | None = None, limit: int | None = page_limit()):
    """My home feed: my own shares and my friends', newest first."""
    return selectors.feed_for(viewer(request), cursor=cursor, limit=limit)
