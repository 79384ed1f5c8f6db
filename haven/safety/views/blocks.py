"""Block and unblock pages: from a profile, from a chat, and the block list.

Each change goes through a confirmation page first (a GET shows it, its form
POSTs back); the page says plainly what blocking does, so nobody blocks or
unblocks by accident.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from haven.core.web import cursor_of
from haven.members.selectors import access_member
from haven.safety import blocks


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def blocked_list(request: HttpRequest) -> HttpResponse:
    page = blocks.blocks_of(request.user, cursor_of(request))
    return render(request, "safety/blocked_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def block(request: HttpRequest, username: str) -> HttpResponse:
    member = access_member(username)
    back = _next(request, reverse("members:profile", args=[member.username]))
    if request.method == "GET":
        context = {"member": member, "next": back, "is_me": member.pk == request.user.pk}
        return render(request, "safety/block_confirm.html", context)
    blocks.block_member(actor=request.user, target=member)
    messages.success(request, f"You blocked {member.name}.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def unblock(request: HttpRequest, username: str) -> HttpResponse:
    member = access_member(username)
    back = _next(request, reverse("safety:blocked"))
    if request.method == "GET":
        return render(request, "safety/unblock_confirm.html", {"member": member, "next": back})
    blocks.unblock_member(actor=request.user, target=member)
    messages.success(request, f"You unblocked {member.name}.")
    return redirect(back)


urlpatterns = [
    path("settings/blocked", blocked_list, name="blocked"),
    path("u/<str:username>/block", block, name="block"),
    path("u/<str:username>/unblock", unblock, name="unblock"),
]
