"""Idempotency keys for the writes that must not happen twice (POST /reports, POST /flags).

A client may send `Idempotency-Key: <1 to 255 visible ASCII characters>` with such a
write (the IETF httpapi draft's header). The first request with a key acts and
stores its answer with the key, in the write's own transaction; a later request
from the same member with the same key gets that answer again, marked
`Idempotent-Replayed: true`, and nothing is done twice. Two requests with one key
at the same moment: the second waits on the key's unique index until the first
commits, then replays its answer. The same key with another body or on another
route is refused (422). A request that failed stored nothing (its transaction
rolled back), so retrying it acts. Keys are kept `KEEP`; each member's expired
keys are deleted when they next send one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Header, Schema, Status
from ninja.responses import NinjaJSONEncoder

from haven.core.errors import Conflict, HavenError
from haven.core.models import IdempotentRequest

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{1,255}\Z")


class KeyReused(HavenError):
    status = 422
    code = "idempotency_key_reused"


def header() -> Any:
    """The optional header parameter, as each route declares it (and OpenAPI shows it)."""
    return Header(
        None,
        alias=HEADER,
        description="Optional. Send the same key again (within 24 hours) and you get the "
        "first answer back instead of a second write.",
    )


def once(
    request: HttpRequest,
    key: str | None,
    payload: Schema,
    act: Callable[[], tuple[int, Any]],
    out: type[Schema],
) -> Any:
    """`act()` (returning the status and the object `out` describes), at most once per
    key. Without a key it simply runs."""
    if key is None:
        return Status(*act())
    if not _KEY.match(key):
        message = "Use 1 to 255 visible ASCII characters."
        raise HavenError(message, code="invalid", fields={HEADER: [message]})
    route = f"{request.method} {request.path}"
    digest = hashlib.sha256(
        json.dumps(payload.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    with transaction.atomic():
        row, first = _claim(request.auth, key, route, digest)
        if not first:
            return _replay(row, route, digest)
        status, obj = act()
        body = json.loads(json.dumps(out.model_validate(obj).model_dump(), cls=NinjaJSONEncoder))
        IdempotentRequest.objects.filter(pk=row.pk).update(status=status, body=body)
    return JsonResponse(body, status=status)


def _claim(member, key: str, route: str, digest: str) -> tuple[IdempotentRequest, bool]:
    """The key's row: ours, new (True), or the one an earlier request stored (False)."""
    IdempotentRequest.objects.filter(member=member, created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():  # a savepoint: a taken key must not end the transaction
            row = IdempotentRequest.objects.create(
                member=member, key=key, route=route, request_sha256=digest
            )
            return row, True
    except IntegrityError:
        return IdempotentRequest.objects.get(member=member, key=key), False


def _replay(row: IdempotentRequest, route: str, digest: str) -> JsonResponse:
    if row.route != route or row.request_sha256 != digest:
        message = "This key was already used for a different request; use a new key."
        raise KeyReused(message, fields={HEADER: [message]})
    if row.status is None:  # not reachable: the first committed its answer with the key
        raise Conflict("The first request with this key has not finished; try again.")
    response = JsonResponse(row.body, status=row.status)
    response["Idempotent-Replayed"] = "true"
    return response
