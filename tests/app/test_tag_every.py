"""Tag every occurrence (issue 13, item 3): ``*`` tags every Arabic-folded match of the
selection with the tags picked, as one undo step, saved; spans already annotated with
exactly those tags are skipped, and the status line says how many."""

from __future__ import annotations

import json
from pathlib import Path

from annotations import sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.tag_picker import TagPicker
from tests.app.pilots import open_article

# The same name three times, spelt with and without hamza and harakat: folded, one query.
TEXT = "قال أحمد إن الاقتصاد ينمو. وقال احمد أيضا: نعم. ثم رد أَحْمَد على السؤال.\n"
SPELLINGS = ("أحمد", "احمد", "أَحْمَد")


def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def on_disk(path: Path) -> list[dict]:
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))["annotations"]


def spans() -> list[tuple[int, int]]:
    found, start = [], 0
    for spelling in SPELLINGS:
        start = TEXT.index(spelling, start)
        found.append((start, start + len(spelling)))
        start += len(spelling)
    return found


def status(screen) -> str:
    return str(screen.query_one("#status").render())


async def tag_every(pilot, screen, tag: str) -> None:
    await pilot.press("asterisk")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TagPicker)
    await pilot.press(*tag, "enter", "enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen.session.flush()


async def test_every_folded_match_is_tagged_on_disk_and_one_undo_removes_them(tmp_path):
    path = article(tmp_path)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(TEXT.index("احمد") + 1)
        await pilot.press("w")  # the unhamzated spelling selected: it finds all three
        await tag_every(pilot, screen, "person")
        records = on_disk(path)
        assert [(r["start"], r["end"]) for r in records] == spans()
        for record, spelling in zip(records, SPELLINGS, strict=True):
            assert record["quote"] == spelling == TEXT[record["start"] : record["end"]]
            assert record["tags"] == ["person"]
            assert record["author"] == "rana"
            assert record["status"] == "anchored"
            assert TEXT[: record["start"]].endswith(record["prefix"])
            assert TEXT[record["end"] :].startswith(record["suffix"])
        assert len({r["id"] for r in records}) == 3
        assert "tagged 3 occurrences" in status(screen)
        assert view.selection is None
        await pilot.press("u")
        await pilot.pause()
        screen.session.flush()
        assert on_disk(path) == []
        await pilot.press("ctrl+r")  # and redo brings all three back
        await pilot.pause()
        screen.session.flush()
        assert [(r["start"], r["end"]) for r in on_disk(path)] == spans()


async def test_spans_already_tagged_so_are_skipped_and_counted(tmp_path):
    path = article(tmp_path)
    first, second, third = spans()
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        screen.session.add(*second, ["person"])  # the same tags: skipped
        screen.session.add(*third, ["person", "quote"])  # other tags: tagged again
        view.select(*first)
        await tag_every(pilot, screen, "person")
        records = on_disk(path)
        assert sorted((r["start"], r["end"], tuple(r["tags"])) for r in records) == [
            (*first, ("person",)),
            (*second, ("person",)),
            (*third, ("person",)),
            (*third, ("person", "quote")),
        ]
        assert "tagged 2 occurrences" in status(screen)
        assert "1 already tagged" in status(screen)
        await pilot.press("u")  # the two added go; what was there stays
        await pilot.pause()
        screen.session.flush()
        assert len(on_disk(path)) == 2


async def test_without_a_selection_nothing_is_asked_or_tagged(tmp_path):
    path = article(tmp_path)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, _ = await open_article(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, TagPicker)
        assert not screen.session.annotations.annotations
