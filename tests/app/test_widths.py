"""Nothing of the article body is cut, at any terminal size and reading width.

Issue 10's blocker: at 80 columns the start of every right-to-left line was hidden under
the vertical scrollbar (``أكد`` showed as ``كد``) and a horizontal scrollbar showed on
every article, because the column was laid out to the widget's full width before the
scrollbar took two of its columns. These tests read what the terminal is sent — the
screen the compositor paints, scrollbars included — and check every cell of every
visible line against the layout's cell map: each is drawn, whole, inside the text's
region; the visible lines together show every offset of their paragraphs; and the
lede's first word is whole at the right edge.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from reader.settings import Settings
from reader.text.render import visual_oneline
from reader.tui.app import HamishApp
from reader.tui.widgets.article_view import ArticleView

SIZES = [(80, 24), (100, 30), (40, 20)]
BELOW = [0, 1, 2, 3]  # reading width = terminal width minus this
CASES = [(w, h, w - below) for w, h in SIZES for below in BELOW]
ARTICLE = "ar_economy.txt"
TITLE_WORD = "صندوق"  # the first word of the article's first line (its title)
LEDE_WORD = "عُقِدَ"  # the first word of the lede, with its harakat


def screen_columns(app: HamishApp) -> list[list[str]]:
    """The screen as the terminal gets it: one string per column (a base character and
    the zero-width characters drawn on it; "" for the right half of a wide character).

    The compositor's ``render_strips`` is private Textual API, used on purpose: it is
    exactly what is written to the terminal, the scrollbars painted over the widget.
    """
    rows = []
    for strip in app.screen._compositor.render_strips():
        columns: list[str] = []
        for segment in strip:
            if segment.control:
                continue
            for char in segment.text:
                width = cell_len(char)
                if width == 0 and columns:
                    columns[-1] += char
                else:
                    columns.append(char)
                    columns.extend([""] * (width - 1))
        rows.append(columns)
    return rows


async def settle(pilot) -> ArticleView:
    await pilot.app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()
    return pilot.app.screen.query_one(ArticleView)


async def settle_library(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def assert_body_whole(app: HamishApp, view: ArticleView) -> None:
    """Every cell of every visible line is drawn, whole, inside the text's region."""
    region = view.scrollable_content_region
    assert not view.show_horizontal_scrollbar
    assert view.virtual_size.width <= region.width
    assert view.document.width == view.column_width <= region.width
    screen = screen_columns(app)
    top = int(view.scroll_offset.y)
    shown: dict[int, set[int]] = {}  # paragraph -> offsets drawn
    complete: set[int] = set()  # paragraphs with every line on screen
    for y in range(region.height):
        line = view.document.line(top + y)
        if line is None:
            break
        if line.spacing:
            assert not line.cells and line.start == line.end
            continue
        row = screen[region.y + y]
        offsets = shown.setdefault(line.paragraph, set())
        for cell in line.cells:
            offsets.update(cell.offsets)
            if not cell.width:
                continue
            x = region.x + view.margin + cell.col
            assert region.x <= x and x + cell.width <= region.right, (
                f"row {y}: cell {cell.text!r} at {x}..{x + cell.width} outside {region}"
            )
            assert row[x] == cell.text, f"row {y} col {x}: {row[x]!r} drawn, {cell.text!r} laid"
        paragraph = view.document.paragraphs[line.paragraph]
        first_row = view.document.locate(paragraph.start)[0]
        last_row = view.document.locate(paragraph.end)[0]
        if top <= first_row and last_row < top + region.height:
            complete.add(line.paragraph)
    assert complete, "no whole paragraph on screen"
    for index in complete:
        paragraph = view.document.paragraphs[index]
        assert shown[index] == set(range(paragraph.start, paragraph.end)), index


def assert_word_whole_at_right_edge(app: HamishApp, view: ArticleView, word: str) -> None:
    """``word`` starts an RTL paragraph: it is drawn whole, rightmost, inside the region."""
    start = view.text.index(word)
    row, line = view.document.locate(start)
    y = row - int(view.scroll_offset.y)
    region = view.scrollable_content_region
    assert 0 <= y < region.height and line.rtl
    drawn = screen_columns(app)[region.y + y][region.x : region.right]
    text = "".join(drawn).rstrip()
    expected, rtl = visual_oneline(word, 40)
    assert rtl and text.endswith(" " + expected), (text[-20:], expected)
    # The word's last column is the column's right edge, not under the scrollbar.
    right = max(i for i, c in enumerate(drawn) if c.strip())
    assert right == view.margin + view.document.width - 1 < region.width


