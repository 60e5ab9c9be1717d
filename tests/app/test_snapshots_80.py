"""Snapshots at 80x24 — xterm's, PuTTY's and plain SSH's default — of Arabic articles: the
top of ar_economy.txt (its lines whole at the right edge, paragraphs apart, no horizontal
scrollbar), its subheading, and the bidi markers of mixed_controls.txt.

Update after a deliberate change with `pytest tests/app/test_snapshots_80.py
--snapshot-update`, then look at the SVGs in __snapshots__/test_snapshots_80/.
"""

from __future__ import annotations

from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.widgets.article_view import ArticleView

SIZE = (80, 24)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_arabic_article_at_80_columns(snap_compare, library):
    app = HamishApp(library / "ar_economy.txt", Settings(reading_width=80))
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_arabic_subheading_at_80_columns(snap_compare, library):
    app = HamishApp(library / "ar_economy.txt", Settings(reading_width=80))

    async def to_the_subheading(pilot) -> None:
        await _settle(pilot)
        view = pilot.app.screen.query_one(ArticleView)
        heading = view.text.index("إعلان مرتقب")
        row, _ = view.document.locate(heading)
        view.move_to(heading)
        view.scroll_to(y=row - 3, animate=False, immediate=True)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=to_the_subheading)


def test_bidi_markers_at_80_columns(snap_compare, library):
    app = HamishApp(library / "mixed_controls.txt", Settings(reading_width=80))

    async def to_the_override(pilot) -> None:
        await _settle(pilot)
        view = pilot.app.screen.query_one(ArticleView)
        view.move_to(view.text.index("invoice"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=to_the_override)
