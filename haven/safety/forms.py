"""Forms for the safety pages: Report concern (with its evidence picker)."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars

from haven.core.errors import Invalid
from haven.safety import reports
from haven.safety.models import PolicyCategory, Report
from haven.safety.reports import DETAILS_MAX, MAX_LINKS, MAX_SCREENSHOTS, EvidenceRef

SCREENSHOT_FIELDS = [f"screenshot_{i}" for i in range(1, MAX_SCREENSHOTS + 1)]


class IdListField(forms.Field):
    """Several ids sent under one name (hidden inputs); anything not a number is refused."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            ids = list(dict.fromkeys(int(v) for v in values))
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("These screenshots are not valid.") from exc
        if any(not 0 < pk <= reports.MAX_ID for pk in ids):
            raise forms.ValidationError("These screenshots are not valid.")
        return ids


def _when(obj) -> str:
    return date_filter(obj.created_at, "j M Y, H:i")


def message_choice(m) -> tuple[int, str]:
    return m.pk, f"{m.sender.name}, {_when(m)}: {truncatechars(m.body, 140)}"


def post_choice(p) -> tuple[int, str]:
    return p.pk, f"{p.get_space_display()}, {_when(p)}: {truncatechars(p.title, 140)}"


def comment_choice(c) -> tuple[int, str]:
    return c.pk, f"{_when(c)}: {truncatechars(c.body, 140)}"


def share_choice(s) -> tuple[int, str]:
    return s.pk, f"{_when(s)}: {truncatechars(s.text or '(a shared post)', 140)}"


def _picker_field(label: str) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=label
    )


class ReportForm(forms.Form):
    """Report concern about a member. `picker` holds the items the reporter may attach
    (built by the view from haven.safety.reports.attachable_*), so a box the page never
    offered is refused here, and again by the action."""

    category = forms.ModelChoiceField(
        queryset=PolicyCategory.objects.filter(active=True),
        to_field_name="slug",
        empty_label="Choose a category",
        label="What is it about?",
    )
    details = forms.CharField(
        widget=forms.Textarea,
        required=False,
        max_length=DETAILS_MAX,
        label="What happened?",
        help_text="Optional, except for “Other”. The member will not see this.",
    )
    where = forms.ChoiceField(
        choices=Report.Where.choices,
        widget=forms.RadioSelect,
        initial=Report.Where.ON_HAVEN,
        label="Where did it happen?",
    )
    messages = _picker_field("Messages from your chat with them")
    posts = _picker_field("Their posts")
    comments = _picker_field("Their comments")
    shares = _picker_field("Their timeline shares")
    links = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Links",
        help_text=f"Web addresses (http or https), one per line, up to {MAX_LINKS}.",
    )
    uploads = IdListField(required=False)
    also_block = forms.BooleanField(required=False, label="Also block this member")

    def __init__(self, *args, picker: dict[str, list], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["messages"].choices = [message_choice(m) for m in picker["messages"]]
        self.fields["posts"].choices = [post_choice(p) for p in picker["posts"]]
        self.fields["comments"].choices = [comment_choice(c) for c in picker["comments"]]
        self.fields["shares"].choices = [share_choice(s) for s in picker["shares"]]
        for number, name in enumerate(SCREENSHOT_FIELDS, start=1):
            self.fields[name] = forms.FileField(
                required=False,
                label=f"Screenshot {number}",
                widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
            )

    # The action checks all of this again; checking here too shows every mistake at once.

    def clean_links(self) -> list[str]:
        try:
            return reports.clean_links(self.cleaned_data["links"].splitlines())
        except Invalid as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict:
        data = super().clean()
        if data.get("category") is not None and "details" in data:
            try:
                reports.clean_details(data["details"], data["category"])
            except Invalid as exc:
                self.add_error("details", exc.message)
        return data

    def screenshot_files(self) -> list[tuple[str, object]]:
        return [(n, self.cleaned_data[n]) for n in SCREENSHOT_FIELDS if self.cleaned_data.get(n)]

    def evidence_refs(self, upload_ids: list[int]) -> list[EvidenceRef]:
        refs = [
            EvidenceRef(type=kind, id=pk)
            for kind, field in (
                ("message", "messages"),
                ("post", "posts"),
                ("comment", "comments"),
                ("share", "shares"),
            )
            for pk in self.cleaned_data[field]
        ]
        return refs + [EvidenceRef(type="upload", id=pk) for pk in upload_ids]
