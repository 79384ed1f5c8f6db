"""The HTTP benchmark: Haven served as in production, loaded by wrk on 127.0.0.1.

Granian in WSGI mode, 2 workers, 4 blocking threads each (`make serve`),
DEBUG off, the floor views mounted (HAVEN_BENCH=1), the flag and report hourly
limits lifted (the benchmark is one member filing thousands). wrk runs in its
own process, one thread, for a bounded time per operation after a warm-up
run; haven/bench/wrk.lua adds the bearer token and the body and reports
p50/p95/p99 and a count per status.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from haven.bench.generate import RESERVED, population_size, token_of
from haven.chats.models import Chat, Message
from haven.community.models import Comment, Post
from haven.members.models import Member
from haven.moderation.models import Case

SCRIPT = Path(__file__).with_name("wrk.lua")
MESSAGE = json.dumps({"body": "How was your lesson today?"})


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    persona: str | None
    body: str = ""
    expect: int = 200
    floor: str = "select"  # the bare view it is compared with
    seq_from: int = 0  # "{seq}" starts here (flags: the first comment id)
    quick: str = ""  # its name in `make bench-quick` ("" = not run there)


def operations() -> list[Operation]:
    """Every operation, aimed at the personas' data (see haven.bench.generate)."""
    who = dict(Member.objects.filter(pk__lte=RESERVED).values_list("username", "pk"))
    low, high = sorted([who["bench_viewer"], who["bench_friend"]])
    chat = Chat.objects.get(member_low_id=low, member_high_id=high).pk
    post = Post.objects.get(author_id=who["bench_author"]).pk
    evidence = list(
        Message.objects.filter(sender_id=who["bench_harasser"])
        .order_by("id")
        .values_list("id", flat=True)[:2]
    )
    first_comment = (
        Comment.objects.filter(author_id__gt=RESERVED).order_by("id").values_list("id", flat=True)
    ).first()
    report = {
        "username": "bench_harasser",
        "category": "harassment",
        "details": "Keeps messaging me after I said no.",
        "evidence": [{"type": "message", "id": m} for m in evidence],
    }
    open_cases = Case.objects.filter(status="open").order_by("-rank", "-id")
    top_case = open_cases.values_list("id", flat=True).first()
    flag = '{"target_type": "comment", "target_id": {seq}, "category": "spam"}'
    timeline = "/api/v1/members/bench_owner/timeline"
    block = "/api/v1/me/blocks/m{seq}"  # a new member each time, from the population's middle
    return [
        Operation("floor: no query", "GET", "/bench/floor/none", None, floor="none"),
        Operation("floor: one SELECT", "GET", "/bench/floor/select", None, floor="select"),
        Operation("floor: one INSERT", "POST", "/bench/floor/insert", None, "{}", 201, "insert"),
        Operation(
            "send a chat message",
            "POST",
            f"/api/v1/chats/{chat}/messages",
            "bench_viewer",
            MESSAGE,
            201,
            "insert",
            quick="send message",
        ),
        Operation("chat list", "GET", "/api/v1/chats", "bench_viewer", quick="chat list"),
        Operation("home feed", "GET", "/api/v1/feed", "bench_viewer", quick="feed"),
        Operation("timeline, stranger", "GET", timeline, "bench_stranger"),
        Operation("timeline, friend", "GET", timeline, "bench_friend", quick="timeline"),
        Operation("timeline, blocked member", "GET", timeline, "bench_blocked", expect=403),
        Operation(
            "post comments (50)",
            "GET",
            f"/api/v1/posts/{post}/comments?limit=50",
            "bench_viewer",
            quick="post page",
        ),
        Operation(
            "moderator queue", "GET", "/api/v1/staff/cases?status=open", "bench_mod", quick="queue"
        ),
        Operation(
            "case page, top case",
            "GET",
            f"/api/v1/staff/cases/{top_case}",
            "bench_mod",
            quick="case page",
        ),
        Operation(
            "flag a comment",
            "POST",
            "/api/v1/flags",
            "bench_flagger",
            flag,
            201,
            "insert",
            seq_from=(first_comment or 1) - 1,
            quick="flag",
        ),
        Operation(
            "report with 2 messages",
            "POST",
            "/api/v1/reports",
            "bench_reporter",
            json.dumps(report),
            201,
            "insert",
            quick="report",
        ),
        Operation(
            "block a member",
            "PUT",
            block,
            "bench_flagger",
            "",
            200,
            "insert",
            seq_from=population_size() // 2,
            quick="block",
        ),
        # Again after the writes: the reports above all went to one member's case.
        Operation(
            "moderator queue, after the reports",
            "GET",
            "/api/v1/staff/cases?status=open",
            "bench_mod",
        ),
    ]


