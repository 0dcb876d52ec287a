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


class ScopedSlugField(serializers.SlugRelatedField):
    """A related object named by its natural key, looked up only inside the request's consultation."""

    def get_queryset(self):
        return self.queryset.model.objects.filter(consultation=self.context["consultation"])


class UserLabelField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return user_label(value)
