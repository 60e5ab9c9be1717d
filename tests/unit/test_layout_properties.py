"""Properties of the layout engine over random mixed-script paragraphs (DESIGN section 3)."""

from __future__ import annotations

import os

from bidi import get_display
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.mirror import MIRRORED
from reader.text.sanitize import is_mark
from reader.text.shaping import shape

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئلا"
PERSIAN_URDU = "پچژگکیٹڈڑںےھ\u200c"
HEBREW = "אבגדהוזחטיכלמנסעפצקרשת"
LATIN = "abcdefghijKLMNOPxyz"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۱۲۳"
MARKS = "\u064b\u064e\u064f\u0650\u0651\u0652\u0670\u05b8\u05bc"
PUNCTUATION = ".,:;!?-/%()[]«»\"'+"
OTHER = "\u0640\u200d\u200f\u200e\u2066\u2067\u2068\u2069\u202b\u202c"

INVISIBLE = "\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"

paragraphs = st.text(
    alphabet=st.sampled_from(
        ARABIC + PERSIAN_URDU + HEBREW + LATIN + DIGITS + MARKS + PUNCTUATION + OTHER + "    "
    ),
    min_size=0,
    max_size=160,
)
widths = st.integers(min_value=1, max_value=120)
PROPERTY = settings(
    max_examples=int(os.environ.get("HAMISH_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(
    text=paragraphs,
    width=widths,
    start=st.integers(0, 5000),
    direction=st.sampled_from(["auto", "rtl", "ltr"]),
)
def test_every_offset_in_exactly_one_cell(text, width, start, direction):
    layout = layout_paragraph(text, LayoutOptions(width=width, direction=direction), start=start)
    offsets = [o for line in layout.lines for cell in line.cells for o in cell.offsets]
    assert sorted(offsets) == list(range(start, start + len(text)))


@PROPERTY
@given(text=paragraphs, width=widths, direction=st.sampled_from(["auto", "rtl", "ltr"]))
def test_lines_are_contiguous_logical_ranges_in_logical_order(text, width, direction):
    layout = layout_paragraph(text, LayoutOptions(width=width, direction=direction))
    position = 0
    for line in layout.lines:
        assert line.start == position
        covered = sorted(o for cell in line.cells for o in cell.offsets)
        assert covered == list(range(line.start, line.end))
        position = line.end
    assert position == len(text)


@PROPERTY
@given(text=paragraphs, width=widths)
def test_no_line_wider_than_the_width_and_columns_are_consistent(text, width):
    layout = layout_paragraph(text, LayoutOptions(width=width))
    for line in layout.lines:
        assert line.width <= width or len(line.cells) == 1
        col = line.cells[0].col if line.cells else 0
        for cell in line.cells:
            assert cell.col == col
            col += cell.width
        if layout.rtl and line.cells:
            assert line.width == width or line.cells[0].col == 0  # right-aligned
        elif line.cells:
            assert line.cells[0].col == 0  # left-aligned


def _shaped(text: str) -> str:
    return "".join(shape(text))


@PROPERTY
@given(text=paragraphs)
def test_unwrapped_paragraph_equals_get_display_of_the_same_shaping(text):
    if any(is_mark(c) or c in MIRRORED for c in text):
        return  # marks (L3 clustering) and mirroring (L4) are where we differ on purpose
    layout = layout_paragraph(text, LayoutOptions(width=10_000))
    (line,) = layout.lines
    ours = "".join(cell.text for cell in line.cells)
    base_dir = "R" if layout.rtl else "L"
    theirs = get_display(_shaped(text), base_dir=base_dir)
    # Invisible format characters (ZWJ, ZWNJ, LRM, RLM) are not sent to the terminal.
    theirs = "".join(c for c in theirs if c not in INVISIBLE)
    assert ours == theirs
