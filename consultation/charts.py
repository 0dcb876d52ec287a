"""Small charts drawn on the server as SVG, so a page and a PDF export show the very same picture.

Pure functions: data in, an SVG string out. The SVG references nothing
outside itself (no fonts, images, scripts or styles to fetch), has no event
handlers, and carries a <title> and <desc> for assistive technology; the
pages print the same data as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

# Rows of the chart, bottom to top: N/A, then 1 to 5 stars.
_LEVELS = [None, 1, 2, 3, 4, 5]
_LINE = "#0b5394"  # 8.6:1 against white
_GRID = "#c8ccd0"
_TEXT = "#212529"


@dataclass(frozen=True)
class ChartPoint:
    """One revision: when it took effect, the stars it set (None for N/A) and how to name it."""

    when: datetime
    stars: int | None
    label: str = ""


def _stars_text(stars: int | None) -> str:
    if stars is None:
        return "N/A"
    return f"{stars} star{'s' if stars != 1 else ''}"


def _date_text(when: datetime) -> str:
    return f"{when.day} {when:%b %Y}"


def star_history_svg(
    points: Sequence[ChartPoint],
    *,
    title: str,
    description: str = "",
    until: datetime | None = None,
    width: int = 560,
    height: int = 190,
    id_prefix: str = "star-chart",
) -> str:
    """A step chart of a cell's stars over time, with a point per revision.

    The line holds each value until the next revision, and the last one until
    ``until`` (e.g. now) when given. ``id_prefix`` keeps the ids of <title> and
    <desc> unique when a page shows several charts.
    """
    points = sorted(points, key=lambda p: p.when)
    left, right, top, bottom = 56, 16, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    row_h = plot_h / (len(_LEVELS) - 1)

    def y(stars: int | None) -> float:
        return top + plot_h - _LEVELS.index(stars) * row_h

    start = points[0].when if points else None
    end = max(until, points[-1].when) if points and until else (points[-1].when if points else None)
    span = (end - start).total_seconds() if points else 0

    def x(when: datetime) -> float:
        if not span:
            return left + (plot_w if until and points and when > start else 0)
        return left + plot_w * (when - start).total_seconds() / span

    title_id, desc_id = escape(f"{id_prefix}-title"), escape(f"{id_prefix}-desc")
    if not description:
        description = (
            "; ".join(f"{p.label or 'Revision'} on {_date_text(p.when)}: {_stars_text(p.stars)}" for p in points)
            or "No revision yet."
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="star-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for level in _LEVELS:
        ly = y(level)
        parts.append(
            f'<line x1="{left}" y1="{ly:.1f}" x2="{left + plot_w}" y2="{ly:.1f}" stroke="{_GRID}" stroke-width="1"/>'
        )
        label = "N/A" if level is None else f"{level} ★"
        parts.append(
            f'<text x="{left - 8}" y="{ly + 4:.1f}" text-anchor="end" font-family="sans-serif" font-size="12" '
            f'fill="{_TEXT}">{escape(label)}</text>'
        )
    if not points:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="13" fill="{_TEXT}">No revision yet</text>'
        )
        parts.append("</svg>")
        return "".join(parts)

    path = [f"M{x(points[0].when):.1f},{y(points[0].stars):.1f}"]
    for point in points[1:]:
        path.append(f"H{x(point.when):.1f}")
        path.append(f"V{y(point.stars):.1f}")
    if end > points[-1].when:
        path.append(f"H{x(end):.1f}")
    parts.append(f'<path d="{"".join(path)}" fill="none" stroke="{_LINE}" stroke-width="2.5"/>')
    for point in points:
        parts.append(
            f'<circle cx="{x(point.when):.1f}" cy="{y(point.stars):.1f}" r="4.5" fill="{_LINE}" '
            f'stroke="#ffffff" stroke-width="1.5"><title>{escape(point.label or "Revision")}, '
            f"{escape(_date_text(point.when))}: {escape(_stars_text(point.stars))}</title></circle>"
        )
    axis_y = top + plot_h + 22
    parts.append(
        f'<text x="{left}" y="{axis_y:.1f}" text-anchor="start" font-family="sans-serif" font-size="12" '
        f'fill="{_TEXT}">{escape(_date_text(start))}</text>'
    )
    if end != start:
        parts.append(
            f'<text x="{left + plot_w}" y="{axis_y:.1f}" text-anchor="end" font-family="sans-serif" font-size="12" '
            f'fill="{_TEXT}">{escape(_date_text(end))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
