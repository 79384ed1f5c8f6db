"""The staff desk pages: queue, case, decisions, appeals; and the member's standing page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.core.errors import HavenError, Invalid
from haven.core.forms import posted
from haven.core.web import add_errors, cursor_of
from haven.members.roles import ADMIN, role_of
from haven.moderation import enforcement, selectors
from haven.moderation.dashboard import dashboard as build_dashboard
from haven.moderation.enforcement import TIMED, Kind
from haven.moderation.links import member_for_link
from haven.moderation.models import Appeal, Case
from haven.moderation.standing import standing_of
from haven.safety.categories import active_categories
from haven.safety.models import PolicyCategory

ACTION_LABELS = dict(Kind.choices)
CONFIRM_WORDS = {
    Kind.DISMISS: "Dismiss this case: no violation",
    Kind.REMOVE_CONTENT: "Remove this content",
    Kind.WARN: "Warn {name} (a strike)",
    Kind.RESTRICT: "Restrict {name} for {days} days",
    Kind.SUSPEND: "Suspend {name} for {days} days",
    Kind.REMOVE_MEMBER: "Remove {name} from Haven for good",
    Kind.LIFT: "Lift {name}'s restriction or suspension",
    Kind.REINSTATE: "Reinstate {name}",
}


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[])
    category = forms.ChoiceField(choices=[], label="Policy it cites")
    days = forms.IntegerField(
        min_value=1, max_value=365, required=False, help_text="For restrict and suspend."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=enforcement.REASON_MAX,
        help_text="The member acted on reads this. Reporters never do.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        decisions = [a for a in allowed if a in ACTION_LABELS]
        self.fields["action"].choices = [(a, ACTION_LABELS[a]) for a in decisions]
        self.fields["category"].choices = [(c.slug, c.name) for c in active_categories()]

    def clean(self):
        data = super().clean()
        if data.get("action") in TIMED and not data.get("days"):
            self.add_error("days", "Say for how many days (1 to 365).")
        return data


def _case_page(request: HttpRequest, case_id: int, form=None, status: int = 200):
    file = selectors.case_file(request.user, case_id)
    cited = file.case.top_category.slug if file.case.top_category else None
    initial = {"version": file.case.version, "category": cited}
    form = form or ActionForm(allowed=file.allowed, initial=initial)
    context = {
        "file": file,
        "case": file.case,
        "form": form,
        "can_claim": enforcement.CLAIM in file.allowed,
        "can_release": enforcement.RELEASE in file.allowed,
        "can_decide": bool(form.fields["action"].choices),
    }
    return render(request, "moderation/case.html", context, status=status)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"board": build_dashboard(request.user), "is_admin": role_of(request.user) == ADMIN}
    return render(request, "moderation/dashboard.html", context)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = {
        "status": request.GET.get("status", "open"),
        "category": request.GET.get("category", ""),
        "assigned": request.GET.get("assigned", ""),
    }
    try:
        page = selectors.queue(request.user, cursor=cursor_of(request), **filters)
    except Invalid as exc:  # a hand-edited filter: the queue again, saying what was wrong
        messages.error(request, exc.message)
        return redirect("moderation:queue")
    extra = urlencode({k: v for k, v in filters.items() if v})
    # Every category, retired ones too: a case may name one an admin has since retired.
    categories = list(PolicyCategory.objects.order_by("position", "id"))
    names = {c.slug: c.name for c in categories}
    for case in page.items:
        case.category_names = [names.get(slug, slug) for slug in case.categories]
    context = {
        "page": page,
        "filters": filters,
        "statuses": Case.Status.choices,
        "categories": [c for c in categories if c.active],
        "extra": extra,
    }
    return render(request, "moderation/queue.html", context)


@login_required
@require_GET
def old_case_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(reverse("moderation:queue") + (f"?{query}" if query else ""))


@login_required
@require_GET
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _claim_or_release(request: HttpRequest, case_id: int, action, done: str) -> HttpResponse:
    """A 409 (claimed by someone else, changed meanwhile) comes back as a message on
    the case page; refusals (403) and the rest raise as usual."""
    try:
        action(actor=request.user, case_id=case_id, version=_version(request))
        messages.success(request, done)
    except HavenError as exc:
        if exc.status != 409:
            raise
        messages.error(request, exc.message)
    return redirect("moderation:case", case_id)


@login_required
@require_POST
def claim(request: HttpRequest, case_id: int) -> HttpResponse:
    return _claim_or_release(request, case_id, enforcement.claim, "You claimed this case.")


@login_required
@require_POST
def release(request: HttpRequest, case_id: int) -> HttpResponse:
    done = "You released this case: it is back in the queue."
    return _claim_or_release(request, case_id, enforcement.release, done)


@login_required
@require_POST
def decide(request: HttpRequest, case_id: int) -> HttpResponse:
    """The action form posts here; a first POST shows a confirmation, the second acts."""
    file = selectors.case_file(request.user, case_id)
    seen = _version(request)
    if seen is not None and seen != file.case.version:
        # Decided or changed by someone else since this page was drawn: its choices may
        # be gone too, so say that rather than "not one of the available choices".
        messages.error(request, enforcement.STALE)
        return redirect("moderation:case", case_id)
    form = ActionForm(request.POST, allowed=file.allowed)
    if not form.is_valid():
        if not form.fields["action"].choices:  # no form on the page to show errors in
            messages.error(request, "You can't decide this case now (your role, or its state).")
            return redirect("moderation:case", case_id)
        if "version" in form.errors:  # a hidden field: its error would not show
            messages.error(request, enforcement.STALE)
            return redirect("moderation:case", case_id)
        return _case_page(request, case_id, form, status=400)
    data = form.cleaned_data
    if request.POST.get("confirmed") != "yes":
        words = CONFIRM_WORDS[data["action"]].format(name=file.case.subject.name, days=data["days"])
        category = dict(form.fields["category"].choices)[data["category"]]
        context = {"file": file, "data": data, "words": words, "category": category}
        return render(request, "moderation/decide_confirm.html", context)
    try:
        enforcement.act(
            actor=request.user,
            case_id=case_id,
            action=data["action"],
            category=data["category"],
            reason=data["reason"],
            days=data["days"],
            version=data["version"],
        )
    except HavenError as exc:
        if exc.status == 409:
            messages.error(request, exc.message)
            return redirect("moderation:case", case_id)
        add_errors(form, exc)
        return _case_page(request, case_id, form, status=exc.status)
    messages.success(request, f"Done: {ACTION_LABELS[data['action']].lower()}.")
    return redirect("moderation:case", case_id)


# ---------------------------------------------------------------- appeals (staff)


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    page = selectors.appeals(request.user, status=status, cursor=cursor_of(request))
    context = {
        "page": page,
        "status": status,
        "statuses": Appeal.Status.choices,
        "extra": f"status={status}",
    }
    return render(request, "moderation/appeal_list.html", context)


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("upheld", "Uphold the decision"), ("overturned", "Overturn: reverse it")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=enforcement.REASON_MAX,
        help_text="The member reads this.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.access_appeal(request.user, appeal_id)
    form = AppealDecisionForm(posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                enforcement.decide_appeal(
                    actor=request.user,
                    appeal_id=appeal.pk,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except HavenError as exc:
                if exc.status in (403, 409):  # the page no longer offers the form
                    messages.error(request, exc.message)
                    return redirect("moderation:appeal", appeal.pk)
                add_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, "Appeal decided. The member has been told.")
                return redirect("moderation:appeal", appeal.pk)
        else:
            status = 400
    file = selectors.case_file(request.user, appeal.enforcement.case_id)
    context = {"appeal": appeal, "form": form, "file": file}
    return render(request, "moderation/appeal.html", context, status=status)


# ---------------------------------------------------------------- the member's standing


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should we look again?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=enforcement.APPEAL_MAX,
        help_text=f"At most {enforcement.APPEAL_MAX:,} characters. Each decision can be "
        "appealed once.",
    )


def _standing_page(request: HttpRequest, member, *, appeal_url: str) -> HttpResponse:
    standing = standing_of(member)
    form, status, target = AppealForm(), 200, None
    if request.method == "POST":
        target = request.POST.get("enforcement", "")
        form = AppealForm(request.POST)
        if not (target.isascii() and target.isdigit() and len(target) < 19):
            messages.error(request, "Choose the decision you want to appeal.")
            return redirect(request.path)
        if form.is_valid():
            try:
                enforcement.file_appeal(
                    member=member, enforcement_id=int(target), text=form.cleaned_data["text"]
                )
            except HavenError as exc:
                if exc.status != 400:  # appealed already, too late, not theirs: no form
                    messages.error(request, exc.message)
                    return redirect(request.path)
                add_errors(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, "Your appeal was sent. A different moderator will decide."
                )
                return redirect(request.path)
        else:
            status = 400
    context = {
        "standing": standing,
        "form": form,
        "appeal_url": appeal_url,
        "target": target,
        "signed_link": not request.user.is_authenticated or request.user.pk != member.pk,
    }
    return render(request, "moderation/standing.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_standing(request: HttpRequest) -> HttpResponse:
    return _standing_page(request, request.user, appeal_url=request.path)


@require_http_methods(["GET", "POST"])
def standing_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """For members who can't sign in (suspended, removed): the signed link from the
    refusal or the email opens their standing, and nothing else."""
    return _standing_page(request, member_for_link(token), appeal_url=request.path)
