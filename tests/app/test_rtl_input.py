"""The reader's text boxes in a pilot: RtlInput (every one-line input) and RtlTextArea
(the note editor), alone and in the screens that use them.

Keys are sent as the terminal driver sends them: one Key event per character, with the
character itself (so ZWNJ and bidi controls arrive as text), all at once, then a pause.
What is drawn is compared with the layout engine's own layout of the value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.keys import _character_to_key
from textual.strip import Strip
from textual.widgets import DataTable, Input

from annotations import sidecar_path
from annotations.model import set_clock
from annotations.script import BIDI_CONTROLS, ZWNJ
from reader.settings import Settings
from reader.text.fold import find_all, fold
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.note_editor import NoteEditor
from reader.tui.screens.tag_picker import TagPicker
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.rtl_input import RtlInput, RtlTextArea

SANDOOQ = "صندوق"
IMF = "صندوق النقد الدولي"
PERSIAN = "می" + ZWNJ + "خواهم"
HEBREW = "שלום 12 abc"
MIXED = "ابج Hello 123"
BOX = 34  # content columns of an RtlInput in a 40-column app (border 1 and padding 2 a side)


class Box(App[None]):
    """One text box, focused, its cursor steady."""

    def __init__(self, make: Callable[[], RtlInput | RtlTextArea]) -> None:
        super().__init__()
        self.make = make
        self.changes: list[str] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        self.widget = self.make()
        yield self.widget

    def on_mount(self) -> None:
        if isinstance(self.widget, RtlInput):
            self.widget.cursor_blink = False
        self.widget.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.changes.append(event.value)
        assert event.input is self.widget and event.control is self.widget

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submitted.append(event.value)

    def on_rtl_text_area_changed(self, event: RtlTextArea.Changed) -> None:
        self.changes.append(event.value)
        assert event.control is self.widget


async def type_text(pilot, text: str) -> None:
    for char in text:
        pilot.app.post_message(events.Key(_character_to_key(char), char))
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Bound keys, sent together (typed ahead): they must take effect in order."""
    for key in keys:
        pilot.app.post_message(events.Key(key, None))
    await pilot.pause()


def engine_cells(value: str, width: int = 1000) -> str:
    line = layout_paragraph(value, LayoutOptions(width=width)).lines[0]
    return "".join(cell.text for cell in line.cells)


def columns_styled(strip: Strip, style: Style) -> list[int]:
    """The columns of ``strip`` drawn with ``style``'s background."""
    found, x = [], 0
    for segment in strip:
        width = segment.cell_length
        if segment.style is not None and segment.style.bgcolor == style.bgcolor:
            found.extend(range(x, x + width))
        x += width
    return found


def cursor_col(box: RtlInput) -> int:
    (col,) = columns_styled(box.render_line(0), box.get_component_rich_style("input--cursor"))
    return col


# --------------------------------------------------------------------------- RtlInput alone


async def test_arabic_typed_is_drawn_joined_right_aligned_with_the_cursor_on_its_left():
    app = Box(RtlInput)
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await type_text(pilot, SANDOOQ)
        assert box.value == SANDOOQ and box.cursor_position == 5
        drawn = box.render_line(0).text
        assert drawn == " " * (BOX - 5) + engine_cells(SANDOOQ)
        assert drawn.endswith("\ufed5\ufeed\ufeaa\ufee8\ufebb")  # joined, right to left
        assert cursor_col(box) == BOX - 6  # the blank left of the last letter
        # Each letter was a change, in order; the value always what was typed so far.
        assert app.changes == [SANDOOQ[: i + 1] for i in range(5)]
        # The screen shows the same, inside the box's border.
        screen = [strip.text for strip in app.screen._compositor.render_strips()]
        assert screen[1] == "▊  " + drawn + "  ▎"


async def test_arrows_move_through_the_cell_map_home_end_and_words():
    app = Box(lambda: RtlInput(value=IMF))
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await pilot.pause()
        assert box.cursor_position == len(IMF)
        await press(pilot, "home")
        assert box.cursor_position == 0 and cursor_col(box) == BOX - 1  # the rightmost cell
        await press(pilot, "left", "left")
        assert box.cursor_position == 2 and cursor_col(box) == BOX - 3
        await press(pilot, "right")
        assert box.cursor_position == 1
        await press(pilot, "ctrl+left")  # forward in RTL: to the end of the word
        assert box.cursor_position == 5
        await press(pilot, "ctrl+left", "ctrl+right")
        assert box.cursor_position == 6
        await press(pilot, "end")
        assert box.cursor_position == len(IMF) and cursor_col(box) == BOX - len(IMF) - 1
        # A click puts the cursor on the cell clicked (3: the border and the padding).
        await pilot.click(box, offset=(3 + BOX - 3, 1))
        assert box.cursor_position == 2 and cursor_col(box) == BOX - 3
        await pilot.click(box, offset=(3, 1))  # left of the text: its logical end
        assert box.cursor_position == len(IMF)


