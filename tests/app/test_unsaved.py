"""Quit never drops work silently: the unsaved-changes prompt and the recovery file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotations import AnnotationSet, make_annotation, sidecar_path, validate_sidecar
from reader.recovery import (
    merge_recovered,
    read_recovery,
    recovery_path,
    remove_recovery,
    write_recovery,
)
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.unsaved import RecoveryOffer, UnsavedChanges
from reader.tui.widgets.rtl_input import RtlInput
from tests.app.pilots import open_article


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path) -> Iterator[Path]:
    """platformdirs' user data folder, in the test's folder (a test's monkeypatch.undo()
    restores the saves, not this)."""
    folder = tmp_path / "data-home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(folder))
        yield folder


def fresh(library: Path) -> Path:
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    return path


def refuse_saves(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Saves into ``folder`` fail (a read-only disk); other folders stay writable."""
    import annotations.store as store

    real = store.tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if Path(kwargs.get("dir") or ".").resolve() == folder.resolve():
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr("annotations.store.tempfile.mkstemp", mkstemp)


async def unsaved_annotation(pilot, monkeypatch):
    screen, _view = await open_article(pilot)
    refuse_saves(monkeypatch, screen.path.parent)
    annotation = screen.session.add(0, 5, ["quote"])
    assert not screen.session.state.saved and screen.session.unsaved_changes
    return screen, annotation


def shown(screen) -> str:
    """The dialog's words, as laid out (wrapped rows joined by a space)."""
    return " ".join(" ".join(str(widget.render()) for widget in screen.query("Static")).split())


async def test_q_with_unsaved_work_asks_and_stay_returns(library, monkeypatch):
    path = fresh(library)
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen, _annotation = await unsaved_annotation(pilot, monkeypatch)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges)
        assert "not saved" in shown(app.screen) and "Permission denied" in shown(app.screen)
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and app.is_running
        await pilot.press("ctrl+q")  # the app's quit asks too
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges) and app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and app.is_running
    assert not sidecar_path(path).exists()


async def test_discard_exits_and_drops_the_recovery_file(library, monkeypatch):
    path = fresh(library)
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await unsaved_annotation(pilot, monkeypatch)
        assert recovery_path(path).exists()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert not recovery_path(path).exists()
    assert not sidecar_path(path).exists()


async def test_retry_that_succeeds_saves_and_exits(library, monkeypatch):
    path = fresh(library)
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        _screen, annotation = await unsaved_annotation(pilot, monkeypatch)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("ctrl+r")  # still failing: the dialog stays and says so
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges) and "Still not saved" in shown(app.screen)
        monkeypatch.undo()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not app.is_running
    saved = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert [entry["id"] for entry in saved["annotations"]] == [annotation.id]
    assert not recovery_path(path).exists()


async def test_save_a_copy_writes_a_valid_sidecar_at_the_typed_path(library, tmp_path, monkeypatch):
    path = fresh(library)
    copy = tmp_path / "elsewhere" / "rescued.json"
    copy.parent.mkdir()
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        _screen, annotation = await unsaved_annotation(pilot, monkeypatch)
        await pilot.press("q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UnsavedChanges)
        box = dialog.query_one(RtlInput)
        assert box.has_focus
        await pilot.press("ctrl+a", *str(copy), "enter")
        await pilot.pause()
        assert not app.is_running
    data = json.loads(copy.read_text(encoding="utf-8"))
    validate_sidecar(data)
    (entry,) = data["annotations"]
    assert entry["id"] == annotation.id and entry["tags"] == ["quote"]
    assert entry["quote"] == path.read_text(encoding="utf-8")[0:5]
    assert not sidecar_path(path).exists()


async def test_save_a_copy_never_replaces_a_file_without_saying_so(library, tmp_path, monkeypatch):
    path = fresh(library)
    copy = tmp_path / "taken.json"
    copy.write_text("mine\n", encoding="utf-8")
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await unsaved_annotation(pilot, monkeypatch)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("ctrl+a", *str(copy), "enter")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges) and app.is_running
        assert "exists: press enter again to replace it" in shown(app.screen)
        assert copy.read_text(encoding="utf-8") == "mine\n"
        await pilot.press("enter")  # said so: now it is replaced
        await pilot.pause()
        assert not app.is_running
    validate_sidecar(json.loads(copy.read_text(encoding="utf-8")))


