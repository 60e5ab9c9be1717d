"""The one sidecar parser's policy, and the package that exposes it."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import annotations
from annotations import AnnotationSet, make_annotation, open_sidecar, parse_sidecar

TEXT = "قال الوزير إن الحزمة ستعلن قريبا 😀 في بيان رسمي."


def _sidecar_bytes(**changes) -> bytes:
    state = AnnotationSet.empty("x.txt", TEXT).added(make_annotation(TEXT, 0, 3, tags=["quote"]))
    data = {**state.to_json(), **changes}
    return json.dumps(data, ensure_ascii=True).encode()


def test_a_current_sidecar_parses_with_no_problem():
    parsed = parse_sidecar(_sidecar_bytes(), "x.txt", name="x.txt.annotations.json")
    assert parsed.problem is None and parsed.version == 1 and parsed.count == 1


def test_a_valid_surrogate_pair_escape_is_fine():
    # ensure_ascii writes the emoji in a note as a \ud83d\ude00 pair: valid, writable.
    state = AnnotationSet.empty("x.txt", TEXT).added(make_annotation(TEXT, 0, 3, note="😀"))
    raw = json.dumps(state.to_json(), ensure_ascii=True).encode()
    assert b"\\ud83d" in raw
    parsed = parse_sidecar(raw, "x.txt", name="s")
    assert parsed.problem is None and parsed.count == 1


@pytest.mark.parametrize(
    "raw_change",
    [
        b'"note": "\\ud800"',  # a lone high surrogate
        b'"note": "\\udfff"',  # a lone low surrogate
        b'"k\\ud800": 1, "note": ""',  # in a key
    ],
)
def test_a_sidecar_with_a_lone_surrogate_opens_read_only(tmp_path, raw_change):
    raw = _sidecar_bytes().replace(b'"note": ""', raw_change, 1)
    parsed = parse_sidecar(raw, "x.txt", name="x.txt.annotations.json")
    assert parsed.annotations is None
    assert parsed.problem == (
        "x.txt.annotations.json: has a lone surrogate (text that is not valid Unicode); "
        "left untouched (read-only)"
    )
    # The store refuses to overwrite it, and says why.
    article = tmp_path / "x.txt"
    article.write_text(TEXT, encoding="utf-8")
    (tmp_path / "x.txt.annotations.json").write_bytes(raw)
    sidecar = open_sidecar(article, TEXT)
    assert sidecar.read_only == parsed.problem
    assert (tmp_path / "x.txt.annotations.json").read_bytes() == raw


def test_json_nested_too_deeply_is_a_problem_not_a_crash():
    raw = b'{"format": "hamish-annotations", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    parsed = parse_sidecar(raw, "x.txt", name="s")
    assert parsed.annotations is None
    assert parsed.problem == "s: not valid JSON (nested too deeply); left untouched (read-only)"


def test_a_newer_version_is_read_when_it_still_reads_as_version_1():
    parsed = parse_sidecar(_sidecar_bytes(version=3, layers=[]), "x.txt", name="s")
    assert parsed.count == 1 and parsed.version == 3
    assert parsed.problem == "s: written by a newer hamish (format version 3); opened read-only"
    assert parsed.annotations is not None and parsed.annotations.extra == {"layers": []}


def test_the_package_lists_each_name_once_in_all_three_places():
    source = Path(annotations.__file__).read_text(encoding="utf-8")
    checked: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    assert annotations._WHERE[alias.name] == statement.module
                    checked.add(alias.name)
    assert checked == set(annotations._WHERE) == set(annotations.__all__)
    for name, module in annotations._WHERE.items():
        assert getattr(annotations, name) is getattr(importlib.import_module(module), name)


def test_submodules_are_reachable_as_attributes_and_script_stays_light():
    probe = (
        "import sys, annotations\n"
        "assert annotations.store.Sidecar and annotations.validate.validate_sidecar\n"
        "try:\n"
        "    annotations.no_such_thing\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
    light = (
        "import sys, annotations.script\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('annotations'))\n"
        "assert loaded == ['annotations', 'annotations.script'], loaded\n"
    )
    subprocess.run([sys.executable, "-c", light], check=True)


@pytest.mark.parametrize(
    ("raw_change", "reason"),
    [
        (b'"note": ""', None),  # unchanged: the control case
        (b'"score": NaN, "note": ""', "NaN is not a JSON number"),
        (b'"score": -Infinity, "note": ""', "-Infinity is not a JSON number"),
        (b'"score": ' + b"9" * 5000 + b', "note": ""', "Exceeds the limit (4300 digits)"),
    ],
)
def test_numbers_json_cannot_hold_make_a_sidecar_read_only(raw_change, reason):
    raw = _sidecar_bytes().replace(b'"note": ""', raw_change, 1)
    parsed = parse_sidecar(raw, "x.txt", name="s")
    if reason is None:
        assert parsed.problem is None and parsed.count == 1
    else:
        assert parsed.annotations is None
        assert parsed.problem is not None and parsed.problem.startswith("s: not valid JSON (")
        assert reason in parsed.problem and parsed.problem.endswith("left untouched (read-only)")


def test_a_fifo_named_like_a_sidecar_is_refused_without_reading_it(tmp_path):
    import os

    from annotations import read_sidecar

    fifo = tmp_path / "x.txt.annotations.json"
    os.mkfifo(fifo)  # opening it for reading would block until a writer came
    parsed = read_sidecar(fifo, "x.txt")
    assert parsed is not None and parsed.annotations is None
    assert parsed.problem == "x.txt.annotations.json: not a regular file, not a sidecar"


def _variants() -> list[tuple[str, bytes]]:
    orphan = make_annotation(TEXT, 4, 10, tags=["claim", "topic/x"])
    base = AnnotationSet.empty("x.txt", TEXT).added(make_annotation(TEXT, 0, 3, tags=["quote"]))
    with_orphan = base.added(orphan).with_document(tags=("doc",)).to_json()
    with_orphan["annotations"][1]["status"] = "orphaned"
    return [
        ("current", _sidecar_bytes()),
        ("orphan and document tags", json.dumps(with_orphan).encode()),
        ("newer, still version 1", _sidecar_bytes(version=7)),
        ("newer, not version 1", _sidecar_bytes(version=7, annotations=5)),
        ("another article's", _sidecar_bytes(document={**base.document.to_json(), "file": "y"})),
        ("not JSON", b'{"format": '),
        ("not UTF-8", b"\xff\xfe{}"),
        ("lone surrogate", _sidecar_bytes().replace(b'"quote"]', b'"\\ud800"]')),
        ("NaN", _sidecar_bytes().replace(b'"start": 0', b'"start": NaN')),
        ("schema broken", _sidecar_bytes(annotations=[{"id": "a"}])),
    ]


@pytest.mark.parametrize(("case", "raw"), _variants(), ids=[c for c, _ in _variants()])
def test_the_listing_summary_says_what_the_parser_says(case, raw):
    from annotations.sidecar import summarize_sidecar_bytes

    name = "x.txt.annotations.json"
    parsed = parse_sidecar(raw, "x.txt", name=name)
    summary = summarize_sidecar_bytes(raw, "x.txt", name=name)
    assert summary.problem == parsed.problem
    assert summary.count == parsed.count
    if parsed.annotations is None:
        assert (summary.orphaned, summary.tags) == (0, ())
    else:
        shown = parsed.annotations
        assert summary.orphaned == sum(a.status == "orphaned" for a in shown.annotations)
        assert summary.tags == (*(a.tags for a in shown.annotations), shown.document.tags)
