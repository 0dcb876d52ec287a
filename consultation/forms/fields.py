"""Form fields shared by the consultation's pages."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms

OUT_OF_RANGE = "This time is out of range: choose a date between the years 1 and 9999."


class StoredDateTimeField(forms.DateTimeField):
    """A date and time that the database can store and give back.

    Times are stored in UTC: a time early on 1 January of the year 1 in a time zone ahead of UTC falls before the
    year 1 there, which PostgreSQL stores as "BC" and Python cannot read back, so every page showing it would fail.
    """

    def to_python(self, value) -> datetime | None:
        result = super().to_python(value)
        if result is not None:
            try:
                result.astimezone(UTC)
            except OverflowError:
                raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range") from None
        return result
