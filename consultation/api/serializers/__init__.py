"""Serializers of the REST API: they validate input and render output, and never write.

Writes go through ``consultation.services``
called by the views. Objects inside a consultation are addressed by their
natural keys (a section by its number, a solution by its code, a criterion by
its key), scoped to the consultation of the request (``context["consultation"]``).

One module per resource, as in ``api.views``: ``consultations`` (and tokens),
``draft`` (sections, solutions, criteria, references), ``ratings`` (cells,
revisions, classifications), ``open_items`` and ``imports``; ``base`` holds
the fields and helpers they share. Every name is importable from here
(``from consultation.api import serializers as s``).
"""

from .base import CODE_PATTERN, ScopedSlugField, UserLabelField, absolute_url, user_label
from .consultations import ConsultationSerializer, TokenSerializer, TokenStatusSerializer
from .draft import (
    CriterionSerializer,
    FootnoteSerializer,
    InitialClassificationField,
    ReferenceQuerySerializer,
    ReferenceSerializer,
    SectionSerializer,
    SolutionCreateSerializer,
    SolutionSerializer,
    classification_value,
)
from .imports import DraftImportQuerySerializer, DraftImportRequestSerializer, DraftImportSerializer
from .open_items import OpenItemQuerySerializer, OpenItemSerializer
from .ratings import (
    AsOfField,
    ClassificationChangeSerializer,
    ClassificationRevisionSerializer,
    ClassificationSerializer,
    ConsistencyQuerySerializer,
    MatrixQuerySerializer,
    RatingCellSerializer,
    RatingChangeSerializer,
    RatingDetailSerializer,
    RevisionSerializer,
    cell_data,
    matrix_cells,
)

__all__ = [
    "CODE_PATTERN",
    "AsOfField",
    "ClassificationChangeSerializer",
    "ClassificationRevisionSerializer",
    "ClassificationSerializer",
    "ConsistencyQuerySerializer",
    "ConsultationSerializer",
    "CriterionSerializer",
    "DraftImportQuerySerializer",
    "DraftImportRequestSerializer",
    "DraftImportSerializer",
    "FootnoteSerializer",
    "InitialClassificationField",
    "MatrixQuerySerializer",
    "OpenItemQuerySerializer",
    "OpenItemSerializer",
    "RatingCellSerializer",
    "RatingChangeSerializer",
    "RatingDetailSerializer",
    "ReferenceQuerySerializer",
    "ReferenceSerializer",
    "RevisionSerializer",
    "ScopedSlugField",
    "SectionSerializer",
    "SolutionCreateSerializer",
    "SolutionSerializer",
    "TokenSerializer",
    "TokenStatusSerializer",
    "UserLabelField",
    "absolute_url",
    "cell_data",
    "classification_value",
    "matrix_cells",
    "user_label",
]
