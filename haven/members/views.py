from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.community import selectors as community
from haven.core.errors import HavenError, Invalid, NotFound
from haven.core.forms import posted
from haven.core.ratelimit import RateLimited, client_ip
from haven.core.web import act_on_form, add_errors, confirm, cursor_of, form_page
from haven.friends.selectors import relationship
from haven.members import actions, addresses, devices, passwords, selectors
from haven.members.forms import (
    EmailForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SigninForm,
    SignupForm,
    TokenForm,
)
from haven.members.languages import LANGUAGE_CHOICES
from haven.members.roles import ROLE_LABELS, role_of
from haven.members.search import search_members
from haven.safety import policies


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("community:home")
    form = SignupForm(posted(request))
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():

        def create():
            address = client_ip(request)
            actions.throttle_sign_up(address=address)
            return actions.sign_up(
                **form.cleaned_data,
                address=address,
                device_username=devices.signed_in_here(request),
            )

        member, status, headers = act_on_form(form, create)
        if member is not None:
            login(request, member, backend="haven.members.standing.StandingBackend")
            messages.success(
                request,
                f"Welcome to Haven, {member.name}! We emailed a link to {member.email}: "
                "open it to confirm your address.",
            )
            return devices.remember(redirect("community:home"), member.username)
    return form_page(request, "members/signup.html", form, status=status, headers=headers)


class SigninView(LoginView):
    template_name = "members/signin.html"
    authentication_form = SigninForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            username = request.POST.get("username", "")
            actions.throttle_sign_in(
                username=username,
                address=client_ip(request),
                known_device=devices.is_known(request, username),
            )
        except RateLimited as exc:
            form = self.get_form()
            form.errors.clear()
            add_errors(form, exc)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = exc.headers["Retry-After"]
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        devices.note_sign_in(self.request, form.get_user())
        return devices.remember(super().form_valid(form), form.get_user().username)

    def form_invalid(self, form):
        context = self.get_context_data(form=form)
        barred = form.barred_member
        if barred is None:
            return self.render_to_response(context)
        context["standing_link"] = import_string(settings.HAVEN_STANDING_LINK)(barred)
        # The right password for a suspended or removed account: this browser is theirs
        # (an account opened from it next is checked for block evasion).
        return devices.remember(self.render_to_response(context, status=403), barred.username)


