"""What several pilot tests do alike."""

from __future__ import annotations

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
