"""The library's full-text search screen: typed query, hits from the index, Enter's result."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.widgets import OptionList

from annotations import make_annotation, open_sidecar
from reader.library.article import load_article
from reader.library.search_index import index_path
from reader.text.fold import fold
from reader.tui import display
from reader.tui.screens.corpus_search import CorpusSearch
from reader.tui.widgets.rtl_input import RtlInput

FIRST = "عنوان أول\nقال الوزير إن الأمن أولوية.\nوالامن مهم.\n"
SECOND = "تقرير ثان\nلا شيء هنا عن الموضوع.\n"


class Host(App[None]):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(CorpusSearch(self.root), callback=self.results.append)


def _library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    (root / "desk").mkdir(parents=True)
    (root / "first.txt").write_text(FIRST, encoding="utf-8")
    (root / "desk" / "second.txt").write_text(SECOND, encoding="utf-8")
    path = root / "desk" / "second.txt"
    text = load_article(path).text
    start = text.index("الموضوع")
    sidecar = open_sidecar(path, text)
    sidecar.save(
        sidecar.annotations.added(make_annotation(text, start, start + 7, tags=["موضوع/الأمن"]))
    )
    return root


async def _type(pilot, text: str) -> None:
    for char in text:
        pilot.app.post_message(events.Key(_character_to_key(char), char))
    await pilot.pause()


async def _settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_typed_query_lists_folded_hits_laid_out_and_enter_gives_path_and_offset(tmp_path):
    root = _library(tmp_path)
    app = Host(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, CorpusSearch)
        await _type(pilot, "الامن")
        await _settle(pilot)
        assert screen.query_one("#query", RtlInput).value == "الامن"
        listing = screen.query_one("#hits", OptionList)
        hits = screen.hits
        assert [(Path(h.path).name, h.kind, h.match) for h in hits] == [
            ("first.txt", "text", "الأمن"),
            ("first.txt", "text", "الامن"),
            ("second.txt", "tag", "موضوع/الأمن"),
        ]
        assert listing.option_count == 3 and listing.highlighted == 0
        # Each hit is drawn as two rows: where, then the engine's layout of its context
        # (right-aligned, shaped and reordered), never the logical string.
        shown = [listing.render_line(y).text for y in range(4)]
        width = listing.content_region.width - 2
        context = display.line(hits[0].context, width, fill=True).plain
        assert shown[1].rstrip() == context.rstrip() and context.startswith(" ")
        assert hits[0].context not in shown[1]
        assert shown[0].startswith("first.txt:2 — ")
        assert shown[2].startswith("first.txt:3 — ")
        assert index_path(root).is_file()  # the index was built in the worker

        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
    [(path, offset)] = app.results
    text = (root / "first.txt").read_text(encoding="utf-8")
    assert path == root / "first.txt"
    assert fold(text[offset : offset + 5]).text == fold("الامن").text
    assert text[offset:].startswith("الامن مهم")


async def test_a_query_with_no_hit_says_so_and_escape_gives_none(tmp_path):
    root = _library(tmp_path)
    app = Host(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await _type(pilot, "zzz")
        await _settle(pilot)
        assert screen.query_one("#hits", OptionList).option_count == 0
        assert "no matches" in str(screen.query_one("#status").render())
        await pilot.press("enter")  # nothing to open: the screen stays
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_slash_in_the_library_searches_every_article_and_opens_the_hit(tmp_path):
    from reader.settings import Settings
    from reader.tui.app import HamishApp
    from reader.tui.screens.article import ArticleScreen
    from reader.tui.screens.library import LibraryScreen
    from reader.tui.widgets.article_view import ArticleView

    root = _library(tmp_path)
    # A long article whose hit lies far below the first screen.
    filler = "".join(f"فقرة رقم {n} لا تذكر الموضوع.\n\n" for n in range(200))
    long_text = "مقال طويل\n\n" + filler + "وفي النهاية تحدث الوزير عن الاقتصاد.\n"
    (root / "long.txt").write_text(long_text, encoding="utf-8")
    async with HamishApp(root, Settings()).run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        assert isinstance(pilot.app.screen, LibraryScreen)
        await pilot.press("slash")
        await _settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CorpusSearch)
        await _type(pilot, "الاقتصاد")
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.pause(0.1)
        article = pilot.app.screen
        assert isinstance(article, ArticleScreen) and article.path == root / "long.txt"
        view = article.query_one(ArticleView)
        offset = long_text.index("الاقتصاد")
        assert view.cursor == offset
        shown = [view.render_line(y).text for y in range(view.size.height)]
        assert any(display.line("الاقتصاد", 40).plain.strip() in row for row in shown)


async def test_a_library_gone_while_searching_is_said_in_the_status_line(tmp_path):
    import shutil

    root = _library(tmp_path)
    app = Host(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        shutil.rmtree(root)  # renamed, deleted or unmounted while the reader is open
        await _type(pilot, "الامن")
        await _settle(pilot)
        assert app.is_running and app.screen is screen
        status = screen.query_one("#status").render()
        assert "cannot search" in str(status) and "no such file or folder" in str(status)
