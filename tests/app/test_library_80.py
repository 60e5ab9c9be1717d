"""The library's columns fit the window: what is drawn at 80, 100 and 120 columns, after a
resize, and a snapshot at 80x24. The cells are read off the screen as it is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable

from reader.library.catalog import scan_library
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens import library as library_screen
from reader.tui.screens.library import (
    COLUMNS,
    ESSENTIAL,
    KEPT_FIRST,
    TITLE_MINIMUM,
    TITLE_ROOMY,
    fit_columns,
    natural_widths,
)
from tests.app.pilots import screen_lines, settled_table

SHORT_ARABIC = "عنوان قصير"  # a title with room to spare in its column
# A scraped lede: one long sentence of more than 120 characters on the first line.
LEDE = (
    "أعلن المجلس البلدي - في بيان صدر صباح اليوم، أن أعمال صيانة شبكة المياه ستبدأ الأسبوع "
    "المقبل في الأحياء الشرقية، وأنها ستستمر ثلاثة أسابيع على الأقل."
)

SHOWN = {
    80: ["title", "date", "annotations", "tags"],
    100: ["title", "date", "annotations", "tags"],
    120: ["title", "source", "date", "lang", "annotations", "tags"],
}


@pytest.fixture
def shelf(library: Path) -> Path:
    (library / "ar_short.txt").write_text(SHORT_ARABIC + "\nنص الخبر.\n", encoding="utf-8")
    (library / "9f3c2a7d41be.txt").write_text(LEDE + "\nفقرة ثانية.\n", encoding="utf-8")
    return library


def at_cell(line: str, x: int) -> int:
    """The index in ``line`` of the character drawn at cell ``x``."""
    used = 0
    for i, char in enumerate(line):
        if used >= x and cell_len(char):
            return i
        used += cell_len(char)
    return len(line)


def drawn(line: str, x: int, width: int) -> str:
    """What ``line`` shows in cells ``x`` to ``x + width``."""
    return line[at_cell(line, x) : at_cell(line, x + width)]


def column_spans(table: DataTable) -> dict[str, tuple[int, int]]:
    """Each column's first content cell on screen and its width."""
    spans, x = {}, table.region.x
    for column in table.ordered_columns:
        drawn = column.get_render_width(table)
        spans[str(column.key.value)] = (x + table.cell_padding, drawn - 2 * table.cell_padding)
        x += drawn
    return spans


def row_line(lines: list[str], table: DataTable, name: str) -> tuple[str, list[str]]:
    """The screen line of the row of the article ``name``, and the row's cells as text."""
    key = next(k for k in table.rows if str(k.value).endswith("/" + name))
    cells = [str(cell) for cell in table.get_row(key)]
    y = table.region.y + 1 + table.get_row_index(key) - int(table.scroll_y)
    return lines[y], cells


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 30)])
async def test_every_header_and_the_tags_of_a_row_are_on_screen(shelf, size):
    width = size[0]
    async with HamishApp(shelf, Settings()).run_test(size=size) as pilot:
        table = await settled_table(pilot)
        lines = screen_lines(pilot)
        spans = column_spans(table)
        header = lines[table.region.y]
        for key, (x, cells) in spans.items():
            assert x + cells <= width - 2, key  # left of the scrollbar's gutter
            assert drawn(header, x, cells).rstrip() == key
        assert list(spans) == SHOWN[width]
        assert not table.show_horizontal_scrollbar
        assert table.virtual_size.width <= table.scrollable_content_region.width

        line, cells = row_line(lines, table, "ar_economy.txt")
        shown = dict(zip(SHOWN[width], cells, strict=True))
        assert shown["annotations"] == "4"
        x, cells = spans["annotations"]
        assert drawn(line, x, cells).strip() == "4"
        x, cells = spans["tags"]
        tags = drawn(line, x, cells).rstrip()
        assert tags == shown["tags"]
        assert tags.startswith("quote 2, topic/eco")
        if width >= 100:  # the top tags whole
            assert tags.startswith("quote 2, topic/economy 2, ")


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
async def test_rtl_titles_are_right_aligned_in_their_column(shelf, size):
    async with HamishApp(shelf, Settings()).run_test(size=size) as pilot:
        table = await settled_table(pilot)
        lines = screen_lines(pilot)
        x, cells = column_spans(table)["title"]

        line, row = row_line(lines, table, "ar_short.txt")
        title = drawn(line, x, cells)
        assert title.strip() == row[0] == "ﻋﻨﻮﺍﻥ ﻗﺼﻴﺮ"[::-1]  # shaped, in visual order
        assert title == " " * (cells - cell_len(row[0])) + row[0]  # against the right edge

        line, row = row_line(lines, table, "en_markets.txt")
        title = drawn(line, x, cells)
        assert title.startswith("Regional stocks slip")  # left to right: the left edge

        line, row = row_line(lines, table, "ar_politics.txt")  # cut: its logical end goes
        title = drawn(line, x, cells)
        assert title.lstrip().startswith("…") and title.rstrip().endswith("ﺍﻟﺒﺮﻟﻤﺎﻥ"[::-1])


