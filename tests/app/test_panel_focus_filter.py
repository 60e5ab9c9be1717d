"""The annotations panel takes the focus when it opens, and its filter finds part of a tag
name, a note or a quote, Arabic-folded (issue 13, item 6)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList

from annotations import make_annotation, sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.widgets.annotation_panel import AnnotationPanel, filter_haystack
from reader.tui.widgets.rtl_input import RtlInput
from tests.app.pilots import open_article


def shipped(path: Path) -> dict[str, dict]:
    """ar_economy.txt's shipped annotations by id."""
    data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    return {a["id"]: a for a in data["annotations"]}


def ids_tagged(annotations: dict[str, dict], tag: str) -> list[str]:
    return [i for i, a in annotations.items() if tag in a["tags"]]


async def test_the_panel_has_the_focus_when_it_opens(library: Path) -> None:
    path = library / "ar_economy.txt"
    annotations = shipped(path)
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        focused = pilot.app.focused
        assert isinstance(focused, OptionList) and panel in focused.ancestors
        # No Tab: the list's keys work at once; Down then Enter jumps to the second one.
        await pilot.press("down", "enter")
        await pilot.pause()
        second = sorted(annotations.values(), key=lambda a: (a["start"], a["end"]))[1]
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (second["start"], second["end"])
        assert pilot.app.focused is view
        # Opened again, it has the focus again.
        await pilot.press("a", "a")
        await pilot.pause()
        assert isinstance(pilot.app.focused, OptionList)


async def test_the_filter_matches_part_of_a_tag_a_note_or_a_quote_folded(library: Path) -> None:
    path = library / "ar_economy.txt"
    annotations = shipped(path)
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        await pilot.press("slash")  # from the list to the filter
        assert isinstance(pilot.app.focused, RtlInput)

        async def shown(query: str) -> list[str]:
            box = panel.query_one("#panel-filter", RtlInput)
            box.value = ""
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause()
            listed = panel.query_one("#panel-list", OptionList)
            return [listed.get_option_at_index(i).id or "" for i in range(listed.option_count)]

        # Part of a tag name, anywhere in it (not only a whole name or a prefix).
        assert await shown("speak") == ids_tagged(annotations, "speaker/official")
        assert await shown("econ") == ids_tagged(annotations, "topic/economy")
        # Part of a note: «وعد بموعد: نهاية الربع الثاني».
        (promised,) = [i for i, a in annotations.items() if "بموعد" in a["note"]]
        assert await shown("بموعد") == [promised]
        # Part of a quote, folded: no hamza, no harakat typed, and upper case.
        (security,) = ids_tagged(annotations, "topic/security")
        assert "الأمن" in annotations[security]["quote"]
        assert security in await shown("الامن الغذائي")
        (peace,) = [i for i, a in annotations.items() if "السَّلامُ" in a["quote"]]
        assert await shown("السلام") == [peace]
        assert await shown("QUOTE") == ids_tagged(annotations, "quote")
        assert await shown("nothing like this") == []
        title = str(panel.query_one("#panel-title").render())
        assert "(0)" in title
        # Enter in the filter goes back to the list.
        await pilot.press("enter")
        assert isinstance(pilot.app.focused, OptionList)


def test_the_haystack_keeps_tags_note_and_quote_apart() -> None:
    """A query never matches across the end of one field and the start of the next."""
    text = "abc def"
    annotation = make_annotation(text, 0, 3, tags=["x"], note="y")
    haystack = filter_haystack(annotation)
    assert haystack.split("\n") == ["x", "y", "abc"]
