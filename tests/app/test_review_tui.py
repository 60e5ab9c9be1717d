"""Review in the reader (issue 13, item 5): A accepts and X rejects the annotation under
the cursor or highlighted in the panel (the same key again withdraws the verdict), the
settings' author as the reviewer; accepting a moved one accepts its new place; the panel
shows each review and filters by its word; M marks the article to do / in progress /
done, the header shows it; undo covers it all; what lands on disk, whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from annotations import make_annotation, open_sidecar, sidecar_path
from annotations.model import set_clock
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleHeader
from reader.tui.widgets.annotation_panel import AnnotationPanel
from tests.app.pilots import open_article, settled, sidecar_of

SPEAKER = "وزير المالية"
QUOTE = "نحن الآن في المرحلة الأخيرة من المشاورات"
NOW = "2024-05-01T12:30:00Z"
ACCEPTED = {"state": "accepted", "by": "rana", "at": NOW}


@pytest.fixture(autouse=True)
def fixed_clock():
    set_clock(lambda: datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    yield
    set_clock(None)


def by_id(path: Path) -> dict[str, dict]:
    return {a["id"]: a for a in sidecar_of(path)["annotations"]}


def seeded(library: Path, *, moved: bool = False) -> Path:
    """ar_economy.txt with two annotations by "sami": a speaker (maybe marked ``moved``,
    as re-anchoring leaves one) and a quote."""
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    article = path.read_text(encoding="utf-8")
    s, q = article.index(SPEAKER), article.index(QUOTE)
    speaker = make_annotation(
        article, s, s + len(SPEAKER), tags=["speaker/official"], author="sami", id="a" * 16
    )
    if moved:
        speaker = replace(speaker, status="moved")
    quote = make_annotation(article, q, q + len(QUOTE), tags=["quote"], author="sami", id="b" * 16)
    sidecar = open_sidecar(path, article)
    sidecar.save(sidecar.annotations.added(speaker).added(quote))
    return path


def app(path: Path) -> HamishApp:
    return HamishApp(path, Settings(author="rana"))


def panel_lines(panel: AnnotationPanel) -> list[str]:
    listed = panel.query_one("#panel-list", OptionList)
    return [listed.get_option_at_index(i).prompt.plain for i in range(listed.option_count)]


async def test_accept_reject_and_withdraw_under_the_cursor_with_undo(library):
    path = seeded(library)
    untouched = by_id(path)["b" * 16]
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(view.text.index(SPEAKER) + 2)
        await pilot.press("A")
        await settled(pilot)
        speaker = by_id(path)["a" * 16]
        assert speaker["review"] == ACCEPTED
        assert speaker["author"] == "sami"  # the annotator stays; the reviewer is rana
        assert by_id(path)["b" * 16] == untouched
        assert "✓ " in screen._status  # the status line marks the annotation under the cursor
        await pilot.press("X")  # another verdict replaces it
        await settled(pilot)
        assert by_id(path)["a" * 16]["review"] == {**ACCEPTED, "state": "rejected"}
        await pilot.press("X")  # the same verdict again withdraws it
        await settled(pilot)
        assert "review" not in by_id(path)["a" * 16]
        await pilot.press("u")  # back to rejected
        await settled(pilot)
        assert by_id(path)["a" * 16]["review"]["state"] == "rejected"
        await pilot.press("u", "u")  # back to accepted, then to no review at all
        await settled(pilot)
        assert "review" not in by_id(path)["a" * 16]
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert by_id(path)["a" * 16]["review"] == ACCEPTED


async def test_accepting_a_moved_annotation_accepts_its_new_place(library):
    path = seeded(library, moved=True)
    assert by_id(path)["a" * 16]["status"] == "moved"
    async with app(path).run_test(size=(100, 30), notifications=True) as pilot:
        _screen, view = await open_article(pilot)
        view.move_to(view.text.index(SPEAKER))
        await pilot.press("A")
        await settled(pilot)
        speaker = by_id(path)["a" * 16]
        assert speaker["status"] == "anchored" and speaker["review"] == ACCEPTED
        assert speaker["modified"] == NOW
        messages = [n.message for n in pilot.app._notifications]
        assert any("Accepted at its new place" in m for m in messages)
        await pilot.press("u")  # one step gives both back
        await settled(pilot)
        speaker = by_id(path)["a" * 16]
        assert speaker["status"] == "moved" and "review" not in speaker


async def test_the_panel_reviews_its_highlighted_annotation_shows_marks_and_filters(library):
    path = seeded(library)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(0)  # no annotation under the cursor: the panel's highlight counts
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        await pilot.press("down")
        assert panel.highlighted_id == "b" * 16
        await pilot.press("X")
        await settled(pilot)
        assert by_id(path)["b" * 16]["review"] == {**ACCEPTED, "state": "rejected"}
        assert "review" not in by_id(path)["a" * 16]
        await pilot.press("up", "A")
        await settled(pilot)
        assert by_id(path)["a" * 16]["review"] == ACCEPTED
        lines = panel_lines(panel)
        assert "✓ accepted" in lines[0] and "rejected" not in lines[0]
        assert "✗ rejected" in lines[1] and "accepted" not in lines[1]
        title = str(panel.query_one("#panel-title", Static).render())
        assert "✓1 ✗1" in title
        # The filter: a review state's whole word keeps the annotations in that state.
        box = panel.query_one("#panel-filter", Input)
        for word, kept in (("rejected", ["b" * 16]), ("accepted", ["a" * 16])):
            box.value = word
            await pilot.pause()
            assert [a.id for a in panel.shown_annotations()] == kept
        await pilot.press("escape")  # out of the panel
        view.move_to(view.text.index(SPEAKER))
        await pilot.press("A")  # withdrawn: now it is unreviewed
        await settled(pilot)
        box.value = "unreviewed"
        await pilot.pause()
        assert [a.id for a in panel.shown_annotations()] == ["a" * 16]
        box.value = "re"  # part of a state's word is no state filter (nor a tag or quote)
        await pilot.pause()
        assert panel.shown_annotations() == []


async def test_m_marks_the_article_the_header_shows_it_and_undo_gives_it_back(library):
    path = seeded(library)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        header = screen.query_one("#header", ArticleHeader)
        assert "State:" not in str(header.render())  # nobody marked it: no line for it
        assert "state" not in sidecar_of(path)["document"]
        await pilot.press("M")
        await settled(pilot)
        assert sidecar_of(path)["document"]["state"] == {
            "state": "in progress",
            "by": "rana",
            "at": NOW,
        }
        await pilot.pause()
        assert "State: in progress" in str(header.render())
        await pilot.press("M")
        await settled(pilot)
        assert sidecar_of(path)["document"]["state"]["state"] == "done"
        assert "State: done" in str(header.render())
        await pilot.press("M")  # round again
        await settled(pilot)
        assert sidecar_of(path)["document"]["state"]["state"] == "to do"
        await pilot.press("u", "u")
        await settled(pilot)
        assert sidecar_of(path)["document"]["state"]["state"] == "in progress"
        await pilot.press("u")
        await settled(pilot)
        assert "state" not in sidecar_of(path)["document"]
        assert "State:" not in str(header.render())
        # The palette's commands mark it directly.
        commands = {c.title: c.callback for c in pilot.app.get_system_commands(screen)}
        assert {"Mark the article to do", "Mark the article in progress"} <= set(commands)
        commands["Mark the article done"]()
        await settled(pilot)
        assert sidecar_of(path)["document"]["state"]["state"] == "done"
    # The annotations were never touched by any of it.
    assert all("review" not in a for a in sidecar_of(path)["annotations"])


async def test_review_keys_refuse_with_no_annotation_there(library):
    path = seeded(library)
    before = sidecar_of(path)
    async with app(path).run_test(size=(100, 30), notifications=True) as pilot:
        _screen, view = await open_article(pilot)
        view.move_to(0)
        await pilot.press("A", "X")
        await settled(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert sum("to review it" in m for m in messages) == 2
    assert sidecar_of(path) == before
