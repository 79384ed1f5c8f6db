"""Forms for the safety pages: Report concern, and the evidence part (picker, links,
screenshots) that Contact support shares with it."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars

from haven.core.errors import HavenError, Invalid
from haven.safety import reports
from haven.safety.models import PolicyCategory, Report
from haven.safety.reports import DETAILS_MAX, MAX_LINKS, MAX_SCREENSHOTS, EvidenceRef
from haven.safety.uploads import store_upload

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


PICKER_FIELDS = ("messages", "posts", "comments", "shares")
EMPTY_PICKER: dict[str, list] = {name: [] for name in PICKER_FIELDS}


class EvidenceForm(forms.Form):
    """The evidence part shared by Report concern and Contact support: the picker, links
    and screenshots. `picker` holds the items the filer may attach (built by the view from
    haven.safety.reports.attachable_*), so a box the page never offered is refused here,
    and again by the action. Without a picker (no member named yet) it offers nothing."""

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

    def __init__(self, *args, picker: dict[str, list] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        picker = picker or EMPTY_PICKER
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
        self.kept: list[int] = []

    @property
    def picker_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PICKER_FIELDS]

    @property
    def screenshot_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SCREENSHOT_FIELDS]

    # The action checks all of this again; checking here too shows every mistake at once.

    def clean_links(self) -> list[str]:
        try:
            return reports.clean_links(self.cleaned_data["links"].splitlines())
        except Invalid as exc:
            raise forms.ValidationError(exc.message) from exc

    def store_screenshots(self, actor) -> int:
        """After `is_valid()`: keep the screenshots already attached and store this
        request's files, all in `self.kept` (so a form shown again with errors keeps
        them); return the status the page should answer with."""
        self.kept = list(self.cleaned_data.get("uploads") or [])
        status = 400 if self.errors else 200
        files = [
            (name, self.files[name])
            for name in SCREENSHOT_FIELDS
            if name in self.files and name not in self.errors
        ]
        if len(self.kept) + len(files) > MAX_SCREENSHOTS:
            self.add_error(None, f"Attach at most {MAX_SCREENSHOTS} screenshots.")
            return 400
        for name, file in files:
            try:
                self.kept.append(store_upload(actor=actor, file=file).pk)
            except HavenError as exc:
                self.add_error(name, exc.message)
                status = exc.status
        return status

    def kept_uploads(self, actor) -> list:
        """The kept screenshots, shown as "Already attached" (never anyone else's)."""
        uploads = reports.attachable_uploads(actor).filter(pk__in=self.kept).order_by("id")
        return list(uploads)

    def evidence_refs(self) -> list[EvidenceRef]:
        refs = [
            EvidenceRef(type=kind, id=pk)
            for kind, field in (
                ("message", "messages"),
                ("post", "posts"),
                ("comment", "comments"),
                ("share", "shares"),
            )
            for pk in self.cleaned_data.get(field) or []
        ]
        return refs + [EvidenceRef(type="upload", id=pk) for pk in self.kept]


class ReportForm(EvidenceForm):
    """Report concern about a member, with its evidence."""

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
    also_block = forms.BooleanField(required=False, label="Also block this member")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("category") is not None and "details" in data:
            try:
                reports.clean_details(data["details"], data["category"])
            except Invalid as exc:
                self.add_error("details", exc.message)
        return data
