"""brat and Label Studio exports, checked by parsing their files independently, and round trips."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.formats.base import ExportDocument
from annotations.formats.brat import read_brat, write_brat
from annotations.formats.labelstudio import read_labelstudio, write_labelstudio
from annotations.formats.offsets import OFFSET_UNITS
from annotations.model import Annotation, AnnotationSet, make_annotation, text_sha256
from tests.cli.corpora import span_of

# --------------------------------------------------------------------------- fixtures

ARABIC = "قالَ وزيرُ الماليةِ إنَّ «الاقتصادَ سينمو بنسبةِ 3.2%»\r\nفي عامِ 2024 خلالَ مؤتمرٍ صحفيٍّ.\r\n"
ENGLISH = 'Breaking 😀 news: the 𝐀-team said\n"we will win" today.\nThe coach agreed.\n'
PLAIN = "Markets rose on Monday.\r\nBonds fell.\n"


def _annotation(text: str, quote: str, tags=(), note: str = "", occurrence: int = 0) -> Annotation:
    start, end = span_of(text, quote, occurrence)
    return make_annotation(text, start, end, tags=tags, note=note, author="rana")


def _document(path: str, name: str, text: str, annotations: list[Annotation]) -> ExportDocument:
    annotation_set = AnnotationSet.empty(path, text).with_annotations(annotations)
    return ExportDocument(
        path=path,
        name=name,
        text=text,
        title=f"Title of {name}",
        source="Agency",
        date="2024-04-03",
        sha256=text_sha256(text),
        annotations=annotation_set,
    )


@pytest.fixture
def documents() -> list[ExportDocument]:
    arabic = [
        # tags with "/" and Arabic tag names; a note with a line break
        _annotation(
            ARABIC,
            "الاقتصادَ سينمو",
            tags=["quote", "speaker/official", "موضوع/اقتصاد"],
            note="رقم النمو\nالرسمي",
        ),
        # overlaps the first (crossing) and spans the CRLF line break
        _annotation(ARABIC, "سينمو بنسبةِ 3.2%»\r\nفي عامِ", tags=["topic/economy"]),
        # nested inside the first line, Arabic tag only
        _annotation(ARABIC, "وزيرُ الماليةِ", tags=["موضوع/أمن"]),
        # untagged, with harakat
        _annotation(ARABIC, "صحفيٍّ"),
        # an orphan: never exported as a span
        replace(_annotation(ARABIC, "قالَ"), status="orphaned"),
    ]
    english = [
        _annotation(ENGLISH, "news", tags=["topic"]),  # after an emoji
        _annotation(ENGLISH, "😀 news", tags=["emoji"], note="with\r\nCRLF note"),  # emoji inside
        _annotation(ENGLISH, "𝐀-team", tags=["entity/org"]),  # math letter inside
        _annotation(ENGLISH, 'said\n"we will win"', tags=["quote"]),  # spans an LF break
        # a second annotation on exactly the same span as the first, other tag
        _annotation(ENGLISH, "news", tags=["speaker/official"]),
        # tags that collide once made brat-safe, and one that is brat's own word
        _annotation(ENGLISH, "coach", tags=["a/b", "a-b", "Span"]),
    ]
    plain = [_annotation(PLAIN, "Bonds fell.", tags=["markets"], note="short")]
    return [
        _document("news/2024/budget.txt", "budget", ARABIC, arabic),
        _document("news/2024/team.txt", "team", ENGLISH, english),
        _document("plain.txt", "plain", PLAIN, plain),
    ]


def _expected(documents: list[ExportDocument], *, brat: bool) -> dict[str, Counter]:
    """(start, end, quote, tags, note) per placed annotation (brat keeps a note's line
    breaks in hamish-fields.jsonl, its AnnotatorNotes line has none)."""
    expected: dict[str, Counter] = {}
    for document in documents:
        rows = Counter()
        for a in document.placed():
            note = a.note
            rows[(a.start, a.end, a.quote, tuple(a.tags), note)] += 1
        expected[document.path] = rows
    return expected


def _got(imported) -> dict[str, Counter]:
    got: dict[str, Counter] = {}
    for a in imported:
        got.setdefault(a.document, Counter())[(a.start, a.end, a.quote, a.tags, a.note)] += 1
    return got


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Independent reference: text[start:end] cut at \\r\\n, \\n and \\r, empty pieces dropped."""
    pieces, position = [], start
    index = start
    while index < end:
        if text[index] in "\r\n":
            if index > position:
                pieces.append((position, index))
            index += 2 if text[index : index + 2] == "\r\n" else 1
            position = index
        else:
            index += 1
    if end > position:
        pieces.append((position, end))
    return pieces


