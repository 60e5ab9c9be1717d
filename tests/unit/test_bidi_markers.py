"""Bidi markers: each explicit bidi control gets a visible cell of its own, and nothing else
about the layout changes (issue 10, part 7).

With ``bidi_markers`` the embeddings, overrides and isolates (U+202A-202E, U+2066-2069)
are drawn as marker symbols, never sent raw; every offset is still in exactly one cell
and the marker's cell holds its control's offset; the other characters keep the visual
order they have without markers (UAX #9 section 5.2: the retained controls take the
level of the character before them, so they never split a run).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from annotations.script import BIDI_CONTROLS, EXPLICIT_BIDI_CONTROLS
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.mirror import MIRRORED
from reader.text.sanitize import BIDI_MARKERS, display_char, has_bidi_overrides, marker_char
from tests.unit.test_layout_properties import (
    ARABIC,
    DIGITS,
    HEBREW,
    LATIN,
    MARKS,
    PROPERTY,
    PUNCTUATION,
)

CONTROLS = "".join(sorted(EXPLICIT_BIDI_CONTROLS)) + "\u200e\u200f\u061c\u200d"
with_controls = st.text(
    alphabet=st.sampled_from(
        ARABIC + HEBREW + LATIN + DIGITS + MARKS + PUNCTUATION + CONTROLS + "  "
    ),
    min_size=0,
    max_size=120,
)
widths = st.integers(min_value=1, max_value=100)
directions = st.sampled_from(["auto", "rtl", "ltr"])
modes = st.sampled_from(["self", "terminal"])


def test_each_explicit_control_has_one_marker_one_cell_wide_and_never_mirrored():
    assert set(BIDI_MARKERS) == EXPLICIT_BIDI_CONTROLS
    assert len(set(BIDI_MARKERS.values())) == len(BIDI_MARKERS)
    for control, marker in BIDI_MARKERS.items():
        assert cell_len(marker) == 1 and marker not in MIRRORED
        assert marker_char(control) == marker and display_char(control) == ""
        assert marker not in BIDI_CONTROLS


def test_the_implicit_marks_stay_invisible_with_markers():
    for mark in "\u200e\u200f\u061c":
        assert marker_char(mark) == ""
    assert marker_char("a") == "a" and marker_char("\x1b") == "\u241b"


@pytest.mark.parametrize("control", sorted(EXPLICIT_BIDI_CONTROLS))
def test_has_bidi_overrides_finds_each_explicit_control(control):
    assert has_bidi_overrides(f"invoice{control}fdp.exe")
    assert not has_bidi_overrides("invoice\u200ffdp.exe \u061c ABC سلام")


def test_the_spoofed_file_name_shows_its_override():
    text = "invoice\u202efdp.exe"
    (line,) = layout_paragraph(text, LayoutOptions(width=40, bidi_markers=True)).lines
    assert line.text == "invoice\u21c7exe.pdf"
    marker = next(c for c in line.cells if c.text == "\u21c7")
    assert (marker.start, marker.end) == (7, 8)
    (plain,) = layout_paragraph(text, LayoutOptions(width=40)).lines
    assert plain.text == "invoiceexe.pdf"  # what hamish showed before: no sign of it


def test_an_isolate_in_arabic_shows_both_of_its_markers():
    text = "قال \u2066Hamish 2.0\u2069 اليوم"
    (line,) = layout_paragraph(text, LayoutOptions(width=60, bidi_markers=True)).lines
    shown = [c for c in line.cells if c.text in ("\u21a6", "\u21a7")]
    assert [(c.text, c.start) for c in sorted(shown, key=lambda c: c.start)] == [
        ("\u21a6", 4),
        ("\u21a7", 15),
    ]
    # Read right to left: قال, the isolate's start, its left-to-right run, its end.
    assert line.text.strip().endswith("\u21a7Hamish 2.0\u21a6 \ufedd\ufe8e\ufed7")


@PROPERTY
@given(
    text=with_controls, width=widths, start=st.integers(0, 500), direction=directions, bidi=modes
)
def test_with_markers_every_offset_is_in_exactly_one_cell(text, width, start, direction, bidi):
    options = LayoutOptions(width=width, direction=direction, bidi=bidi, bidi_markers=True)
    layout = layout_paragraph(text, options, start=start)
    cells = [cell for line in layout.lines for cell in line.cells]
    offsets = [o for cell in cells for o in cell.offsets]
    assert sorted(offsets) == list(range(start, start + len(text)))
    for cell in cells:
        for o in cell.offsets:
            char = text[o - start]
            if char in EXPLICIT_BIDI_CONTROLS:
                # Its marker is drawn in the cell that holds its offset, as the cell's base.
                assert cell.text.startswith(BIDI_MARKERS[char]) and cell.width == 1
        assert not any(c in BIDI_CONTROLS for c in cell.text)  # never sent raw
    for line in layout.lines:
        assert line.width <= width or len(line.cells) == 1


def _visible_order(text: str, options: LayoutOptions) -> list[int]:
    """Offsets of the characters that take a column, in visual order, markers aside."""
    (line,) = layout_paragraph(text, options).lines
    return [
        o
        for cell in line.cells
        for o in cell.offsets
        if text[o] not in EXPLICIT_BIDI_CONTROLS and cell_len(display_char(text[o]))
    ]


@PROPERTY
@given(text=with_controls, direction=directions)
def test_markers_do_not_change_the_order_of_the_other_characters(text, direction):
    plain = LayoutOptions(width=10_000, direction=direction)
    marked = LayoutOptions(width=10_000, direction=direction, bidi_markers=True)
    assert _visible_order(text, marked) == _visible_order(text, plain)
    assert layout_paragraph(text, marked).rtl == layout_paragraph(text, plain).rtl
