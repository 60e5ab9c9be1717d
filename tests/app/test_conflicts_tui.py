"""Merge conflicts in the reader (issue 15, item 1): an annotation a git merge left with a
``conflict`` (docs/sidecar.md) is marked in the body and the panel, the panel and the
status line show both versions, ``ctrl+o`` keeps ours and ``ctrl+t`` theirs (``hamish check
--resolve``'s rule), and ``u`` undoes it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.widgets.annotation_panel import AnnotationPanel
from tests.app.pilots import open_article

TEXT = "قال مصدر مسؤول إن الحكومة ستعمل على خطة جديدة.\n"
QUOTE = "مصدر مسؤول"
START = TEXT.index(QUOTE)
END = START + len(QUOTE)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    ours = make_annotation(
        TEXT, START, END, tags=["source/official"], author="rana", id="c1", note="ours"
    )
    theirs = replace(ours, tags=("source/anonymous",), note="checked twice", author="lina")
    other = make_annotation(TEXT, *span("الحكومة"), tags=["org"], author="rana", id="p1")
    sidecar = open_sidecar(path, TEXT)
    sidecar.save(sidecar.annotations.with_annotations([replace(ours, conflict=theirs), other]))
    return path


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def on_disk(path: Path) -> dict[str, dict]:
    data = json.loads((path.parent / f"{path.name}.annotations.json").read_text("utf-8"))
    return {e["id"]: e for e in data["annotations"]}


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_both_versions_are_shown_and_theirs_is_kept_then_undone(article) -> None:
    before = on_disk(article)
    async with HamishApp(article, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        # The body draws it apart; the status line says both versions.
        assert [(h.key, h.conflict) for h in view.highlights] == [("c1", True), ("p1", False)]
        view.move_to(START)
        await pilot.pause()
        status = screen._describe()
        assert "⚠ conflict: ours" in status and "theirs" in status and "source/anonymous" in status
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        title = str(panel.query_one("#panel-title").render())
        assert title == "Annotations (2) · ⚠1"
        label = str(panel.query_one("#panel-list").get_option_at_index(0).prompt)
        assert "⚠ conflict" in label and "theirs: source/anonymous" in label
        assert "checked twice" in label
        view.focus()
        view.move_to(START)
        await pilot.press("ctrl+t")
        await settle(pilot)
        kept = on_disk(article)["c1"]
        assert "conflict" not in kept
        assert (kept["tags"], kept["note"], kept["author"]) == (
            ["source/anonymous"],
            "checked twice",
            "lina",
        )
        assert (kept["start"], kept["end"], kept["quote"]) == (START, END, QUOTE)
        assert on_disk(article)["p1"] == before["p1"]
        assert [(h.key, h.conflict) for h in view.highlights] == [("c1", False), ("p1", False)]
        await pilot.press("u")
        await settle(pilot)
        assert on_disk(article) == before  # the conflict is back, as it was


async def test_keep_ours_and_no_conflict_under_the_cursor(article) -> None:
    before = on_disk(article)
    async with HamishApp(article, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        view.move_to(span("الحكومة")[0])  # p1: no conflict there
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert on_disk(article) == before
        view.move_to(START)
        await pilot.press("ctrl+o")
        await settle(pilot)
    kept = on_disk(article)["c1"]
    assert "conflict" not in kept
    assert (kept["tags"], kept["note"], kept["author"]) == (["source/official"], "ours", "rana")
    assert kept["modified"] >= before["c1"]["modified"]