def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = selectors.access_member(username)
    viewer = request.user
    timeline_allowed = policies.can_view_timeline(viewer, member)
    timeline = None
    if timeline_allowed:
        timeline = community.timeline_of(viewer, member, cursor=cursor_of(request))
    context = {
        "member": member,
        "role": ROLE_LABELS.get(role_of(member) or ""),
        "native": [x for x in member.languages.all() if x.kind == "native"],
        "learning": [x for x in member.languages.all() if x.kind == "learning"],
        "relation": relationship(viewer, member),
        "timeline": timeline,
        "timeline_refusal": timeline_allowed.message,
        "posts": community.posts_by(viewer, member, limit=5).items,
        "is_me": viewer.is_authenticated and viewer.pk == member.pk,
    }
    return render(request, "members/profile.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Member search by name and language (the same selector as `GET /members`)."""
    q = request.GET.get("q", "")
    language = request.GET.get("language", "")
    context = {"q": q, "language": language, "languages": LANGUAGE_CHOICES, "page": None}
    try:
        context["page"] = search_members(
            request.user, q=q, language=language, cursor=cursor_of(request)
        )
    except Invalid as exc:
        context["errors"] = [m for messages_ in exc.fields.values() for m in messages_]
        return render(request, "members/search.html", context, status=400)
    context["extra"] = urlencode({"q": q, "language": language})
    return render(request, "members/search.html", context)


@login_required
def settings_home(request: HttpRequest) -> HttpResponse:
    return render(request, "members/settings.html")


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    me = selectors.access_member(request.user.username)
    initial = {
        "display_name": me.display_name,
        "bio": me.bio,
        "kind": me.kind,
        "native_languages": [x.code for x in me.languages.all() if x.kind == "native"],
        "learning_languages": [x.code for x in me.languages.all() if x.kind == "learning"],
    }
    form = ProfileForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(actor=request.user, **form.cleaned_data)
        except Invalid as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("members:profile", request.user.username)
    return render(
        request, "members/edit_profile.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    """See my address and whether it's verified, change it (with my password)."""
    form = EmailForm(posted(request))
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        done, status, headers = act_on_form(
            form, lambda: addresses.change_email(actor=request.user, **form.cleaned_data)
        )
        if done is not None:
            messages.success(
                request,
                f"Your email address is now {done.email}. We emailed a link there to confirm "
                "it, and told your old address about the change.",
            )
            return redirect("members:email")
    return form_page(request, "members/email.html", form, status=status, headers=headers)


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    try:
        addresses.resend_verification(actor=request.user)
    except HavenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"We emailed a new link to {request.user.email}.")
    return redirect("members:email")


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email: opening it verifies the address, signed in or not."""
    try:
        addresses.verify_email(token)
    except Invalid as exc:
        context = {"verified": False, "message": exc.fields["token"][0]}
        return render(request, "members/verify_email.html", context, status=400)
    return render(request, "members/verify_email.html", {"verified": True})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = actions.create_token(actor=request.user, name=form.cleaned_data["name"])
        except Invalid as exc:
            add_errors(form, exc)
        else:
            form = TokenForm()
    page = selectors.tokens_of(request.user).order_by("-created_at")[:50]
    context = {"form": form, "tokens": page, "new_secret": new_secret}
    return render(request, "members/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    if request.method == "GET":
        token = selectors.tokens_of(request.user).filter(pk=token_id).first()
        if token is None:
            raise NotFound("No such token.")
        return confirm(
            request,
            title="Revoke this token?",
            question=f"Programs using “{token.name}” ({token.prefix}…) will stop working at once.",
            confirm_label="Revoke token",
            cancel_url=reverse("members:tokens"),
        )
    try:
        token = actions.revoke_token(actor=request.user, token_id=token_id)
    except HavenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Token “{token.name}” is revoked; it no longer works.")
    return redirect("members:tokens")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change my password: this browser stays signed in, every other one is signed out
    and every API token stops working."""
    form = PasswordChangeForm(posted(request))
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, status, headers = act_on_form(
            form,
            lambda: (
                passwords.change_password(
                    actor=request.user, current=data["current_password"], new=data["new_password"]
                )
                or True
            ),
        )
        if done is not None:
            update_session_auth_hash(request, request.user)
            messages.success(
                request,
                "Your password is changed. Every other browser signed in as you has been "
                "signed out, and your API tokens no longer work. We emailed you about it.",
            )
            return redirect("members:settings")
    return form_page(request, "members/password_change.html", form, status=status, headers=headers)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link; the answer never says whether the address has an account."""
    form = PasswordResetForm(posted(request))
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        done, status, headers = act_on_form(
            form,
            lambda: (
                passwords.request_reset(
                    email=form.cleaned_data["email"], address=client_ip(request)
                )
                or True
            ),
        )
        if done is not None:
            return render(request, "members/password_reset.html", {"sent": True})
    return form_page(request, "members/password_reset.html", form, status=status, headers=headers)


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The emailed link: choose a new password, then sign in with it."""
    try:
        passwords.member_for_reset(uid, token)
    except Invalid as exc:
        context = {"expired": exc.fields["token"][0]}
        return render(request, "members/password_reset_confirm.html", context, status=400)
    form = NewPasswordForm(posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["new_password"]
        done, status, _ = act_on_form(
            form, lambda: passwords.reset_password(uid=uid, token=token, new=new)
        )
        if done is not None:
            messages.success(request, "Your password is changed. Sign in with it now.")
            return redirect("members:signin")
    return form_page(request, "members/password_reset_confirm.html", form, status=status)
