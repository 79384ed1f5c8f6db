from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from haven.chats import actions, selectors
from haven.chats.forms import MessageForm
from haven.core.errors import HavenError
from haven.core.forms import posted
from haven.core.web import act_on_form, add_errors, confirm, cursor_of, with_headers
from haven.members.selectors import access_member


@login_required
def chat_list(request: HttpRequest) -> HttpResponse:
    page = selectors.chats_of(request.user, cursor=cursor_of(request))
    return render(request, "chats/list.html", {"page": page})


def _chat_page(request: HttpRequest, chat, form: MessageForm, status: int = 200) -> HttpResponse:
    page = selectors.messages_in(request.user, chat, cursor=cursor_of(request))
    if not cursor_of(request):
        actions.mark_read(actor=request.user, chat=chat)
    context = {
        "chat": chat,
        "other": chat.other(request.user),
        "messages_oldest_first": list(reversed(page.items)),
        "page": page,
        "form": form,
    }
    return render(request, "chats/chat.html", context, status=status)


@login_required
def chat_detail(request: HttpRequest, chat_id: int) -> HttpResponse:
    chat = selectors.access_chat(request.user, chat_id)
    return _chat_page(request, chat, MessageForm())


@login_required
@require_POST
def send(request: HttpRequest, chat_id: int) -> HttpResponse:
    chat = selectors.access_chat(request.user, chat_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = actions.send_message(
                actor=request.user, chat=chat, body=form.cleaned_data["body"]
            )
        except HavenError as exc:
            add_errors(form, exc)
            status, headers = exc.status, exc.headers
        else:
            if request.htmx:
                return render(request, "chats/sent.html", {"m": message, "form": MessageForm()})
            return redirect("chats:chat", chat.pk)
    else:
        status, headers = 400, {}
    if request.htmx:
        page = render(request, "chats/sent.html", {"form": form}, status=status)
    else:
        page = _chat_page(request, chat, form, status=status)
    return with_headers(page, headers)


@login_required
@require_http_methods(["GET", "POST"])
def delete_message(request: HttpRequest, chat_id: int, message_id: int) -> HttpResponse:
    chat = selectors.access_chat(request.user, chat_id)
    message = selectors.access_message(request.user, chat, message_id)
    if request.method == "GET":
        return confirm(
            request,
            title="Delete this message?",
            question="It disappears from this chat for both of you.",
            confirm_label="Delete message",
            cancel_url=reverse("chats:chat", args=[chat.pk]),
            preview=message.body,
        )
    actions.delete_message(actor=request.user, message=message)
    messages.success(request, "Message deleted.")
    return redirect("chats:chat", chat.pk)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, username: str) -> HttpResponse:
    target = access_member(username)
    existing = selectors.chat_with(request.user, target)
    if existing is not None and request.method == "GET":
        return redirect("chats:chat", existing.pk)
    form = MessageForm(posted(request))
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        started, status, headers = act_on_form(
            form,
            lambda: actions.start_chat(
                actor=request.user, target=target, body=form.cleaned_data["body"]
            ),
        )
        if started is not None:
            return redirect("chats:chat", started[0].pk)
    elif form.errors:
        status = 400
    page = render(request, "chats/start.html", {"form": form, "target": target}, status=status)
    return with_headers(page, headers)