# --------------------------------------------------------------------------- brat


def _conf_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header = re.fullmatch(r"\s*\[(.+)\]\s*", line)
        if header:
            current = header.group(1)
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def _ann_lines(path: Path) -> tuple[list[tuple[str, str, list[tuple[int, int]], str]], dict]:
    """T lines as (id, type, fragments, text) and notes as {T id: note}."""
    t_lines, notes = [], {}
    with open(path, encoding="utf-8", newline="") as handle:
        content = handle.read()
    assert "\r" not in content
    for line in content.split("\n"):
        if not line:
            continue
        ident, data, tail = line.split("\t")
        if ident.startswith("T"):
            type_name, offsets = data.split(" ", 1)
            fragments = [tuple(map(int, part.split(" "))) for part in offsets.split(";")]
            t_lines.append((ident, type_name, fragments, tail))
        else:
            assert re.fullmatch(r"#\d+", ident)
            kind, target = data.split(" ")
            assert kind == "AnnotatorNotes"
            notes[target] = tail
    return t_lines, notes


def test_brat_files(documents, tmp_path):
    report = write_brat(documents, tmp_path)
    assert report.documents == 3
    assert report.records == sum(len(d.placed()) for d in documents) == 11

    labels = dict(
        (part.strip() for part in line.split("|", 1))
        for line in _conf_sections(tmp_path / "visual.conf")["labels"]
    )
    for type_name in labels:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", type_name)
    assert len(set(labels.values())) == len(labels)

    types_used = set()
    for document in documents:
        # the text exactly, CRLF kept
        assert (tmp_path / f"{document.name}.txt").read_bytes() == document.text.encode("utf-8")
        with open(tmp_path / f"{document.name}.txt", encoding="utf-8", newline="") as handle:
            txt = handle.read()
        t_lines, notes = _ann_lines(tmp_path / f"{document.name}.ann")
        seen = Counter()
        for ident, type_name, fragments, tail in t_lines:
            types_used.add(type_name)
            texts = [txt[s:e] for s, e in fragments]
            assert tail == " ".join(texts)
            for piece in texts:
                assert piece and not re.search("[\r\n\u2028\u2029\x85]", piece)
            for (_, e1), (s2, _) in itertools.pairwise(fragments):
                assert e1 < s2  # brat refuses touching or overlapping fragments
            tag = None if type_name == "Span" else labels[type_name]
            seen[(tuple(fragments), tag, notes.get(ident))] += 1
        expected = Counter()
        for a in document.placed():
            fragments = tuple(_pieces(document.text, a.start, a.end))
            assert " ".join(document.text[s:e] for s, e in fragments) == " ".join(
                p for p in re.split(r"\r\n|[\r\n]", a.quote) if p
            )
            note = re.sub(r"\r\n|[\r\n]", " ", a.note) or None
            for index, tag in enumerate(a.tags or (None,)):
                expected[(fragments, tag, note if index == 0 else None)] += 1
        assert seen == expected

    # the fragments of the quote across CRLF and LF
    arabic_lines, _ = _ann_lines(tmp_path / "budget.ann")
    assert any(len(fragments) == 2 for _, _, fragments, _ in arabic_lines)
    conf = _conf_sections(tmp_path / "annotation.conf")
    assert set(conf["entities"]) == types_used
    assert {"relations", "events", "attributes"} <= set(conf)
    assert set(labels) == types_used - {"Span"}
    assert labels["speaker-official"] == "speaker/official"
    assert "موضوع/أمن" in labels.values() and "Span" in labels.values()
    drawing = {line.split("\t")[0] for line in _conf_sections(tmp_path / "visual.conf")["drawing"]}
    assert types_used <= drawing


