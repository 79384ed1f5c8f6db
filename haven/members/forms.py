from django import forms
from django.contrib.auth.forms import AuthenticationForm

from haven.members.languages import LANGUAGE_CHOICES
from haven.members.models import Member
from haven.members.standing import barred_by_standing, sign_in_refusal


class SignupForm(forms.Form):
    username = forms.CharField(max_length=30, help_text="3–30 lowercase letters, digits or _.")
    display_name = forms.CharField(max_length=50, required=False)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, help_text="At least 8 characters.")
    kind = forms.ChoiceField(choices=Member.Kind.choices, label="I am a")
    native_languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple, label="I speak"
    )
    learning_languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="I am learning",
    )


class SigninForm(AuthenticationForm):
    barred_member = None  # set when the password was right but the account is barred

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            barred = barred_by_standing(
                self.cleaned_data.get("username"), self.cleaned_data.get("password")
            )
            if barred is None:
                raise
            self.barred_member = barred
            raise forms.ValidationError(sign_in_refusal(barred), code="barred") from None


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=50)
    bio = forms.CharField(max_length=500, required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(choices=Member.Kind.choices, label="I am a")
    native_languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple, label="I speak"
    )
    learning_languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="I am learning",
    )


class TokenForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="What will use this token, e.g. “my script”.")


class EmailForm(forms.Form):
    email = forms.EmailField(label="New email address")
    password = forms.CharField(
        widget=forms.PasswordInput, label="Your password", help_text="To confirm it's you."
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(widget=forms.PasswordInput, label="Your current password")
    new_password = forms.CharField(
        widget=forms.PasswordInput,
        label="New password",
        help_text="At least 8 characters, not a common password.",
    )


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label="The email address of your account")


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(
        widget=forms.PasswordInput,
        label="New password",
        help_text="At least 8 characters, not a common password.",
    )