async def test_mixed_arabic_digits_and_latin_keys_and_drawing():
    app = Box(RtlInput)
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await type_text(pilot, MIXED)
        assert box.value == MIXED
        assert box.render_line(0).text == " " * (BOX - len(MIXED)) + engine_cells(MIXED)
        await press(pilot, "home", *["left"] * 4)
        # ا ب ج, the space, then the cell map jumps to the end of "Hello 123".
        assert box.cursor_position == 12
        await type_text(pilot, "4")
        assert box.value == "ابج Hello 1243"


async def test_hebrew_and_persian_with_zwnj():
    app = Box(RtlInput)
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await type_text(pilot, HEBREW)
        assert box.value == HEBREW
        assert box.render_line(0).text.endswith(engine_cells(HEBREW))
        await press(pilot, "ctrl+a", "backspace")
        assert box.value == ""
        await type_text(pilot, PERSIAN)
        assert box.value == PERSIAN  # the ZWNJ typed is in the value
        drawn = box.render_line(0).text
        assert drawn.endswith(engine_cells(PERSIAN))
        assert "\ufbfd" in drawn  # ی not joined to خ: final form, as the ZWNJ asks
        await press(pilot, "home", "left", "left")
        assert box.cursor_position == 3  # after the ZWNJ: ی and it are one cell
        await press(pilot, "backspace")  # the ZWNJ goes alone
        assert box.value == "میخواهم" and box.cursor_position == 2
        assert "\ufbfd" not in box.render_line(0).text


async def test_backspace_and_delete_by_letter_and_typed_ahead_in_order():
    app = Box(RtlInput)
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await type_text(pilot, "سلام")
        await press(pilot, "backspace")
        assert box.value == "سلا"
        await press(pilot, "backspace")  # after the lam-alef: the alef goes, the lam stays
        assert box.value == "سل"
        await type_text(pilot, "بَ")
        await press(pilot, "backspace")  # the letter and its fatha together
        assert box.value == "سل"
        await press(pilot, "home", "delete")
        assert box.value == "ل" and box.cursor_position == 0
        # Keys arriving together take effect in their order.
        await press(pilot, "end")
        pilot.app.post_message(events.Key("a", "a"))
        pilot.app.post_message(events.Key("backspace", None))
        pilot.app.post_message(events.Key("b", "b"))
        await pilot.pause()
        assert box.value == "لb"


async def test_shift_selection_typing_over_it_copy_and_paste():
    app = Box(lambda: RtlInput(value=IMF))
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await pilot.pause()
        await press(pilot, "home", "ctrl+shift+left", "ctrl+shift+left")
        assert box.selection == (0, 11) and box.selected_text == "صندوق النقد"
        selection_style = box.get_component_rich_style("input--selection")
        selected = columns_styled(box.render_line(0), selection_style)
        assert selected == list(range(BOX - 11, BOX))  # the 11 rightmost cells
        await press(pilot, "ctrl+c")
        assert app.clipboard == "صندوق النقد"
        await type_text(pilot, "بنك")
        assert box.value == "بنك الدولي" and box.cursor_position == 3
        await press(pilot, "end", "ctrl+v")
        assert box.value == "بنك الدوليصندوق النقد"


async def test_a_paste_keeps_only_text_on_one_line():
    app = Box(RtlInput)
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        app.post_message(events.Paste("صندوق\r\nالنقد\x1b[2J\tالدولي\u202e"))
        await pilot.pause()
        assert box.value == "صندوق النقد[2J الدولي\u202e"
        drawn = box.render_line(0).text
        assert "\x1b" not in drawn and not set(drawn) & BIDI_CONTROLS
        assert drawn.strip() == engine_cells(box.value).strip()