def database_url() -> str:
    """The database this process uses (under pytest, the test database) as a URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """Granian, started for the run and stopped after it (only the process we started)."""

    def __init__(
        self, *, workers: int = 2, threads: int = 4, tasks: str = "immediate", classifier=True
    ) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        granian = Path(sys.executable).with_name("granian")
        self.command = [
            str(granian), "--interface", "wsgi", "--workers", str(workers),
            "--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(self.port),
            "--no-access-log", "haven.wsgi:application",
        ]  # fmt: skip
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + "x" * 50,
            "HAVEN_BENCH": "1",
            "DATABASE_URL": database_url(),
            "HAVEN_FLAGS_PER_HOUR": "1000000000",
            "HAVEN_REPORTS_PER_HOUR": "1000000000",
            "HAVEN_MESSAGES_PER_MINUTE": "1000000000",
            "HAVEN_FRIEND_MESSAGES_PER_MINUTE": "1000000000",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback, no TLS proxy
            "TASKS_BACKEND": tasks,
        }
        if not classifier:
            self.env["HAVEN_CLASSIFIER"] = "haven.automod.classifier.NoClassifier"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        """Started once every worker process has answered: a measurement that began
        while workers were still starting would count their start-up as slowness."""
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL
        )
        answered: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/bench/floor/none", timeout=2) as r:
                    answered.add(json.load(r)["process"])
                if len(answered) >= self.workers:
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("granian exited during start-up") from None
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"{len(answered)} of {self.workers} workers answered within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def parse(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line.removeprefix("BENCHJSON "))
    raise RuntimeError(f"wrk printed no result:\n{output[-2000:]}")


def _wrk(base: str, op: Operation, *, seconds: float, connections: int, seq: int):
    env = {
        **os.environ,
        "BENCH_METHOD": op.method,
        "BENCH_PATH": op.path,
        "BENCH_BODY": op.body,
        "BENCH_TOKEN": token_of(op.persona) if op.persona else "",
        "BENCH_SEQ": str(seq),
    }
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{max(seconds, 1):g}s", "--timeout", "10s",
        "-s", str(SCRIPT), base,
    ]  # fmt: skip
    return command, env


def wrk(base: str, op: Operation, *, seconds: float, connections: int, seq: int) -> dict:
    command, env = _wrk(base, op, seconds=seconds, connections=connections, seq=seq)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return parse(done.stdout)


# Audited writes at once: flag, report and block from 3 + 3 + 2 connections together.
AUDITED_MIX = (("flag a comment", 3), ("report with 2 messages", 3), ("block a member", 2))


def audited_writes(ops: list[Operation], seqs: dict[str, int], *, workers: int,
                   seconds: float) -> dict:  # fmt: skip
    """Successful audited writes per second from 8 connections on a server with `workers`
    processes; `seqs` (operation name -> next "{seq}") moves past the ids used."""
    by_name = {op.name: op for op in ops}
    with Server(workers=workers) as server:
        running = []
        for name, connections in AUDITED_MIX:
            command, env = _wrk(server.base, by_name[name], seconds=seconds,
                                connections=connections, seq=seqs[name])  # fmt: skip
            running.append((name, connections, subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, text=True)))  # fmt: skip
        ok = total = 0
        for name, connections, process in running:
            raw = parse(process.communicate()[0])
            seqs[name] += raw["requests"] + connections
            total += raw["requests"]
            ok += sum(n for status, n in raw["statuses"].items() if status.startswith("2"))
    return {"workers": workers, "rps": round(ok / seconds, 1), "requests": total, "ok": ok}


def scaling(ops: list[Operation], seqs: dict[str, int], *, seconds: float, write=print) -> dict:
    """The audited-writes mix on 1 then 4 app processes: with no lock shared by every
    write, throughput grows with the processes (issue 11: 1.6x from 1 to 4)."""
    one = audited_writes(ops, seqs, workers=1, seconds=seconds)
    four = audited_writes(ops, seqs, workers=4, seconds=seconds)
    growth = round(four["rps"] / one["rps"], 2) if one["rps"] else None
    write(f"audited writes, 8 connections: {one['rps']} req/s on 1 worker, "
          f"{four['rps']} on 4 ({growth}x)")  # fmt: skip
    return {"one_worker": one, "four_workers": four, "growth": growth}


def summarize(op: Operation, raw: dict) -> dict:
    seconds = raw["duration_us"] / 1e6
    expected = raw["statuses"].get(str(op.expect), 0)
    return {
        "operation": op.name,
        "method": op.method,
        "path": op.path,
        "floor": op.floor,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "expected_status": op.expect,
        "statuses": raw["statuses"],
        "unexpected": raw["requests"] - expected + raw["socket_errors"],
    }


# Measured again on a server whose side effects (detectors, notifications) are stored
# for the task worker (TASKS_BACKEND=database) instead of run in-process after commit.
ON_THE_WORKER = ("send a chat message", "flag a comment")
ON_WORKER = ", tasks on the worker"
SEND = "send a chat message"
# Sending again with the text classifier off (HAVEN_CLASSIFIER=...NoClassifier), with
# the checks in-process after commit and stored for the worker: what reading each
# message costs the send path, on a laptop and in production.
CLASSIFIER_OFF = ", classifier off"


def _measure(server: Server, ops: list[Operation], *, seconds: float, warmup: float,
             connections: int, write) -> list[dict]:  # fmt: skip
    results = []
    for op in ops:
        seq = op.seq_from
        if warmup > 0:
            seq += (
                wrk(server.base, op, seconds=warmup, connections=connections, seq=seq)["requests"]
                + connections
            )  # requests still in flight when wrk stopped
        raw = wrk(server.base, op, seconds=seconds, connections=connections, seq=seq)
        result = summarize(op, raw)
        result["next_seq"] = seq + raw["requests"] + connections
        results.append(result)
        write(
            f"{op.name:<28} {result['rps']:>8,.0f} req/s  p50 {result['p50_ms']:>7} ms  "
            f"p95 {result['p95_ms']:>7} ms  p99 {result['p99_ms']:>7} ms  {raw['statuses']}"
        )
    return results


def _ratios(results: list[dict]) -> list[dict]:
    floors = {r["floor"]: r["rps"] for r in results if r["operation"].startswith("floor:")}
    for r in results:
        r.pop("next_seq", None)
        r["floor_rps"] = floors.get(r["floor"])
        r["of_floor"] = round(r["rps"] / r["floor_rps"], 3) if r.get("floor_rps") else None
    return results


def run(*, seconds: float, warmup: float, connections: int, write=print) -> list[dict]:
    """Every operation against one server (warm-up run, then the measured run); then the
    send and flag operations again with their tasks stored for the worker; then sending
    with the text classifier off, both ways."""
    ops = operations()
    timing = {"seconds": seconds, "warmup": warmup, "connections": connections, "write": write}
    with Server() as server:
        results = _measure(server, ops, **timing)
    after = {r["operation"]: r["next_seq"] for r in results}
    again = [
        replace(op, name=f"{op.name}{ON_WORKER}", seq_from=after[op.name])
        for op in ops
        if op.name in ON_THE_WORKER
    ]
    with Server(tasks="database") as server:
        results += _measure(server, again, **timing)
    seqs = {r["operation"]: r["next_seq"] for r in results}
    send = next(op for op in ops if op.name == SEND)
    off = replace(send, name=f"{SEND}{CLASSIFIER_OFF}", seq_from=seqs[f"{SEND}{ON_WORKER}"])
    with Server(classifier=False) as server:  # its checks in-process, as on a laptop
        results += _measure(server, [off], **timing)
    seqs = {r["operation"]: r["next_seq"] for r in results}
    off_worker = replace(send, name=f"{SEND}{ON_WORKER}{CLASSIFIER_OFF}", seq_from=seqs[off.name])
    with Server(tasks="database", classifier=False) as server:
        results += _measure(server, [off_worker], **timing)
    seqs = {r["operation"]: r["next_seq"] for r in results}
    for op in [*again, off, off_worker]:  # the mix goes on past the ids the others used
        seqs[op.name.removesuffix(CLASSIFIER_OFF).removesuffix(ON_WORKER)] = seqs[op.name]
    return _ratios(results), scaling(ops, seqs, seconds=seconds, write=write)


def quick(*, seconds: float, warmup: float, connections: int, write=print) -> list[dict]:
    """The floors and the operations `make bench-quick` names, on one server."""
    ops = [op for op in operations() if op.quick or op.name.startswith("floor:")]
    timing = {"seconds": seconds, "warmup": warmup, "connections": connections, "write": write}
    with Server() as server:
        results = _measure(server, ops, **timing)
    names = {op.name: op.quick for op in ops}
    for r in results:
        r["quick"] = names[r["operation"]]
    seqs = {r["operation"]: r["next_seq"] for r in results}
    growth = scaling(ops, seqs, seconds=seconds, write=write)["growth"]
    results = _ratios(results)
    results.append({"quick": "audited writes 4/1 workers", "of_floor": growth, "unexpected": 0})
    return results
