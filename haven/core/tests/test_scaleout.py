"""`make test-scaleout`: Haven scaled out, end to end, through nginx only.

PostgreSQL (a fresh database on the machine's server), a redis-server and an
S3-compatible server (moto) of the test's own, two Granian app servers behind nginx,
and one task worker, each started here and stopped by PID. The scenario proves, and
prints: sessions shared across app servers, a screenshot in the bucket and not on
disk (downloadable by staff only), a spam pattern sent through both servers raising
one signal on the worker, a rate limit counted across both, and Redis stopped
mid-scenario without the site failing."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import sys
from pathlib import Path

import boto3
import psycopg
import pytest
import requests
from PIL import Image

from haven.core.tests.scaleout import (
    BUCKET,
    Processes,
    database_urls,
    free_port,
    manage,
    nginx_command,
    port_open,
    wait_until,
)

pytestmark = pytest.mark.scaleout
PASSWORD = "scale-out-passphrase-42"
PITCH = "Cheap essay writing service, visit essays-now.example today!"


def say(fact: str) -> None:
    print(f"  proved: {fact}", flush=True)


def _needed() -> None:
    missing = [name for name in ("nginx", "redis-server") if not shutil.which(name)]
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"missing in CI: {', '.join(missing)}")
        pytest.skip(f"needs {', '.join(missing)} (Debian packages)")


@pytest.fixture
def site(tmp_path):
    _needed()
    admin_url, db_url = database_urls()
    try:
        maintenance = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"needs PostgreSQL: {exc}")
    name = db_url.rsplit("/", 1)[1]
    maintenance.execute(f'CREATE DATABASE "{name}"')
    procs = Processes(tmp_path)
    try:
        yield _start(procs, tmp_path, db_url)
    finally:
        procs.stop_all()
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.close()


def _start(procs: Processes, tmp: Path, db_url: str) -> dict:
    redis_port, s3_port, app1, app2, front = (free_port() for _ in range(5))
    redis = [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1"]
    procs.start("redis", [*redis, "--save", "", "--appendonly", "no", "--dir", str(tmp)])
    procs.start("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)])
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": db_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "TASKS_BACKEND": "database", "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}", "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "scaleout", "AWS_SECRET_ACCESS_KEY": "scaleout",
        "DEBUG": "false", "SECRET_KEY": "scale-out-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "TRUSTED_PROXIES": "1",
        # Plain HTTP on the loopback: no TLS proxy here to redirect to.
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0",
        "HAVEN_VAR_DIR": str(tmp / "var"), "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"), "HAVEN_SPAM_RECIPIENTS": "3",
        "HAVEN_FLAGS_PER_HOUR": "3", "LOG_LEVEL": "INFO",
    }  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage({**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, "createsuperuser", "--noinput",
           "--username", "ada", "--email", "ada@haven.example")  # fmt: skip
    wait_until(lambda: port_open(s3_port), "the S3 server answering")
    s3 = boto3.client("s3", endpoint_url=env["AWS_S3_ENDPOINT_URL"], region_name="us-east-1",
                      aws_access_key_id="scaleout", aws_secret_access_key="scaleout")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    granian = str(Path(sys.executable).with_name("granian"))
    for name, port in (("app1", app1), ("app2", app2)):
        procs.start(name, [granian, "--interface", "wsgi", "--workers", "1", "--blocking-threads",
                           "2", "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                           "haven.wsgi:application"], env)  # fmt: skip
    worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"]
    procs.start("worker", [*worker, "--no-startup-delay", "--no-reload"], env)
    procs.start("nginx", nginx_command(tmp / "nginx", front, app1, app2))
    for port in (app1, app2, front, redis_port):
        wait_until(lambda port=port: port_open(port), f"port {port} answering")
    base = f"http://127.0.0.1:{front}"
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, "nginx proxying")
    return {"base": base, "procs": procs, "s3": s3, "db": db_url, "media": tmp / "media",
            "apps": {f"127.0.0.1:{app1}", f"127.0.0.1:{app2}"}}  # fmt: skip


class Member:
    """One member's API client through nginx; `served_by` lists the app server of each call."""

    def __init__(self, base: str, username: str, token: str | None = None) -> None:
        self.base, self.username, self.served_by = base, username, []
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, f"{self.base}/api/v1{path}", headers=self.headers, timeout=30, **kwargs
        )
        self.served_by.append(response.headers.get("X-Upstream"))
        return response


