"""Snapshots (pytest-textual-snapshot) at 100x30: the library, and an Arabic article with a
selection. Update after a deliberate change with `pytest --snapshot-update`, then look
at the SVGs."""

from __future__ import annotations

from reader.app import HamishApp
from reader.settings import Settings
from reader.widgets.article_view import ArticleView


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
