"""Output streams of the real program: a reader of stdout that goes away, a stdout that
cannot be written, a sidecar that cannot be read in the middle of a corpus.

The pipes are real (``hamish`` runs as a child process): click catches a broken pipe
inside its own ``main``, which an in-process run with a captured stdout never reaches.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT, SAMPLES
from tests.paths import run_cli as run

ARTICLE = "ar_economy.txt"
COPIES = 40


def _copy_annotated(library: Path, name: str) -> None:
    """``name``: a copy of the annotated sample article, with its sidecar."""
    shutil.copy(SAMPLES / ARTICLE, library / name)
    sidecar = json.loads((SAMPLES / f"{ARTICLE}.annotations.json").read_text(encoding="utf-8"))
    sidecar["document"]["file"] = name  # a sidecar names its article
    (library / f"{name}.annotations.json").write_text(
        json.dumps(sidecar, ensure_ascii=False), encoding="utf-8"
    )


@pytest.fixture
def library(tmp_path) -> Path:
    """40 annotated articles: their JSONL export is larger than a pipe's buffer."""
    folder = tmp_path / "library"
    folder.mkdir()
    for number in range(COPIES):
        _copy_annotated(folder, f"article_{number:02}.txt")
    return folder


def hamish(*args: str, cwd: Path, **popen) -> subprocess.Popen:
    """``hamish ARGS…`` running in ``cwd``, its stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *args],
        cwd=cwd,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        **popen,
    )


def test_export_into_a_pipe_its_reader_leaves_early(library):
    """`hamish export . --format jsonl | head -c 100`: exit 0, nothing on stderr."""
    child = hamish("export", ".", "--format", "jsonl", cwd=library, stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    head = child.stdout.read(100)
    child.stdout.close()  # what `head -c 100` does once it has its bytes
    stderr = child.stderr.read()
    assert child.wait(timeout=60) == 0, stderr.decode()
    assert stderr == b""
    assert head.startswith(b'{"id": ')  # the first record's first bytes


STREAMING = {
    "cat": ["cat", "article_00.txt"],
    "cat --json": ["cat", "--json", "article_00.txt"],
    "export": ["export", ".", "--format", "jsonl"],
    "export csv": ["export", ".", "--format", "csv"],
    "search": ["search", ".", "اقتصاد"],
    "search --json": ["search", "--json", ".", "اقتصاد"],
    "stats": ["stats", "."],
    "stats --json": ["stats", "--json", "."],
    "check": ["check", "."],
    "check --json": ["check", "--json", "."],
    "help": ["--help"],
    "export --help": ["export", "--help"],
}


@pytest.mark.parametrize("args", STREAMING.values(), ids=STREAMING.keys())
def test_every_streaming_command_ends_quietly_when_its_reader_is_gone(library, args):
    """The pipe has no reader before hamish starts: its first write (or its last flush)
    finds it gone, whatever the output's size."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        child = hamish(*args, cwd=library, stdout=write_end)
    finally:
        os.close(write_end)
    _, stderr = child.communicate(timeout=60)
    assert (child.returncode, stderr.decode()) == (0, "")


def test_import_json_ends_quietly_when_its_reader_is_gone(library):
    records = library / "records.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "reader", "export", ".", "--format", "jsonl", "-o", str(records)],
        cwd=library,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        child = hamish(
            "import", "--json", "--format", "jsonl", str(records), cwd=library, stdout=write_end
        )
    finally:
        os.close(write_end)
    _, stderr = child.communicate(timeout=60)
    assert (child.returncode, stderr.decode()) == (0, "")


def test_an_error_is_still_reported_when_the_reader_is_gone(library):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        child = hamish("export", "missing", "--format", "jsonl", cwd=library, stdout=write_end)
    finally:
        os.close(write_end)
    _, stderr = child.communicate(timeout=60)
    assert (child.returncode, stderr.decode()) == (2, "hamish: missing: no such file or folder\n")


# --------------------------------------------------------------------------- write errors


def _finished(child: subprocess.Popen) -> tuple[int, str]:
    _, stderr = child.communicate(timeout=60)
    return child.returncode, stderr.decode()


