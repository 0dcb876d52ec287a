"""The filters of an evidence list (page and API alike): kinds, stances and a range of dates."""

from __future__ import annotations

from django import forms

from evidence.evidence_map import STANCE_LABELS, EvidenceFilter, Kind


class EvidenceFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Kind",
        required=False,
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a kind of evidence."},
    )
    stance = forms.MultipleChoiceField(
        label="Stance",
        required=False,
        choices=list(STANCE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a stance."},
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Included."
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Included."
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range comes before its start.")
        return data

    def filters(self) -> EvidenceFilter | None:
        """The filters asked for; None when there are none or they cannot be read (everything is shown then)."""
        if not self.is_bound or not self.is_valid():
            return None
        data = self.cleaned_data
        found = EvidenceFilter(
            kinds=tuple(data["kind"]),
            stances=tuple(data["stance"]),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        return found if found.active else None
