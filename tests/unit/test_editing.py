"""The editing model of the reader's text boxes (reader/text/editing.py), headless.

What is drawn is the layout engine's layout of the logical value; the value is exactly
what was typed; moves follow the engine's cell map.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from annotations.script import BIDI_CONTROLS, ZWNJ
from reader.text.editing import (
    EditState,
    TextLayout,
    clean_paste,
    delete_back,
    delete_forward,
    delete_word_back,
    insert,
    is_typed_text,
    move,
    paste,
    select_all,
)
from reader.text.layout import LayoutOptions, layout_paragraph
from tests.paths import ROOT

SANDOOQ = "صندوق"  # ص ن د و ق
IMF = "صندوق النقد الدولي"
PERSIAN = "می" + ZWNJ + "خواهم"  # "I want": the ZWNJ keeps ی from joining خ
MIXED = "ابج Hello 123"
HEBREW = "שלום 12 abc"
FARSI_YEH_FINAL, FARSI_YEH_MEDIAL = "\ufbfd", "\ufbff"


def typed(text: str, state: EditState | None = None) -> EditState:
    """``text`` typed one character at a time."""
    state = state or EditState()
    for char in text:
        state = insert(state, char)
    return state


def engine_text(value: str) -> str:
    """The engine's own layout of ``value`` on one line, cells only (no alignment)."""
    line = layout_paragraph(value, LayoutOptions(width=1000)).lines[0]
    return "".join(cell.text for cell in line.cells)


def moves(value: str, hows: list[str], cursor: int = 0, width: int | None = None) -> list[int]:
    layout = TextLayout(value, width)
    state = EditState(value, cursor)
    seen = []
    for how in hows:
        state = move(state, layout, how)
        seen.append(state.cursor)
    return seen


# --------------------------------------------------------------------------- typing and drawing


@pytest.mark.parametrize("text", [SANDOOQ, IMF, PERSIAN, MIXED, HEBREW, "abc", "٢٠٢٤ سنة"])
def test_the_value_is_what_was_typed_and_the_row_is_the_engines_layout(text):
    state = typed(text)
    assert state.value == text and state.cursor == len(text)
    row = TextLayout(state.value).rows[0]
    assert row.text.strip(" ") == engine_text(text).strip(" ")
    # Every offset typed is shown by exactly one cell of the drawn row.
    shown = sorted(offset for _, cell in row.cells for offset in cell.offsets)
    assert shown == list(range(len(text)))


def test_arabic_is_drawn_joined_right_to_left_with_the_cursor_on_the_left():
    layout = TextLayout(typed(SANDOOQ).value)
    row = layout.rows[0]
    # Shaped and reversed: qaf (final) on the left, sad (initial) on the right.
    assert row.text == " \ufed5\ufeed\ufeaa\ufee8\ufebb"
    assert row.rtl and layout.width == 6
    # The cursor after the last letter is drawn past its visual end: on the left.
    assert layout.locate(5) == (0, 0)
    # At the start it is on the first letter (the rightmost cell): the next letter
    # typed there pushes it to the left.
    assert layout.locate(0) == (0, 5)


def test_the_cursor_after_latin_text_is_on_the_right():
    layout = TextLayout("abc")
    assert layout.rows[0].text == "abc"
    assert layout.locate(3) == (0, 3) and layout.locate(0) == (0, 0)


def test_persian_zwnj_survives_and_keeps_yeh_from_joining():
    state = typed(PERSIAN)
    assert state.value == PERSIAN and ZWNJ in state.value
    row = TextLayout(state.value).rows[0]
    yeh = next(cell for _, cell in row.cells if cell.start == 1)
    assert (yeh.start, yeh.end) == (1, 3)  # ی and the ZWNJ after it share a cell
    assert yeh.text == FARSI_YEH_FINAL
    without = TextLayout("میخواهم").rows[0]
    assert next(c for _, c in without.cells if c.start == 1).text == FARSI_YEH_MEDIAL
    assert row.text.strip() == engine_text(PERSIAN)


def test_bidi_controls_typed_are_kept_in_the_value_but_never_drawn_raw():
    text = "invoice\u202efdp.exe"
    state = typed(text)
    assert state.value == text
    drawn = TextLayout(state.value).rows[0].text
    assert not set(drawn) & BIDI_CONTROLS
    assert drawn.strip() == engine_text(text)


def test_control_characters_in_a_value_are_drawn_as_symbols():
    drawn = TextLayout("a\x1b[2Jb").rows[0].text
    assert "\x1b" not in drawn and "\u241b" in drawn


# --------------------------------------------------------------------------- moves


