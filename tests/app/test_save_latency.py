"""Saves never stall the screen: they run in a worker, coalesced; the poll reads only on change."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from annotations import make_annotation, open_sidecar, sidecar_path
from reader.settings import Settings
from reader.text.units import Span, trim
from reader.tui.app import HamishApp
from reader.tui.session import AnnotationSession
from tests.app.pilots import open_article

SLOW = 0.5  # seconds a save's write takes here


def fresh(library: Path) -> Path:
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    return path


def slow_writes(monkeypatch) -> tuple[list[float], threading.Event]:
    """Every sidecar write sleeps SLOW first; returns the times writes ended and an event
    set while a write is under way."""
    import annotations.store as store

    real = store.atomic_write
    ended: list[float] = []
    writing = threading.Event()

    def atomic_write(path, data):
        writing.set()
        time.sleep(SLOW)
        try:
            return real(path, data)
        finally:
            ended.append(time.monotonic())
            writing.clear()

    monkeypatch.setattr(store, "atomic_write", atomic_write)
    return ended, writing


def records(path: Path) -> list[dict]:
    data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    return data["annotations"]


async def test_keys_are_handled_while_a_slow_save_runs(library, monkeypatch):
    path = fresh(library)
    ended, writing = slow_writes(monkeypatch)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.select(0, 5)
        screen.tag_selection("quote")  # what a tagset key does: the save starts
        for _ in range(50):
            if writing.is_set():
                break
            await pilot.pause(0.01)
        assert writing.is_set() and not ended
        assert "saving…" in screen._status
        before = view.cursor
        await pilot.press("down", "down", "down")
        await pilot.pause()
        moved_at = time.monotonic()
        assert view.cursor != before
        assert f"offset {view.cursor}" in screen._status  # the status line followed
        assert not ended, "the keys waited for the save"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert ended and moved_at < ended[0]
        assert screen.session.state.saved and "saved" in screen._status
    saved = records(path)
    assert [(r["start"], r["end"], r["tags"]) for r in saved] == [(0, 5, ["quote"])]
    assert saved[0]["quote"] == path.read_text(encoding="utf-8")[0:5]


async def test_edits_during_a_save_are_folded_into_one_next_save(library, monkeypatch):
    path = fresh(library)
    ended, _writing = slow_writes(monkeypatch)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        spans = [(0, 5), (10, 20), (30, 40), (50, 60)]
        for start, end in spans:
            view.select(start, end)
            screen.tag_selection("claim")
            await pilot.pause()
        assert len(ended) == 0  # all four edits were made during the first save
        assert len(screen.session.annotations) == 4  # memory holds them all at once
        await pilot.app.workers.wait_for_complete()
        for _ in range(100):
            if not screen.session.saving:
                break
            await pilot.pause(0.05)
            await pilot.app.workers.wait_for_complete()
        assert len(ended) == 2  # the first edit's save, then one save of the other three
        assert screen.session.state.saved
    # A selection is trimmed of the blanks at its ends before it is tagged.
    text = path.read_text(encoding="utf-8")
    trimmed = [tuple(trim(text, Span(start, end))) for start, end in spans]
    assert sorted((r["start"], r["end"]) for r in records(path)) == trimmed


async def test_quitting_during_a_save_waits_for_it(library, monkeypatch):
    path = fresh(library)
    _ended, _writing = slow_writes(monkeypatch)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.select(0, 5)
        screen.tag_selection("quote")
        view.select(10, 20)
        screen.tag_selection("claim")  # waits for the next save
        await pilot.press("q")
    assert sorted((r["start"], r["end"]) for r in records(path)) == [(0, 5), (10, 20)]


def test_the_poll_reads_the_sidecar_only_when_its_stamp_changes(library, monkeypatch):
    import annotations.store as store

    path = library / "ar_economy.txt"
    text = path.read_text(encoding="utf-8")
    session = AnnotationSession(path, text, author="rana")
    reads: list[Path] = []
    real = store.read_sidecar_bytes

    def counted(where, **kwargs):
        reads.append(where)
        return real(where, **kwargs)

    monkeypatch.setattr(store, "read_sidecar_bytes", counted)
    for _ in range(5):
        assert session.refresh() is False
    assert reads == []
    session.add(0, 5, ["quote"])  # our own save: nothing to re-read before it either
    assert session.refresh() is False
    assert reads == []
    other = open_sidecar(path, text)
    theirs = make_annotation(text, 10, 20, tags=["claim"], author="other")
    other.save(other.annotations.added(theirs))
    reads.clear()
    assert session.refresh() is True
    assert len(reads) == 1
    assert session.annotations.get(theirs.id) is not None
    assert session.refresh() is False and len(reads) == 1


async def test_ctrl_q_during_a_save_waits_without_freezing_the_screen(library, monkeypatch):
    path = fresh(library)
    ended, writing = slow_writes(monkeypatch)
    ticks: list[float] = []
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        view.focus()
        view.select(0, 5)
        await pilot.press("s")  # the sample tagset's key for "quote": saved in the background
        assert writing.wait(2)
        view.select(10, 20)
        await pilot.press("s")  # waits for the next save
        pilot.app.set_interval(0.02, lambda: ticks.append(time.monotonic()))
        await pilot.press("ctrl+q")
        started = time.monotonic()
        while pilot.app.is_running and time.monotonic() - started < 5:
            await pilot.pause(0.02)
    assert sorted((r["start"], r["end"]) for r in records(path)) == [(0, 5), (10, 20)]
    # The screen kept its timers running while the two slow saves ended.
    during = [t for t in ticks if t < ended[-1]]
    assert len(during) >= 10


async def test_a_save_that_fails_unexpectedly_is_a_failed_save_not_a_wedged_one(
    library, monkeypatch
):
    import annotations.store as store
    from reader.tui.screens.unsaved import UnsavedChanges

    path = fresh(library)

    def broken(path, data):
        raise RuntimeError("disk controller on fire")

    monkeypatch.setattr(store, "atomic_write", broken)
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.focus()
        view.select(0, 5)
        await pilot.press("s")  # saved in the background: it fails
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.session is not None and not screen.session.saving:
                break
        assert screen.session is not None and not screen.session.saving
        assert "not saved" in screen._status
        await pilot.press("q")  # asks about the unsaved work instead of waiting forever
        await pilot.pause()
        assert isinstance(pilot.app.screen, UnsavedChanges)
