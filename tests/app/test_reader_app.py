"""The whole reader in a pilot: library, opening, search, help, settings, safety."""

from __future__ import annotations

import os

from textual.widgets import DataTable, Input

from reader.settings import Settings
from reader.text.fold import find_all, fold
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.widgets.article_view import ArticleView


async def wait_for_table(pilot) -> DataTable:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen.query_one(DataTable)


async def wait_for_view(pilot) -> ArticleView:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen.query_one(ArticleView)


def row_of(table: DataTable, name: str) -> list:
    key = next(k for k in table.rows if str(k.value).endswith(name))
    return table.get_row(key)


async def test_library_lists_samples_with_counts(library):
    async with HamishApp(library, Settings()).run_test(size=(120, 30)) as pilot:
        table = await wait_for_table(pilot)
        assert isinstance(pilot.app.screen, LibraryScreen)
        assert table.row_count == 11  # README.md is not an article
        economy = row_of(table, "ar_economy.txt")
        assert str(economy[4]) == "4"  # annotations
        assert "topic/economy" in str(economy[5])
        assert str(row_of(table, "en_markets.txt")[4]) == "0"


async def test_type_to_filter_sort_and_open_and_back(library):
    async with HamishApp(library, Settings()).run_test(size=(120, 30)) as pilot:
        table = await wait_for_table(pilot)
        await pilot.press(*"strike")
        assert pilot.app.screen.query_one("#filter", Input).value == "strike"
        assert table.row_count == 1
        await pilot.press("escape")
        assert table.row_count == 11
        await pilot.click("#table", offset=(60, 0))  # the "notes" header… or any header sorts
        await pilot.pause()
        table.focus()
        await pilot.press(*"strike", "enter")  # one match: enter in the filter opens it
        view = await wait_for_view(pilot)
        assert isinstance(pilot.app.screen, ArticleScreen)
        assert pilot.app.screen.path.name == "en_quoting_arabic.txt"
        assert view.document.line_count > 5
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, LibraryScreen)


async def test_every_letter_filters_even_q_and_r(library):
    async with HamishApp(library, Settings()).run_test(size=(120, 30)) as pilot:
        table = await wait_for_table(pilot)
        await pilot.press(*"quote")
        assert pilot.app.is_running
        assert pilot.app.screen.query_one("#filter", Input).value == "quote"
        assert table.row_count == 2  # the two articles with annotations tagged quote


async def test_article_tags_are_found_by_the_filter(library):
    from annotations import open_sidecar
    from reader.library.article import load_article

    path = library / "fa_culture.txt"
    sidecar = open_sidecar(path, load_article(path).text)
    sidecar.save(sidecar.annotations.with_document(tags=("موضوع/انتخابات",)))
    async with HamishApp(library, Settings()).run_test(size=(120, 30)) as pilot:
        table = await wait_for_table(pilot)
        pilot.app.screen.query_one("#filter", Input).value = "موضوع"
        await pilot.pause()
        assert table.row_count == 1


async def test_folder_with_unreadable_file_still_opens(library):
    (library / "broken.txt").write_bytes(bytes(range(256)) * 8)
    async with HamishApp(library, Settings()).run_test(size=(120, 30)) as pilot:
        table = await wait_for_table(pilot)
        assert table.row_count == 12
        row = row_of(table, "broken.txt")
        assert "binary" in str(row[0])


async def test_search_finds_folded_matches_at_exact_offsets(library):
    path = library / "ar_economy.txt"
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        view = await wait_for_view(pilot)
        await pilot.press("slash")
        await pilot.press(*"الامن")
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = view.text
        expected = [m for m in find_all(fold(text), "الامن", text)]
        assert [(m.start, m.end) for m in view.matches] == expected
        assert expected and all("الأمن" in text[s:e] or "الامن" in text[s:e] for s, e in expected)
        assert view.cursor == expected[0][0]
        status = str(pilot.app.screen.query_one("#status").render())
        assert f"1/{len(expected)} matches" in status
        await pilot.press("n")
        assert view.cursor == expected[1 % len(expected)][0]
        await pilot.press("N")
        assert view.cursor == expected[0][0]


async def test_help_lists_every_key(library):
    async with HamishApp(library / "ar_economy.txt", Settings()).run_test(size=(100, 40)) as pilot:
        await wait_for_view(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        shown = " ".join(key for _, key, _ in pilot.app.screen.rows)
        for key in (
            "ctrl+left",
            "shift+left",
            "pagedown",
            "home",
            "/",
            "]",
            "escape",
            "y",
            "v",
            "s",
        ):
            assert key in shown, key
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ArticleScreen)


async def test_harakat_toggle_relayouts_and_keeps_cursor(library):
    async with HamishApp(library / "ar_economy.txt", Settings()).run_test(size=(100, 30)) as pilot:
        view = await wait_for_view(pilot)
        view.move_to(view.text.index("عُقِدَ") + 2)
        before = view.cursor
        shown = "".join(view.render_line(y).text for y in range(10))
        pilot.app.action_toggle_harakat()
        await pilot.pause()
        hidden = "".join(view.render_line(y).text for y in range(10))
        assert "\u064f" in shown and "\u064f" not in hidden
        assert view.cursor == before


async def test_article_text_is_never_markup(library):
    async with HamishApp(library / "en_markets.txt", Settings()).run_test(size=(120, 40)) as pilot:
        view = await wait_for_view(pilot)
        rendered = "".join(view.render_line(y).text for y in range(view.document.line_count))
        assert "[bold]" in rendered


async def test_controls_are_shown_safely_in_the_view(library):
    async with HamishApp(library / "mixed_controls.txt", Settings()).run_test(
        size=(120, 40)
    ) as pilot:
        view = await wait_for_view(pilot)
        lines = [view.render_line(y) for y in range(view.document.line_count)]
        for strip in lines:
            for segment in strip:
                assert "\x1b" not in segment.text and "\u202e" not in segment.text
        assert any("\u241b[2J" in strip.text for strip in lines)


async def test_large_article_opens_without_freezing(tmp_path):
    big = tmp_path / "big.txt"
    paragraph = ("قال الوزير إن الأمن مستتب والاقتصاد ينمو بنسبة 3.2% في 2024. " * 8).strip()
    with big.open("w", encoding="utf-8") as handle:
        for _ in range(int(os.environ.get("HAMISH_BIG_PARAGRAPHS", "40000"))):
            handle.write(paragraph + "\n")
    async with HamishApp(big, Settings()).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        view = screen.query_one(ArticleView)
        assert screen.previewed  # the beginning was on screen while the rest loaded
        assert view.render_line(0).text.strip()
        await pilot.press("down", "down")
        cursor = view.cursor
        for _ in range(300):
            if not screen.partial:
                break
            await pilot.pause(0.05)
        assert not screen.partial
        assert view.text == big.read_text(encoding="utf-8")
        assert view.cursor == cursor  # the full load kept the reader's place
        assert not view.document.exact  # laid out lazily: only what was needed
        await pilot.press("G")
        assert view.cursor == view.document.end
        await pilot.press("g", "down")
        assert view.cursor > 0
