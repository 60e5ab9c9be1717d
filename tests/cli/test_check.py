"""`hamish check`: the report, --fix, --json and exit codes on a real library folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar, sidecar_path
from reader.library.article import load_article
from tests.paths import SAMPLES
from tests.paths import run_cli as run


def annotate(path: Path, *phrases: str) -> list[str]:
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    state = sidecar.annotations
    ids = []
    for words in phrases:
        start = text.index(words)
        annotation = make_annotation(text, start, start + len(words), tags=["quote"], author="t")
        state = state.added(annotation)
        ids.append(annotation.id)
    sidecar.save(state)
    return ids


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    (folder / "ar").mkdir(parents=True)
    shutil.copy(SAMPLES / "ar_crlf.txt", folder / "ar" / "crlf.txt")
    shutil.copy(SAMPLES / "en_markets.txt", folder / "markets.txt")
    shutil.copy(SAMPLES / "ar_politics.txt", folder / "ar" / "politics.txt")
    return folder


def first_words(path: Path, line: int, count: int) -> str:
    return " ".join(load_article(path).text.splitlines()[line].split()[:count])


def test_clean_library_reports_anchored_and_exits_0(capsys, library):
    crlf = library / "ar" / "crlf.txt"
    annotate(crlf, first_words(crlf, 2, 4), first_words(crlf, 4, 3))
    code, out, _ = run(capsys, "check", str(library))
    assert code == 0
    row = next(line for line in out.splitlines() if "crlf.txt" in line)
    assert row.split()[-6:] == ["2", "2", "0", "0", "0", "0"]
    assert "1 sidecars, 2 annotations: 2 anchored, 0 moved, 0 changed, 0 orphaned" in out


def test_edited_article_reports_moved_and_orphaned_and_fix_writes(capsys, library):
    markets = library / "markets.txt"
    lines = load_article(markets).text.splitlines(keepends=True)
    body = [i for i, line in enumerate(lines) if len(line) > 80]
    kept, dropped = lines[body[0]].split(".")[0], lines[body[1]].split(".")[0]
    annotate(markets, kept, dropped)
    before = sidecar_path(markets).read_text(encoding="utf-8")
    lines[body[1]] = ""
    markets.write_text("UPDATE: corrected.\n" + "".join(lines), encoding="utf-8")

    code, out, _ = run(capsys, "check", "--json", str(markets))
    assert code == 1
    report = json.loads(out)
    (entry,) = report["files"]
    assert (entry["moved"], entry["orphaned"], entry["fixed"]) == (1, 1, False)
    assert sidecar_path(markets).read_text(encoding="utf-8") == before  # check alone writes nothing

    code, out, _ = run(capsys, "check", "--fix", str(markets))
    assert code == 1 and "(fixed)" in out
    data = json.loads(sidecar_path(markets).read_text(encoding="utf-8"))
    text = load_article(markets).text
    statuses = {a["status"] for a in data["annotations"]}
    assert statuses == {"moved", "orphaned"}
    for entry in data["annotations"]:
        if entry["status"] == "moved":
            assert text[entry["start"] : entry["end"]] == entry["quote"] == kept


def test_invalid_sidecar_is_reported_and_left_alone(capsys, library):
    politics = library / "ar" / "politics.txt"
    bad = sidecar_path(politics)
    bad.write_text('{"format": "hamish-annotations", "version": 1', encoding="utf-8")
    code, out, _ = run(capsys, "check", "--fix", str(library))
    assert code == 1
    assert "not valid JSON" in out and "politics.txt.annotations.json" in out
    assert bad.read_text(encoding="utf-8") == '{"format": "hamish-annotations", "version": 1'


def test_sidecar_without_its_article(capsys, library):
    stray = library / "gone.txt.annotations.json"
    stray.write_text("{}", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(library))
    assert code == 1 and "its article gone.txt is missing" in out


def test_tagset_problems_are_reported(capsys, library):
    (library / "hamish.toml").write_text(
        '[[tags]]\nname = "quote"\nkey = "x"\n\n[[tags]]\nname = "quote"\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "check", str(library))
    assert code == 1 and "hamish.toml:6" in out and "duplicate" in out


def test_missing_path_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "check", str(tmp_path / "nope"))
    assert code == 2 and out == "" and "no such file or folder" in err


def test_unreadable_article_with_sidecar_exits_2(capsys, library):
    crlf = library / "ar" / "crlf.txt"
    annotate(crlf, first_words(crlf, 2, 2))
    crlf.write_bytes(bytes(range(256)) * 4)
    code, out, _ = run(capsys, "check", str(library))
    assert code == 2 and "binary" in out


def test_no_sidecars(capsys, library):
    code, out, _ = run(capsys, "check", str(library))
    assert code == 0 and "no sidecars found" in out


def test_annotations_dir(capsys, library, tmp_path):
    politics = library / "ar" / "politics.txt"
    text = load_article(politics).text
    notes = tmp_path / "notes"
    sidecar = open_sidecar(politics, text, annotations_dir=notes, library_root=library)
    sidecar.save(sidecar.annotations.added(make_annotation(text, 0, 5)))
    code, out, _ = run(capsys, "check", "--annotations-dir", str(notes), str(library))
    assert code == 0 and "politics.txt" in out and "1 annotations: 1 anchored" in out
