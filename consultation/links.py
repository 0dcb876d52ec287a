"""What points into the draft, wherever it lives: the hook through which a re-import carries links forward.

A re-imported draft may renumber a section, drop a solution or rename a
criterion. Whatever pointed at the old place (an open item here; excerpts and
input in the evidence app, which consultation never imports) is found through
the registered *link holders*, re-attached by the import where the new place
is certain, and otherwise listed for the secretariat (``Reattachment``).
The evidence app registers its holder in ``EvidenceConfig.ready``; the open
items' holder is this module's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from consultation.models import Consultation, OpenItem


@dataclass(frozen=True)
class HeldLink:
    """One link from a holder (``holder_kind`` "excerpt", "submission", "open_item" ...) to a place of the draft."""

    holder_kind: str
    holder_id: int
    holder_label: str
    target_kind: str  # a TargetKind value: section, solution, criterion, cell
    target_id: int


class LinkHolder(Protocol):
    kinds: tuple[str, ...]

    def links_to(self, consultation: Consultation, target_kind: str, target_ids: set[int]) -> list[HeldLink]: ...

    def move(self, consultation: Consultation, link: HeldLink, new_target_id: int) -> bool: ...

    def holder_url(self, consultation: Consultation, holder_kind: str, holder_id: int) -> str: ...


_holders: list[LinkHolder] = []


def register_link_holder(holder: LinkHolder) -> None:
    """Called once by an app's ``ready()``; registering the same holder twice has no effect."""
    if not any(type(known) is type(holder) for known in _holders):
        _holders.append(holder)


def links_to(consultation: Consultation, target_kind: str, target_ids: set[int]) -> list[HeldLink]:
    """Every link of every holder to the places ``target_ids`` (of ``target_kind``)."""
    if not target_ids:
        return []
    found: list[HeldLink] = []
    for holder in [OPEN_ITEMS, *_holders]:
        found += holder.links_to(consultation, target_kind, target_ids)
    return found


def _holder_for(kind: str) -> LinkHolder | None:
    return next((h for h in [OPEN_ITEMS, *_holders] if kind in h.kinds), None)


def move_link(consultation: Consultation, link: HeldLink, new_target_id: int) -> bool:
    """Point ``link`` at ``new_target_id`` instead; False when its holder is gone or refuses (a rule of the data)."""
    holder = _holder_for(link.holder_kind)
    if holder is None:
        return False
    try:
        with transaction.atomic():  # a refused move (a unique rule) must not spoil the import's transaction
            return holder.move(consultation, link, new_target_id)
    except IntegrityError:
        return False


def holder_url(consultation: Consultation, holder_kind: str, holder_id: int) -> str:
    holder = _holder_for(holder_kind)
    return holder.holder_url(consultation, holder_kind, holder_id) if holder is not None else ""


class OpenItemLinks:
    """Open items point at a section (where they stand) and at a rating cell (what they were raised about)."""

    kinds = ("open_item",)
    _fields = {"section": "section_id", "cell": "assessment_id"}

    def links_to(self, consultation: Consultation, target_kind: str, target_ids: set[int]) -> list[HeldLink]:
        field = self._fields.get(target_kind)
        if field is None:
            return []
        items = OpenItem.objects.filter(consultation=consultation, **{f"{field}__in": target_ids}).values_list(
            "pk", "prompt", field
        )
        return [
            HeldLink("open_item", pk, f"Open item: {prompt[:120]}", target_kind, target) for pk, prompt, target in items
        ]

    def move(self, consultation: Consultation, link: HeldLink, new_target_id: int) -> bool:
        field = self._fields[link.target_kind]
        moved = OpenItem.objects.filter(consultation=consultation, pk=link.holder_id, **{field: link.target_id}).update(
            **{field: new_target_id}, version=F("version") + 1
        )
        return bool(moved)

    def holder_url(self, consultation: Consultation, holder_kind: str, holder_id: int) -> str:
        return reverse("consultation:open_items", args=[consultation.slug]) + f"#open-item-{holder_id}"


OPEN_ITEMS = OpenItemLinks()
