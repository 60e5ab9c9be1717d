"""The annotation session announces every change; the article's view and panel follow it."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import AnnotationSet, SidecarError, make_annotation, open_sidecar, sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.session import AnnotationSession
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView

TEXT = "The minister said the budget is final. The opposition disagreed.\n"


def open_session(folder: Path, heard: list[AnnotationSet]) -> AnnotationSession:
    path = folder / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return AnnotationSession(path, TEXT, author="rana", on_change=heard.append)


def ids(state: AnnotationSet) -> list[str]:
    return [a.id for a in state.annotations]


def test_every_edit_undo_and_redo_is_announced_with_the_new_state(tmp_path: Path) -> None:
    heard: list[AnnotationSet] = []
    session = open_session(tmp_path, heard)
    assert heard == []  # opening is not a change
    first = session.add(4, 12, ["speaker"])
    session.set_tags(first.id, ["speaker/official"])
    session.set_note(first.id, "check the date")
    session.set_document(tags=["topic/economy"])
    session.delete(first.id)
    session.undo()
    session.redo()
    assert len(heard) == 7
    assert [ids(state) for state in heard] == [[first.id]] * 4 + [[], [first.id], []]
    assert heard[1].get(first.id).tags == ("speaker/official",)
    assert heard[2].get(first.id).note == "check the date"
    assert heard[3].document.tags == ("topic/economy",)
    assert heard[-1] is session.annotations


def test_nothing_to_undo_announces_nothing(tmp_path: Path) -> None:
    heard: list[AnnotationSet] = []
    session = open_session(tmp_path, heard)
    assert session.undo() is None and session.redo() is None
    assert heard == []


def test_an_outside_change_is_announced_once(tmp_path: Path) -> None:
    heard: list[AnnotationSet] = []
    session = open_session(tmp_path, heard)
    path = tmp_path / "article.txt"
    other = open_sidecar(path, TEXT)
    theirs = make_annotation(TEXT, 39, 53, tags=["claim"], author="other")
    other.save(other.annotations.added(theirs))
    assert session.refresh() is True
    assert session.refresh() is False
    assert [ids(state) for state in heard] == [[theirs.id]]


def test_a_refused_edit_announces_nothing(tmp_path: Path) -> None:
    heard: list[AnnotationSet] = []
    session = open_session(tmp_path, heard)
    sidecar_path(tmp_path / "article.txt").write_text('{"version": 99}', encoding="utf-8")
    session.refresh()
    heard.clear()
    assert session.read_only
    with pytest.raises(SidecarError):
        session.add(0, 3, ["quote"])
    assert heard == []


async def test_the_view_and_the_panel_follow_the_session(library: Path) -> None:
    path = library / "en_markets.txt"
    async with HamishApp(path, Settings(author="rana")).run_test(size=(120, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("a")
        await pilot.pause()
        view, panel = screen.query_one(ArticleView), screen.query_one(AnnotationPanel)
        assert view.highlights == [] and panel.shown_annotations() == []
        added = screen.session.add(0, 8, ["claim"])  # straight to the session: no screen code
        await pilot.pause()
        assert [h.key for h in view.highlights] == [added.id]
        assert [a.id for a in panel.shown_annotations()] == [added.id]
        screen.session.undo()
        await pilot.pause()
        assert view.highlights == [] and panel.shown_annotations() == []
