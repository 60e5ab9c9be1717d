"""The library's column chooser (issue 13, item 6): the command palette shows or hides each
column; a column shown by choice is kept before the others at any width, a hidden one never
comes back by itself; the table is fitted to the width again at once, after a resize, and
after an article was read (the choice lasts for the run). What is asserted is what the
screen draws: the header row and the cells of a row."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable

from reader.library.catalog import scan_library
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.library import (
    ALL_COLUMNS,
    AUTOMATIC_COLUMNS,
    STATE,
    TITLE_MINIMUM,
    ColumnCommands,
    LibraryScreen,
    fit_columns,
    natural_widths,
)
from tests.app.pilots import screen_lines, settled_table

DEFAULT_80 = ["title", "date", "annotations", "tags"]  # what 80 columns show unasked


def header_words(pilot, table: DataTable) -> list[str]:
    """The header row as drawn, split into words (the headers are one word each)."""
    return screen_lines(pilot)[table.region.y].split()


def drawn_columns(table: DataTable) -> list[str]:
    return [str(column.key.value) for column in table.ordered_columns]


def fits_the_width(table: DataTable) -> bool:
    """Nothing scrolls sideways: the columns take at most the table's width."""
    drawn = sum(column.get_render_width(table) for column in table.ordered_columns)
    return drawn <= table.scrollable_content_region.width


async def run_command(pilot, command: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*command)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()
    await settled_table(pilot)


async def palette_titles(screen: LibraryScreen) -> list[str]:
    provider = ColumnCommands(screen)
    return [hit.text or "" async for hit in provider.discover()]


async def test_show_file_and_hide_tags_at_80_then_resize_read_and_reset(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settled_table(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        assert drawn_columns(table) == DEFAULT_80
        titles = await palette_titles(screen)
        assert "Show column: file" in titles and "Hide column: tags" in titles
        assert "Hide column: file" not in titles and AUTOMATIC_COLUMNS not in titles

        await run_command(pilot, "Show column: file")
        assert pilot.app.screen is screen
        columns = drawn_columns(table)
        assert "file" in columns and columns[0] == "title"
        assert "file" in header_words(pilot, table) and fits_the_width(table)
        # The file names are drawn in the rows (the row of ar_economy.txt, its file cell).
        assert any("ar_economy.txt" in line for line in screen_lines(pilot))
        # Another gave way (80 columns are few): the last of those kept unasked, the tags.
        assert columns == ["title", "date", "annotations", "file"]

        await run_command(pilot, "Hide column: date")
        assert "date" not in drawn_columns(table) and "date" not in header_words(pilot, table)
        # Its room brings the tags back (squeezed), beside the file asked for.
        assert drawn_columns(table) == ["title", "annotations", "tags", "file"]
        assert fits_the_width(table)

        await pilot.resize_terminal(150, 30)  # a wide window: the choices hold
        await settled_table(pilot)
        wide = drawn_columns(table)
        assert "file" in wide and "date" not in wide and {"source", "tags"} <= set(wide)
        assert fits_the_width(table)

        # Reading an article and coming back keeps them (the choice is for the run).
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.press("escape")
        await settled_table(pilot)
        assert pilot.app.screen is screen and drawn_columns(table) == wide

        await run_command(pilot, AUTOMATIC_COLUMNS)
        assert "date" in drawn_columns(table)
        await pilot.resize_terminal(80, 24)
        await settled_table(pilot)
        assert drawn_columns(table) == DEFAULT_80
        assert AUTOMATIC_COLUMNS not in await palette_titles(screen)


async def test_hiding_the_title_gives_its_room_to_other_columns(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settled_table(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        await run_command(pilot, "Hide column: title")
        columns = drawn_columns(table)
        assert "title" not in columns and "title" not in header_words(pilot, table)
        assert set(DEFAULT_80) - {"title"} <= set(columns)
        assert len(columns) > len(DEFAULT_80) - 1  # the title's cells went to others
        assert fits_the_width(table)
        # Enter still opens the highlighted row: rows are keyed by their file, not title.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen)
        await pilot.app.workers.wait_for_complete()


async def test_the_last_column_cannot_be_hidden(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settled_table(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        for column in ALL_COLUMNS[1:]:  # every one but the title
            screen.hide_column(column)
        await settled_table(pilot)
        assert drawn_columns(table) == ["title"]
        titles = await palette_titles(screen)
        assert "Hide column: title" not in titles  # the one left is not offered
        screen.hide_column("title")
        await settled_table(pilot)
        assert drawn_columns(table) == ["title"]
        assert any("last column" in n.message for n in pilot.app._notifications)


async def test_the_state_column_chosen_where_no_article_has_a_state(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=(100, 30)) as pilot:
        table = await settled_table(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        assert STATE not in drawn_columns(table)  # nobody tracks this corpus
        await run_command(pilot, "Show column: state")
        assert STATE in drawn_columns(table) and STATE in header_words(pilot, table)
        key = next(k for k in table.rows if str(k.value).endswith("/ar_economy.txt"))
        assert str(table.get_row(key)[drawn_columns(table).index(STATE)]) == "to do"


# --------------------------------------------------------------------------------------------
# The fitting rule with choices


@pytest.mark.parametrize(
    ("hidden", "chosen"),
    [
        ({"tags"}, {"file"}),
        ({"title"}, set()),
        ({"date", "annotations"}, {"modified", "lang"}),
        (set(), {STATE}),
        ({"title", "tags"}, {"file", "source"}),
    ],
)
def test_fit_keeps_chosen_columns_drops_hidden_ones_and_never_scrolls(
    library: Path, hidden: set[str], chosen: set[str]
) -> None:
    natural = natural_widths(scan_library(library))
    for width in range(20, 301):
        widths = fit_columns(width, natural, hidden, chosen)
        assert list(widths) == [key for key in ALL_COLUMNS if key in widths]
        assert not hidden & set(widths)
        used = sum(cells + 2 for cells in widths.values())
        if "title" in hidden:
            assert used <= width
        else:
            assert used == width and widths["title"] >= min(TITLE_MINIMUM, width - 2)
        if width >= 80:  # room for the chosen ones (at least) beside the title's minimum
            assert chosen <= set(widths), width
    # With room for all, every column not hidden.
    everything = set(ALL_COLUMNS) - hidden
    if STATE not in chosen:
        everything.discard(STATE)  # no article has a state, and it was not asked for
    assert set(fit_columns(400, natural, hidden, chosen)) == everything
