"""Health checks for load balancers and orchestrators.

- `/healthz`: the process answers (no I/O at all), for liveness.
- `/readyz`: every part Haven needs answers now (the database, the cache, file
  storage, the task backend), for readiness: 200, or 503 naming the part that failed.

Neither says anything about versions, hosts or settings; the reason a part failed
goes to the log, not into the response.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.tasks import task_backends
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
        return
    cache.set("haven:readyz", "ok", 10)
    if cache.get("haven:readyz") != "ok":
        raise RuntimeError("the cache did not keep a value")


def _storage() -> None:
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:  # S3-compatible: the bucket must exist and let us in (one HEAD request)
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)
    else:
        default_storage.exists("haven-readyz")


def _tasks() -> None:
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(task_backends["default"], DatabaseBackend):
        DBTaskResult.objects.exists()


CHECKS = {"database": _database, "cache": _cache, "storage": _storage, "tasks": _tasks}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
            checks[name] = "ok"
        except Exception:
            log.exception("readiness check %s failed", name)
            checks[name] = "down"
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)
