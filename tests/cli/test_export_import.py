"""`hamish export` and `hamish import` through the command line on the sample library."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotations import open_sidecar, sidecar_path
from reader.library.article import load_article
from tests.cli.corpora import sample_library
from tests.paths import run_cli as run

ANNOTATED = ("ar_economy.txt", "en_quoting_arabic.txt")


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    return sample_library(tmp_path, monkeypatch)


def annotations_of(path: Path) -> set[tuple]:
    text = load_article(path).text
    return {
        (a.start, a.end, a.quote, tuple(sorted(a.tags)), a.note)
        for a in open_sidecar(path, text).annotations.annotations
    }


def test_jsonl_to_stdout_slices_the_text(capsys, library):
    code, out, _ = run(capsys, "export", str(library), "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 8
    for record in records:
        text = load_article(record["document"]).text
        assert text[record["start"] : record["end"]] == record["quote"]
        assert record["sha256"] and record["title"]


def test_csv_excel_and_filters(capsys, library):
    code, _, err = run(
        capsys,
        "export",
        str(library),
        "--format",
        "csv",
        "--excel",
        "--tag",
        "speaker",
        "-o",
        "tags.csv",
    )
    assert code == 0 and "records" in err
    raw = Path("tags.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert {r["tag"] for r in rows} >= {"speaker/official", "speaker/opposition"}
    assert {r["document"] for r in rows} == {f"library/{n}" for n in ANNOTATED}
    assert any("نحن الآن" in r["quote"] for r in rows)


@pytest.mark.parametrize(
    ("fmt", "output", "extra"),
    [
        ("jsonl", "out.jsonl", []),
        ("w3c", "out.w3c.jsonl", []),
        ("w3c", "out.w3c.json", ["--collection"]),
        ("doccano", "out.doccano.jsonl", []),
        ("labelstudio", "tasks.json", []),
        ("brat", "brat_corpus", []),
    ],
)
def test_export_then_import_into_empty_sidecars_reproduces_them(
    capsys, library, fmt, output, extra
):
    before = {name: annotations_of(library / name) for name in ANNOTATED}
    code, _, err = run(capsys, "export", str(library), "--format", fmt, "-o", output, *extra)
    assert code == 0, err
    for name in ANNOTATED:
        sidecar_path(library / name).unlink()
    source = output
    code, out, err = run(capsys, "import", "--format", fmt, "--root", str(library), source)
    assert code == 0, err
    assert "imported 8 annotations into 2 articles" in out
    for name in ANNOTATED:
        assert annotations_of(library / name) == before[name], (fmt, name)
    # Importing the same file again adds nothing: deduplicated by span and tags.
    code, out, _ = run(capsys, "import", "--format", fmt, "--root", str(library), source)
    assert code == 0 and "imported 0 annotations" in out and "8 already there" in out


def test_conll_marks_tokens(capsys, library):
    code, out, _ = run(
        capsys, "export", str(library / "en_quoting_arabic.txt"), "--format", "conll"
    )
    assert code == 0
    tagged = [line.split(" ") for line in out.splitlines() if line.count(" ") == 3]
    assert ['"', "_", "_", "O"] in tagged  # punctuation is a token of its own
    assert ["We", "_", "_", "B-quote"] in tagged and ["have", "_", "_", "I-quote"] in tagged


def test_brat_needs_an_output_folder(capsys, library):
    code, _, err = run(capsys, "export", str(library), "--format", "brat")
    assert code == 2 and "-o" in err


def test_import_reports_what_it_could_not_place(capsys, library, tmp_path):
    records = [
        {
            "document": "ar_economy.txt",
            "start": 0,
            "end": 4,
            "quote": "لا شيء هنا إطلاقا في النص",
            "tags": ["x"],
        },
        {"document": "missing.txt", "start": 0, "end": 3, "quote": "abc", "tags": []},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", str(library), str(source))
    assert code == 1
    assert "could not place" in err and "missing.txt" in err


def test_import_of_a_broken_file_is_one_line_exit_2(capsys, library, tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text("{not json\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", str(library), str(source))
    assert code == 2 and len(err.strip().splitlines()) == 1
