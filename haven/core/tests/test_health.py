"""/healthz and /readyz: what a load balancer asks, answered without secrets; and a Redis
outage that degrades the site instead of breaking it."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time

import pytest
from django.db import OperationalError

from haven.community.actions import create_post
from haven.conftest import PASSWORD
from haven.core import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_plain_http_is_redirected_but_the_health_checks_answer_inside(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/help").status_code == 301
    assert client.get("/help")["Location"] == "https://testserver/help"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/help", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_readyz_is_ready_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "tasks": "ok"},
    }


def _broken(*_args, **_kwargs):
    raise OperationalError("connection to server at 10.0.0.5 failed: password for haven")


@pytest.mark.parametrize("part", ["database", "cache", "storage", "tasks"])
def test_readyz_names_the_part_that_is_down_and_nothing_else(part, client, monkeypatch, caplog):
    monkeypatch.setitem(health.CHECKS, part, _broken)
    with caplog.at_level(logging.ERROR, logger="haven.core.health"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"][part] == "down"
    assert [name for name, state in body["checks"].items() if state == "down"] == [part]
    assert "10.0.0.5" not in response.content.decode()  # the reason goes to the log only
    assert "10.0.0.5" in caplog.text


def test_the_task_check_reads_the_task_table_with_the_database_backend(settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(DBTaskResult.objects, "exists", _broken)
    with pytest.raises(OperationalError):
        health._tasks()


# ---------------------------------------------------------------- a real Redis, stopped


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of our own on a free port, stopped by its PID."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is missing in CI")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_stopped_the_site_answers_and_limits_count_locally(
    redis_server, settings, client, api, alice, bob, caplog
):
    process, url = redis_server
    settings.CACHES = {"default": {"BACKEND": "haven.core.cache.ResilientRedisCache",
                                   "LOCATION": url}}  # fmt: skip
    settings.HAVEN_FLAGS_PER_HOUR = 2
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"

    process.terminate()  # Redis goes away mid-session
    process.wait(timeout=10)
    with caplog.at_level(logging.WARNING, logger="haven.core.cache"):
        assert client.get("/").status_code == 200
        assert api(alice).get("/me").status_code == 200
        # Signing in counts against the sign-in limits, in the cache.
        signed_in = api().post("/auth/token", {"username": "alice", "password": PASSWORD})
        assert signed_in.status_code == 201
    assert "Redis unreachable" in caplog.text and "this process's memory" in caplog.text
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["cache"] == "down"

    # The limits still hold, counted in this process until Redis is back.
    posts = [create_post(actor=bob, space="answers", title=f"Q{i}", body="x") for i in range(3)]
    flag = {"target_type": "post", "category": "spam"}
    statuses = [api(alice).post("/flags", {**flag, "target_id": p.pk}).status_code for p in posts]
    assert statuses == [201, 201, 429]
