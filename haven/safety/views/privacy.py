"""The privacy settings page (`/settings/privacy`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from haven.core.errors import Invalid
from haven.core.forms import posted
from haven.core.web import add_errors
from haven.members.models import ChatPrivacy, FriendRequestPrivacy, TimelinePrivacy
from haven.safety import privacy

YES_NO = [("yes", "Yes, members can find me by name and language"), ("no", "No")]


class PrivacyForm(forms.Form):
    who_can_chat = forms.ChoiceField(
        choices=ChatPrivacy.choices, widget=forms.RadioSelect, label="Who can start a chat with me"
    )
    who_can_friend = forms.ChoiceField(
        choices=FriendRequestPrivacy.choices,
        widget=forms.RadioSelect,
        label="Who can send me friend requests",
        help_text="Friends of friends: members who share at least one friend with you.",
    )
    who_can_see_timeline = forms.ChoiceField(
        choices=TimelinePrivacy.choices, widget=forms.RadioSelect, label="Who can see my timeline"
    )
    searchable = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect, label="Show me in member search"
    )


@login_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request: HttpRequest) -> HttpResponse:
    current = privacy.privacy_of(request.user)
    initial = {**current, "searchable": "yes" if current["searchable"] else "no"}
    form = PrivacyForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "searchable": form.cleaned_data["searchable"] == "yes"}
        try:
            privacy.update_privacy(actor=request.user, **data)
        except Invalid as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Your privacy settings are saved.")
            return redirect("safety:privacy")
    status = 400 if form.errors else 200
    return render(request, "safety/privacy.html", {"form": form}, status=status)


urlpatterns = [path("settings/privacy", privacy_settings, name="privacy")]
