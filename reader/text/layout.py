"""Paragraph layout: logical text in, visual lines of cells out (DESIGN section 3).

Per paragraph: resolve bidi levels once for the whole paragraph, shape with an
index map, group code points into cells (a base and its zero-width followers), wrap
greedily in *logical* order, then per line apply L1, reverse runs (L2, on cells, so
marks stay after their base: L3) and mirror at odd levels (L4), and align. Every
cell knows the logical offsets it shows; nothing downstream computes an offset.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

from rich.cells import cell_len

from annotations.script import (
    BIDI_SEGMENT_SEPARATORS,
    BREAKABLE_SPACES,
    MAY_RESOLVE_RTL_RE,
    ZWSP,
    char_ranges,
)
from reader.text.bidi_levels import Direction, ParagraphLevels, resolve_levels
from reader.text.mirror import MIRRORED
from reader.text.reorder import TRAILING_RESET, line_levels, visual_order
from reader.text.sanitize import display_char, is_harakah, marker_char
from reader.text.shaping import shape

BidiMode = Literal["self", "terminal"]
#: A paragraph's or an article's resolved direction (``Direction`` may also be "auto").
TextDirection = Literal["rtl", "ltr"]

# Break opportunities: after a breakable space (not a no-break space) and after ZWSP.
_BREAK_AFTER = BREAKABLE_SPACES | {ZWSP}
_STRONG_CLASSES = frozenset({"L", "R", "AL"})
_SEGMENT_SEPARATORS = re.compile(f"[{char_ranges(BIDI_SEGMENT_SEPARATORS)}]")
_PHANTOM_CLASSES = frozenset({"L", "R", "AL", "LRI", "RLI", "FSI", "PDI"})


class Cell(NamedTuple):
    """One terminal cell (or a wide pair): what it shows and which code points."""

    col: int  # 0-based terminal column where the cell starts
    width: int  # columns it takes (0 only for a paragraph of invisible characters)
    text: str  # what is sent to the terminal: shaped, mirrored, sanitized
    start: int  # first logical offset it shows (in the article's full text)
    end: int  # one past the last; the offsets of a cell are always contiguous

    @property
    def offsets(self) -> range:
        return range(self.start, self.end)


@dataclass(frozen=True, slots=True)
class VisualLine:
    """A line on screen: cells left to right, covering one logical range."""

    paragraph: int
    rtl: bool
    start: int  # logical range covered, in the article's full text
    end: int
    cells: tuple[Cell, ...]
    # A blank row a document puts between paragraphs or around a heading
    # (reader/text/document.py): no cells, no offsets; a cursor never stands on it.
    spacing: bool = False

    @property
    def text(self) -> str:
        """The line exactly as printed (leading padding included)."""
        if not self.cells:
            return ""
        return " " * self.cells[0].col + "".join(cell.text for cell in self.cells)

    @property
    def width(self) -> int:
        if not self.cells:
            return 0
        last = self.cells[-1]
        return last.col + last.width


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    width: int = 80
    direction: Direction = "auto"
    # In auto mode, a paragraph with no strong character (a date line, "2024") takes
    # the article's direction instead of P3's LTR: an analyst expects the date under
    # an Arabic headline to be right-aligned with it.
    fallback_rtl: bool = False
    harakat: bool = True
    bidi: BidiMode = "self"
    # Show each explicit bidi control (embedding, override, isolate) as a marker cell of
    # its own (sanitize.BIDI_MARKERS) instead of a zero-width part of its neighbour's.
    # Levels and order are the same either way; only what is drawn for it changes.
    bidi_markers: bool = False
    # Read by DocumentLayout, not by layout_paragraph: a blank row between paragraphs,
    # and whether '#' lines are Markdown headings (reader/text/structure.py).
    paragraph_spacing: bool = False
    markdown: bool = False


@dataclass(frozen=True, slots=True)
class ParagraphLayout:
    index: int
    start: int
    end: int
    rtl: bool
    lines: tuple[VisualLine, ...]


# tuple.__new__ skips the NamedTuple's keyword __new__: cells are made by the million.
_new_cell = tuple.__new__
_CELL_PARTS: dict[str, tuple[str, int]] = {}
_MARKED_CELL_PARTS: dict[str, tuple[str, int]] = {}  # with bidi markers shown
# The glyphs whose cell part is (glyph, 1): they show themselves in one column.
_PLAIN: set[str] = set()
_MARKED_PLAIN: set[str] = set()


def _cell_part(glyph: str, markers: bool = False) -> tuple[str, int]:
    """What a glyph contributes to its cell: sanitized text and width."""
    shown = (marker_char(glyph) if markers else display_char(glyph)) if glyph else ""
    return shown, cell_len(shown) if shown else 0


@lru_cache(maxsize=4096)
def _bidi_class(char: str) -> str:
    return unicodedata.bidirectional(char)


def paragraph_levels(text: str, options: LayoutOptions) -> ParagraphLevels:
    """Levels of a paragraph, with hamish's fallback for paragraphs with no strong letter."""
    direction = options.direction
    if direction == "auto" and options.fallback_rtl and not _has_strong(text):
        direction = "rtl"
    # Without a character that may resolve to an odd level, the levels would all be even
    # and reorder nothing: they are taken as 0 and python-bidi is not called.
    if direction != "rtl" and MAY_RESOLVE_RTL_RE.search(text) is None:
        return ParagraphLevels(0, bytes(len(text)))
    return resolve_levels(text, direction)


