"""The library shows where the work stands: a "state" column once an article has a state,
the corpus's progress on the summary line, a state's name in the filter, sorting by state.
What is asserted is what the screen draws and what the table holds."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from annotations import open_sidecar
from reader.library.article import load_article
from reader.library.catalog_index import scan_catalog
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.library import LibraryScreen, progress_text


def mark(library: Path, name: str, state: str) -> None:
    path = library / name
    sidecar = open_sidecar(path, load_article(path).text)
    sidecar.save(sidecar.annotations.with_progress(state, "lina"))  # type: ignore[arg-type]


async def settle(pilot) -> DataTable:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen.query_one(DataTable)


def screen_lines(pilot) -> list[str]:
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def shown_files(table: DataTable) -> list[str]:
    return [
        Path(str(table.coordinate_to_cell_key((i, 0)).row_key.value)).name
        for i in range(table.row_count)
    ]


def state_cells(table: DataTable) -> dict[str, str]:
    column = [str(c.key.value) for c in table.ordered_columns].index("state")
    return {Path(str(key.value)).name: str(table.get_row(key)[column]) for key in table.rows}


async def test_states_are_a_column_and_the_progress_is_on_the_summary_line(library):
    mark(library, "en_markets.txt", "done")
    mark(library, "ar_economy.txt", "in progress")
    articles = sum(1 for _ in scan_catalog_entries(library))
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settle(pilot)
        headers = [str(c.key.value) for c in table.ordered_columns]
        assert headers == ["title", "date", "annotations", "state", "tags"]
        cells = state_cells(table)
        # At 80 columns the state has its least cells: "in progress" is cut, told apart still.
        assert cells["en_markets.txt"] == "done" and cells["ar_economy.txt"] == "in p…"
        assert cells["fa_culture.txt"] == "to do"
        lines = screen_lines(pilot)
        assert any("state" in line and "annotations" in line for line in lines)  # the header
        summary = str(pilot.app.screen.query_one("#summary", Static).render())
        assert summary.endswith(f"· 1 of {articles} done, 1 in progress")
        assert any(line.strip().endswith(f"1 of {articles} done, 1 in progress") for line in lines)


async def test_a_library_nobody_tracks_shows_no_state(library):
    async with HamishApp(library, Settings()).run_test(size=(80, 24)) as pilot:
        table = await settle(pilot)
        assert "state" not in [str(c.key.value) for c in table.ordered_columns]
        assert "done" not in str(pilot.app.screen.query_one("#summary", Static).render())


async def test_typing_a_state_keeps_its_articles_and_the_state_sorts(library):
    mark(library, "en_markets.txt", "done")
    mark(library, "he_tech.txt", "done")
    mark(library, "ar_politics.txt", "in progress")
    async with HamishApp(library, Settings()).run_test(size=(100, 30)) as pilot:
        table = await settle(pilot)
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
