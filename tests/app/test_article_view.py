"""ArticleView in a pilot: keys and mouse over Arabic, Hebrew, English and mixed text
select the exact logical ranges of known phrases; resizing keeps the cursor's offset."""

from __future__ import annotations

from textual.app import App, ComposeResult

from reader.library.article import split_paragraphs
from reader.text.layout import LayoutOptions
from reader.tui.widgets.article_view import ArticleView

ARABIC = "قال الوزير إن الأمن مستتب في العاصمة، وإن الاقتصاد سينمو بنسبة 3.2% في 2024 (وفق IMF)."
HEBREW = "השר אמר כי הכלכלה תצמח ב-3.2% השנה, לפי קרן המטבע."
ENGLISH = "The minister said the economy would grow by 3.2% this year."
MIXED = "The union said «لن نتراجع» before the talks with the ministry resumed on Monday."
TEXT = "\n".join([ARABIC, "", HEBREW, "", ENGLISH, "", MIXED]) + "\n"


class ViewApp(App[None]):
    def __init__(self, text: str = TEXT, width: int = 60) -> None:
        super().__init__()
        self.text = text
        self.width = width

    def compose(self) -> ComposeResult:
        yield ArticleView(
            self.text,
            split_paragraphs(self.text),
            LayoutOptions(),
            reading_width=self.width,
            id="view",
        )

    def on_mount(self) -> None:
        self.query_one(ArticleView).focus()


def offset_of(phrase: str) -> int:
    return TEXT.index(phrase)


def screen_xy(view: ArticleView, offset: int) -> tuple[int, int]:
    row, line = view.document.locate(offset)
    cell = next(c for c in line.cells if c.start <= offset < c.end)
    return view.margin + cell.col, row - int(view.scroll_offset.y)


async def test_selecting_by_words_takes_whole_words():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        await pilot.press("ctrl+shift+left", "ctrl+shift+left")  # RTL: left is forward
        assert view.selected_text == "قال الوزير"
        view.move_to(offset_of("economy"))
        await pilot.press("ctrl+shift+right", "ctrl+shift+right")
        assert view.selected_text == "economy would"


async def test_select_arabic_phrase_by_keys():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        assert view.cursor == 0
        # In an RTL paragraph ctrl+left goes forward by words: قال → الوزير → إن → الأمن.
        await pilot.press("ctrl+left", "ctrl+left", "ctrl+left")
        assert view.cursor == offset_of("الأمن")
        # ا, لأ (one lam-alef cell), م, ن: three moves to the last cell.
        await pilot.press("shift+left", "shift+left", "shift+left")
        assert (view.selection.start, view.selection.end) == (14, 19)
        assert view.selected_text == "الأمن"


async def test_select_with_v_and_arrows_then_escape_clears():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        await pilot.press("v", "left", "left")  # RTL: left is forward
        assert view.selected_text == "قال"
        await pilot.press("v", "left")  # v again ends the selection; it stays
        assert view.selected_text == "قال"
        assert view.clear_selection() and view.selection is None


async def test_select_hebrew_and_english_by_keys():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        view.move_to(offset_of("הכלכלה"))
        await pilot.press(*["shift+left"] * 5)
        assert view.selected_text == "הכלכלה"
        view.move_to(offset_of("economy"))
        await pilot.press(*["shift+right"] * 6)
        assert view.selected_text == "economy"
        await pilot.press("ctrl+shift+right")
        assert view.selected_text == "economy would"  # whole words, not the next letter


async def test_select_arabic_inside_english_by_keys():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        view.move_to(offset_of("لن"))
        # Logical forward inside the RTL run is visually leftwards; select by logic:
        start = offset_of("لن نتراجع")
        view.select(start, start + len("لن نتراجع"))
        assert view.selected_text == "لن نتراجع"
        # The selection is drawn on exactly the cells of those offsets.
        _, line = view.document.locate(start)
        chosen = [
            c for c in line.cells if view.selection.start <= c.start and c.end <= view.selection.end
        ]
        assert sorted(o for c in chosen for o in c.offsets) == list(range(start, start + 9))


async def test_mouse_drag_selects_exact_range():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        start = offset_of("الاقتصاد")
        end = start + len("الاقتصاد سينمو") - 1
        x0, y0 = screen_xy(view, start)
        x1, y1 = screen_xy(view, end)
        await pilot.mouse_down(view, offset=(x0, y0))
        await pilot.hover(view, offset=(x1, y1))
        await pilot.mouse_up(view, offset=(x1, y1))
        assert view.selected_text == "الاقتصاد سينمو"


async def test_click_places_cursor_and_double_click_selects_word():
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        target = offset_of("minister")
        x, y = screen_xy(view, target + 3)
        await pilot.click(view, offset=(x, y))
        assert view.cursor == target + 3 and view.selection is None
        await pilot.double_click(view, offset=(x, y))
        assert view.selected_text == "minister"
        word = offset_of("العاصمة")
        x, y = screen_xy(view, word + 2)
        await pilot.double_click(view, offset=(x, y))
        assert view.selected_text == "العاصمة"


async def test_up_down_move_by_rows_and_home_end_by_line():
    async with ViewApp(width=30).run_test(size=(40, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        row, _ = view.document.locate(view.cursor)
        await pilot.press("down")
        row2, line2 = view.document.locate(view.cursor)
        assert row2 == row + 1 and line2.start <= view.cursor < line2.end
        await pilot.press("home")
        assert view.cursor == line2.start
        await pilot.press("G")
        assert view.cursor == view.document.end
        await pilot.press("g")
        assert view.cursor == 0


async def test_resize_keeps_the_cursor_offset():
    async with ViewApp(width=200).run_test(size=(100, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        view.move_to(offset_of("resumed"))
        before = view.cursor
        lines_before = view.document.line_count
        await pilot.resize_terminal(40, 20)
        await pilot.pause()
        assert view.cursor == before
        assert view.document.width == 38 and view.document.line_count > lines_before
        row, line = view.document.locate(view.cursor)
        assert line.start <= before < line.end
        top = int(view.scroll_offset.y)
        assert top <= row < top + view.scrollable_content_region.height


async def test_copy_uses_the_logical_text(monkeypatch):
    copied = []
    async with ViewApp().run_test(size=(80, 20)) as pilot:
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        view = pilot.app.query_one(ArticleView)
        view.select(offset_of("الأمن"), offset_of("الأمن") + len("الأمن مستتب"))
        await pilot.press("y")
        assert copied == ["الأمن مستتب"]


async def test_rendered_arabic_line_is_right_aligned_and_shaped():
    async with ViewApp(width=60).run_test(size=(62, 10)) as pilot:
        view = pilot.app.query_one(ArticleView)
        first = view.render_line(0).text
        assert first.rstrip().endswith("ﻝﺎﻗ")  # قال shaped, at the right edge of the column
        assert "[" not in first
