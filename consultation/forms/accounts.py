"""Forms of signing in, of accepting an invitation, and of the profile."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django_countries import countries

from consultation.models import ExpertType, Profile
from consultation.services.members import users_with_email

# What Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) ask for, in plain words.
CHOOSING_A_PASSWORD = (
    "At least 10 characters. Not a common password, not only digits, and not too close to your username or email."  # noqa: S105
)


class SignInForm(LoginForm):
    """allauth's sign-in form with a plain label: people sign in with their username or their email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "placeholder": ""})
        self.fields["password"].help_text = ""  # the page links to the password reset itself


class ProfileForm(forms.Form):
    """Who someone is, as the secretariat needs to know it; asked when an invitation is accepted."""

    name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation = forms.CharField(
        label="Organisation", max_length=300, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    expert_type = forms.ChoiceField(label="Type of organisation", choices=[("", "Choose…"), *ExpertType.choices])
    country = forms.ChoiceField(label="Country", choices=[])
    declared_interests = forms.CharField(
        label="Declared interests",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Profile._meta.get_field("declared_interests").help_text + " Write “None” if you have none.",
    )

    PROFILE_FIELDS = ("name", "organisation", "expert_type", "country", "declared_interests")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Choose…"), *countries]
        self.fields["country"].widget.attrs["autocomplete"] = "country"

    @classmethod
    def initial_for(cls, profile: Profile | None) -> dict:
        if profile is None:
            return {}
        return {name: str(getattr(profile, name) or "") for name in cls.PROFILE_FIELDS}

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PROFILE_FIELDS}


class InvitationSignupForm(SignupForm, ProfileForm):
    """allauth's sign-up form for an invited person: the invited address (fixed), a username, a password
    and their profile."""

    field_order = ["email", "username", "password1", "password2", *ProfileForm.PROFILE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].disabled = True
        self.fields["email"].help_text = "The address the invitation was sent to."
        self.fields["username"].help_text = "You sign in with it, or with your email address."
        self.fields["username"].widget.attrs["placeholder"] = ""
        self.fields["email"].widget.attrs["placeholder"] = ""
        self.fields["password1"].help_text = CHOOSING_A_PASSWORD
        self.fields["password1"].label = "Password"
        self.fields["password2"].label = "Password (again)"
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["placeholder"] = ""
        self.order_fields(self.field_order)

    def validate_unique_email(self, value: str) -> str:
        """The invited address is free unless an account holds it (verified, see ``users_with_email``).

        allauth's own check (ACCOUNT_UNIQUE_EMAIL) also counts an unverified
        address someone added to their account, and would then pretend to send a
        mail instead of creating the invitee's account. The invitee proves the
        address by accepting, which removes such a claim (``email_mark_verified``).
        """
        if users_with_email(value).exists():
            raise get_adapter().validation_error("email_taken")
        self.account_already_exists = False
        return get_adapter().validate_unique_email(value)
