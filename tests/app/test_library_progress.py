"""The library shows where the work stands: a "state" column once an article has a state,
the corpus's progress on the summary line, a state's name in the filter, sorting by state.
What is asserted is what the screen draws and what the table holds."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from annotations import open_sidecar
from reader.library.article import load_article
from reader.library.catalog import scan_library
from reader.library.catalog_index import scan_catalog
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.library import (
    TITLE_MINIMUM,
    LibraryScreen,
    fit_columns,
    natural_widths,
    progress_text,
)
from tests.app.pilots import screen_lines, settled_table, shown_files


def mark(library: Path, name: str, state: str) -> None:
    path = library / name
    sidecar = open_sidecar(path, load_article(path).text)
    sidecar.save(sidecar.annotations.with_progress(state, "lina"))  # type: ignore[arg-type]


def state_cells(table: DataTable) -> dict[str, str]:
    column = [str(c.key.value) for c in table.ordered_columns].index("state")
    return {Path(str(key.value)).name: str(table.get_row(key)[column]) for key in table.rows}


async def test_states_are_a_column_and_the_progress_is_on_the_summary_line(library):
    mark(library, "en_markets.txt", "done")
    mark(library, "ar_economy.txt", "in progress")
    articles = sum(1 for _ in scan_catalog_entries(library))
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settled_table(pilot)
        headers = [str(c.key.value) for c in table.ordered_columns]
        assert headers == ["title", "date", "annotations", "state", "tags"]
        cells = state_cells(table)
        # At 80 columns "in progress" is whole (it was cut to "in p…"): the title gave way.
        assert cells["en_markets.txt"] == "done" and cells["ar_economy.txt"] == "in progress"
        assert cells["fa_culture.txt"] == "to do"
        widths = {str(c.key.value): c.width for c in table.ordered_columns}
        assert widths["state"] == len("in progress") and widths["title"] == 24
        lines = screen_lines(pilot)
        key = next(k for k in table.rows if str(k.value).endswith("/ar_economy.txt"))
        row = lines[table.region.y + 1 + table.get_row_index(key)]
        assert " in progress " in row and "…" not in row.split("in progress")[1][:3]
        assert any("state" in line and "annotations" in line for line in lines)  # the header
        summary = str(pilot.app.screen.query_one("#summary", Static).render())
        assert summary.endswith(f"· 1 of {articles} done, 1 in progress")
        assert any(line.strip().endswith(f"1 of {articles} done, 1 in progress") for line in lines)


async def test_a_library_nobody_tracks_shows_no_state(library):
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settled_table(pilot)
        assert "state" not in [str(c.key.value) for c in table.ordered_columns]
        assert "done" not in str(pilot.app.screen.query_one("#summary", Static).render())


async def test_typing_a_state_keeps_its_articles_and_the_state_sorts(library):
    mark(library, "en_markets.txt", "done")
    mark(library, "he_tech.txt", "done")
    mark(library, "ar_politics.txt", "in progress")
    async with HamishApp(library, Settings()).run_test(size=(100, 30)) as pilot:
        table = await settled_table(pilot)
        assert state_cells(table)["ar_politics.txt"] == "in progress"  # room for it at 100
        for key in "done":
            await pilot.press(key)
        await pilot.pause()
        assert shown_files(table) == ["en_markets.txt", "he_tech.txt"]
        for _ in "done":
            await pilot.press("backspace")
        await pilot.press("escape")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        screen.sort_by("state")
        await pilot.pause()
        order = [state_cells(table)[name] for name in shown_files(table)]
        assert order[-3:] == ["in progress", "done", "done"] and set(order[:-3]) == {"to do"}


def test_the_state_column_keeps_in_progress_whole_and_the_title_gives_way(library):
    mark(library, "ar_economy.txt", "in progress")
    natural = natural_widths(scan_library(library))
    assert natural["state"] == len("in progress")
    # The table's width at 80 columns beside its scrollbar: the same columns as without a
    # state, the title 6 cells short of its minimum so that "in progress" is whole.
    assert fit_columns(78, natural) == {
        "title": TITLE_MINIMUM - 6,
        "date": 10,
        "annotations": 11,
        "state": 11,
        "tags": 12,
    }
    for width in range(60, 200):  # whenever the state is shown, it has its 11 cells
        widths = fit_columns(width, natural)
        assert sum(cells + 2 for cells in widths.values()) == width
        if "state" in widths:
            assert widths["state"] == 11, width
    done_only = {**natural, "state": len("state")}  # no "in progress": the header's cells
    assert fit_columns(78, done_only)["state"] == 5


def test_the_progress_text_groups_thousands():
    class Entry:
        def __init__(self, state: str) -> None:
            self.state = state

    entries = [Entry("done")] * 312 + [Entry("to do")] * 892
    assert progress_text(entries) == "312 of 1,204 done"  # type: ignore[arg-type]


def scan_catalog_entries(library: Path):
    for batch in scan_catalog(library):
        yield from batch


def test_the_catalog_index_rescans_a_changed_state(library):
    def states() -> dict[str, str]:
        return {e.path.name: e.state for e in scan_catalog_entries(library)}

    assert states()["en_markets.txt"] == "to do"
    mark(library, "en_markets.txt", "done")
    assert states()["en_markets.txt"] == "done"  # the sidecar's stamp changed: row redone
    assert set(states().values()) == {"to do", "done"}