def test_brat_warnings(documents, tmp_path):
    report = write_brat(documents, tmp_path)
    assert "news/2024/budget.txt: 1 orphaned annotations not exported" in report.warnings
    assert (
        "news/2024/team.txt: non-BMP characters; brat offsets are code points, "
        "tools counting UTF-16 will be off"
    ) in report.warnings
    assert not any(w.startswith("news/2024/budget.txt: non-BMP") for w in report.warnings)
    assert not any(w.startswith("plain.txt") for w in report.warnings)


def test_brat_round_trip(documents, tmp_path):
    write_brat(documents, tmp_path)
    imported = list(read_brat(tmp_path))
    assert _got(imported) == _expected(documents, brat=True)
    ids = {a.id for a in imported}
    assert ids == {a.id for d in documents for a in d.placed()}


def test_brat_without_hamish_files(documents, tmp_path):
    """Without hamish-ids.tsv identical spans merge; without hamish-documents.tsv, NAME."""
    write_brat(documents, tmp_path)
    (tmp_path / "hamish-ids.tsv").unlink()
    (tmp_path / "hamish-documents.tsv").unlink()
    imported = [a for a in read_brat(tmp_path) if a.document == "team"]
    news = span_of(ENGLISH, "news")
    merged = [a for a in imported if (a.start, a.end) == news]
    assert len(merged) == 1 and set(merged[0].tags) == {"topic", "speaker/official"}
    assert all(a.id is None for a in imported)
    assert {a.document for a in read_brat(tmp_path)} == {"budget", "team", "plain"}


def test_brat_empty_document(tmp_path):
    empty = _document("empty.txt", "empty", "", [])
    report = write_brat([empty], tmp_path)
    assert report.documents == 1 and report.records == 0
    assert (tmp_path / "empty.ann").read_bytes() == b""
    assert list(read_brat(tmp_path)) == []


def test_read_foreign_brat(tmp_path):
    text = "\ufeffAlice met Bob\nin Paris.\n"
    (tmp_path / "doc1.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "doc1.ann").write_text(
        "T1\tPerson 1 6\tAlice\n"
        "T2\tPerson 11 14\tBob\n"
        "T3\tLocation 11 14;15 17\tBob in\n"
        "T4\tSpan 18 23\tParis\n"
        "R1\tMeets Arg1:T1 Arg2:T2\t\n"
        "A1\tNegated T1\n"
        "#1\tAnnotatorNotes T2\tthe other one\n",
        encoding="utf-8",
    )
    (tmp_path / "visual.conf").write_text("[labels]\nPerson | Human being | Per\n")
    got = {(a.start, a.end): a for a in read_brat(tmp_path)}
    # the BOM is counted by brat, not by hamish
    assert got[(0, 5)].quote == "Alice" and got[(0, 5)].tags == ("Person",)
    assert got[(10, 13)].note == "the other one"
    assert got[(10, 16)].quote == "Bob\nin" and got[(10, 16)].tags == ("Location",)
    # not written by hamish: "Span" is a tag, visual.conf labels are not tags
    assert got[(17, 22)].tags == ("Span",)
    assert all(a.document == "doc1" and a.id is None for a in got.values())


def test_read_brat_errors(tmp_path):
    (tmp_path / "x.txt").write_text("short", encoding="utf-8")
    (tmp_path / "x.ann").write_text("T1\tThing 0 99\tshort\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.ann:1: offsets 0 99 lie outside"):
        list(read_brat(tmp_path))
    (tmp_path / "x.ann").write_text("T1\tThing zero 5\tshort\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.ann:1"):
        list(read_brat(tmp_path))
    (tmp_path / "x.txt").unlink()
    with pytest.raises(ValueError, match=r"no x\.txt"):
        list(read_brat(tmp_path))


