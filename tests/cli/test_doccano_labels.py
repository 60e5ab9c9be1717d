"""doccano: `--doccano-single-label` for a default project, and an import that reports every
label doccano lost (never "0 problems" when one was dropped) and keeps tag order.

The corpus is test_conll_spacy.py's: emoji before the spans (UTF-16 offsets differ), CRLF,
front matter, Windows-1256, a multi-tag span, an overlapping one, Arabic tags and notes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import open_sidecar, sidecar_path
from reader.library.article import load_article
from tests.cli.test_conll_spacy import build_corpus
from tests.paths import run_cli as run

ARTICLES = ("news.txt", "old.txt")


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    build_corpus(tmp_path / "lib")
    monkeypatch.chdir(tmp_path)
    return Path("lib")


def whole(path: Path) -> list[tuple]:
    """Every annotation of the article, field by field (tags in their order)."""
    text = load_article(path).text
    return sorted(
        (a.id, a.start, a.end, a.quote, a.tags, a.note, a.author, a.created, a.modified)
        for a in open_sidecar(path, text).annotations.annotations
    )


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def export(capsys, library: Path, output: str, *extra: str) -> tuple[list[dict], str]:
    code, _, err = run(capsys, "export", str(library), "--format", "doccano", "-o", output, *extra)
    assert code == 0, err
    lines = Path(output).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], err


def save(records: list[dict], output: str) -> None:
    Path(output).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def forget(library: Path) -> None:
    for name in ARTICLES:
        sidecar_path(library / name).unlink()


def default_project(records: list[dict]) -> list[dict]:
    """What doccano's default project ("Allow overlapping entity" off) keeps: each label
    that shares no character with one it already kept."""
    kept_records = []
    for record in records:
        kept: list[list] = []
        for start, end, tag in record["label"]:
            if all(end <= s or e <= start for s, e, _ in kept):
                kept.append([start, end, tag])
        kept_records.append({**record, "label": kept})
    return kept_records


def test_single_label_export_fits_a_default_project(capsys, library):
    records, err = export(capsys, library, "single.jsonl", "--doccano-single-label")
    labels = {}
    for record in records:
        text = record["text"]
        spans = record["label"]
        for i, (start, end, _) in enumerate(spans):
            for s, e, _ in spans[i + 1 :]:
                assert end <= s or e <= start, "labels overlap"
        labels[record["document"]] = sorted((utf16_slice(text, s, e), t) for s, e, t in spans)
        assert load_article(record["document"]).text == text
    assert labels == {
        "lib/news.txt": sorted(
            [
                ("عاجل", "عنوان"),
                ("توكاييف", "متحدث/رسمي"),
                ("#عاجل", "وسم"),
                ("الاقتصاد سينمو 3%", "quote"),
                ("##", "رمز"),
                ("النمو مستمر", "claim"),
            ]
        ),
        "lib/old.txt": [("المتحدث باسم الوزارة", "مصدر")],
    }
    assert (
        "warning: lib/news.txt: --doccano-single-label left out 1 overlapping annotations "
        "(«سينمو 3%» claim) and 2 further tags (رقم ×1, speaker ×1) (meta keeps them)"
    ) in err
    assert "7 records from 2 articles" in err  # the annotations labelled
    # meta still has every annotation whole, in doccano's units.
    (news,) = [r for r in records if r["document"] == "lib/news.txt"]
    assert len(news["meta"]["annotations"]) == 7
    for entry in news["meta"]["annotations"]:
        assert entry["tags"] and utf16_slice(news["text"], entry["start"], entry["end"])


def test_import_names_every_label_a_default_project_dropped(capsys, library):
    before = {name: whole(library / name) for name in ARTICLES}
    records, _ = export(capsys, library, "full.jsonl")
    survived = default_project(records)
    save(survived, "from_doccano.jsonl")
    dropped = [
        (record["document"], utf16_slice(record["text"], s, e), tag)
        for record, kept in zip(records, survived, strict=True)
        for s, e, tag in record["label"]
        if [s, e, tag] not in kept["label"]
    ]
    assert len(dropped) == 3  # «سينمو 3%» claim, speaker and رقم (second tags)
    forget(library)
    code, out, err = run(
        capsys, "import", "--format", "doccano", "--root", str(library), "from_doccano.jsonl"
    )
    assert code == 1
    problems = [line for line in err.splitlines() if "not in doccano's labels" in line]
    assert len(problems) == 3 and "3 problems" in out and "0 problems" not in out
    for document, quote, tag in dropped:
        assert any(
            f"{document.removeprefix('lib/')}: «{quote}»" in p and tag in p for p in problems
        ), (
            quote,
            tag,
            problems,
        )
    # What doccano kept came back whole, tags in their order; only the dropped are missing.
    assert whole(library / "old.txt") == before["old.txt"]
    expected = []
    for entry in before["news.txt"]:
        tags = tuple(t for t in entry[4] if (entry[3], t) not in {(q, t) for _, q, t in dropped})
        if tags:
            expected.append((*entry[:4], tags, *entry[5:]))
    assert whole(library / "news.txt") == expected


def test_tag_order_survives_doccano_reordering_its_labels(capsys, library):
    before = {name: whole(library / name) for name in ARTICLES}
    records, _ = export(capsys, library, "full.jsonl")
    for record in records:  # doccano lists labels in its own order
        record["label"] = sorted(record["label"], key=lambda label: label[2], reverse=True)
    save(records, "reordered.jsonl")
    forget(library)
    code, out, err = run(
        capsys, "import", "--format", "doccano", "--root", str(library), "reordered.jsonl"
    )
    assert code == 0, err
    assert "imported 8 annotations" in out and "0 problems" in out
    for name in ARTICLES:
        assert whole(library / name) == before[name]


def test_single_label_file_reports_its_losses_unless_the_sidecar_has_them(capsys, library):
    export(capsys, library, "single.jsonl", "--doccano-single-label")
    # Back into the library it came from: the sidecars still hold every label.
    code, out, err = run(
        capsys, "import", "--format", "doccano", "--root", str(library), "single.jsonl"
    )
    assert code == 0, err
    assert "0 problems" in out and "not in doccano's labels" not in err
    # Into a fresh copy: each label the file does not have is named.
    forget(library)
    code, out, err = run(
        capsys, "import", "--format", "doccano", "--root", str(library), "single.jsonl"
    )
    assert code == 1 and "3 problems" in out
    assert "news.txt: «سينمو 3%» at " in err and ": label claim not in doccano's labels" in err
    assert "news.txt: «توكاييف» at " in err and ": label speaker not in" in err
    assert "news.txt: «الاقتصاد سينمو 3%» at " in err and ": label رقم not in" in err
