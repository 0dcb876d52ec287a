"""The export request form: format, version, the version whose changes are marked, and the options."""

from __future__ import annotations

from django import forms

from consultation.models import Consultation, DraftVersion
from evidence.models import ExportFormat


class ExportRequestForm(forms.Form):
    format = forms.ChoiceField(
        choices=ExportFormat.choices,
        initial=ExportFormat.PDF,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    version = forms.ModelChoiceField(
        queryset=DraftVersion.objects.none(),
        required=False,
        empty_label="The current state",
        help_text="Export the draft as it stood at a named version.",
    )
    compare_to = forms.ModelChoiceField(
        queryset=DraftVersion.objects.none(),
        required=False,
        label="Mark the changes since",
        empty_label="Do not mark changes",
        help_text="Cells and classifications that changed since this earlier version are marked.",
    )
    pseudonymise = forms.BooleanField(
        required=False, label="Pseudonymise experts", help_text='Name authors "Expert 1", "Expert 2" … in this export.'
    )
    include_internal_notes = forms.BooleanField(
        required=False, label="Include internal notes", help_text="The secretariat's notes on each submission."
    )
    watermark = forms.BooleanField(
        required=False,
        initial=True,
        label="Watermark",
        help_text="Put your name and the time of export on every page or sheet.",
    )

    def __init__(self, *args, consultation: Consultation, observer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        versions = DraftVersion.objects.filter(consultation=consultation).order_by("-published_at", "-id")
        self.fields["version"].queryset = versions
        self.fields["compare_to"].queryset = versions
        self.fields["version"].label_from_instance = self.fields["compare_to"].label_from_instance = _version_label
        if observer:
            # Observers' exports are always pseudonymised and never hold internal notes (the service insists too).
            self.fields["pseudonymise"].initial = True
            self.fields["pseudonymise"].disabled = True
            self.fields["pseudonymise"].help_text = "Exports for observers always name experts as Expert 1, 2 …"
            del self.fields["include_internal_notes"]


def _version_label(version: DraftVersion) -> str:
    return f"{version.label} ({version.published_at:%-d %b %Y})"