async def test_a_failed_save_leaves_a_recovery_file_the_next_open_restores(
    library, data_home, monkeypatch
):
    path = fresh(library)
    first = HamishApp(path, Settings(author="rana"))
    # The refusal in a context of its own: leaving it makes the disk writable again and
    # keeps the test's isolated home (conftest's monkeypatch) as it is.
    with pytest.MonkeyPatch.context() as refusal:
        async with first.run_test(size=(100, 30)) as pilot:
            _screen, annotation = await unsaved_annotation(pilot, refusal)
            recovery = recovery_path(path)
            assert recovery.parent == data_home / "hamish" / "recovery"
            kept = json.loads(recovery.read_text(encoding="utf-8"))
            validate_sidecar(kept)
            assert [entry["id"] for entry in kept["annotations"]] == [annotation.id]
    # the first app went without saving
    assert not sidecar_path(path).exists()

    second = HamishApp(path, Settings(author="rana"))
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.05)
        assert isinstance(second.screen, RecoveryOffer)
        assert "recovery file" in shown(second.screen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(second.screen, ArticleScreen)
        assert second.screen.session.state.saved
    saved = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    validate_sidecar(saved)
    assert saved["annotations"] == [annotation.to_json()]
    assert saved["document"]["file"] == path.name
    assert not recovery_path(path).exists()


async def test_discarding_the_offer_deletes_the_recovery_file(library, monkeypatch):
    path = fresh(library)
    text = path.read_text(encoding="utf-8")
    lost = make_annotation(text, 0, 5, tags=["quote"], author="rana")
    write_recovery(path, AnnotationSet.empty(path.name, text).replaced(lost))
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause(0.05)
        assert isinstance(app.screen, RecoveryOffer)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.session.annotations.annotations == ()
    assert not recovery_path(path).exists()
    assert not sidecar_path(path).exists()


def test_recovery_files_are_named_by_the_absolute_path(tmp_path):
    one, two = tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt"
    assert recovery_path(one, tmp_path) != recovery_path(two, tmp_path)
    assert recovery_path(one, tmp_path).name.endswith(".annotations.json")
    assert recovery_path(Path("x.txt"), tmp_path) == recovery_path(Path.cwd() / "x.txt", tmp_path)


def test_recovery_round_trip_re_anchors_and_merges(tmp_path):
    article = tmp_path / "a.txt"
    text = "alpha beta gamma"
    first = make_annotation(text, 6, 10, tags=["x"], author="rana")
    write_recovery(article, AnnotationSet.empty(article.name, text).replaced(first), tmp_path)
    edited = "new " + text
    recovered = read_recovery(article, edited, tmp_path)
    assert recovered is not None
    (moved,) = recovered.annotations
    assert edited[moved.start : moved.end] == "beta"
    other = make_annotation(edited, 0, 3, tags=["y"], author="rana")
    merged = merge_recovered(AnnotationSet.empty(article.name, edited).replaced(other), recovered)
    assert {a.id for a in merged.annotations} == {first.id, other.id}
    assert remove_recovery(article, tmp_path) and not remove_recovery(article, tmp_path)
    assert read_recovery(article, edited, tmp_path) is None


async def test_ctrl_q_then_a_copy_quits(library, tmp_path, monkeypatch):
    path = fresh(library)
    copy = tmp_path / "rescued.json"
    app = HamishApp(path, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await unsaved_annotation(pilot, monkeypatch)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges)
        await pilot.press("ctrl+a", *str(copy), "ctrl+s")
        await pilot.pause()
        assert not app.is_running
    validate_sidecar(json.loads(copy.read_text(encoding="utf-8")))
    assert recovery_path(path).exists()  # the sidecar still lacks it: the next open offers it


async def test_escape_from_a_library_article_asks_and_discard_goes_back(library, monkeypatch):
    from reader.tui.screens.library import LibraryScreen

    path = fresh(library)
    app = HamishApp(library, Settings(author="rana"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.push_screen(ArticleScreen(path))
        await unsaved_annotation(pilot, monkeypatch)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChanges)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen) and app.is_running
    assert not sidecar_path(path).exists()
