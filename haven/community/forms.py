from django import forms

from haven.community.models import BODY_MAX, COMMENT_MAX, SHARE_MAX, TITLE_MAX
from haven.members.languages import LANGUAGE_CHOICES


class PostForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    body = forms.CharField(max_length=BODY_MAX, widget=forms.Textarea)
    language = forms.ChoiceField(
        choices=[("", "—")] + LANGUAGE_CHOICES,
        required=False,
        help_text="For Notebook entries: the language you wrote in.",
    )


class CommentForm(forms.Form):
    body = forms.CharField(max_length=COMMENT_MAX, widget=forms.Textarea, label="Comment")
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ShareForm(forms.Form):
    text = forms.CharField(
        max_length=SHARE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What are you learning today?"}),
        label="Share on your timeline",
    )
    post_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
