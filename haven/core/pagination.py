"""Keyset (cursor) pagination: never OFFSET, one query per page.

A cursor is an opaque, URL-safe token holding the ordering values of the last
item of the previous page. Every ordering ends with a unique column (`id`) so
pages never skip or repeat an item.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from haven.core.errors import Invalid


@dataclass
class Page:
    items: list[Any]
    next: str | None


def _encode(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: list[Any]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError
        values = [field.to_python(value) for field, value in zip(fields, raw, strict=True)]
        if any(value is None for value in values):  # ordering columns are never null
            raise ValueError
        return values
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise Invalid.field("cursor", "This cursor is not valid.") from exc
    except Exception as exc:  # ValidationError from to_python
        raise Invalid.field("cursor", "This cursor is not valid.") from exc


def _after(names: list[str], values: list[Any], descending: bool) -> Q:
    op = "lt" if descending else "gt"
    condition = Q()
    for i in range(len(names) - 1, -1, -1):
        step = Q(**{f"{names[i]}__{op}": values[i]})
        if i < len(names) - 1:
            step |= Q(**{names[i]: values[i]}) & condition
        condition = step
    return condition


def page_size(limit: int | None) -> int:
    """The page size asked for, or the default; out of range is refused, never clamped
    (a client asking for a million rows should learn the limit, not get a silent 100)."""
    if limit is None:
        return settings.HAVEN_PAGE_SIZE
    if not 1 <= limit <= settings.HAVEN_MAX_PAGE_SIZE:
        message = f"Choose a limit from 1 to {settings.HAVEN_MAX_PAGE_SIZE}."
        raise Invalid.field("limit", message)
    return limit


def paginate(
    queryset: QuerySet,
    *,
    cursor: str | None,
    order: tuple[str, ...] = ("-created_at", "-id"),
    limit: int | None = None,
) -> Page:
    """Return one page of `queryset` ordered by `order` (all ascending or all descending)."""
    descending = order[0].startswith("-")
    names = [name.lstrip("-") for name in order]
    fields = [queryset.model._meta.get_field(name) for name in names]
    size = page_size(limit)
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = queryset.filter(_after(names, _decode(cursor, fields), descending))
    rows = list(queryset[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        next_cursor = _encode([getattr(last, name) for name in names])
    return Page(items=items, next=next_cursor)


def by_assignee(queryset: QuerySet, viewer, assigned: str | None) -> QuerySet:
    """The staff queues' "assigned" filter (cases, tickets): `me`, `none`, or all."""
    if assigned == "me":
        return queryset.filter(assigned_to=viewer)
    if assigned == "none":
        return queryset.filter(assigned_to__isnull=True)
    if assigned:
        raise Invalid.field("assigned", "Choose me or none.")
    return queryset
