"""Forms of the consultation pages: they validate input and turn it into arguments for a read or a service."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from consultation.matrix import parse_as_of
from consultation.models import OpenItemStatus


class AsOfForm(forms.Form):
    """``?as_of=`` on the matrix: a date (end of that day) or a date and time, in the site's time zone."""

    as_of = forms.CharField(
        label="As of",
        required=False,
        max_length=40,
        help_text="A date (2024-05-08) or a date and time (2024-05-08T14:30). Leave empty for now.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_as_of(self) -> datetime | None:
        value = self.cleaned_data["as_of"].strip()
        if not value:
            return None
        try:
            return parse_as_of(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_as_of") from None


class OpenItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *OpenItemStatus.choices],
        error_messages={
            "invalid_choice": "“%(value)s” is not a status of open items; choose Open, In progress or Resolved."
        },
    )


def _max_upload_text() -> str:
    return filesizeformat(settings.DRAFT_UPLOAD_MAX_BYTES)


class DraftUploadForm(forms.Form):
    """A draft file, read as UTF-8 text. ``cleaned_data`` gives ``filename`` and ``content``."""

    file = forms.FileField(
        label="Draft file",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,text/plain,text/markdown"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "The plain-text form of the draft (as in the reference file), encoded as UTF-8, "
            f"at most {_max_upload_text()}. Nothing is saved until you confirm the preview."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.DRAFT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; drafts can be at most {_max_upload_text()}.",
                code="too_large",
            )
        raw = upload.read(limit + 1)
        if len(raw) > limit:  # the announced size can lie
            raise forms.ValidationError(f"Drafts can be at most {_max_upload_text()}.", code="too_large")
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                f"The file is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start} cannot be "
                "read). Save the draft as plain text encoded as UTF-8 and upload it again.",
                code="not_utf8",
            ) from None
        if "\x00" in content:
            raise forms.ValidationError(
                "The file looks like a binary document (a word processor file or a PDF?), not plain text. "
                "Save the draft as plain text encoded as UTF-8 and upload it again.",
                code="binary",
            )
        if not content.strip():
            raise forms.ValidationError("The file is empty.", code="empty")
        self.cleaned_data["filename"] = upload.name
        self.cleaned_data["content"] = content
        return upload


class OpenItemChangeForm(forms.Form):
    """The secretariat's change of an open item's status and resolution, checked against the version it saw."""

    status = forms.ChoiceField(label="Status", choices=OpenItemStatus.choices)
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the item was resolved; required to mark it resolved.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == OpenItemStatus.RESOLVED and not cleaned.get("resolution", "").strip():
            self.add_error("resolution", "Say how the item was resolved before marking it resolved.")
        return cleaned
