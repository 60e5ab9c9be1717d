"""A whole article laid out lazily: visual lines on demand, an exact cell map, no Textual.

Paragraphs are laid out when a line of theirs is asked for; until then each counts as
an estimate of its line count, so opening a 50 MB article costs what its first screen
costs. :meth:`DocumentLayout.layout_some` lets a background task make the estimates
exact a chunk at a time.

Memory is bounded by what is shown, not by the article. Laid-out paragraphs (their
cells: some 250 bytes each) are kept in a least-recently-used cache of
:attr:`DocumentLayout.cache_rows` rows (the view sets it to a few screens: see
``CACHE_SCREENS`` in ``reader/tui/widgets/article_view.py``), and never fewer than
:attr:`DocumentLayout.cache_paragraphs` paragraphs, so every paragraph of a screen
stays cached while it is drawn even when one of them alone is taller than the budget.
What is kept of every paragraph is one small int in an array: its row count, an
estimate until the paragraph has been laid out once (``_measured``), exact from then
on, whether its cells are still cached or not. The background layout only measures:
it lays a paragraph out, keeps its row count and drops its cells. A row's position is
the sum of the counts above it, so rows shift when an estimate above them is
corrected; the cell map of every row shown is always the engine's own, exact
(docs/layout.md).

Rows are a paragraph's visual lines, each paragraph's block led by the blank rows that
:func:`reader.text.structure.spacing_before` puts before it (``VisualLine.spacing``: no
cells, no offsets). Which paragraphs are headings is :mod:`reader.text.structure`'s rule;
a heading is laid out like any paragraph and drawn in its own style by the reader.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from time import perf_counter

from annotations.script import ATTACHED_MARKS, PARAGRAPH_BREAKS, WORD_JOINERS, char_ranges
from reader.text.fold import find_folded, fold
from reader.text.layout import Cell, LayoutOptions, ParagraphLayout, VisualLine, layout_paragraph
from reader.text.paragraphs import Paragraph
from reader.text.structure import (
    looks_like_heading,
    markdown_heading,
    nearest_text,
    plain_heading_level,
    spacing_before,
)

# A word for ctrl+arrows and double-click: letters, digits and the marks, tatweel
# and joiners that belong inside Arabic and Hebrew words (\w holds no marks).
WORD = re.compile(rf"[\w{char_ranges(ATTACHED_MARKS | WORD_JOINERS)}]+")

#: Rows of laid-out paragraphs a document keeps when nobody says how many (a view sets
#: its own from its height): five screens of 50 rows.
DEFAULT_CACHE_ROWS = 250
#: The fewest paragraphs the cache keeps, whatever their rows, when nobody says (a view
#: sets its height and a few more): a screen's rows belong to at most that many
#: paragraphs, so what is drawn is never laid out again while it is drawn, even when a
#: single paragraph is taller than ``cache_rows``.
DEFAULT_CACHE_PARAGRAPHS = 54


@dataclass(frozen=True, slots=True)
class Heading:
    """A paragraph that is a heading: its level (1-6) and where its words start.

    ``text_start`` is past a Markdown heading's ``#`` marks (the paragraph's start for a
    plain-text subheading): the cells before it are the marks.
    """

    level: int
    text_start: int


#: Characters of text folded at a time by :func:`find_matches` (about 2-4 MB of folded
#: text and its map at once, instead of several copies of the whole article).
SEARCH_CHUNK = 1 << 20


def find_matches(
    text: str,
    query: str,
    start: int = 0,
    *,
    limit: int = 100_000,
    chunk: int = SEARCH_CHUNK,
) -> list[tuple[int, int]]:
    """The matches of ``query`` in ``text[start:]``, as :func:`reader.text.fold.find_all`
    finds them in the whole text (the same spans, in order, at most ``limit``).

    The text is folded about ``chunk`` characters at a time, each piece ending at a
    paragraph break: folding never drops or makes a break, so a query without one never
    matches across a break, and a match's trailing marks never follow one. Memory is a
    piece's, whatever the text's length (a 50 MB article folded whole takes several times
    its size). A query holding a paragraph break is searched in the whole text at once.
    """
    needle = fold(query).text
    if not needle or limit <= 0:
        return []
    end = len(text)
    if any(c in PARAGRAPH_BREAKS for c in needle):
        piece = text[start:]
        return [(s + start, e + start) for s, e in find_folded(fold(piece), needle, piece, limit)]
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end and len(spans) < limit:
        cut = end
        if pos + chunk < end:
            cut = max(text.rfind(c, pos, pos + chunk) for c in PARAGRAPH_BREAKS) + 1
            if cut <= pos:  # a paragraph longer than a chunk: up to its end
                found = [i for c in PARAGRAPH_BREAKS if (i := text.find(c, pos + chunk)) >= 0]
                cut = min(found) + 1 if found else end
        piece = text[pos:cut]
        for s, e in find_folded(fold(piece), needle, piece, limit - len(spans)):
            spans.append((s + pos, e + pos))
        pos = cut
    return spans


class DocumentLayout:
    """Visual lines of an article's body at one width."""

    def __init__(
        self,
        text: str,
        paragraphs: Sequence[Paragraph],
        options: LayoutOptions,
        *,
        cache_rows: int = DEFAULT_CACHE_ROWS,
        cache_paragraphs: int = DEFAULT_CACHE_PARAGRAPHS,
    ) -> None:
        self.text = text
        self.paragraphs = list(paragraphs) or [Paragraph(0, len(text), len(text))]
        self._paragraph_starts = [p.start for p in self.paragraphs]
        self.options = options
        #: The rows of laid-out paragraphs kept (see the module), and the fewest
        #: paragraphs kept whatever their rows.
        self.cache_rows = cache_rows
        self.cache_paragraphs = cache_paragraphs
        self._layouts: OrderedDict[int, ParagraphLayout] = OrderedDict()  # least recent first
        self._held_rows = 0  # the lines of the paragraphs in _layouts
        n = len(self.paragraphs)
        self._measured = bytearray(n)  # 1: the paragraph's count is exact
        self._measured_total = 0
        self._lead = bytearray(n)  # blank rows before a measured paragraph
        self._heading_known = bytearray(n)  # 1: heading(i) was worked out
        self._headings: dict[int, Heading] = {}  # only the paragraphs that are headings
        # Until a paragraph is laid out, the blank row before it is a guess too.
        lead = 1 if options.paragraph_spacing and not options.markdown else 0
        width = max(options.width, 1)
        self._counts = array(
            "q", [max(1, -(-(p.end - p.start) // width)) + lead for p in self.paragraphs]
        )
        if self._counts:
            self._counts[0] -= lead
        self._line_starts: list[int] | None = None
        self._next_unlaid = 0  # where layout_some goes on

    # -- sizes ---------------------------------------------------------------
    @property
    def width(self) -> int:
        return self.options.width

    @property
    def exact(self) -> bool:
        """Whether every paragraph's row count is known (not an estimate)."""
        return self._measured_total == len(self.paragraphs)

    @property
    def laid_out(self) -> int:
        """How many paragraphs have been laid out (measured) at least once."""
        return self._measured_total

    @property
    def cached_paragraphs(self) -> int:
        """How many paragraphs' cells are held now."""
        return len(self._layouts)

    @property
    def cached_rows(self) -> int:
        """The lines of the paragraphs whose cells are held now."""
        return self._held_rows

    @property
    def cached_cells(self) -> int:
        """The cells held now (what the cache's memory is made of)."""
        return sum(len(line.cells) for layout in self._layouts.values() for line in layout.lines)

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = list(accumulate(self._counts, initial=0))
        return self._line_starts

    @property
    def line_count(self) -> int:
        return self._starts()[-1]

    def with_width(self, width: int) -> DocumentLayout:
        document = DocumentLayout(
            self.text,
            self.paragraphs,
            replace(self.options, width=width),
            cache_rows=self.cache_rows,
            cache_paragraphs=self.cache_paragraphs,
        )
        # Headings do not depend on the width.
        document._headings = self._headings
        document._heading_known = self._heading_known
        return document

    # -- paragraphs ----------------------------------------------------------
    def paragraph(self, index: int) -> ParagraphLayout:
        """Paragraph ``index`` laid out (from the cache, or laid out and cached)."""
        layouts = self._layouts
        layout = layouts.get(index)
        if layout is not None:
            layouts.move_to_end(index)
            return layout
        layout = self._lay_out(index)
        layouts[index] = layout
        self._held_rows += len(layout.lines)
        while self._held_rows > self.cache_rows and len(layouts) > self.cache_paragraphs:
            _, dropped = layouts.popitem(last=False)
            self._held_rows -= len(dropped.lines)
        return layout

    def _lay_out(self, index: int) -> ParagraphLayout:
        """Lay paragraph ``index`` out and make its row count exact (not cached here)."""
        p = self.paragraphs[index]
        layout = layout_paragraph(self.text[p.start : p.end], self.options, p.start, p.index)
        if not self._measured[index]:
            lead = self._lead[index] = self.spacing_rows(index)
            self._measured[index] = 1
            self._measured_total += 1
            if lead + len(layout.lines) != self._counts[index]:
                self._counts[index] = lead + len(layout.lines)
                self._line_starts = None
        return layout

    # -- structure -------------------------------------------------------------
    def _line_text(self, index: int) -> str:
        p = self.paragraphs[index]
        return self.text[p.start : p.end]

    def _line_or_none(self, index: int) -> str | None:
        return self._line_text(index) if 0 <= index < len(self.paragraphs) else None

    def heading(self, index: int) -> Heading | None:
        """Paragraph ``index`` as a heading (reader.text.structure's rule), or None."""
        if self._heading_known[index]:
            return self._headings.get(index)
        p = self.paragraphs[index]
        line = self._line_text(index)
        found: Heading | None = None
        if self.options.markdown:
            atx = markdown_heading(line)
            if atx is not None:
                found = Heading(atx[0], p.start + atx[1])
        elif looks_like_heading(line):  # a cheap test first: most lines are long
            before = nearest_text(self._line_or_none, index, -1)
            after = nearest_text(self._line_or_none, index, 1)
            level = plain_heading_level(line, before, after)
            if level:
                found = Heading(level, p.start)
        if found is not None:
            self._headings[index] = found
        self._heading_known[index] = 1
        return found

    def spacing_rows(self, index: int) -> int:
        """How many blank rows go before paragraph ``index`` (0 or 1)."""
        if index == 0:
            return 0
        return spacing_before(
            self._line_text(index - 1),
            self._line_text(index),
            previous_heading=self.heading(index - 1) is not None,
            heading=self.heading(index) is not None,
            paragraph_spacing=self.options.paragraph_spacing,
            markdown=self.options.markdown,
        )

    def paragraph_of_offset(self, offset: int) -> int:
        return max(0, bisect_right(self._paragraph_starts, offset) - 1)

    def first_line_of(self, index: int) -> int:
        return self._starts()[index]

    def layout_some(self, seconds: float = 0.01) -> bool:
        """Measure paragraphs in order for about ``seconds``; True while some remain.

        Each is laid out for its row count only: its cells are not kept (nor is the
        cache disturbed, so what is on screen stays laid out).
        """
        deadline = perf_counter() + seconds
        index = self._next_unlaid
        measured = self._measured
        while index < len(self.paragraphs):
            if not measured[index]:
                self._lay_out(index)
                if perf_counter() >= deadline:
                    index += 1
                    break
            index += 1
        self._next_unlaid = index
        return not self.exact

    # -- lines ---------------------------------------------------------------
    def _paragraph_at_line(self, y: int) -> int:
        return min(bisect_right(self._starts(), y) - 1, len(self.paragraphs) - 1)

    def _row_in(self, index: int, layout: ParagraphLayout, k: int) -> VisualLine:
        """Row ``k`` of paragraph ``index``'s block: a blank row first, then its lines."""
        lead = self._lead[index]
        if k < lead:
            p = self.paragraphs[index]
            return VisualLine(index, layout.rtl, p.start, p.start, (), spacing=True)
        return layout.lines[k - lead]

    def line(self, y: int) -> VisualLine | None:
        """The visual line at row ``y`` (laying out its paragraph if needed)."""
        if y < 0:
            return None
        for _ in range(8):  # an estimate may change when its paragraph is laid out
            if y >= self.line_count:
                return None
            index = self._paragraph_at_line(y)
            first = self._starts()[index]
            layout = self.paragraph(index)
            if first == self._starts()[index] and y - first < self._counts[index]:
                return self._row_in(index, layout, y - first)
        index = self._paragraph_at_line(y)
        layout = self.paragraph(index)
        return self._row_in(index, layout, min(y - self._starts()[index], self._counts[index] - 1))

    def text_row(self, y: int, step: int) -> int | None:
        """Row ``y`` if it shows text, else the nearest one that does going by ``step``."""
        while (line := self.line(y)) is not None:
            if not line.spacing:
                return y
            y += step
        return None

    def locate(self, offset: int) -> tuple[int, VisualLine]:
        """The row and line that show ``offset`` (end of paragraph: its last line)."""
        index = self.paragraph_of_offset(offset)
        layout = self.paragraph(index)
        first = self.first_line_of(index) + self._lead[index]
        for i, line in enumerate(layout.lines):
            if offset < line.end or i == len(layout.lines) - 1:
                return first + i, line
        raise AssertionError("unreachable")  # pragma: no cover

    def cell_at(self, offset: int) -> Cell | None:
        """The cell showing ``offset``, if any (None on an empty line)."""
        _, line = self.locate(offset)
        for cell in line.cells:
            if cell.start <= offset < cell.end:
                return cell
        return None

    def snap(self, offset: int) -> int:
        """``offset`` moved back to the start of its cell (cluster, ligature)."""
        cell = self.cell_at(offset)
        return cell.start if cell is not None else self.locate(offset)[1].start

    # -- positions -----------------------------------------------------------
    @property
    def start(self) -> int:
        return self.paragraphs[0].start

    @property
    def end(self) -> int:
        """The last offset a cursor can stand on."""
        last = self.paragraph(len(self.paragraphs) - 1)
        line = last.lines[-1]
        return (line.cells and max(c.start for c in line.cells)) or line.start

    def word_at(self, offset: int) -> tuple[int, int]:
        """The word around ``offset`` (or the single cell if it is not in a word)."""
        p = self.paragraphs[self.paragraph_of_offset(offset)]
        for match in WORD.finditer(self.text, p.start, p.end):
            if match.start() <= offset < match.end():
                return match.start(), match.end()
        cell = self.cell_at(offset)
        return (cell.start, cell.end) if cell else (offset, offset)

    def next_word(self, offset: int) -> int:
        """The start of the next word after ``offset`` (logical order), or the end."""
        match = WORD.search(self.text, offset)
        while match is not None and match.start() <= offset:
            match = WORD.search(self.text, match.end())
        return self.snap(match.start()) if match else self.end

    def word_end_after(self, offset: int) -> int:
        """The last cell of the first word ending after ``offset``'s cell (or the end).

        Extending a selection by words stops on a word's last cell, so the selection
        holds whole words (the cursor's cell is part of a selection).
        """
        after = offset + 1
        match = WORD.search(self.text, after)
        while match is not None and match.end() <= after:
            match = WORD.search(self.text, match.end())
        if match is None:
            return self.end
        return self.snap(match.end() - 1)

    def previous_word(self, offset: int) -> int:
        """The start of the word before ``offset``, or the start."""
        best = self.start
        index = self.paragraph_of_offset(offset)
        while index >= 0:
            p = self.paragraphs[index]
            for match in WORD.finditer(self.text, p.start, min(p.end, offset)):
                if match.start() < offset:
                    best = match.start()
            if best > p.start or (best == p.start and offset > p.start):
                return self.snap(best)
            index -= 1
        return self.start
