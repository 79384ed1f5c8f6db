"""The workload of `make test-load`, run by Locust (headless) in its own process:

    locust -f locustfile.py --headless -u N -r N -t 60s --host http://127.0.0.1:PORT

Each simulated user is one member (the population file's driven members, one each, so
a member's requests are sequential) using the JSON API with a bearer token: read the
feed, a space and a chat; send messages to their chat partner; flag others' posts;
report their partner with the partner's messages as evidence; block and unblock
bystanders; now and then a signed-out page. Environment:

    LOAD_POPULATION  population.py's JSON
    LOAD_RECORDS     a directory; earlier phases' files there are read first
    LOAD_PHASE       this phase's name: writes-PHASE.jsonl and requests-PHASE.json

writes-PHASE.jsonl gets one line per write attempted: the content sent and, when the
server acknowledged it (2xx), the id it gave (blocks have none: their op and order).
requests-PHASE.json gets every request: [start, seconds, status, kind, error code]
(status 0: no answer at all; error code: the JSON error's `code`, for any 4xx/5xx)."""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from pathlib import Path

from locust import FastHttpUser, between, events, task

POPULATION = json.loads(Path(os.environ["LOAD_POPULATION"]).read_text())
RECORDS = Path(os.environ["LOAD_RECORDS"])
PHASE = os.environ["LOAD_PHASE"]
MEMBERS = POPULATION["members"]
BYSTANDERS = POPULATION["bystanders"]
CATEGORIES = POPULATION["categories"]
POSTS = [(post, m["username"]) for m in MEMBERS for post in m["posts"]]

_seats = itertools.count()
_requests: list[list] = []
_writes = (RECORDS / f"writes-{PHASE}.jsonl").open("a", buffering=1)


def _earlier() -> tuple[set[tuple[str, int]], dict[tuple[str, str], bool]]:
    """What earlier phases did: the posts each member flagged (flag each post once) and
    the block each member believes in (to toggle it)."""
    flagged, blocked = set(), {}
    for path in sorted(RECORDS.glob("writes-*.jsonl")):
        if path.name == f"writes-{PHASE}.jsonl":
            continue
        for line in path.read_text().splitlines():
            write = json.loads(line)
            if write["kind"] == "flag":
                flagged.add((write["reporter"], write["target_id"]))
            elif write["kind"] == "block" and write["acked"]:
                blocked[(write["blocker"], write["blocked"])] = write["op"] == "block"
    return flagged, blocked


FLAGGED, BLOCKED = _earlier()


def _record(write: dict) -> None:
    _writes.write(json.dumps({**write, "phase": PHASE}) + "\n")


def _error_code(response) -> str | None:
    """The `code` of Haven's error shape, or None when the body is not that shape."""
    try:
        error = json.loads(response.content or b"")["error"]
    except (ValueError, KeyError, TypeError):
        return None
    if isinstance(error, dict) and error.get("code") and error.get("message"):
        return str(error["code"])
    return None


class Member(FastHttpUser):
    wait_time = between(0.05, 0.4)
    network_timeout = 20.0  # a hang shows as status 0, not as a stuck user
    connection_timeout = 5.0

    def on_start(self) -> None:
        self.me = MEMBERS[next(_seats) % len(MEMBERS)]
        self.name = self.me["username"]
        self.headers = {"Authorization": f"Bearer {self.me['token']}"}
        self.rng = random.Random(f"{self.name} {PHASE}")

    def call(self, method: str, path: str, kind: str, body: dict | None = None, auth=True):
        headers = self.headers if auth else {}
        start = time.time()
        with self.client.request(method, path, json=body, headers=headers, name=kind,
                                 catch_response=True) as response:  # fmt: skip
            seconds = time.time() - start
            status = response.status_code or 0
            code = _error_code(response) if status >= 400 else None
            if 200 <= status < 300:
                response.success()
            else:
                response.failure(f"{status} {code or ''}")
        _requests.append([round(start, 4), round(seconds, 4), status, kind, code])
        return response, status

    def _json(self, response) -> dict:
        try:
            return json.loads(response.content or b"{}")
        except ValueError:
            return {}

    @task(6)
    def read_feed(self) -> None:
        self.call("GET", "/api/v1/feed", "feed")

    @task(2)
    def read_space(self) -> None:
        space = self.rng.choice(("answers", "notebook", "discussions"))
        self.call("GET", f"/api/v1/posts?space={space}", "posts")

    @task(2)
    def read_chat(self) -> None:
        self.call("GET", f"/api/v1/chats/{self.me['chat']}/messages", "chat")

    @task(5)
    def send_message(self) -> None:
        body = f"{self.name} says hi ({PHASE} {uuid.uuid4().hex[:12]})"
        response, status = self.call(
            "POST", f"/api/v1/chats/{self.me['chat']}/messages", "message", {"body": body}
        )
        acked = status == 201
        _record({"kind": "message", "acked": acked, "chat": self.me["chat"],
                 "sender": self.name, "body": body,
                 "id": self._json(response).get("id") if acked else None})  # fmt: skip

    @task(2)
    def flag(self) -> None:
        choices = [
            (post, author) for post, author in POSTS
            if author != self.name and (self.name, post) not in FLAGGED
        ]  # fmt: skip
        if not choices:
            return
        post, _ = self.rng.choice(choices)
        FLAGGED.add((self.name, post))
        category = self.rng.choice(CATEGORIES)["slug"]
        details = f"Flag from {self.name} ({PHASE} {uuid.uuid4().hex[:8]})"
        sent = {"target_type": "post", "target_id": post, "category": category,
                "details": details}  # fmt: skip
        response, status = self.call("POST", "/api/v1/flags", "flag", sent)
        acked = status == 201
        _record({"kind": "flag", "acked": acked, "reporter": self.name, **sent,
                 "id": self._json(response).get("id") if acked else None})  # fmt: skip

    @task(1)
    def report(self) -> None:
        evidence = self.rng.sample(self.me["evidence"], k=2)
        sent = {
            "username": self.me["partner"],
            "category": self.rng.choice(CATEGORIES)["slug"],
            "details": f"Report from {self.name} ({PHASE} {uuid.uuid4().hex[:8]})",
            "where": "on_haven",
            "evidence": [{"type": "message", "id": message} for message in evidence],
        }
        response, status = self.call("POST", "/api/v1/reports", "report", sent)
        acked = status == 201
        _record({"kind": "report", "acked": acked, "reporter": self.name,
                 "subject": sent["username"], "category": sent["category"],
                 "details": sent["details"], "evidence": sorted(evidence),
                 "id": self._json(response).get("id") if acked else None})  # fmt: skip

    @task(2)
    def block_or_unblock(self) -> None:
        target = self.rng.choice(BYSTANDERS)
        blocking = not BLOCKED.get((self.name, target), False)
        method, op = ("PUT", "block") if blocking else ("DELETE", "unblock")
        _, status = self.call(method, f"/api/v1/me/blocks/{target}", op)
        acked = status in (200, 204)
        if acked:
            BLOCKED[(self.name, target)] = blocking
        _record({"kind": "block", "op": op, "acked": acked, "blocker": self.name,
                 "blocked": target})  # fmt: skip

    @task(1)
    def signed_out_page(self) -> None:
        self.call("GET", "/", "page", auth=False)


@events.test_stop.add_listener
def _save(**_kwargs) -> None:
    _writes.flush()
    (RECORDS / f"requests-{PHASE}.json").write_text(json.dumps(_requests))
