"""The streaming export formats (jsonl, csv, W3C, doccano, CoNLL) and their importers.

Every output is parsed here with ``json`` / ``csv`` / plain string handling, never with
the module's own reader, and checked against the fixture texts: offsets in each
format's unit must slice the article to the quote.
"""

from __future__ import annotations

import csv
import io
import json
import re
import weakref
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from annotations.formats.base import ExportDocument
from annotations.formats.conll import DOCSTART, write_conll
from annotations.formats.csv_format import COLUMNS, write_csv
from annotations.formats.doccano import read_doccano, write_doccano
from annotations.formats.jsonl import read_jsonl, write_jsonl
from annotations.formats.w3c import read_w3c, write_w3c
from annotations.model import (
    Annotation,
    AnnotationSet,
    DocumentInfo,
    make_annotation,
    text_sha256,
)
from tests.cli.corpora import span_of

# --------------------------------------------------------------------------------------------
# Fixtures: three realistic articles and one without annotations

ARABIC = (
    "قال وزيرُ الماليةِ إنَّ «الاقتصادَ سينمو بنسبة 3.2% في 2024» خلال مؤتمرٍ صحفيٍّ.\r\n"
    "وأضاف: لا بديلَ عن الإصلاح، لأنَّ الأمنَ الاقتصاديَّ أولويةٌ للإسلام والسلام.\r\n"
    "\r\n"
    "الفقرة الثالثة: «لا» للحرب.\r\n"
)
ENGLISH = (
    "The IMF said growth fell -5% in 2023.\n"
    "Analysts typed =SUM(A1:A9) and @cmd into the sheet.\n"
    "Nothing else happened.\n"
    "Odd separators: line\u2028separator, next\x85line,\u2029paragraph separator.\n"
)

EMOJI = "😀 Hello 𝐀𝐁 world 😀 and مرحبا 👍🏽 end.\nSecond line with 😀😀 growth of 𝟓% here.\n"
PLAIN = "No annotations here.\n"

NOTE = 'رقم "رسمي"، يحتاج\nإلى تحقق\r\nو"quotes", commas'


def _make(text: str, quote: str, **kwargs) -> Annotation:
    start, end = span_of(text, quote)
    return make_annotation(text, start, end, author=kwargs.pop("author", "rana"), **kwargs)


def _document(path: str, text: str, annotations, *, title: str, **fields) -> ExportDocument:
    info = DocumentInfo.for_text(path, text)
    info = DocumentInfo(
        file=info.file,
        sha256=info.sha256,
        length=info.length,
        tags=fields.pop("document_tags", ()),
        note=fields.pop("document_note", ""),
    )
    return ExportDocument(
        path=path,
        name=Path(path).stem,
        text=text,
        title=title,
        source=fields.get("source"),
        date=fields.get("date"),
        sha256=text_sha256(text),
        annotations=AnnotationSet(document=info, annotations=tuple(annotations)),
    )


def build_documents() -> list[ExportDocument]:
    arabic = [
        _make(
            ARABIC,
            "الاقتصادَ سينمو بنسبة 3.2% في 2024",
            tags=["اقتباس", "متحدث/رسمي", "topic/economy"],
            note=NOTE,
        ),
        _make(ARABIC, "سينمو بنسبة", tags=["رقم"]),  # inside the first: overlapping
        _make(ARABIC, "مؤتمرٍ صحفيٍّ.\r\nوأضاف: لا بديلَ", tags=["خطاب/سياسي"]),  # multi-line
        _make(ARABIC, "لأنَّ الأمنَ"),  # untagged, lam-alef
        Annotation(
            id="0rphan0000000001",
            start=5,
            end=13,
            quote="نص محذوف",
            prefix="قبل ",
            suffix=" بعد",
            tags=("قديم",),
            note="lost",
            author="rana",
            created="2023-01-01T00:00:00Z",
            modified="2023-01-02T00:00:00Z",
            status="orphaned",
        ),
    ]
    english = [
        _make(ENGLISH, "growth fell -5%", tags=["claim"], note="-5% is the headline"),
        _make(ENGLISH, "-5%", tags=["figure"], note="@cmd /c calc"),  # overlaps the claim
        _make(ENGLISH, "=SUM(A1:A9)", tags=["+formula"], author="=evil()"),
        _make(ENGLISH, "@cmd", tags=["-5%"]),
        _make(ENGLISH, "line\u2028separator, next\x85line,\u2029paragraph", tags=["odd"]),
    ]
    emoji = [
        _make(EMOJI, "𝐀𝐁 world 😀", tags=["greeting/فخم"]),  # non-BMP before and inside
        # Two identical spans: the tie is broken by id (a random one made the conll and
        # doccano warnings name either), so these two have fixed ids, the tagged one first.
        _make(EMOJI, "مرحبا 👍🏽", tags=["تحية"], id="0000000000000001"),
        _make(EMOJI, "مرحبا 👍🏽", note="same span, no tag", id="0000000000000002"),
        _make(EMOJI, "growth of 𝟓%", tags=["figure"]),
    ]
    return [
        _document(
            "news/ar/budget.txt",
            ARABIC,
            arabic,
            title="الموازنة العامة",
            source="وكالة الأنباء",
            date="2024-04-03",
            document_tags=("topic/economy", "بلد/مصر"),
            document_note="مقال مهم",
        ),
        _document(
            "news/en/imf report.txt",
            ENGLISH,
            english,
            title='=HYPERLINK("http://evil.example","click")',
            source="@Reuters",
            date=None,
        ),
        _document("news/mixed/emoji.txt", EMOJI, emoji, title="Emoji 😀", source=None),
        _document("news/plain.txt", PLAIN, [], title="Plain", source="x", date="2024-01-01"),
    ]


