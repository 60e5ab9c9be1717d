"""The layout engine on known phrases: shaping, clusters, ligatures, wrapping, safety."""

from __future__ import annotations

import pytest
from bidi import get_display

from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.shaping import shape


def cells_of(text, **options):
    layout = layout_paragraph(text, LayoutOptions(**options))
    return [cell for line in layout.lines for cell in line.cells]


def visual(text, **options):
    return [line.text for line in layout_paragraph(text, LayoutOptions(**options)).lines]


def test_arabic_word_is_shaped_and_reversed_and_right_aligned():
    (line,) = visual("سلام", width=10)
    assert line == " " * 7 + "ﻡﻼﺳ"  # ﻡ ﻼ ﺳ: final meem, lam-alef ligature, initial seen


def test_lam_alef_ligature_is_one_cell_covering_both_letters():
    cells = cells_of("لا", width=10)
    assert [(c.text, list(c.offsets)) for c in cells] == [("\ufefb", [0, 1])]
    medial = cells_of("سلام", width=10)
    assert ("\ufefc", [1, 2]) in [(c.text, list(c.offsets)) for c in medial]


def test_marks_between_lam_and_alef_move_after_the_ligature():
    cells = cells_of("لَا", width=10)
    assert [(c.text, list(c.offsets)) for c in cells] == [("\ufefb\u064e", [0, 1, 2])]


def test_harakat_stay_after_their_base_letter_in_rtl_and_can_be_hidden():
    shown = cells_of("عُقِدَ", width=10)
    assert [c.text for c in shown] == ["\ufeaa\u064e", "\ufed8\u0650", "\ufecb\u064f"]
    hidden = cells_of("عُقِدَ", width=10, harakat=False)
    assert [c.text for c in hidden] == ["\ufeaa", "\ufed8", "\ufecb"]
    assert [list(c.offsets) for c in hidden] == [[4, 5], [2, 3], [0, 1]]


def test_allah_is_not_a_single_ligature_cell():
    cells = cells_of("الله", width=10)
    assert len(cells) == 4  # one cell per letter: the quote can start inside the word


def test_zwnj_breaks_joining_and_zwj_forces_it():
    persian = shape("می\u200cخواهم")
    assert persian[1] == "\ufbfd"  # FARSI YEH FINAL: ZWNJ stops the join to خ
    assert persian[3] == "\ufea7"  # KHAH INITIAL
    joined = shape("ب\u200d")
    assert joined == ["\ufe91", ""]  # BEH INITIAL: ZWJ joins; the ZWJ has no glyph
    cells = cells_of("ب\u200d ب", width=10)
    assert sorted(o for c in cells for o in c.offsets) == [0, 1, 2, 3]


def test_number_after_arabic_keeps_its_paragraph_context_across_a_line_break():
    # W2 makes "1 2" Arabic numbers because of the Arabic word before them, even on
    # the next line; reordering each line on its own would lose that.
    lines = visual("abc سلام 1 2 def", width=9)
    assert lines[-1].startswith("2 1")
    assert get_display("1 2 def") == "1 2 def"  # what a per-line get_display would show


def test_wrapped_rtl_paragraph_reads_top_to_bottom():
    lines = visual("واحد اثنان ثلاثة أربعة خمسة", width=12)
    first_words = [line.split()[-1] for line in lines]  # rightmost word of each line
    assert first_words == ["ﺪﺣﺍﻭ", "ﺔﺛﻼﺛ", "ﺔﺴﻤﺧ"]


def test_brackets_are_mirrored_at_odd_levels_only():
    assert visual("قال (نعم)", width=20) == ["           (ﻢﻌﻧ) ﻝﺎﻗ"]
    assert visual("say (yes)", width=20) == ["say (yes)"]
    assert visual("«نعم»", width=5) == ["«ﻢﻌﻧ»"]


def test_latin_and_numbers_inside_arabic_stay_left_to_right():
    (line,) = visual("صندوق IMF عام 2024", width=30)
    assert "IMF" in line and "2024" in line
    assert line.index("2024") < line.index("IMF")  # later logical words are further left


def test_a_word_longer_than_the_line_is_split():
    lines = visual("abcdefghij", width=4)
    assert lines == ["abcd", "efgh", "ij"]


def test_lines_break_after_spaces():
    assert visual("one two three", width=8) == ["one two ", "three"]


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("clear \x1b[2J now", "\x1b"),
        ("title \x1b]0;pwned\x07 x", "\x07"),
        ("invoice\u202efdp.exe", "\u202e"),
        ("a \u2066iso\u2069 b", "\u2066"),
        ("c1 \x9b31m x", "\x9b"),
        ("nul \x00 x", "\x00"),
    ],
)
def test_controls_and_bidi_overrides_never_reach_the_terminal(text, forbidden):
    cells = cells_of(text, width=80)
    printed = "".join(c.text for c in cells)
    assert forbidden not in printed
    assert sorted(o for c in cells for o in c.offsets) == list(range(len(text)))


def test_escape_is_shown_as_a_visible_symbol():
    printed = "".join(c.text for c in cells_of("x\x1b[2J", width=80))
    assert printed == "x\u241b[2J"


def test_override_is_honoured_inside_the_paragraph_but_not_sent():
    (line,) = visual("invoice\u202efdp.exe", width=40)
    assert line == "invoiceexe.pdf"


def test_terminal_mode_sends_logical_unshaped_text():
    cells = cells_of("سلام 12", width=20, bidi="terminal")
    assert "".join(c.text for c in cells) == "سلام 12"
    assert [c.start for c in cells] == list(range(7))
    assert cells[0].col == 0


def test_forced_direction_overrides_detection():
    assert layout_paragraph("abc", LayoutOptions(width=5, direction="rtl")).lines[0].text == "  abc"
    assert layout_paragraph("سلام", LayoutOptions(width=5, direction="ltr")).lines[0].text == "ﻡﻼﺳ"


def test_paragraph_without_strong_letters_follows_the_article_direction():
    rtl = layout_paragraph("2024/04/03", LayoutOptions(width=12, fallback_rtl=True))
    ltr = layout_paragraph("2024/04/03", LayoutOptions(width=12))
    assert rtl.rtl and rtl.lines[0].text == "  2024/04/03"
    assert not ltr.rtl and ltr.lines[0].text == "2024/04/03"


def test_empty_paragraph_is_one_line_without_cells():
    layout = layout_paragraph("", LayoutOptions(width=10), start=7)
    assert [(line.start, line.end, line.cells) for line in layout.lines] == [(7, 7, ())]


def test_wide_characters_take_two_columns():
    cells = cells_of("中文", width=10)
    assert [(c.col, c.width) for c in cells] == [(0, 2), (2, 2)]


@pytest.mark.parametrize("invisible", ["\u200e", "\u200f", "\u2068", "\u202b", "\u2066"])
def test_a_leading_invisible_character_does_not_move_the_first_letter(invisible):
    (line,) = visual(invisible + "سلام عليكم", width=20)
    assert line.endswith("ﻢﻜﻴﻠﻋ ﻡﻼﺳ")
