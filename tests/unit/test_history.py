"""Undo/redo as a pure component, and undo after a save being saved too."""

from __future__ import annotations

import json

from annotations import AnnotationSet, History, make_annotation, open_sidecar, respan

TEXT = "قال الوزير إن الأمن مستتب وإن الاقتصاد ينمو بثبات هذا العام."


def test_add_delete_edit_undo_redo():
    history = History()
    state = AnnotationSet.empty("x.txt", TEXT)
    a = make_annotation(TEXT, 0, 10, tags=["quote"])
    state = history.add(state, a)
    state = history.edit(state, a.id, tags=("quote", "claim"), note="مهم")
    start = TEXT.index("الأمن")
    state = history.edit(state, a.id, label="span", **respan(TEXT, start, start + 5))
    assert state.get(a.id).quote == "الأمن" and state.get(a.id).tags == ("quote", "claim")
    state = history.delete(state, a.id)
    assert len(state) == 0

    state, step = history.undo(state)
    assert step.label == "delete" and state.get(a.id).quote == "الأمن"
    state, _ = history.undo(state)
    assert state.get(a.id).quote == TEXT[0:10] and state.get(a.id).note == "مهم"
    state, _ = history.undo(state)
    assert state.get(a.id).tags == ("quote",) and state.get(a.id).note == ""
    state, _ = history.undo(state)
    assert len(state) == 0 and not history.can_undo
    state, nothing = history.undo(state)
    assert nothing is None

    for _ in range(4):
        state, _ = history.redo(state)
    assert len(state) == 0 and not history.can_redo
    state, _ = history.undo(state)
    assert state.get(a.id).quote == "الأمن"


def test_a_new_edit_clears_redo():
    history = History()
    state = AnnotationSet.empty("x.txt", TEXT)
    state = history.add(state, make_annotation(TEXT, 0, 3))
    state, _ = history.undo(state)
    state = history.add(state, make_annotation(TEXT, 4, 8))
    assert not history.can_redo and len(state) == 1


def test_document_tags_and_note_undo():
    history = History()
    state = AnnotationSet.empty("x.txt", TEXT)
    state = history.set_document(state, tags=["topic/security"], note="مقال مهم")
    assert state.document.tags == ("topic/security",)
    state, _ = history.undo(state)
    assert state.document.tags == () and state.document.note == ""


def test_undo_leaves_changes_merged_from_others_alone():
    history = History()
    state = AnnotationSet.empty("x.txt", TEXT)
    mine = make_annotation(TEXT, 0, 3)
    state = history.add(state, mine)
    theirs = make_annotation(TEXT, 5, 9)
    state = state.added(theirs)  # merged in from disk, not an edit of ours
    state, _ = history.undo(state)
    assert [a.id for a in state.annotations] == [theirs.id]


def test_undo_after_save_is_saved(tmp_path):
    article = tmp_path / "x.txt"
    article.write_text(TEXT, encoding="utf-8")
    sidecar = open_sidecar(article, TEXT)
    history = History()
    a = make_annotation(TEXT, 0, 10, tags=["quote"])
    sidecar.save(history.add(sidecar.annotations, a))
    assert len(json.loads(sidecar.path.read_text())["annotations"]) == 1
    undone, _ = history.undo(sidecar.annotations)
    sidecar.save(undone)
    assert json.loads(sidecar.path.read_text())["annotations"] == []
    redone, _ = history.redo(sidecar.annotations)
    sidecar.save(redone)
    (entry,) = json.loads(sidecar.path.read_text())["annotations"]
    assert entry["id"] == a.id and entry["tags"] == ["quote"]
