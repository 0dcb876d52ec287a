"""Forms of the members page: invite, add an existing account, change a role, extend a deadline."""

from __future__ import annotations

from django import forms

from consultation.forms.fields import StoredDateTimeField
from consultation.models import Role

ROLE_CHOICES = [("", "Choose…"), *Role.choices]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES, initial=Role.EXPERT)


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the account",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="Someone who already has an account here; they are added at once, without an email.",
    )
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES, initial=Role.EXPERT)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class DeadlineForm(forms.Form):
    until = StoredDateTimeField(
        label="May submit until",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="After the closing date. Leave empty to remove the extension.",
    )