def test_brat_line_break_only_annotation(tmp_path):
    text = "one\r\n\u2028two"
    annotations = [
        make_annotation(text, 3, 6),  # only line breaks
        make_annotation(text, 0, 9, tags=["all"]),  # across CRLF and U+2028
    ]
    report = write_brat([_document("x.txt", "x", text, annotations)], tmp_path)
    assert report.records == 1
    assert any("has no text outside line breaks" in w for w in report.warnings)
    t_lines, _ = _ann_lines(tmp_path / "x.ann")
    assert [fragments for _, _, fragments, _ in t_lines] == [[(0, 3), (6, 9)]]


# --------------------------------------------------------------------------- Label Studio


def _tasks(path: Path) -> list[dict]:
    raw = path.read_text(encoding="utf-8")
    assert raw.startswith("[") and raw.rstrip().endswith("]")
    tasks = json.loads(raw)
    assert isinstance(tasks, list)
    return tasks


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_labelstudio_file(documents, tmp_path, offsets):
    out = tmp_path / "tasks.json"
    report = write_labelstudio(documents, out, offsets=offsets)
    assert report.documents == 3 and report.records == 11
    tasks = _tasks(out)
    assert len(tasks) == 3
    for task, document in zip(tasks, documents, strict=True):
        data = task["data"]
        assert data == {
            "text": document.text,
            "document": document.path,
            "title": document.title,
            "source": document.source,
            "date": document.date,
            "sha256": document.sha256,
            "hamish": data["hamish"],  # what Label Studio has no place for (checked below)
        }
        assert set(data["hamish"]["annotations"]) <= {a.id for a in document.placed()}
        assert data["hamish"]["document_tags"] == list(document.annotations.document.tags)
        assert "annotations" not in task
        (prediction,) = task["predictions"]
        assert prediction["model_version"] == "hamish"
        results = prediction["result"]
        utf16 = data["text"].encode("utf-16-le")
        labels = [r for r in results if r["type"] == "labels"]
        for r in results:
            assert r["to_name"] == "text"
            start, end = r["value"]["start"], r["value"]["end"]
            if offsets == "utf16":
                sliced = utf16[2 * start : 2 * end].decode("utf-16-le")
            else:
                sliced = data["text"][start:end]
            if r["type"] == "labels":
                assert r["from_name"] == "label"
                assert sliced == r["value"]["text"]
                assert len(r["value"]["labels"]) == 1
        expected_ids = Counter()
        for a in document.placed():
            for index, tag in enumerate(a.tags or ("Span",)):
                expected_ids[(f"{a.id}-{index}", tag, a.quote)] += 1
        assert (
            Counter((r["id"], r["value"]["labels"][0], r["value"]["text"]) for r in labels)
            == expected_ids
        )
        notes = {r["id"]: r for r in results if r["type"] == "textarea"}
        assert notes.keys() == {f"{a.id}-0" for a in document.placed() if a.note}
        for a in document.placed():
            if a.note:
                note = notes[f"{a.id}-0"]
                assert note["from_name"] == "note" and note["value"]["text"] == [a.note]
                region = next(r for r in labels if r["id"] == f"{a.id}-0")
                assert (note["value"]["start"], note["value"]["end"]) == (
                    region["value"]["start"],
                    region["value"]["end"],
                )


def test_labelstudio_units_differ_after_non_bmp(documents, tmp_path):
    write_labelstudio(documents, tmp_path / "cp.json")
    write_labelstudio(documents, tmp_path / "u16.json", offsets="utf16")
    team_cp = _tasks(tmp_path / "cp.json")[1]["predictions"][0]["result"]
    team_u16 = _tasks(tmp_path / "u16.json")[1]["predictions"][0]["result"]
    start = span_of(ENGLISH, "news")[0]
    news_cp = next(r for r in team_cp if r["value"].get("text") == "news")
    news_u16 = next(r for r in team_u16 if r["value"].get("text") == "news")
    assert news_cp["value"]["start"] == start
    assert news_u16["value"]["start"] == start + 1  # 😀 is two UTF-16 units
    # the Arabic text has no non-BMP characters: both files agree
    assert _tasks(tmp_path / "cp.json")[0] == _tasks(tmp_path / "u16.json")[0]


