"""Editing logical text: the model behind every text box of the reader (no Textual).

A value is kept exactly as it was typed, in logical order. What is drawn is the layout
engine's layout of it (:func:`reader.text.layout.layout_paragraph`: shaped, reordered,
sanitized cells, each knowing the logical offsets it shows) plus one column for the
cursor, so an Arabic word typed letter by letter shows joined, right to left, as the
article view shows it. The widgets (``reader/tui/widgets/rtl_input.py``) draw a
:class:`TextLayout` and send keys to the functions here.

The cursor is a logical offset (0 … ``len(value)``): where the next letter goes. It is
drawn as a block on the cell that the next letter would push aside — the cell showing
the offset just after the cursor — and, at the end of a paragraph, on the blank column
past its visual end: on the left of a right-to-left line, on the right of a
left-to-right one. The cursor stops at cell boundaries (never between a letter and its
harakat, nor inside a lam-alef ligature).

Moves:

- ``left``/``right`` go to the visually neighbouring cell of the cell map, so in
  right-to-left text ``left`` goes forward in logical order, as in the article view,
  and in mixed text the cursor jumps as the runs are ordered; past a row's edge they go
  on to the next row in reading order. With a selection and no shift, they drop it at
  its end in that direction.
- ``up``/``down`` (multi-line) go to the cell nearest the same column in the row above
  or below; consecutive up/down keep the first column (the goal).
- ``word_left``/``word_right`` are logical, in the line's direction (``word_left`` is
  forward in right-to-left text): forward to the end of the word, back to its start.
- ``line_start``/``line_end`` go to the logical start/end of the row (the value's, in a
  one-line box); ``start``/``end`` to those of the whole value.
- The selection is logical: ``[min(anchor, cursor), max(anchor, cursor))``; shift+moves
  move the cursor and keep the anchor; select all takes everything.

Deletion removes one *letter*: a base character with the combining marks (harakat)
after it, as they share a cell. A lam-alef ligature is two letters in one cell:
Backspace after it removes the alef (with its marks) and leaves the lam, as the letters
were typed; Delete before it removes the lam. An invisible format character (ZWNJ, ZWJ,
a bidi control) is a unit of its own, so a ZWNJ typed by mistake goes alone, without
the letter it follows.

What an input takes (:func:`is_typed_text`, :func:`clean_paste`): every character a key
or a paste gives but control characters. ZWNJ, ZWJ and the bidi controls are text: they
are kept in the value and drawn through the sanitizer (never sent raw). A paste keeps
only text: a tab becomes a space, other control characters (C0, DEL, C1: escape
sequences) are dropped, and each line break (``\\r\\n``, ``\\r``, U+2028, U+2029, …)
becomes one space in a one-line box and ``\\n`` in a multi-line one.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from annotations.script import SPLITLINES_BREAK_RE
from reader.text.document import WORD
from reader.text.layout import Cell, LayoutOptions, VisualLine, layout_paragraph
from reader.text.sanitize import is_mark

__all__ = [
    "LINE_BREAK",
    "MOVES",
    "EditState",
    "Row",
    "Slot",
    "TextLayout",
    "clean_paste",
    "delete_back",
    "delete_forward",
    "delete_word_back",
    "insert",
    "is_typed_text",
    "move",
    "paste",
    "select_all",
]

#: The one line break of a multi-line value (a paste's breaks are made this).
LINE_BREAK = "\n"

#: The moves :func:`move` knows (the key table's ``move('…')`` arguments).
MOVES = frozenset(
    {"left", "right", "up", "down", "word_left", "word_right", "line_start", "line_end"}
    | {"start", "end"}
)

# Categories a key's character or a paste never brings into a value: controls (C0, DEL,
# C1), lone surrogates, and the line and paragraph separators (a line break is typed
# with Enter, where there are lines).
_NOT_TEXT = frozenset({"Cc", "Cs", "Zl", "Zp"})
_STRONG_RTL = frozenset({"R", "AL"})


# --------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class EditState:
    """A value, the cursor (a logical offset) and the selection's anchor.

    ``anchor`` is None, or equal to ``cursor``, when nothing is selected. ``goal`` is
    the column up/down keep to while they are pressed one after another.
    """

    value: str = ""
    cursor: int = 0
    anchor: int | None = None
    goal: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.cursor <= len(self.value):
            raise ValueError(f"cursor {self.cursor} outside 0..{len(self.value)}")
        if self.anchor is not None and not 0 <= self.anchor <= len(self.value):
            raise ValueError(f"anchor {self.anchor} outside 0..{len(self.value)}")

    @classmethod
    def at_end(cls, value: str) -> EditState:
        """``value`` with the cursor after its last character, nothing selected."""
        return cls(value, len(value))

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected logical range ``(start, end)``, or None."""
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    @property
    def selected_text(self) -> str:
        selection = self.selection
        return "" if selection is None else self.value[selection[0] : selection[1]]


