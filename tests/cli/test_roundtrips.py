"""Round trips keep everything each format can carry (issue 14, item 6).

A corpus with every hard case (emoji before spans, CRLF, Windows-1256, overlaps, multi-tag
spans, Arabic tags and notes, notes with line breaks, reviews, relations, article tags,
notes and states) is exported, its sidecars deleted, and the export imported back: the
sidecars are compared field by field with what the format carries (docs/exports.md,
"What survives a round trip"), never a projection.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar, sidecar_path
from annotations.model import ANNOTATION_KEYS, make_relation, set_clock
from reader.library.article import load_article
from tests.cli.corpora import span_of
from tests.paths import run_cli as run

EMOJI_MD = (
    "---\r\n"
    'title: "وزير المالية يعلن خطة 😀"\r\n'
    'source: "وكالة الأنباء"\r\n'
    "date: 2024-04-03\r\n"
    "url: https://example.org/news/2024/04/03/plan\r\n"
    "---\r\n"
    "\r\n"
    "😀🇸🇦 قال الوزير: «نحن في المرحلة الأخيرة» من المشاورات.\r\n"
    "وأضاف أن الأمن الغذائي أولوية 👍🏽 للحكومة.\r\n"
)
CP1256_TEXT = "أعلن البنك المركزي رفع سعر الفائدة.\nوقال المحافظ إن التضخم تراجع.\n"


def _build(folder: Path) -> None:
    folder.mkdir()
    (folder / "plan.md").write_bytes(EMOJI_MD.encode("utf-8"))
    (folder / "bank.txt").write_bytes(CP1256_TEXT.encode("windows-1256"))
    times = iter(f"2024-05-0{d}T10:00:0{s}Z" for d in range(1, 10) for s in range(10))
    set_clock(lambda: __import__("datetime").datetime.fromisoformat(next(times)))
    try:
        path = folder / "plan.md"
        text = load_article(path).text
        sidecar = open_sidecar(path, text)
        state = sidecar.annotations
        speaker = make_annotation(
            text,
            *span_of(text, "قال الوزير"),
            tags=["متحدث/رسمي", "speaker"],
            author="rana",
            id="a1",
            note="الوزير نفسه\nسطر ثان",
        )
        quote = make_annotation(
            text,
            *span_of(text, "«نحن في المرحلة الأخيرة» من"),
            tags=["اقتباس", "quote", "zz"],
            author="lina",
            id="a2",
            note="اقتباس مباشر",
        )
        overlap = make_annotation(  # overlaps the quote, after two emoji
            text,
            *span_of(text, "المرحلة الأخيرة» من المشاورات"),
            tags=["topic"],
            author="rana",
            id="a3",
        )
        plain = make_annotation(text, *span_of(text, "الأمن الغذائي"), author="sami", id="a4")
        for made in (speaker, quote, overlap, plain):
            state = state.added(made)
        state = state.reviewed("a2", "accepted", "lina").reviewed("a3", "rejected", "omar")
        state = state.related(make_relation("a1", "a2", "said", author="rana", id="r1"))
        state = state.with_document(tags=("اقتصاد", "politics"), note="مقال مهم\nللمتابعة")
        sidecar.save(state.with_progress("in progress", "lina"))

        path = folder / "bank.txt"
        text = load_article(path).text
        sidecar = open_sidecar(path, text)
        state = sidecar.annotations.added(
            make_annotation(
                text, *span_of(text, "رفع سعر الفائدة"), tags=["قرار"], author="rana", id="b1"
            )
        )
        sidecar.save(state.with_document(tags=("بنوك",), note="").with_progress("done", "omar"))
    finally:
        set_clock(None)


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "library"
    _build(folder)
    return folder


def _sidecars(folder: Path) -> dict[str, dict]:
    return {
        name: json.loads(sidecar_path(folder / name).read_text(encoding="utf-8"))
        for name in ("plan.md", "bank.txt")
    }


def _round_trip(capsys, library: Path, fmt: str, output: str) -> tuple[dict, dict, dict]:
    before = _sidecars(library)
    code, _, err = run(capsys, "export", str(library), "--format", fmt, "-o", output)
    assert code == 0, err
    for name in before:
        sidecar_path(library / name).unlink()
    code, out, err = run(
        capsys,
        "import",
        "--format",
        fmt,
        "--root",
        str(library),
        "--json",
        "--author",
        "x",
        output,
    )
    assert code == 0, (out, err)
    return before, _sidecars(library), json.loads(out)


def _without(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k not in keys}


# Every field of a sidecar but the ones a format cannot carry (listed per format).
CARRIED = {
    # format: (output, annotation keys it cannot carry, whether relations keep ids/times)
    "jsonl": ("out.jsonl", ()),
    "w3c": ("out.w3c.jsonl", ()),
    "labelstudio": ("tasks.json", ()),
    "brat": ("brat_folder", ()),
}


@pytest.mark.parametrize("fmt", CARRIED)
def test_the_whole_sidecar_survives_export_and_import(capsys, library, fmt):
    output, lost = CARRIED[fmt]
    before, after, report = _round_trip(capsys, library, fmt, output)
    assert report["problems"] == []
    assert report["added"] == 5
    assert report["articles"] == 2
    for name in before:
        old, new = before[name], after[name]
        # The document: file, hash, length, the article's own tags, note and state.
        assert new["document"] == old["document"], (fmt, name)
        # Every annotation, field by field (quote, context, tags in order, note with its
        # line breaks, author, created, modified, status, review).
        assert [_without(a, *lost) for a in new["annotations"]] == [
            _without(a, *lost) for a in old["annotations"]
        ], (fmt, name)
        assert new.get("relations") == old.get("relations"), (fmt, name)
    # Importing again adds nothing and changes nothing.
    code, out, err = run(
        capsys, "import", "--format", fmt, "--root", str(library), "--json", output
    )
    assert code == 0, err
    assert (json.loads(out)["added"], json.loads(out)["articles"]) == (0, 0)
    assert _sidecars(library) == after


@pytest.mark.parametrize("fmt", ["jsonl", "w3c"])
def test_document_fields_never_land_in_an_annotation(capsys, library, fmt):
    output = CARRIED[fmt][0]
    _, after, _ = _round_trip(capsys, library, fmt, output)
    for sidecar in after.values():
        for annotation in sidecar["annotations"]:
            extra = set(annotation) - set(ANNOTATION_KEYS)  # the sidecar's own keys
            assert extra == set(), (fmt, annotation["id"], extra)


def test_article_tags_and_note_are_added_to_a_sidecar_that_has_its_own(capsys, library):
    code, _, err = run(capsys, "export", str(library), "--format", "jsonl", "-o", "out.jsonl")
    assert code == 0, err
    path = library / "bank.txt"
    sidecar = open_sidecar(path, load_article(path).text)
    sidecar.save(sidecar.annotations.with_document(tags=("محلي", "بنوك"), note="ملاحظتي"))
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", str(library), "out.jsonl")
    assert code == 0, err
    document = _sidecars(library)["bank.txt"]["document"]
    assert document["tags"] == ["محلي", "بنوك"]  # nothing new to add, order kept
    assert document["note"] == "ملاحظتي"
    plan = _sidecars(library)["plan.md"]["document"]
    assert (plan["tags"], plan["note"]) == (["اقتصاد", "politics"], "مقال مهم\nللمتابعة")