def test_an_output_in_a_folder_that_is_not_there_is_one_line(library):
    child = hamish("export", ".", "--format", "jsonl", "-o", "nowhere/out.jsonl", cwd=library)
    assert _finished(child) == (
        2,
        "hamish: nowhere/out.jsonl: cannot write: No such file or directory\n",
    )
    (library / "plain").write_text("a file, not a folder", encoding="utf-8")
    for fmt, output in (("jsonl", "plain/out.jsonl"), ("brat", "plain/brat")):
        child = hamish("export", ".", "--format", fmt, "-o", output, cwd=library)
        assert _finished(child) == (2, f"hamish: {output}: cannot write: Not a directory\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [STREAMING[name] for name in ("cat", "export", "search", "stats", "check --json")],
    ids=["cat", "export", "search", "stats", "check --json"],
)
def test_a_stdout_that_cannot_be_written_is_one_line(library, args):
    """A full disk is an error (exit 2, one line), in the middle of the output or at its end."""
    with open("/dev/full", "wb") as full:
        child = hamish(*args, cwd=library, stdout=full)
        assert _finished(child) == (2, "hamish: stdout: cannot write: No space left on device\n")


# --------------------------------------------------------------------------- unusable sidecars


def test_export_skips_a_sidecar_that_is_a_folder(capsys, tmp_path, monkeypatch):
    library = tmp_path / "library"
    library.mkdir()
    _copy_annotated(library, "good.txt")
    shutil.copy(SAMPLES / ARTICLE, library / "x.txt")
    (library / "x.txt.annotations.json").mkdir()
    monkeypatch.chdir(tmp_path)

    code, out, err = run(capsys, "export", "library", "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert records and {r["document"] for r in records} == {"library/good.txt"}
    _, alone, _ = run(capsys, "export", "library/good.txt", "--format", "jsonl")
    assert out == alone  # all of the other article's records
    assert (code, err) == (
        1,
        "hamish: warning: x.txt.annotations.json: is a folder, not a sidecar\n",
    )
    # as for any other problem export reports: a corrupt sidecar is a warning and exit 1 too
    (library / "x.txt.annotations.json").rmdir()
    (library / "x.txt.annotations.json").write_text("{", encoding="utf-8")
    code, out_corrupt, err = run(capsys, "export", "library", "--format", "jsonl")
    assert (code, out_corrupt) == (1, out) and err.startswith("hamish: warning: x.txt")


def test_search_skips_a_sidecar_that_is_a_folder(capsys, tmp_path, monkeypatch):
    library = tmp_path / "library"
    library.mkdir()
    _copy_annotated(library, "good.txt")
    shutil.copy(SAMPLES / ARTICLE, library / "x.txt")
    (library / "x.txt.annotations.json").mkdir()
    monkeypatch.chdir(tmp_path)

    code, out, err = run(capsys, "search", "--json", "library", "اقتصاد")
    hits = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert {h["path"] for h in hits if h["kind"] == "text"} == {"library/good.txt", "library/x.txt"}
    assert {h["path"] for h in hits if h["kind"] != "text"} == {"library/good.txt"}
    assert err == "hamish: warning: x.txt.annotations.json: is a folder, not a sidecar\n"


def _yesterdays_export(tmp_path: Path) -> Path:
    """A library with one annotated article, and an export file from an earlier run."""
    library = tmp_path / "library"
    library.mkdir()
    _copy_annotated(library, "good.txt")
    out = tmp_path / "tags.jsonl"
    out.write_text("yesterday's export\n", encoding="utf-8")
    out.chmod(0o640)
    return out


def test_a_failed_export_leaves_the_old_output_file_as_it_was(capsys, tmp_path, monkeypatch):
    out = _yesterdays_export(tmp_path)

    def full_disk(documents, stream, **options):
        stream.write('{"half": ')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("annotations.formats.jsonl.write_jsonl", full_disk)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "export", "library", "--format", "jsonl", "-o", str(out))
    assert (code, err) == (2, f"hamish: {out}: cannot write: No space left on device\n")
    assert out.read_text(encoding="utf-8") == "yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "tags.jsonl"]  # no temp


def test_a_successful_export_replaces_the_file_and_keeps_its_mode(capsys, tmp_path, monkeypatch):
    out = _yesterdays_export(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "export", "library", "--format", "jsonl", "-o", str(out))
    assert code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all(r["document"] == "library/good.txt" for r in records)
    assert out.stat().st_mode & 0o777 == 0o640
