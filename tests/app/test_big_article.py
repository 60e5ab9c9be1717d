"""A big article in the reader: `G` pressed on the preview reaches the real end, page keys
work from there, and a jump to a match near the end shows its words, all before the
background layout has measured the article; the view keeps a few screens of laid-out
paragraphs, not the article."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens import article as article_screen
from reader.tui.widgets import article_view
from reader.tui.widgets.article_view import ArticleView

WORDS = (
    "قال الرئيس إن الحكومة ستواصل العمل على تعزيز الأمن والاستقرار في المنطقة وأضاف "
    "أن الاقتصاد الوطني سجل نموا بنسبة خلال العام الماضي (IMF) 2024"
).split()
LAST = "وختم الوزير كلمته الختاميّة بالشكر."
NEAR_END = "المقطعالفريد"


@pytest.fixture
def big(tmp_path) -> Path:
    """About 3 MB (more than the reader loads at once: it shows a preview first)."""
    rng = random.Random(5)
    lines = [" ".join(rng.choices(WORDS, k=rng.randint(20, 90))) + "." for _ in range(6000)]
    lines[-40] = f"في هذا السطر {NEAR_END} قرب النهاية."
    path = tmp_path / "big.txt"
    path.write_text("\n".join([*lines, LAST]) + "\n", encoding="utf-8")
    assert path.stat().st_size > 2_500_000
    return path


def shown(view: ArticleView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


async def _view(pilot) -> ArticleView:
    screen = pilot.app.screen
    for _ in range(200):
        if screen.query(ArticleView):
            break
        await pilot.pause(0.02)
    return screen.query_one(ArticleView)


async def _full(pilot) -> None:
    screen = pilot.app.screen
    for _ in range(400):
        if not screen.partial:
            return
        await pilot.pause(0.05)
    raise AssertionError("the article never finished loading")


def _assert_on_screen(view: ArticleView, offset: int, words: str) -> None:
    row, line = view.document.locate(offset)
    top = int(view.scroll_offset.y)
    height = view.scrollable_content_region.height
    assert top <= row < top + height
    assert line.start <= offset < max(line.end, offset + 1)
    drawn = view.render_line(row - top).text
    assert drawn.strip() == line.text.strip()
    # The row shows the engine's cells of these words, exactly.
    start = view.text.index(words, line.start)
    covered = {o for cell in line.cells for o in cell.offsets}
    assert set(range(start, start + len(words))) <= covered


async def test_G_on_the_preview_goes_on_to_the_real_end(big, monkeypatch):
    # The full load starts late enough for G to land on the preview, however busy the
    # machine is.
    monkeypatch.setattr(article_screen, "FULL_LOAD_DELAY", 1.5)
    async with HamishApp(big, Settings()).run_test(size=(100, 30)) as pilot:
        view = await _view(pilot)
        screen = pilot.app.screen
        await pilot.press("G")
        assert screen.partial  # only the beginning is loaded
        preview_end = view.cursor
        assert preview_end == view.document.end < len(big.read_text(encoding="utf-8")) - 100
        await _full(pilot)
        await pilot.pause()
        document = view.document
        assert not document.exact  # the background layout has not measured it all
        assert view.cursor == document.end > preview_end
        assert view.text[view.cursor] == "."  # the last cell of the last line
        row, _ = document.locate(view.cursor)
        assert row == document.line_count - 1
        _assert_on_screen(view, view.cursor, "بالشكر.")
        assert "بالشكر" not in "".join(shown(view))  # shaped, not the logical letters
        assert document.cached_paragraphs <= document.cache_paragraphs + 1
        # Page keys from there, still before the background layout is done.
        await pilot.press("pageup", "pageup")
        row, _ = document.locate(view.cursor)
        assert document.line_count - 1 - row >= 2 * (view.scrollable_content_region.height - 2)
        _assert_on_screen(view, view.cursor, view.text[view.cursor])
        assert not document.exact


async def test_a_search_near_the_end_shows_its_words_before_the_layout_is_done(big):
    async with HamishApp(big, Settings()).run_test(size=(100, 30)) as pilot:
        view = await _view(pilot)
        await _full(pilot)
        screen = pilot.app.screen
        await pilot.press("/")
        await pilot.pause()
        screen.search_box.value = NEAR_END
        await pilot.press("enter")
        for _ in range(200):
            if view.matches:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        document = view.document
        offset = view.text.index(NEAR_END)
        assert [(m.start, m.end) for m in view.matches] == [(offset, offset + len(NEAR_END))]
        assert not document.exact
        assert view.cursor == offset
        _assert_on_screen(view, offset, NEAR_END)
        # The cache holds a few screens, not every paragraph the jump went past.
        height = max(view.scrollable_content_region.height, 24)
        assert document.cache_rows == article_view.CACHE_SCREENS * height
        assert document.cached_paragraphs <= document.cache_paragraphs
        # Any offset near the end, straight away.
        target = view.text.index(LAST) - 500
        view.move_to(target)
        await pilot.pause()
        _assert_on_screen(view, view.cursor, view.text[view.cursor])