async def test_a_long_value_scrolls_and_keeps_the_cursor_in_view():
    text = " ".join([IMF] * 4)  # 75 letters in a 34-column box
    app = Box(RtlInput)
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await type_text(pilot, text)
        assert box.value == text
        # Typing at the logical end, which is on the left: the view is at the left.
        assert box.scroll_offset.x == 0 and cursor_col(box) == 0
        full = " " + engine_cells(text)
        assert box.render_line(0).text == full[:BOX]
        await press(pilot, "home")  # the first letter is the rightmost cell
        scroll = int(box.scroll_offset.x)
        assert scroll == len(full) - BOX
        assert box.render_line(0).text == full[scroll:]
        assert cursor_col(box) == BOX - 1


async def test_placeholder_and_enter_submits():
    app = Box(lambda: RtlInput(placeholder="Filter…"))
    async with app.run_test(size=(40, 6)) as pilot:
        box = app.widget
        await pilot.pause()
        assert box.render_line(0).text.rstrip() == "Filter…"
        assert cursor_col(box) == 0
        await type_text(pilot, SANDOOQ)
        await press(pilot, "enter")
        assert app.submitted == [SANDOOQ]


# --------------------------------------------------------------------------- RtlTextArea alone


async def test_text_area_lines_wrap_draw_as_the_engine_and_keep_what_was_typed():
    app = Box(RtlTextArea)
    async with app.run_test(size=(24, 12)) as pilot:
        area = app.widget
        await pilot.pause()
        width = area.scrollable_content_region.width
        await type_text(pilot, IMF)
        await press(pilot, "enter")
        await type_text(pilot, PERSIAN + " 2024 ok")
        assert area.text == IMF + "\n" + PERSIAN + " 2024 ok"
        drawn = [area.render_line(y).text.rstrip() for y in range(len(area.text_layout.rows))]
        # The engine's lines at one column less than the box; a right-to-left line is
        # drawn one column further right (its cursor's blank is on its left).
        options = LayoutOptions(width=width - 1, fallback_rtl=True)
        expected = [
            (" " if line.rtl else "") + line.text
            for paragraph in area.text.split("\n")
            for line in layout_paragraph(paragraph, options).lines
        ]
        assert len(expected) == 2 and drawn == expected
        assert app.changes[-1] == area.text
        # Down and up keep the column: from the first letter (the rightmost cell) to the
        # second line's first letter, and back.
        await press(pilot, "ctrl+home", "down")
        assert area.cursor_position == len(IMF) + 1
        await press(pilot, "up")
        assert area.cursor_position == 0
        await press(pilot, "ctrl+end")
        assert area.cursor_position == len(area.text)
        # A click on the first row's rightmost cell: the first letter.
        region = area.content_region
        await pilot.click(
            area, offset=(region.x - area.region.x + width - 1, region.y - area.region.y)
        )
        assert area.cursor_position == 0


async def test_text_area_enter_and_typing_ahead_stay_in_order():
    app = Box(RtlTextArea)
    async with app.run_test(size=(40, 12)) as pilot:
        area = app.widget
        await type_text(pilot, "أولوية")
        pilot.app.post_message(events.Key("enter", "\r"))
        for char in "ثانية":
            pilot.app.post_message(events.Key(char, char))
        pilot.app.post_message(events.Key("backspace", None))
        await pilot.pause()
        assert area.text == "أولوية\nثاني"
        await press(pilot, "ctrl+home", "end", "delete")  # the line break goes like a letter
        assert area.text == "أولويةثاني"


# --------------------------------------------------------------------------- in the screens


async def wait(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_library_filter_typed_in_arabic_filters_rows(library):
    async with HamishApp(library, Settings()).run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        table = pilot.app.screen.query_one(DataTable)
        assert table.row_count == 11
        await type_text(pilot, SANDOOQ)  # typed in the table: goes to the filter
        await wait(pilot)
        box = pilot.app.screen.query_one("#filter", RtlInput)
        assert box.value == SANDOOQ and box.has_focus
        assert box.render_line(0).text.endswith(engine_cells(SANDOOQ))
        assert [str(key.value).rsplit("/", 1)[-1] for key in table.rows] == ["ar_economy.txt"]


async def test_the_library_filter_takes_a_zwnj_typed_into_the_table(library):
    async with HamishApp(library, Settings()).run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        await type_text(pilot, PERSIAN)
        assert pilot.app.screen.query_one("#filter", RtlInput).value == PERSIAN


async def test_search_with_an_arabic_query_finds_it(library):
    path = library / "fa_culture.txt"
    query = "نمایشگاه" + ZWNJ + "های"
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ArticleScreen)
        view = screen.query_one(ArticleView)
        await pilot.press("slash")
        await pilot.pause()
        search = screen.search_box
        assert search.has_focus
        await type_text(pilot, query)
        assert search.value == query
        assert search.render_line(0).text.endswith(engine_cells(query))
        await press(pilot, "enter")
        await wait(pilot)
        expected = find_all(fold(view.text), query, view.text)
        assert expected and [(m.start, m.end) for m in view.matches] == expected
        assert view.text[view.cursor : view.cursor + len(query)] == query
        assert view.has_focus and not search.has_class("visible")