@pytest.fixture
def documents() -> list[ExportDocument]:
    return build_documents()


def _by_path(documents):
    return {d.path: d for d in documents}


def _placed(documents):
    return [(d, a) for d in documents for a in d.annotations.annotations if a.status != "orphaned"]


def _key(document: str, start, end, quote, tags, note):
    return (document, start, end, quote, tuple(tags), note)


def _expected(documents, *, orphans: bool = False) -> list[tuple]:
    return sorted(
        _key(d.path, a.start, a.end, a.quote, a.tags, a.note)
        for d in documents
        for a in d.annotations.annotations
        if orphans or a.status != "orphaned"
    )


def _imported_keys(imported) -> list[tuple]:
    return sorted(_key(i.document, i.start, i.end, i.quote, i.tags, i.note) for i in imported)


def test_fixture_is_what_it_claims(documents):
    assert re.search("[\U00010000-\U0010ffff]", EMOJI)
    assert "\r\n" in ARABIC and re.search("[\u064b-\u0652]", ARABIC)  # CRLF, harakat
    assert all(lam_alef in ARABIC for lam_alef in ("لا", "لأ", "لإ"))
    for doc, a in _placed(documents):
        assert doc.text[a.start : a.end] == a.quote
    multi = [a for _, a in _placed(documents) if "\r\n" in a.quote]
    assert multi


# --------------------------------------------------------------------------------------------
# JSON Lines

JSONL_KEYS = [
    "id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "tags",
    "note",
    "author",
    "created",
    "modified",
    "status",
    "document",
    "title",
    "source",
    "date",
    "sha256",
    "document_tags",
    "document_note",
]


def test_jsonl_records(documents, tmp_path):
    path = tmp_path / "out.jsonl"
    with open(path, "w", encoding="utf-8", newline="") as out:
        report = write_jsonl(iter(documents), out)
    raw = path.read_text(encoding="utf-8")
    assert "الاقتصادَ" in raw and "\\u06" not in raw  # Arabic written as is
    lines = raw.split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    total = sum(len(d.annotations) for d in documents)
    assert report.documents == 4 and report.records == total == len(records)
    docs = _by_path(documents)
    for record in records:
        assert list(record) == JSONL_KEYS
        doc = docs[record["document"]]
        assert record["title"] == doc.title
        assert record["source"] == doc.source and record["date"] == doc.date
        assert record["sha256"] == doc.sha256 == text_sha256(doc.text)
        assert record["document_tags"] == list(doc.annotations.document.tags)
        if record["status"] != "orphaned":
            assert doc.text[record["start"] : record["end"]] == record["quote"]
    orphan = next(r for r in records if r["status"] == "orphaned")
    assert (orphan["start"], orphan["end"], orphan["quote"]) == (5, 13, "نص محذوف")
    noted = next(r for r in records if r["note"] == NOTE)
    assert noted["tags"] == ["اقتباس", "متحدث/رسمي", "topic/economy"]
    # The same as json.dumps of the whole record.
    assert lines[0] == json.dumps(records[0], ensure_ascii=False)


