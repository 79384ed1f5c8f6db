from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from haven.core.errors import HavenError
from haven.core.web import confirm, cursor_of
from haven.friends import actions, selectors
from haven.members.selectors import access_member


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
def friend_list(request: HttpRequest) -> HttpResponse:
    context = {
        "friends": selectors.friends_of(request.user, cursor=cursor_of(request)),
        "incoming": selectors.incoming_requests(request.user, limit=50).items,
        "outgoing": selectors.outgoing_requests(request.user, limit=50).items,
    }
    return render(request, "friends/list.html", context)


@login_required
@require_POST
def send(request: HttpRequest, username: str) -> HttpResponse:
    target = access_member(username)
    try:
        result = actions.send_friend_request(actor=request.user, target=target)
    except HavenError as exc:
        messages.error(request, exc.message)
    else:
        if result.status == result.Status.ACCEPTED:
            messages.success(request, f"You and {target.name} are now friends.")
        else:
            messages.success(request, f"Friend request sent to {target.name}.")
    return redirect("members:profile", target.username)


def _respond(request: HttpRequest, request_id: int, verb, done: str) -> HttpResponse:
    found = selectors.access_request(request.user, request_id)
    try:
        verb(actor=request.user, request=found)
    except HavenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(request, reverse("friends:list"))


@login_required
@require_POST
def accept(request: HttpRequest, request_id: int) -> HttpResponse:
    return _respond(request, request_id, actions.accept_friend_request, "You are now friends.")


@login_required
@require_POST
def decline(request: HttpRequest, request_id: int) -> HttpResponse:
    return _respond(request, request_id, actions.decline_friend_request, "Request declined.")


@login_required
@require_POST
def cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    return _respond(request, request_id, actions.cancel_friend_request, "Request cancelled.")


@login_required
@require_http_methods(["GET", "POST"])
def unfriend(request: HttpRequest, username: str) -> HttpResponse:
    friend = access_member(username)
    if request.method == "GET":
        return confirm(
            request,
            title=f"Unfriend {friend.name}?",
            question="You will stop seeing each other's shares in your feeds. They are not told.",
            confirm_label="Unfriend",
            cancel_url=reverse("members:profile", args=[friend.username]),
        )
    try:
        actions.unfriend(actor=request.user, friend=friend)
    except HavenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You and {friend.name} are no longer friends.")
    return redirect("friends:list")
