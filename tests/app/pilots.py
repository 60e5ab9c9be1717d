"""What several pilot tests do alike."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable

from annotations import sidecar_path
from reader.tui.screens.article import ArticleScreen
from reader.tui.widgets.article_view import ArticleView


async def open_article(pilot) -> tuple[ArticleScreen, ArticleView]:
    """The article screen once opened, its annotation session started, and its view."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.05)  # the session opens just after the first frame
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen) and screen.session is not None
    return screen, screen.query_one(ArticleView)


async def settled(pilot) -> None:
    """Once the app's workers are done (a scan, a session's load) and the screen is drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settled_table(pilot) -> DataTable:
    """The library screen's table once its scan is done and drawn."""
    await settled(pilot)
    return pilot.app.screen.query_one(DataTable)


def screen_lines(pilot) -> list[str]:
    """The screen as drawn, one string a line."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def shown_files(table: DataTable) -> list[str]:
    """The rows' files, top to bottom, as the table holds them."""
    return [
        Path(str(table.coordinate_to_cell_key((i, 0)).row_key.value)).name
        for i in range(table.row_count)
    ]


def sidecar_of(path: Path) -> dict:
    """The sidecar of the article at ``path``, as saved on disk."""
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))