def test_in_arabic_left_goes_forward_and_right_goes_back():
    assert moves(SANDOOQ, ["left"] * 7) == [1, 2, 3, 4, 5, 5, 5]
    assert moves(SANDOOQ, ["right"] * 6, cursor=5) == [4, 3, 2, 1, 0, 0]


def test_mixed_runs_follow_the_cell_map():
    # Drawn " Hello 123 جبا": left from alef walks the cells right to left, so after the
    # Arabic word it jumps to the end of the Latin run and walks it backwards.
    assert moves(MIXED, ["left"] * 14) == [1, 2, 3, 12, 11, 10, 9, 8, 7, 6, 5, 4, 13, 13]
    assert moves(MIXED, ["right"] * 3, cursor=13) == [4, 5, 6]


def test_hebrew_with_digits_and_latin_follows_the_cell_map():
    assert moves(HEBREW, ["left"] * 12) == [1, 2, 3, 4, 6, 5, 7, 10, 9, 8, 11, 11]


def test_latin_arrows_are_the_usual_ones():
    assert moves("abc", ["right"] * 4) == [1, 2, 3, 3]
    assert moves("abc", ["left"] * 2, cursor=2) == [1, 0]


def test_the_cursor_never_stops_inside_a_cell():
    # بَ (beh, fatha) then ت, and a lam-alef ligature: one cell each.
    assert moves("بَت", ["left"] * 2) == [2, 3]
    assert moves("لا", ["left"]) == [2]
    assert moves("لَا", ["left"]) == [3]


def test_word_moves_are_logical_in_the_lines_direction():
    # In right-to-left text ctrl+left goes forward, to the end of the word.
    assert moves(IMF, ["word_left"] * 4) == [5, 11, 18, 18]
    assert moves(IMF, ["word_right"] * 4, cursor=18) == [12, 6, 0, 0]
    assert moves("abc def", ["word_right", "word_right", "word_left", "word_left"]) == [3, 7, 4, 0]


def test_home_and_end_are_the_logical_start_and_end():
    assert moves(IMF, ["line_end", "line_start"], cursor=7) == [18, 0]


# --------------------------------------------------------------------------- selection


def test_shift_moves_select_in_logical_order():
    layout = TextLayout(IMF)
    state = EditState(IMF, 0)
    for _ in range(2):
        state = move(state, layout, "word_left", extend=True)
    assert state.selection == (0, 11) and state.selected_text == "صندوق النقد"
    state = move(state, layout, "right", extend=True)  # back one cell: logical, not visual
    assert state.selection == (0, 10)


def test_an_arrow_without_shift_drops_the_selection_at_its_end_that_way():
    layout = TextLayout(SANDOOQ)
    state = EditState(SANDOOQ, 3, anchor=1)
    assert move(state, layout, "left") == EditState(SANDOOQ, 3)  # left is forward here
    assert move(state, layout, "right") == EditState(SANDOOQ, 1)


def test_typing_over_a_selection_replaces_it_and_select_all_takes_everything():
    state = EditState(IMF, 11, anchor=6)
    assert insert(state, "الدولي") == EditState("صندوق الدولي الدولي", 12)
    everything = select_all(EditState(IMF, 3))
    assert everything.selected_text == IMF
    assert insert(everything, "x") == EditState("x", 1)


def test_mixed_selection_is_one_logical_range():
    layout = TextLayout(MIXED)
    state = EditState(MIXED, 2)
    for _ in range(4):
        state = move(state, layout, "left", extend=True)
    # Visually the cells are apart (ج on the right, "Hello " on the left of "123");
    # logically the selection is the range between anchor and cursor.
    assert state.cursor == 10 and state.selection == (2, 10)
    assert state.selected_text == "ج Hello "


# --------------------------------------------------------------------------- deletion


def test_backspace_and_delete_take_a_letter_with_its_marks():
    text = "بَت"
    assert delete_back(EditState(text, 2), TextLayout(text)) == EditState("ت", 0)
    assert delete_forward(EditState(text, 0), TextLayout(text)) == EditState("ت", 0)
    arabic = typed("مُحَمَّد")
    layout = TextLayout(arabic.value)
    assert delete_back(arabic, layout) == EditState("مُحَمَّ", 7)
    # The second meem goes with its shadda and fatha.
    assert delete_back(EditState(arabic.value, 7), layout) == EditState("مُحَد", 4)


def test_backspace_after_lam_alef_leaves_the_lam_and_delete_before_it_leaves_the_alef():
    for text, after_backspace in (("لا", "ل"), ("لَا", "لَ"), ("سلام", "سلم")):
        end = text.index("ا") + 1
        layout = TextLayout(text)
        state = delete_back(EditState(text, end), layout)
        assert state == EditState(after_backspace, end - 1)
    assert delete_forward(EditState("لا", 0), TextLayout("لا")) == EditState("ا", 0)