def test_jsonl_round_trip(documents):
    out = io.StringIO()
    write_jsonl(documents, out)
    imported = list(read_jsonl(io.StringIO(out.getvalue())))
    assert _imported_keys(imported) == _expected(documents, orphans=True)
    orphan = next(i for i in imported if i.id == "0rphan0000000001")
    assert orphan.extra["status"] == "orphaned" and orphan.author == "rana"
    assert orphan.created == "2023-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"document": "x", "quote": "a", "start": 0, "end": 1}', "{not json"], "line 2: "),
        (["", '{"quote": "a", "start": 0, "end": 1}'], "line 2: missing 'document'"),
        (['{"document": "x", "start": 0, "end": 1}'], "line 1: missing 'quote'"),
        (['{"document": "x", "quote": "a", "start": 0}'], "line 1: 'start' and 'end'"),
        (['{"document": "x", "quote": "a", "start": 2, "end": 1}'], "line 1: 'start' 2"),
        (['{"document": "x", "quote": "a", "tags": "t"}'], "line 1: 'tags'"),
        (["[1, 2]"], "line 1: expected a JSON object"),
    ],
)
def test_jsonl_reader_errors(lines, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        list(read_jsonl(lines))


def test_jsonl_reader_quote_only():
    (imported,) = read_jsonl(["\n", '{"document": "x.txt", "quote": "قال"}\n', "  \n"])
    assert (imported.start, imported.end, imported.quote) == (None, None, "قال")


# --------------------------------------------------------------------------------------------
# CSV


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("excel", [False, True])
def test_csv_rows_and_bom(documents, tmp_path, excel):
    path = tmp_path / "out.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        report = write_csv(iter(documents), out, excel=excel, raw=True)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == excel
    assert data.count(b"\xef\xbb\xbf") == int(excel)
    assert data.endswith(b"\r\n")
    rows = _csv_rows(path)
    assert tuple(rows[0]) == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    expected_rows = sum(max(1, len(a.tags)) for d in documents for a in d.annotations.annotations)
    assert report.records == len(body) == expected_rows
    docs = _by_path(documents)
    for row in body:
        doc = docs[row["document"]]
        assert row["sha256"] == doc.sha256 and row["title"] == doc.title
        assert row["source"] == (doc.source or "") and row["date"] == (doc.date or "")
        if row["status"] != "orphaned":
            assert doc.text[int(row["start"]) : int(row["end"])] == row["quote"]
    # One row per tag, Arabic and "/" intact; the untagged annotation has one empty tag.
    first = [r for r in body if r["note"] == NOTE]
    assert [r["tag"] for r in first] == ["اقتباس", "متحدث/رسمي", "topic/economy"]
    assert [r["tag"] for r in body if r["quote"] == "لأنَّ الأمنَ"] == [""]
    multi = next(r for r in body if r["tag"] == "خطاب/سياسي")
    assert "\r\n" in multi["quote"]
    assert any(r["status"] == "orphaned" and r["quote"] == "نص محذوف" for r in body)


def test_csv_formula_injection(documents, tmp_path):
    safe_path, raw_path = tmp_path / "safe.csv", tmp_path / "raw.csv"
    with open(safe_path, "w", encoding="utf-8", newline="") as out:
        write_csv(documents, out)
    with open(raw_path, "w", encoding="utf-8", newline="") as out:
        write_csv(documents, out, raw=True)
    safe, raw = _csv_rows(safe_path), _csv_rows(raw_path)
    assert len(safe) == len(raw)
    risky = re.compile(r"^[=+\-@\t\r]")
    for safe_row, raw_row in zip(safe[1:], raw[1:], strict=True):
        for column, safe_cell, raw_cell in zip(COLUMNS, safe_row, raw_row, strict=True):
            if column in ("start", "end"):
                assert safe_cell == raw_cell and safe_cell.isdigit()
            elif risky.match(raw_cell):
                assert safe_cell == "'" + raw_cell
            else:
                assert safe_cell == raw_cell
            assert not risky.match(safe_cell)
    cells = {cell for row in safe for cell in row}
    raw_cells = {cell for row in raw for cell in row}
    for value in ("=SUM(A1:A9)", "@cmd", "-5%", "+formula", "=evil()", "@Reuters", "@cmd /c calc"):
        assert value in raw_cells and "'" + value in cells and value not in cells
    assert '=HYPERLINK("http://evil.example","click")' in raw_cells
    assert "-5% is the headline" in raw_cells and "'-5% is the headline" in cells


# --------------------------------------------------------------------------------------------
# W3C Web Annotation

ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"
ANNOTATION_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "motivation", "target"],
    "properties": {
        "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
        "id": {"type": "string", "pattern": "^urn:hamish:[0-9a-f]{64}:[^\\s]+$"},
        "type": {"const": "Annotation"},
        "motivation": {"enum": ["highlighting", "tagging", "commenting"]},
        "created": {"type": "string", "pattern": ISO},
        "modified": {"type": "string", "pattern": ISO},
        "creator": {
            "type": "object",
            "required": ["type", "name"],
            "properties": {"type": {"const": "Person"}, "name": {"type": "string"}},
        },
        "body": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["type", "purpose", "value"],
                "properties": {
                    "type": {"const": "TextualBody"},
                    "purpose": {"enum": ["tagging", "commenting"]},
                    "value": {"type": "string"},
                    "format": {"const": "text/plain"},
                },
            },
        },
        "target": {
            "type": "object",
            "required": ["source", "selector"],
            "properties": {
                "source": {"type": "string", "minLength": 1},
                "selector": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["type", "exact"],
                                "additionalProperties": False,
                                "properties": {
                                    "type": {"const": "TextQuoteSelector"},
                                    "exact": {"type": "string"},
                                    "prefix": {"type": "string"},
                                    "suffix": {"type": "string"},
                                },
                            },
                            {
                                "type": "object",
                                "required": ["type", "start", "end"],
                                "additionalProperties": False,
                                "properties": {
                                    "type": {"const": "TextPositionSelector"},
                                    "start": {"type": "integer", "minimum": 0},
                                    "end": {"type": "integer", "minimum": 0},
                                },
                            },
                        ]
                    },
                },
            },
        },
    },
}
LINE_SCHEMA = {"allOf": [ANNOTATION_SCHEMA, {"required": ["@context"]}]}
ITEM_SCHEMA = {"allOf": [ANNOTATION_SCHEMA, {"not": {"required": ["@context"]}}]}
COLLECTION_SCHEMA = {
    "type": "object",
    "required": ["@context", "id", "type", "first", "total"],
    "properties": {
        "@context": {"const": "http://www.w3.org/ns/anno.jsonld"},
        "id": {"type": "string", "minLength": 1},
        "type": {"const": "AnnotationCollection"},
        "total": {"type": "integer", "minimum": 0},
        "first": {
            "type": "object",
            "required": ["id", "type", "items"],
            "properties": {
                "type": {"const": "AnnotationPage"},
                "items": {"type": "array", "items": ITEM_SCHEMA},
            },
        },
    },
}