def sidecar(path: Path) -> dict:
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))


async def test_the_tag_picker_adds_an_arabic_tag_typed(library, monkeypatch):
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    set_clock(lambda: datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    monkeypatch.setattr("annotations.model.new_id", lambda: "00000000000000b2")
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        view = pilot.app.screen.query_one(ArticleView)
        start = view.text.index(IMF)
        view.select(start, start + len(IMF))
        await pilot.press("t")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker)
        query = picker.query_one("#query", RtlInput)
        await type_text(pilot, "اقتصاد")
        assert query.value == "اقتصاد"
        assert query.render_line(0).text.endswith(engine_cells("اقتصاد"))
        await press(pilot, "enter")
        assert picker.chosen == ["اقتصاد"] and query.value == ""
        await type_text(pilot, "x")
        await press(pilot, "backspace", "backspace")  # on the empty query: drops the tag
        assert picker.chosen == [] and query.value == ""
        await type_text(pilot, "اقتصاد")
        await press(pilot, "enter")
        await press(pilot, "enter")  # on the empty query: done
        await wait(pilot)
    text = path.read_text(encoding="utf-8")
    assert sidecar(path)["annotations"] == [
        {
            "id": "00000000000000b2",
            "start": start,
            "end": start + len(IMF),
            "quote": IMF,
            "prefix": text[start - 32 : start],
            "suffix": text[start + len(IMF) : start + len(IMF) + 32],
            "tags": ["اقتصاد"],
            "note": "",
            "author": "rana",
            "created": "2024-05-01T12:30:00Z",
            "modified": "2024-05-01T12:30:00Z",
            "status": "anchored",
        }
    ]


async def test_the_panel_filter_typed_in_arabic(library):
    path = library / "ar_economy.txt"
    async with HamishApp(path, Settings(author="rana")).run_test(size=(120, 34)) as pilot:
        await wait(pilot)
        screen = pilot.app.screen
        start = screen.query_one(ArticleView).text.index(IMF)
        screen.session.add(start, start + len(IMF), ["موضوع/اقتصاد"])
        await pilot.press("a")
        await wait(pilot)
        panel = screen.query_one(AnnotationPanel)
        box = panel.query_one("#panel-filter", RtlInput)
        box.focus()
        await type_text(pilot, "موضوع")
        assert box.value == "موضوع"
        assert box.render_line(0).text.endswith(engine_cells("موضوع"))
        assert [a.tags for a in panel.shown_annotations()] == [("موضوع/اقتصاد",)]


async def test_the_note_editor_types_arabic_and_persian_lines(library):
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    note = "أولوية: " + IMF + "\n" + PERSIAN + " 2024"
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        view = pilot.app.screen.query_one(ArticleView)
        start = view.text.index(IMF)
        view.select(start, start + len(IMF))
        await pilot.press("c")
        editor = pilot.app.screen
        assert isinstance(editor, NoteEditor)
        area = editor.query_one(RtlTextArea)
        assert area.has_focus
        first, second = note.split("\n")
        await type_text(pilot, first)
        await press(pilot, "enter")
        await type_text(pilot, second)
        assert area.text == note
        width = area.scrollable_content_region.width
        drawn = [area.render_line(y).text.strip() for y in range(len(area.text_layout.rows))]
        options = LayoutOptions(width=width - 1, fallback_rtl=True)
        expected = [
            line.text.strip()
            for paragraph in note.split("\n")
            for line in layout_paragraph(paragraph, options).lines
        ]
        assert drawn == expected
        await press(pilot, "ctrl+s")
        await wait(pilot)
    (entry,) = sidecar(path)["annotations"]
    assert entry["note"] == note and entry["quote"] == IMF


async def test_words_typed_ahead_into_the_library_keep_their_spaces(library):
    async with HamishApp(library, Settings()).run_test(size=(100, 30)) as pilot:
        await wait(pilot)
        await type_text(pilot, " صندوق النقد")  # together, from the table; a leading space
        await wait(pilot)
        box = pilot.app.screen.query_one("#filter", RtlInput)
        assert box.value == "صندوق النقد"  # the leading space starts nothing; the inner one stays
