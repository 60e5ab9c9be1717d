"""`hamish export --review`, the review fields through JSON Lines and W3C and back through
`hamish import`, and `hamish stats --by review` / `--by state`, on sidecars on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from annotations.model import Review
from reader.library.article import load_article
from tests.paths import SAMPLES
from tests.paths import run_cli as run

POLITICS = "ar_politics.txt"
MARKETS = "en_markets.txt"


def words(text: str, line: int, count: int) -> tuple[int, int]:
    """The span of the first ``count`` words of line ``line`` of ``text``."""
    lines = text.splitlines(keepends=True)
    start = sum(len(x) for x in lines[:line])
    shown = " ".join(lines[line].split()[:count])
    start = text.index(shown, start)
    return start, start + len(shown)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """ar_politics: a1 accepted, a2 unreviewed, in progress; en_markets: b1 rejected, done;
    fa_culture: no sidecar (to do)."""
    folder = tmp_path / "library"
    folder.mkdir()
    for name in (POLITICS, MARKETS, "fa_culture.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    for name, reviews, state in (
        (POLITICS, (("a1", "accepted"), ("a2", None)), "in progress"),
        (MARKETS, (("b1", "rejected"),), "done"),
    ):
        path = folder / name
        text = load_article(path).text
        sidecar = open_sidecar(path, text)
        annotations = sidecar.annotations
        for line, (annotation_id, verdict) in enumerate(reviews):
            start, end = words(text, line, 2)
            made = make_annotation(
                text, start, end, tags=["quote"], author="rana", id=annotation_id
            )
            annotations = annotations.added(made)
            if verdict is not None:
                annotations = annotations.reviewed(annotation_id, verdict, "lina")
        sidecar.save(annotations.with_progress(state, "lina"))
    return folder


def sidecar_of(path: Path) -> dict:
    return json.loads(path.with_name(path.name + ".annotations.json").read_text("utf-8"))


def reviews_on_disk(folder: Path) -> dict[str, dict | None]:
    found = {}
    for name in (POLITICS, MARKETS):
        for entry in sidecar_of(folder / name)["annotations"]:
            found[entry["id"]] = entry.get("review")
    return found


def test_export_keeps_only_the_review_states_asked_for(capsys, library):
    code, out, _ = run(capsys, "export", "--format", "jsonl", "--review", "accepted", str(library))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["a1"]
    assert records[0]["review"] == sidecar_of(library / POLITICS)["annotations"][0]["review"]
    assert records[0]["review"]["state"] == "accepted" and records[0]["review"]["by"] == "lina"
    code, out, _ = run(
        capsys, "export", "--format", "jsonl", "--review", "unreviewed", "--review", "rejected",
        str(library),
    )  # fmt: skip
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["id"] for r in records) == ["a2", "b1"]
    assert {r["id"]: "review" in r for r in records} == {"a2": False, "b1": True}


def test_an_unknown_review_state_is_refused(capsys, library):
    code, _, err = run(capsys, "export", "--format", "jsonl", "--review", "maybe", str(library))
    assert code == 2 and "maybe" in err


@pytest.mark.parametrize("fmt", ["jsonl", "w3c"])
def test_reviews_round_trip_through_export_and_import(capsys, library, tmp_path, fmt):
    before = reviews_on_disk(library)
    assert before["a1"]["state"] == "accepted" and before["a2"] is None
    exported = tmp_path / f"all.{fmt}"
    code, _, _ = run(capsys, "export", "--format", fmt, "-o", str(exported), str(library))
    assert code == 0
    if fmt == "w3c":
        line = next(json.loads(x) for x in exported.read_text("utf-8").splitlines() if "a1" in x)
        assert {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": "accepted",
            "creator": {"type": "Person", "name": "lina"},
            "created": before["a1"]["at"],
        } in line["body"]
    for name in (POLITICS, MARKETS):
        (library / (name + ".annotations.json")).unlink()
    code, out, _ = run(
        capsys, "import", "--format", fmt, "--root", str(library), "--json", str(exported)
    )
    assert code == 0, out
    assert json.loads(out)["added"] == 3
    assert reviews_on_disk(library) == before
    restored = open_sidecar(library / MARKETS, load_article(library / MARKETS).text)
    assert restored.annotations.get("b1").review == Review("rejected", "lina", before["b1"]["at"])


def test_a_record_with_a_broken_review_is_reported_and_skipped(capsys, library, tmp_path):
    code, out, _ = run(capsys, "export", "--format", "jsonl", "--review", "rejected", str(library))
    record = json.loads(out)
    record["review"] = {"state": "maybe"}
    source = tmp_path / "broken.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (library / (MARKETS + ".annotations.json")).unlink()
    code, _, err = run(capsys, "import", "--format", "jsonl", "--root", str(library), str(source))
    assert code == 1 and "review.state: expected one of accepted, rejected" in err
    assert not (library / (MARKETS + ".annotations.json")).exists()


def test_stats_by_review_and_by_state(capsys, library):
    code, out, _ = run(capsys, "stats", "--json", "--by", "review", "--by", "state", str(library))
    assert code == 0
    stats = json.loads(out)
    assert stats["by_review"] == {"accepted": 1, "unreviewed": 1, "rejected": 1}
    assert stats["by_state"] == {"in progress": 1, "done": 1, "to do": 1}
    code, out, _ = run(capsys, "stats", "--by", "state", "--bidi", "terminal", str(library))
    assert code == 0
    assert out.splitlines()[2:] == ["by state:", "  in progress  1", "  done         1",
                                    "  to do        1"]  # fmt: skip
