"""Forms of the references page: add or edit an entry, import a BibTeX or RIS file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from consultation.bibliography import normalise_doi
from consultation.models import Consultation, Reference, Solution


class ReferenceForm(forms.Form):
    """One annex entry; ``allow_duplicate`` is offered once the page has shown a likely duplicate."""

    group = forms.CharField(label="Group", max_length=200, help_text='e.g. "General" or "Device related".')
    authors = forms.CharField(
        label="Authors", required=False, help_text='"Surname, I.; Surname, I." or the issuing body.'
    )
    title = forms.CharField(label="Title", max_length=2000)
    year = forms.IntegerField(label="Year", required=False, min_value=1900, max_value=2200)
    venue = forms.CharField(label="Venue or publisher", required=False, max_length=2000)
    url = forms.URLField(label="Link (URL)", required=False, max_length=1000, assume_scheme="https")
    doi = forms.CharField(
        label="DOI",
        required=False,
        max_length=300,
        help_text="10.1145/3133956, doi:10.1145/3133956 or https://doi.org/10.1145/3133956.",
    )
    solutions = forms.ModelMultipleChoiceField(
        label="Solutions it informs",
        queryset=Solution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    allow_duplicate = forms.BooleanField(
        label="Add it anyway: it is a different work", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solutions"].queryset = Solution.objects.filter(
            consultation=consultation, retired_at__isnull=True
        ).order_by("order", "code")
        self.fields["solutions"].label_from_instance = lambda s: f"{s.code} {s.title}"

    def offer_duplicate(self) -> None:
        """After a likely duplicate was shown: let the secretariat confirm it is a different work."""
        self.fields["allow_duplicate"].widget = forms.CheckboxInput()

    def clean_doi(self) -> str:
        try:
            return normalise_doi(self.cleaned_data["doi"])
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["doi"]) from None

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "group": " ".join(data["group"].split()),
            "authors": data["authors"].strip(),
            "title": " ".join(data["title"].split()),
            "year": data["year"],
            "venue": data["venue"].strip(),
            "url": data["url"],
            "doi": data["doi"],
            "solutions": list(data["solutions"]),
        }

    @staticmethod
    def initial_for(reference: Reference) -> dict:
        return {
            "group": reference.group,
            "authors": reference.authors,
            "title": reference.title,
            "year": reference.year,
            "venue": reference.venue,
            "url": reference.url,
            "doi": reference.doi,
            "solutions": list(reference.solutions.all()),
            "version": reference.version,
        }


FORMATS = [("auto", "Recognise it"), ("bibtex", "BibTeX (.bib)"), ("ris", "RIS (.ris)")]


def read_bibliography_upload(upload) -> str:
    """The text of an uploaded .bib/.ris file (UTF-8, at most DRAFT_UPLOAD_MAX_BYTES), or a ValidationError."""
    limit = settings.DRAFT_UPLOAD_MAX_BYTES
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise forms.ValidationError(
            f"The file is larger than {filesizeformat(limit)}; split it and import the parts.", code="too_large"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            "The file is not UTF-8 text: save it as UTF-8 (most reference managers offer it) and try again.",
            code="encoding",
        ) from None
    if "\x00" in text:
        raise forms.ValidationError("The file is not a text file (it holds NUL bytes).", code="binary")
    return text


class ReferenceImportForm(forms.Form):
    """A BibTeX or RIS file (or its text pasted), previewed before anything is saved."""

    file = forms.FileField(
        label="BibTeX or RIS file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.bibtex,.ris,.txt,text/plain"}),
    )
    text = forms.CharField(
        label="Or paste the entries",
        required=False,
        strip=False,  # line numbers in messages count the lines as pasted
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    format = forms.ChoiceField(label="Format", choices=FORMATS, initial="auto")
    group = forms.CharField(
        label="Group for entries that name none",
        max_length=200,
        initial="Imported",
        help_text="Entries exported from here carry their own group, which is kept.",
    )
    allow_duplicates = forms.BooleanField(label="Also import entries that look like duplicates", required=False)

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload:
            try:
                data["content"] = read_bibliography_upload(upload)
            except forms.ValidationError as error:
                self.add_error("file", error)
        elif text.strip():
            if len(text.encode("utf-8")) > settings.DRAFT_UPLOAD_MAX_BYTES:
                self.add_error("text", "The text is too long; split it and import the parts.")
            data["content"] = text
        else:
            raise forms.ValidationError("Choose a file or paste the entries.")
        return data