# --------------------------------------------------------------------------- layout


class Slot(NamedTuple):
    """A place the cursor can be drawn: a cell, or the blank past a paragraph's end."""

    col: int  # drawn column
    width: int  # columns it takes (1 for the blank)
    start: int  # the cursor offset it stands for
    end: int  # one past the offsets of its cell (== start for the blank)


@dataclass(frozen=True, slots=True)
class Row:
    """One drawn row: an engine line, moved right by ``shift`` columns, and its slots."""

    line: VisualLine
    shift: int  # drawn column = the engine's column + shift
    end_slot: int | None  # column of the blank past the paragraph's end (its last row only)
    slots: tuple[Slot, ...]  # left to right

    @property
    def rtl(self) -> bool:
        return self.line.rtl

    @property
    def cells(self) -> list[tuple[int, Cell]]:
        """(drawn column, cell) of each engine cell, left to right."""
        return [(cell.col + self.shift, cell) for cell in self.line.cells]

    @property
    def text(self) -> str:
        """The row as drawn, from column 0 (the engine's line, ``shift`` further right)."""
        cells = self.line.cells
        if not cells:
            return ""
        return " " * (cells[0].col + self.shift) + "".join(cell.text for cell in cells)


def _row(line: VisualLine, shift: int, last: bool, right_edge: int) -> Row:
    """A row of ``line``; ``last``: the paragraph ends on it (the cursor's blank is on it)."""
    cells = line.cells
    end_slot: int | None = None
    if last:
        if line.rtl:
            end_slot = (cells[0].col if cells else right_edge) + shift - 1
        else:
            end_slot = line.width + shift
    slots = [Slot(cell.col + shift, cell.width, cell.start, cell.end) for cell in cells]
    if end_slot is not None:
        blank = Slot(end_slot, 1, line.end, line.end)
        slots = [blank, *slots] if line.rtl else [*slots, blank]
    return Row(line, shift, end_slot, tuple(slots))


def _first_strong_rtl(text: str) -> bool:
    """Whether the first strong letter of ``text`` is right-to-left (rule P2, roughly)."""
    for char in text:
        klass = unicodedata.bidirectional(char)
        if klass == "L":
            return False
        if klass in _STRONG_RTL:
            return True
    return False


