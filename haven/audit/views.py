import csv
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from haven.audit import selectors
from haven.core.pagination import paginate
from haven.core.web import cursor_of

COLUMNS = [
    "id", "created_at", "actor_label", "event", "target_type", "target_id", "target_label",
    "reason", "old", "new", "snapshot", "prev_hash", "hash",
]  # fmt: skip


def _filters(request: HttpRequest) -> dict:
    target_id = request.GET.get("target_id", "")
    return {
        "event": request.GET.get("event", ""),
        "actor": request.GET.get("actor", ""),
        "target_type": request.GET.get("target_type", ""),
        "target_id": int(target_id)
        if target_id.isascii() and target_id.isdigit() and len(target_id) < 19
        else None,
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _cell(value):
    """One CSV cell: JSON for structures, and text a spreadsheet would run as a formula
    (a member's appeal or report text can start with "=") quoted with a leading '."""
    if isinstance(value, dict | list):
        return _json(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(found) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(COLUMNS)
        for entry in found.order_by("id").iterator(chunk_size=2000):
            yield writer.writerow(_cell(getattr(entry, c)) for c in COLUMNS)

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="haven-audit.csv"'
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    found = selectors.entries(request.user, **filters)
    if request.GET.get("format") == "csv":
        return _csv(found)
    page = paginate(found, cursor=cursor_of(request), order=("-id",), limit=50)
    for entry in page.items:  # old and new values as JSON, as the CSV and API give them
        entry.change = ["—" if v is None else _json(v) for v in (entry.old, entry.new)]
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "page": page,
        "filters": filters,
        "events": selectors.event_names(),
        "target_types": selectors.target_types(),
        "query": query.urlencode(),
    }
    return render(request, "audit/log.html", context)