def _has_strong(text: str) -> bool:
    return any(_bidi_class(c) in _STRONG_CLASSES for c in text)


def layout_paragraph(
    text: str, options: LayoutOptions, start: int = 0, index: int = 0
) -> ParagraphLayout:
    """Lay out one paragraph (no line breaks inside) whose first offset is ``start``."""
    self_bidi = options.bidi == "self"
    levels = paragraph_levels(text, options)
    rtl = levels.rtl
    if not text:
        empty = VisualLine(index, rtl, start, start, ())
        return ParagraphLayout(index, start, start, rtl, (empty,))

    glyphs = shape(text) if self_bidi else text
    hide_harakat = not options.harakat

    markers = options.bidi_markers
    # Cells in logical order, as parallel lists: first code point, base code point
    # (whose level and class the cell takes), text, width; and the phantoms: invisible
    # characters that still take part in reordering with a level of their own (isolate
    # controls, LRM/RLM/ALM): their offsets join a neighbouring cell, but L2 must see
    # them, or runs on both sides of them would merge.
    grouped = _plain_cells(text, glyphs, markers, hide_harakat, self_bidi)
    if grouped is None:
        grouped = _cells(text, glyphs, markers, hide_harakat, self_bidi)
    cell_first, cell_base, cell_text, cell_width, phantoms = grouped

    def phantoms_in(first: int, end: int) -> list[int]:
        if not phantoms:
            return phantoms
        return phantoms[bisect_left(phantoms, first) : bisect_left(phantoms, end)]

    lines = []
    for a, b in _wrap(text, cell_first, cell_base, cell_width, options.width):
        line_start = cell_first[a]
        line_end = cell_first[b] if b < len(cell_first) else len(text)
        order: Sequence[int]
        odd: Collection[int]  # cells at odd levels (mirrored)
        if self_bidi:
            order, odd = _reorder_line(
                text, cell_base, a, b, levels, phantoms_in(line_start, line_end)
            )
        else:
            order, odd = range(a, b), ()
        line_width = sum(cell_width[a:b])
        col = max(options.width - line_width, 0) if rtl and self_bidi else 0
        cells = []
        for k in order:
            shown = cell_text[k]
            if k in odd and shown and shown[0] in MIRRORED:
                shown = MIRRORED[shown[0]] + shown[1:]
            first = cell_first[k]
            last = cell_first[k + 1] if k + 1 < len(cell_first) else len(text)
            cells.append(_new_cell(Cell, (col, cell_width[k], shown, start + first, start + last)))
            col += cell_width[k]
        lines.append(VisualLine(index, rtl, start + line_start, start + line_end, tuple(cells)))
    return ParagraphLayout(index, start, start + len(text), rtl, tuple(lines))


_Cells = tuple[list[int], list[int], list[str], list[int], list[int]]


