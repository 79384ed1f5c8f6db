import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

from haven.members.languages import LANGUAGE_CHOICES

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

    REQUIRED_FIELDS = ["email"]

    def __str__(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


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