class TextLayout:
    """A value as drawn: rows of the engine's cells plus one column for the cursor.

    ``width=None``: one row, as wide as the text plus the cursor's column (a one-line
    box scrolls it). Otherwise the value's lines (split on ``\\n``) are wrapped to
    ``width - 1`` columns and each row takes ``width`` columns: the spare one holds the
    cursor past the visual end of a full line — on the left of a right-to-left row,
    whose cells move one column right for it. A line with no strong letter takes the
    direction of the value's first strong letter.
    """

    def __init__(self, value: str, width: int | None = None) -> None:
        self.value = value
        self.multiline = width is not None
        rows: list[Row] = []
        if width is None:
            # Wide enough never to wrap: no code point takes more than two columns.
            options = LayoutOptions(width=max(2 * len(value), 1))
            line = layout_paragraph(value, options).lines[0]
            first = line.cells[0].col if line.cells else 0
            shift = (1 if line.rtl else 0) - first
            rows.append(_row(line, shift, True, 0))
            self.width = line.width - first + 1
        else:
            self.width = max(width, 2)
            text_width = self.width - 1
            options = LayoutOptions(width=text_width, fallback_rtl=_first_strong_rtl(value))
            start = 0
            for index, paragraph in enumerate(value.split(LINE_BREAK)):
                lines = layout_paragraph(paragraph, options, start, index).lines
                for k, line in enumerate(lines):
                    rows.append(_row(line, 1 if line.rtl else 0, k == len(lines) - 1, text_width))
                start += len(paragraph) + 1
        self.rows: tuple[Row, ...] = tuple(rows)
        self._row_starts = [row.line.start for row in self.rows]
        self._units: list[int] | None = None

    # -- where things are ----------------------------------------------------------
    def row_of(self, offset: int) -> int:
        """The row on which the cursor at ``offset`` is drawn."""
        return max(bisect_right(self._row_starts, offset) - 1, 0)

    def slot_of(self, offset: int) -> tuple[int, int]:
        """(row, index of the slot in that row) where the cursor at ``offset`` is drawn."""
        r = self.row_of(offset)
        slots = self.rows[r].slots
        for i, slot in enumerate(slots):
            if slot.start <= offset < slot.end or slot.start == offset == slot.end:
                return r, i
        # Not reached for offsets of the value; the nearest slot otherwise.
        nearest = min(range(len(slots)), key=lambda i: abs(slots[i].start - offset))
        return r, nearest

    def locate(self, offset: int) -> tuple[int, int]:
        """(row, drawn column) of the cursor's block at ``offset``."""
        r, i = self.slot_of(offset)
        return r, self.rows[r].slots[i].col

    def offset_at(self, row: int, col: int) -> int:
        """The cursor offset of the slot at (or nearest to) drawn column ``col`` of ``row``."""
        slots = self.rows[max(0, min(row, len(self.rows) - 1))].slots
        for slot in slots:
            if slot.col <= col < slot.col + max(slot.width, 1):
                return slot.start
        return min(slots, key=lambda s: min(abs(s.col - col), abs(s.col + s.width - 1 - col))).start

    def cell_bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the cell that shows ``offset``; (offset, offset) at a line's end."""
        r, i = self.slot_of(offset)
        slot = self.rows[r].slots[i]
        return slot.start, slot.end

    # -- deletion units --------------------------------------------------------------
    def unit_starts(self) -> list[int]:
        """Where each letter (a base and its marks) or format character starts, in order."""
        if self._units is None:
            value = self.value
            starts: list[int] = []
            for row in self.rows:
                for cell in row.line.cells:
                    starts.append(cell.start)
                    starts.extend(
                        i for i in range(cell.start + 1, cell.end) if not is_mark(value[i])
                    )
            if self.multiline:
                starts.extend(i for i, char in enumerate(value) if char == LINE_BREAK)
            self._units = sorted(starts)
        return self._units

    def unit_before(self, offset: int) -> int:
        """The start of the letter (or format character, or line break) before ``offset``."""
        starts = self.unit_starts()
        i = bisect_left(starts, offset) - 1
        return starts[i] if i >= 0 else 0

    def unit_after(self, offset: int) -> int:
        """The end of the letter (or format character, or line break) at ``offset``."""
        starts = self.unit_starts()
        i = bisect_right(starts, offset)
        return starts[i] if i < len(starts) else len(self.value)


# --------------------------------------------------------------------------- moves


def _beside(layout: TextLayout, r: int, i: int, step: int, forward: bool) -> int | None:
    """The offset of the slot ``step`` to the side of slot ``i`` of row ``r``; past the
    row's edge, the first (forward) or last slot in logical order of the next row."""
    slots = layout.rows[r].slots
    j = i + step
    if 0 <= j < len(slots):
        return slots[j].start
    neighbour = r + (1 if forward else -1)
    if not 0 <= neighbour < len(layout.rows):
        return None
    starts = [slot.start for slot in layout.rows[neighbour].slots]
    return min(starts) if forward else max(starts)


def _word_end_after(value: str, offset: int) -> int:
    match = WORD.search(value, offset)
    return match.end() if match else len(value)


def _word_start_before(value: str, offset: int) -> int:
    start = 0
    for match in WORD.finditer(value, 0, offset):
        start = match.start()
    return start


