"""REST API views: validate, call one service, render. Permissions come from ``consultation.rules``.

Every view inside a consultation finds it with ``get_visible_consultation``,
so a non-member gets 404 for everything in it, as if it did not exist.
"""

from __future__ import annotations

from functools import cached_property

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from consultation.forms import DraftUploadForm
from consultation.matrix import Cell, build_matrix
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Criterion,
    DraftImport,
    Membership,
    OpenItem,
    Reference,
    Section,
    Solution,
)
from consultation.rules import can_view, get_visible_consultation
from consultation.services import consultation_create

from . import serializers as s
from . import writes
from .etag import expected_version, with_etag
from .exceptions import PayloadTooLarge
from .pagination import StablePagination
from .permissions import ConsultationRole, CreatesConsultations, ImportsDrafts, SeesDraftImport

# Token first: its ``WWW-Authenticate`` challenge is what turns "no credentials" into 401 rather than 403.
API_AUTHENTICATION = [TokenAuthentication, SessionAuthentication]

ERRORS = {
    400: OpenApiResponse(description="Invalid input: field errors."),
    401: OpenApiResponse(description="No credentials."),
    403: OpenApiResponse(description="Your role does not allow this."),
    404: OpenApiResponse(description="No such object, or not a member of its consultation."),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(description="The consultation is closed or archived."),
    412: OpenApiResponse(description="If-Match does not match the current ETag."),
}


class ApiView(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    pagination_class = StablePagination

    @property
    def schema_only(self) -> bool:
        return getattr(self, "swagger_fake_view", False)

    def query(self, serializer_class) -> dict:
        """The query parameters, validated (400 with field errors otherwise)."""
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def paginated(self, items, serializer_class=None) -> Response:
        page = self.paginate_queryset(items)
        serializer_class = serializer_class or self.get_serializer_class()
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )


