"""Does a cell's text level agree with its stars?

The reference draft states a level in the text ("Medium-high") and stars in
its overview table, and the two do not always agree. The product points such
cells out rather than hiding them. Each consultation may adjust the mapping
(``Consultation.consistency_mapping``); levels it does not name keep the
default (``mapping_for``).
"""

from __future__ import annotations

import re

DEFAULT_LEVEL_STARS: dict[str, int | None] = {
    "high": 5,
    "medium-high": 4,
    "medium": 3,
    "medium-low": 2,
    "low": 1,
    "none": None,
    "not applicable": None,
    "n/a": None,
}

CANONICAL_LEVELS = {
    "high": "High",
    "medium-high": "Medium-high",
    "medium": "Medium",
    "medium-low": "Medium-low",
    "low": "Low",
    "none": "None",
    "not applicable": "Not applicable",
    "n/a": "Not applicable",
}


# The levels the secretariat sets stars for, in the order the form shows them ("n/a" follows "not applicable").
MAPPED_LEVELS = ["high", "medium-high", "medium", "medium-low", "low", "none", "not applicable"]


def mapping_for(consultation) -> dict[str, int | None]:
    """The consultation's mapping: its own stars per level over the defaults. Reads no database row."""
    mapping = dict(DEFAULT_LEVEL_STARS)
    for level, stars in (getattr(consultation, "consistency_mapping", None) or {}).items():
        key = re.sub(r"\s+", " ", str(level)).strip().lower()
        if key in mapping and (stars is None or (isinstance(stars, int) and 1 <= stars <= 5)):
            mapping[key] = stars
    mapping["n/a"] = mapping["not applicable"]
    return mapping


def _parts(level: str) -> list[str]:
    return [re.sub(r"\s+", " ", part).strip().lower() for part in level.split("/") if part.strip()]


def normalise_level(level: str) -> str:
    """Canonical spelling: "Low/medium-low" -> "Low/Medium-low"; unknown parts are kept as written."""
    parts = level.split("/")
    return "/".join(CANONICAL_LEVELS.get(p.strip().lower(), p.strip()) for p in parts if p.strip())


def is_known_level(level: str) -> bool:
    parts = _parts(level)
    return bool(parts) and all(p in DEFAULT_LEVEL_STARS for p in parts)


def expected_stars(level: str, mapping: dict[str, int | None] | None = None) -> set[int | None] | None:
    """The star values a level allows (``{None}`` for N/A); None when the level is empty or unknown.

    An in-between level such as "Medium/Medium-low" allows both of its ends.
    """
    mapping = mapping or DEFAULT_LEVEL_STARS
    parts = _parts(level)
    if not parts or any(p not in mapping for p in parts):
        return None
    return {mapping[p] for p in parts}


def disagrees(level: str, stars: int | None, mapping: dict[str, int | None] | None = None) -> bool:
    allowed = expected_stars(level, mapping)
    return allowed is not None and stars not in allowed


def describe_expected(level: str, mapping: dict[str, int | None] | None = None) -> str:
    allowed = expected_stars(level, mapping)
    if not allowed:
        return ""
    return " or ".join("N/A" if v is None else f"{v}★" for v in sorted(allowed, key=lambda v: -1 if v is None else v))