def test_backspace_after_a_zwnj_takes_only_the_zwnj():
    state = typed("می" + ZWNJ)
    assert delete_back(state, TextLayout(state.value)) == EditState("می", 2)
    state = typed(PERSIAN)
    assert delete_back(EditState(PERSIAN, 3), TextLayout(PERSIAN)) == EditState("میخواهم", 2)


def test_backspace_at_the_start_and_delete_at_the_end_do_nothing():
    layout = TextLayout(SANDOOQ)
    assert delete_back(EditState(SANDOOQ, 0), layout) == EditState(SANDOOQ, 0)
    assert delete_forward(EditState(SANDOOQ, 5), layout) == EditState(SANDOOQ, 5)


def test_deleting_a_selection_and_a_word():
    layout = TextLayout(IMF)
    assert delete_back(EditState(IMF, 11, anchor=5), layout) == EditState("صندوق الدولي", 5)
    assert delete_forward(EditState(IMF, 5, anchor=11), layout) == EditState("صندوق الدولي", 5)
    assert delete_word_back(EditState(IMF, 18)) == EditState("صندوق النقد ", 12)
    assert delete_word_back(EditState(IMF, 12)) == EditState("صندوق الدولي", 6)


# --------------------------------------------------------------------------- paste


def test_a_paste_into_one_line_becomes_one_line_and_keeps_only_text():
    assert clean_paste("صندوق\r\nالنقد\nالدولي\u2029x", multiline=False) == ("صندوق النقد الدولي x")
    assert clean_paste("a\tb\x1b[31mc\x07\x9bd\x7f", multiline=False) == "a b[31mcd"
    kept = "می" + ZWNJ + "خواهم \u202bابج\u202c \u200d"
    assert clean_paste(kept, multiline=False) == kept


def test_a_paste_into_several_lines_keeps_its_lines():
    assert clean_paste("one\r\ntwo\rthree\u2028four", multiline=True) == "one\ntwo\nthree\nfour"


def test_paste_goes_in_at_the_cursor_over_the_selection():
    state = EditState(IMF, 11, anchor=6)
    assert paste(state, "المال\n", multiline=False) == EditState("صندوق المال  الدولي", 12)


def test_what_a_key_may_type():
    for char in ("ص", "َ", ZWNJ, "\u200d", "\u202e", "\u2067", "\xa0", " ", "1", "€"):
        assert is_typed_text(char), repr(char)
    for char in ("\r", "\n", "\t", "\x1b", "\x7f", "\x9b", "\u2028", "\u2029", "ab"):
        assert not is_typed_text(char), repr(char)


# --------------------------------------------------------------------------- several lines


NOTE = IMF + "\nsecond line here"


def test_lines_wrap_and_each_row_is_the_engines_line_with_room_for_the_cursor():
    layout = TextLayout(NOTE, 10)
    texts = [row.text for row in layout.rows]
    # Wrapped to 9 columns; right-to-left rows are moved one column right, so the
    # cursor past the end of a full row still has a column on the left.
    engine = layout_paragraph(IMF, LayoutOptions(width=9, fallback_rtl=True)).lines
    assert texts[:3] == [" " + line.text for line in engine]
    assert texts[3:] == ["second ", "line here"]
    assert [(row.line.start, row.line.end) for row in layout.rows] == [
        (0, 6),
        (6, 12),
        (12, 18),
        (19, 26),
        (26, 35),
    ]
    assert layout.locate(18) == (2, 3)  # after الدولي: left of it
    assert layout.locate(35) == (4, 9)  # after "here": right of it


def test_up_and_down_keep_the_column_and_left_wraps_to_the_next_row():
    assert moves(NOTE, ["down"] * 5, cursor=2, width=10) == [8, 14, 25, 33, 33]
    assert moves(NOTE, ["up"] * 2, cursor=33, width=10) == [25, 14]
    # Left from the start walks the first row, then goes on to the second one.
    assert moves(NOTE, ["left"] * 8, width=10) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert moves(NOTE, ["line_end", "line_start"], cursor=2, width=10) == [5, 0]


def test_a_line_break_is_deleted_like_a_letter():
    layout = TextLayout(NOTE, 10)
    assert delete_back(EditState(NOTE, 19), layout).value == IMF + "second line here"
    assert delete_forward(EditState(NOTE, 18), layout).value == IMF + "second line here"


def test_an_empty_line_takes_the_notes_direction():
    layout = TextLayout("صندوق\n\nabc", 10)
    assert [row.rtl for row in layout.rows] == [True, True, False]
    assert layout.locate(6) == (1, 9)  # the empty line's cursor is on the right


def test_the_editing_model_never_loads_textual():
    code = "import sys, reader.text.editing; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"
