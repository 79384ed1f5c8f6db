"""Build the demo community through Haven's own actions, so demo data obeys the
same rules (validation, counters, the policy gate) as anything a member writes."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from haven.chats import actions as chat_actions
from haven.chats.models import Chat, Message
from haven.community import actions as community_actions
from haven.community.models import Comment, Post, Share, Space
from haven.demo.people import MARKER, MEMBERS, NOTICED, PASSWORD, STAFF, TROUBLEMAKER, Person
from haven.demo.posts import ANSWERS, DISCUSSIONS, NOTEBOOK, Thread
from haven.demo.social import (
    CHATS,
    FRIENDS,
    PENDING,
    RANDOM_FRIENDS,
    RANDOM_PENDING,
    SHARE_TEXTS,
    SHARED_POSTS,
    STATUSES,
)
from haven.friends import actions as friend_actions
from haven.friends.models import FriendRequest, Friendship
from haven.members import actions as member_actions
from haven.members.groups import ensure_staff_groups
from haven.members.models import Member
from haven.members.roles import ADMIN
from haven.safety import limits
from haven.safety.flags import flag_item
from haven.safety.reports import EvidenceRef, file_report
from haven.support.actions import file_ticket

SEED = 2026


@dataclass
class SeedResult:
    created_members: list[str] = field(default_factory=list)
    created_content: bool = False


def seed_demo(*, rng: random.Random | None = None) -> SeedResult:
    """Create whatever of the demo community is missing; a second run changes nothing.

    Members are found or created by username. Content is all-or-nothing: it is
    made only while the marker member has no posts, in the same transaction.
    """
    rng = rng or random.Random(SEED)
    result = SeedResult()
    with transaction.atomic(), limits.lifted():
        ensure_staff_groups()
        members = _ensure_members(result)
        _ensure_staff(members)
        if not Post.objects.filter(author=members[MARKER]).exists():
            posts = _posts(members, rng)
            _chats(members)
            _friendships(members, rng)
            _timeline(members, posts, rng)
            _trouble(members)
            _noticed(members)
            result.created_content = True
    return result


def _ensure_members(result: SeedResult) -> dict[str, Member]:
    people = [*MEMBERS, TROUBLEMAKER, *NOTICED, *(person for person, _ in STAFF)]
    existing = Member.objects.in_bulk([p.username for p in people], field_name="username")
    members = {}
    for person in people:
        member = existing.get(person.username)
        if member is None:
            member = _sign_up(person)
            result.created_members.append(person.username)
        members[person.username] = member
    return members


def _sign_up(person: Person) -> Member:
    member = member_actions.sign_up(
        username=person.username,
        email=f"{person.username}@example.org",
        password=PASSWORD,
        display_name=person.display_name,
        kind=person.kind,
        native_languages=list(person.native),
        learning_languages=list(person.learning),
        verified=True,
    )
    # Members of some standing, so the demo shows account ages and its seeded chats
    # and requests never meet the limit on brand-new accounts (haven.safety.limits.new_contact).
    days = 30 + sum(map(ord, person.username)) % 300
    member.date_joined = timezone.now() - timedelta(days=days)
    Member.objects.filter(pk=member.pk).update(date_joined=member.date_joined)
    return member_actions.update_profile(actor=member, bio=person.bio)


def _ensure_staff(members: dict[str, Member]) -> None:
    # No action grants roles yet; until one exists (with its audit row) the seed
    # sets the flags the way an admin would in Django admin.
    for person, role in STAFF:
        member = members[person.username]
        Member.objects.filter(pk=member.pk).update(is_staff=True, is_superuser=role == ADMIN)
        member.groups.add(Group.objects.get(name=role))


def _posts(members: dict[str, Member], rng: random.Random) -> list[Post]:
    threads = [
        *((Space.ANSWERS, t) for t in ANSWERS),
        *((Space.NOTEBOOK, t) for t in NOTEBOOK),
        *((Space.DISCUSSIONS, t) for t in DISCUSSIONS),
    ]
    rng.shuffle(threads)  # the home page and feeds show the spaces mixed, as in life
    return [_thread(members, space, thread) for space, thread in threads]


def _thread(members: dict[str, Member], space: str, thread: Thread) -> Post:
    post = community_actions.create_post(
        actor=members[thread.author],
        space=space,
        title=thread.title,
        body=thread.body,
        language=thread.language,
    )
    for note in thread.comments:
        comment = community_actions.add_comment(
            actor=members[note.author], post=post, body=note.body
        )
        for reply in note.replies:
            community_actions.add_comment(
                actor=members[reply.author], post=post, body=reply.body, parent=comment
            )
    return post


def _chats(members: dict[str, Member]) -> None:
    for first, second, lines in CHATS:
        pair = (members[first], members[second])
        chat, _ = chat_actions.start_chat(actor=pair[0], target=pair[1], body=lines[0])
        for turn, line in enumerate(lines[1:], start=1):
            chat_actions.send_message(actor=pair[turn % 2], chat=chat, body=line)


def _friendships(members: dict[str, Member], rng: random.Random) -> None:
    taken = {frozenset(pair) for pair in (*FRIENDS, *PENDING)}
    community = [p.username for p in MEMBERS]
    candidates = [p for p in itertools.combinations(community, 2) if frozenset(p) not in taken]
    rng.shuffle(candidates)
    extra = [
        p if rng.random() < 0.5 else p[::-1] for p in candidates[: RANDOM_FRIENDS + RANDOM_PENDING]
    ]
    for sender, receiver in (*FRIENDS, *extra[:RANDOM_FRIENDS]):
        request = friend_actions.send_friend_request(
            actor=members[sender], target=members[receiver]
        )
        friend_actions.accept_friend_request(actor=members[receiver], request=request)
    for sender, receiver in (*PENDING, *extra[RANDOM_FRIENDS:]):
        friend_actions.send_friend_request(actor=members[sender], target=members[receiver])


def _timeline(members: dict[str, Member], posts: list[Post], rng: random.Random) -> None:
    entries: list[tuple[Member, str, Post | None]] = [
        (members[author], text, None) for author, text in STATUSES
    ]
    community = [members[p.username] for p in MEMBERS]
    for post in rng.sample(posts, SHARED_POSTS):
        sharer = rng.choice([m for m in community if m.pk != post.author_id])
        entries.append((sharer, rng.choice(SHARE_TEXTS), post))
    rng.shuffle(entries)
    for author, text, post in entries:
        community_actions.share(actor=author, text=text, post=post)


def _trouble(members: dict[str, Member]) -> None:
    """Work for the staff desk: rex harasses alice, who reports him with the messages;
    his spam post is flagged by two members and his spam messages raise an automated
    signal; carol asks support a question."""
    rex, alice = members[TROUBLEMAKER.username], members["alice"]
    chat, first = chat_actions.start_chat(actor=rex, target=alice, body="hey cutie, add me")
    lines = ["why are you ignoring me", "answer me or you'll regret it", "you're pathetic"]
    nasty = [first, *(chat_actions.send_message(actor=rex, chat=chat, body=t) for t in lines)]
    file_report(
        actor=alice, subject=rex, category="harassment",
        details="He keeps messaging me after I didn't answer, and now he threatens me.",
        evidence=[EvidenceRef("message", m.pk) for m in nasty[1:]],
    )  # fmt: skip
    spam = community_actions.create_post(
        actor=rex, space=Space.DISCUSSIONS, title="Get 1000 followers for $5",
        body="Cheap followers and likes, message me for the link!",
    )  # fmt: skip
    for flagger in ("carol", "kenji"):
        flag_item(actor=members[flagger], target_type="post", target_id=spam.pk, category="spam")
    # The same pitch to ten strangers: Haven's spam detector adds an automated signal.
    for username in ("yuki", "lucia", "mateo", "sofia", "marco", "hannah", "jonas", "lea",
                     "minji", "wei"):  # fmt: skip
        chat_actions.start_chat(actor=rex, target=members[username], body=spam.body)
    file_ticket(
        actor=members["carol"], topic="lessons", subject=None,
        description="Can I move my Thursday conversation class to a group chat on Haven?",
    )  # fmt: skip


def _noticed(members: dict[str, Member]) -> None:
    """Work only automated protection finds (issue 13's demo): pablo insults ingrid in
    Spanish, rafael pitches a crypto group in Portuguese, and viktor keeps writing to
    hannah, who has not answered in four days. Each reaches the queue by an automated
    signal, with frozen evidence, once the seed commits and the checks run."""
    pablo, rafael, viktor = (members[p.username] for p in NOTICED)
    chat_actions.start_chat(
        actor=pablo, target=members["ingrid"],
        body="Nadie te quiere aquí, pendeja de mierda. Hablas español fatal.",
    )  # fmt: skip
    pitch = (
        "Oi! Entre no meu grupo de cripto no Telegram: lucro garantido de 20% por semana. "
        "Chama no WhatsApp +55 11 91234-5678"
    )
    for username in ("lucia", "mateo", "tom"):
        chat_actions.start_chat(actor=rafael, target=members[username], body=pitch)
    lines = [
        "Hallo Hannah! Can we practise German together?",
        "Hi again, did you see my message?",
        "Hannah? I only want to practise.",
        "Why don't you answer me?",
        "I can see you are online. Answer me.",
        "I will keep writing until you answer.",
    ]
    chat, _ = chat_actions.start_chat(actor=viktor, target=members["hannah"], body=lines[0])
    sent = [chat_actions.send_message(actor=viktor, chat=chat, body=t) for t in lines[1:]]
    # Over four days (the detector wants at least two), as it would have happened.
    start = timezone.now() - timedelta(days=4)
    for i, message in enumerate(Message.objects.filter(chat=chat).order_by("id")):
        when = start + timedelta(hours=18 * i)
        Message.objects.filter(pk=message.pk).update(created_at=when)
    Chat.objects.filter(pk=chat.pk).update(last_message_at=start + timedelta(hours=18 * len(sent)))


def demo_counts() -> dict[str, int]:
    """What the demo database holds, for the command's summary and the tests."""
    posts = {space: Post.objects.filter(space=space).count() for space in Space.values}
    return {
        "members": Member.objects.count(),
        **{f"posts in {space}": n for space, n in posts.items()},
        "comments": Comment.objects.count(),
        "chats": Chat.objects.count(),
        "messages": Message.objects.count(),
        "friendships": Friendship.objects.count() // 2,  # stored once per direction
        "pending friend requests": FriendRequest.objects.filter(
            status=FriendRequest.Status.PENDING
        ).count(),
        "timeline shares": Share.objects.count(),
    }
