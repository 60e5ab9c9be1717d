"""One owner per decision: every command reads sidecars alike; imports go through the model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations import open_sidecar, sidecar_path, validate_sidecar
from reader.library.article import load_article
from reader.library.catalog import scan_library
from tests.paths import SAMPLES
from tests.paths import run_cli as run

ARTICLE = "ar_economy.txt"


def _current(raw: dict) -> bytes:
    return json.dumps(raw, ensure_ascii=False).encode()


def _future(raw: dict) -> bytes:
    # A newer hamish: a higher version and a key this one does not know.
    return json.dumps({**raw, "version": 2, "layers": {"gold": []}}, ensure_ascii=False).encode()


def _no_annotations(raw: dict) -> bytes:
    return json.dumps({**raw, "annotations": []}, ensure_ascii=False).encode()


KINDS = {
    # kind: (what to write, how many annotations every command sees)
    "current": (_current, 4),
    "future version": (_future, 4),
    "corrupt": (lambda raw: b'{"format": "hamish-annotations", "version": 1, "docu', 0),
    "empty file": (lambda raw: b"", 0),
    "no annotations": (_no_annotations, 0),
    "another article's": (
        lambda raw: _current({**raw, "document": {**raw["document"], "file": "x.txt"}}),
        0,
    ),
    "a folder": (None, 0),
}


@pytest.mark.parametrize("kind", KINDS)
def test_stats_export_check_and_library_agree_on_the_count(capsys, tmp_path, monkeypatch, kind):
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(SAMPLES / ARTICLE, library / ARTICLE)
    original = json.loads((SAMPLES / (ARTICLE + ".annotations.json")).read_text(encoding="utf-8"))
    write, expected = KINDS[kind]
    sidecar = sidecar_path(library / ARTICLE)
    if write is None:  # not a file at all
        sidecar.mkdir()
    else:
        sidecar.write_bytes(write(original))
    before = sidecar.read_bytes() if sidecar.is_file() else None
    monkeypatch.chdir(tmp_path)

    _, out, _ = run(capsys, "stats", "library", "--json")
    stats = json.loads(out)["annotations"]
    _, out, _ = run(capsys, "export", "library", "--format", "jsonl")
    exported = len(out.splitlines())
    _, out, _ = run(capsys, "check", "library", "--json")
    checked = json.loads(out)["totals"]["annotations"]
    (entry,) = scan_library(library)

    assert (stats, exported, checked, entry.annotations) == (expected,) * 4
    if before is not None:
        assert sidecar.read_bytes() == before  # nothing was rewritten by reading


@pytest.mark.parametrize("kind", ["future version", "corrupt", "empty file", "another article's"])
def test_every_command_gives_the_same_reason(capsys, tmp_path, monkeypatch, kind):
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(SAMPLES / ARTICLE, library / ARTICLE)
    original = json.loads((SAMPLES / (ARTICLE + ".annotations.json")).read_text(encoding="utf-8"))
    sidecar_path(library / ARTICLE).write_bytes(KINDS[kind][0](original))
    monkeypatch.chdir(tmp_path)

    reader_reason = open_sidecar(library / ARTICLE, load_article(library / ARTICLE).text).read_only
    (entry,) = scan_library(library)
    _, out, _ = run(capsys, "check", "library", "--json")
    (checked,) = json.loads(out)["files"]
    assert reader_reason is not None
    assert entry.sidecar_error == reader_reason
    assert checked["errors"] == [reader_reason]


def _library_copy(tmp_path: Path, name: str, with_sidecars: bool) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for article in ("ar_economy.txt", "en_quoting_arabic.txt"):
        shutil.copy(SAMPLES / article, folder / article)
        if with_sidecars:
            shutil.copy(SAMPLES / (article + ".annotations.json"), folder)
    return folder


def test_jsonl_export_imported_into_a_fresh_copy_gives_the_same_annotations(
    capsys, tmp_path, monkeypatch
):
    original = _library_copy(tmp_path, "original", with_sidecars=True)
    _library_copy(tmp_path, "fresh", with_sidecars=False)
    # Keys this hamish does not know ride along, even one named like a document field.
    sidecar = original / ("ar_economy.txt.annotations.json")
    data = json.loads(sidecar.read_text("utf-8"))
    data["annotations"][0].update({"confidence": 0.9, "title": "its own", "checked": {"by": "x"}})
    sidecar.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "export", "original", "--format", "jsonl", "-o", "all.jsonl")
    assert code == 0
    # The records name their articles as exported ("original/…"): import them by file name.
    code, out, err = run(capsys, "import", "--format", "jsonl", "--root", "fresh", "all.jsonl")
    assert code == 0, err
    assert "imported 8 annotations into 2 articles (0 already there, 0 problems)" in out

    for article in ("ar_economy.txt", "en_quoting_arabic.txt"):
        before = json.loads(Path("original", article + ".annotations.json").read_text("utf-8"))
        after = json.loads(Path("fresh", article + ".annotations.json").read_text("utf-8"))
        validate_sidecar(after)
        # Whole annotations: computed context and status, no document fields, nothing extra.
        # (ids and times are carried by the export, so they are equal too.)
        assert after["annotations"] == before["annotations"]
        for key in ("file", "sha256", "length"):
            assert after["document"][key] == before["document"][key]


BAD_RECORDS = {
    "bad status": ({"status": "bogus"}, "status: expected one of anchored, moved, orphaned"),
    "non-string prefix": ({"prefix": 42}, "prefix: expected a string, got an integer"),
    "empty tag": ({"tags": ["quote", ""]}, "tags[1]: expected a non-empty string"),
    "lone surrogate": ({"note": "\ud800"}, "note: has a lone surrogate"),
    "lone surrogate deep in a foreign key": ({"meta": {"x": ["\udc00"]}}, "meta: has a lone"),
    "lone surrogate in a key": ({"k\ud800": 1}, "has a lone surrogate"),
}


@pytest.mark.parametrize("kind", BAD_RECORDS)
def test_a_bad_record_is_reported_and_skipped_and_the_sidecar_stays_writable(
    capsys, tmp_path, monkeypatch, kind
):
    library = _library_copy(tmp_path, "library", with_sidecars=False)
    monkeypatch.chdir(tmp_path)
    text = load_article(library / ARTICLE).text
    good = {"document": ARTICLE, "start": 0, "end": 5, "quote": text[0:5], "tags": ["quote"]}
    change, reason = BAD_RECORDS[kind]
    bad = {"document": ARTICLE, "start": 6, "end": 12, "quote": text[6:12], "tags": ["claim"]}
    bad.update(change)
    # ensure_ascii keeps the lone surrogate as a \ud800 escape, as another tool would write it.
    lines = [json.dumps(good), json.dumps(bad)]
    Path("in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, out, err = run(capsys, "import", "--format", "jsonl", "--root", "library", "in.jsonl")

    assert code == 1
    assert reason in err and "skipped" in err
    assert "imported 1 annotations into 1 articles (0 already there, 1 problems)" in out
    sidecar = open_sidecar(library / ARTICLE, text)
    assert sidecar.read_only is None
    assert [a.quote for a in sidecar.annotations.annotations] == [text[0:5]]
    validate_sidecar(json.loads(sidecar.path.read_text(encoding="utf-8")))
    # Writable: a later change saves and reads back.
    from annotations import make_annotation

    sidecar.save(sidecar.annotations.added(make_annotation(text, 6, 12, tags=["claim"])))
    assert len(open_sidecar(library / ARTICLE, text).annotations) == 2


def test_a_record_never_overrides_known_fields_through_extra(capsys, tmp_path, monkeypatch):
    library = _library_copy(tmp_path, "library", with_sidecars=False)
    monkeypatch.chdir(tmp_path)
    text = load_article(library / ARTICLE).text
    record = {
        "document": ARTICLE,
        "start": 0,
        "end": 5,
        "quote": text[0:5],
        "tags": ["quote"],
        "status": "orphaned",
        "prefix": "not the real context",
        "suffix": "nor this",
        "title": "a title",
        "sha256": "0" * 64,
        "document_tags": ["x"],
        "confidence": 0.9,  # another tool's own key: kept
    }
    Path("in.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", "library", "in.jsonl")
    assert code == 0, err
    (saved,) = json.loads(sidecar_path(library / ARTICLE).read_text("utf-8"))["annotations"]
    assert saved == {
        "id": saved["id"],
        "start": 0,
        "end": 5,
        "quote": text[0:5],
        "prefix": "",
        "suffix": text[5:37],
        "tags": ["quote"],
        "note": "",
        "author": saved["author"],
        "created": saved["created"],
        "modified": saved["modified"],
        "status": "anchored",
        "confidence": 0.9,
    }


def test_a_record_naming_a_nul_byte_path_is_not_found_and_the_rest_imports(
    capsys, tmp_path, monkeypatch
):
    library = _library_copy(tmp_path, "library", with_sidecars=False)
    monkeypatch.chdir(tmp_path)
    text = load_article(library / ARTICLE).text
    records = [
        {"document": "a\u0000b.txt", "start": 0, "end": 5, "quote": text[0:5]},
        {"document": ARTICLE, "start": 0, "end": 5, "quote": text[0:5], "tags": ["quote"]},
    ]
    Path("in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    code, out, err = run(capsys, "import", "--format", "jsonl", "--root", "library", "in.jsonl")
    assert code == 1
    assert "no such article under library (1 not imported)" in err
    assert "imported 1 annotations into 1 articles" in out


def test_records_land_inside_the_root_only(capsys, tmp_path, monkeypatch):
    library = _library_copy(tmp_path, "library", with_sidecars=False)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(library / ARTICLE, outside / ARTICLE)
    shutil.copy(library / ARTICLE, tmp_path / ARTICLE)  # the working directory has one too
    (library / "alias.txt").symlink_to(library / ARTICLE)
    monkeypatch.chdir(tmp_path)
    text = load_article(library / ARTICLE).text
    records = [
        {"document": f"../outside/{ARTICLE}", "start": 0, "end": 5, "quote": text[0:5]},
        {"document": str(outside / ARTICLE), "start": 6, "end": 12, "quote": text[6:12]},
        {"document": "alias.txt", "start": 13, "end": 18, "quote": text[13:18]},
    ]
    Path("in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", "library", "in.jsonl")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.rglob("*.annotations.json")) == [
        "alias.txt.annotations.json",
        ARTICLE + ".annotations.json",
    ]
    # Paths outside the library were placed by file name, in the library's own copy.
    inside = json.loads(sidecar_path(library / ARTICLE).read_text("utf-8"))
    assert [(a["start"], a["end"]) for a in inside["annotations"]] == [(0, 5), (6, 12)]
    # A symlinked article keeps its sidecar beside the link, naming the link.
    alias = json.loads(sidecar_path(library / "alias.txt").read_text("utf-8"))
    assert alias["document"]["file"] == "alias.txt"
    assert [(a["start"], a["end"]) for a in alias["annotations"]] == [(13, 18)]


def test_a_fifo_sidecar_is_one_line_in_every_command(capsys, tmp_path, monkeypatch):
    import os

    library = _library_copy(tmp_path, "library", with_sidecars=True)
    os.unlink(sidecar_path(library / ARTICLE))
    os.mkfifo(sidecar_path(library / ARTICLE))
    monkeypatch.chdir(tmp_path)
    reason = f"{ARTICLE}.annotations.json: not a regular file, not a sidecar"
    code, out, _ = run(capsys, "stats", "library")  # stats lists problems in its report
    assert code == 1 and reason in out
    code, _, err = run(capsys, "export", "library", "--format", "jsonl")
    assert code == 1 and reason in err
    code, out, _ = run(capsys, "check", "library")
    assert code == 1 and reason in out
    (entry, _other) = scan_library(library)
    assert entry.sidecar_error == reason


def test_a_nan_in_a_record_is_reported_and_skipped(capsys, tmp_path, monkeypatch):
    library = _library_copy(tmp_path, "library", with_sidecars=False)
    monkeypatch.chdir(tmp_path)
    text = load_article(library / ARTICLE).text
    lines = [
        json.dumps({"document": ARTICLE, "start": 0, "end": 5, "quote": text[0:5]})[:-1]
        + ', "score": NaN}',
        json.dumps({"document": ARTICLE, "start": 6, "end": 12, "quote": text[6:12]}),
    ]
    Path("in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", "library", "in.jsonl")
    assert code == 1 and "score: holds NaN or infinity" in err
    saved = sidecar_path(library / ARTICLE).read_text("utf-8")
    assert "NaN" not in saved and len(json.loads(saved)["annotations"]) == 1
