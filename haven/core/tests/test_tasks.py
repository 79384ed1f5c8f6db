"""Background work (haven.core.tasks): enqueued after commit, run again when it fails,
and a failure that stays is kept for admins."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.core.tasks import enqueue_on_commit
from haven.core.tests import flaky_tasks
from haven.core.tests.flaky_tasks import flaky

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _no_runs_yet():
    flaky_tasks.RUNS.clear()


def test_a_task_is_enqueued_only_when_its_transaction_commits(committed):
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(flaky, "rolled back", 0)
            raise RuntimeError
        with transaction.atomic():
            enqueue_on_commit(flaky, "kept", 0)
            assert flaky_tasks.RUNS == []  # not before the commit
    assert flaky_tasks.RUNS == ["kept"]


def test_on_the_worker_a_task_is_stored_with_the_transaction_or_not_at_all(settings):
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(flaky, "rolled back", 0)
        assert DBTaskResult.objects.count() == 1  # written in the same transaction
        raise RuntimeError
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        enqueue_on_commit(flaky, "kept", 0)
    assert DBTaskResult.objects.get().args_kwargs["args"] == ["kept", 0]
    assert flaky_tasks.RUNS == []  # the worker runs it


def test_a_failing_task_runs_again_until_it_succeeds():
    flaky.enqueue("twice broken", 2)
    assert flaky_tasks.RUNS == ["twice broken"] * 3


def test_a_task_that_keeps_failing_gives_up_after_its_attempts_and_says_so(settings, caplog):
    settings.HAVEN_TASK_ATTEMPTS = 3
    with caplog.at_level(logging.WARNING, logger="haven.core.tasks"):
        flaky.enqueue("always broken", 99)
    assert flaky_tasks.RUNS == ["always broken"] * 3
    assert "failed 3 times; giving up" in caplog.text


def _work() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)


@pytest.mark.django_db(transaction=True)
def test_on_the_worker_a_failed_run_is_kept_and_run_again_later(settings, ada, web):
    settings.TASKS = DATABASE_TASKS
    flaky.enqueue("once broken", 1)
    assert DBTaskResult.objects.get().status == "READY"  # stored, not run

    _work()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "once broken broke (run 1)" in failed.traceback
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > timezone.now() + timedelta(seconds=5)  # after a back-off
    _work()  # not yet due
    assert flaky_tasks.RUNS == ["once broken"]

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    _work()
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert flaky_tasks.RUNS == ["once broken"] * 2

    # Admins see what failed, with its traceback, in Django admin.
    admin = "/admin/django_tasks_database/dbtaskresult/"
    listing = web(ada).get(admin, {"status__exact": "FAILED"})
    assert listing.status_code == 200 and "flaky" in listing.content.decode()
    page = web(ada).get(f"{admin}{failed.pk}/change/")
    assert "once broken broke (run 1)" in page.content.decode()