class InConsultation(ApiView):
    """Base of every view inside ``consultations/{slug}/``: members read, ``change_permission`` writes."""

    permission_classes = [IsAuthenticated, ConsultationRole]
    change_permission = "consultation.change_draft"

    @cached_property
    def consultation(self) -> Consultation:
        return get_visible_consultation(self.request.user, self.kwargs["slug"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.schema_only:
            context["consultation"] = self.consultation
        return context

    def solution(self) -> Solution:
        return get_object_or_404(Solution, consultation=self.consultation, code=self.kwargs["code"])

    def criterion(self) -> Criterion:
        return get_object_or_404(Criterion, consultation=self.consultation, key=self.kwargs["key"])


# --- Tokens -----------------------------------------------------------------------------------------------


class TokenView(APIView):
    """The signed-in user's API token: see whether there is one, create a new one, revoke it."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.TokenStatusSerializer, 401: ERRORS[401]})
    def get(self, request):
        token = Token.objects.filter(user=request.user).first()
        return Response({"exists": token is not None, "created": token.created if token else None})

    @extend_schema(
        request=None,
        responses={201: s.TokenSerializer, 401: ERRORS[401]},
        description="Create a token for the signed-in user (replacing any previous one). The key is answered once.",
    )
    def post(self, request):
        token = writes.token_renew(user=request.user)
        return Response(s.TokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 401: ERRORS[401]}, description="Revoke the signed-in user's token.")
    def delete(self, request):
        writes.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Consultations ----------------------------------------------------------------------------------------


class ConsultationList(ApiView, generics.ListAPIView):
    """The consultations you are a member of; staff create new ones (becoming their secretariat)."""

    permission_classes = [IsAuthenticated, CreatesConsultations]
    serializer_class = s.ConsultationSerializer

    def get_queryset(self):
        if self.schema_only:
            return Consultation.objects.none()
        user = self.request.user
        my_role = Membership.objects.filter(consultation=OuterRef("pk"), user=user).values("role")[:1]
        return Consultation.objects.visible_to(user).annotate(my_role=Subquery(my_role)).order_by("-created_at", "slug")

    @extend_schema(responses={201: s.ConsultationSerializer, **ERRORS})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = consultation_create(user=request.user, **serializer.validated_data)
        return with_etag(
            Response(self.get_serializer(consultation).data, status=status.HTTP_201_CREATED), consultation.etag
        )


class ConsultationDetail(InConsultation):
    serializer_class = s.ConsultationSerializer
    change_permission = "consultation.change_consultation"
    # Closing and reopening is a change of the consultation itself; writes.consultation_update guards the rest.
    changes_when_frozen = True

    @extend_schema(responses={200: s.ConsultationSerializer, **ERRORS})
    def get(self, request, slug):
        return with_etag(Response(self.get_serializer(self.consultation).data), self.consultation.etag)

    @extend_schema(responses={200: s.ConsultationSerializer, **WRITE_ERRORS})
    def patch(self, request, slug):
        current = self.consultation
        expected = expected_version(request, current.etag, current.version)
        serializer = s.ConsultationSerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        consultation = writes.consultation_update(
            consultation=current, user=request.user, expected_version=expected, **serializer.validated_data
        )
        return with_etag(Response(self.get_serializer(consultation).data), consultation.etag)


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
        solution = writes.solution_create(
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
        criterion = writes.criterion_create(consultation=self.consultation, **serializer.validated_data)
        return Response(self.get_serializer(criterion).data, status=status.HTTP_201_CREATED)


class CriterionDetail(InConsultation, generics.RetrieveAPIView):
    serializer_class = s.CriterionSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), key=self.kwargs["key"])

    def get_queryset(self):
        if self.schema_only:
            return Criterion.objects.none()
        return Criterion.objects.filter(consultation=self.consultation).select_related("consultation")


# --- Ratings ----------------------------------------------------------------------------------------------


class RatingList(InConsultation):
    """The matrix: one item per solution and criterion, now or as it stood at ``as_of``.

    Read in a constant number of queries whatever the size of the matrix.
    ``?version=`` (named versions of the draft) is refused with 400 until versions exist.
    """

    serializer_class = s.RatingCellSerializer

    def get_queryset(self):
        return Assessment.objects.none()  # for the schema; the matrix is read by build_matrix

    @extend_schema(parameters=[s.MatrixQuerySerializer], responses={200: s.RatingCellSerializer(many=True), **ERRORS})
    def get(self, request, slug):
        query = self.query(s.MatrixQuerySerializer)
        matrix = build_matrix(self.consultation, query.get("as_of"))
        cells = s.matrix_cells(request, matrix, solution=query.get("solution"), criterion=query.get("criterion"))
        return self.paginated(cells)


def _rating_etag(solution: Solution, criterion: Criterion, assessment: Assessment | None) -> str:
    # A cell never set has no row yet; its ETag names the cell and revision 0.
    return assessment.etag if assessment else f'"a0-{solution.pk}-{criterion.pk}-0"'


class RatingDetail(InConsultation):
    """One cell of the matrix; the secretariat changes it with a reason, as a new revision."""

    serializer_class = s.RatingDetailSerializer
    change_permission = "consultation.change_ratings"

    def get_queryset(self):
        return Assessment.objects.none()  # for the schema

    def cell(self):
        solution, criterion = self.solution(), self.criterion()
        assessment = (
            Assessment.objects.filter(solution=solution, criterion=criterion).select_related("changed_by").first()
        )
        return solution, criterion, assessment

    def render(self, solution, criterion, assessment) -> Response:
        cell = None
        if assessment is not None and assessment.revision:
            a = assessment
            cell = Cell(
                solution.pk,
                criterion.pk,
                a.stars,
                a.level,
                a.rationale,
                a.revision,
                a.changed_at,
                s.user_label(a.changed_by),
            )
        data = s.cell_data(self.request, self.consultation, solution, criterion, cell)
        data["history"] = s.absolute_url(
            self.request, "rating-history", slug=self.consultation.slug, code=solution.code, key=criterion.key
        )
        return with_etag(Response(s.RatingDetailSerializer(data).data), _rating_etag(solution, criterion, assessment))

    @extend_schema(responses={200: s.RatingDetailSerializer, **ERRORS})
    def get(self, request, slug, code, key):
        return self.render(*self.cell())

    @extend_schema(
        request=s.RatingChangeSerializer,
        responses={200: s.RatingDetailSerializer, **WRITE_ERRORS},
        description="Change the cell as a new revision (source: manual). A change that changes nothing makes no "
        "revision. Send the cell's ETag in If-Match to be told (412) when someone changed it meanwhile.",
    )
    def patch(self, request, slug, code, key):
        solution, criterion, assessment = self.cell()
        current_revision = assessment.revision if assessment else 0
        expected = expected_version(request, _rating_etag(solution, criterion, assessment), current_revision)
        serializer = s.RatingChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        changes.pop("evidence", None)
        assessment, _ = writes.rating_change(
            consultation=self.consultation,
            solution=solution,
            criterion=criterion,
            user=request.user,
            expected_revision=expected,
            **changes,
        )
        return self.render(solution, criterion, Assessment.objects.select_related("changed_by").get(pk=assessment.pk))


class RatingHistory(InConsultation, generics.ListAPIView):
    """Every revision of a cell, oldest first."""

    serializer_class = s.RevisionSerializer

    def get_queryset(self):
        if self.schema_only:
            return AssessmentRevision.objects.none()
        return (
            AssessmentRevision.objects.filter(
                assessment__solution=self.solution(), assessment__criterion=self.criterion()
            )
            .select_related("created_by")
            .order_by("number")
        )


class ClassificationDetail(InConsultation):
    """A solution's overall classification with its history; the secretariat changes it with a reason."""

    serializer_class = s.ClassificationSerializer
    change_permission = "consultation.change_ratings"

    def get_queryset(self):
        return Classification.objects.none()  # for the schema

    def current(self):
        solution = self.solution()
        classification = Classification.objects.filter(solution=solution).select_related("changed_by").first()
        return solution, classification

    @staticmethod
    def etag(solution: Solution, classification: Classification | None) -> str:
        return classification.etag if classification else f'"k0-{solution.pk}-0"'

    def render(self, solution: Solution, classification: Classification | None) -> Response:
        history = (
            ClassificationRevision.objects.filter(classification=classification)
            .select_related("created_by")
            .order_by("number")
            if classification
            else []
        )
        value = classification.value if classification else Classification._meta.get_field("value").default
        data = {
            "solution": solution.code,
            "value": value,
            "label": Classification(value=value).get_value_display(),
            "revision": classification.revision if classification else 0,
            "changed_at": classification.changed_at if classification else None,
            "changed_by": s.user_label(classification.changed_by) if classification else "",
            "history": history,
        }
        return with_etag(Response(s.ClassificationSerializer(data).data), self.etag(solution, classification))

    @extend_schema(responses={200: s.ClassificationSerializer, **ERRORS})
    def get(self, request, slug, code):
        return self.render(*self.current())

    @extend_schema(
        request=s.ClassificationChangeSerializer, responses={200: s.ClassificationSerializer, **WRITE_ERRORS}
    )
    def patch(self, request, slug, code):
        solution, classification = self.current()
        current_revision = classification.revision if classification else 0
        expected = expected_version(request, self.etag(solution, classification), current_revision)
        serializer = s.ClassificationChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        writes.classification_change(
            consultation=self.consultation,
            solution=solution,
            user=request.user,
            expected_revision=expected,
            **serializer.validated_data,
        )
        return self.render(*self.current())


class ConsistencyList(InConsultation):
    """The cells whose text level and stars disagree (now, or as they stood at ``as_of``)."""

    serializer_class = s.RatingCellSerializer

    def get_queryset(self):
        return Assessment.objects.none()  # for the schema

    @extend_schema(
        parameters=[s.ConsistencyQuerySerializer], responses={200: s.RatingCellSerializer(many=True), **ERRORS}
    )
    def get(self, request, slug):
        matrix = build_matrix(self.consultation, self.query(s.ConsistencyQuerySerializer).get("as_of"))
        cells = [
            s.cell_data(request, self.consultation, solution, criterion, cell)
            for solution, criterion, cell in matrix.disagreements
        ]
        return self.paginated(cells)


# --- Open items -------------------------------------------------------------------------------------------


class OpenItemList(InConsultation, generics.ListAPIView):
    """The draft's open items, filterable by status; the secretariat adds new ones."""

    serializer_class = s.OpenItemSerializer
    change_permission = "consultation.change_open_items"

    def get_queryset(self):
        if self.schema_only:
            return OpenItem.objects.none()
        items = OpenItem.objects.filter(consultation=self.consultation).select_related(
            "consultation", "section", "created_by"
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
        item = writes.open_item_create(consultation=self.consultation, user=request.user, **serializer.validated_data)
        return with_etag(Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED), item.etag)


class OpenItemDetail(InConsultation):
    serializer_class = s.OpenItemSerializer
    change_permission = "consultation.change_open_items"

    def get_queryset(self):
        if self.schema_only:
            return OpenItem.objects.none()
        return OpenItem.objects.filter(consultation=self.consultation).select_related(
            "consultation", "section", "created_by"
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
        item = writes.open_item_update(item=item, expected_version=expected, **serializer.validated_data)
        item = self.get_queryset().get(pk=item.pk)
        return with_etag(Response(self.get_serializer(item).data), item.etag)


# --- References -------------------------------------------------------------------------------------------


class ReferenceList(InConsultation, generics.ListAPIView):
    """The draft's reference annex, by group and number; filterable by group and linked solution."""

    serializer_class = s.ReferenceSerializer

    def get_queryset(self):
        if self.schema_only:
            return Reference.objects.none()
        references = Reference.objects.filter(consultation=self.consultation).prefetch_related("solutions")
        query = self.query(s.ReferenceQuerySerializer)
        if query.get("group"):
            references = references.filter(group=query["group"])
        if query.get("solution"):
            references = references.filter(solutions__code=query["solution"])
        return references.order_by("group_order", "number")

    @extend_schema(parameters=[s.ReferenceQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={201: s.ReferenceSerializer, **WRITE_ERRORS})
    def post(self, request, slug):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reference = writes.reference_create(consultation=self.consultation, **serializer.validated_data)
        return Response(self.get_serializer(reference).data, status=status.HTTP_201_CREATED)


# --- Draft import -----------------------------------------------------------------------------------------


def _upload_errors(upload) -> tuple[str, dict]:
    """Read an uploaded draft with the web page's rules (size, UTF-8, plain text): (content, errors by field).

    Written once in ``DraftUploadForm``; a file over the limit is a 413, any other problem a 400.
    """
    form = DraftUploadForm(files={"file": upload})
    if form.is_valid():
        return form.cleaned_data["content"], {}
    problems = form.errors.as_data().get("file", [])
    if any(problem.code == "too_large" for problem in problems):
        raise PayloadTooLarge(" ".join(m for p in problems for m in p.messages))
    return "", {"file": [m for p in problems for m in p.messages]}


def _importer():
    # Imported on use, like the pages do: the importer is its own package.
    from consultation.importing import parser, services

    return services, parser.DraftParseError


class DraftImportCreate(ApiView):
    """Upload a draft into a consultation: ``?commit=false`` answers the preview only (200); otherwise the
    import is queued for the background worker (202) and its status URL answered."""

    permission_classes = [IsAuthenticated, ImportsDrafts]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = s.DraftImportSerializer

    def get_queryset(self):
        return DraftImport.objects.none()  # for the schema

    @cached_property
    def consultation(self) -> Consultation:
        slug = self.request.data.get("consultation")
        if not slug or not isinstance(slug, str):
            raise ValidationError({"consultation": ["Give the slug of the consultation to import into."]})
        return get_visible_consultation(self.request.user, slug)

    @extend_schema(
        request={"multipart/form-data": s.DraftImportRequestSerializer},
        parameters=[s.DraftImportQuerySerializer],
        responses={
            200: OpenApiResponse(s.DraftImportSerializer, description="The preview (?commit=false); nothing changed."),
            202: OpenApiResponse(s.DraftImportSerializer, description="Queued; follow it at `url`."),
            **WRITE_ERRORS,
            413: OpenApiResponse(description="The file is over the upload limit."),
        },
    )
    def post(self, request):
        commit = self.query(s.DraftImportQuerySerializer)["commit"]
        upload = s.DraftImportRequestSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        content, errors = _upload_errors(upload.validated_data["file"])
        if errors:
            raise ValidationError(errors)
        services, parse_error = _importer()
        try:
            # Atomic: an unreadable draft leaves nothing behind, and the task is queued only once all is committed.
            with transaction.atomic():
                draft_import = services.draft_import_preview(
                    consultation=self.consultation,
                    filename=upload.validated_data["file"].name,
                    content=content,
                    user=request.user,
                )
                if commit:
                    draft_import = services.draft_import_confirm(draft_import=draft_import, user=request.user)
        except parse_error as error:
            raise ValidationError({"file": [str(error)]}) from None
        data = self.get_serializer(draft_import).data
        if not commit:
            return Response(data, status=status.HTTP_200_OK)
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class DraftImportConfirm(ApiView):
    """Apply an import previewed with ``?commit=false``: exactly what was previewed is queued (202)."""

    permission_classes = [IsAuthenticated, ImportsDrafts]
    serializer_class = s.DraftImportSerializer

    def get_queryset(self):
        return DraftImport.objects.none()  # for the schema

    @cached_property
    def draft_import(self) -> DraftImport:
        draft_import = get_object_or_404(DraftImport.objects.select_related("consultation"), pk=self.kwargs["pk"])
        if not can_view(self.request.user, draft_import.consultation):
            raise Http404("No such import.")
        return draft_import

    @property
    def consultation(self) -> Consultation:
        return self.draft_import.consultation

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(s.DraftImportSerializer, description="Queued; follow it at `url`."),
            **WRITE_ERRORS,
            409: OpenApiResponse(description="Not a preview any more, or the consultation is closed."),
        },
    )
    def post(self, request, pk):
        services, _ = _importer()
        draft_import = services.draft_import_confirm(draft_import=self.draft_import, user=request.user)
        data = self.get_serializer(draft_import).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class DraftImportDetail(ApiView):
    """An import's status, progress (0-100), preview and result: for its requester and the secretariat."""

    permission_classes = [IsAuthenticated, SeesDraftImport]
    serializer_class = s.DraftImportSerializer

    def get_object(self) -> DraftImport:
        draft_import = get_object_or_404(
            DraftImport.objects.select_related("consultation", "created_by"), pk=self.kwargs["pk"]
        )
        if not can_view(self.request.user, draft_import.consultation):
            raise Http404("No such import.")
        self.check_object_permissions(self.request, draft_import)
        return draft_import

    @extend_schema(responses={200: s.DraftImportSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)
