"""Relations through the command line: export, import into empty sidecars, `hamish check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import open_sidecar, sidecar_path
from annotations.model import make_relation
from reader.library.article import load_article
from tests.cli.corpora import sample_library
from tests.paths import run_cli as run

ARTICLE = "ar_economy.txt"


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    return sample_library(tmp_path, monkeypatch)


def link_all(path: Path) -> list[tuple[str, str, str]]:
    """Relate the article's annotations in a chain (said, then مصدر); returns the links
    as (type, source quote, target quote)."""
    sidecar = open_sidecar(path, load_article(path).text)
    state = sidecar.annotations
    annotations = state.annotations
    assert len(annotations) >= 3
    types = ["said", "مصدر"]
    pairs = [(annotations[0], annotations[1]), (annotations[1], annotations[2])]
    for number, (source, target) in enumerate(pairs):
        state = state.related(
            make_relation(source.id, target.id, types[number], author="rana", id=f"r{number}")
        )
    sidecar.save(state)
    return links_of(path)


def links_of(path: Path) -> list[tuple[str, str, str]]:
    state = open_sidecar(path, load_article(path).text).annotations
    quote = {a.id: a.quote for a in state.annotations}
    return sorted((r.type, quote[r.source], quote[r.target]) for r in state.relations)


@pytest.mark.parametrize(
    ("fmt", "output", "keeps_ids"),
    [
        ("jsonl", "out.jsonl", True),
        ("w3c", "out.w3c.jsonl", True),
        ("labelstudio", "tasks.json", False),
        ("brat", "brat_corpus", True),
    ],
)
def test_relations_survive_export_and_import_into_empty_sidecars(
    capsys, library, fmt, output, keeps_ids
):
    article = library / ARTICLE
    links = link_all(article)
    before = json.loads(sidecar_path(article).read_text(encoding="utf-8"))["relations"]
    code, _, err = run(capsys, "export", str(library), "--format", fmt, "-o", output)
    assert code == 0, err
    assert "relations not exported" not in err
    for sidecar in library.glob("*.annotations.json"):
        sidecar.unlink()
    code, out, err = run(
        capsys, "import", "--format", fmt, "--root", str(library), "--json", output
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["relations"], report["duplicate_relations"]) == (2, 0)
    assert links_of(article) == links
    after = json.loads(sidecar_path(article).read_text(encoding="utf-8"))["relations"]
    if keeps_ids:
        assert [(r["id"], r["from"], r["to"], r["type"]) for r in after] == [
            (r["id"], r["from"], r["to"], r["type"]) for r in before
        ]
    if fmt == "jsonl":  # the complete dump: the relations come back whole
        assert after == before
    # Importing again adds nothing.
    code, out, _ = run(capsys, "import", "--format", fmt, "--root", str(library), "--json", output)
    assert code == 0
    assert (json.loads(out)["relations"], json.loads(out)["duplicate_relations"]) == (0, 2)
    assert links_of(article) == links


def test_formats_without_relations_warn_on_stderr(capsys, library):
    link_all(library / ARTICLE)
    code, _, err = run(capsys, "export", str(library), "--format", "csv", "-o", "out.csv")
    assert code == 0
    assert (
        f"warning: library/{ARTICLE}: 2 relations not exported (csv has no relations; "
        "use jsonl, brat, labelstudio or w3c)"
    ) in err


def test_check_reports_a_dangling_relation_and_keeps_it(capsys, library):
    article = library / ARTICLE
    link_all(article)
    path = sidecar_path(article)
    data = json.loads(path.read_text(encoding="utf-8"))
    gone = data["relations"][1]["to"]  # the chain's last annotation: only r1 dangles
    data["annotations"] = [a for a in data["annotations"] if a["id"] != gone]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    raw = path.read_bytes()
    code, out, _ = run(capsys, "check", str(article), "--json")
    assert code == 1
    (entry,) = json.loads(out)["files"]
    assert entry["relations"] == 2
    source = data["relations"][1]["from"]
    assert entry["errors"] == [
        f"{path.name}: relation r1 'مصدر' from {source} to {gone}: no annotation {gone} "
        "(kept; delete the relation or restore the annotation)"
    ]
    code, out, _ = run(capsys, "check", str(article))
    assert code == 1 and f"error: {path.name}: relation r1 " in out
    assert path.read_bytes() == raw  # check never drops it
