"""Only the one-key commands really bound while reading are reserved; every other key
(the digits first) is free for a tagset, and works in the reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from textual.binding import Binding
from textual.keys import _character_to_key

from annotations import sidecar_path
from annotations.model import set_clock
from annotations.tagset import TagDef, Tagset
from reader.keys import reserved_keys
from reader.settings import Settings
from reader.tagsets import reader_tagset_report
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView

# Every printable character a tagset might use (Latin, Arabic, Hebrew, punctuation…).
CANDIDATES = [chr(i) for i in range(0x20, 0x2000) if chr(i).isprintable()]


def bound_key_names(*classes: type) -> set[str]:
    """Every key Textual binds for these classes, their Textual ancestors included."""
    names = set()
    for cls in classes:
        for klass in cls.__mro__:
            for binding in Binding.make_bindings(vars(klass).get("BINDINGS", [])):
                names.add(binding.key)
    return names


def single_keys_bound_while_reading() -> set[str]:
    """The characters whose key press reaches a binding while an article is open."""
    names = bound_key_names(HamishApp, ArticleScreen, ArticleView, AnnotationPanel)
    # A typed character is matched to bindings by its Textual key name ("/" -> "slash").
    return {c for c in CANDIDATES if _character_to_key(c) in names}


def test_the_reserved_keys_are_exactly_the_single_keys_bound_while_reading():
    used = single_keys_bound_while_reading()
    assert set(reserved_keys()) == used
    assert {"t", "c", "d", "u", "a", "T", "C", "R", "[", "]", "v", "y", "/", "?"} <= used
    assert not set("0123456789hjklbe :") & used  # no count prefix, no vi movement


def write_tagset(library, text: str) -> None:
    (library / "hamish.toml").write_text(text, encoding="utf-8")


def test_a_digit_key_loads_through_the_reader(library):
    write_tagset(library, '[[tags]]\nname = "claim"\nkey = "1"\n')
    tagset, problems = reader_tagset_report(library)
    assert problems == []
    assert tagset == Tagset((TagDef("claim", key="1"),), path=library / "hamish.toml")


def test_a_key_the_reader_binds_is_still_refused(library):
    write_tagset(
        library, '[[tags]]\nname = "claim"\nkey = "1"\n\n[[tags]]\nname = "quote"\nkey = "t"\n'
    )
    tagset, problems = reader_tagset_report(library)
    assert [str(p) for p in problems] == [
        f"{library / 'hamish.toml'}:7: key 't' is used by the reader (tag); choose another"
    ]
    # The key is dropped, not the tag (issue 13): "quote" stays, without a key.
    assert tagset.tags == (TagDef("claim", key="1"), TagDef("quote"))


async def test_pressing_a_digit_tags_the_selection(library, monkeypatch):
    write_tagset(library, '[[tags]]\nname = "claim"\nkey = "1"\ncolor = "#e06c75"\n')
    path = library / "en_markets.txt"  # no sidecar yet
    set_clock(lambda: datetime(2024, 5, 1, 12, 30, tzinfo=UTC))
    monkeypatch.setattr("annotations.model.new_id", lambda: "00000000000000a1")
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = pilot.app.screen.query_one(ArticleView)
        start = view.text.index("fell 1.4% to 8,412.6 points")
        view.select(start, start + len("fell 1.4% to 8,412.6 points"))
        await pilot.press("1")
        await pilot.pause()
        assert view.selection is None
        assert [(h.start, h.end, h.color) for h in view.highlights] == [(285, 312, "#e06c75")]
    data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert data["annotations"] == [
        {
            "id": "00000000000000a1",
            "start": 285,
            "end": 312,
            "quote": "fell 1.4% to 8,412.6 points",
            "prefix": "f the year.\nThe benchmark index ",
            "suffix": ", its steepest one-day decline s",
            "tags": ["claim"],
            "note": "",
            "author": "rana",
            "created": "2024-05-01T12:30:00Z",
            "modified": "2024-05-01T12:30:00Z",
            "status": "anchored",
        }
    ]