def _line_end(layout: TextLayout, r: int) -> int:
    row = layout.rows[r]
    if row.end_slot is not None:
        return row.line.end
    # A wrapped row: its end is the next row's start, drawn there; stop on its last cell.
    return max(slot.start for slot in row.slots)


def move(state: EditState, layout: TextLayout, how: str, extend: bool = False) -> EditState:
    """The state after the move ``how`` (one of :data:`MOVES`); ``extend`` keeps the anchor."""
    if how not in MOVES:
        raise ValueError(f"unknown move {how!r}")
    if layout.value != state.value:
        raise ValueError("the layout is not of this value")
    value = state.value
    r, i = layout.slot_of(state.cursor)
    row = layout.rows[r]
    goal: int | None = None
    target: int | None
    if how in ("left", "right"):
        forward = (how == "left") == row.rtl
        selection = state.selection
        if selection is not None and not extend:
            return EditState(value, selection[1] if forward else selection[0])
        target = _beside(layout, r, i, -1 if how == "left" else 1, forward)
    elif how in ("up", "down"):
        goal = state.goal if state.goal is not None else row.slots[i].col
        above_or_below = r + (-1 if how == "up" else 1)
        target = None
        if 0 <= above_or_below < len(layout.rows):
            target = layout.offset_at(above_or_below, goal)
    elif how in ("word_left", "word_right"):
        if (how == "word_left") == row.rtl:
            end = _word_end_after(value, state.cursor)
            cell_start, cell_end = layout.cell_bounds(end)
            target = end if cell_start == end else cell_end  # inside a cell: after it
        else:
            target = layout.cell_bounds(_word_start_before(value, state.cursor))[0]
    elif how == "line_start":
        target = row.line.start
    elif how == "line_end":
        target = _line_end(layout, r)
    else:
        target = 0 if how == "start" else len(value)
    if target is None:
        target = state.cursor
    anchor = (state.cursor if state.anchor is None else state.anchor) if extend else None
    return EditState(value, target, anchor, goal)


def select_all(state: EditState) -> EditState:
    return EditState(state.value, len(state.value), 0)


# --------------------------------------------------------------------------- edits


def is_typed_text(char: str) -> bool:
    """Whether a key's character is text for an input (not a control or a line break)."""
    return len(char) == 1 and unicodedata.category(char) not in _NOT_TEXT


def clean_paste(text: str, *, multiline: bool) -> str:
    """Pasted text as an input takes it (see the module's docstring)."""
    text = SPLITLINES_BREAK_RE.sub(LINE_BREAK if multiline else " ", text)
    kept = []
    for char in text:
        if char == "\t":
            kept.append(" ")
        elif (char == LINE_BREAK and multiline) or is_typed_text(char):
            kept.append(char)
    return "".join(kept)


def insert(state: EditState, text: str) -> EditState:
    """``text`` typed at the cursor, over the selection if there is one."""
    low, high = state.selection or (state.cursor, state.cursor)
    value = state.value[:low] + text + state.value[high:]
    return EditState(value, low + len(text))


def paste(state: EditState, text: str, *, multiline: bool) -> EditState:
    return insert(state, clean_paste(text, multiline=multiline))


def _delete(state: EditState, start: int, end: int) -> EditState:
    return EditState(state.value[:start] + state.value[end:], start)


def delete_back(state: EditState, layout: TextLayout) -> EditState:
    """Backspace: the selection, or the letter (with its marks) before the cursor."""
    if state.selection is not None:
        return _delete(state, *state.selection)
    if state.cursor == 0:
        return EditState(state.value, 0)
    return _delete(state, layout.unit_before(state.cursor), state.cursor)


def delete_forward(state: EditState, layout: TextLayout) -> EditState:
    """Delete: the selection, or the letter (with its marks) after the cursor."""
    if state.selection is not None:
        return _delete(state, *state.selection)
    if state.cursor == len(state.value):
        return EditState(state.value, state.cursor)
    return _delete(state, state.cursor, layout.unit_after(state.cursor))


def delete_word_back(state: EditState) -> EditState:
    """The selection, or back to the start of the word before the cursor."""
    if state.selection is not None:
        return _delete(state, *state.selection)
    return _delete(state, _word_start_before(state.value, state.cursor), state.cursor)
