from datetime import datetime

from ninja import Field, Schema

from haven.members.schemas import MemberBrief


class MessageOut(Schema):
    id: int
    chat_id: int
    sender: MemberBrief
    body: str
    created_at: datetime
    under_review: bool = False  # hidden pending review: only its sender still sees it
    removed: bool = False  # removed by moderators: only its sender still sees it
    haven_warning: str | None = Field(
        None,
        description="For the recipient only: the policy category (a slug) Haven's "
        "classifier thinks this message falls under, to report or block; null otherwise.",
    )

    @staticmethod
    def resolve_under_review(obj) -> bool:
        return obj.hidden_at is not None and obj.removed_at is None

    @staticmethod
    def resolve_removed(obj) -> bool:
        return obj.removed_at is not None

    @staticmethod
    def resolve_haven_warning(obj, context) -> str | None:
        if obj.hidden_at is not None or obj.sender_id == context["request"].auth.pk:
            return None
        return obj.automod_label or None


class LastMessageOut(Schema):
    id: int
    from_me: bool
    body: str
    created_at: datetime

    @staticmethod
    def resolve_from_me(obj, context) -> bool:
        return obj.sender_id == context["request"].auth.pk


class ChatOut(Schema):
    id: int
    with_member: MemberBrief
    last_message: LastMessageOut | None
    last_message_at: datetime
    unread: int = 0

    @staticmethod
    def resolve_with_member(obj, context) -> object:
        return obj.other(context["request"].auth)


class StartChatIn(Schema):
    username: str
    body: str


class MessageIn(Schema):
    body: str


class StartChatOut(Schema):
    chat: ChatOut
    message: MessageOut
