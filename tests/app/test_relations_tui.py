"""Linking annotations in the reader (issue 13, item 4): L on the source, Enter on the
target, a relation type picked; the panel lists relations; deleting an annotation that
has relations asks; undo and redo cover it all; what lands on disk, whole."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from annotations import make_annotation, make_relation, open_sidecar, sidecar_path
from annotations.model import set_clock
from reader.settings import Settings
from reader.text.render import clip, visual_oneline
from reader.tui.app import HamishApp
from reader.tui.screens.confirm import ConfirmDelete
from reader.tui.screens.tag_picker import TagPicker
from reader.tui.widgets.annotation_panel import AnnotationPanel, relation_option_id
from tests.app.pilots import open_article, settled, sidecar_of

SPEAKER = "وزير المالية"
QUOTE = "نحن الآن في المرحلة الأخيرة من المشاورات"
NOW = "2024-05-01T12:30:00Z"
RELATION_ID = "00000000000000e1"
RELATIONS_TOML = '\n[[relations]]\nname = "said"\ndescription = "speaker -> quote"\n'


@pytest.fixture(autouse=True)
def fixed_clock():
    set_clock(lambda: datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    yield
    set_clock(None)


def seeded(library: Path, *, related: bool = False, strict: bool = False) -> Path:
    """ar_economy.txt with two annotations (a speaker and a quote), maybe ``said``-linked;
    the library's tagset with a ``said`` relation type."""
    toml = library / "hamish.toml"
    text = toml.read_text(encoding="utf-8") + RELATIONS_TOML
    if strict:
        text = text.replace("strict = false", "strict = true")
    toml.write_text(text, encoding="utf-8")
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    article = path.read_text(encoding="utf-8")
    s, q = article.index(SPEAKER), article.index(QUOTE)
    speaker = make_annotation(
        article, s, s + len(SPEAKER), tags=["speaker/official"], author="rana", id="a" * 16
    )
    quote = make_annotation(article, q, q + len(QUOTE), tags=["quote"], author="rana", id="b" * 16)
    sidecar = open_sidecar(path, article)
    state = sidecar.annotations.added(speaker).added(quote)
    if related:
        state = state.related(
            make_relation(speaker.id, quote.id, "said", id=RELATION_ID, author="rana")
        )
    sidecar.save(state)
    return path


def the_relation(type: str = "said") -> dict:
    return {
        "id": RELATION_ID,
        "type": type,
        "from": "a" * 16,
        "to": "b" * 16,
        "author": "rana",
        "created": NOW,
        "modified": NOW,
    }


def app(path: Path) -> HamishApp:
    return HamishApp(path, Settings(author="rana"))


async def test_link_with_the_cursor_and_enter_then_undo_and_redo(library, monkeypatch):
    path = seeded(library)
    monkeypatch.setattr("annotations.model.new_id", lambda: RELATION_ID)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        text = view.text
        view.move_to(text.index(SPEAKER) + 2)
        await pilot.press("L")
        assert screen.linking == "a" * 16
        assert screen._status.startswith("link from «")
        assert "»: Enter on the target, esc cancels" in screen._status
        # Enter where there is no annotation: still drawing the link, nothing picked.
        view.move_to(0)
        await pilot.press("enter")
        assert not isinstance(pilot.app.screen, TagPicker) and screen.linking == "a" * 16
        view.move_to(text.index(QUOTE) + 3)
        await pilot.press("enter")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker) and picker.single
        assert picker.choices == ["said"]  # the tagset's relation types
        await pilot.press("enter")  # the highlighted one: said
        await settled(pilot)
        assert screen.linking is None
        assert sidecar_of(path)["relations"] == [the_relation()]
        await pilot.press("u")
        await settled(pilot)
        assert "relations" not in sidecar_of(path)
        assert [a["id"] for a in sidecar_of(path)["annotations"]] == ["a" * 16, "b" * 16]
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [the_relation()]
        # Recently used comes first next time.
        assert screen.session is not None and screen.session.relation_choices()[0] == "said"


async def test_escape_cancels_a_link(library):
    path = seeded(library)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(view.text.index(SPEAKER))
        await pilot.press("L")
        assert screen.linking is not None
        await pilot.press("escape")
        assert screen.linking is None and "link from" not in screen._status
        view.move_to(view.text.index(QUOTE))
        await pilot.press("enter")  # no link drawn: Enter is not the screen's
        assert not isinstance(pilot.app.screen, TagPicker)
    assert "relations" not in sidecar_of(path)


