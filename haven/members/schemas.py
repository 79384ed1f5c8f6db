from datetime import datetime

from ninja import Field, Schema


class MemberBrief(Schema):
    username: str
    display_name: str
    public_id: int

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name


class MemberOut(MemberBrief):
    kind: str
    bio: str
    native_languages: list[str]
    learning_languages: list[str]
    member_since: datetime = Field(..., alias="date_joined")

    @staticmethod
    def resolve_native_languages(obj) -> list[str]:
        return [x.code for x in obj.languages.all() if x.kind == "native"]

    @staticmethod
    def resolve_learning_languages(obj) -> list[str]:
        return [x.code for x in obj.languages.all() if x.kind == "learning"]


class EmailOut(Schema):
    """My email address (only I see it) and whether I have verified it."""

    email: str
    email_verified: bool

    @staticmethod
    def resolve_email_verified(obj) -> bool:
        return obj.email_verified_at is not None


class EmailChangeIn(Schema):
    email: str
    password: str


class EmailVerificationIn(Schema):
    token: str


class SignupIn(Schema):
    username: str
    email: str
    password: str
    display_name: str = ""
    kind: str = "student"
    native_languages: list[str] = ["en"]
    learning_languages: list[str] = []


class ProfileIn(Schema):
    display_name: str | None = None
    bio: str | None = None
    kind: str | None = None
    native_languages: list[str] | None = None
    learning_languages: list[str] | None = None


class TokenRequestIn(Schema):
    username: str
    password: str
    name: str = "API client"


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


class SignupOut(Schema):
    member: MemberOut
    token: str


class PasswordChangeIn(Schema):
    current_password: str
    new_password: str


class PasswordChangeOut(Schema):
    """Every API token of yours stopped working, the one you called with too: this one
    replaces it (shown only once)."""

    token: str


class PasswordResetIn(Schema):
    email: str


class PasswordResetConfirmIn(Schema):
    """`uid` and `token` are the last two parts of the emailed link
    (/password-reset/{uid}/{token})."""

    uid: str
    token: str
    new_password: str
