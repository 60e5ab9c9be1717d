"""The article's own tags and note in the reader's header (issue 13, item 7): shown from
the sidecar when the article opens and after T / C / undo, laid out by the engine."""

from __future__ import annotations

import json
from pathlib import Path

from annotations import open_sidecar, sidecar_path
from reader.settings import Settings
from reader.tui import display
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleHeader, document_line
from tests.app.pilots import open_article

TEXT = "# عنوان المقال\n\nقال الوزير إن الحكومة ستعمل.\n"
ARABIC_TAG = "موضوع/انتخابات"
NOTE = "مقال مهم\nللمراجعة"  # two lines: the header shows one


def header_text(screen) -> str:
    return screen.query_one("#header", ArticleHeader).render().plain


def article(tmp_path: Path, *, tags: tuple[str, ...] = (), note: str = "") -> Path:
    path = tmp_path / "a.md"
    path.write_text(TEXT, encoding="utf-8")
    if tags or note:
        sidecar = open_sidecar(path, TEXT)
        sidecar.save(sidecar.annotations.with_document(tags=tags, note=note))
    return path


async def test_tags_and_note_from_the_sidecar_are_in_the_header_laid_out(tmp_path):
    path = article(tmp_path, tags=("economy", ARABIC_TAG), note=NOTE)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, _ = await open_article(pilot)
        await pilot.pause()
        shown = header_text(screen)
        assert "Article tags: economy, " in shown
        assert "Note: " in shown
        # Shaped and in visual order, as the engine lays the tag out on its own; the
        # logical (raw) Arabic never reaches the screen.
        assert ARABIC_TAG not in shown
        assert display.line(ARABIC_TAG).plain.strip() in shown
        assert display.line("مقال مهم للمراجعة").plain.strip() in shown
        assert len(shown.splitlines()) == 2  # the title (no byline here), then our line


async def test_the_header_follows_the_article_tags_key_and_undo(tmp_path):
    path = article(tmp_path)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, _ = await open_article(pilot)
        assert "Article tags" not in header_text(screen)
        await pilot.press("T", *"economy", "enter", "enter")
        await pilot.pause()
        screen.session.flush()
        assert "Article tags: economy" in header_text(screen)
        document = json.loads(sidecar_path(path).read_text(encoding="utf-8"))["document"]
        assert document["tags"] == ["economy"]
        await pilot.press("u")
        await pilot.pause()
        assert "Article tags" not in header_text(screen)


def test_a_long_note_is_cut_at_its_end_and_the_tags_kept():
    line = document_line(("economy",), "word " * 100, 60)
    plain = line.replace("\u2068", "").replace("\u2069", "")  # the isolates
    assert plain.startswith("Article tags: economy · Note: word word")
    assert display.width_of(line) <= 60
    assert plain.endswith("…")
    assert document_line((), "", 60) == ""
