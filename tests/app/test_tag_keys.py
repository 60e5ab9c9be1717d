"""Tagset keys in the reader (issue 13, items 1 and 3): digits tag a selection, a key on an
annotation toggles its tag, ``.`` repeats the last tagging; each is one undo step, on disk."""

from __future__ import annotations

import json
from pathlib import Path

from annotations import sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from tests.app.pilots import open_article

PHRASE = "صندوق النقد الدولي"
OTHER = "الأمن الغذائي"

# Digits as in Label Studio; "2" has a colour Rich cannot draw and "3" a key the reader
# binds: both tags stay (without the bad field), in a strict tagset.
TOML = """strict = true

[[tags]]
name = "quote"
key = "1"
color = "#e5c07b"

[[tags]]
name = "claim"
key = "2"
color = "blurple"

[[tags]]
name = "موضوع/انتخابات"
key = "d"

[[tags]]
name = "speaker/official"
key = "4"
"""


def fresh(library: Path) -> Path:
    """ar_economy.txt without its shipped sidecar, under the tagset above."""
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    (library / "hamish.toml").write_text(TOML, encoding="utf-8")
    return path


def on_disk(path: Path) -> list[dict]:
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))["annotations"]


def settings() -> Settings:
    return Settings(author="rana")


async def test_a_digit_key_tags_the_selection_and_the_sidecar_has_it(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        start = view.text.index(PHRASE)
        view.select(start, start + len(PHRASE))
        await pilot.press("1")
        await pilot.pause()
        assert view.selection is None
        screen.session.flush()
        (entry,) = on_disk(path)
        assert (entry["start"], entry["end"]) == (start, start + len(PHRASE))
        assert entry["quote"] == PHRASE
        assert entry["tags"] == ["quote"]
        assert entry["author"] == "rana"
        # "2" kept its tag though its colour was refused: still applicable, strict as it is.
        view.select(start, start + 5)
        await pilot.press("2")
        await pilot.pause()
        screen.session.flush()
    # In text order: the shorter span at the same start first.
    assert [(e["end"] - e["start"], e["tags"]) for e in on_disk(path)] == [
        (5, ["claim"]),
        (len(PHRASE), ["quote"]),
    ]


async def test_a_tag_key_on_an_annotation_toggles_its_tag_one_undo_step_each(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        start = view.text.index(PHRASE)
        view.move_to(start + 3)
        await pilot.press("1")  # no selection and no annotation here: nothing to tag
        await pilot.pause()
        assert not screen.session.annotations.annotations
        view.select(start, start + len(PHRASE))
        await pilot.press("1")
        view.move_to(start + 3)  # inside the annotation, nothing selected
        await pilot.pause()
        assert view.selection is None
        await pilot.press("4")  # added
        await pilot.pause()
        screen.session.flush()
        (entry,) = on_disk(path)
        assert entry["tags"] == ["quote", "speaker/official"]
        assert (entry["start"], entry["end"]) == (start, start + len(PHRASE))
        await pilot.press("1")  # pressed again on a tag it has: taken off
        await pilot.pause()
        screen.session.flush()
        assert [e["tags"] for e in on_disk(path)] == [["speaker/official"]]
        await pilot.press("u")  # one step back: "quote" is on again
        await pilot.pause()
        screen.session.flush()
        assert [e["tags"] for e in on_disk(path)] == [["quote", "speaker/official"]]
        await pilot.press("u")  # and the key that added "speaker/official" is one step too
        await pilot.pause()
        screen.session.flush()
        assert [e["tags"] for e in on_disk(path)] == [["quote"]]
        assert on_disk(path)[0]["id"] == entry["id"]  # the same annotation throughout


async def test_dot_repeats_the_last_tagging_on_the_new_selection(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        await pilot.press(".")  # nothing tagged yet: nothing happens
        await pilot.pause()
        assert not screen.session.annotations.annotations
        start = view.text.index(PHRASE)
        view.select(start, start + len(PHRASE))
        await pilot.press("t")
        await pilot.press(*"quote", "enter", *"claim", "enter", "enter")  # the picker
        await pilot.pause()
        other = view.text.index(OTHER)
        view.select(other, other + len(OTHER))
        await pilot.press(".")
        await pilot.pause()
        screen.session.flush()
        first, second = on_disk(path)
        assert first["tags"] == second["tags"] == ["quote", "claim"]
        assert (second["start"], second["end"], second["quote"]) == (
            other,
            other + len(OTHER),
            OTHER,
        )
        await pilot.press("u")  # the repeat is one step
        await pilot.pause()
        screen.session.flush()
        assert [e["quote"] for e in on_disk(path)] == [PHRASE]