async def check(pilot) -> None:
    view = await settle(pilot)
    assert view.cursor == view.document.start
    assert_body_whole(pilot.app, view)
    assert_word_whole_at_right_edge(pilot.app, view, TITLE_WORD)
    assert_word_whole_at_right_edge(pilot.app, view, LEDE_WORD)


@pytest.mark.parametrize(("width", "height", "reading_width"), CASES)
async def test_started_at_size_nothing_is_cut(library, width, height, reading_width):
    app = HamishApp(library / ARTICLE, Settings(reading_width=reading_width))
    async with app.run_test(size=(width, height)) as pilot:
        await check(pilot)


@pytest.mark.parametrize(("width", "height", "reading_width"), CASES)
async def test_resized_to_size_nothing_is_cut(library, width, height, reading_width):
    app = HamishApp(library / ARTICLE, Settings(reading_width=reading_width))
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(width, height)
        await check(pilot)


@pytest.mark.parametrize(("width", "height"), SIZES)
async def test_grown_to_size_nothing_is_cut(library, width, height):
    """From a terminal too short for a scrollbar's absence to matter, to one that shows it."""
    app = HamishApp(library / ARTICLE, Settings(reading_width=width))
    async with app.run_test(size=(30, 12)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(width, height)
        await check(pilot)


async def test_the_scrollbar_going_gives_its_columns_back(tmp_path):
    """A short article needs no scrollbar: the text takes the whole width, and when a
    taller terminal removes the scrollbar, the column widens again."""
    article = tmp_path / "short.txt"
    article.write_text("قال الوزير إن الأمن مستتب في العاصمة.\n" * 12, encoding="utf-8")
    app = HamishApp(article, Settings(reading_width=80, paragraph_spacing=False))
    async with app.run_test(size=(80, 12)) as pilot:
        view = await settle(pilot)
        assert view.show_vertical_scrollbar and view.document.width == 76
        assert_body_whole(pilot.app, view)
        await pilot.resize_terminal(80, 40)
        view = await settle(pilot)
        assert not view.show_vertical_scrollbar and view.document.width == 78
        assert_body_whole(pilot.app, view)


@pytest.mark.parametrize(("width", "height"), [(80, 24), (100, 30)])
async def test_with_the_panel_open_nothing_is_cut(library, width, height):
    app = HamishApp(library / ARTICLE, Settings(reading_width=width))
    async with app.run_test(size=(width, height)) as pilot:
        view = await settle(pilot)
        wide = view.document.width
        await pilot.press("a")
        view = await settle(pilot)
        assert view.document.width < wide  # the panel took columns: laid out again
        assert_body_whole(pilot.app, view)
        assert_word_whole_at_right_edge(pilot.app, view, TITLE_WORD)
        await pilot.press("a")
        view = await settle(pilot)
        assert view.document.width == wide
        assert_body_whole(pilot.app, view)


async def test_a_new_reading_width_keeps_the_cursor_and_nothing_is_cut(library):
    app = HamishApp(library / ARTICLE, Settings(reading_width=80))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await settle(pilot)
        target = view.text.index("الأمن الغذائي")
        view.move_to(target)
        await pilot.pause()
        for width in (60, 79, 120, 78):
            app.change_settings(Settings(reading_width=width))
            view = await settle(pilot)
            assert view.cursor == target
            row, _ = view.document.locate(target)
            top = int(view.scroll_offset.y)
            assert top <= row < top + view.scrollable_content_region.height
            assert_body_whole(pilot.app, view)


async def test_resizing_keeps_the_cursor_on_screen(library):
    app = HamishApp(library / ARTICLE, Settings(reading_width=100))
    async with app.run_test(size=(100, 30)) as pilot:
        view = await settle(pilot)
        target = view.text.index("سامر الخطيب")
        view.move_to(target)
        for size in [(80, 24), (40, 20), (100, 30)]:
            await pilot.resize_terminal(*size)
            view = await settle(pilot)
            assert view.cursor == target
            row, _ = view.document.locate(target)
            top = int(view.scroll_offset.y)
            assert top <= row < top + view.scrollable_content_region.height
            assert_body_whole(pilot.app, view)


@pytest.mark.parametrize(("width", "height"), SIZES)
async def test_opened_from_the_library_nothing_is_cut(library, width, height):
    from reader.tui.screens.article import ArticleScreen

    app = HamishApp(library, Settings(reading_width=width))
    async with app.run_test(size=(width, height)) as pilot:
        await settle_library(pilot)
        await app.push_screen(ArticleScreen(library / ARTICLE))
        await check(pilot)
