"""Changing a relation's type from the panel (issue 13, item 4): ``t`` on a relation line
opens the relation-type picker, the pick replaces the type (``modified`` now) as one undo
step; on an annotation's line ``t`` still tags the annotation; a strict tagset refuses a
new type. What lands on disk, whole, and what the panel shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.widgets import OptionList

from annotations.model import set_clock
from reader.tui.screens.tag_picker import TagPicker
from reader.tui.widgets.annotation_panel import AnnotationPanel, relation_option_id
from tests.app.pilots import open_article, settled, sidecar_of
from tests.app.test_relations_tui import NOW, RELATION_ID, app, seeded, the_relation

LATER = "2024-05-01T13:05:00Z"


@pytest.fixture(autouse=True)
def seeding_clock():
    set_clock(lambda: datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    yield
    set_clock(None)


def later() -> None:
    """The clock of the edit, after the seeding: a retyped relation is modified then."""
    set_clock(lambda: datetime(2024, 5, 1, 13, 5, tzinfo=UTC))


def panel_lines(panel: AnnotationPanel) -> list[tuple[str | None, str]]:
    listed = panel.query_one("#panel-list", OptionList)
    return [
        (listed.get_option_at_index(i).id, listed.get_option_at_index(i).prompt.plain.strip())
        for i in range(listed.option_count)
    ]


async def test_t_on_a_relation_line_retypes_it_and_undo_redo_cover_it(library):
    path = seeded(library, related=True)
    before = sidecar_of(path)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        later()
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        await pilot.press("down")  # the speaker's relation line
        assert panel.highlighted_relation == RELATION_ID
        await pilot.press("t")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker) and picker.single
        assert picker.noun == "relation type"
        assert picker.chosen == ["said"]  # its type now: not offered again
        await pilot.press(*"about", "enter")  # a new type: the tagset is not strict
        await settled(pilot)
        after = sidecar_of(path)
        assert after["relations"] == [{**the_relation("about"), "modified": LATER}]
        assert after["annotations"] == before["annotations"]
        assert (relation_option_id(RELATION_ID, "a" * 16), "→ about «") in [
            (id, line[: len("→ about «")]) for id, line in panel_lines(panel)
        ]
        await pilot.press("u")
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [the_relation("said")]
        assert sidecar_of(path)["relations"][0]["modified"] == NOW
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [{**the_relation("about"), "modified": LATER}]
        # The type picked is offered first next time.
        assert screen.session is not None and screen.session.relation_choices()[0] == "about"
        # On the annotation's own line, t is the article's: it tags the annotation.
        await pilot.press("up")
        assert panel.highlighted_id == "a" * 16 and panel.highlighted_relation is None
        await pilot.press("t")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker) and not picker.single
        assert picker.chosen == ["speaker/official"]  # the annotation's tags
        await pilot.press("escape")
        await settled(pilot)
    assert sidecar_of(path)["relations"] == [{**the_relation("about"), "modified": LATER}]


async def test_a_strict_tagset_refuses_a_new_type_and_escape_keeps_the_old(library):
    path = seeded(library, related=True, strict=True)
    before = sidecar_of(path)
    async with app(path).run_test(size=(100, 30)) as pilot:
        _screen, _view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("down", "t", *"about", "enter")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker) and picker.single  # still open, the reason shown
        assert picker.noun == "relation type"
        assert "not in the strict tagset" in str(picker.query_one("#problem").render())
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(pilot.app.screen, TagPicker)
    assert sidecar_of(path) == before


async def test_the_session_retype(library):
    path = seeded(library, related=True)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        session = screen.session
        assert session is not None
        assert session.retype("0" * 16, "about") is None  # no such relation: nothing
        same = session.retype(RELATION_ID, "said")  # its own type: no step, no save
        assert same is not None and same.type == "said"
        assert session.undo() is None
        with session.saving_in_background():
            retyped = session.retype(RELATION_ID, "  about ")  # normalised as a tag is
        assert retyped is not None and retyped.type == "about"
        await settled(pilot)
        assert sidecar_of(path)["relations"][0]["type"] == "about"
        assert session.undo() is not None
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [the_relation()]
