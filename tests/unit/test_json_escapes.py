"""JSON hamish writes escapes C1 and bidi controls (as json does C0): exports and --json output.

A terminal shown raw U+009B (CSI) runs an escape sequence; a raw U+202E reorders the
line. Escaped as ``\\uXXXX`` they are harmless, and json.loads gives the same values.
"""

from __future__ import annotations

import json

import pytest

from annotations import AnnotationSet, canonical_json, make_annotation
from annotations.script import BIDI_CONTROLS, C1_CONTROLS, JSON_TERMINAL_ESCAPES
from tests.paths import run_cli as run

# CSI "31m", OSC, an override, an isolate, RLM, ALM, NEL, line separator, DEL.
HOSTILE = "\x9b31m\x9d2;t\x9c\u202e\u2066\u200f\u061c\x85\u2028\x7f"
# Long enough that the few controls do not make the article look binary.
FILLER = " ".join(["وأضاف المتحدث أن الحكومة ستواصل العمل على الإصلاحات"] * 20)
TEXT = f"خبر عاجل\nقال الوزير {HOSTILE} إن الاقتصاد ينمو.\n{FILLER}\n"
NOTE = f"ملاحظة {HOSTILE}"


def _raw_escapes(text: str) -> set[str]:
    return set(text) & JSON_TERMINAL_ESCAPES


def test_the_escaped_set_is_c1_bidi_del_and_the_raw_line_breaks():
    assert C1_CONTROLS <= JSON_TERMINAL_ESCAPES and BIDI_CONTROLS <= JSON_TERMINAL_ESCAPES
    assert {"\x7f", "\u2028", "\u2029", "\x85"} <= JSON_TERMINAL_ESCAPES
    assert not set("\t\n\r ابت") & JSON_TERMINAL_ESCAPES


def test_escape_for_terminals_escapes_each_and_keeps_the_values():
    from annotations.formats.base import encode_json, escape_for_terminals

    plain = encode_json({"text": "سطر\tواحد", "n": 1})
    assert escape_for_terminals(plain) is plain  # the fast path: no copy
    for char in sorted(JSON_TERMINAL_ESCAPES):
        record = {"text": f"a{char}b", char: [char]}
        escaped = escape_for_terminals(encode_json(record))
        assert not _raw_escapes(escaped)
        assert f"\\u{ord(char):04x}" in escaped
        assert json.loads(escaped) == record


def test_encode_json_is_the_json_encoder():
    from annotations.formats.base import encode_json

    for value in [{"a": [1, 2.5, None, True, 'x\n"ب']}, "نص", 3, {"k": {}}, []]:
        assert encode_json(value) == json.JSONEncoder(ensure_ascii=False).encode(value)
    with pytest.raises(TypeError):
        encode_json({"a": object()})


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    # The name carries the controls too: it reaches every report.
    article = folder / f"khabar{HOSTILE}.txt"
    article.write_text(TEXT, encoding="utf-8")
    start = TEXT.index("قال")
    state = AnnotationSet.empty(article.name, TEXT).added(
        make_annotation(TEXT, start, TEXT.index("ينمو"), tags=["quote"], note=NOTE, author="b")
    )
    article.with_name(article.name + ".annotations.json").write_text(
        canonical_json(state), encoding="utf-8"
    )
    return folder


def _holds_hostile(value) -> bool:
    return HOSTILE in json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [("jsonl", []), ("w3c", []), ("w3c", ["--collection"]), ("doccano", []), ("labelstudio", [])],
)
def test_json_exports_escape_the_controls(capsys, library, tmp_path, fmt, extra):
    out = tmp_path / "out" / "export.json"
    out.parent.mkdir()
    code, _, err = run(capsys, "export", "--format", fmt, *extra, "-o", str(out), str(library))
    assert code == 0, err
    written = out.read_text(encoding="utf-8")
    assert not _raw_escapes(written)
    assert "\\u009b" in written and "\\u202e" in written
    if fmt == "labelstudio" or "--collection" in extra:
        values = [json.loads(written)]
    else:
        values = [json.loads(line) for line in written.splitlines() if line.strip()]
    assert any(_holds_hostile(v) for v in values)  # the same values once parsed


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--json"],
        ["stats", "--json", "--by", "article"],
        ["search", "--json"],
    ],
)
def test_json_command_output_escapes_the_controls(capsys, library, args):
    query = ["الوزير"] if args[0] == "search" else []
    code, out, err = run(capsys, *args, str(library), *query)
    assert code == 0, err
    assert not _raw_escapes(out)
    assert "\\u009b" in out
    parsed = (
        [json.loads(line) for line in out.splitlines()]
        if args[0] == "search"
        else [json.loads(out)]
    )
    shown = json.dumps(parsed, ensure_ascii=False)
    assert "\x9b31m" in shown and "\u202e" in shown  # the values survive json.loads


def test_cat_json_escapes_the_controls(capsys, library):
    code, out, err = run(
        capsys, "cat", "--json", "--bidi", "self", str(library / f"khabar{HOSTILE}.txt")
    )
    assert code == 0, err
    assert not _raw_escapes(out)
    assert "\\u009b" in out
    json.loads(out)


def test_import_json_report_escapes_the_controls(capsys, library, tmp_path):
    source = tmp_path / "in.jsonl"
    record = {"document": f"missing{HOSTILE}.txt", "start": 0, "end": 3, "quote": "خبر"}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "import", "--format", "jsonl", "--json", "--root", str(library), str(source)
    )
    assert code == 1  # the record's article is not found: a problem, reported in the JSON
    assert not _raw_escapes(out)
    assert "\x9b31m" in json.dumps(json.loads(out), ensure_ascii=False)
