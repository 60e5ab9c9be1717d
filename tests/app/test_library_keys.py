"""The library from the keyboard (reader/tui/screens/library.py): "?" opens help instead of
typing into the filter, only a letter or digit starts a filter, Enter opens the
highlighted row however many match, Up/Down move it from the filter box, ctrl+s / ctrl+o
and the command palette sort. What is asserted is what the screen holds: the table's rows
in order, the filter's text, the screen on top, the toast."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.corpus_search import CorpusSearch
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.library import LibraryScreen
from tests.app.pilots import settled_table, shown_files

SIZE = (120, 30)  # title, source, date, lang, annotations and tags are shown


def highlighted(table: DataTable) -> str:
    return Path(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)).name


def filter_text(pilot) -> str:
    return pilot.app.screen.query_one("#filter", Input).value


def toasts(pilot) -> list[str]:
    return [" ".join(n.message.split()) for n in pilot.app._notifications]


async def test_question_mark_opens_help_and_types_nothing(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=SIZE) as pilot:
        table = await settled_table(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        keys = {key for _, key, _ in pilot.app.screen.rows}
        assert {"ctrl+s", "ctrl+o", "enter", "/"} <= keys  # the library's own rows
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LibraryScreen) and filter_text(pilot) == ""
        # With a filter typed and the table focused again, "?" is still help.
        await pilot.press(*"quote")
        assert filter_text(pilot) == "quote" and table.row_count == 2
        table.focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert filter_text(pilot) == "quote"


async def test_only_a_letter_or_digit_starts_the_filter(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=SIZE) as pilot:
        table = await settled_table(pilot)
        await pilot.press("left_parenthesis", "full_stop", "space")
        assert filter_text(pilot) == "" and table.row_count == 11 and table.has_focus
        await pilot.press("slash")  # the search of every article's text, as before
        await pilot.pause()
        assert isinstance(pilot.app.screen, CorpusSearch)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("2")  # a digit starts it (a year, a date)
        assert filter_text(pilot) == "2"
        await pilot.press("escape")
        await pilot.press(*"ب")  # so does a letter of any script
        assert filter_text(pilot) == "ب"


async def test_enter_opens_the_highlighted_row_of_several(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=SIZE) as pilot:
        table = await settled_table(pilot)
        await pilot.press("a")
        assert table.row_count > 2  # several match: Enter used to do nothing here
        rows = shown_files(table)
        assert highlighted(table) == rows[0]
        await pilot.press("down", "down", "up")  # from the filter box
        assert pilot.app.screen.query_one("#filter", Input).has_focus
        assert highlighted(table) == rows[1]
        await pilot.press("up", "up", "down")  # Up stops at the first row
        assert highlighted(table) == rows[1]
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen)
        assert pilot.app.screen.path.name == rows[1]


async def test_ctrl_s_sorts_by_the_next_column_and_ctrl_o_reverses(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=SIZE, notifications=True) as pilot:
        table = await settled_table(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        by_file = sorted(e.relative.casefold() for e in screen.entries)
        assert [f.casefold() for f in shown_files(table)] == by_file  # the default order
        entries = {e.path.name: e for e in screen.entries}

        await pilot.press("ctrl+s")  # the file column is not shown: the first shown, title
        titles = [entries[f].title.casefold() for f in shown_files(table)]
        assert titles == sorted(titles) and screen.sort_column == "title"
        assert toasts(pilot)[-1] == "Sorted by title, ascending"

        await pilot.press("ctrl+o")
        titles = [entries[f].title.casefold() for f in shown_files(table)]
        assert titles == sorted(titles, reverse=True)
        assert toasts(pilot)[-1] == "Sorted by title, descending"

        for column in ("source", "date", "lang"):
            await pilot.press("ctrl+s")
            assert screen.sort_column == column
        await pilot.press("ctrl+s")  # annotations: the most annotated first
        counts = [entries[f].annotations for f in shown_files(table)]
        assert counts == sorted(counts, reverse=True) and counts[0] == 4
        assert toasts(pilot)[-1] == "Sorted by annotations, descending"
        await pilot.press("ctrl+s", "ctrl+s")  # tags, then round to title
        assert screen.sort_column == "title" and not screen.sort_reverse


async def test_sorting_keeps_the_highlighted_row(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=SIZE) as pilot:
        table = await settled_table(pilot)
        table.move_cursor(row=3)
        chosen = highlighted(table)
        before = shown_files(table)
        await pilot.press("ctrl+s", "ctrl+o")
        assert pilot.app.screen.sort_column == "title" and shown_files(table) != before
        assert highlighted(table) == chosen


async def test_the_palette_sorts_by_any_column(library: Path) -> None:
    async with HamishApp(library, Settings()).run_test(size=SIZE) as pilot:
        table = await settled_table(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"Sort by: annotations")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert screen.sort_column == "annotations" and screen.sort_reverse
        entries = {e.path.name: e for e in screen.entries}
        counts = [entries[f].annotations for f in shown_files(table)]
        assert counts == sorted(counts, reverse=True)
        # The palette also lists the keys' rows (reader/keys.py), like every screen's.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Reverse the sort")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        counts = [entries[f].annotations for f in shown_files(table)]
        assert counts == sorted(counts) and not screen.sort_reverse
