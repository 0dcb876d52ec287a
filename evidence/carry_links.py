"""The evidence app's links into the draft, for carrying them forward when a later draft is imported.

Registered with ``consultation.links`` by ``EvidenceConfig.ready``: excerpts
point at sections, solutions, criteria and rating cells; input (submissions) at
sections, solutions and criteria. A move swaps the old place for the new one
and bumps the holder's version (its representation changed).
"""

from __future__ import annotations

from django.db.models import F
from django.urls import NoReverseMatch, reverse

from consultation.links import HeldLink
from consultation.models import Consultation
from evidence.models import Excerpt, Submission

# holder kind -> (model, {target kind: the many-to-many field})
_FIELDS = {
    "excerpt": (Excerpt, {"section": "sections", "solution": "solutions", "criterion": "criteria", "cell": "cells"}),
    "submission": (Submission, {"section": "sections", "solution": "solutions", "criterion": "criteria"}),
}


def _label(kind: str, pk: int, text: str) -> str:
    if kind == "excerpt":
        return f"Excerpt “{' '.join(text.split())[:100]}”"
    return f"Input #{pk} {text[:100]}".rstrip()


class EvidenceLinks:
    """Implements ``consultation.links.LinkHolder``."""

    kinds = tuple(_FIELDS)

    def links_to(self, consultation: Consultation, target_kind: str, target_ids: set[int]) -> list[HeldLink]:
        found = []
        for kind, (model, fields) in _FIELDS.items():
            field = fields.get(target_kind)
            if field is None:
                continue
            through = getattr(model, field).through
            holder_column = f"{model._meta.model_name}_id"
            target_column = getattr(model, field).field.m2m_reverse_name()
            rows = (
                through.objects.filter(**{f"{target_column}__in": target_ids})
                .filter(**{f"{model._meta.model_name}__consultation": consultation})
                .values_list(
                    holder_column,
                    target_column,
                    f"{model._meta.model_name}__{'quote' if kind == 'excerpt' else 'title'}",
                )
            )
            found += [
                HeldLink(kind, holder, _label(kind, holder, text or ""), target_kind, target)
                for holder, target, text in rows
            ]
        return found

    def move(self, consultation: Consultation, link: HeldLink, new_target_id: int) -> bool:
        model, fields = _FIELDS[link.holder_kind]
        holder = model.objects.filter(consultation=consultation, pk=link.holder_id).first()
        if holder is None:
            return False
        related = getattr(holder, fields[link.target_kind])
        if not related.filter(pk=link.target_id).exists():
            return False
        related.remove(link.target_id)
        related.add(new_target_id)
        model.objects.filter(pk=holder.pk).update(version=F("version") + 1)
        return True

    def holder_url(self, consultation: Consultation, holder_kind: str, holder_id: int) -> str:
        name = "evidence:excerpt" if holder_kind == "excerpt" else "evidence:triage"
        try:
            return reverse(name, args=[consultation.slug, holder_id])
        except NoReverseMatch:
            return ""
