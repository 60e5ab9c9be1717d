"""Merges that keep conflicts (``merge_sets(..., conflicts=True)``, the git driver's) and
the ``conflict`` key of an annotation: model, canonical form, validation and schema."""

from __future__ import annotations

import json
from dataclasses import replace

import jsonschema
import pytest

from annotations import AnnotationSet, canonical_json, make_annotation, sidecar_schema
from annotations.merge import merge_sets
from annotations.model import Review
from annotations.validate import validate_sidecar
from reader.commands.check import resolved
from tests.schema_checks import refused_by_both

TEXT = "أعلنت الوزارة عن خطة جديدة للأمن الغذائي في العاصمة."


def base_set() -> AnnotationSet:
    state = AnnotationSet.empty("x.txt", TEXT)
    for n, (start, end) in enumerate([(0, 5), (6, 13), (14, 16), (17, 20)]):
        state = state.added(
            make_annotation(TEXT, start, end, tags=["t"], author="base", id=f"a{n}")
        )
    return state


def edited(state: AnnotationSet, annotation_id: str, **changes) -> AnnotationSet:
    current = state.get(annotation_id)
    assert current is not None
    return state.replaced(current.edited(**changes))


def test_both_sides_changed_one_annotation_keeps_ours_with_theirs_as_conflict():
    base = base_set()
    ours = edited(base, "a0", tags=("ours",))
    theirs = edited(base, "a0", tags=("theirs",), note="seen")
    merged = merge_sets(base, ours, theirs, conflicts=True)
    kept = merged.get("a0")
    assert kept == replace(ours.get("a0"), conflict=theirs.get("a0"))
    assert kept.conflict.tags == ("theirs",) and kept.conflict.note == "seen"
    # the store's merge (a live save) is unchanged: the later modified wins, no conflict
    live = merge_sets(base, ours, theirs).get("a0")
    assert live == theirs.get("a0") and live.conflict is None


def test_one_sided_changes_additions_and_deletes_follow_the_rules():
    base = base_set()
    new_ours = make_annotation(TEXT, 21, 26, tags=["n"], author="o", id="n-ours")
    new_theirs = make_annotation(TEXT, 27, 32, tags=["n"], author="t", id="n-theirs")
    ours = edited(base, "a1", note="ours only").added(new_ours).removed("a2")
    ours = edited(ours, "a3", tags=("kept",))
    theirs = edited(base, "a0", tags=("theirs only",)).added(new_theirs).removed("a3")
    merged = merge_sets(base, ours, theirs, conflicts=True)
    assert [a.id for a in merged.annotations] == ["a0", "a1", "a3", "n-ours", "n-theirs"]
    assert merged.get("a0") == theirs.get("a0")  # changed on their side only
    assert merged.get("a1") == ours.get("a1")  # changed on our side only
    assert merged.get("a3") == ours.get("a3")  # their delete loses to our edit
    assert all(a.conflict is None for a in merged.annotations)  # a2: deleted, unmodified


def test_a_review_on_one_side_and_an_edit_on_the_other_is_no_conflict():
    base = base_set()
    ours = base.replaced(base.get("a0").with_review("accepted", "lead"))
    theirs = edited(base, "a0", tags=("other",))
    kept = merge_sets(base, ours, theirs, conflicts=True).get("a0")
    assert kept == replace(theirs.get("a0"), review=ours.get("a0").review)
    assert kept.conflict is None


def test_a_resolved_conflict_on_one_side_wins_over_the_unresolved_one():
    base = base_set()
    ours = edited(base, "a0", tags=("ours",))
    theirs = edited(base, "a0", tags=("theirs",))
    in_conflict = merge_sets(base, ours, theirs, conflicts=True)
    settled = in_conflict.replaced(resolved(in_conflict.get("a0"), "theirs"))
    again = merge_sets(in_conflict, settled, in_conflict, conflicts=True).get("a0")
    assert again.conflict is None and again.tags == ("theirs",)
    assert again.modified > theirs.get("a0").modified  # settling is an edit


def test_conflict_is_written_like_an_unknown_key_and_read_back():
    base = base_set()
    ours = edited(base, "a0", tags=("ours",)).replaced(
        replace(edited(base, "a0", tags=("ours",)).get("a0"), review=Review("accepted", "l", "z"))
    )
    theirs = edited(base, "a0", tags=("theirs",))
    merged = merge_sets(base, ours, theirs, conflicts=True)
    text = canonical_json(merged)
    data = json.loads(text)
    entry = data["annotations"][0]
    assert list(entry)[-2:] == ["conflict", "review"]  # sorted among the unknown keys
    assert entry["conflict"] == theirs.get("a0").to_json()
    validate_sidecar(data)
    jsonschema.validate(data, sidecar_schema())
    assert AnnotationSet.from_json(data) == merged
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"  # the fast writer's
    assert canonical_json(AnnotationSet.from_json(data)) == text


def conflicted_data() -> dict:
    base = base_set()
    merged = merge_sets(
        base,
        edited(base, "a0", tags=("ours",)),
        edited(base, "a0", tags=("theirs",)),
        conflicts=True,
    )
    return json.loads(canonical_json(merged))


BROKEN = {
    "not-object": (lambda c: "x", "$.annotations[0].conflict"),
    "bad-tags": (lambda c: {**c, "tags": "t"}, "$.annotations[0].conflict.tags"),
    "no-quote": (
        lambda c: {k: v for k, v in c.items() if k != "quote"},
        "$.annotations[0].conflict",
    ),
    "other-id": (lambda c: {**c, "id": "zz"}, "$.annotations[0].conflict.id"),
    "nested": (lambda c: {**c, "conflict": dict(c)}, "$.annotations[0].conflict.conflict"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_conflict_is_refused_with_its_path(case):
    change, path = BROKEN[case]
    data = conflicted_data()
    data["annotations"][0]["conflict"] = change(data["annotations"][0]["conflict"])
    # The same id is a rule beyond the schema.
    assert refused_by_both(data, schema=case != "other-id") == path


def test_a_conflicts_offsets_are_its_own_sides():
    data = conflicted_data()
    conflict = data["annotations"][0]["conflict"]
    conflict.update(start=900, end=905)  # their text was longer
    validate_sidecar(data)
    jsonschema.validate(data, sidecar_schema())


def test_resolving_keeps_the_side_chosen_with_the_merged_review():
    base = base_set()
    ours = edited(base, "a0", tags=("ours",))
    ours = ours.replaced(ours.get("a0").with_review("accepted", "lead"))
    theirs = edited(base, "a0", tags=("theirs",), note="n")
    kept = merge_sets(base, ours, theirs, conflicts=True).get("a0")
    mine, other = resolved(kept, "ours"), resolved(kept, "theirs")
    assert replace(mine, modified="") == replace(ours.get("a0"), modified="")
    assert replace(other, modified="") == replace(
        theirs.get("a0"), review=ours.get("a0").review, modified=""
    )
    assert mine.modified > kept.modified and other.modified > kept.modified
    assert resolved(theirs.get("a0"), "theirs") is theirs.get("a0")  # nothing to settle
