"""The corpus search index: exact offsets, folded variants, incremental updates, bad caches."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar, sidecar_path
from reader.commands.search import Hit, SearchStats, search_corpus
from reader.library.article import load_article
from reader.library.search_index import SearchIndex, entries_for, index_path
from reader.text.fold import find_all, fold

ECONOMY = (
    "قال الوزير إن الأمن الغذائي أولوية.\n"
    "وأكد أن الامن والاستقرار ضروريان، وأن الإمن كلمة خاطئة.\n"
    "الأَمْنُ في المدينة جيد، والـأمن في القرى أيضا.\n"
    "مستشفى المدينة ومستشفي القرية. مدرسة ومدرسه. سنة ٢٠٢٤ و2024.\n"
)
OTHER = "نشرت الصحيفة تقريرا عن الاقتصاد.\nلا شيء عن موضوعنا هنا.\n"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _annotate(path: Path, *specs: tuple[str, list[str], str]) -> None:
    """One annotation per (quote, tags, note) spec, on the quote's first occurrence."""
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    annotations = []
    for quote, tags, note in specs:
        start = text.index(quote)
        annotations.append(make_annotation(text, start, start + len(quote), tags=tags, note=note))
    sidecar.save(sidecar.annotations.with_annotations(annotations))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    _write(root / "economy.txt", ECONOMY)
    _write(root / "desk" / "other.txt", OTHER)
    _write(root / "desk" / "third.md", "# تقرير\n\nالإقتصاد والأمن.\n")
    _annotate(
        root / "economy.txt",
        ("الإمن", ["موضوع/الأمن"], "ملاحظة عن الامن"),
        ("الوزير", ["speaker/official"], ""),
    )
    age(root)
    return root


def age(root: Path) -> None:
    """Date every file an hour back: stamps taken within 2 s of a change are not trusted
    (the index reads such a file again), and these files are an archive, not being written."""
    when = time.time() - 3600
    for path in root.rglob("*"):
        if path.stat().st_mtime > time.time() - 60:  # only what was just written
            os.utime(path, (when, when))


def search(paths, query: str, **options) -> tuple[list[Hit], SearchStats, list[str]]:
    stats = SearchStats()
    problems: list[str] = []
    hits = list(
        search_corpus([str(p) for p in paths], query, stats=stats, problems=problems, **options)
    )
    return hits, stats, problems


def reference_text_hits(root: Path, query: str) -> list[tuple[str, int, int]]:
    """What find_all says on every article's real text, walked as find_articles walks."""
    from reader.library.find import find_articles

    found = []
    for path, _ in find_articles([root]):
        article = load_article(path)
        spans = find_all(fold(article.text), query, article.text)
        found += [(path.as_posix(), s, e) for s, e in spans if s >= article.body_start]
    return found


# --------------------------------------------------------------------------- offsets


@pytest.mark.parametrize("query", ["الأمن", "الامن", "الأَمن", "آلامن"])
def test_text_hits_slice_the_real_text_to_a_folded_match(library, query):
    hits, _, _ = search([library], query)
    needle = fold(query).text
    text_hits = [h for h in hits if h.kind == "text"]
    assert [(h.path, h.offset, h.end) for h in text_hits] == reference_text_hits(library, query)
    assert len(text_hits) == 6  # الأمن الامن الإمن الأَمْنُ الـأمن (economy) + الأمن (third)
    for hit in text_hits:
        text = load_article(Path(hit.path)).text
        assert text[hit.offset : hit.end] == hit.match
        assert fold(hit.match).text == needle
        assert text.splitlines()[hit.line - 1].find(hit.match) >= 0
    harakat = next(h for h in text_hits if "َ" in h.match)
    assert harakat.match == "الأَمْنُ"  # the marks after the last letter belong to the match


