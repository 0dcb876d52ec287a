"""The filters of the access trail page (and of its CSV): who, what kind, which days, which words."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from consultation.models import AccessKind, Consultation

# Dates far from today are refused rather than turned into times PostgreSQL or Python cannot represent.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AccessFilterForm(forms.Form):
    """``GET`` parameters of the access trail page. Days are the site's (Europe/Brussels), both ends included."""

    user = MemberChoiceField(label="User", required=False, queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *AccessKind.choices])
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(
        label="Text",
        required=False,
        max_length=200,
        help_text="Part of the address, of what was read (a file's name, say) or of a username.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        # Current members; the reads of former members are found by their username with "Text".
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(memberships__consultation=consultation)
            .order_by("username")
            .only("pk", "username", "first_name", "last_name")
        )
        self.fields["user"].empty_label = "Everyone"

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"Choose a day between {EARLIEST:%Y} and {LATEST:%Y}.")
        return day

    def clean_since(self) -> date | None:
        return self._clean_day("since")

    def clean_until(self) -> date | None:
        return self._clean_day("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The last day comes before the first.")
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments of ``consultation.access.access_events``; none when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "user_id": data["user"].pk if data.get("user") else None,
            "kind": data.get("kind") or None,
            "since": _start_of(data["since"]) if data.get("since") else None,
            "until": _start_of(data["until"] + timedelta(days=1)) if data.get("until") else None,
            "text": data.get("q") or "",
        }
