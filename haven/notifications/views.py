from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from haven.core.web import cursor_of
from haven.notifications import actions, selectors


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications_of(request.user, cursor=cursor_of(request))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(request.user)
    return redirect("notifications:list")


app_name = "notifications"
urlpatterns = [
    path("notifications", notification_list, name="list"),
    path("notifications/read", mark_read, name="read"),
]