def _check_w3c_annotation(annotation: dict, docs: dict[str, ExportDocument]) -> None:
    target = annotation["target"]
    doc = docs[target["hamish"]["document"]]
    assert target["source"] == doc.url or f"urn:hamish:sha256:{doc.sha256}"
    info = doc.annotations.document
    assert target["hamish"] == {
        "document": doc.path,
        "title": doc.title,
        "source": doc.source,
        "date": doc.date,
        "sha256": doc.sha256,
        **({"url": doc.url} if doc.url else {}),
        "document_tags": list(info.tags),
        "document_note": info.note,
        **({"document_state": info.state.to_json()} if info.state else {}),
    }
    assert annotation["id"].startswith(f"urn:hamish:{doc.sha256}:")
    hamish_id = annotation["id"].rsplit(":", 1)[1]
    source = doc.annotations.get(hamish_id)
    assert source is not None and source.status != "orphaned"
    selectors = {s["type"]: s for s in target["selector"]}
    quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
    assert doc.text[position["start"] : position["end"]] == quote["exact"] == source.quote
    assert doc.text[: position["start"]].endswith(quote.get("prefix", ""))
    assert doc.text[position["end"] :].startswith(quote.get("suffix", ""))
    bodies = annotation.get("body", [])
    tags = [b["value"] for b in bodies if b["purpose"] == "tagging"]
    notes = [b["value"] for b in bodies if b["purpose"] == "commenting"]
    assert tags == list(source.tags)
    assert notes == ([source.note] if source.note else [])
    expected = "commenting" if source.note else "tagging" if source.tags else "highlighting"
    assert annotation["motivation"] == expected
    assert annotation["creator"] == {"type": "Person", "name": source.author}
    assert annotation["created"] == source.created


