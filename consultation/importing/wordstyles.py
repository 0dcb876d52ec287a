"""What a Word document's styles and numbering say about a paragraph or run: for ``docx``.

Read straight from the WordprocessingML (python-docx exposes neither the
inherited formatting of runs nor list numbers): which paragraphs are headings
or list items, which runs are bold, italic or superscript, and the number
Word shows in front of a numbered paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

W_VAL = qn("w:val")
_NAMESPACES = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_HEADING_STYLE = re.compile(r"heading ([1-9])")
_LIST_STYLE = re.compile(r"list (bullet|number)(?: ([2-9]))?")
_OFF = {"0", "false", "off", "none"}


def val(element, path: str) -> str | None:
    found = element.find(path, _NAMESPACES)
    return None if found is None else found.get(W_VAL)


def to_int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def toggle(element) -> bool | None:
    """A toggle property (w:b, w:i, w:vanish): None when absent, else on unless its value says off."""
    if element is None:
        return None
    value = element.get(W_VAL)
    return value is None or value.lower() not in _OFF


def related_part(part, reltype: str):
    try:
        return part.part_related_by(reltype)
    except KeyError:
        return None


def xml_of(part):
    if part is None:
        return None
    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def sdt_content(element):
    return element.find(qn("w:sdtContent"))


# --- styles -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunFormat:
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    hidden: bool = False


class WordStyles:
    """Style lookups by id: the chain of base styles, headings, list styles, run formatting."""

    def __init__(self, root):
        self.by_id: dict[str, object] = {}
        self.default_paragraph: str | None = None
        if root is None:
            return
        for style in root.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            self.by_id[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and (style.get(qn("w:default")) or "").lower() in {"1", "true"}:
                self.default_paragraph = style_id

    def chain(self, style_id: str | None) -> Iterator:
        seen = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            style_id = val(style, "w:basedOn")

    def paragraph_style(self, p) -> str | None:
        return val(p, "w:pPr/w:pStyle") or self.default_paragraph

    def names(self, style_id: str | None) -> Iterator[str]:
        for style in self.chain(style_id):
            yield (val(style, "w:name") or "").lower()

    def heading_level(self, p, style_id: str | None) -> int | None:
        """1 for Title and Heading 1, 2 for Heading 2, ...; from the style (or a base style) or the outline level."""
        for name in self.names(style_id):
            if name == "title":
                return 1
            if match := _HEADING_STYLE.fullmatch(name):
                return int(match.group(1))
        outline = to_int(val(p, "w:pPr/w:outlineLvl"))
        if outline is None:
            levels = (to_int(val(style, "w:pPr/w:outlineLvl")) for style in self.chain(style_id))
            outline = next((level for level in levels if level is not None), None)
        return outline + 1 if outline is not None and 0 <= outline < 9 else None

    def list_style(self, style_id: str | None) -> tuple[str, int] | None:
        """("bullet" | "number", nesting) for the built-in list styles ("List Bullet 2" -> 1), else None."""
        for name in self.names(style_id):
            if match := _LIST_STYLE.fullmatch(name):
                return match.group(1), int(match.group(2) or 1) - 1
        return None

    def run_format(self, r) -> RunFormat:
        """Bold, italic, superscript and hidden, set on the run or by its character style."""
        sources = [r.find(qn("w:rPr"))]
        sources += [s.find(qn("w:rPr")) for s in self.chain(val(r, "w:rPr/w:rStyle"))]
        sources = [s for s in sources if s is not None]

        def first(tag: str) -> bool:
            for properties in sources:
                value = toggle(properties.find(qn(tag)))
                if value is not None:
                    return value
            return False

        superscript = (
            next((value for s in sources if (value := val(s, "w:vertAlign")) is not None), None) == "superscript"
        )
        return RunFormat(first("w:b"), first("w:i"), superscript, first("w:vanish"))


# --- numbering --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    start: int
    format: str
    text: str
    legal: bool
    style: str | None


@dataclass(frozen=True)
class ListLabel:
    text: str  # "1.", "a)", "" for a bullet
    bullet: bool
    nesting: int


class WordNumbering:
    """The numbers Word shows in front of numbered paragraphs, counted in document order.

    Counters belong to the abstract numbering definition, so paragraphs of two
    numbering instances of one definition continue one list, unless an
    instance restarts a level ("startOverride"), which is how Word restarts a list.
    """

    def __init__(self, root, styles: WordStyles):
        self.styles = styles
        self.instances: dict[int, tuple[str, dict[int, int]]] = {}
        self.definitions: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[int] = set()
        if root is None:
            return
        for definition in root.iterchildren(qn("w:abstractNum")):
            key = definition.get(qn("w:abstractNumId"))
            levels = {}
            for level in definition.iterchildren(qn("w:lvl")):
                levels[to_int(level.get(qn("w:ilvl")), 0)] = _Level(
                    start=to_int(val(level, "w:start"), 0),
                    format=val(level, "w:numFmt") or "decimal",
                    text=val(level, "w:lvlText") or "",
                    legal=toggle(level.find(qn("w:isLgl"))) or False,
                    style=val(level, "w:pStyle"),
                )
            self.definitions[key] = levels
            if link := val(definition, "w:numStyleLink"):
                self.style_links[key] = link
        for instance in root.iterchildren(qn("w:num")):
            overrides = {}
            for override in instance.iterchildren(qn("w:lvlOverride")):
                start = to_int(val(override, "w:startOverride"))
                if start is not None:
                    overrides[to_int(override.get(qn("w:ilvl")), 0)] = start
            self.instances[to_int(instance.get(qn("w:numId")), -1)] = (val(instance, "w:abstractNumId"), overrides)

    def label(self, p, style_id: str | None) -> ListLabel | None:
        """The paragraph's number (and advance the count), or None for a paragraph outside any list."""
        num_id, level = self._numbering_properties(p, style_id)
        listed = self.styles.list_style(style_id)
        style_nesting = listed[1] if listed else 0
        if num_id is None or num_id not in self.instances:
            # A list style without a numbering definition: Word shows no number; keep it an item.
            return ListLabel("", True, style_nesting) if listed and num_id != 0 else None
        definition_id, overrides = self.instances[num_id]
        definition_id = self._linked(definition_id)
        levels = self.definitions.get(definition_id, {})
        if level is None:
            level = next((i for i, lvl in levels.items() if lvl.style and lvl.style == style_id), 0)
        if level not in levels:
            return None
        counters = self.counters.setdefault(definition_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for restarted, start in overrides.items():
                counters[restarted] = start - 1
        current = counters.get(level)
        counters[level] = levels[level].start if current is None else current + 1
        for deeper in [i for i in counters if i > level]:
            del counters[deeper]
        nesting = max(level, style_nesting)
        if levels[level].format == "bullet":
            return ListLabel("", True, nesting)
        if levels[level].format == "none" or not levels[level].text:
            return None

        def number(match: re.Match) -> str:
            referenced = int(match.group(1)) - 1
            definition = levels.get(referenced)
            value = counters.get(referenced, definition.start if definition else 0)
            style = "decimal" if levels[level].legal or definition is None else definition.format
            return _formatted(value, style)

        return ListLabel(re.sub(r"%([1-9])", number, levels[level].text).strip(), False, nesting)

    def _numbering_properties(self, p, style_id: str | None) -> tuple[int | None, int | None]:
        num_id = to_int(val(p, "w:pPr/w:numPr/w:numId"))
        level = to_int(val(p, "w:pPr/w:numPr/w:ilvl"))
        for style in self.styles.chain(style_id):
            if num_id is not None and level is not None:
                break
            if num_id is None:
                num_id = to_int(val(style, "w:pPr/w:numPr/w:numId"))
            if level is None:
                level = to_int(val(style, "w:pPr/w:numPr/w:ilvl"))
        return num_id, level

    def _linked(self, definition_id: str) -> str:
        """A definition that only points at a numbering style stands for that style's definition."""
        style_id = self.style_links.get(definition_id)
        for style in self.styles.chain(style_id):
            num_id = to_int(val(style, "w:pPr/w:numPr/w:numId"))
            if num_id in self.instances:
                return self.instances[num_id][0]
        return definition_id


def _formatted(value: int, style: str) -> str:
    if value <= 0:
        return str(value)
    if style in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Word goes on with aa, bb, ...
        return letter.upper() if style == "upperLetter" else letter
    if style in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if style == "upperRoman" else roman.lower()
    if style == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    result = ""
    for amount, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, value = divmod(value, amount)
        result += numeral * count
    return result
