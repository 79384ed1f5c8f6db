"""A synthetic Haven community, loaded fast enough to reach a million members.

Rows are computed, not drawn from the ORM: every id is assigned here, so one
pass writes each table with `COPY` on PostgreSQL and `executemany` in large
batches on SQLite, with no round trip per row. The community can grow: a second
call with a larger `--members` appends members (and their proportional rows)
after the ones already there, which is how the growth benchmark goes from 10k
to 100k to 1M on the same database.

Per member of the population (the numbers the docs quote):

| rows | per member |
| --- | --- |
| friendships | 3 pairs (6 rows, one per direction) |
| blocks | 0.05 |
| chats / memberships / messages | 0.5 / 1 / 2 (4 messages per chat) |
| posts (the three spaces in turn) / comments | 0.5 / 1.5 (3 per post) |
| timeline shares | 2 |
| flags (on comments) / reports / cases / signals | 0.01 / 0.005 / 0.015 / 0.015 |

Timeline shares are spread over a year whoever wrote them, so a bigger
community means more shares per day, as it would. Privacy settings vary by
member (5 % accept chats from nobody, 15 % friends only; 10 % friends-only
timelines, 10 % only-me, 30 % everyone), 0.1 % of the members are deactivated,
20 % of the cases are closed.

The named personas (`bench_viewer` with 200 friends and 30 chats, a timeline
owner who blocks `bench_blocked`, a post with 50 comments, a moderator, a
reporter and the member they report...) are made once, with ids 1..RESERVED, so
the population's ids never collide with theirs. Each has an API token
`bench-token-<username>`: this database is for benchmarks only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction

from haven.chats.models import Chat, ChatMembership, Message
from haven.community.models import Comment, Post, Share
from haven.friends.models import Friendship
from haven.members.confusables import skeleton
from haven.members.models import ApiToken, Member
from haven.members.roles import MODERATOR
from haven.moderation import priority
from haven.moderation.models import Case, Signal
from haven.safety.categories import CATEGORIES
from haven.safety.models import Block, Flag, PolicyCategory, Report

RESERVED = 20  # member ids 1..20 belong to the personas
T0 = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = 365 * 86_400
SPACES = ("answers", "notebook", "discussions")
FRIEND_OFFSETS = 3
SEVERITY = {row[0]: row[2] for row in CATEGORIES}
VIEWER_FRIENDS = 200
VIEWER_CHATS = 30
POST_COMMENTS = 50
OWNER_SHARES = 60
PERSONAS = (
    "bench_viewer",  # the feed and chat list: 200 friends, 30 chats
    "bench_friend",  # the viewer's friend: the chat the benchmark sends messages in
    "bench_owner",  # the timeline everyone looks at (Haven members may see it)
    "bench_stranger",
    "bench_blocked",  # blocked by bench_owner
    "bench_mod",  # a moderator: the case queue
    "bench_reporter",
    "bench_harasser",  # reported by bench_reporter, with two of their messages
    "bench_author",  # a post with 50 comments
    "bench_flagger",  # flags comments
)


def member_id(index: int) -> int:
    return RESERVED + 1 + index


def token_of(username: str) -> str:
    return f"bench-token-{username}"


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


# Writing rows.


class Progress:
    """A one-line progress bar on a terminal, a summary line per table otherwise."""

    def __init__(self, write: Callable[[str], None] = print, bar: bool | None = None) -> None:
        self.write = write
        self.bar = sys.stderr.isatty() if bar is None else bar
        self.rows = 0
        self.seconds = 0.0

    def update(self, table: str, done: int, total: int, started: float) -> None:
        if not self.bar:
            return
        elapsed = max(time.perf_counter() - started, 1e-9)
        filled = int(30 * done / max(total, 1))
        sys.stderr.write(
            f"\r{table:<26} [{'#' * filled}{'.' * (30 - filled)}] {done:>11,}/{total:,} "
            f"{done / elapsed:>9,.0f} rows/s"
        )
        sys.stderr.flush()

    def finish(self, table: str, rows: int, started: float) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        self.rows += rows
        self.seconds += elapsed
        if self.bar:
            sys.stderr.write("\n")
        self.write(
            f"{table:<26} {rows:>11,} rows in {elapsed:7.1f}s ({rows / elapsed:,.0f} rows/s)"
        )


class Loader:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    BATCH = 20_000

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"

    def next_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
            return cursor.fetchone()[0]

    def write(self, model, columns: list[str], rows: Iterable[tuple], total: int) -> None:
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        started = time.perf_counter()
        done = 0
        if self.postgres:
            copy_sql = f'COPY "{table}" ({names}) FROM STDIN'
            with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if done % self.BATCH == 0:
                        self.progress.update(table, done, total, started)
        else:
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
            raw = connection.connection
            batch: list[tuple] = []
            for row in rows:
                batch.append(tuple(_sqlite(v) for v in row))
                if len(batch) == self.BATCH:
                    raw.executemany(sql, batch)
                    done += len(batch)
                    batch.clear()
                    self.progress.update(table, done, total, started)
            if batch:
                raw.executemany(sql, batch)
                done += len(batch)
        self.progress.finish(table, done, started)

    def reset_sequences(self, models: Iterable) -> None:
        """PostgreSQL's id sequences must move past the ids written here."""
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'GREATEST((SELECT MAX(id) FROM "{table}"), 1))'
                )


