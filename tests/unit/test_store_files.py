"""The files around a sidecar save: stale temporaries, symlinked sidecars, unwritable folders."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest

from annotations import SidecarWriteError, make_annotation, open_sidecar

TEXT = "قال وزير المالية إن الاقتصاد سينمو.\nوأضاف أن الحكومة لا تنوي رفع الضرائب.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "news.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def annotate(sidecar, words: str) -> None:
    start = sidecar.text.index(words)
    annotation = make_annotation(sidecar.text, start, start + len(words), tags=["quote"])
    sidecar.save(sidecar.annotations.added(annotation))


def test_a_save_removes_stale_temporaries_and_keeps_fresh_ones(article):
    folder = article.parent
    old = folder / ".news.txt.annotations.json.k3j9x_2a.tmp"
    fresh = folder / ".news.txt.annotations.json.p0q1r2s3.tmp"
    other = folder / ".other.txt.annotations.json.abcdefgh.tmp"  # another sidecar's
    for path in (old, fresh, other):
        path.write_bytes(b"{half a sidecar")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))

    annotate(open_sidecar(article, TEXT), "الاقتصاد سينمو")

    assert not old.exists()
    assert fresh.exists() and other.exists()
    saved = json.loads((folder / "news.txt.annotations.json").read_text(encoding="utf-8"))
    assert len(saved["annotations"]) == 1
    # Nothing of this save is left behind either.
    assert sorted(p.name for p in folder.glob(".news.txt.annotations.json.*.tmp")) == [fresh.name]


def test_a_symlinked_sidecar_is_written_through_to_its_target(article, tmp_path):
    sidecar = open_sidecar(article, TEXT)
    annotate(sidecar, "الاقتصاد سينمو")
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "news.json"
    sidecar.path.rename(target)
    link = article.parent / "news.txt.annotations.json"
    link.symlink_to(target)

    reopened = open_sidecar(article, TEXT)
    assert len(reopened.annotations.annotations) == 1
    annotate(reopened, "رفع الضرائب")

    assert link.is_symlink() and Path(os.readlink(link)) == target
    written = json.loads(target.read_text(encoding="utf-8"))
    assert [a["quote"] for a in written["annotations"]] == ["الاقتصاد سينمو", "رفع الضرائب"]
    assert not list(shared.glob("*.tmp")) and not list(article.parent.glob("*.tmp"))


def test_an_unwritable_folder_says_permission_denied_not_lock_timeout(article, monkeypatch):
    import filelock

    sidecar = open_sidecar(article, TEXT)
    before = sidecar.annotations
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith(".lock") and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    class RetryingLock:
        """What filelock can do where the lock file cannot be made: retry until timeout."""

        def __init__(self, path, timeout):
            self.path = path

        def __enter__(self):
            raise filelock.Timeout(self.path)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(filelock, "FileLock", RetryingLock)
    with pytest.raises(SidecarWriteError) as failed:
        annotate(sidecar, "الاقتصاد سينمو")
    message = str(failed.value)
    assert message.endswith("cannot save: Permission denied") and "\n" not in message
    assert "lock" not in message
    assert sidecar.annotations == before  # the caller keeps its work, nothing changed
    assert not sidecar.path.exists()


def test_a_temporary_file_that_cannot_be_made_says_permission_denied(article, monkeypatch):
    import tempfile

    def refusing_mkstemp(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    sidecar = open_sidecar(article, TEXT)
    monkeypatch.setattr(tempfile, "mkstemp", refusing_mkstemp)
    with pytest.raises(SidecarWriteError, match=r"cannot save: Permission denied$"):
        annotate(sidecar, "الاقتصاد سينمو")
    assert not sidecar.path.exists()