def test_w3c_jsonl(documents, tmp_path):
    path = tmp_path / "out.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        report = write_w3c(iter(documents), out)
    lines = path.read_text(encoding="utf-8").splitlines()
    annotations = [json.loads(line) for line in lines]
    placed = _placed(documents)
    assert report.records == len(annotations) == len(placed)
    assert report.documents == 4
    assert report.warnings == ["news/ar/budget.txt: 1 orphaned annotations not exported"]
    docs = _by_path(documents)
    for annotation in annotations:
        jsonschema.validate(annotation, LINE_SCHEMA)
        _check_w3c_annotation(annotation, docs)
    assert len({a["id"] for a in annotations}) == len(annotations)
    highlight = next(a for a in annotations if a["target"]["selector"][0]["exact"] == "لأنَّ الأمنَ")
    assert highlight["motivation"] == "highlighting" and "body" not in highlight


def test_w3c_collection(documents, tmp_path):
    path = tmp_path / "out.jsonld"
    with open(path, "w", encoding="utf-8") as out:
        report = write_w3c(iter(documents), out, collection=True, collection_id="urn:x:1")
    collection = json.loads(path.read_text(encoding="utf-8"))  # one JSON document
    jsonschema.validate(collection, COLLECTION_SCHEMA)
    items = collection["first"]["items"]
    assert collection["id"] == "urn:x:1"
    assert collection["total"] == len(items) == report.records == len(_placed(documents))
    docs = _by_path(documents)
    for item in items:
        _check_w3c_annotation(item, docs)


def test_w3c_empty_collection(tmp_path):
    out = io.StringIO()
    report = write_w3c([], out, collection=True)
    collection = json.loads(out.getvalue())
    assert collection["total"] == 0 and collection["first"]["items"] == []
    assert collection["id"].startswith("urn:uuid:")
    assert report.records == 0 and report.documents == 0


def test_w3c_round_trip(documents):
    expected = _expected(documents)
    lines_out = io.StringIO()
    write_w3c(documents, lines_out)
    collection_out = io.StringIO()
    write_w3c(documents, collection_out, collection=True)
    for source in (
        lines_out.getvalue(),
        io.StringIO(lines_out.getvalue()),
        collection_out.getvalue(),
        io.StringIO(collection_out.getvalue()),
        json.dumps(json.loads(collection_out.getvalue()), indent=2, ensure_ascii=False),
        json.dumps(json.loads(collection_out.getvalue())["first"]["items"]),
    ):
        imported = list(read_w3c(source))
        assert _imported_keys(imported) == expected
    imported = list(read_w3c(collection_out.getvalue()))
    ids = {a.id for _, a in _placed(documents)}
    assert {i.id for i in imported} == ids
    budget = next(i for i in imported if i.note == NOTE)
    assert budget.extra["document_title"] == "الموازنة العامة" and budget.author == "rana"


def test_w3c_reads_other_tools():
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno1",
        "type": "Annotation",
        "motivation": "tagging",
        "bodyValue": "a comment",
        "body": [{"type": "TextualBody", "value": "tag-without-purpose"}, "http://x/tag"],
        "creator": {"type": "Person", "nickname": "pat"},
        "target": {
            "source": "http://example.org/page1",
            "selector": {"type": "TextQuoteSelector", "exact": "مرحبا"},
        },
    }
    (imported,) = read_w3c(json.dumps(annotation))
    assert imported.document == "http://example.org/page1"
    assert (imported.start, imported.end, imported.quote) == (None, None, "مرحبا")
    assert imported.tags == ("tag-without-purpose",) and imported.note == "a comment"
    assert imported.author == "pat" and imported.id is None
    with pytest.raises(ValueError, match="line 2: invalid JSON"):
        list(read_w3c(json.dumps(annotation) + "\n{oops\n"))
    with pytest.raises(ValueError, match="not embedded"):
        list(read_w3c('{"type": "AnnotationCollection", "first": "http://x/page1"}'))


# --------------------------------------------------------------------------------------------
# doccano


def _utf16_slice(text: str, start: int, end: int) -> str:
    data = text.encode("utf-16-le")
    return data[start * 2 : end * 2].decode("utf-16-le")


