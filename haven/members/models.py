import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from haven.members.confusables import skeleton
from haven.members.languages import LANGUAGE_CHOICES
from haven.members.mailboxes import email_key

USERNAME_RULE = RegexValidator(
    r"^[a-z0-9_]{3,30}$",
    "Use 3 to 30 lowercase letters, digits or underscores.",
)


def new_public_id() -> int:
    return secrets.randbelow(900_000_000) + 100_000_000


class ChatPrivacy(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FRIENDS = "friends", "Friends only"
    NOBODY = "nobody", "No one"


class FriendRequestPrivacy(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FRIENDS_OF_FRIENDS = "friends_of_friends", "Friends of friends"
    NOBODY = "nobody", "No one"


class TimelinePrivacy(models.TextChoices):
    EVERYONE = "everyone", "Everyone, signed in or not"
    MEMBERS = "members", "Haven members"
    FRIENDS = "friends", "Friends only"
    ONLY_ME = "only_me", "Only me"


class Member(AbstractUser):
    """A Haven account: a student or a teacher, possibly also staff (via groups).

    `public_id` is the number members quote to support; the primary key stays
    internal. `is_active` false means the account cannot sign in or be reached.
    """

    class Kind(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"

    username = models.CharField(max_length=30, unique=True, validators=[USERNAME_RULE])
    public_id = models.BigIntegerField(unique=True, default=new_public_id, editable=False)
    display_name = models.CharField(max_length=50)
    bio = models.TextField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STUDENT)
    # Privacy lives on the member row itself: every policy check already has the
    # target loaded, and list filters read it in the same query, with no join.
    who_can_chat = models.CharField(
        max_length=10, choices=ChatPrivacy.choices, default=ChatPrivacy.EVERYONE
    )
    who_can_friend = models.CharField(
        max_length=20, choices=FriendRequestPrivacy.choices, default=FriendRequestPrivacy.EVERYONE
    )
    who_can_see_timeline = models.CharField(
        max_length=10, choices=TimelinePrivacy.choices, default=TimelinePrivacy.MEMBERS
    )
    searchable = models.BooleanField(default=True)
    # Standing, set only by staff enforcement (haven.moderation.enforcement).
    restricted_until = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    # Part of the session hash: raising it ends every session of this member at once.
    session_epoch = models.PositiveIntegerField(default=0)
    # Set when the member opens the link Haven emailed to `email` (haven.members.email);
    # cleared when the address changes. Flags count toward auto-hide only once it is set.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # A keyed hash of the address the account signed up from (never the address):
    # accounts made from one address within an hour flag as one (haven.safety.flags).
    signup_address = models.CharField(max_length=32, blank=True, default="", editable=False)
    # The username with look-alike characters folded (haven.members.confusables): a new
    # username whose skeleton is taken looks like someone else's and is refused.
    username_skeleton = models.CharField(max_length=60, db_index=True, default="", editable=False)
    # A keyed hash of the normalised address (haven.members.mailboxes): finds a new
    # account signing up with a removed member's mailbox spelt another way.
    email_key = models.CharField(max_length=32, null=True, db_index=True, editable=False)

    REQUIRED_FIELDS = ["email"]

    class Meta(AbstractUser.Meta):
        indexes = [
            models.Index(
                fields=["signup_address", "date_joined"],
                name="member_by_signup_address",
                condition=~models.Q(signup_address=""),
            )
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs) -> None:
        self.username_skeleton = skeleton(self.username)
        self.email_key = email_key(self.email) or None
        fields = kwargs.get("update_fields")
        if fields is not None and "username" in fields:
            kwargs["update_fields"] = {*fields, "username_skeleton"}
        if fields is not None and "email" in fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email_key"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret=None):
        # Django checks this on every request: a suspension or removal raises the
        # epoch, so sessions signed in before it stop working, with the password kept.
        return salted_hmac(
            "haven.members.Member.session",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def is_restricted(self, now=None) -> bool:
        return self.restricted_until is not None and self.restricted_until > (now or timezone.now())

    def is_suspended(self, now=None) -> bool:
        return self.suspended_until is not None and self.suspended_until > (now or timezone.now())


class MemberLanguage(models.Model):
    """A language a member speaks natively or is learning (one row per language)."""

    class Kind(models.TextChoices):
        NATIVE = "native", "Native"
        LEARNING = "learning", "Learning"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="member_language_once"),
        ]
        indexes = [models.Index(fields=["code", "kind"], name="member_language_lookup")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.code}:{self.kind}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "-created_at"], name="token_by_member")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def digest_of(secret: str) -> str:
        """What `digest` holds for a token's secret (hashable whatever it holds)."""
        return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
