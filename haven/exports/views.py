"""Settings → Your data: download everything of yours, after your password."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from haven.core.forms import posted
from haven.core.web import act_on_form, form_page
from haven.exports.export import export_own_data, filename


class ExportForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput, label="Your password", help_text="To confirm it's you."
    )


def download(data: dict, member) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(member)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_page(request: HttpRequest) -> HttpResponse:
    form = ExportForm(posted(request))
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        data, status, headers = act_on_form(
            form, lambda: export_own_data(actor=request.user, **form.cleaned_data)
        )
        if data is not None:
            return download(data, request.user)
    return form_page(request, "exports/export.html", form, status=status, headers=headers)


app_name = "exports"
urlpatterns = [path("settings/data", export_page, name="export")]
