"""The incremental catalog index: the same listing as a full scan, only changed files read."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from reader.library import catalog_index
from reader.library.cache import library_cache_folder
from reader.library.catalog import scan_library
from reader.library.catalog_index import INDEX_NAME, SCHEMA_VERSION, CatalogIndex, scan_catalog
from tests.paths import SAMPLES

SIDECAR = ".annotations.json"
PAST = time.time() - 3600
_ticks = iter(range(10**6))


def age(*paths: Path) -> None:
    """Date files about an hour back (a different second each call), so their stamps are
    trusted (not just written)."""
    when = PAST + next(_ticks)
    for path in paths:
        os.utime(path, (when, when))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    for name in ("ar_economy.txt", "en_markets.txt", "en_quoting_arabic.txt"):
        shutil.copyfile(SAMPLES / name, root / name)
    shutil.copyfile(SAMPLES / ("ar_economy.txt" + SIDECAR), root / ("ar_economy.txt" + SIDECAR))
    (root / "world").mkdir()
    shutil.copyfile(SAMPLES / "ar_frontmatter.md", root / "world" / "ar_frontmatter.md")
    age(*root.rglob("*"))
    return root


def listing(root: Path) -> list:
    return [entry for batch in scan_catalog(root, batch=2) for entry in batch]


@pytest.fixture
def summarised(monkeypatch) -> list[str]:
    """The articles summarised from their files (not taken from the index)."""
    calls: list[str] = []
    real = catalog_index.summarise_entry

    def counting(path, root, annotations_dir):
        calls.append(path.relative_to(root).as_posix())
        return real(path, root, annotations_dir)

    monkeypatch.setattr(catalog_index, "summarise_entry", counting)
    return calls


def test_the_index_lists_what_a_full_scan_lists_and_a_reopen_reads_nothing(library, summarised):
    expected = list(scan_library(library))
    assert listing(library) == expected
    assert [e.folded for e in listing(library)] == [e.folded for e in expected]
    assert (library_cache_folder(library) / INDEX_NAME).is_file()
    summarised.clear()
    assert listing(library) == expected
    assert summarised == []


def test_added_changed_and_removed_articles(library, summarised):
    listing(library)
    added = library / "world" / "new.txt"
    added.write_text("خبر جديد\nنص.\n", encoding="utf-8")
    changed = library / "en_markets.txt"
    changed.write_text("Markets rally\nBody.\n", encoding="utf-8")
    (library / "en_quoting_arabic.txt").unlink()
    age(added, changed)
    summarised.clear()
    entries = listing(library)
    assert entries == list(scan_library(library))
    assert sorted(summarised) == ["en_markets.txt", "world/new.txt"]
    by_name = {e.relative: e for e in entries}
    assert by_name["en_markets.txt"].title == "Markets rally"
    assert by_name["world/new.txt"].title == "خبر جديد"
    assert "en_quoting_arabic.txt" not in by_name
    rows = sqlite3.connect(library_cache_folder(library) / INDEX_NAME).execute(
        "SELECT relative FROM articles ORDER BY relative"
    )
    assert [r for (r,) in rows] == [e.relative for e in sorted(entries, key=lambda e: e.relative)]


def test_a_sidecar_added_or_changed_updates_the_counts(library):
    before = {e.relative: e for e in listing(library)}
    assert before["en_markets.txt"].annotations == 0
    side = library / ("en_markets.txt" + SIDECAR)
    data = (SAMPLES / ("ar_economy.txt" + SIDECAR)).read_text(encoding="utf-8")
    side.write_text(data.replace('"ar_economy.txt"', '"en_markets.txt"'), encoding="utf-8")
    age(side)
    after = {e.relative: e for e in listing(library)}
    assert after == {e.relative: e for e in scan_library(library)}
    assert after["en_markets.txt"].annotations == before["ar_economy.txt"].annotations > 0
    assert after["en_markets.txt"].tags == before["ar_economy.txt"].tags
    # The sidecar changed (one annotation fewer, a tag renamed): the counts follow.
    economy = library / ("ar_economy.txt" + SIDECAR)
    economy.write_text(economy.read_text(encoding="utf-8").replace('"claim"', '"CLAIM"'))
    age(economy)
    again = {e.relative: e for e in listing(library)}
    assert again == {e.relative: e for e in scan_library(library)}
    assert "CLAIM" in again["ar_economy.txt"].all_tags
    assert "claim" not in again["ar_economy.txt"].all_tags


def test_a_just_written_file_is_read_again_next_time(library, summarised):
    listing(library)
    fresh = library / "en_markets.txt"
    fresh.write_text("First\n", encoding="utf-8")  # written now: its stamp is not trusted
    listing(library)
    fresh.write_text("Other\n", encoding="utf-8")  # same size, maybe the same mtime tick
    summarised.clear()
    assert {e.relative: e.title for e in listing(library)}["en_markets.txt"] == "Other"
    assert summarised == ["en_markets.txt"]


def test_a_corrupt_index_is_rebuilt(library):
    expected = list(scan_library(library))
    listing(library)
    index = library_cache_folder(library) / INDEX_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"\x00garbage, not sqlite\xff" * 200)
    opened = CatalogIndex(library)
    assert opened.rebuilt and opened.path == index
    assert [e for batch in opened.scan() for e in batch] == expected
    opened.close()
    assert index.read_bytes().startswith(b"SQLite format 3")
    assert listing(library) == expected


def test_a_newer_schema_is_rebuilt(library):
    listing(library)
    index = library_cache_folder(library) / INDEX_NAME
    with sqlite3.connect(index) as db:
        db.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
        db.execute("UPDATE articles SET title = 'stale'")
    entries = listing(library)
    assert entries == list(scan_library(library))
    assert "stale" not in {e.title for e in entries}
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(SCHEMA_VERSION),
        )


def test_an_unwritable_cache_still_lists(library, tmp_path, monkeypatch):
    cache = tmp_path / "cache-is-a-file"  # no folder can be made in it, even by root
    cache.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    opened = CatalogIndex(library)
    assert opened.path is None  # in memory
    assert [e for batch in opened.scan() for e in batch] == list(scan_library(library))
    opened.close()
    assert listing(library) == list(scan_library(library))
    assert cache.read_text() == "not a folder"


def _many(root: Path, count: int) -> None:
    names = ["ar_economy.txt", "en_markets.txt", "ar_politics.txt", "he_tech.txt"]
    for n in range(count):
        name = names[n % len(names)]
        shutil.copyfile(SAMPLES / name, root / f"{n:03d}-{name}")
    shutil.copyfile(SAMPLES / ("ar_economy.txt" + SIDECAR), root / ("000-ar_economy.txt" + SIDECAR))
    age(*root.rglob("*"))


def test_a_cold_listing_summarised_in_worker_processes_equals_a_full_scan(tmp_path, monkeypatch):
    root = tmp_path / "many"
    root.mkdir()
    _many(root, 120)
    started: list[int] = []
    real = catalog_index.ProcessPoolExecutor

    def pool(workers, **kwargs):
        started.append(workers)
        return real(workers, **kwargs)

    monkeypatch.setattr(catalog_index, "POOL_MIN", 20)
    monkeypatch.setattr(catalog_index.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(catalog_index, "ProcessPoolExecutor", pool)
    entries = [entry for batch in scan_catalog(root, batch=50) for entry in batch]
    assert started == [2]  # one pool of two workers for the whole scan
    assert entries == list(scan_library(root))  # the same entries, in the same order
    again = [entry for batch in scan_catalog(root, batch=50) for entry in batch]
    assert again == entries and started == [2]  # warm: nothing to summarise, no pool


def test_a_pool_that_cannot_start_leaves_the_work_here(tmp_path, monkeypatch):
    root = tmp_path / "many"
    root.mkdir()
    _many(root, 40)

    def broken(*_args, **_kwargs):
        raise OSError("no /dev/shm")

    monkeypatch.setattr(catalog_index, "POOL_MIN", 5)
    monkeypatch.setattr(catalog_index.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(catalog_index, "ProcessPoolExecutor", broken)
    entries = [entry for batch in scan_catalog(root, batch=10) for entry in batch]
    assert entries == list(scan_library(root))