async def test_a_long_first_line_is_listed_by_its_first_sentence(shelf):
    async with HamishApp(shelf, Settings()).run_test(size=(120, 30)) as pilot:
        table = await settled_table(pilot)
        entry = next(e for e in pilot.app.screen.entries if e.path.name == "9f3c2a7d41be.txt")
        assert entry.title.startswith("أعلن المجلس البلدي - في بيان صدر صباح اليوم")
        assert entry.title.endswith("…") and len(entry.title) <= 80
        _, row = row_line(screen_lines(pilot), table, "9f3c2a7d41be.txt")
        assert "9f3c2a7d41be" not in row[0]


async def test_resizing_refits_the_columns_and_keeps_the_selection(shelf):
    async with HamishApp(shelf, Settings()).run_test(size=(120, 30)) as pilot:
        table = await settled_table(pilot)
        key = next(k for k in table.rows if str(k.value).endswith("/ar_economy.txt"))
        table.move_cursor(row=table.get_row_index(key))
        for size in [(80, 24), (100, 30), (120, 30), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert [str(c.key.value) for c in table.ordered_columns] == SHOWN[size[0]]
            assert not table.show_horizontal_scrollbar
            assert table.virtual_size.width == table.scrollable_content_region.width
            assert pilot.app.screen.selected_entry.path.name == "ar_economy.txt"
            line, cells = row_line(screen_lines(pilot), table, "ar_economy.txt")
            x, width = column_spans(table)["tags"]
            assert drawn(line, x, width).rstrip() == cells[-1]


async def test_a_filter_keystroke_lays_out_no_row_again(shelf, monkeypatch):
    calls: list[str] = []
    real = library_screen.row_cells

    def counting(entry, widths):
        calls.append(entry.path.name)
        return real(entry, widths)

    monkeypatch.setattr(library_screen, "row_cells", counting)
    async with HamishApp(shelf, Settings()).run_test(size=(100, 30)) as pilot:
        table = await settled_table(pilot)
        rows = table.row_count
        assert sorted(calls) == sorted(set(calls))  # each row laid out once
        calls.clear()
        await pilot.press("s")
        await pilot.pause()
        assert table.row_count < rows  # it filtered
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == rows
        assert calls == []  # both refills reused the rows as laid out
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert len(calls) == rows  # a re-fit lays every row out again, once


def test_library_at_80x24_snapshot(snap_compare, library):
    async def settled(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(HamishApp(library, Settings()), terminal_size=(80, 24), run_before=settled)


# --------------------------------------------------------------------------------------------
# The fitting rule on its own


def samples_natural(library: Path) -> dict[str, int]:
    return natural_widths(scan_library(library))


def test_fit_at_the_three_widths(library):
    natural = samples_natural(library)
    # The table's width beside its 2-cell scrollbar gutter.
    assert fit_columns(78, natural) == {"title": 30, "date": 10, "annotations": 11, "tags": 19}
    assert fit_columns(98, natural) == {"title": 41, "date": 10, "annotations": 11, "tags": 28}
    assert fit_columns(118, natural) == {
        "title": 36,
        "source": 17,
        "date": 10,
        "lang": 4,
        "annotations": 11,
        "tags": 28,
    }


def test_fit_fills_the_width_and_narrower_windows_drop_columns_in_order(library):
    natural = samples_natural(library)
    order = ["title"] + [column.key for column in KEPT_FIRST]
    previous: list[str] = []
    for width in range(20, 301):
        widths = fit_columns(width, natural)
        assert list(widths) == [key for key in COLUMNS if key in widths]
        assert sum(cells + 2 for cells in widths.values()) == width  # no sideways scroll
        kept = sorted(widths, key=order.index)
        assert kept == order[: len(kept)]  # the columns given up are the last kept
        assert set(previous) <= set(widths)  # a wider window never shows fewer
        previous = list(widths)
        if len(widths) > 1:
            floor = TITLE_ROOMY if len(widths) > ESSENTIAL + 1 else TITLE_MINIMUM
            assert widths["title"] >= floor
        for column in KEPT_FIRST:
            if column.key in widths:
                assert widths[column.key] >= min(column.minimum, natural[column.key])
                assert widths[column.key] <= column.cap
    assert list(fit_columns(300, natural)) == list(COLUMNS)  # room for every column
    assert list(fit_columns(40, natural)) == ["title"]


def test_the_title_takes_what_the_others_leave():
    widths = fit_columns(200, natural_widths(()))  # no article: each column its header's width
    assert list(widths) == list(COLUMNS)
    others = sum(widths[key] for key in COLUMNS if key != "title")
    assert widths["title"] == 200 - others - 2 * len(COLUMNS)