@pytest.mark.parametrize("offsets", ["utf16", "codepoint"])
def test_doccano_offsets(documents, tmp_path, offsets):
    path = tmp_path / "doccano.jsonl"
    with open(path, "w", encoding="utf-8", newline="") as out:
        report = write_doccano(iter(documents), out, offsets=offsets)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == report.documents == 4  # one line per article, even without labels
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    assert report.records == len(_placed(documents))
    docs = _by_path(documents)
    for record in records:
        doc = docs[record["document"]]
        assert record["text"] == doc.text
        for key, value in doc.fields.items():
            assert record[key] == value
        expected = []
        for a in doc.placed():
            expected += [a.quote] * max(1, len(a.tags))
        cut = _utf16_slice if offsets == "utf16" else lambda t, s, e: t[s:e]
        assert [cut(doc.text, s, e) for s, e, _ in record["label"]] == expected
        tags = [t for a in doc.placed() for t in (a.tags or ("span",))]
        assert [tag for _, _, tag in record["label"]] == tags
    emoji = next(r for r in records if r["document"] == "news/mixed/emoji.txt")
    start = emoji["label"][0][0]
    code_point_start = EMOJI.index("𝐀𝐁")
    assert start == (code_point_start + 1 if offsets == "utf16" else code_point_start)
    assert records[-1]["label"] == []


@pytest.mark.parametrize("offsets", ["utf16", "codepoint"])
def test_doccano_round_trip(documents, offsets):
    out = io.StringIO()
    write_doccano(documents, out, offsets=offsets)
    imported = list(read_doccano(io.StringIO(out.getvalue()), offsets=offsets))
    assert _imported_keys(imported) == _expected(documents)
    assert {i.id for i in imported} == {a.id for _, a in _placed(documents)}
    with pytest.raises(ValueError, match="line 1: written with offsets="):
        other = "codepoint" if offsets == "utf16" else "utf16"
        list(read_doccano(io.StringIO(out.getvalue()), offsets=other))


def test_doccano_reads_plain_doccano_lines():
    text = "😀 مرحبا بكم 𝐀"
    units = len(text.encode("utf-16-le")) // 2
    lines = [
        json.dumps({"id": 7, "text": text, "label": [[3, 8, "تحية"], [3, 8, "x"], [13, 15, "y"]]}),
        json.dumps(
            {"text": text, "entities": [{"start_offset": 0, "end_offset": 2, "label": "e"}]}
        ),
    ]
    imported = list(read_doccano(lines))
    assert [(i.document, i.start, i.end, i.quote, i.tags) for i in imported] == [
        ("7", 2, 7, "مرحبا", ("تحية", "x")),
        ("7", 12, 13, "𝐀", ("y",)),
        ("", 0, 1, "😀", ("e",)),
    ]
    assert units == 15
    with pytest.raises(ValueError, match="line 1: offset 1 splits a surrogate pair"):
        list(read_doccano([json.dumps({"text": text, "label": [[1, 3, "t"]]})]))
    with pytest.raises(ValueError, match="line 1: offset 16 is outside"):
        list(read_doccano([json.dumps({"text": text, "label": [[0, 16, "t"]]})]))


def test_doccano_keeps_document_facts_out_of_annotations(documents):
    """A line's ``id`` numbers the document: it names the article, not an annotation."""
    out = io.StringIO()
    write_doccano(documents, out)
    lines = out.getvalue().splitlines()
    plain = json.dumps({"id": 7, "text": "مرحبا بكم", "label": [[0, 5, "t"]]}, ensure_ascii=False)
    imported = list(read_doccano([*lines, plain]))
    assert len(imported) > len(documents)
    assert [i.extra for i in imported] == [{}] * len(imported)
    assert imported[-1].document == "7"


def test_doccano_labels_edited_in_doccano(documents):
    """A label added in doccano joins its annotation; one removed drops it."""
    out = io.StringIO()
    write_doccano(documents[2:3], out)
    record = json.loads(out.getvalue())
    start, end = record["label"][1][:2]  # the "تحية" span, shared with an untagged one
    record["label"] = [[s, e, t] for s, e, t in record["label"] if t != "span"]
    record["label"].append([start, end, "جديد"])
    imported = list(read_doccano([json.dumps(record, ensure_ascii=False)]))
    same_span = [i for i in imported if i.quote == "مرحبا 👍🏽" and not i.problem]
    assert [(i.tags, i.note) for i in same_span] == [(("تحية", "جديد"), "")]
    # The untagged annotation whose "span" label was removed is reported, not dropped silently.
    assert [i.tags for i in imported if i.problem] == [()]


