from datetime import datetime

from ninja import Schema

from haven.members.schemas import MemberBrief


class PostOut(Schema):
    id: int
    space: str
    author: MemberBrief
    title: str
    body: str
    language: str
    comment_count: int
    created_at: datetime
    edited_at: datetime | None
    under_review: bool = False  # hidden pending review: only its author still sees it
    removed: bool = False  # removed by moderators: only its author still sees it

    @staticmethod
    def resolve_under_review(obj) -> bool:
        return obj.hidden_at is not None and obj.removed_at is None

    @staticmethod
    def resolve_removed(obj) -> bool:
        return obj.removed_at is not None


class PostBrief(Schema):
    id: int
    space: str
    title: str
    author: MemberBrief


class PostIn(Schema):
    space: str
    title: str
    body: str
    language: str | None = None


class PostPatch(Schema):
    title: str | None = None
    body: str | None = None
    language: str | None = None


class ReplyOut(Schema):
    id: int
    post_id: int | None  # exactly one of post_id and share_id is set
    share_id: int | None
    parent_id: int | None
    author: MemberBrief
    body: str
    created_at: datetime
    edited_at: datetime | None
    under_review: bool = False  # hidden pending review: only its author still sees it
    removed: bool = False  # removed by moderators: only its author still sees it
    collapsed: bool = False  # I block its author: show it folded, behind a "show" control

    @staticmethod
    def resolve_under_review(obj) -> bool:
        return obj.hidden_at is not None and obj.removed_at is None

    @staticmethod
    def resolve_removed(obj) -> bool:
        return obj.removed_at is not None

    @staticmethod
    def resolve_collapsed(obj) -> bool:
        return bool(getattr(obj, "collapsed", False))


class CommentOut(ReplyOut):
    replies: list[ReplyOut] = []

    @staticmethod
    def resolve_replies(obj) -> list:
        return list(obj.replies.all()) if obj.parent_id is None else []


class CommentIn(Schema):
    body: str
    parent_id: int | None = None


class CommentPatch(Schema):
    body: str


class ShareOut(Schema):
    id: int
    author: MemberBrief
    text: str
    post: PostBrief | None
    comment_count: int
    created_at: datetime
    under_review: bool = False  # hidden pending review: only its author still sees it
    removed: bool = False  # removed by moderators: only its author still sees it

    @staticmethod
    def resolve_under_review(obj) -> bool:
        return obj.hidden_at is not None and obj.removed_at is None

    @staticmethod
    def resolve_removed(obj) -> bool:
        return obj.removed_at is not None


class ShareIn(Schema):
    text: str = ""
    post_id: int | None = None