async def test_link_from_the_panel_with_a_new_type_and_the_panel_lists_it(library, monkeypatch):
    path = seeded(library)
    monkeypatch.setattr("annotations.model.new_id", lambda: RELATION_ID)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        assert panel.highlighted_id == "a" * 16
        await pilot.press("L")
        await pilot.press("down", "enter")  # the quote, picked in the panel
        assert isinstance(pilot.app.screen, TagPicker)
        await pilot.press(*"about", "enter")  # a new type: the tagset is not strict
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [the_relation("about")]
        listed = panel.query_one("#panel-list", OptionList)
        ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
        assert ids == [
            "a" * 16,
            relation_option_id(RELATION_ID, "a" * 16),
            "b" * 16,
            relation_option_id(RELATION_ID, "b" * 16),
        ]
        outgoing = listed.get_option_at_index(1).prompt.plain
        incoming = listed.get_option_at_index(3).prompt.plain
        # Laid out by the engine: the other end's quote shaped and in visual order
        # inside a left-to-right line, never the raw logical text.
        head, line = "→ about «", outgoing.strip()
        assert line.startswith(head) and line.endswith("»")
        shown = line[len(head) : -1]  # cut at its logical end to fit the panel
        assert shown in {visual_oneline(clip(QUOTE, cells))[0] for cells in range(8, 40)}
        assert shown.startswith("…") and shown.endswith(visual_oneline("نحن الآن")[0])
        assert incoming.strip() == f"← about «{visual_oneline(SPEAKER)[0]}»"
        assert QUOTE not in outgoing and SPEAKER not in incoming
        title = panel.query_one("#panel-title", Static).render()
        assert "1 rel." in str(title)


async def test_a_strict_tagset_refuses_a_new_relation_type(library):
    path = seeded(library, strict=True)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(view.text.index(SPEAKER))
        await pilot.press("L")
        view.move_to(view.text.index(QUOTE))
        await pilot.press("enter", *"about", "enter")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker)  # still open, the reason shown
        assert "not in the strict tagset" in str(picker.query_one("#problem", Static).render())
        await pilot.press("escape")
        await settled(pilot)
        assert screen.linking is None
    assert "relations" not in sidecar_of(path)


async def test_delete_with_relations_asks_and_yes_deletes_both_in_one_undo_step(library):
    path = seeded(library, related=True)
    before = sidecar_of(path)
    async with app(path).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        view.move_to(view.text.index(QUOTE) + 1)
        await pilot.press("d")
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDelete)
        question = str(dialog.query_one("#question", Static).render())
        assert "has 1 relation:" in question and "Delete it too?" in question
        assert "← said «" in question and SPEAKER not in question  # the quote laid out
        await pilot.press("y")
        await settled(pilot)
        after = sidecar_of(path)
        assert [a["id"] for a in after["annotations"]] == ["a" * 16]
        assert "relations" not in after
        await pilot.press("u")  # one step brings both back
        await settled(pilot)
        assert sidecar_of(path)["annotations"] == before["annotations"]
        assert sidecar_of(path)["relations"] == before["relations"]


async def test_delete_with_relations_no_keeps_everything(library):
    path = seeded(library, related=True)
    before = sidecar_path(path).read_bytes()
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("d")  # the panel's highlighted annotation: the speaker
        assert isinstance(pilot.app.screen, ConfirmDelete)
        await pilot.press("n")
        await settled(pilot)
        assert not isinstance(pilot.app.screen, ConfirmDelete)
        assert screen.session is not None and len(screen.session.annotations) == 2
    assert sidecar_path(path).read_bytes() == before


async def test_d_on_a_relation_line_deletes_the_relation_only(library):
    path = seeded(library, related=True)
    async with app(path).run_test(size=(100, 30)) as pilot:
        _screen, _view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("down")  # the speaker's relation line
        await pilot.press("d")
        await settled(pilot)
        assert not isinstance(pilot.app.screen, ConfirmDelete)
        after = sidecar_of(path)
        assert "relations" not in after and len(after["annotations"]) == 2
        await pilot.press("u")
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [the_relation()]


async def test_the_panel_shows_a_dangling_relation_and_the_session_can_keep_them(library):
    path = seeded(library, related=True)
    async with app(path).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        session = screen.session
        assert session is not None
        # Without its relations (the session's choice; the reader's dialog never makes it).
        with session.saving_in_background():
            session.delete("b" * 16, with_relations=False)
        await settled(pilot)
        assert sidecar_of(path)["relations"] == [the_relation()]  # kept, dangling
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        listed = panel.query_one("#panel-list", OptionList)
        line = listed.get_option_at_index(1).prompt.plain
        assert line.strip() == "→ said (other end gone)"
        assert "1 dangling" in str(panel.query_one("#panel-title", Static).render())
        await pilot.press("down", "enter")  # nothing to go to: no jump, no error
        await pilot.pause()
        await pilot.press("d")  # the dangling relation goes
        await settled(pilot)
        assert "relations" not in sidecar_of(path)
