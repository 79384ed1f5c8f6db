"""The framework's floor: three bare views the benchmark compares Haven against.

They run through the same middleware, the same server and the same database as
the real endpoints, and do as little as a view can: nothing, one SELECT by
primary key, one INSERT. A Haven operation's throughput divided by its floor's
says what Haven's own work costs. Mounted only when HAVEN_BENCH=1 (see
haven/urls.py); the INSERT goes to `bench_floor`, a table the benchmark creates
itself (`ensure_floor_table`), not to any of Haven's.
"""

from __future__ import annotations

import itertools
import os

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from haven.members.models import Member

FLOOR_TABLE = "bench_floor"
_ids = itertools.count(1)


def ensure_floor_table() -> None:
    key = (
        "BIGSERIAL PRIMARY KEY"
        if connection.vendor == "postgresql"
        else ("INTEGER PRIMARY KEY AUTOINCREMENT")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} "
            f"(id {key}, body VARCHAR(200) NOT NULL, created_at TIMESTAMP NOT NULL)"
        )


def nothing(request: HttpRequest) -> JsonResponse:
    # The process that answered: the benchmark starts measuring once every worker has.
    return JsonResponse({"ok": True, "process": os.getpid()})


def select(request: HttpRequest) -> JsonResponse:
    """One indexed SELECT: a member row by primary key (cycling over the personas)."""
    row = Member.objects.filter(pk=next(_ids) % 10 + 1).values("id", "username").first()
    return JsonResponse({"member": row})


@csrf_exempt
def insert(request: HttpRequest) -> JsonResponse:
    """One INSERT, in its own transaction (autocommit), like a real write's commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (body, created_at) VALUES (%s, %s)",
            ["How was your lesson today?", timezone.now()],
        )
    return JsonResponse({"ok": True}, status=201)
