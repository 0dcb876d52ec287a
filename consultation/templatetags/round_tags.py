"""Presentation of rating rounds: the distribution of answers as a small server-rendered SVG, figures as text."""

from __future__ import annotations

from django import template

from consultation.consensus import STAR_VALUES, Figures, number

register = template.Library()

BAR_WIDTH, BAR_GAP, BAR_MAX, CHART_TOP = 16, 6, 30, 4
SCALE = 1.4  # drawn at this size on the page; the viewBox keeps the drawing's own units


@register.filter
def figure(value: float | None) -> str:
    """2.0 -> "2", 2.5 -> "2.5"; "–" for none."""
    return number(value)


@register.inclusion_tag("consultation/rounds/_distribution.html")
def distribution_chart(figures: Figures, caption: str = "") -> dict:
    """Bars for 1 to 5 stars and "cannot judge" (?), scaled to the largest count; the same SVG serves pages and,
    later, PDF exports. Its text alternative lists every count."""
    counts = [(f"{value}★", f"{value} star{'s' if value > 1 else ''}", figures.distribution.get(value, 0))
              for value in STAR_VALUES]  # fmt: skip
    counts.append(("?", "cannot judge", figures.cannot_judge))
    top = max([count for _, _, count in counts] + [1])
    bars = []
    for index, (short, _long, count) in enumerate(counts):
        height = round(BAR_MAX * count / top) if count else 1
        x = index * (BAR_WIDTH + BAR_GAP)
        bars.append(
            {
                "x": x,
                "y": CHART_TOP + BAR_MAX - height,
                "height": height,
                "label_x": x + BAR_WIDTH // 2,
                "short": short,
                "count": count,
                "empty": not count,
                "cannot_judge": short == "?",
            }
        )
    description = ", ".join(f"{long}: {count}" for _, long, count in counts)
    return {
        "bars": bars,
        "width": len(counts) * (BAR_WIDTH + BAR_GAP) - BAR_GAP,
        "height": CHART_TOP + BAR_MAX + 22,
        "shown_width": round((len(counts) * (BAR_WIDTH + BAR_GAP) - BAR_GAP) * SCALE),
        "shown_height": round((CHART_TOP + BAR_MAX + 22) * SCALE),
        "bar_width": BAR_WIDTH,
        "count_y": CHART_TOP + BAR_MAX + 10,
        "label_y": CHART_TOP + BAR_MAX + 20,
        "description": f"{caption + ': a' if caption else 'A'}nswers by stars — {description}.",
    }
