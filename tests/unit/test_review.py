"""Review of annotations and the article's state: the model, the sidecar on disk, an older
hamish keeping both, validation, merge, undo, and the library summary's state."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotations import canonical_json, make_annotation, open_sidecar
from annotations.history import History
from annotations.merge import merge_sets
from annotations.model import ArticleState, Review, set_clock
from annotations.sidecar import summarize_sidecar_bytes
from tests.paths import ROOT
from tests.schema_checks import accepted_by_both, refused_by_both

TEXT = (
    "قال وزير المالية إن «الاقتصاد سينمو بنسبة 3.2% في 2024» خلال مؤتمر صحفي.\n"
    "ونفى المتحدث باسم المعارضة ذلك.\n"
)
QUOTE = "الاقتصاد سينمو بنسبة 3.2% في 2024"
SPEAKER = "وزير المالية"
T0, T1, T2 = "2024-04-03T09:00:00Z", "2024-04-03T10:00:00Z", "2024-04-03T11:00:00Z"


def clock_at(stamp: str) -> None:
    set_clock(lambda: datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


@pytest.fixture(autouse=True)
def fixed_clock():
    clock_at(T1)
    yield
    set_clock(None)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "budget.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def annotation(words: str, id: str, **changes):
    start = TEXT.index(words)
    made = make_annotation(
        TEXT, start, start + len(words), tags=["quote"], author="rana", id=id, created=T0
    )
    return replace(made, **changes) if changes else made


def saved(article: Path, *annotations):
    sidecar = open_sidecar(article, TEXT)
    state = sidecar.annotations
    for a in annotations:
        state = state.added(a)
    sidecar.save(state)
    return sidecar


def on_disk(article: Path) -> dict:
    return json.loads(article.with_name(article.name + ".annotations.json").read_text("utf-8"))


# --------------------------------------------------------------------------- the model


def test_accepting_a_changed_annotation_accepts_its_new_place(article):
    changed = annotation(QUOTE, "a1", status="moved", original_quote="الاقتصاد سينمو بنسبة 3%")
    sidecar = saved(article, changed)
    sidecar.save(sidecar.annotations.reviewed("a1", "accepted", "lina"))
    entry = on_disk(article)["annotations"][0]
    assert entry == {
        **{k: v for k, v in changed.to_json().items() if k != "original_quote"},
        "status": "anchored",
        "modified": T1,  # placing it is an edit
        "review": {"state": "accepted", "by": "lina", "at": T1},
    }
    assert TEXT[entry["start"] : entry["end"]] == entry["quote"] == QUOTE


def test_rejecting_keeps_the_flag_and_a_plain_review_is_no_edit(article):
    moved = annotation(QUOTE, "a1", status="moved")
    state = saved(article, moved).annotations.reviewed("a1", "rejected", "lina")
    rejected = state.get("a1")
    assert (rejected.status, rejected.modified, rejected.review) == (
        "moved",
        T0,
        Review("rejected", "lina", T1),
    )
    assert rejected.review_state == "rejected" and rejected.reviewed_since_modified
    plain = state.added(annotation(SPEAKER, "a2")).reviewed("a2", "accepted", "x")
    assert plain.get("a2").modified == T0 and plain.get("a2").status == "anchored"
    assert plain.unreviewed("a2").get("a2").review is None
    assert plain.review_counts() == {"accepted": 1, "rejected": 1, "unreviewed": 0}


def test_an_orphan_accepted_stays_orphaned_and_bad_calls_are_refused(article):
    orphan = annotation(QUOTE, "a1", status="orphaned")
    state = saved(article, orphan).annotations
    assert state.reviewed("a1", "accepted", "lina").get("a1").status == "orphaned"
    with pytest.raises(ValueError, match="no annotation"):
        state.reviewed("zz", "accepted", "lina")
    with pytest.raises(ValueError, match="accepted, rejected"):
        state.reviewed("a1", "maybe", "lina")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="to do, in progress, done"):
        state.with_progress("finished", "lina")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- on disk


def test_review_and_state_are_written_like_unknown_keys_and_reopen_equal(article):
    sidecar = saved(article, annotation(QUOTE, "a1", extra={"aardvark": 1, "zeta": 2}))
    state = sidecar.annotations.reviewed("a1", "accepted", "lina").with_progress("done", "lina")
    sidecar.save(state)
    raw = sidecar.path.read_bytes()
    assert raw == (json.dumps(state.to_json(), ensure_ascii=False, indent=2) + "\n").encode()
    data = json.loads(raw)
    assert list(data["annotations"][0])[-3:] == ["aardvark", "review", "zeta"]  # sorted place
    assert list(data["document"])[-1] == "state"
    assert data["document"]["state"] == {"state": "done", "by": "lina", "at": T1}
    again = open_sidecar(article, TEXT)
    assert again.read_only is None and again.annotations == state
    assert again.annotations.document.progress == "done"


def test_a_sidecar_without_review_or_state_is_written_as_before(article):
    saved(article, annotation(QUOTE, "a1"))
    data = on_disk(article)
    assert "review" not in data["annotations"][0] and "state" not in data["document"]
    assert open_sidecar(article, TEXT).annotations.document.progress == "to do"


# Where hamish stood before reviews and article states (the relations commit).
BEFORE_REVIEW = "fb5df636a5d494a48e5aad3661a522b0bbae2f79"

OLD_HAMISH_SCRIPT = """
import sys
from annotations import make_annotation, open_sidecar
import annotations.model as model
assert "review" not in model.ANNOTATION_KEYS, "not the older hamish"
article, text = sys.argv[1], open(sys.argv[1], encoding="utf-8", newline="").read()
sidecar = open_sidecar(article, text)
assert sidecar.read_only is None, sidecar.read_only
start = text.index(sys.argv[2])
added = make_annotation(text, start, start + len(sys.argv[2]), tags=["speaker"], author="old")
state = sidecar.annotations.added(added)
state = state.replaced(state.get("a1").edited(note="seen by the old one"))
sidecar.save(state)
print(added.id)
"""


def test_an_older_hamish_keeps_the_review_and_the_state(article, tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git history")
    sidecar = saved(article, annotation(QUOTE, "a1"))
    state = sidecar.annotations.reviewed("a1", "rejected", "lina").with_progress(
        "in progress", "lina"
    )
    sidecar.save(state)
    old = tmp_path / "old-hamish"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BEFORE_REVIEW, "annotations"], capture_output=True
    )
    if archive.returncode != 0:
        pytest.skip(f"commit {BEFORE_REVIEW} is not in this clone")
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    result = subprocess.run(
        [sys.executable, "-c", OLD_HAMISH_SCRIPT, str(article), SPEAKER],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(old)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    written_by_old = sidecar.path.read_bytes()
    data = json.loads(written_by_old)
    kept = next(a for a in data["annotations"] if a["id"] == "a1")
    assert kept["review"] == {"state": "rejected", "by": "lina", "at": T1}  # kept, whole
    assert kept["note"] == "seen by the old one"
    assert data["document"]["state"] == {"state": "in progress", "by": "lina", "at": T1}
    reopened = open_sidecar(article, TEXT)
    assert reopened.annotations.get("a1").review == Review("rejected", "lina", T1)
    assert reopened.annotations.document.state == ArticleState("in progress", "lina", T1)
    assert reopened.annotations.get(result.stdout.strip()) is not None
    assert canonical_json(reopened.annotations).encode("utf-8") == written_by_old  # same bytes


# --------------------------------------------------------------------------- validation


def valid() -> dict:
    entry = annotation(QUOTE, "a1").to_json()
    entry["review"] = {"state": "accepted", "by": "lina", "at": T1}
    return {
        "format": "hamish-annotations",
        "version": 1,
        "document": {
            "file": "budget.txt",
            "sha256": "0" * 64,
            "length": len(TEXT),
            "state": {"state": "done", "by": "lina", "at": T1},
        },
        "annotations": [entry],
    }


REVIEW = "$.annotations[0].review"
BROKEN = {
    "review-not-object": (lambda d: d["annotations"][0].update(review="ok"), REVIEW),
    "review-no-state": (lambda d: d["annotations"][0]["review"].pop("state"), REVIEW),
    "review-unknown": (
        lambda d: d["annotations"][0]["review"].update(state="maybe"), f"{REVIEW}.state"
    ),
    "review-by-number": (lambda d: d["annotations"][0]["review"].update(by=3), f"{REVIEW}.by"),
    "state-unknown": (
        lambda d: d["document"]["state"].update(state="finished"), "$.document.state.state"
    ),
    "state-not-object": (lambda d: d["document"].update(state="done"), "$.document.state"),
    "state-at-list": (lambda d: d["document"]["state"].update(at=[]), "$.document.state.at"),
}  # fmt: skip


def test_a_valid_review_and_state_pass_the_schema_and_the_validator():
    accepted_by_both(valid())


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_review_or_state_fails_both_at_its_path(case):
    change, path = BROKEN[case]
    data = copy.deepcopy(valid())
    change(data)
    assert refused_by_both(data) == path


def test_a_broken_review_makes_the_file_read_only(article):
    saved(article, annotation(QUOTE, "a1"))
    path = article.with_name(article.name + ".annotations.json")
    data = json.loads(path.read_text("utf-8"))
    data["annotations"][0]["review"] = {"state": "maybe"}
    raw = json.dumps(data, ensure_ascii=False)
    path.write_text(raw, encoding="utf-8")
    assert "$.annotations[0].review.state" in (open_sidecar(article, TEXT).read_only or "")
    assert path.read_text("utf-8") == raw


# --------------------------------------------------------------------------- undo


def test_review_unreview_and_state_are_undoable_steps(article):
    moved = annotation(QUOTE, "a1", status="moved", original_quote="الاقتصاد سينمو")
    start = saved(article, moved).annotations
    history = History()
    accepted = history.review(start, "a1", "accepted", "lina")
    assert accepted.get("a1").status == "anchored"
    clock_at(T2)
    withdrawn = history.unreview(accepted, "a1")
    marked = history.set_progress(withdrawn, "done", "lina")
    assert marked.document.state == ArticleState("done", "lina", T2)
    back, step = history.undo(marked)
    assert step.label == "state" and back.document.state is None
    back, step = history.undo(back)
    assert step.label == "unreview" and back.get("a1").review == Review("accepted", "lina", T1)
    back, step = history.undo(back)
    assert step.label == "accept" and back.get("a1") == moved  # status and wording back
    again, _ = history.redo(back)
    assert again.get("a1") == accepted.get("a1")
    assert history.unreview(start, "a1") is start  # nothing to withdraw: no step


# --------------------------------------------------------------------------- merge


def test_a_review_on_one_side_and_an_edit_on_the_other_are_both_kept(article):
    base = saved(article, annotation(QUOTE, "a1")).annotations
    ours = base.reviewed("a1", "accepted", "lina")
    clock_at(T2)
    theirs = base.replaced(base.get("a1").edited(note="checked the figure"))
    merged = merge_sets(base, ours, theirs).get("a1")
    assert merged.note == "checked the figure" and merged.modified == T2
    assert merged.review == Review("accepted", "lina", T1)
    assert not merged.reviewed_since_modified  # edited after the review


def test_both_reviewed_the_later_wins_and_a_verdict_wins_over_a_withdrawal(article):
    base = saved(article, annotation(QUOTE, "a1")).annotations.reviewed("a1", "accepted", "x")
    clock_at(T2)
    later = base.reviewed("a1", "rejected", "lina")
    clock_at("2024-04-03T10:30:00Z")
    earlier = base.reviewed("a1", "accepted", "omar")
    assert merge_sets(base, earlier, later).get("a1").review == later.get("a1").review
    assert merge_sets(base, later, earlier).get("a1").review == later.get("a1").review
    assert merge_sets(base, base.unreviewed("a1"), later).get("a1").review.state == "rejected"
    assert merge_sets(base, base.unreviewed("a1"), base).get("a1").review is None


def test_the_article_state_merges_by_its_time(article):
    base = saved(article, annotation(QUOTE, "a1")).annotations
    ours = base.with_progress("in progress", "lina")
    clock_at(T2)
    theirs = base.with_progress("done", "omar").with_document(note="a note")
    merged = merge_sets(base, ours, theirs).document
    assert merged.state == ArticleState("done", "omar", T2) and merged.note == "a note"
    assert merge_sets(base, ours, base).document.state == ArticleState("in progress", "lina", T1)


# --------------------------------------------------------------------------- the listing


def test_the_summary_carries_the_state_without_building_the_model(article):
    sidecar = saved(article, annotation(QUOTE, "a1"))
    name = sidecar.path.name
    assert summarize_sidecar_bytes(sidecar.path.read_bytes(), "budget.txt", name=name).state == (
        "to do"
    )
    sidecar.save(sidecar.annotations.with_progress("done", "lina"))
    summary = summarize_sidecar_bytes(sidecar.path.read_bytes(), "budget.txt", name=name)
    assert (summary.state, summary.count, summary.problem) == ("done", 1, None)
