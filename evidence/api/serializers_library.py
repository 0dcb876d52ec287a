"""Serializers of the evidence library API: they validate and render, never write (the views call
``evidence.services.library``)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultation.api.serializers import ScopedSlugField, user_label
from consultation.models import Assessment, Criterion, OpenItem, Section, Solution
from evidence.api.serializers import ScopedPrimaryKeyField
from evidence.models import Excerpt, SourceDocument, SourceVersion, Stance

MAX_ID = 2**31 - 1


def api_url(request, name: str, **kwargs) -> str:
    path = reverse(f"evidence-api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path


class SourceVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField(help_text="The uploaded file (a page URL; members only).")

    def get_created_by(self, version: SourceVersion) -> str:
        return user_label(version.created_by)

    def get_download(self, version: SourceVersion) -> str:
        path = reverse(
            "evidence:source_download", args=[self.context["consultation"].slug, version.source_id, version.number]
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class SourceVersionTextSerializer(SourceVersionSerializer):
    text = serializers.CharField(help_text="The extracted plain text; excerpts point into it by offsets.")
    blocks = serializers.JSONField(
        help_text="The structure: headings, paragraphs, quotes, lists (items with level) and tables (rows of "
        "cells), each with start/end offsets into text."
    )


class SourceSerializer(serializers.Serializer):
    """A source document (read-only). ``url`` is the document's own link; ``api_url`` this resource."""

    id = serializers.IntegerField()
    api_url = serializers.SerializerMethodField()
    kind = serializers.CharField(help_text="file (uploaded) or link (a reference entry with its link).")
    title = serializers.CharField()
    author = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    reference = serializers.CharField()
    marking = serializers.CharField()
    url = serializers.CharField(help_text="Link to the document (may be empty for an upload).")
    version = serializers.IntegerField(help_text="Bumped on every change (the ETag).")
    added_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    latest_version = serializers.SerializerMethodField()

    def get_api_url(self, source: SourceDocument) -> str:
        return api_url(
            self.context.get("request"), "source-detail", slug=self.context["consultation"].slug, pk=source.pk
        )

    def get_added_by(self, source: SourceDocument) -> str:
        return user_label(source.added_by)

    @extend_schema_field(SourceVersionSerializer(allow_null=True))
    def get_latest_version(self, source: SourceDocument):
        versions = getattr(source, "latest_versions", None)
        version = versions[0] if versions else None
        return SourceVersionSerializer(version, context=self.context).data if version else None


class SourceTextSerializer(SourceSerializer):
    shown_version = serializers.SerializerMethodField(help_text="The version whose text follows (?version=N).")
    text = serializers.SerializerMethodField()
    blocks = serializers.SerializerMethodField()

    def _shown(self):
        return self.context.get("shown")

    def get_shown_version(self, source) -> int | None:
        return self._shown().number if self._shown() else None

    def get_text(self, source) -> str:
        return self._shown().text if self._shown() else ""

    @extend_schema_field(serializers.JSONField())
    def get_blocks(self, source):
        return self._shown().blocks if self._shown() else []


class SourceWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    author = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    marking = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None, help_text="Multipart upload.")


class SourcePatchSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False)
    author = serializers.CharField(max_length=300, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    marking = serializers.CharField(max_length=200, required=False, allow_blank=True)
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True)


class SourceVersionWriteSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Multipart upload of the new version.")


class SourceQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Which version's text (default latest)."
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "example": "1b/privacy"},
            {
                "type": "object",
                "properties": {"solution": {"type": "string"}, "criterion": {"type": "string"}},
                "required": ["solution", "criterion"],
            },
        ]
    }
)
class CellField(serializers.Field):
    """A cell of the matrix as "code/key" or {"solution": code, "criterion": key}."""

    default_error_messages = {
        # Doubled braces: DRF formats these messages with str.format (a single brace was a KeyError, a 500).
        "invalid": 'Name a cell as "1b/privacy" or {{"solution": "1b", "criterion": "privacy"}}.',
        "missing": "No cell {value} in this consultation.",
    }

    def to_internal_value(self, data) -> Assessment:
        if isinstance(data, str) and data.count("/") == 1:
            code, key = data.split("/")
        elif (
            isinstance(data, dict) and isinstance(data.get("solution"), str) and isinstance(data.get("criterion"), str)
        ):
            code, key = data["solution"], data["criterion"]
        else:
            self.fail("invalid")
        cell = (
            Assessment.objects.filter(
                consultation=self.context["consultation"], solution__code=code, criterion__key=key
            )
            .select_related("solution", "criterion")
            .first()
        )
        if cell is None:
            self.fail("missing", value=f"{code}/{key}"[:80])
        return cell

    def to_representation(self, cell: Assessment) -> dict:
        return {
            "solution": cell.solution.code,
            "criterion": cell.criterion.key,
            "key": f"{cell.solution.code}/{cell.criterion.key}",
        }


class PositionSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0, max_value=MAX_ID)
    end = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ExcerptLinksSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    solutions = serializers.ListField(
        child=ScopedSlugField(slug_field="code", queryset=Solution.objects.none()), required=False, max_length=200
    )
    criteria = serializers.ListField(
        child=ScopedSlugField(slug_field="key", queryset=Criterion.objects.none()), required=False, max_length=200
    )
    cells = serializers.ListField(child=CellField(), required=False, max_length=500)
    open_items = serializers.ListField(
        child=ScopedPrimaryKeyField(queryset=OpenItem.objects.none()), required=False, max_length=200
    )
    sections = serializers.ListField(
        child=ScopedSlugField(slug_field="number", queryset=Section.objects.none()), required=False, max_length=200
    )


class ExcerptWriteSerializer(ExcerptLinksSerializer):
    source = ScopedPrimaryKeyField(queryset=SourceDocument.objects.none(), required=False, allow_null=True)
    source_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Number of the quoted version (default latest).",
    )
    submission = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    quote = serializers.CharField(trim_whitespace=False, max_length=100000)
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    position = PositionSerializer(required=False, help_text="The quote's offsets (or send start and end).")

    def validate(self, data):
        position = data.pop("position", None)
        if position is not None:
            data.setdefault("start", position["start"])
            data.setdefault("end", position["end"])
        if "start" not in data or "end" not in data:
            raise serializers.ValidationError({"position": ["Give the quote's position: start and end."]})
        if bool(data.get("source")) == bool(data.get("submission")):
            raise serializers.ValidationError({"source": ["Quote either a source (source) or a submission."]})
        return data


class ExcerptPatchSerializer(ExcerptLinksSerializer):
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)


class ExcerptQuerySerializer(serializers.Serializer):
    source = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    submission = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    solution = serializers.CharField(required=False, max_length=20, help_text="Solution code; cells count.")
    criterion = serializers.CharField(required=False, max_length=60, help_text="Criterion key; cells count.")
    stance = serializers.ChoiceField(required=False, choices=Stance.choices)


class LocatedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["found", "moved", "changed", "missing"])
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)


class ExcerptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    api_url = serializers.SerializerMethodField()
    source = serializers.IntegerField(source="source_id", allow_null=True)
    source_version = serializers.SerializerMethodField()
    submission = serializers.IntegerField(source="submission_id", allow_null=True)
    submission_version = serializers.SerializerMethodField()
    quote = serializers.CharField()
    position = serializers.SerializerMethodField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()
    stance = serializers.CharField()
    note = serializers.CharField()
    solutions = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    cells = serializers.SerializerMethodField()
    open_items = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    located = serializers.SerializerMethodField(help_text="Where the passage is in the latest version.")
    created_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    def get_api_url(self, excerpt: Excerpt) -> str:
        return api_url(
            self.context.get("request"), "excerpt-detail", slug=self.context["consultation"].slug, pk=excerpt.pk
        )

    def get_source_version(self, excerpt: Excerpt) -> int | None:
        return excerpt.source_version.number if excerpt.source_version_id else None

    def get_submission_version(self, excerpt: Excerpt) -> int | None:
        return excerpt.submission_version.number if excerpt.submission_version_id else None

    @extend_schema_field(PositionSerializer)
    def get_position(self, excerpt: Excerpt) -> dict:
        return {"start": excerpt.start, "end": excerpt.end}

    def get_solutions(self, excerpt: Excerpt) -> list[str]:
        return [s.code for s in excerpt.solutions.all()]

    def get_criteria(self, excerpt: Excerpt) -> list[str]:
        return [c.key for c in excerpt.criteria.all()]

    @extend_schema_field(serializers.ListField(child=CellField()))
    def get_cells(self, excerpt: Excerpt) -> list[dict]:
        return [CellField().to_representation(cell) for cell in excerpt.cells.all()]

    def get_open_items(self, excerpt: Excerpt) -> list[int]:
        return [item.pk for item in excerpt.open_items.all()]

    def get_sections(self, excerpt: Excerpt) -> list[str]:
        return [section.number for section in excerpt.sections.all()]

    @extend_schema_field(LocatedSerializer)
    def get_located(self, excerpt: Excerpt) -> dict:
        located = excerpt.located
        return {"status": located.status, "start": located.start, "end": located.end}

    def get_created_by(self, excerpt: Excerpt) -> str:
        return excerpt.creator_label
