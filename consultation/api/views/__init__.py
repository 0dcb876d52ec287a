"""REST API views: validate, call one service, render. Permissions come from ``consultation.rules``.

Every view inside a consultation finds it with ``get_visible_consultation``,
so a non-member gets 404 for everything in it, as if it did not exist.
"""

from .consultations import ConsultationDetail, ConsultationList, TokenView
from .draft import CriterionDetail, CriterionList, SectionList, SolutionDetail, SolutionList
from .imports import DraftImportConfirm, DraftImportCreate, DraftImportDetail
from .open_items import OpenItemDetail, OpenItemList
from .ratings import ClassificationDetail, ConsistencyList, RatingDetail, RatingHistory, RatingList
from .references import ReferenceList

__all__ = [
    "ClassificationDetail",
    "ConsistencyList",
    "ConsultationDetail",
    "ConsultationList",
    "CriterionDetail",
    "CriterionList",
    "DraftImportConfirm",
    "DraftImportCreate",
    "DraftImportDetail",
    "OpenItemDetail",
    "OpenItemList",
    "RatingDetail",
    "RatingHistory",
    "RatingList",
    "ReferenceList",
    "SectionList",
    "SolutionDetail",
    "SolutionList",
    "TokenView",
]
