"""`hamish curate --auto majority|unanimous PATHS…` (issue 15, item 4): the spans an
article's authors agree on become the curator's annotations with ``curated_from``; the
originals stay byte for byte; a second run adds nothing; a corrupt or newer sidecar is
left as it is (exit 2); ``export --author gold`` and ``--curated`` give the gold layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar, sidecar_path
from annotations.model import set_clock
from annotations.validate import validate_sidecar
from reader.library.article import load_article
from tests.paths import run_cli as run
from tests.schema_checks import refused_by_both

TEXT = "قال الرئيس إن الحكومة ستعمل على خطة جديدة للاقتصاد في العام المقبل.\n"
CORRUPT = b'{"version": 1, "annotations": [\n'
NOW = "2026-01-02T03:04:05Z"


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


RAIS, HUKUMA, KHITTA = span("الرئيس"), span("الحكومة"), span("خطة جديدة")


@pytest.fixture(autouse=True)
def fixed_clock():
    from datetime import UTC, datetime

    set_clock(lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    yield
    set_clock(None)


def annotate(path: Path, *marks: tuple[str, str, tuple[int, int], tuple[str, ...]]) -> None:
    """Save annotations (id, author, span, tags) to ``path``'s sidecar."""
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    current = sidecar.annotations
    new = [
        make_annotation(text, s, e, tags=tags, author=author, id=ident)
        for ident, author, (s, e), tags in marks
    ]
    sidecar.save(current.with_annotations((*current.annotations, *new)))


def records(path: Path) -> list[dict]:
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))["annotations"]


@pytest.fixture
def three(tmp_path: Path) -> Path:
    """Three analysts: all mark الرئيس (two say person, one speaker+person), two mark
    الحكومة (org vs. gov: no tag in common), one marks خطة جديدة."""
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    annotate(
        path,
        ("a1", "rana", RAIS, ("person",)),
        ("b1", "omar", RAIS, ("speaker", "person")),
        ("c1", "lina", RAIS, ("person", "speaker")),
        ("a2", "rana", HUKUMA, ("org",)),
        ("b2", "omar", HUKUMA, ("gov",)),
        ("c3", "lina", KHITTA, ("plan",)),
    )
    return path


def gold_record(start: int, end: int, tags: list[str], sources: list[str], ident: str) -> dict:
    return {
        "id": ident,
        "start": start,
        "end": end,
        "quote": TEXT[start:end],
        "prefix": TEXT[max(0, start - 32) : start],
        "suffix": TEXT[end : end + 32],
        "tags": tags,
        "note": "",
        "author": "gold",
        "created": NOW,
        "modified": NOW,
        "status": "anchored",
        "curated_from": sources,
    }


def test_majority_writes_gold_records_and_leaves_the_originals_byte_for_byte(three, capsys):
    before = records(three)
    code, out, err = run(capsys, "curate", "--auto", "majority", "--bidi", "logical", str(three))
    assert code == 0, err
    after = records(three)
    gold = [r for r in after if r["author"] == "gold"]
    # الرئيس: all three mark it; person (3/3) and speaker (2/3) pass the majority, in the
    # order first given. الحكومة: 2/3 mark it, but org and gov each have 1/3: a
    # disagreement, left. خطة جديدة: 1/3, not agreed.
    assert gold == [gold_record(*RAIS, ["person", "speaker"], ["a1", "b1", "c1"], gold[0]["id"])]
    assert [r for r in after if r["author"] != "gold"] == before
    counts = "3 authors, 0 already curated, 1 disagreement left"
    assert out.splitlines() == [
        f"{three}: added 1 annotation for gold ({counts})",
        "added 1 annotation (majority) in 1 article",
    ]


def test_unanimous_keeps_only_the_tags_every_author_gave(three, capsys):
    code, _, err = run(capsys, "curate", "--auto", "unanimous", "--curator", "lead",
                         "--bidi", "logical", str(three))  # fmt: skip
    assert code == 0, err
    gold = [r for r in records(three) if r["author"] == "lead"]
    # Only الرئيس is marked by all three; only person is given by all three.
    assert [(r["start"], r["end"], r["tags"], r["curated_from"]) for r in gold] == [
        (*RAIS, ["person"], ["a1", "b1", "c1"])
    ]


def test_a_second_run_adds_nothing_and_a_curators_edit_is_not_undone(three, capsys):
    assert run(capsys, "curate", "--auto", "majority", str(three))[0] == 0
    # The curator moves the gold span by hand: the sources stay curated.
    text = load_article(three).text
    sidecar = open_sidecar(three, text)
    gold = next(a for a in sidecar.annotations.annotations if a.author == "gold")
    moved = make_annotation(text, RAIS[0], RAIS[1] - 1, tags=gold.tags, author="gold",
                            id=gold.id, extra=dict(gold.extra))  # fmt: skip
    sidecar.save(sidecar.annotations.replaced(moved))
    saved = sidecar_path(three).read_bytes()
    code, out, _ = run(capsys, "curate", "--auto", "majority", "--bidi", "logical", str(three))
    assert code == 0
    assert sidecar_path(three).read_bytes() == saved
    counts = "3 authors, 1 already curated, 1 disagreement left"
    assert out.splitlines()[0] == f"{three}: added 0 annotations for gold ({counts})"


