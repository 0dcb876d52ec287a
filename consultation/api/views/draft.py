"""The draft's structure: sections, solutions, criteria (references: ``references.py``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from consultation import services
from consultation.models import Criterion, Section, Solution

from .. import serializers as s
from .base import WRITE_ERRORS, InConsultation

# --- Draft structure --------------------------------------------------------------------------------------


class SectionList(InConsultation, generics.ListAPIView):
    """The numbered sections of the draft, in reading order, with their footnotes."""

    serializer_class = s.SectionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Section.objects.none()
        return (
            Section.objects.filter(consultation=self.consultation)
            .select_related("parent")
            .prefetch_related("footnotes")
            .order_by("order")
        )


class SolutionList(InConsultation, generics.ListAPIView):
    """The solutions the draft assesses; the secretariat adds new ones."""

    serializer_class = s.SolutionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Solution.objects.none()
        return (
            Solution.objects.filter(consultation=self.consultation)
            .select_related("consultation", "group", "section", "classification")
            .order_by("order", "code")
        )

    @extend_schema(request=s.SolutionCreateSerializer, responses={201: s.SolutionSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = s.SolutionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        solution = services.solution_create(
            consultation=self.consultation, user=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(solution).data, status=status.HTTP_201_CREATED)


class SolutionDetail(InConsultation, generics.RetrieveAPIView):
    serializer_class = s.SolutionSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), code=self.kwargs["code"])

    def get_queryset(self):
        if self.schema_only:
            return Solution.objects.none()
        return Solution.objects.filter(consultation=self.consultation).select_related(
            "consultation", "group", "section", "classification"
        )


class CriterionList(InConsultation, generics.ListAPIView):
    """The criteria solutions are assessed against; the secretariat adds new ones."""

    serializer_class = s.CriterionSerializer

    def get_queryset(self):
        if self.schema_only:
            return Criterion.objects.none()
        return (
            Criterion.objects.filter(consultation=self.consultation)
            .select_related("consultation")
            .order_by("order", "key")
        )

    @extend_schema(responses={201: s.CriterionSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        criterion = services.criterion_create(consultation=self.consultation, **serializer.validated_data)
        return Response(self.get_serializer(criterion).data, status=status.HTTP_201_CREATED)


class CriterionDetail(InConsultation, generics.RetrieveAPIView):
    serializer_class = s.CriterionSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), key=self.kwargs["key"])

    def get_queryset(self):
        if self.schema_only:
            return Criterion.objects.none()
        return Criterion.objects.filter(consultation=self.consultation).select_related("consultation")
