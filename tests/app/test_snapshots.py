"""Snapshots (pytest-textual-snapshot) at 100x30: the library, and an Arabic article with a
selection. Update after a deliberate change with `pytest --snapshot-update`, then look
at the SVGs."""

from __future__ import annotations

from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.widgets.article_view import ArticleView


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_library_snapshot(snap_compare, library):
    app = HamishApp(library, Settings())
    assert snap_compare(app, terminal_size=(100, 30), run_before=_settle)


def test_arabic_article_with_selection_snapshot(snap_compare, library):
    app = HamishApp(library / "ar_economy.txt", Settings())

    async def select_phrase(pilot) -> None:
        await _settle(pilot)
        view = pilot.app.screen.query_one(ArticleView)
        start = view.text.index("صندوق النقد الدولي")
        view.select(start, start + len("صندوق النقد الدولي (IMF)"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=select_phrase)


def test_highlights_and_panel_snapshot(snap_compare, library):
    """Coloured, overlapping highlights (from ar_economy.txt's sidecar plus one inside
    another) with the annotations panel open."""
    app = HamishApp(library / "ar_economy.txt", Settings(author="rana"))

    async def annotate(pilot) -> None:
        await _settle(pilot)
        screen = pilot.app.screen
        text = screen.query_one(ArticleView).text
        inner = text.index("وأمن الطاقة")
        screen.session.add(inner, inner + len("وأمن الطاقة"), ["claim"])
        await pilot.press("a")
        await pilot.pause()
        screen.query_one(ArticleView).move_to(inner + 1)
        screen.query_one(ArticleView).focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=annotate)