# --------------------------------------------------------------------------------------------
# Line separators inside JSON strings


@pytest.mark.parametrize(
    ("write", "read", "lines_per_document"),
    [
        (write_jsonl, read_jsonl, None),
        (write_w3c, read_w3c, None),
        (write_doccano, read_doccano, 1),
    ],
)
def test_json_lines_survive_any_line_splitter(documents, write, read, lines_per_document):
    """U+2028, U+2029 and U+0085 are escaped: str.splitlines() sees the same lines as "\\n"."""
    out = io.StringIO()
    report = write(documents, out)
    output = out.getvalue()
    assert not re.search("[\x85\u2028\u2029]", output)
    lines = output.splitlines()
    assert lines == output.split("\n")[:-1]
    expected_lines = report.documents if lines_per_document else report.records
    assert len(lines) == expected_lines
    parsed = [json.loads(line) for line in lines]
    assert any("\u2028" in json.dumps(p, ensure_ascii=False) for p in parsed)
    imported = list(read(lines))
    assert ("odd",) in {i.tags for i in imported}
    orphans = read is read_jsonl
    assert _imported_keys(imported) == _expected(documents, orphans=orphans)


# --------------------------------------------------------------------------------------------
# CoNLL


def _conll_blocks(output: str) -> dict[str, list[list[tuple[str, str]]]]:
    """Per document path (from ``--conll-comments``), its paragraphs as (token, tag) lists."""
    blocks: dict[str, list[list[tuple[str, str]]]] = {}
    current: list[list[tuple[str, str]]] | None = None
    paragraph: list[tuple[str, str]] = []
    for line in output.split("\n"):
        if line == DOCSTART:
            assert not paragraph
        elif line.startswith("# document = "):
            current = blocks.setdefault(line.removeprefix("# document = "), [])
        elif line.startswith("# "):
            continue
        elif line == "":
            if paragraph:
                assert current is not None
                current.append(paragraph)
                paragraph = []
        else:
            token, pos, chunk, tag = line.split(" ")
            assert (pos, chunk) == ("_", "_")
            paragraph.append((token, tag))
    assert not paragraph
    return blocks


def test_conll_bio(documents):
    out = io.StringIO()
    report = write_conll(iter(documents), out, conll_comments=True)
    output = out.getvalue()
    assert output.endswith("\n\n") and "\n\n\n" not in output
    assert output.count(DOCSTART + "\n") == len(documents)
    assert "# title = الموازنة العامة\n" in output and "# date = 2024-04-03\n" in output
    assert "# date =\n" in output and "# title = Emoji 😀\n" in output
    plain = io.StringIO()
    write_conll(iter(documents), plain)
    assert plain.getvalue() == re.sub(r"(?m)^# .*\n", "", output)  # only the comments differ
    blocks = _conll_blocks(output)
    docs = _by_path(documents)
    assert list(blocks) == list(docs)
    for path, paragraphs in blocks.items():
        text = docs[path].text
        lines = [line for line in re.split("\r\n|[\n\r\u2029]", text) if line.split()]
        assert ["".join(token for token, _ in p) for p in paragraphs] == [
            "".join(line.split()) for line in lines
        ]
        previous = "O"
        for paragraph in paragraphs:
            for _, tag in paragraph:
                assert tag == "O" or re.fullmatch(r"[BI]-\S+", tag)
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:]
                previous = tag
    arabic = [pair for p in blocks["news/ar/budget.txt"] for pair in p]
    assert arabic[4:15] == [
        ("«", "O"),
        ("الاقتصادَ", "B-اقتباس"),
        ("سينمو", "I-اقتباس"),
        ("بنسبة", "I-اقتباس"),
        ("3.2", "I-اقتباس"),
        ("%", "I-اقتباس"),
        ("في", "I-اقتباس"),
        ("2024", "I-اقتباس"),
        ("»", "O"),
        ("خلال", "O"),
        ("مؤتمرٍ", "B-خطاب/سياسي"),
    ]
    assert arabic[15:22] == [
        ("صحفيٍّ", "I-خطاب/سياسي"),
        (".", "I-خطاب/سياسي"),
        ("وأضاف", "I-خطاب/سياسي"),  # the next paragraph: the annotation spans a CRLF
        (":", "I-خطاب/سياسي"),
        ("لا", "I-خطاب/سياسي"),
        ("بديلَ", "I-خطاب/سياسي"),
        ("عن", "O"),
    ]
    assert arabic[23:27] == [("،", "O"), ("لأنَّ", "B-span"), ("الأمنَ", "I-span"), ("الاقتصاديَّ", "O")]
    english = [pair for p in blocks["news/en/imf report.txt"] for pair in p]
    assert english[3:9] == [
        ("growth", "B-claim"),
        ("fell", "I-claim"),
        ("-", "I-claim"),
        ("5", "I-claim"),
        ("%", "I-claim"),
        ("in", "O"),
    ]
    assert ("=", "B-+formula") in english and ("@cmd", "B--5%") in english
    emoji = [pair for p in blocks["news/mixed/emoji.txt"] for pair in p]
    assert emoji[1:5] == [
        ("Hello", "O"),
        ("𝐀𝐁", "B-greeting/فخم"),
        ("world", "I-greeting/فخم"),
        ("😀", "I-greeting/فخم"),
    ]
    assert ("😀", "O") in emoji and ("😀😀", "O") not in emoji  # emoji are one a token
    assert blocks["news/plain.txt"] == [[(t, "O") for t in ("No", "annotations", "here", ".")]]
    assert report.warnings == [
        "news/ar/budget.txt: 1 orphaned annotations not exported",
        "news/ar/budget.txt: conll has one label a token: left out 1 overlapping annotations "
        "(«سينمو بنسبة» رقم) and 2 further tags (متحدث/رسمي ×1, topic/economy ×1)",
        "news/en/imf report.txt: conll has one label a token: left out 1 overlapping "
        "annotations («-5%» figure)",
        "news/mixed/emoji.txt: conll has one label a token: left out 1 overlapping "
        "annotations («مرحبا 👍🏽» span)",
    ]
    assert report.records == len(_placed(documents)) - 3


