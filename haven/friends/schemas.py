from datetime import datetime

from ninja import Schema

from haven.members.schemas import MemberBrief


class FriendRequestOut(Schema):
    id: int
    from_member: MemberBrief
    to_member: MemberBrief
    status: str
    created_at: datetime
    responded_at: datetime | None


class FriendRequestIn(Schema):
    username: str


class FriendOut(Schema):
    member: MemberBrief
    since: datetime

    @staticmethod
    def resolve_member(obj) -> object:
        return obj.friend

    @staticmethod
    def resolve_since(obj) -> datetime:
        return obj.created_at
