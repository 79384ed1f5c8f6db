"""The real task worker (`make worker`: django-tasks-db's db_worker), started as its own
process against the test database and stopped by PID: the request only enqueues, and
the worker raises the automated signal and delivers the notification and its email."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from haven.bench.http import database_url  # the test database, as a URL a process opens
from haven.conftest import make_member
from haven.moderation.models import Signal
from haven.notifications.models import Notification
from haven.support import actions as support

pytestmark = pytest.mark.django_db(transaction=True)
PITCH = "Cheap essay writing service, visit essays-now.example today!"


class Worker:
    """`manage.py db_worker`, as `make worker` runs it; stopped (by PID) on exit."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        env = {**os.environ, "DATABASE_URL": database_url(), "TASKS_BACKEND": "database",
               "HAVEN_SPAM_RECIPIENTS": "3", "LOG_LEVEL": "INFO", "DEBUG": "true",
               "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}  # fmt: skip
        env.pop("REDIS_URL", None)
        command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*",
                   "--interval", "0.1", "--no-startup-delay", "--no-reload"]  # fmt: skip
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        return self

    def __exit__(self, *exc) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _eventually(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    raise AssertionError("the worker did not do it in time")


def test_the_worker_raises_the_signal_and_delivers_the_notification(settings, api, tmp_path, sam):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HAVEN_SPAM_RECIPIENTS = 3
    spammer, strangers = make_member("spammy"), [make_member(f"learner{n}") for n in range(3)]
    for member in strangers:
        sent = api(spammer).post("/chats", {"username": member.username, "body": PITCH})
        assert sent.status_code == 201
    ticket = support.file_ticket(actor=strangers[0], topic="safety", description="Spam.")
    support.reply_as_staff(actor=sam, ticket=ticket, body="We're on it.")
    automated = Signal.objects.filter(kind="automated", case__subject=spammer)
    assert not automated.exists() and not Notification.objects.exists()  # only enqueued

    log = tmp_path / "worker.log"
    with Worker(log) as worker:
        _eventually(automated.exists)
        note = _eventually(lambda: Notification.objects.filter(member=strangers[0]).first())
        _eventually(lambda: "Haven: Support replied to your ticket" in log.read_text())
    assert worker.process.returncode is not None  # stopped
    assert automated.count() == 1
    assert note.title == "Support replied to your ticket"
