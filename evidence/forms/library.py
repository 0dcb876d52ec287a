"""Forms of the evidence library: adding a source, uploading a new version, quoting a passage.

They validate and turn the input into the arguments of ``evidence.services.library``; choices are limited
to the consultation's own solutions, criteria, cells, open items and sections.
"""

from __future__ import annotations

import re

from django import forms

from consultation.models import Assessment, Consultation, Criterion, OpenItem, Section, Solution
from evidence.forms.submissions import CriterionChoice, OpenItemChoice, SectionChoice, SolutionChoice
from evidence.library.extract import SOURCE_TYPES_TEXT
from evidence.models import Stance

# Ids and offsets beyond what a PostgreSQL integer holds are refused as bad input, never sent to the database.
MAX_ID = 2**31 - 1


class CellChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Assessment) -> str:
        return f"{obj.solution.code} × {obj.criterion.name}"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SourceMetadataForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID, widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=500)
    author = forms.CharField(label="Author or issuing body", max_length=300, required=False)
    date = forms.DateField(label="Date", required=False, widget=_date_input())
    reference = forms.CharField(
        label="Document reference", max_length=100, required=False, help_text="For example WK 1234/2024."
    )
    marking = forms.CharField(
        label="Handling marking", max_length=200, required=False, help_text="The document's own marking, if any."
    )
    url = forms.URLField(label="Link", max_length=1000, required=False, assume_scheme="https")


class SourceForm(SourceMetadataForm):
    """A new source: an upload, or a reference entry with a link (one of the two)."""

    file = forms.FileField(
        label="File",
        required=False,
        help_text=f"{SOURCE_TYPES_TEXT}. Leave empty to add a reference entry with its link only.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.pdf,.docx"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and "url" not in self.errors:
            raise forms.ValidationError(f"Upload the document ({SOURCE_TYPES_TEXT}) or give a link to it.")
        return data


class SourceVersionForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID, widget=forms.HiddenInput)
    file = forms.FileField(
        label="New version",
        help_text=f"{SOURCE_TYPES_TEXT}. Earlier versions and the excerpts quoted from them are kept.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.pdf,.docx"}),
    )


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class ExcerptLinksForm(forms.Form):
    """Stance, note and links: what an excerpt bears on. Used to make one and to change one."""

    version = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID, widget=forms.HiddenInput)
    stance = forms.ChoiceField(label="Stance", choices=Stance.choices, widget=forms.RadioSelect)
    cells = CellChoice(
        label="Cells (solution × criterion)",
        queryset=Assessment.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    solutions = SolutionChoice(
        label="Solutions", queryset=Solution.objects.none(), required=False, widget=_checkboxes()
    )
    criteria = CriterionChoice(
        label="Criteria", queryset=Criterion.objects.none(), required=False, widget=_checkboxes()
    )
    open_items = OpenItemChoice(
        label="Open items", queryset=OpenItem.objects.none(), required=False, widget=_checkboxes()
    )
    sections = SectionChoice(
        label="Sections",
        queryset=Section.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cells"].queryset = (
            Assessment.objects.filter(consultation=consultation)
            .select_related("solution", "criterion")
            .order_by("solution__order", "solution__code", "criterion__order", "criterion__key")
        )
        self.fields["solutions"].queryset = Solution.objects.filter(consultation=consultation).order_by("order", "code")
        self.fields["criteria"].queryset = Criterion.objects.filter(consultation=consultation).order_by("order", "pk")
        self.fields["open_items"].queryset = (
            OpenItem.objects.filter(consultation=consultation).select_related("section").order_by("pk")
        )
        self.fields["sections"].queryset = Section.objects.filter(consultation=consultation).order_by("order", "pk")


class ExcerptForm(ExcerptLinksForm):
    """A new excerpt: the selected passage (filled in by the page's script) and its links."""

    source = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    source_version = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    submission = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    start = forms.IntegerField(min_value=0, max_value=MAX_ID, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    quote = forms.CharField(
        label="Quoted passage", strip=False, widget=forms.Textarea(attrs={"rows": 3, "readonly": True})
    )

    field_order = ["source", "source_version", "submission", "start", "end", "quote", "stance"]


def same_passage(selected: str, text: str) -> bool:
    """A browser's rendering of a selection differs from the text in whitespace only (line breaks between
    blocks, tabs between cells): it is the same passage when the words agree."""
    return re.sub(r"\s+", " ", selected).strip() == re.sub(r"\s+", " ", text).strip()
