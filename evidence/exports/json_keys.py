"""What the JSON export and its import share: the schema version, the consultation's fields, value helpers."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

SCHEMA_VERSION = 1
CONSULTATION_FIELDS = (
    "slug",
    "reference",
    "title",
    "marking",
    "status",
    "opens_at",
    "closes_at",
    "created_at",
    "updated_at",
    "version",
    "share_input_with_experts",
    "observers_see_input",
    "observers_may_export",
    "experts_may_add_sources",
    "reminder_days_before",
    "consensus_min_share",
    "consensus_max_iqr",
    "consistency_mapping",
)


def plain(value):
    """A value as JSON holds it: date-times in UTC ISO 8601 with microseconds, decimals as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=plain)


def m2m(relation, owners: Iterable[int] | None = None, key=None) -> dict[int, list]:
    """Owner id -> the ids (or ``key(target_id)``) of an M2M relation, sorted; one query."""
    field = relation.field
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = through.objects.all()
    if owners is not None:
        rows = rows.filter(**{f"{source}__in": owners})
    found: dict[int, list] = defaultdict(list)
    for owner, other in rows.values_list(source, target).iterator(2000):
        found[owner].append(other if key is None else key(other))
    return {owner: sorted((v for v in values if v is not None), key=sort_key) for owner, values in found.items()}


def sort_key(value):
    return (0, value, "") if isinstance(value, int) else (1, 0, json.dumps(value))


def ordinals(queryset) -> dict[int, int]:
    """id -> 1, 2, ... in the order rows were created."""
    ids = queryset.order_by("created_at", "id").values_list("id", flat=True)
    return {pk: n for n, pk in enumerate(ids.iterator(2000), start=1)}