def test_an_article_of_one_author_is_not_a_consensus(tmp_path, capsys):
    path = tmp_path / "solo.txt"
    path.write_text(TEXT, encoding="utf-8")
    annotate(path, ("a1", "rana", RAIS, ("person",)), ("a2", "rana", RAIS, ("speaker",)))
    before = sidecar_path(path).read_bytes()
    code, out, _ = run(capsys, "curate", "--auto", "majority", "--bidi", "logical", str(path))
    assert code == 0
    assert sidecar_path(path).read_bytes() == before
    assert out.splitlines()[0] == f"{path}: 1 author, nothing to curate"


def test_a_corrupt_or_newer_sidecar_is_skipped_and_the_rest_curated(tmp_path, three, capsys):
    broken = tmp_path / "broken.txt"
    broken.write_text(TEXT, encoding="utf-8")
    sidecar_path(broken).write_bytes(CORRUPT)
    newer = tmp_path / "newer.txt"
    newer.write_text(TEXT, encoding="utf-8")
    annotate(newer, ("a1", "rana", RAIS, ()), ("b1", "omar", RAIS, ()))
    data = json.loads(sidecar_path(newer).read_text(encoding="utf-8"))
    data["version"] = 2
    newer_bytes = json.dumps(data).encode()
    sidecar_path(newer).write_bytes(newer_bytes)
    code, out, err = run(capsys, "curate", "--auto", "majority", "--bidi", "logical",
                         str(tmp_path))  # fmt: skip
    assert code == 2
    assert sidecar_path(broken).read_bytes() == CORRUPT
    assert sidecar_path(newer).read_bytes() == newer_bytes
    warnings = err.splitlines()
    assert len(warnings) == 2
    assert any(str(broken) in line and "skipped" in line for line in warnings)
    assert any(str(newer) in line and "skipped" in line for line in warnings)
    assert [r["author"] for r in records(three)].count("gold") == 1
    assert out.splitlines()[-1] == "added 1 annotation (majority) in 1 article; 2 skipped"


def test_untagged_agreement_is_curated_untagged_and_a_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "plain.txt"
    path.write_text(TEXT, encoding="utf-8")
    annotate(path, ("a1", "rana", KHITTA, ()), ("b1", "omar", KHITTA, ()))
    before = sidecar_path(path).read_bytes()
    code, out, _ = run(capsys, "curate", "--auto", "unanimous", "--dry-run", "--bidi",
                       "logical", str(path))  # fmt: skip
    assert code == 0 and sidecar_path(path).read_bytes() == before
    assert out.splitlines()[-1] == "would add 1 annotation (unanimous) in 1 article"
    assert run(capsys, "curate", "--auto", "unanimous", str(path))[0] == 0
    gold = [r for r in records(path) if r["author"] == "gold"]
    assert [(r["start"], r["end"], r["tags"], r["curated_from"]) for r in gold] == [
        (*KHITTA, [], ["a1", "b1"])
    ]


def test_bad_rule_is_a_usage_error(three, capsys):
    code, _, err = run(capsys, "curate", "--auto", "most", str(three))
    assert code == 2 and "most" in err


def test_export_by_author_gold_and_curated_give_the_gold_layer(three, capsys):
    assert run(capsys, "curate", "--auto", "majority", str(three))[0] == 0
    for option in (("--author", "gold"), ("--curated",)):
        code, out, err = run(capsys, "export", "--format", "jsonl", *option, str(three))
        assert code == 0, err
        exported = [json.loads(line) for line in out.splitlines()]
        assert [(r["start"], r["end"], r["author"]) for r in exported] == [(*RAIS, "gold")]


def test_curated_from_is_validated_as_the_schema_says():
    import jsonschema

    from annotations import sidecar_schema

    entry = gold_record(*RAIS, ["person"], ["a1"], "g1")
    data = {
        "format": "hamish-annotations",
        "version": 1,
        "document": {"file": "a.txt", "sha256": "0" * 64, "length": len(TEXT)},
        "annotations": [entry],
    }
    validate_sidecar(data)
    jsonschema.validate(data, sidecar_schema())
    for bad, where in (([], "curated_from"), ("a1", "curated_from"), ([""], "curated_from[0]")):
        entry["curated_from"] = bad
        assert refused_by_both(data) == f"$.annotations[0].{where}"


def test_a_curator_or_author_name_with_controls_is_refused(capsys, tmp_path):
    for argv in (
        ["curate", "--auto", "majority", "--curator", "g\x1b]0;X\x07", str(tmp_path)],
        ["tag-all", "x", "--tag", "t", "--author", "r\u202eana", str(tmp_path)],
    ):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "")
        assert "a name cannot hold control or bidi control characters" in err
