"""Relations in the exports (each output parsed back independently) and in the imports."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from annotations.formats.base import ExportDocument
from annotations.formats.brat import read_brat, write_brat
from annotations.formats.conll import write_conll
from annotations.formats.csv_format import write_csv
from annotations.formats.doccano import write_doccano
from annotations.formats.jsonl import read_jsonl, write_jsonl
from annotations.formats.labelstudio import read_labelstudio, write_labelstudio
from annotations.formats.w3c import read_w3c, write_w3c
from annotations.model import AnnotationSet, make_annotation, make_relation, text_sha256

TEXT = (
    "قال وزير المالية إن «الاقتصاد سينمو بنسبة 3.2% في 2024» خلال مؤتمر صحفي.\n"
    "ونفى المتحدث باسم المعارضة ذلك.\n"
)
SHA = text_sha256(TEXT)


def annotation(words: str, tags, id: str):
    start = TEXT.index(words)
    return make_annotation(TEXT, start, start + len(words), tags=tags, author="rana", id=id)


def document(*, orphan_target: bool = False) -> ExportDocument:
    speaker = annotation("وزير المالية", ["speaker/official"], "a1")
    quote = annotation("الاقتصاد سينمو بنسبة 3.2% في 2024", ["quote", "topic/economy"], "a2")
    other = annotation("المتحدث باسم المعارضة", ["speaker"], "a3")
    if orphan_target:
        other = replace(other, status="orphaned")
    state = AnnotationSet.empty("budget.txt", TEXT).with_annotations([speaker, quote, other])
    state = state.related(make_relation("a1", "a2", "said", author="rana", id="r1"))
    state = state.related(make_relation("a2", "a3", "مصدر", author="sami", id="r2"))
    return ExportDocument(
        path="news/budget.txt",
        name="budget",
        text=TEXT,
        title="Budget",
        source="Agency",
        date="2024-04-03",
        sha256=SHA,
        annotations=state,
    )


def relation_triples(records) -> set[tuple[str, str, str]]:
    """(source id, type, target id) of every relation the imported records carry."""
    by_reference = {r.reference: r for r in records}
    return {(r.id, rel.type, by_reference[rel.target].id) for r in records for rel in r.relations}


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_lines_carry_the_relations_of_their_source_and_read_back():
    doc = document()
    said = doc.annotations.relation("r1")
    out = io.StringIO()
    report = write_jsonl([doc], out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    by_id = {r["id"]: r for r in records}
    assert by_id["a1"]["relations"] == [
        {
            "id": "r1",
            "type": "said",
            "from": "a1",
            "to": "a2",
            "author": "rana",
            "created": said.created,
            "modified": said.modified,
        }
    ]
    assert [r["id"] for r in by_id["a2"]["relations"]] == ["r2"]
    assert "relations" not in by_id["a3"]
    assert list(by_id["a1"])[12:14] == ["relations", "document"]
    assert report.warnings == []
    imported = list(read_jsonl(out.getvalue().split("\n")))
    assert relation_triples(imported) == {("a1", "said", "a2"), ("a2", "مصدر", "a3")}
    (first,) = imported[0].relations if imported[0].id == "a1" else imported[1].relations
    assert (first.id, first.author) == ("r1", "rana")
    assert all("relations" not in r.extra for r in imported)


def test_jsonl_warns_of_a_relation_without_its_source():
    doc = document()
    doc = replace(doc, annotations=doc.annotations.removed("a1"))
    report = write_jsonl([doc], io.StringIO())
    assert report.warnings == [
        "news/budget.txt: 1 relations whose source annotation is missing not exported"
    ]


def test_jsonl_refuses_malformed_relations():
    line = json.dumps({"document": "x.txt", "quote": "a", "relations": [{"type": "said"}]})
    with pytest.raises(ValueError, match=r"line 1: relations\[0\]: 'to' must be"):
        list(read_jsonl([line]))


# --------------------------------------------------------------------------- brat


def test_brat_writes_r_lines_between_first_t_lines_and_reads_them_back(tmp_path):
    folder = tmp_path / "brat"
    report = write_brat([document()], folder)
    ann = (folder / "budget.ann").read_text(encoding="utf-8").splitlines()
    t_lines = {
        line.split("\t")[0]: line.split("\t")[1].split()[0] for line in ann if line[0] == "T"
    }
    assert t_lines == {
        "T1": "speaker-official",
        "T2": "quote",
        "T3": "topic-economy",
        "T4": "speaker",
    }
    r_lines = [line for line in ann if line.startswith("R")]
    assert r_lines == ["R1\tsaid Arg1:T1 Arg2:T2", "R2\trelation_1 Arg1:T2 Arg2:T4"]
    for line in r_lines:  # brat's own grammar of a relation line
        assert re.fullmatch(r"R\d+\t[A-Za-z][A-Za-z0-9_-]* Arg1:T\d+ Arg2:T\d+", line)
    conf = (folder / "annotation.conf").read_text(encoding="utf-8")
    relations_section = conf.split("[relations]")[1].split("[events]")[0]
    assert "said\tArg1:<ENTITY>, Arg2:<ENTITY>\n" in relations_section
    assert "relation_1\tArg1:<ENTITY>, Arg2:<ENTITY>\n" in relations_section
    assert "<OVERLAP>" in relations_section
    assert "relation_1 | مصدر\n" in (folder / "visual.conf").read_text(encoding="utf-8")
    assert report.warnings == []
    imported = list(read_brat(folder))
    assert relation_triples(imported) == {("a1", "said", "a2"), ("a2", "مصدر", "a3")}
    relation_ids = {rel.id for r in imported for rel in r.relations}
    assert relation_ids == {"r1", "r2"}  # kept through hamish-ids.tsv


def test_brat_reads_relations_of_a_folder_hamish_did_not_write(tmp_path):
    (tmp_path / "x.txt").write_text("Ali said yes.\n", encoding="utf-8")
    (tmp_path / "x.ann").write_text(
        "T1\tPerson 0 3\tAli\nT2\tQuote 9 12\tyes\nR1\tSaid Speaker:T1 Quote:T2\n"
        "E1\tEvent:T2\nR2\tCause Arg1:E1 Arg2:T1\n",
        encoding="utf-8",
    )
    imported = list(read_brat(tmp_path))
    speaker = next(r for r in imported if r.quote == "Ali")
    (relation,) = speaker.relations
    target = next(r for r in imported if r.reference == relation.target)
    assert (relation.type, target.quote, relation.id) == ("Said", "yes", None)
    assert sum(len(r.relations) for r in imported) == 1  # the event's relation is not read


def test_brat_leaves_out_a_relation_to_an_orphan_with_a_warning(tmp_path):
    report = write_brat([document(orphan_target=True)], tmp_path)
    ann = (tmp_path / "budget.ann").read_text(encoding="utf-8")
    assert [line for line in ann.splitlines() if line[0] == "R"] == ["R1\tsaid Arg1:T1 Arg2:T2"]
    assert (
        "news/budget.txt: 1 relations not exported to brat (an end of each is not exported)"
        in report.warnings
    )


# --------------------------------------------------------------------------- Label Studio


def test_labelstudio_relation_results_and_config_read_back(tmp_path):
    out = tmp_path / "tasks.json"
    write_labelstudio([document()], out)
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    results = task["predictions"][0]["result"]
    relations = [r for r in results if r["type"] == "relation"]
    assert relations == [
        {
            "from_id": "a1-0",
            "to_id": "a2-0",
            "type": "relation",
            "direction": "right",
            "labels": ["said"],
        },
        {
            "from_id": "a2-0",
            "to_id": "a3-0",
            "type": "relation",
            "direction": "right",
            "labels": ["مصدر"],
        },
    ]
    region_ids = {r["id"] for r in results if r["type"] == "labels"}
    assert {r["from_id"] for r in relations} | {r["to_id"] for r in relations} <= region_ids
    config = ET.parse(tmp_path / "label_config.xml").getroot()
    assert [e.get("value") for e in config.iter("Relation")] == ["said", "مصدر"]
    imported = list(read_labelstudio(out))
    assert relation_triples(imported) == {("a1", "said", "a2"), ("a2", "مصدر", "a3")}


def test_labelstudio_reads_relations_of_a_label_studio_export(tmp_path):
    task = {
        "id": 7,
        "data": {"text": "Ali said yes."},
        "annotations": [
            {
                "result": [
                    {"id": "p", "type": "labels", "from_name": "label", "to_name": "text",
                     "value": {"start": 0, "end": 3, "text": "Ali", "labels": ["Person"]}},
                    {"id": "q", "type": "labels", "from_name": "label", "to_name": "text",
                     "value": {"start": 9, "end": 12, "text": "yes", "labels": ["Quote"]}},
                    {"from_id": "q", "to_id": "p", "type": "relation", "direction": "left",
                     "labels": ["said"]},
                    {"from_id": "p", "to_id": "q", "type": "relation", "direction": "right"},
                ]
            }
        ],
    }  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    imported = list(read_labelstudio(path))
    speaker = next(r for r in imported if r.quote == "Ali")
    assert [(rel.type, rel.target) for rel in speaker.relations] == [
        ("said", "q"),
        ("related", "q"),
    ]


# --------------------------------------------------------------------------- W3C


def test_w3c_linking_annotations_target_the_two_annotations_and_read_back():
    doc = document()
    said = doc.annotations.relation("r1")
    out = io.StringIO()
    report = write_w3c([doc], out)
    items = [json.loads(line) for line in out.getvalue().splitlines()]
    assert report.records == 3  # annotations; the links follow them
    links = [i for i in items if i["motivation"] == "linking"]
    prefix = f"urn:hamish:{SHA}:"
    assert links[0] == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"{prefix}relation:r1",
        "type": "Annotation",
        "motivation": "linking",
        "created": said.created,
        "modified": said.modified,
        "creator": {"type": "Person", "name": "rana"},
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "said"}],
        "target": [f"{prefix}a1", f"{prefix}a2"],
        "hamish": {"from": f"{prefix}a1", "to": f"{prefix}a2", "document": "news/budget.txt"},
    }
    annotation_ids = {i["id"] for i in items if i["motivation"] != "linking"}
    assert all(set(link["target"]) <= annotation_ids for link in links)
    imported = list(read_w3c(out.getvalue()))
    assert len(imported) == 3  # links are relations, not annotations
    assert relation_triples(imported) == {("a1", "said", "a2"), ("a2", "مصدر", "a3")}
    assert {rel.id for r in imported for rel in r.relations} == {"r1", "r2"}


def test_w3c_collection_counts_links_in_its_total():
    out = io.StringIO()
    write_w3c([document()], out, collection=True, collection_id="urn:x")
    collection = json.loads(out.getvalue())
    items = collection["first"]["items"]
    assert collection["total"] == len(items) == 5
    assert [i["motivation"] for i in items].count("linking") == 2
    assert relation_triples(list(read_w3c(out.getvalue()))) == {
        ("a1", "said", "a2"),
        ("a2", "مصدر", "a3"),
    }


# --------------------------------------------------------------------------- no relations


@pytest.mark.parametrize("name", ["doccano", "conll", "csv"])
def test_formats_without_relations_say_they_dropped_them(name):
    write = {"doccano": write_doccano, "conll": write_conll, "csv": write_csv}[name]
    out = io.StringIO()
    report = write([document()], out)
    assert (
        f"news/budget.txt: 2 relations not exported ({name} has no relations; "
        "use jsonl, brat, labelstudio or w3c)"
    ) in report.warnings
    if name == "csv":
        rows = list(csv.reader(io.StringIO(out.getvalue())))
        assert "relations" not in rows[0]
    quiet = write([replace(document(), annotations=document().annotations.with_relations(()))],
                  io.StringIO())  # fmt: skip
    assert not any("relations" in w for w in quiet.warnings)


def test_brat_folder_round_trip_keeps_files_readable(tmp_path: Path):
    """A folder without relations is written exactly as before (no R lines, same conf)."""
    plain = replace(document(), annotations=document().annotations.with_relations(()))
    write_brat([plain], tmp_path)
    ann = (tmp_path / "budget.ann").read_text(encoding="utf-8")
    assert not any(line.startswith("R") for line in ann.splitlines())
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert conf.split("[relations]")[1].split("[events]")[0].count("Arg1") == 1  # OVERLAP
