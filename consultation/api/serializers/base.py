"""What the API's serializers share: natural keys looked up inside the consultation, people by name, absolute URLs."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_-]*$"


def user_label(user) -> str:
    """How a person is shown next to a change: full name, else username; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def absolute_url(request, name: str, **kwargs) -> str:
    path = reverse(f"api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path


# Times before 1900 come out in the site's time zone with a local-mean-time offset in seconds (Brussels:
# +00:17:30), which is not an RFC 3339 time; times near the year 9999 overflow it. Neither is a date a
# consultation can mean.
EARLIEST_YEAR = 1900
LATEST_YEAR = 9998


class SensibleDateTimeField(serializers.DateTimeField):
    """A date-time accepted only between the years 1900 and 9998 (400 with a field message otherwise)."""

    default_error_messages = {"out_of_range": "Choose a time between the years {earliest} and {latest}."}

    def to_internal_value(self, value):
        when = super().to_internal_value(value)
        if not EARLIEST_YEAR <= when.year <= LATEST_YEAR:
            self.fail("out_of_range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        return when


class ScopedSlugField(serializers.SlugRelatedField):
    """A related object named by its natural key, looked up only inside the request's consultation."""

    def get_queryset(self):
        return self.queryset.model.objects.filter(consultation=self.context["consultation"])


class UserLabelField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return user_label(value)
