from django import forms

from haven.chats.models import MESSAGE_MAX


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a message"}),
        label="Message",
    )
