"""Sidecar store: paths, canonical JSON, round trips, merges, read-only cases, failures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotations import (
    Annotation,
    AnnotationSet,
    SidecarReadOnly,
    SidecarWriteError,
    canonical_json,
    make_annotation,
    open_sidecar,
    sidecar_path,
    text_sha256,
)

TEXT = (
    "قال وزير المالية إن «الاقتصاد سينمو بنسبة 3.2% في 2024» خلال مؤتمر صحفي.\n"
    "وأضاف أن الحكومة لا تنوي رفع الضرائب.\n"
    "The minister said growth would reach 3.2% in 2024.\n"
)


def phrase(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "news.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def annotate(sidecar, words: str, tags=("quote",), note="") -> Annotation:
    start, end = phrase(sidecar.text, words)
    annotation = make_annotation(sidecar.text, start, end, tags=tags, note=note, author="rana")
    sidecar.save(sidecar.annotations.added(annotation))
    return annotation


def test_sidecar_path_rules(tmp_path):
    article = tmp_path / "lib" / "2024" / "x.txt"
    assert sidecar_path(article) == tmp_path / "lib" / "2024" / "x.txt.annotations.json"
    elsewhere = sidecar_path(article, tmp_path / "notes", tmp_path / "lib")
    assert elsewhere == tmp_path / "notes" / "2024" / "x.txt.annotations.json"


def test_saved_sidecar_is_canonical_readable_json(article):
    sidecar = open_sidecar(article, TEXT)
    annotate(sidecar, "الاقتصاد سينمو بنسبة 3.2% في 2024", tags=("quote", "topic/economy"))
    raw = sidecar.path.read_text(encoding="utf-8")
    assert raw.endswith("}\n") and "\n  " in raw
    assert "الاقتصاد سينمو" in raw  # not \u-escaped
    data = json.loads(raw)
    assert list(data) == ["format", "version", "document", "annotations"]
    assert data["document"] == {
        "file": "news.txt",
        "sha256": text_sha256(TEXT),
        "length": len(TEXT),
        "tags": [],
        "note": "",
    }
    (entry,) = data["annotations"]
    assert (
        TEXT[entry["start"] : entry["end"]] == entry["quote"] == "الاقتصاد سينمو بنسبة 3.2% في 2024"
    )
    assert entry["tags"] == ["quote", "topic/economy"]
    assert entry["author"] == "rana" and entry["created"].endswith("Z")
    assert list(entry)[:4] == ["id", "start", "end", "quote"]


def test_round_trip_is_identical_and_unknown_keys_survive(article):
    sidecar = open_sidecar(article, TEXT)
    annotate(sidecar, "لا تنوي رفع الضرائب")
    annotate(sidecar, "growth would reach 3.2%")
    data = json.loads(sidecar.path.read_text(encoding="utf-8"))
    data["reviewed_by"] = {"name": "other-tool", "at": "2024-05-01"}
    data["document"]["project"] = "elections"
    data["annotations"][0]["confidence"] = 0.9
    sidecar.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    first = open_sidecar(article, TEXT)
    first.save()
    saved = first.path.read_text(encoding="utf-8")
    second = open_sidecar(article, TEXT)
    assert second.annotations == first.annotations
    second.save()
    assert second.path.read_text(encoding="utf-8") == saved
    again = json.loads(saved)
    assert again["reviewed_by"] == {"name": "other-tool", "at": "2024-05-01"}
    assert again["document"]["project"] == "elections"
    assert again["annotations"][0]["confidence"] == 0.9


def test_annotations_are_sorted_by_start_end_id(article):
    sidecar = open_sidecar(article, TEXT)
    annotate(sidecar, "growth would reach")
    annotate(sidecar, "قال وزير المالية")
    starts = [a["start"] for a in json.loads(sidecar.path.read_text())["annotations"]]
    assert starts == sorted(starts)


def test_concurrent_edit_is_merged_not_overwritten(article):
    mine = open_sidecar(article, TEXT)
    theirs = open_sidecar(article, TEXT)
    a = annotate(mine, "قال وزير المالية")
    b = annotate(theirs, "The minister said")  # theirs never saw a
    merged = open_sidecar(article, TEXT).annotations
    assert {x.id for x in merged.annotations} == {a.id, b.id}


def test_delete_wins_only_over_an_unmodified_annotation(article):
    mine = open_sidecar(article, TEXT)
    kept = annotate(mine, "قال وزير المالية")
    dropped = annotate(mine, "The minister said")
    theirs = open_sidecar(article, TEXT)
    # They edit `kept` and leave `dropped` alone; we delete both.
    theirs.save(theirs.annotations.replaced(kept.edited(note="مهم")))
    mine.save(mine.annotations.removed(kept.id).removed(dropped.id))
    final = open_sidecar(article, TEXT).annotations
    assert [(x.id, x.note) for x in final.annotations] == [(kept.id, "مهم")]


def test_refresh_merges_external_changes_into_unsaved_state(article):
    mine = open_sidecar(article, TEXT)
    theirs = open_sidecar(article, TEXT)
    b = annotate(theirs, "The minister said")
    start, end = phrase(TEXT, "قال وزير المالية")
    local = make_annotation(TEXT, start, end, tags=["quote"])
    mine.annotations = mine.annotations.added(local)  # not saved yet
    assert mine.refresh() is True
    assert {x.id for x in mine.annotations.annotations} == {b.id, local.id}
    mine.save()
    assert {x.id for x in open_sidecar(article, TEXT).annotations.annotations} == {b.id, local.id}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"format": "hamish-annotations", "version": 1, "document": {', "not valid JSON"),
        ("[1, 2, 3]", "$: expected an object"),
        (
            '{"format": "hamish-annotations", "version": 1, "annotations": [],'
            ' "document": {"file": "news.txt", "sha256": "' + "0" * 64 + '", "length": "12"}}',
            "$.document.length",
        ),
        (
            '{"format": "hamish-annotations", "version": 1, "document": {"file": "news.txt", '
            '"sha256": "' + "0" * 64 + '", "length": 5}, '
            '"annotations": [{"id": "a", "start": 2, "end": 9, "quote": "abcdefg"}]}',
            "$.annotations[0].end: 9 is past the document's length 5",
        ),
        (
            '{"format": "hamish-annotations", "version": 1, "document": {"file": "other.txt", '
            '"sha256": "' + "0" * 64 + '", "length": 5}, "annotations": []}',
            "belongs to 'other.txt'",
        ),
        (
            '{"format": "hamish-annotations", "version": 7, "document": {"file": "news.txt", '
            '"sha256": "' + "0" * 64 + '", "length": 5}, "annotations": []}',
            "newer hamish (format version 7)",
        ),
    ],
    ids=[
        "truncated",
        "wrong-type-top",
        "wrong-type-length",
        "out-of-range",
        "other-article",
        "future",
    ],
)
def test_bad_sidecars_open_read_only_and_are_never_overwritten(article, content, reason):
    path = sidecar_path(article)
    path.write_text(content, encoding="utf-8")
    sidecar = open_sidecar(article, TEXT)
    assert sidecar.read_only and reason in sidecar.read_only
    assert "\n" not in sidecar.read_only and path.name in sidecar.read_only
    with pytest.raises(SidecarReadOnly):
        sidecar.save(sidecar.annotations.added(make_annotation(TEXT, 0, 3)))
    assert path.read_text(encoding="utf-8") == content


def test_future_version_annotations_are_shown_read_only(article):
    sidecar = open_sidecar(article, TEXT)
    annotate(sidecar, "قال وزير المالية")
    data = json.loads(sidecar.path.read_text(encoding="utf-8"))
    data["version"] = 2
    data["new_feature"] = True
    sidecar.path.write_text(json.dumps(data), encoding="utf-8")
    future = open_sidecar(article, TEXT)
    assert future.read_only and len(future.annotations) == 1


def test_unwritable_folder_is_a_clear_error_and_memory_keeps_the_work(tmp_path, monkeypatch):
    folder = tmp_path / "archive"
    folder.mkdir()
    article = folder / "news.txt"
    article.write_text(TEXT, encoding="utf-8")
    sidecar = open_sidecar(article, TEXT)
    work = sidecar.annotations.added(make_annotation(TEXT, 0, 3))
    before = sidecar.annotations

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("annotations.store.tempfile.mkstemp", refuse)
    with pytest.raises(SidecarWriteError) as error:
        sidecar.save(work)
    assert "Permission denied" in str(error.value) and "news.txt.annotations.json" in str(
        error.value
    )
    assert sidecar.annotations == before  # state unchanged; caller still holds `work`
    assert not sidecar.path.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_for_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    article = folder / "news.txt"
    article.write_text(TEXT, encoding="utf-8")
    folder.chmod(0o555)
    try:
        sidecar = open_sidecar(article, TEXT)
        with pytest.raises(SidecarWriteError):
            sidecar.save(sidecar.annotations.added(make_annotation(TEXT, 0, 3)))
    finally:
        folder.chmod(0o755)


def test_annotations_dir_for_read_only_archives(tmp_path):
    library = tmp_path / "lib"
    (library / "2024").mkdir(parents=True)
    article = library / "2024" / "news.txt"
    article.write_text(TEXT, encoding="utf-8")
    notes = tmp_path / "notes"
    sidecar = open_sidecar(article, TEXT, annotations_dir=notes, library_root=library)
    sidecar.save(sidecar.annotations.added(make_annotation(TEXT, 0, 3)))
    assert (notes / "2024" / "news.txt.annotations.json").is_file()
    assert not (library / "2024" / "news.txt.annotations.json").exists()


def test_edited_article_is_reanchored_on_load(article):
    sidecar = open_sidecar(article, TEXT)
    quote = annotate(sidecar, "لا تنوي رفع الضرائب")
    gone = annotate(sidecar, "growth would reach 3.2%")
    edited = "عاجل: " + TEXT.replace("The minister said growth would reach 3.2% in 2024.\n", "")
    article.write_text(edited, encoding="utf-8")
    reopened = open_sidecar(article, edited)
    moved = reopened.annotations.get(quote.id)
    assert moved.status == "moved" and moved.start == quote.start + len("عاجل: ")
    assert edited[moved.start : moved.end] == moved.quote
    orphan = reopened.annotations.get(gone.id)
    assert orphan.status == "orphaned" and orphan.quote == gone.quote and orphan.start == gone.start
    assert reopened.changed_on_load
    reopened.save()
    data = json.loads(reopened.path.read_text(encoding="utf-8"))
    assert data["document"]["sha256"] == text_sha256(edited)
    assert {a["status"] for a in data["annotations"]} == {"moved", "orphaned"}


def test_article_resaved_in_another_encoding_stays_anchored(article, tmp_path):
    sidecar = open_sidecar(article, TEXT)
    a = annotate(sidecar, "لا تنوي رفع الضرائب")
    article.write_bytes(TEXT.encode("cp1256", errors="strict"))
    from reader.library.article import load_article

    loaded = load_article(article)
    assert loaded.text == TEXT and loaded.encoding_detected
    reopened = open_sidecar(article, loaded.text)
    assert reopened.annotations.get(a.id).status == "anchored"
    assert not reopened.changed_on_load


def test_canonical_json_is_stable(article):
    document = AnnotationSet.empty("news.txt", TEXT)
    a = make_annotation(TEXT, 0, 3, tags=["b", "a"], author="x")
    one = canonical_json(document.added(a))
    two = canonical_json(AnnotationSet.from_json(json.loads(one)))
    assert one == two