def _cells(
    text: str, glyphs: Sequence[str], markers: bool, hide_harakat: bool, self_bidi: bool
) -> _Cells:
    """Group code points into cells, one glyph at a time (any text)."""
    cell_first: list[int] = []
    cell_base: list[int] = []
    cell_text: list[str] = []
    cell_width: list[int] = []
    phantoms: list[int] = []
    pending = ""  # zero-width text met before any base character
    # This loop runs once per code point: plain dict lookups. A control's glyph is the
    # control itself (shaping changes letters only), so markers are found by glyph.
    parts = _MARKED_CELL_PARTS if markers else _CELL_PARTS
    plain = _MARKED_PLAIN if markers else _PLAIN
    for i, glyph in enumerate(glyphs):
        part = parts.get(glyph)
        if part is None:
            part = parts[glyph] = _cell_part(glyph, markers)
            if part == (glyph, 1):
                plain.add(glyph)
        shown, width = part
        if width:
            cell_first.append(i if cell_first else 0)  # leading invisibles join the first cell
            cell_base.append(i)
            cell_text.append(shown + pending if pending else shown)
            cell_width.append(width)
            pending = ""
            continue
        if hide_harakat and shown and is_harakah(text[i]):
            shown = ""
        if self_bidi and _bidi_class(text[i]) in _PHANTOM_CLASSES:
            phantoms.append(i)
        if cell_first:
            cell_text[-1] += shown
        else:
            pending += shown
    if not cell_first:  # only invisible characters
        cell_first.append(0)
        cell_base.append(0)
        cell_text.append(pending)
        cell_width.append(0)
    return cell_first, cell_base, cell_text, cell_width, phantoms


def _plain_cells(
    text: str, glyphs: Sequence[str], markers: bool, hide_harakat: bool, self_bidi: bool
) -> _Cells | None:
    """``_cells`` for the common case, in bulk: every glyph either shows itself in one
    column or takes no column (a mark, the alef of a lam-alef), and the first shows.
    None when that does not hold, or a glyph is new (``_cells`` learns it)."""
    plain = _MARKED_PLAIN if markers else _PLAIN
    others = [i for i, glyph in enumerate(glyphs) if glyph not in plain]
    if not others and glyphs:
        bases = list(range(len(glyphs)))
        return bases, bases, list(glyphs), [1] * len(bases), []
    if not glyphs or others[0] == 0:
        return None
    parts = _MARKED_CELL_PARTS if markers else _CELL_PARTS
    bases = [i for i, glyph in enumerate(glyphs) if glyph in plain]
    cell_text = [glyphs[i] for i in bases]
    phantoms: list[int] = []
    for i in others:
        part = parts.get(glyphs[i])
        if part is None or part[1]:
            return None
        shown = part[0]
        if hide_harakat and shown and is_harakah(text[i]):
            shown = ""
        if self_bidi and _bidi_class(text[i]) in _PHANTOM_CLASSES:
            phantoms.append(i)
        if shown:
            cell_text[bisect_right(bases, i) - 1] += shown
    return bases, bases, cell_text, [1] * len(bases), phantoms


def _wrap(
    text: str, cell_first: list[int], cell_base: list[int], cell_width: list[int], width: int
) -> Iterator[tuple[int, int]]:
    """Greedy wrap in logical order: ranges [a, b) of cells, breaking after spaces."""
    width = max(width, 1)
    n = len(cell_first)
    line_start = 0
    used = 0
    last_break = -1  # index of the cell after which the current line may break
    k = 0
    while k < n:
        w = cell_width[k]
        if used + w > width and k > line_start:
            if last_break >= line_start:
                yield line_start, last_break + 1
                line_start = last_break + 1
            else:  # a word longer than the line: split it
                yield line_start, k
                line_start = k
            used = sum(cell_width[line_start:k])
            last_break = -1
            continue
        used += w
        following = cell_first[k + 1] if k + 1 < n else len(text)
        if text[cell_base[k]] in _BREAK_AFTER or text[following - 1] in _BREAK_AFTER:
            last_break = k
        k += 1
    yield line_start, n


def _reorder_line(
    text: str,
    cell_base: list[int],
    a: int,
    b: int,
    levels: ParagraphLevels,
    phantoms: list[int],
) -> tuple[list[int], set[int]]:
    """Cells a..b-1 in visual order (L1, L2) and the set of cells at odd levels."""
    # Items in logical order: (code point whose level and class count, cell or -1).
    items = [(cell_base[k], k) for k in range(a, b)]
    if phantoms:
        items = sorted(items + [(p, -1) for p in phantoms])
    resolved = levels.levels
    item_levels = [resolved[i] for i, _ in items]
    if _SEGMENT_SEPARATORS.search(text, items[0][0], items[-1][0] + 1):
        item_levels = line_levels(
            [_bidi_class(text[i]) for i, _ in items], item_levels, levels.base_level
        )
    else:
        # Rule L1 without segment separators touches only the line's trailing run.
        j = len(items) - 1
        while j >= 0 and _bidi_class(text[items[j][0]]) in TRAILING_RESET:
            item_levels[j] = levels.base_level
            j -= 1
    order = [items[j][1] for j in visual_order(item_levels) if items[j][1] >= 0]
    odd = {k for (_, k), level in zip(items, item_levels, strict=True) if level % 2 and k >= 0}
    return order, odd
