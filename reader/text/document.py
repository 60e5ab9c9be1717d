"""A whole article laid out lazily: visual lines on demand, an exact cell map, no Textual.

Paragraphs are laid out when a line of theirs is asked for (and cached per width);
until then each counts as an estimate of its line count, so opening a 50 MB article
costs what its first screen costs. :meth:`DocumentLayout.layout_some` lets a
background task make the estimates exact a chunk at a time.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from itertools import accumulate
from time import perf_counter

from annotations.script import ATTACHED_MARKS, WORD_JOINERS, char_ranges
from reader.text.layout import Cell, LayoutOptions, ParagraphLayout, VisualLine, layout_paragraph
from reader.text.paragraphs import Paragraph

# A word for ctrl+arrows and double-click: letters, digits and the marks, tatweel
# and joiners that belong inside Arabic and Hebrew words (\w holds no marks).
WORD = re.compile(rf"[\w{char_ranges(ATTACHED_MARKS | WORD_JOINERS)}]+")


class DocumentLayout:
    """Visual lines of an article's body at one width."""

    def __init__(self, text: str, paragraphs: Sequence[Paragraph], options: LayoutOptions) -> None:
        self.text = text
        self.paragraphs = list(paragraphs) or [Paragraph(0, len(text), len(text))]
        self._paragraph_starts = [p.start for p in self.paragraphs]
        self.options = options
        self._layouts: dict[int, ParagraphLayout] = {}
        self._counts = [self._estimate(p) for p in self.paragraphs]
        self._line_starts: list[int] | None = None
        self._next_unlaid = 0  # where layout_some goes on

    # -- sizes ---------------------------------------------------------------
    def _estimate(self, paragraph: Paragraph) -> int:
        length = paragraph.end - paragraph.start
        return max(1, -(-length // max(self.options.width, 1)))

    @property
    def width(self) -> int:
        return self.options.width

    @property
    def exact(self) -> bool:
        return len(self._layouts) == len(self.paragraphs)

    @property
    def laid_out(self) -> int:
        return len(self._layouts)

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0, *accumulate(self._counts)]
        return self._line_starts

    @property
    def line_count(self) -> int:
        return self._starts()[-1]

    def with_width(self, width: int) -> DocumentLayout:
        return DocumentLayout(self.text, self.paragraphs, replace(self.options, width=width))

    # -- paragraphs ----------------------------------------------------------
    def paragraph(self, index: int) -> ParagraphLayout:
        layout = self._layouts.get(index)
        if layout is None:
            p = self.paragraphs[index]
            layout = layout_paragraph(self.text[p.start : p.end], self.options, p.start, p.index)
            self._layouts[index] = layout
            if len(layout.lines) != self._counts[index]:
                self._counts[index] = len(layout.lines)
                self._line_starts = None
        return layout

    def paragraph_of_offset(self, offset: int) -> int:
        return max(0, bisect_right(self._paragraph_starts, offset) - 1)

    def first_line_of(self, index: int) -> int:
        return self._starts()[index]

    def layout_some(self, seconds: float = 0.01) -> bool:
        """Lay out paragraphs in order for about ``seconds``; True while some remain."""
        deadline = perf_counter() + seconds
        index = self._next_unlaid
        while index < len(self.paragraphs):
            if index not in self._layouts:
                self.paragraph(index)
                if perf_counter() >= deadline:
                    break
            index += 1
        self._next_unlaid = index
        return not self.exact

    # -- lines ---------------------------------------------------------------
    def _paragraph_at_line(self, y: int) -> int:
        return min(bisect_right(self._starts(), y) - 1, len(self.paragraphs) - 1)

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
            if first == self._starts()[index] and y - first < len(layout.lines):
                return layout.lines[y - first]
        index = self._paragraph_at_line(y)
        layout = self.paragraph(index)
        return layout.lines[min(y - self._starts()[index], len(layout.lines) - 1)]

    def locate(self, offset: int) -> tuple[int, VisualLine]:
        """The row and line that show ``offset`` (end of paragraph: its last line)."""
        index = self.paragraph_of_offset(offset)
        layout = self.paragraph(index)
        first = self.first_line_of(index)
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