# --------------------------------------------------------------------------------------------
# Streaming


class _Alive:
    """Counts live documents of the generator below through a weak reference each."""

    def __init__(self) -> None:
        self.count = 0
        self.most = 0

    def track(self, thing: object) -> None:
        self.count += 1
        self.most = max(self.most, self.count)
        weakref.finalize(thing, self._gone)

    def _gone(self) -> None:
        self.count -= 1


class _Probe:
    pass


def _many_documents(alive: _Alive, n: int = 2000) -> Iterator[ExportDocument]:
    for index in range(n):
        assert alive.count <= 3, f"{alive.count} documents alive: the writer is not streaming"
        text = f"خبر رقم {index}: قال المتحدث 😀 إن الوضع مستقر.\n"
        probe = _Probe()
        annotation = make_annotation(text, 0, 7, tags=["topic/خبر"], author="bot")
        annotations = AnnotationSet(
            document=DocumentInfo(
                file=f"{index}.txt",
                sha256=text_sha256(text),
                length=len(text),
                extra={"probe": probe},
            ),
            annotations=(annotation, make_annotation(text, 9, 12)),
        )
        alive.track(probe)
        del probe
        yield _document_from(index, text, annotations)


def _document_from(index: int, text: str, annotations: AnnotationSet) -> ExportDocument:
    return ExportDocument(
        path=f"corpus/{index:05d}.txt",
        name=f"{index:05d}",
        text=text,
        title=f"خبر {index}",
        source=None,
        date=None,
        sha256=annotations.document.sha256,
        annotations=annotations,
    )


def test_write_jsonl_streams_a_generator(tmp_path):
    alive = _Alive()
    path = tmp_path / "many.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        report = write_jsonl(_many_documents(alive), out)
    assert report.documents == 2000 and report.records == 4000
    assert alive.most <= 3 and alive.count == 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            record = json.loads(line)
            assert record["document"] == f"corpus/{number // 2:05d}.txt"
    assert number == 3999


@pytest.mark.parametrize(
    "write",
    [
        write_csv,
        write_w3c,
        lambda documents, out: write_w3c(documents, out, collection=True),
        write_doccano,
        write_conll,
    ],
)
def test_every_writer_streams(write):
    alive = _Alive()
    report = write(_many_documents(alive, 300), io.StringIO())
    assert report.documents == 300 and report.records >= 300
    assert alive.most <= 3
