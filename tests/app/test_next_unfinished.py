"""From one article to the next that is not done (issue 13, item 5): ctrl+n opens the next
article of the library, in the library's order, that is not done (round from the top),
knowing what the reader itself just marked; opened on one file, the next of its folder;
"every article is done" at the end. And the reader remembers where each article was
left: reopening one puts the cursor (and the top row) back."""

from __future__ import annotations

import json
import os
from pathlib import Path

from annotations import open_sidecar
from reader.library.article import load_article
from reader.positions import Position, Positions
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen, next_not_done
from reader.tui.screens.library import LibraryScreen
from tests.app.pilots import open_article

#: The sample library in its default order (by file).
ORDER = [
    "ar_crlf.txt",
    "ar_economy.txt",
    "ar_frontmatter.md",
    "ar_politics.txt",
    "ar_windows1256.txt",
    "en_markets.txt",
    "en_quoting_arabic.txt",
    "fa_culture.txt",
    "he_tech.txt",
    "mixed_controls.txt",
    "ur_sports.txt",
]


def mark(library: Path, name: str, state: str) -> None:
    path = library / name
    sidecar = open_sidecar(path, load_article(path).text)
    sidecar.save(sidecar.annotations.with_progress(state, "lina"))  # type: ignore[arg-type]


def state_on_disk(library: Path, name: str) -> str | None:
    from annotations import sidecar_path

    data = json.loads(sidecar_path(library / name).read_text(encoding="utf-8"))
    return data["document"].get("state", {}).get("state")


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.05)


def messages(pilot) -> list[str]:
    return [" ".join(n.message.split()) for n in pilot.app._notifications]


async def open_from_library(pilot, name: str) -> ArticleScreen:
    await settle(pilot)
    library = pilot.app.screen
    assert isinstance(library, LibraryScreen)
    entry = next(e for e in library.entries if e.path.name == name)
    pilot.app.push_screen(ArticleScreen(entry.path))
    screen, _view = await open_article(pilot)
    return screen


async def next_article(pilot) -> ArticleScreen:
    await pilot.press("ctrl+n")
    await settle(pilot)
    screen, _view = await open_article(pilot)
    return screen


async def test_ctrl_n_skips_done_articles_in_library_order_and_knows_what_was_just_marked(
    library,
):
    for name in ORDER:
        if name not in {"ar_crlf.txt", "ar_economy.txt", "ar_politics.txt"}:
            mark(library, name, "done")
    async with HamishApp(library, Settings(author="rana")).run_test(
        size=(100, 30), notifications=True
    ) as pilot:
        screen = await open_from_library(pilot, "ar_crlf.txt")
        screen = await next_article(pilot)
        assert screen.path.name == "ar_economy.txt"
        # Replaced, not stacked: back still goes to the library.
        assert [type(s).__name__ for s in pilot.app.screen_stack[-2:]] == [
            "LibraryScreen",
            "ArticleScreen",
        ]
        await pilot.press("M", "M")  # done; the library's row still says "to do"
        await settle(pilot)
        assert state_on_disk(library, "ar_economy.txt") == "done"
        screen = await next_article(pilot)
        assert screen.path.name == "ar_politics.txt"  # ar_frontmatter.md is done
        await pilot.press("M", "M")
        await settle(pilot)
        screen = await next_article(pilot)
        assert screen.path.name == "ar_crlf.txt"  # round from the top, past the done ones
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pilot.app.screen is screen  # nothing else is left: it stays
        assert "Every other article is done" in messages(pilot)
        await pilot.press("M", "M")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "Every article is done" in messages(pilot)


async def test_ctrl_n_follows_the_library_sort_and_filter(library):
    async with HamishApp(library, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        library_screen = pilot.app.screen
        assert isinstance(library_screen, LibraryScreen)
        library_screen.sort_by("file", reverse=True)
        await pilot.pause()
        screen = await open_from_library(pilot, "he_tech.txt")
        screen = await next_article(pilot)
        assert screen.path.name == "fa_culture.txt"  # Z to A: the one before by name


async def test_opened_on_one_file_ctrl_n_opens_the_next_of_its_folder(library):
    mark(library, "ar_economy.txt", "done")
    path = library / "ar_crlf.txt"
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        await open_article(pilot)
        screen = await next_article(pilot)
        assert screen.path == library / "ar_frontmatter.md"
        assert screen.standalone  # q still quits


def test_next_not_done_in_order_round_from_the_top(tmp_path: Path) -> None:
    from reader.library.catalog import CatalogEntry

    def entry(name: str, state: str = "to do", error: str | None = None) -> CatalogEntry:
        return CatalogEntry(
            tmp_path / name, name, name, None, None, None, "ltr", 0, 0, (), 0.0, error, None,
            state=state,
        )  # fmt: skip

    order = [entry("a", "done"), entry("b"), entry("c", error="unreadable"), entry("d")]
    found = next_not_done(order, tmp_path / "b", {})
    assert found is not None and found.relative == "d"  # past the unreadable one
    found = next_not_done(order, tmp_path / "d", {})
    assert found is not None and found.relative == "b"  # round from the top
    assert next_not_done(order, tmp_path / "d", {tmp_path / "b": "done"}) is None
    found = next_not_done(order, tmp_path / "elsewhere", {})
    assert found is not None and found.relative == "b"  # not in the list: from the top


async def test_reopening_an_article_puts_the_cursor_and_the_top_row_back(library):
    path = library / "ar_economy.txt"
    async with HamishApp(library, Settings(author="rana")).run_test(size=(80, 24)) as pilot:
        screen = await open_from_library(pilot, "ar_economy.txt")
        view = screen.view
        assert view is not None and view.cursor == 0
        await pilot.press("pagedown", "pagedown", "down", "right", "right")
        await pilot.pause()
        left_at, top_row = view.cursor, int(view.scroll_offset.y)
        assert left_at > 0 and top_row > 0
        await pilot.press("q")  # back to the library: the position is kept
        await settle(pilot)
        assert isinstance(pilot.app.screen, LibraryScreen)
        stored = Positions().get(path)
        assert stored is not None and stored.cursor == left_at
        screen = await open_from_library(pilot, "ar_economy.txt")
        await pilot.pause()
        assert screen.view is not None
        assert screen.view.cursor == left_at
        assert int(screen.view.scroll_offset.y) == top_row
        assert f"offset {left_at}" in screen._status
    # Quitting keeps it too (ctrl+q from the article), and a new run opens there.
    async with HamishApp(path, Settings(author="rana")).run_test(size=(80, 24)) as pilot:
        screen, view = await open_article(pilot)
        await pilot.pause()
        assert view.cursor == left_at
        view.move_to(left_at + 7)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert Positions().get(path) == Position(left_at + 7, Positions().get(path).top)
    assert os.environ["XDG_STATE_HOME"] in str(Positions().path)  # never the library


async def test_a_search_hit_wins_over_the_remembered_position(library):
    path = library / "ar_economy.txt"
    Positions().remember(path, Position(200, 150))
    async with HamishApp(library, Settings(author="rana")).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pilot.app.push_screen(ArticleScreen(path, at=40))
        _screen, view = await open_article(pilot)
        await pilot.pause()
        assert view.cursor == view.document.snap(40)