def test_labelstudio_label_config(documents, tmp_path):
    write_labelstudio(documents, tmp_path / "out.json")
    root = ET.parse(tmp_path / "label_config.xml").getroot()
    assert root.tag == "View"
    (labels,) = root.findall("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    values = [label.get("value") for label in labels.findall("Label")]
    used = {tag for d in documents for a in d.placed() for tag in a.tags} | {"Span"}
    assert sorted(values) == sorted(used)
    assert "موضوع/أمن" in values and "speaker/official" in values
    (text,) = root.findall("Text")
    assert text.get("name") == "text" and text.get("value") == "$text"
    (area,) = root.findall("TextArea")
    assert area.get("name") == "note" and area.get("toName") == "text"
    assert area.get("perRegion") == "true"


def test_labelstudio_label_config_escapes(tmp_path):
    text = "a & b"
    annotation = make_annotation(text, 0, 5, tags=['<x> & "y"'])
    write_labelstudio([_document("e.txt", "e", text, [annotation])], tmp_path / "o.json")
    root = ET.parse(tmp_path / "label_config.xml").getroot()
    assert [label.get("value") for label in root.iter("Label")] == ['<x> & "y"']


def test_labelstudio_as_annotations(documents, tmp_path):
    write_labelstudio(documents, tmp_path / "o.json", as_annotations=True)
    for task in _tasks(tmp_path / "o.json"):
        assert "predictions" not in task
        (annotation,) = task["annotations"]
        assert isinstance(annotation["result"], list)
    assert _got(read_labelstudio(tmp_path / "o.json")) == _expected(documents, brat=False)


def test_labelstudio_warnings(documents, tmp_path):
    report = write_labelstudio(documents, tmp_path / "o.json")
    assert "news/2024/budget.txt: 1 orphaned annotations not exported" in report.warnings
    assert any(w.startswith("news/2024/team.txt: non-BMP characters") for w in report.warnings)
    assert not any(w.startswith("plain.txt") for w in report.warnings)


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_labelstudio_round_trip(documents, tmp_path, offsets):
    write_labelstudio(documents, tmp_path / "o.json", offsets=offsets)
    imported = list(read_labelstudio(tmp_path / "o.json"))
    assert _got(imported) == _expected(documents, brat=False)
    assert {a.id for a in imported} == {a.id for d in documents for a in d.placed()}
    # and with the unit named instead of detected
    assert _got(read_labelstudio(tmp_path / "o.json", offsets=offsets)) == _got(imported)


def test_labelstudio_empty_export(tmp_path):
    report = write_labelstudio([], tmp_path / "o.json")
    assert report.documents == 0 and _tasks(tmp_path / "o.json") == []
    assert list(read_labelstudio(tmp_path / "o.json")) == []


def test_read_labelstudio_export(tmp_path):
    """A Label Studio "JSON" export: annotations and predictions, LS ids, a per-region note."""
    text = "💩This is an annotation. 🐱 Warning:\n🐱 This is a test"
    tasks = [
        {
            "id": 17,
            "data": {"text": text},
            "annotations": [
                {
                    "id": 3,
                    "completed_by": {"id": 1, "email": "rana@example.org"},
                    "was_cancelled": False,
                    "result": [
                        # an older release: UTF-16 offsets ("annotation" is 12..22 in code points)
                        {
                            "id": "K-UimKZwcE",
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "value": {
                                "start": 13,
                                "end": 23,
                                "text": "annotation",
                                "labels": ["A"],
                            },
                        },
                        {
                            "id": "note1",
                            "from_name": "comment",
                            "to_name": "text",
                            "type": "textarea",
                            "value": {"start": 13, "end": 23, "text": ["first", "second"]},
                        },
                        # a current release: code points, line break escaped in value.text
                        {
                            "id": "5n2MsvFQur",
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "value": {
                                "start": 26,
                                "end": 51,
                                "text": "Warning:\\n🐱 This is a test",
                                "labels": ["B", "C"],
                            },
                        },
                        {"id": "c1", "type": "choices", "value": {"choices": ["x"]}},
                    ],
                },
                {"id": 4, "was_cancelled": True, "result": [{"id": "zz", "type": "labels"}]},
            ],
            "predictions": [
                {
                    "model_version": "m",
                    "result": [
                        {
                            "id": "p",
                            "type": "labels",
                            "value": {"start": 0, "end": 1, "labels": ["P"]},
                        }
                    ],
                }
            ],
        },
        {
            "id": 18,
            "data": {"text": "abc"},
            "predictions": [
                {
                    "result": [
                        {
                            "id": "q",
                            "type": "labels",
                            "value": {"start": 1, "end": 2, "labels": ["Span"]},
                        }
                    ]
                }
            ],
        },
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    got = list(read_labelstudio(path))
    assert [(a.document, a.start, a.end, a.quote, a.tags, a.note, a.author) for a in got] == [
        ("17", 12, 22, "annotation", ("A",), "first\nsecond", "rana@example.org"),
        ("17", 26, 51, "Warning:\n🐱 This is a test", ("B", "C"), "", "rana@example.org"),
        # not written by hamish: "Span" is a tag
        ("18", 1, 2, "b", ("Span",), "", ""),
    ]
    assert all(a.id is None for a in got)


def test_read_labelstudio_errors(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a Label Studio JSON export"):
        list(read_labelstudio(path))
    path.write_text(
        json.dumps(
            [
                {
                    "data": {"text": "ab"},
                    "annotations": [
                        {
                            "result": [
                                {
                                    "id": "r",
                                    "type": "labels",
                                    "value": {"start": 1, "end": 9, "labels": ["x"]},
                                }
                            ]
                        }
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="lies outside the text"):
        list(read_labelstudio(path))


def test_brat_label_with_bar(tmp_path):
    text = "x y"
    annotation = make_annotation(text, 0, 1, tags=["a|b"])
    report = write_brat([_document("x.txt", "x", text, [annotation])], tmp_path)
    assert any("'a|b' written as 'a¦b'" in w for w in report.warnings)
    assert _conf_sections(tmp_path / "visual.conf")["labels"] == ["tag_1 | a¦b"]
    assert [a.tags for a in read_brat(tmp_path)] == [("a¦b",)]


def test_labelstudio_single_span_tag_warns(tmp_path):
    text = "x y"
    annotations = [make_annotation(text, 0, 1, tags=["Span"]), make_annotation(text, 2, 3)]
    report = write_labelstudio([_document("x.txt", "x", text, annotations)], tmp_path / "o.json")
    assert any("single tag 'Span'" in w for w in report.warnings)
    assert [a.tags for a in read_labelstudio(tmp_path / "o.json")] == [(), ()]


def test_labelstudio_offset_units_are_the_converters(tmp_path):
    units = ", ".join(OFFSET_UNITS)
    with pytest.raises(ValueError, match=rf"^offsets must be one of {units}, not 'bytes'$"):
        write_labelstudio([], tmp_path / "o.json", offsets="bytes")
    with pytest.raises(ValueError, match=rf"^offsets must be one of auto, {units}, not 'bytes'$"):
        list(read_labelstudio(tmp_path / "o.json", offsets="bytes"))
    text = "x 😀 y"
    document = _document("x.txt", "x", text, [make_annotation(text, 4, 5)])
    for unit in OFFSET_UNITS:
        write_labelstudio([document], tmp_path / f"{unit}.json", offsets=unit)
        (read,) = read_labelstudio(tmp_path / f"{unit}.json", offsets=unit)
        assert (read.start, read.end, read.quote) == (4, 5, "y")


def test_labelstudio_offsets_argument(tmp_path):
    with pytest.raises(ValueError, match="offsets must be one of"):
        write_labelstudio([], tmp_path / "o.json", offsets="bytes")
    with pytest.raises(ValueError, match="offsets must be one of"):
        list(read_labelstudio(tmp_path / "o.json", offsets="bytes"))
