"""Finding a quoted passage again in another version of its document.

An excerpt keeps its quote word for word, its offsets in the version it was taken from, and up to
``CONTEXT`` characters on each side. In another version the passage is, in this order:

- ``found``: the quote stands at the same offsets;
- ``moved``: the exact quote occurs elsewhere; with several occurrences the one whose surroundings match the
  kept prefix/suffix best wins, then the one nearest the old place;
- ``changed``: the exact quote is gone, but a passage between the kept prefix and suffix (both found, in
  order, not too far apart) or a close match of the quote (difflib ratio >= ``FUZZY_RATIO``) stands
  where it was: probably the same passage, reworded;
- ``missing``: none of these.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import TextChoices

CONTEXT = 64
FUZZY_RATIO = 0.75
# Fuzzy matching compares the quote with windows of the text: bounded, so that a long document stays fast.
_FUZZY_MAX_TEXT = 400_000


class Anchor(TextChoices):
    FOUND = "found", "found"
    MOVED = "moved", "moved"
    CHANGED = "changed", "changed in the current version"
    MISSING = "missing", "no longer in the current version"


@dataclass(frozen=True)
class Located:
    start: int | None
    end: int | None
    status: str

    @property
    def label(self) -> str:
        return Anchor(self.status).label


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    """The kept prefix and suffix of ``text[start:end]``."""
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def _common_suffix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def locate(*, quote: str, start: int, end: int, prefix: str, suffix: str, text: str) -> Located:
    """Where the passage ``quote`` (once at ``start``-``end``, between ``prefix`` and ``suffix``) is in ``text``."""
    if not quote:
        return Located(None, None, Anchor.MISSING)
    if text[start:end] == quote:
        return Located(start, end, Anchor.FOUND)
    occurrences = []
    position = text.find(quote)
    while position != -1:
        occurrences.append(position)
        position = text.find(quote, position + 1)
    if occurrences:

        def score(at: int) -> tuple[int, int]:
            context = _common_suffix(prefix, text[max(0, at - CONTEXT) : at]) + _common_prefix(
                suffix, text[at + len(quote) : at + len(quote) + CONTEXT]
            )
            return (-context, abs(at - start))

        best = min(occurrences, key=score)
        return Located(best, best + len(quote), Anchor.MOVED)
    return _changed(quote=quote, start=start, prefix=prefix, suffix=suffix, text=text)


def _changed(*, quote: str, start: int, prefix: str, suffix: str, text: str) -> Located:
    # Between the same surroundings: the prefix's last words and the suffix's first words.
    head = prefix[-24:]
    tail = suffix[:24]
    if len(head.strip()) >= 12 and len(tail.strip()) >= 12:
        before = text.find(head)
        if before != -1 and text.find(head, before + 1) == -1:
            begin = before + len(head)
            after = text.find(tail, begin)
            if after != -1 and after - begin <= 2 * len(quote) + 200:
                candidate = text[begin:after]
                if candidate.strip() and difflib.SequenceMatcher(None, quote, candidate).ratio() >= 0.5:
                    return Located(begin, after, Anchor.CHANGED)
    if len(text) > _FUZZY_MAX_TEXT or len(quote) < 20:
        return Located(None, None, Anchor.MISSING)
    # A close match of the quote itself: the best of windows as long as the quote, stepping through the text.
    size = len(quote)
    step = max(1, size // 4)
    best_ratio, best_at = 0.0, None
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(quote)
    for at in range(0, max(1, len(text) - size + 1), step):
        matcher.set_seq1(text[at : at + size])
        if matcher.real_quick_ratio() < FUZZY_RATIO or matcher.quick_ratio() < FUZZY_RATIO:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best_at = ratio, at
    if best_at is not None and best_ratio >= FUZZY_RATIO:
        return Located(best_at, min(len(text), best_at + size), Anchor.CHANGED)
    return Located(None, None, Anchor.MISSING)
