"""Open items: tracked from the draft to their resolution."""

from __future__ import annotations

from functools import cached_property

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from consultation import services
from consultation.extensions import readable_input_ids
from consultation.models import OpenItem

from .. import serializers as s
from ..etag import expected_version, with_etag
from .base import ERRORS, WRITE_ERRORS, InConsultation

# The ids of the input answering each item, in one query for the whole page.
ANSWERING = Prefetch(
    "answering_submissions",
    queryset=OpenItem._meta.get_field("answering_submissions").related_model.objects.only("pk").order_by("pk"),
)


class WithReadableInput:
    """Passes the ids of the input the user may read to the serializer (one query, on first use)."""

    @cached_property
    def readable_input(self) -> set[int]:
        return readable_input_ids(self.request.user, self.consultation)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.schema_only:
            context["readable_input"] = self.readable_input
        return context


# --- Open items -------------------------------------------------------------------------------------------


class OpenItemList(WithReadableInput, InConsultation, generics.ListAPIView):
    """The draft's open items, filterable by status; the secretariat adds new ones."""

    serializer_class = s.OpenItemSerializer
    change_permission = "consultation.change_open_items"

    def get_queryset(self):
        if self.schema_only:
            return OpenItem.objects.none()
        items = (
            OpenItem.objects.filter(consultation=self.consultation)
            .select_related("consultation", "section", "created_by")
            .prefetch_related(ANSWERING)
        )
        wanted = self.query(s.OpenItemQuerySerializer).get("status")
        if wanted:
            items = items.filter(status=wanted)
        return items.order_by("created_at", "id")

    @extend_schema(parameters=[s.OpenItemQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: s.OpenItemSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.open_item_create(consultation=self.consultation, user=request.user, **serializer.validated_data)
        return with_etag(Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED), item.etag)


class OpenItemDetail(WithReadableInput, InConsultation):
    serializer_class = s.OpenItemSerializer
    change_permission = "consultation.change_open_items"

    def get_queryset(self):
        if self.schema_only:
            return OpenItem.objects.none()
        return (
            OpenItem.objects.filter(consultation=self.consultation)
            .select_related("consultation", "section", "created_by")
            .prefetch_related(ANSWERING)
        )

    @extend_schema(responses={200: s.OpenItemSerializer, **ERRORS})
    def get(self, request, slug, pk):
        item = self.get_object()
        return with_etag(Response(self.get_serializer(item).data), item.etag)

    @extend_schema(responses={200: s.OpenItemSerializer, **WRITE_ERRORS})
    def patch(self, request, slug, pk):
        item = self.get_object()
        expected = expected_version(request, item.etag, item.version)
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = services.open_item_update(item=item, expected_version=expected, **serializer.validated_data)
        item = self.get_queryset().get(pk=item.pk)
        return with_etag(Response(self.get_serializer(item).data), item.etag)