def test_quote_tag_and_note_hits_point_at_their_annotation(library):
    hits, _, _ = search([library], "الامن")
    text = (library / "economy.txt").read_text(encoding="utf-8")
    by_kind = {h.kind: h for h in hits if h.kind != "text"}
    assert set(by_kind) == {"quote", "tag", "note"}
    assert by_kind["quote"].match == "الإمن" and by_kind["tag"].match == "موضوع/الأمن"
    assert by_kind["note"].match == "ملاحظة عن الامن"
    for hit in by_kind.values():
        assert text[hit.offset : hit.end] == "الإمن"  # the annotated span itself
        assert fold(text[hit.offset : hit.end]).text == fold("الامن").text
        assert fold("الامن").text in fold(hit.match).text
        assert hit.line == 2 and hit.annotation
    # text hits of an article come first, then its annotations'
    kinds = [h.kind for h in hits if h.path.endswith("economy.txt")]
    assert kinds == ["text"] * 5 + ["quote", "note", "tag"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("مستشفى", {"مستشفى", "مستشفي"}),  # ى / ي
        ("مدرسة", {"مدرسة", "مدرسه"}),  # ة / ه
        ("2024", {"٢٠٢٤", "2024"}),  # Arabic-Indic digits
        ("امن", {"أمن", "امن", "إمن", "أَمْنُ"}),  # harakat dropped
        ("الـــامن", {"الأمن", "الامن", "الإمن", "الأَمْنُ", "الـأمن"}),  # tatweel in the query
    ],
)
def test_folded_variants_are_found(library, query, expected):
    hits, _, _ = search([library / "economy.txt"], query)
    assert {h.match for h in hits if h.kind == "text"} == expected


def test_a_query_of_two_characters_is_found(library):
    hits, _, _ = search([library], "2٠")
    assert [(Path(h.path).name, h.match) for h in hits] == [
        ("economy.txt", "٢٠"),
        ("economy.txt", "20"),
    ]


def test_a_query_of_ignored_characters_finds_nothing(library):
    assert search([library], "ـَ")[0] == []


# --------------------------------------------------------------------------- incremental


def test_the_second_search_reads_nothing_again(library):
    first, stats, _ = search([library], "الامن")
    assert stats.reindexed == 3 and not stats.in_memory and index_path(library).is_file()
    second, stats, _ = search([library], "الامن")
    assert second == first and (stats.reindexed, stats.removed) == (0, 0)


def test_an_added_changed_or_removed_article_and_a_changed_sidecar_are_reindexed_alone(library):
    search([library], "الامن")
    db = sqlite3.connect(index_path(library))
    ids_before = dict(db.execute("SELECT key, id FROM articles"))
    db.close()

    _write(library / "desk" / "new.txt", "خبر جديد عن الأمن.\n")
    _write(library / "desk" / "other.txt", OTHER + "والامن أيضا.\n")
    (library / "desk" / "third.md").unlink()
    age(library)
    hits, stats, _ = search([library], "الامن")
    assert (stats.reindexed, stats.removed, stats.rebuilt) == (2, 1, False)
    paths = {Path(h.path).relative_to(library).as_posix() for h in hits if h.kind == "text"}
    assert paths == {"economy.txt", "desk/new.txt", "desk/other.txt"}
    assert [(h.path, h.offset, h.end) for h in hits if h.kind == "text"] == reference_text_hits(
        library, "الامن"
    )

    _annotate(library / "economy.txt", ("الوزير", ["أمن/داخلي"], ""))  # the sidecar changes
    age(library)
    hits, stats, _ = search([library], "امن/داخلي")
    assert (stats.reindexed, stats.removed) == (1, 0)
    assert [(h.kind, h.match) for h in hits] == [("tag", "أمن/داخلي")]

    db = sqlite3.connect(index_path(library))
    ids_after = dict(db.execute("SELECT key, id FROM articles"))
    db.close()
    assert ids_after["desk/other.txt"] != ids_before["desk/other.txt"]  # re-indexed
    assert "desk/third.md" not in ids_after


def test_searching_one_file_leaves_the_rest_of_its_folder_indexed(library):
    search([library / "desk"], "الامن")
    _, stats, _ = search([library / "desk" / "other.txt"], "الامن")
    assert (stats.reindexed, stats.removed) == (0, 0)
    _, stats, _ = search([library / "desk"], "الامن")
    assert (stats.reindexed, stats.removed) == (0, 0)


