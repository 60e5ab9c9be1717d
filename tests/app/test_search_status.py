"""The reader's search says it is searching until its worker answers, never "no matches"
before it knows (issue 12)."""

from __future__ import annotations

import threading

import reader.text.document as document
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen


async def test_the_status_says_searching_until_the_matches_arrive(library, monkeypatch):
    path = library / "ar_economy.txt"
    release = threading.Event()
    real = document.find_matches

    def slow(*args, **kwargs):
        release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(document, "find_matches", slow)
    async with HamishApp(path, Settings()).run_test(size=(120, 30)) as pilot:
        await pilot.pause(0.1)
        screen = pilot.app.screen
        assert isinstance(screen, ArticleScreen)
        await pilot.press("/")
        screen.search_box.value = "النقد"
        await pilot.press("enter")
        await pilot.pause(0.1)
        status = str(screen.query_one("#status").render())
        assert "searching for" in status and "no matches" not in status
        release.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#status").render())
        assert "searching for" not in status
        text = path.read_text(encoding="utf-8")
        assert f"1/{text.count('النقد')} matches" in status
