"""Forms of named versions, comparisons, adoption and the consistency mapping."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from consultation.consistency import CANONICAL_LEVELS, MAPPED_LEVELS, mapping_for
from consultation.forms.fields import StoredDateTimeField
from consultation.models import Consultation, DraftVersion
from consultation.versions import UnknownPoint, ViewPoint, resolve_point

from . import AsOfForm

CURRENT = ""


class ViewPointForm(AsOfForm):
    """``?version=<label>`` or ``?as_of=<date>`` on the matrix and solution pages (a version wins when both are given).

    ``point()`` is the moment to show, or None for the draft as it stands now.
    """

    field_order = ["version", "as_of"]

    version = forms.ChoiceField(label="Version", required=False)

    def __init__(self, *args, consultation: Consultation, versions: list[DraftVersion] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.versions = (
            versions
            if versions is not None
            else list(DraftVersion.objects.filter(consultation=consultation).order_by("-published_at", "-id"))
        )
        self.fields["version"].choices = [(CURRENT, "The current draft"), *((v.label, v.label) for v in self.versions)]
        self.fields["version"].error_messages["invalid_choice"] = (
            "This consultation has no version “%(value)s”; choose one from the list."
        )
        self.fields[
            "as_of"
        ].help_text = "Or a date (2024-05-08) or a date and time (2024-05-08T14:30), to see any moment."

    def point(self) -> ViewPoint | None:
        if not self.is_bound or not self.is_valid():
            return None
        label = self.cleaned_data.get("version")
        if label:
            version = next(v for v in self.versions if v.label == label)
            return ViewPoint(version.published_at, version)
        when = self.cleaned_data.get("as_of")
        return ViewPoint(when) if when else None


class VersionPublishForm(forms.Form):
    """The secretariat names the draft's state as a version (``version_publish``)."""

    label = forms.CharField(
        label="Label",
        max_length=DraftVersion._meta.get_field("label").max_length,
        help_text="E.g. “v2 after round 1”. Unique in this consultation; no “/”.",
        error_messages={"required": "Give the version a label, e.g. “v1 as circulated”."},
    )
    published_at = StoredDateTimeField(
        label="Published at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=f"Leave empty for now; an earlier time names the draft as it stood then ({settings.TIME_ZONE} time).",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What this version is, e.g. “as circulated to the experts on 8 May”.",
    )

    def clean_label(self) -> str:
        label = " ".join(self.cleaned_data["label"].split())
        if "/" in label:
            raise forms.ValidationError("A label cannot contain “/”: it is part of the version's address.")
        return label

    def clean_published_at(self) -> datetime | None:
        when = self.cleaned_data["published_at"]
        if when and when > timezone.now():
            raise forms.ValidationError("A version cannot be published in the future.")
        return when


class CompareForm(forms.Form):
    """``?from=`` and ``?to=``: each a version's label or a date."""

    from_ = forms.CharField(label="From", max_length=120)
    to = forms.CharField(label="To", max_length=120)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        # ``from`` is a Python keyword: the field is declared as ``from_`` and renamed for the query string.
        self.fields["from"] = self.fields.pop("from_")
        self.order_fields(["from", "to"])
        for name in ("from", "to"):
            self.fields[name].widget.attrs.update({"list": "version-labels", "autocomplete": "off"})
            self.fields[name].help_text = "A version's label or a date (2024-05-08)."
            self.fields[name].error_messages["required"] = "Choose a version or give a date."

    def _point(self, name: str) -> ViewPoint:
        try:
            return resolve_point(self.consultation, self.cleaned_data[name])
        except UnknownPoint as error:
            raise forms.ValidationError(str(error), code="unknown_point") from None

    def clean_from(self) -> ViewPoint:
        return self._point("from")

    def clean_to(self) -> ViewPoint:
        return self._point("to")


STAR_OR_NA = [("5", "5 stars"), ("4", "4 stars"), ("3", "3 stars"), ("2", "2 stars"), ("1", "1 star"), ("na", "N/A")]


class ConsistencyMappingForm(forms.Form):
    """One stars field per text level (1-5 or N/A); in-between levels span their two ends."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        current = mapping_for(consultation)
        for level in MAPPED_LEVELS:
            stars = current[level]
            self.fields[self.field_name(level)] = forms.ChoiceField(
                label=CANONICAL_LEVELS[level],
                choices=STAR_OR_NA,
                initial="na" if stars is None else str(stars),
                error_messages={"invalid_choice": "Choose 1 to 5 stars or N/A."},
            )
        self.fields["version"].initial = consultation.version

    @staticmethod
    def field_name(level: str) -> str:
        return "level_" + level.replace(" ", "_").replace("-", "_")

    def level_fields(self):
        return [self[self.field_name(level)] for level in MAPPED_LEVELS]

    def mapping(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {
            level: None if data[self.field_name(level)] == "na" else int(data[self.field_name(level)])
            for level in MAPPED_LEVELS
        }
