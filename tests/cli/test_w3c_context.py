"""W3C: the target's source is an absolute IRI (the article's url, else a urn), and the
JSON-LD context ships in the package: pyld expands the export offline (issue 14, item 7)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from annotations.formats.w3c import ANNO_CONTEXT, SOURCE_URN_PREFIX, anno_context
from tests.cli.test_roundtrips import library  # noqa: F401  (the fixture)
from tests.paths import run_cli as run

jsonld = pytest.importorskip("pyld.jsonld", reason="pyld is in the test extra")

OA = "http://www.w3.org/ns/oa#"


def _offline_loader(url, options=None):
    if url.rstrip("/") not in (ANNO_CONTEXT, ANNO_CONTEXT.replace("http:", "https:")):
        raise AssertionError(f"the test is offline: {url} would be fetched")
    return {"contextUrl": None, "documentUrl": url, "document": anno_context()}


def test_the_context_is_package_data():
    text = files("annotations.formats").joinpath("anno.jsonld").read_text(encoding="utf-8")
    context = json.loads(text)["@context"]
    assert context["oa"] == OA
    assert context["source"] == {"@type": "@id", "@id": "oa:hasSource"}


def test_pyld_expands_every_export_with_the_shipped_context(capsys, library):  # noqa: F811
    code, out, err = run(capsys, "export", str(library), "--format", "w3c")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    sources = {}
    for record in records:
        expanded = jsonld.expand(record, {"documentLoader": _offline_loader})
        (node,) = expanded
        assert node["@type"] == [OA + "Annotation"]
        if record["motivation"] == "linking":
            continue
        (target,) = node[OA + "hasTarget"]
        (source,) = target[OA + "hasSource"]
        sources[record["target"]["hamish"]["document"].rsplit("/", 1)[-1]] = source["@id"]
        positions = [
            s for s in target[OA + "hasSelector"] if s["@type"] == [OA + "TextPositionSelector"]
        ]
        (position,) = positions
        start = int(position[OA + "start"][0]["@value"])
        end = int(position[OA + "end"][0]["@value"])
        text = (library / record["target"]["hamish"]["document"].split("/")[-1]).read_bytes()
        path = record["target"]["hamish"]["document"]
        decoded = text.decode("utf-8") if path.endswith(".md") else text.decode("windows-1256")
        exact = next(s for s in record["target"]["selector"] if s["type"] == "TextQuoteSelector")
        assert decoded[start:end] == exact["exact"]  # code points, CRLF kept, emoji counted once
    # The article with a front-matter url is cited by it; the other by a stable urn.
    assert sources["plan.md"] == "https://example.org/news/2024/04/03/plan"
    bank = next(
        r for r in records if r["target"].get("hamish", {}).get("document", "").endswith("bank.txt")
    )
    assert sources["bank.txt"] == SOURCE_URN_PREFIX + bank["target"]["hamish"]["sha256"]


def test_the_urn_is_the_same_in_a_second_export(capsys, library):  # noqa: F811
    _, first, _ = run(capsys, "export", str(library), "--format", "w3c")
    _, second, _ = run(capsys, "export", str(library), "--format", "w3c")
    assert [json.loads(x)["target"] for x in first.splitlines()] == [
        json.loads(x)["target"] for x in second.splitlines()
    ]
