"""Forms for the support pages: Contact support (with the report form's evidence part),
and replies."""

from __future__ import annotations

from django import forms

from haven.safety.forms import PICKER_FIELDS, EvidenceForm
from haven.support.actions import BODY_MAX, DESCRIPTION_MAX
from haven.support.models import Ticket
from haven.support.selectors import ABOUT_MAX


class TicketForm(EvidenceForm):
    """Contact support. The evidence picker needs to know who the ticket is about, so it
    comes in two steps when `about` is typed in: `picked_for` names the member the picker
    on the page was made for, and the ticket is sent only once it matches `about`."""

    topic = forms.ChoiceField(
        choices=Ticket.Topic.choices, widget=forms.RadioSelect, label="What is it about?"
    )
    about = forms.CharField(
        required=False,
        max_length=ABOUT_MAX,
        label="The member it is about",
        help_text="Optional. A link to their profile, their username, or their 9-digit "
        "member ID. If you name a member, you can choose evidence about them before the "
        "ticket is sent. Leave it empty if your question isn't about a member.",
    )
    description = forms.CharField(
        widget=forms.Textarea,
        max_length=DESCRIPTION_MAX,
        label="How can we help?",
        help_text="What happened, or what you need. The member it is about will not see this.",
    )
    picked_for = forms.CharField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def without_picks(data):
        """The posted data minus ticked evidence: used when the picker on the page was made
        for another member (or none), whose items cannot be attached."""
        data = data.copy()
        for name in PICKER_FIELDS:
            data.pop(name, None)
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=BODY_MAX, label="Your reply"
    )


class StaffMessageForm(ReplyForm):
    """A reply to the member, or (with `internal`) a note only staff see."""

    internal = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, internal: bool = False, **kwargs) -> None:
        kwargs.setdefault("initial", {"internal": internal})
        kwargs.setdefault("auto_id", "note_%s" if internal else "reply_%s")
        super().__init__(*args, **kwargs)
        self.internal = internal
        self.fields["body"].label = "Internal note" if internal else "Reply to the member"
