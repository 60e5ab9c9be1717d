"""Relations between annotations: the model, the sidecar on disk, validation, merge, undo,
an older hamish keeping them, and relation types in ``hamish.toml``."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import canonical_json, make_annotation, open_sidecar
from annotations.history import History
from annotations.model import Annotation, AnnotationSet, make_relation
from annotations.tagset import RelationType, load_tagset_report
from tests.paths import ROOT
from tests.schema_checks import accepted_by_both, refused_by_both

TEXT = (
    "قال وزير المالية إن «الاقتصاد سينمو بنسبة 3.2% في 2024» خلال مؤتمر صحفي.\n"
    "ونفى المتحدث باسم المعارضة ذلك.\n"
)
SPEAKER = "وزير المالية"
QUOTE = "الاقتصاد سينمو بنسبة 3.2% في 2024"
OTHER = "المتحدث باسم المعارضة"


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def annotation(words: str, tags=("quote",), id: str | None = None) -> Annotation:
    return make_annotation(TEXT, *span(words), tags=tags, author="rana", id=id)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "budget.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def linked(article: Path):
    """A saved sidecar: speaker --said--> quote; returns (sidecar, speaker, quote, relation)."""
    sidecar = open_sidecar(article, TEXT)
    speaker = annotation(SPEAKER, ("speaker/official",), id="a1")
    quote = annotation(QUOTE, id="a2")
    said = make_relation("a1", "a2", "said", author="rana", id="r1")
    sidecar.save(sidecar.annotations.added(speaker).added(quote).related(said))
    return sidecar, speaker, quote, said


# --------------------------------------------------------------------------- on disk


def test_saved_relations_are_the_canonical_record_and_reopen_equal(article):
    sidecar, _speaker, _quote, said = linked(article)
    raw = sidecar.path.read_bytes()
    assert raw == canonical_json(sidecar.annotations).encode("utf-8")
    assert raw == (
        json.dumps(sidecar.annotations.to_json(), ensure_ascii=False, indent=2) + "\n"
    ).encode("utf-8")
    data = json.loads(raw)
    assert list(data) == ["format", "version", "document", "annotations", "relations"]
    assert data["relations"] == [
        {
            "id": "r1",
            "type": "said",
            "from": "a1",
            "to": "a2",
            "author": "rana",
            "created": said.created,
            "modified": said.created,
        }
    ]
    assert said.created.endswith("Z")
    again = open_sidecar(article, TEXT)
    assert again.read_only is None
    assert again.annotations == sidecar.annotations
    assert again.annotations.relations == (said,)
    again.save()
    assert again.path.read_bytes() == raw


def test_relations_are_sorted_by_id_and_placed_like_an_unknown_key(article):
    sidecar, *_ = linked(article)
    third = annotation(OTHER, ("speaker",), id="a3")
    state = sidecar.annotations.added(third)
    state = state.related(make_relation("a3", "a2", "denied", author="rana", id="r0"))
    sidecar.save(state)
    data = json.loads(sidecar.path.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["relations"]] == ["r0", "r1"]
    # Unknown keys of other tools around it: "relations" takes its sorted place among them,
    # where a hamish that predates relations writes it.
    data["aardvark"] = 1
    data["zeta"] = {"x": [1, 2]}
    sidecar.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reopened = open_sidecar(article, TEXT)
    reopened.save()
    saved = reopened.path.read_text(encoding="utf-8")
    assert list(json.loads(saved)) == [
        "format", "version", "document", "annotations", "aardvark", "relations", "zeta",
    ]  # fmt: skip
    assert saved == json.dumps(json.loads(saved), ensure_ascii=False, indent=2) + "\n"


def test_a_sidecar_without_relations_is_written_as_before(article):
    sidecar = open_sidecar(article, TEXT)
    sidecar.save(sidecar.annotations.added(annotation(QUOTE)))
    assert "relations" not in json.loads(sidecar.path.read_text(encoding="utf-8"))


# Where hamish stood before relations: its annotations package is taken from this commit.
BEFORE_RELATIONS = "4f993de66fda888dbe142c2ce3722d152f8e28b0"

OLD_HAMISH_SCRIPT = """
import sys
from annotations import make_annotation, open_sidecar
import annotations.model as model
assert "relations" not in model.TOP_KEYS, "not the older hamish"
article, text = sys.argv[1], open(sys.argv[1], encoding="utf-8", newline="").read()
sidecar = open_sidecar(article, text)
assert sidecar.read_only is None, sidecar.read_only
start = text.index(sys.argv[2])
added = make_annotation(text, start, start + len(sys.argv[2]), tags=["speaker"], author="old")
sidecar.save(sidecar.annotations.added(added))
print(added.id)
"""


def older_hamish(tmp_path: Path) -> Path:
    """The ``annotations`` package as it was before relations, in a folder of its own."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git history")
    folder = tmp_path / "old-hamish"
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BEFORE_RELATIONS, "annotations"],
        capture_output=True,
    )
    if archive.returncode != 0:
        pytest.skip(f"commit {BEFORE_RELATIONS} is not in this clone")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def test_an_older_hamish_keeps_relations_as_an_unknown_key(article, tmp_path):
    _sidecar, _, _, said = linked(article)
    old = older_hamish(tmp_path)
    environment = {**os.environ, "PYTHONPATH": str(old)}
    result = subprocess.run(
        [sys.executable, "-c", OLD_HAMISH_SCRIPT, str(article), OTHER],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    new_id = result.stdout.strip()
    written_by_old = article.with_name("budget.txt.annotations.json").read_bytes()
    data = json.loads(written_by_old)
    assert data["relations"] == [said.to_json()]  # kept, whole
    # This hamish reads the old one's file with the relation and the old one's annotation,
    # and writes the very same bytes: both put "relations" in the same place.
    reopened = open_sidecar(article, TEXT)
    assert reopened.annotations.relations == (said,)
    assert reopened.annotations.get(new_id) is not None
    assert canonical_json(reopened.annotations).encode("utf-8") == written_by_old


def test_a_dangling_relation_is_kept_written_back_and_reported(article):
    sidecar, _speaker, _quote, said = linked(article)
    data = json.loads(sidecar.path.read_text(encoding="utf-8"))
    data["annotations"] = [a for a in data["annotations"] if a["id"] != "a2"]
    sidecar.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reopened = open_sidecar(article, TEXT)
    assert reopened.read_only is None  # valid: not a reason to refuse the file
    assert reopened.annotations.relations == (said,)
    assert reopened.annotations.dangling_relations == (said,)
    reopened.save(reopened.annotations.added(annotation(OTHER, ("speaker",), id="a3")))
    assert json.loads(reopened.path.read_text(encoding="utf-8"))["relations"] == [said.to_json()]


# --------------------------------------------------------------------------- validation


def valid() -> dict:
    state = AnnotationSet.empty("budget.txt", TEXT).added(annotation(SPEAKER, id="a1"))
    state = state.added(annotation(QUOTE, id="a2"))
    state = state.related(make_relation("a1", "a2", "said", author="rana", id="r1"))
    return json.loads(canonical_json(state))


BROKEN = {
    "not-a-list": (lambda d: d.update(relations={}), "$.relations"),
    "entry-not-object": (lambda d: d["relations"].append("r2"), "$.relations[1]"),
    "no-to": (lambda d: d["relations"][0].pop("to"), "$.relations[0]"),
    "no-type": (lambda d: d["relations"][0].pop("type"), "$.relations[0]"),
    "empty-type": (lambda d: d["relations"][0].update(type=""), "$.relations[0].type"),
    "from-number": (lambda d: d["relations"][0].update({"from": 3}), "$.relations[0].from"),
    "author-number": (lambda d: d["relations"][0].update(author=1), "$.relations[0].author"),
}


def test_a_valid_sidecar_with_relations_passes_the_schema_and_the_validator():
    data = valid()
    accepted_by_both(data)
    data["relations"][0]["to"] = "gone"  # dangling: still valid, reported elsewhere
    accepted_by_both(data)


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_relations_fail_both_at_their_path(case):
    change, path = BROKEN[case]
    data = copy.deepcopy(valid())
    change(data)
    assert refused_by_both(data) == path


def test_a_duplicate_relation_id_makes_the_file_read_only(article):
    sidecar, *_ = linked(article)
    data = json.loads(sidecar.path.read_text(encoding="utf-8"))
    data["relations"].append({**data["relations"][0], "type": "about"})
    raw = json.dumps(data, ensure_ascii=False)
    sidecar.path.write_text(raw, encoding="utf-8")
    reopened = open_sidecar(article, TEXT)
    assert "$.relations[1].id: duplicate id 'r1'" in (reopened.read_only or "")
    assert sidecar.path.read_text(encoding="utf-8") == raw


# --------------------------------------------------------------------------- the model


def test_relating_refuses_missing_ends_self_links_and_the_same_link_twice():
    state = AnnotationSet.empty("budget.txt", TEXT).added(annotation(SPEAKER, id="a1"))
    state = state.added(annotation(QUOTE, id="a2"))
    with pytest.raises(ValueError, match="no annotation zz"):
        state.related(make_relation("a1", "zz", "said"))
    with pytest.raises(ValueError, match="itself"):
        make_relation("a1", "a1", "said")
    with pytest.raises(ValueError, match="type"):
        make_relation("a1", "a2", "")
    state = state.related(make_relation("a1", "a2", "said", id="r1"))
    with pytest.raises(ValueError, match="already 'said'"):
        state.related(make_relation("a1", "a2", "said", id="r2"))
    both = state.related(make_relation("a2", "a1", "said", id="r2"))  # the other way is new
    assert [r.id for r in both.relations] == ["r1", "r2"]
    with pytest.raises(ValueError, match="duplicate relation id"):
        AnnotationSet(state.document, state.annotations, relations=(*state.relations,) * 2)


def test_deleting_an_annotation_can_take_its_relations_with_it():
    state = AnnotationSet.empty("budget.txt", TEXT)
    for words, id in ((SPEAKER, "a1"), (QUOTE, "a2"), (OTHER, "a3")):
        state = state.added(annotation(words, id=id))
    state = state.related(make_relation("a1", "a2", "said", id="r1"))
    state = state.related(make_relation("a3", "a2", "denied", id="r2"))
    state = state.related(make_relation("a3", "a1", "about", id="r3"))
    assert [r.id for r in state.relations_of("a2")] == ["r1", "r2"]
    assert state.removed("a2").relations == state.relations  # removed: left dangling
    assert [r.id for r in state.removed("a2").dangling_relations] == ["r1", "r2"]
    deleted = state.deleted("a2")
    assert [a.id for a in deleted.annotations] == ["a1", "a3"]
    assert [r.id for r in deleted.relations] == ["r3"]
    assert deleted.dangling_relations == ()


# --------------------------------------------------------------------------- undo


def test_delete_with_relations_is_one_undo_step(article):
    sidecar, _speaker, quote, said = linked(article)
    history = History()
    state = sidecar.annotations
    assert len(state.relations_of("a2")) == 1  # what the reader asks about
    deleted = history.delete(state, "a2")
    assert deleted.get("a2") is None and deleted.relations == ()
    sidecar.save(deleted)
    assert "relations" not in json.loads(sidecar.path.read_text(encoding="utf-8"))
    restored, step = history.undo(sidecar.annotations)
    assert step is not None and step.label == "delete"
    assert restored.get("a2") == quote and restored.relations == (said,)
    sidecar.save(restored)
    assert open_sidecar(article, TEXT).annotations.relations == (said,)
    again, _ = history.redo(restored)
    assert again.relations == () and again.get("a2") is None
    kept = History().delete(state, "a2", keep_relations=True)
    assert kept.relations == (said,) and kept.dangling_relations == (said,)


def test_relate_unrelate_and_retype_are_undoable_steps(article):
    sidecar, _speaker, _quote, said = linked(article)
    history = History()
    state = history.retype(sidecar.annotations, "r1", "about")
    (retyped,) = state.relations
    assert (retyped.id, retyped.type, retyped.created) == ("r1", "about", said.created)
    assert retyped.modified > said.modified
    state = history.unrelate(state, "r1")
    assert state.relations == ()
    state = history.add(state, annotation(OTHER, ("speaker",), id="a3"))
    denied = make_relation("a3", "a2", "denied", author="rana", id="r2")
    state = history.relate(state, denied)
    assert state.relations == (denied,)
    with pytest.raises(ValueError):
        history.relate(state, make_relation("a3", "a2", "denied", id="r3"))
    sidecar.save(state)
    on_disk = json.loads(sidecar.path.read_text(encoding="utf-8"))["relations"]
    assert on_disk == [denied.to_json()]
    for _ in range(4):
        state, _step = history.undo(state)
    assert state.relations == (said,) and state.get("a3") is None


# --------------------------------------------------------------------------- merge


def test_relations_added_on_both_sides_are_both_kept(article):
    mine, *_ = linked(article)
    theirs = open_sidecar(article, TEXT)
    state = theirs.annotations.added(annotation(OTHER, ("speaker",), id="a3"))
    theirs.save(state.related(make_relation("a3", "a2", "denied", author="sami", id="r2")))
    mine.save(mine.annotations.related(make_relation("a2", "a1", "about", id="r3")))
    merged = open_sidecar(article, TEXT).annotations
    assert [(r.id, r.type) for r in merged.relations] == [
        ("r1", "said"),
        ("r2", "denied"),
        ("r3", "about"),
    ]


def test_a_relation_delete_wins_only_over_an_unmodified_relation(article):
    mine, *_ = linked(article)
    theirs = open_sidecar(article, TEXT)
    theirs.save(theirs.annotations.unrelated("r1"))  # they delete it
    mine.save(mine.annotations.added(annotation(OTHER, id="a3")))  # we do not touch it
    assert open_sidecar(article, TEXT).annotations.relations == ()

    other = article.with_name("other.txt")
    other.write_text(TEXT, encoding="utf-8")
    mine, *_ = linked(other)
    theirs = open_sidecar(other, TEXT)
    theirs.save(theirs.annotations.unrelated("r1"))
    retyped = mine.annotations.relation("r1").edited(type="about")  # we change it
    mine.save(mine.annotations.related(retyped))
    assert open_sidecar(other, TEXT).annotations.relations == (retyped,)


def test_both_retyped_the_later_modified_wins_and_one_link_is_kept_once(article):
    mine, *_ = linked(article)
    theirs = open_sidecar(article, TEXT)
    theirs_version = theirs.annotations.relation("r1").edited(type="denied")
    theirs.save(theirs.annotations.related(theirs_version))
    ours_version = mine.annotations.relation("r1").edited(type="about")  # the clock ticks
    mine.save(mine.annotations.related(ours_version))
    assert open_sidecar(article, TEXT).annotations.relations == (ours_version,)

    # Two analysts draw the same new link, each under a new id: it is kept once.
    first = open_sidecar(article, TEXT)
    second = open_sidecar(article, TEXT)
    early = make_relation("a2", "a1", "about", id="zz")
    late = make_relation("a2", "a1", "about", id="aa")
    first.save(first.annotations.related(early))
    second.save(second.annotations.related(late))
    relations = open_sidecar(article, TEXT).annotations.relations
    assert [r for r in relations if r.ends == ("a2", "a1")] == [early]


def test_a_merge_that_leaves_a_relation_dangling_keeps_it(article):
    mine, *_ = linked(article)
    theirs = open_sidecar(article, TEXT)
    theirs.save(theirs.annotations.removed("a2"))  # another tool drops the quote only
    mine.save(mine.annotations.added(annotation(OTHER, id="a3")))
    merged = open_sidecar(article, TEXT).annotations
    assert merged.get("a2") is None
    assert [r.id for r in merged.dangling_relations] == ["r1"]


# --------------------------------------------------------------------------- relation types


def write_toml(folder: Path, text: str) -> Path:
    path = folder / "hamish.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_relation_types_are_read_next_to_tags(tmp_path):
    write_toml(
        tmp_path,
        'strict = true\n[[tags]]\nname = "quote"\n\n'
        '[[relations]]\nname = "said"\ndescription = "speaker → quote"\n'
        '[[relations]]\nname = " مصدر "\n',
    )
    tagset, errors = load_tagset_report(tmp_path)
    assert errors == []
    assert tagset.relations == (RelationType("said", "speaker → quote"), RelationType("مصدر"))
    assert tagset.relation_names() == ["said", "مصدر"]
    assert tagset.check_relation("said") is None
    assert tagset.check_relation("sad") == (
        f"relation type 'sad' is not in the strict tagset ({tmp_path / 'hamish.toml'}); "
        "did you mean 'said'?"
    )
    assert "bidi control" in (tagset.check_relation("sa\u202eid") or "")


def test_relation_type_problems_drop_only_what_is_wrong_with_their_lines(tmp_path):
    write_toml(
        tmp_path,
        '[[relations]]\nname = "said"\ncolour = "red"\n'  # 1-3
        '[[relations]]\nname = "said"\n'  # 4-5: duplicate
        "[[relations]]\ndescription = 3\n"  # 6-7: no name, bad description
        '[[relations]]\nname = "about"\n'  # 8-9
        "[[relation]]\n"  # 10: a near miss
        'name = "x"\n',
    )
    tagset, errors = load_tagset_report(tmp_path)
    assert tagset.relation_names() == ["said", "about"]
    assert [(e.line, e.message) for e in errors] == [
        (3, "unknown field 'colour' in a relation entry; allowed: name, description"),
        (5, "duplicate relation type 'said' (first at line 2)"),
        (6, "relation entry has no name"),
        (7, "description must be a string, not an integer"),
        (10, "unknown setting 'relation'; did you mean 'relations'?"),
    ]
    loose = load_tagset_report(tmp_path)[0]
    assert loose.check_relation("anything") is None  # not strict: any valid name