def test_a_file_changed_without_a_new_stamp_still_gives_exact_offsets(library):
    path = library / "desk" / "other.txt"
    search([library], "الاقتصاد")
    before = path.stat()
    changed = OTHER.replace("نشرت", "كتبت")  # same length, the match moves nowhere…
    changed = changed.replace("تقريرا عن الاقتصاد", "عن الاقتصاد تقريرا")  # …but this one does
    assert len(changed) == len(OTHER)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    hits, stats, _ = search([library], "الاقتصاد")
    assert stats.reindexed == 0
    [hit] = [h for h in hits if h.path.endswith("other.txt")]
    assert changed[hit.offset : hit.end] == "الاقتصاد"


def test_problems_are_reported_again_from_the_index(library):
    (library / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    (library / "desk" / "other.txt.annotations.json").mkdir()
    age(library)
    _, _, first = search([library], "الامن")
    _, stats, second = search([library], "الامن")
    assert stats.reindexed == 0
    assert first == second and len(second) == 2
    assert "binary file" in second[0] and "is a folder, not a sidecar" in second[1]


# --------------------------------------------------------------------------- bad caches


def test_a_corrupt_index_is_rebuilt(library):
    expected, _, _ = search([library], "الامن")
    where = index_path(library)
    for suffix in ("-wal", "-shm"):
        Path(f"{where}{suffix}").unlink(missing_ok=True)
    where.write_bytes(b"this is not a database" * 100)
    hits, stats, _ = search([library], "الامن")
    assert hits == expected and stats.rebuilt and not stats.in_memory and stats.reindexed == 3
    assert sqlite3.connect(where).execute("SELECT count(*) FROM articles").fetchone() == (3,)


def test_an_index_from_a_newer_hamish_is_left_alone(library):
    expected, _, _ = search([library], "الامن")
    where = index_path(library)
    db = sqlite3.connect(where)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    hits, stats, _ = search([library], "الامن")
    assert hits == expected and stats.in_memory
    assert sqlite3.connect(where).execute("PRAGMA user_version").fetchone() == (99,)


def test_other_folding_rules_rebuild_the_index(library):
    search([library], "الامن")
    db = sqlite3.connect(index_path(library))
    db.execute("UPDATE meta SET value = 'older' WHERE key = 'fold'")
    db.commit()
    db.close()
    _, stats, _ = search([library], "الامن")
    assert stats.rebuilt and stats.reindexed == 3 and not stats.in_memory


def test_an_unwritable_cache_searches_in_memory(library, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    hits, stats, _ = search([library], "الامن")
    assert stats.in_memory and stats.reindexed == 3
    assert [(h.path, h.offset, h.end) for h in hits if h.kind == "text"] == reference_text_hits(
        library, "الامن"
    )


def test_the_index_opens_in_memory_without_a_cache_location(library):
    index = SearchIndex(library, location=None)
    entries = [entry for entry, _ in entries_for([library])]
    assert not index.in_memory
    index.close()
    index = SearchIndex(library, location=library / "economy.txt" / "search.sqlite")
    ids = index.refresh(entries, None, complete=True)
    assert index.in_memory and len(ids) == 3 and index.reindexed == 3
    index.close()


def test_a_first_search_of_many_articles_in_worker_processes_finds_the_same(library, monkeypatch):
    import reader.library.search_index as search_index

    expected, _, _ = search([library], "الامن")
    index_path(library).unlink()
    monkeypatch.setattr(search_index, "POOL_FROM", 1)
    hits, stats, _ = search([library], "الامن")
    assert hits == expected and stats.reindexed == 3 and not stats.in_memory


# --------------------------------------------------------------------------- segments


def _segment_files(root: Path) -> list[Path]:
    return sorted(index_path(root).parent.glob("search-*.folded"))


def _whole_hits(hits: list[Hit]) -> list[tuple]:
    return [(h.path, h.line, h.offset, h.end, h.kind, h.match, h.context) for h in hits]


@pytest.mark.parametrize("query", ["الامن", "امن/داخلي", "ملاحظة"])
def test_scans_in_two_processes_and_ahead_of_the_walk_find_what_one_scan_finds(
    library, monkeypatch, query
):
    import reader.library.search_index as search_index

    _annotate(library / "desk" / "other.txt", ("الصحيفة", ["أمن/داخلي"], "ملاحظة"))
    age(library)
    search([library], query)  # the index
    expected, _, _ = search([library], query)
    monkeypatch.setattr(search_index, "SCAN_IN_TWO_FROM", 1)  # every scan forks
    forked, stats, _ = search([library], query)
    assert stats.reindexed == 0 and _whole_hits(forked) == _whole_hits(expected) != []


def test_an_article_changed_while_the_scan_ran_ahead_is_searched_as_it_is_now(library, monkeypatch):
    import reader.library.search_index as search_index

    search([library], "الامن")
    monkeypatch.setattr(search_index, "SCAN_IN_TWO_FROM", 1)
    _write(library / "desk" / "other.txt", OTHER + "والامن أيضا.\n")  # appended to a segment
    _write(library / "desk" / "new.txt", "خبر جديد عن الأمن.\n")
    age(library)
    hits, stats, _ = search([library], "الامن")
    assert stats.reindexed == 2
    assert [(h.path, h.offset, h.end) for h in hits if h.kind == "text"] == reference_text_hits(
        library, "الامن"
    )
    assert {Path(h.path).name for h in hits} >= {"other.txt", "new.txt"}


def test_a_lost_or_cut_segment_is_searched_around_and_then_indexed_again(library):
    expected, _, _ = search([library], "الامن")
    (segment,) = _segment_files(library)
    segment.write_bytes(segment.read_bytes()[:10])  # cut short
    hits, stats, _ = search([library], "الامن")
    assert _whole_hits(hits) == _whole_hits(expected) and stats.reindexed == 0
    hits, stats, _ = search([library], "الامن")  # the next search indexes them again
    assert _whole_hits(hits) == _whole_hits(expected) and stats.reindexed == 3
    for segment in _segment_files(library):
        segment.unlink()
    hits, stats, _ = search([library], "الامن")
    assert _whole_hits(hits) == _whole_hits(expected) and stats.reindexed == 0
    assert search([library], "الامن")[1].reindexed == 3
    assert search([library], "الامن")[1].reindexed == 0


def test_dead_regions_are_compacted_into_one_segment(library, monkeypatch):
    import reader.library.search_index as search_index

    search([library], "الامن")
    monkeypatch.setattr(search_index, "_COMPACT_SLACK", 0)
    monkeypatch.setattr(search_index, "_TAIL_MAX", 0)  # every refresh starts a segment
    for n in range(3):
        _write(library / "desk" / "other.txt", OTHER + "والامن أيضا.\n" * (n + 1))
        age(library)
        search([library], "الامن")
    db = sqlite3.connect(index_path(library))
    live = db.execute("SELECT sum(body_size + notes_size + 2) FROM articles").fetchone()[0]
    named = {row[0] for row in db.execute("SELECT segment FROM articles")}
    db.close()
    files = _segment_files(library)
    assert {f.name for f in files} == named  # no file left that no row points at
    assert sum(f.stat().st_size for f in files) <= 2 * live  # compacted
    hits, _, _ = search([library], "الامن")
    assert [(h.path, h.offset, h.end) for h in hits if h.kind == "text"] == reference_text_hits(
        library, "الامن"
    )


def test_worker_processes_that_break_leave_the_work_to_the_search(library, monkeypatch):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    import reader.library.search_index as search_index

    expected, _, _ = search([library], "الامن")
    index_path(library).unlink()
    for segment in _segment_files(library):
        segment.unlink()
    monkeypatch.setattr(search_index, "POOL_FROM", 1)

    def broken_submit(jobs) -> None:
        segments = jobs.index._segments
        path = segments.folder / segments.new_name()
        path.write_bytes(b"half a job")  # what a worker wrote before it died
        jobs.paths.append(str(path))
        jobs.waiting = []
        future: Future = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        jobs.futures.append(future)

    monkeypatch.setattr(search_index._Jobs, "_submit", broken_submit)
    hits, stats, _ = search([library], "الامن")
    assert _whole_hits(hits) == _whole_hits(expected)
    assert stats.reindexed == 3 and not stats.in_memory
    db = sqlite3.connect(index_path(library))
    named = {row[0] for row in db.execute("SELECT segment FROM articles")}
    db.close()
    assert {f.name for f in _segment_files(library)} == named  # the job's segment is gone


def test_annotations_are_indexed_as_the_store_loads_them_settled_or_moved(library):
    import reader.library.search_index as search_index
    from annotations.sidecar import settled_annotations

    path = library / "economy.txt"
    (entry,) = [e for e, _ in entries_for([path])]

    def as_the_store_loads() -> list[tuple]:
        text = load_article(path).text
        loaded = open_sidecar(path, text).annotations.annotations
        return [(a.id, a.start, a.end, a.quote, a.note, a.tags) for a in loaded]

    text = load_article(path).text
    raw = sidecar_path(path).read_bytes()
    assert settled_annotations(raw, path.name, text, name="x") is not None  # the quick way
    assert search_index._sidecar_fields(entry, text, None) == as_the_store_loads()
    _write(path, "سطر جديد في البداية.\n" + ECONOMY)  # every annotation moves
    text = load_article(path).text
    assert settled_annotations(raw, path.name, text, name="x") is None  # through the store
    fields = search_index._sidecar_fields(entry, text, None)
    assert fields == as_the_store_loads() and fields[0][1] > 0


# --------------------------------------------------------------------------- two searches


def _numbered_library(root: Path, count: int) -> list[Path]:
    paths = [_write(root / f"a{i}.txt", f"عنوان {i}\nنص عن الأمن رقم {i}.\n") for i in range(count)]
    age(root)
    return paths


def test_a_search_paused_while_another_reindexes_never_shows_one_article_under_anothers_path(
    tmp_path, monkeypatch
):
    import reader.commands.search as search_module

    root = tmp_path / "library"
    a0, _a1, a2 = _numbered_library(root, 3)
    search([root], "الامن")  # the index: a0, a1, a2 have ids 1, 2, 3
    monkeypatch.setattr(search_module, "BATCH", 1)  # candidates fetched one by one
    paused = search_corpus([str(root)], "الامن")
    first = next(paused)  # a0's hit; a1's and a2's rows are fetched later
    _write(a0, "عنوان\nنص جديد بلا موضوع، والأمن في آخره.\n")
    _write(a2, "عنوان\nالأمن أولا ثم نص آخر.\n")
    age(root)
    search([root], "الامن")  # another search re-indexes: a0 now has a2's old id
    hits = [first, *paused]
    shown = [(h.path, h.offset, h.end) for h in hits if Path(h.path) != a0]
    assert shown == [r for r in reference_text_hits(root, "الامن") if Path(r[0]) != a0]
    text = load_article(a2).text
    assert all(text[h.offset : h.end] == h.match for h in hits if Path(h.path) == a2)


def test_two_searches_indexing_the_same_change_at_once_both_stay_on_disk(tmp_path):
    root = tmp_path / "library"
    paths = _numbered_library(root, 4)
    search([root], "الامن")
    _write(paths[1], "عنوان\nالأمن تغير.\n")
    age(root)
    entries = [e for e, _ in entries_for([root])]
    first, second = SearchIndex(root), SearchIndex(root)

    def walk_while_the_other_commits():
        second.refresh(entries, None, complete=True)  # commits the same change first
        yield from entries

    first.refresh(walk_while_the_other_commits(), None, complete=True)
    assert (first.reindexed, first.in_memory, second.in_memory) == (1, False, False)
    first.close()
    second.close()
    db = sqlite3.connect(index_path(root))
    keys = [row[0] for row in db.execute("SELECT key FROM articles ORDER BY key")]
    db.close()
    assert keys == ["a0.txt", "a1.txt", "a2.txt", "a3.txt"]


def test_tidying_behind_another_writer_waits_for_nobody(tmp_path, monkeypatch):
    import reader.library.search_index as search_index

    root = tmp_path / "library"
    paths = _numbered_library(root, 3)
    search([root], "الامن")
    _write(paths[0], "عنوان\nتغيير والأمن.\n")
    age(root)
    other = sqlite3.connect(index_path(root), isolation_level=None, timeout=5)
    tidy = search_index.SearchIndex._tidy

    def behind_a_writer(self):
        other.execute("BEGIN IMMEDIATE")  # another search's long build holds the lock
        try:
            tidy(self)
        finally:
            other.execute("ROLLBACK")

    monkeypatch.setattr(search_index.SearchIndex, "_tidy", behind_a_writer)
    hits, stats, _ = search([root], "الامن")
    other.close()
    assert (stats.reindexed, stats.in_memory) == (1, False)
    assert [(h.path, h.offset, h.end) for h in hits] == reference_text_hits(root, "الامن")
