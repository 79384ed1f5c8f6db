from django import forms

from haven.helpcenter.content_loader import SECTIONS
from haven.members.languages import LANGUAGE_CHOICES


class MissingForm(forms.Form):
    missing = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was missing?",
        help_text="Optional. Haven's team reads these; please don't include personal details.",
    )


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80,
        required=False,
        help_text="The address: /help/<this>. Made from the title if empty.",
    )
    section = forms.ChoiceField(choices=SECTIONS)
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="en")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}), help_text="Markdown")
