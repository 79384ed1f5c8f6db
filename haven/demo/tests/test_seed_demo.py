"""`manage.py seed_demo` builds a believable community, and running it again changes nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from haven.chats.models import Chat, ChatMembership, Message
from haven.community.models import Comment, Post, Share, Space
from haven.demo.people import PASSWORD
from haven.friends.models import FriendRequest, Friendship
from haven.members.models import Member, MemberLanguage
from haven.members.roles import ADMIN, MODERATOR, SUPPORT_AGENT

pytestmark = pytest.mark.django_db

MODELS = (
    Member, MemberLanguage, Group, Post, Comment, Share,
    Chat, ChatMembership, Message, FriendRequest, Friendship,
)  # fmt: skip


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True  # the command refuses to run with DEBUG off


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["group memberships"] = Member.groups.through.objects.count()
    counts["staff"] = Member.objects.filter(is_staff=True).count()
    return counts


def test_seeding_twice_creates_nothing_the_second_time():
    seed()
    first = snapshot()
    output = seed()
    assert snapshot() == first
    assert "0 new members" in output


def test_demo_has_thirty_members_of_both_kinds_and_the_personas():
    seed()
    assert Member.objects.count() >= 30
    assert Member.objects.filter(kind="student").count() >= 10
    assert Member.objects.filter(kind="teacher").count() >= 10
    assert MemberLanguage.objects.filter(kind="native").values("code").distinct().count() >= 8
    assert set(Member.objects.filter(username__in=["alice", "bob", "carol"]).values_list(
        "username", flat=True
    )) == {"alice", "bob", "carol"}  # fmt: skip
    assert all(m.bio and m.display_name for m in Member.objects.all())


@pytest.mark.parametrize(
    ("username", "role", "superuser"),
    [("ada", ADMIN, True), ("mia", MODERATOR, False), ("sam", SUPPORT_AGENT, False)],
)
def test_each_staff_account_is_staff_in_its_group(username, role, superuser):
    seed()
    member = Member.objects.get(username=username)
    assert member.is_staff
    assert member.is_superuser is superuser
    assert list(member.groups.values_list("name", flat=True)) == [role]


def test_every_demo_account_signs_in_with_the_published_password(client):
    seed()
    for member in Member.objects.all():
        assert member.check_password(PASSWORD), member.username
    assert client.login(username="alice", password=PASSWORD)


def test_all_three_spaces_have_posts_with_comments_and_replies():
    seed()
    for space in Space.values:
        posts = Post.objects.filter(space=space)
        assert posts.count() >= 5, space
        assert Comment.objects.filter(post__space=space).exists(), space
    assert not Post.objects.filter(space=Space.NOTEBOOK, language="").exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    for post in Post.objects.all():
        assert post.comment_count == post.comments.count()


def test_chats_friendships_and_timeline_are_populated():
    seed()
    assert Chat.objects.count() >= 10
    # real conversations (rex's one-line spam chats aside)
    talks = Chat.objects.exclude(member_low__username="rex").exclude(member_high__username="rex")
    assert Message.objects.filter(chat__in=talks).count() >= 3 * talks.count()
    assert Friendship.objects.count() >= 2 * 15  # two rows per friendship
    assert FriendRequest.objects.filter(status="pending").count() >= 5
    assert Share.objects.filter(post__isnull=True).exists()  # statuses
    assert Share.objects.filter(post__isnull=False).exists()  # shared posts


def test_the_seed_is_deterministic():
    seed()
    first = list(
        Share.objects.order_by("id").values_list("author__username", "text", "post__title")
    )
    Member.objects.all().delete()  # cascades to all demo content
    seed()
    again = list(
        Share.objects.order_by("id").values_list("author__username", "text", "post__title")
    )
    assert again == first


def test_the_seed_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not Member.objects.exists()


def test_the_staff_desk_has_work_a_report_flags_and_an_automated_signal(committed):
    from haven.moderation.models import Case
    from haven.safety.models import Evidence

    with committed():  # the spam detector runs once the seed's transaction commits
        seed()
    rex = Member.objects.get(username="rex")
    case = Case.objects.get(target_type="member", target_id=rex.pk)
    kinds = Counter(case.signals.values_list("kind", flat=True))
    assert kinds == {"report": 1, "automated": 1}  # the report, and one text to many
    # and his insults, read by the classifier, each on its message's case
    words = Evidence.objects.filter(signal__case__subject=rex, payload__pattern="classifier")
    assert words.exists()
    spam_post = Case.objects.get(target_type="post", subject=rex)
    assert spam_post.signals.filter(kind="flag").count() == 2


def test_demo_members_joined_weeks_ago_so_reseeding_meets_no_new_account_limit(settings):
    settings.HAVEN_NEW_ACCOUNT_CONTACTS = 1
    seed()
    newest = Member.objects.order_by("-date_joined").first()
    assert (timezone.now() - newest.date_joined).days >= 30


def test_automated_protection_alone_brings_three_members_to_the_queue(committed, api):
    """Issue 13's demo: an insult in Spanish, a crypto pitch in Portuguese and messages
    to someone who never answers reach the moderators' queue with automated signals and
    frozen evidence, while nobody reported or flagged any of them."""
    from haven.moderation.models import Signal

    with committed():  # the checks run once the seed's transaction commits
        seed()
    mia = Member.objects.get(username="mia")
    queue = api(mia).get("/staff/cases?limit=100").json()["items"]
    found: dict[str, set[str]] = {}
    for case in queue:
        found.setdefault(case["subject"]["username"], set()).update(case["categories"])
    assert "harassment" in found["pablo"]
    assert "scam" in found["rafael"]
    assert "harassment" in found["viktor"]
    for username, pattern in (("pablo", "classifier"), ("rafael", "classifier"),
                              ("viktor", "unanswered_messages")):  # fmt: skip
        signals = Signal.objects.filter(case__subject__username=username)
        assert set(signals.values_list("kind", flat=True)) == {"automated"}, username
        assert signals.filter(evidence__payload__pattern=pattern).exists(), username
    hannah = Signal.objects.get(evidence__payload__pattern="unanswered_messages")
    [frozen] = hannah.evidence.all()
    assert frozen.payload["to"]["username"] == "hannah" and frozen.payload["count"] == 6
