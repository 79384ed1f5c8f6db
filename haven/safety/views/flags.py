"""The "Report concern" form for one item, reached from the "Flag" link beside it.

Works as a plain page; with htmx the link swaps itself for the same form inline.
Either way the form POSTs normally and returns to the item with a neutral thanks.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from haven.core.errors import HavenError, Invalid
from haven.core.forms import posted
from haven.core.web import add_errors
from haven.safety import flags
from haven.safety.categories import active_categories
from haven.safety.models import Flag, TargetType

THANKS = "Thank you for telling us. It is now with Haven's moderators."


class FlagForm(forms.Form):
    category = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": "Choose a category."}
    )
    details = forms.CharField(
        required=False,
        max_length=flags.DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Details",
        help_text="Optional, except for “Other”. What should our team know?",
    )

    def __init__(self, *args, categories, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.slug, c.name) for c in categories]
        self.categories = [(c.slug, c.description) for c in categories]


def _preview(found: flags.Flaggable) -> str:
    item = found.item
    if found.target_type == TargetType.POST:
        return item.title
    if found.target_type == TargetType.SHARE:
        return item.text or (item.post.title if item.post else "")
    return item.body


def item_url(found: flags.Flaggable, *, viewer) -> str:
    """Where the item is shown. A post or share now hidden from the viewer has no page
    for them, so they go back to where it was listed instead."""
    item = found.item
    gone = item.hidden_at is not None and found.author_id != viewer.pk
    if found.target_type == TargetType.POST:
        if gone:
            return reverse("community:space", args=[item.space])
        return reverse("community:post", args=[item.pk])
    if found.target_type == TargetType.SHARE:
        return reverse("community:home") if gone else reverse("community:share", args=[item.pk])
    if found.target_type == TargetType.COMMENT:
        if item.share_id is not None:
            return reverse("community:share", args=[item.share_id]) + f"#c{item.pk}"
        return reverse("community:post", args=[item.post_id]) + f"#c{item.pk}"
    return reverse("chats:chat", args=[item.chat_id]) + ("" if gone else f"#m{item.pk}")


def _render(request, found, form, *, status: int = 200, already: bool = False) -> HttpResponse:
    descriptions = dict(form.categories)
    context = {
        "form": form,
        "found": found,
        "choices": [
            (option, descriptions.get(option.data["value"], "")) for option in form["category"]
        ],
        "preview": _preview(found),
        "kind_label": TargetType(found.target_type).label.lower(),
        "cancel_url": item_url(found, viewer=request.user),
        "already": already,
    }
    context["level"] = 2 if request.htmx else 1  # inline it sits under the item's heading
    template = "safety/flag_form.html" if request.htmx else "safety/flag_page.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, target_type: str, target_id: int) -> HttpResponse:
    if target_type not in flags.FLAGGABLE:
        raise Http404
    found = flags.find_flaggable(request.user, target_type, target_id)
    if found.author_id == request.user.pk:
        raise Invalid(flags.OWN_ITEM)
    form = FlagForm(posted(request), categories=list(active_categories()))
    if request.method == "GET":
        already = Flag.objects.filter(
            reporter=request.user, target_type=target_type, target_id=target_id
        ).exists()
        return _render(request, found, form, already=already)
    if not form.is_valid():
        return _render(request, found, form, status=400)
    try:
        filed = flags.flag_item(
            actor=request.user, target_type=target_type, target_id=target_id, **form.cleaned_data
        )
    except HavenError as exc:
        add_errors(form, exc)
        response = _render(request, found, form, status=exc.status)
        for name, value in exc.headers.items():
            response[name] = value
        return response
    messages.success(request, THANKS)
    return redirect(item_url(filed.target, viewer=request.user))


urlpatterns = [
    path("flag/<str:target_type>/<int:target_id>", flag, name="flag"),
]