def _sqlite(value: Any) -> Any:
    # Django stores SQLite datetimes as naive UTC text.
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


# The population: rows computed from the member index.


@dataclass(frozen=True)
class Segment:
    lo: int  # first population index (even)
    hi: int  # one past the last (even)
    ids: dict[str, int]  # first free id per table
    spam: int
    harassment: int

    def members(self) -> range:
        return range(self.lo, self.hi)

    def post_id(self, index: int) -> int:
        return self.ids["post"] + (index - self.lo) // 2

    def comment_id(self, index: int, k: int) -> int:
        return self.ids["comment"] + 3 * ((index - self.lo) // 2) + k

    def commenter(self, index: int, k: int) -> int:
        # Posts and comments are all by even indexes, and only odd ones are ever inactive.
        return self.lo + (index - self.lo + 2 * (k + 1)) % (self.hi - self.lo)


def _member_rows(seg: Segment) -> Iterator[tuple]:
    chat = ("nobody",) + ("friends",) * 3 + ("everyone",) * 16
    timeline = ("friends", "only_me", "everyone", "everyone", "everyone") + ("members",) * 5
    for i in seg.members():
        friend = "friends_of_friends" if i % 10 == 0 else ("nobody" if i % 50 == 1 else "everyone")
        yield (
            member_id(i), "!", False, f"m{i}", "", "", f"m{i}@bench.invalid", False,
            i % 1000 != 999, T0, 100_000_000 + i, f"Member {i}", "",
            "teacher" if i % 8 == 0 else "student", chat[i % 20], friend, timeline[i % 10],
            i % 25 != 0, 0, T0, "", skeleton(f"m{i}"),
        )  # fmt: skip


MEMBER_COLUMNS = [
    "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
    "is_staff", "is_active", "date_joined", "public_id", "display_name", "bio", "kind",
    "who_can_chat", "who_can_friend", "who_can_see_timeline", "searchable", "session_epoch",
    "email_verified_at", "signup_address", "username_skeleton",
]  # fmt: skip


def _friendship_rows(seg: Segment) -> Iterator[tuple]:
    # Pairs (i, i - d) with d in distinct ranges per k: unique, and independent of
    # the final size, so a later, larger run only adds rows.
    for i in seg.members():
        for k in range(FRIEND_OFFSETS):
            d = k * 1000 + 1 + (i * 7919 + k * 104729) % 1000
            if i - d >= 0:
                a, b = member_id(i), member_id(i - d)
                when = _at(i * 10 + k)
                yield (a, b, when)
                yield (b, a, when)


def _block_rows(seg: Segment) -> Iterator[tuple]:
    for i in seg.members():
        if i % 20 == 0 and i >= 3100:
            yield (member_id(i), member_id(i - 3001 - i % 97), _at(i))


def _chat_rows(seg: Segment) -> Iterator[tuple]:
    for n, i in enumerate(range(seg.lo, seg.hi, 2)):
        last = seg.ids["message"] + 4 * n + 3
        yield (seg.ids["chat"] + n, member_id(i), member_id(i + 1), _at(i), _at(i + 4), last)


def _membership_rows(seg: Segment) -> Iterator[tuple]:
    for n, i in enumerate(range(seg.lo, seg.hi, 2)):
        chat, last = seg.ids["chat"] + n, seg.ids["message"] + 4 * n + 3
        yield (chat, member_id(i), last)
        yield (chat, member_id(i + 1), last)


def _message_rows(seg: Segment) -> Iterator[tuple]:
    for n, i in enumerate(range(seg.lo, seg.hi, 2)):
        for t in range(4):
            sender = member_id(i + t % 2)
            text = f"Message {t} of chat {n}: shall we practise tomorrow?"
            yield (seg.ids["message"] + 4 * n + t, seg.ids["chat"] + n, sender, text, _at(i + t))


def _post_rows(seg: Segment) -> Iterator[tuple]:
    for i in range(seg.lo, seg.hi, 2):
        space = SPACES[(i // 2) % 3]
        yield (
            seg.post_id(i), space, member_id(i), f"Question {i} about the subjunctive",
            "How do I use it after 'espero que'? " * 4, "es", 3, _at(i),
        )  # fmt: skip


def _comment_rows(seg: Segment) -> Iterator[tuple]:
    for i in range(seg.lo, seg.hi, 2):
        for k in range(3):
            author = member_id(seg.commenter(i, k))
            text = f"Answer {k}: it takes the subjunctive, as in 'espero que vengas'."
            yield (seg.comment_id(i, k), seg.post_id(i), author, text, _at(i + k))


def _share_rows(seg: Segment) -> Iterator[tuple]:
    for i in seg.members():
        for t in range(2):
            n = seg.ids["share"] + 2 * (i - seg.lo) + t
            when = _at(n * 2_654_435_761 % YEAR)  # anywhere in the year, whoever wrote it
            yield (n, member_id(i), f"Practised for {20 + t} minutes today ({i})", 0, when)


def _flagged(seg: Segment) -> Iterator[int]:
    return (i for i in seg.members() if i % 100 == 1)


def _reporters(seg: Segment) -> Iterator[int]:
    return (i for i in seg.members() if i % 200 == 3)


def _flag_rows(seg: Segment) -> Iterator[tuple]:
    for n, i in enumerate(_flagged(seg)):
        comment, author = seg.comment_id(i - 1, 0), member_id(seg.commenter(i - 1, 0))
        yield (seg.ids["flag"] + n, member_id(i), "comment", comment, author, seg.spam, "", 1.0,
               _at(i))  # fmt: skip


def _report_rows(seg: Segment) -> Iterator[tuple]:
    for n, i in enumerate(_reporters(seg)):
        yield (seg.ids["report"] + n, member_id(i), member_id(i - 3), seg.harassment,
               "They keep writing to me.", "on_haven", False, "received", "", _at(i))  # fmt: skip


def _cases(seg: Segment) -> Iterator[tuple]:
    """(case id, target type, target id, subject, index, flag id, report id)."""
    n = 0
    for k, i in enumerate(_flagged(seg)):
        target = seg.comment_id(i - 1, 0)
        subject = member_id(seg.commenter(i - 1, 0))
        yield (seg.ids["case"] + n, "comment", target, subject, i, seg.ids["flag"] + k, None)
        n += 1
    for k, i in enumerate(_reporters(seg)):
        target = member_id(i - 3)
        yield (seg.ids["case"] + n, "member", target, target, i, None, seg.ids["report"] + k)
        n += 1


def _closed(i: int) -> bool:
    return (i // 100) % 5 == 0


def _case_rows(seg: Segment) -> Iterator[tuple]:
    # Priority as haven.moderation.priority computes it for one new reporter.
    for case, kind, target, subject, i, flag, _ in _cases(seg):
        slug = "spam" if flag else "harassment"
        base = priority.SEVERITY * SEVERITY[slug] + priority.REPORTER
        rank = base - priority.AGE_PER_HOUR * _at(i).timestamp() / 3600
        yield (
            case, kind, target, subject, "closed" if _closed(i) else "open", 1,
            1.0 if flag else 0.0, 1, _at(i), _at(i), _at(i + 60) if _closed(i) else None,
            base, rank, seg.spam if flag else seg.harassment, 1, f'["{slug}"]',
        )  # fmt: skip


def _signal_rows(seg: Segment) -> Iterator[tuple]:
    for n, (case, _, _, _, i, flag, report) in enumerate(_cases(seg)):
        category = seg.spam if flag else seg.harassment
        kind = "flag" if flag else "report"
        outcome = "agreed" if _closed(i) else "pending"
        yield (
            seg.ids["signal"] + n, case, kind, member_id(i), category, 1.0, flag, report, _at(i),
            outcome,
        )  # fmt: skip


TABLES: list[tuple[str, Any, list[str], Callable[[Segment], Iterator[tuple]], float]] = [
    # name, model, columns, rows, rows per member (for the progress bar)
    ("member", Member, MEMBER_COLUMNS, _member_rows, 1),
    ("friendship", Friendship, ["member_id", "friend_id", "created_at"], _friendship_rows, 6),
    ("block", Block, ["blocker_id", "blocked_id", "created_at"], _block_rows, 0.05),
    ("message", Message, ["id", "chat_id", "sender_id", "body", "created_at"], _message_rows, 2),
    (
        "chat",
        Chat,
        [
            "id",
            "member_low_id",
            "member_high_id",
            "created_at",
            "last_message_at",
            "last_message_id",
        ],
        _chat_rows,
        0.5,
    ),  # fmt: skip
    (
        "membership",
        ChatMembership,
        ["chat_id", "member_id", "last_read_message_id"],
        _membership_rows,
        1,
    ),
    (
        "post",
        Post,
        ["id", "space", "author_id", "title", "body", "language", "comment_count", "created_at"],
        _post_rows,
        0.5,
    ),
    (
        "comment",
        Comment,
        ["id", "post_id", "author_id", "body", "created_at"],
        _comment_rows,
        1.5,
    ),
    (
        "share",
        Share,
        ["id", "author_id", "text", "comment_count", "created_at"],
        _share_rows,
        2,
    ),
    (
        "flag",
        Flag,
        [
            "id",
            "reporter_id",
            "target_type",
            "target_id",
            "author_id",
            "category_id",
            "details",
            "weight",
            "created_at",
        ],
        _flag_rows,
        0.01,
    ),  # fmt: skip
    (
        "report",
        Report,
        [
            "id",
            "reporter_id",
            "subject_id",
            "category_id",
            "details",
            "where",
            "also_blocked",
            "status",
            "outcome",
            "created_at",
        ],
        _report_rows,
        0.005,
    ),  # fmt: skip
    (
        "case",
        Case,
        [
            "id",
            "target_type",
            "target_id",
            "subject_id",
            "status",
            "signal_count",
            "flag_weight",
            "version",
            "opened_at",
            "last_signal_at",
            "closed_at",
            "priority_base",
            "rank",
            "top_category_id",
            "reporter_count",
            "categories",
        ],
        _case_rows,
        0.015,
    ),  # fmt: skip
    (
        "signal",
        Signal,
        [
            "id",
            "case_id",
            "kind",
            "reporter_id",
            "category_id",
            "weight",
            "flag_id",
            "report_id",
            "created_at",
            "outcome",
        ],
        _signal_rows,
        0.015,
    ),  # fmt: skip
]


def population_size() -> int:
    last = Member.objects.filter(pk__gt=RESERVED).order_by("-pk").values_list("pk", flat=True)
    return (last.first() or RESERVED) - RESERVED


def _load_segment(lo: int, hi: int, progress: Progress) -> None:
    loader = Loader(progress)
    categories = dict(PolicyCategory.objects.values_list("slug", "pk"))
    seg = Segment(
        lo=lo,
        hi=hi,
        ids={name: loader.next_id(model) for name, model, *_ in TABLES},
        spam=categories["spam"],
        harassment=categories["harassment"],
    )
    with transaction.atomic():
        if loader.postgres:
            # Foreign keys are checked by construction here; per-row RI triggers
            # (deferred to commit) would queue millions of events. Needs a superuser;
            # without one the checks simply run.
            with connection.cursor() as cursor:
                try:
                    with transaction.atomic():
                        cursor.execute("SET LOCAL session_replication_role = replica")
                except Exception:  # noqa: BLE001 - not a superuser: keep the checks
                    pass
        for _, model, columns, rows, per_member in TABLES:
            loader.write(model, columns, rows(seg), int((hi - lo) * per_member))
    loader.reset_sequences(model for _, model, *_ in TABLES)


# The personas.


def _persona(pk: int, username: str, **fields: Any) -> Member:
    return Member.objects.create(
        pk=pk,
        username=username,
        display_name=username.replace("_", " ").title(),
        email=f"{username}@bench.invalid",
        password="!",
        public_id=999_000_000 + pk,
        **fields,
    )


def _chat(a: Member | int, b: Member | int, messages: int, *, first_sender: int = 0) -> Chat:
    ids = [getattr(a, "pk", a), getattr(b, "pk", b)]
    low, high = sorted(ids)
    chat = Chat.objects.create(member_low_id=low, member_high_id=high)
    ChatMembership.objects.bulk_create(
        [ChatMembership(chat=chat, member_id=low), ChatMembership(chat=chat, member_id=high)]
    )
    rows = [
        Message(chat=chat, sender_id=ids[(n + first_sender) % 2], body=f"Message {n}")
        for n in range(messages)
    ]
    Message.objects.bulk_create(rows)
    last = Message.objects.filter(chat=chat).order_by("-id").first()
    Chat.objects.filter(pk=chat.pk).update(last_message=last)
    return chat


def _befriend(a: int, b: int) -> list[Friendship]:
    return [Friendship(member_id=a, friend_id=b), Friendship(member_id=b, friend_id=a)]


def _personas(population: int) -> None:
    """The named members the benchmarks act as, tied to the first population."""
    p = {name: _persona(n + 1, name) for n, name in enumerate(PERSONAS)}
    p["bench_owner"].who_can_see_timeline = "members"
    p["bench_owner"].save(update_fields=["who_can_see_timeline"])
    Group.objects.get_or_create(name=MODERATOR)[0].user_set.add(p["bench_mod"])
    friends = [member_id(i) for i in range(min(VIEWER_FRIENDS, population // 3))]
    viewer, friend = p["bench_viewer"].pk, p["bench_friend"].pk
    rows = [r for f in friends for r in _befriend(viewer, f)]
    rows += _befriend(viewer, friend) + _befriend(friend, p["bench_owner"].pk)
    Friendship.objects.bulk_create(rows)
    _chat(viewer, friend, 5)
    chatty = [member_id(i) for i in range(population // 3, population) if i % 20 > 3][:VIEWER_CHATS]
    for other in chatty:
        _chat(viewer, other, 3, first_sender=1)
    Block.objects.create(blocker=p["bench_owner"], blocked=p["bench_blocked"])
    Share.objects.bulk_create(
        [Share(author=p["bench_owner"], text=f"Day {n} of my Spanish") for n in range(OWNER_SHARES)]
    )
    _chat(p["bench_reporter"], p["bench_harasser"], 6, first_sender=1)
    post = Post.objects.create(
        space="discussions",
        author=p["bench_author"],
        title="Fifty ways to say hello",
        body="Share yours.",
        comment_count=POST_COMMENTS,
    )
    authors = [member_id(i) for i in range(0, population, 2)][:POST_COMMENTS]
    Comment.objects.bulk_create(
        [
            Comment(post=post, author_id=authors[n % len(authors)], body=f"Hello number {n}")
            for n in range(POST_COMMENTS)
        ]
    )
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                member=m,
                name="bench",
                digest=ApiToken.digest_of(token_of(m.username)),
                prefix="bench",
            )
            for m in p.values()
        ]
    )


def generate(members: int, *, progress: Progress | None = None) -> dict[str, Any]:
    """Grow the community to `members` (an even number of) population members."""
    progress = progress or Progress()
    target = members + members % 2
    existing = Member.objects.filter(username="bench_viewer").exists()
    if not existing and Member.objects.exists():
        raise RuntimeError("This database holds members but no bench community: use an empty one.")
    current = population_size() if existing else 0
    if not existing and target < 2 * POST_COMMENTS:
        raise ValueError(f"Use at least {2 * POST_COMMENTS} members.")
    started = time.perf_counter()
    if target > current:
        _load_segment(current, target, progress)
    if not existing:
        with transaction.atomic():
            _personas(target)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    return {
        "members": target,
        "added": max(target - current, 0),
        "rows": progress.rows,
        "seconds": round(elapsed, 1),
        "rows_per_second": round(progress.rows / max(progress.seconds, 1e-9)),
    }
