"""The staff pages. A plain case list for now; the desk arrives with its own issue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from haven.core.web import cursor_of
from haven.moderation import selectors
from haven.moderation.models import Case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    page = selectors.cases_for(request.user, status=status, cursor=cursor_of(request))
    rows = [
        {
            "case": case,
            "categories": selectors.categories_of(case),
            "reporters": selectors.reporters_of(case),
        }
        for case in page.items
    ]
    context = {
        "page": page,
        "rows": rows,
        "status": status or "",
        "statuses": Case.Status.choices,
        "extra": f"status={status}" if status else "",
    }
    return render(request, "moderation/case_list.html", context)