def _sign_up(base: str, username: str) -> Member:
    body = {"username": username, "email": f"{username}@example.org", "password": PASSWORD}
    response = requests.post(f"{base}/api/v1/auth/signup", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return Member(base, username, response.json()["token"])


def _sign_in_on_the_web(base: str) -> tuple[requests.Session, str]:
    browser = requests.Session()
    browser.get(f"{base}/signin", timeout=30)
    form = {"username": "alice", "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"]}  # fmt: skip
    signed_in = browser.post(f"{base}/signin", data=form, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 302, signed_in.text[:500]
    return browser, signed_in.headers["X-Upstream"]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _sql(site: dict, query: str, *params) -> list[tuple]:
    with psycopg.connect(site["db"]) as conn:
        return conn.execute(query, params).fetchall()


def test_haven_scaled_out_behind_nginx(site):
    base, apps = site["base"], site["apps"]
    print()
    alice, bob, spammer = (_sign_up(base, name) for name in ("alice", "bob", "spammy"))
    strangers = [_sign_up(base, f"learner{n}") for n in range(3)]
    admin = Member(base, "ada")
    issued = admin.call("post", "/auth/token", json={"username": "ada", "password": PASSWORD})
    admin.headers["Authorization"] = f"Bearer {issued.json()['token']}"

    # 1. A session made on one app server works on the other.
    browser, signed_in_on = _sign_in_on_the_web(base)
    elsewhere = None
    for _ in range(4):
        page = browser.get(f"{base}/settings", allow_redirects=False, timeout=30)
        assert page.status_code == 200 and "alice" in page.text
        if page.headers["X-Upstream"] != signed_in_on:
            elsewhere = page.headers["X-Upstream"]
            break
    assert elsewhere in apps and signed_in_on in apps
    say(f"signed in on {signed_in_on}, still signed in on {elsewhere} (sessions shared)")

    # 2. A report with a screenshot: the file is in the bucket, not on disk, staff only.
    image = _png()
    uploaded = alice.call("post", "/uploads", files={"file": ("s.png", image, "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    upload = uploaded.json()
    evidence = [{"type": "upload", "id": upload["id"]}]
    report = {"username": "bob", "category": "harassment", "details": "On a call.",
              "where": "lesson", "evidence": evidence}  # fmt: skip
    assert alice.call("post", "/reports", json=report).status_code == 201
    keys = [o["Key"] for o in site["s3"].list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert len(keys) == 1
    assert not site["media"].exists() or not any(p.is_file() for p in site["media"].rglob("*"))
    downloaded = admin.call("get", f"/uploads/{upload['id']}/file")
    assert downloaded.status_code == 200
    assert hashlib.sha256(downloaded.content).hexdigest() == upload["sha256"]
    assert bob.call("get", f"/uploads/{upload['id']}/file").status_code == 404
    say(f"the screenshot is {keys[0]} in bucket {BUCKET}, none on disk; staff 200, others 404")

    # 3. One text to three members, through both servers: one signal, raised on the worker.
    for member in strangers:
        sent = spammer.call("post", "/chats", json={"username": member.username, "body": PITCH})
        assert sent.status_code == 201, sent.text
    assert set(spammer.served_by) == apps
    count_signals = (
        "SELECT count(*) FROM moderation_signal s JOIN moderation_case c ON s.case_id = c.id "
        "JOIN members_member m ON c.subject_id = m.id WHERE m.username = %s AND s.kind = %s"
    )
    checks = (
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE '%%check_message'"
    )

    def all_checked() -> bool:
        ran = _sql(site, checks)
        return len(ran) == 3 and all(status == "SUCCESSFUL" and who for status, who in ran)

    wait_until(all_checked, "the worker running the three checks")
    assert _sql(site, count_signals, "spammy", "automated")[0][0] == 1
    worker_log = site["procs"].log("worker")
    assert "haven.automod.tasks.check_message state=SUCCESSFUL" in worker_log
    say(
        f"spam through {len(set(spammer.served_by))} app servers: 1 automated signal, by the worker"
    )

    # 4. A rate limit counts across both servers (3 flags an hour here).
    posts = []
    for n in range(4):
        post = {"space": "discussions", "title": f"Post {n}", "body": "Hello"}
        posts.append(bob.call("post", "/posts", json=post).json()["id"])
    alice.served_by.clear()
    flag = {"target_type": "post", "category": "spam"}
    statuses = [
        alice.call("post", "/flags", json={**flag, "target_id": p}).status_code for p in posts
    ]
    assert statuses == [201, 201, 201, 429] and set(alice.served_by) == apps
    say("3 flags allowed, the 4th refused (429), across both app servers (counted in Redis)")

    # 5. Redis stops mid-scenario: the site keeps answering; /readyz says what is down.
    site["procs"].stop("redis")
    pages = [requests.get(f"{base}{path}", timeout=30) for path in ("/", "/help", "/", "/help")]
    assert all(page.status_code == 200 for page in pages)
    assert {page.headers["X-Upstream"] for page in pages} == apps
    again = requests.post(f"{base}/api/v1/auth/token", timeout=30,
                          json={"username": "bob", "password": PASSWORD})  # fmt: skip
    assert again.status_code == 201
    assert bob.call("get", "/me").status_code == 200
    ready = [requests.get(f"{base}/readyz", timeout=30) for _ in range(2)]
    assert all(r.status_code == 503 and r.json()["checks"]["cache"] == "down" for r in ready)
    assert any(re.search("Redis unreachable", site["procs"].log(a)) for a in ("app1", "app2"))
    say("Redis stopped: pages, sign-in and the API still answer; /readyz reports the cache down")
