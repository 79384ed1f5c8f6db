"""Background work: Django's tasks framework, enqueued once a transaction commits.

A request does only what the member waits for; every other side effect (automated
detectors, notifications, emails) is a task. `enqueue_on_commit` queues one to run
once the caller's transaction commits, so a rolled-back action leaves nothing behind.
With the immediate backend (the default) the task then runs in the same process; with
TASKS_BACKEND=database it is stored, in the same transaction, and `make worker` runs it.

`@retried` tasks run again when they raise: after a back-off on a backend that can
defer (the database one), at once otherwise, HAVEN_TASK_ATTEMPTS runs in all. Each
failed run stays FAILED with its traceback in the task results (Django admin, for
admins), and the last one is logged as an error. So every task must be idempotent:
a second run of the same arguments changes nothing the first one finished.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (10, 60, 300, 1800)  # before the 2nd, 3rd, 4th and every later run


def enqueue_on_commit(task_, *args, **kwargs) -> None:
    """Queue `task_(*args, **kwargs)` to run once the current transaction commits.

    With the database backend the task's row is written now, in the caller's
    transaction: the worker can't see it before the commit, a rollback takes it away
    with the action, and it costs the request no second commit. Any other backend is
    handed the task after the commit (at once outside a transaction); a failure to hand
    it over is logged, never raised into a request whose work is already committed."""
    if transaction.get_connection().in_atomic_block and _stored_with_data(task_):
        task_.enqueue(*args, **kwargs)
        return
    transaction.on_commit(functools.partial(task_.enqueue, *args, **kwargs), robust=True)


def _stored_with_data(task_) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task_.get_backend(), DatabaseBackend)


def _again(task_, attempt: int, args, kwargs) -> None:
    if task_.get_backend().supports_defer:
        wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]
        task_ = task_.using(run_after=timezone.now() + timedelta(seconds=wait))
    task_.enqueue(*args, attempt=attempt + 1, **kwargs)


def retried(func: Callable) -> Callable:
    """A task (module level, JSON-serialisable arguments) that is run again when it
    raises, up to HAVEN_TASK_ATTEMPTS runs in all."""

    @functools.wraps(func)
    def run(*args, attempt: int = 1, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:
            if attempt >= settings.HAVEN_TASK_ATTEMPTS:
                log.error("task %s failed %d times; giving up", func.__qualname__, attempt)
            else:
                log.warning("task %s failed (run %d); retrying", func.__qualname__, attempt)
                _again(wrapped, attempt, args, kwargs)
            raise

    wrapped = task(run)
    return wrapped
