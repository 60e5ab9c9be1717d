"""The catalog and search indexes on the edges a review found: file names that are not
UTF-8, an index another hamish is writing, a file rewritten within one timestamp tick."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader.library.catalog import scan_library
from reader.library.catalog_index import scan_catalog
from reader.library.search_index import index_path
from tests.paths import run_cli as run

# Written for these tests.
GOOD = "تقرير\n\nقال الوزير إن الأمن مستقر.\n"
BAD_NAME = "تقرير ثان\n\nوأضاف أن الأمن أولوية.\n"


@pytest.fixture
def odd_library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    (root / "ok.txt").write_text(GOOD, encoding="utf-8")
    bad = os.path.join(os.fsencode(root), b"bad\xff.txt")
    with open(bad, "wb") as f:
        f.write(BAD_NAME.encode("utf-8"))
    return root


def test_a_file_name_that_is_not_utf8_is_searched_and_listed(capsys, odd_library):
    for _ in range(2):  # cold (builds the index), then warm
        code, out, err = run(capsys, "search", "--bidi", "logical", str(odd_library), "الأمن")
        assert code == 0, err
        assert "internal error" not in err
        assert len(out.splitlines()) == 2
        assert any("bad" in line and "أولوية" in line for line in out.splitlines())
    for _ in range(2):
        entries = [e for batch in scan_catalog(odd_library) for e in batch]
        assert entries == list(scan_library(odd_library))
        assert len(entries) == 2


def test_an_index_another_search_is_writing_is_never_deleted(capsys, tmp_path):
    root = tmp_path / "library"
    root.mkdir()
    (root / "ok.txt").write_text(GOOD, encoding="utf-8")
    assert run(capsys, "search", str(root), "الأمن")[0] == 0
    where = index_path(root)
    inode = where.stat().st_ino
    holder = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another hamish, in the middle of writing
    try:
        code, out, _ = run(capsys, "search", "--bidi", "logical", str(root), "الأمن")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 0 and "مستقر" in out  # answered (from memory)
    assert where.stat().st_ino == inode  # the other's index left whole


def test_a_same_size_rewrite_within_one_tick_is_found(capsys, tmp_path):
    root = tmp_path / "library"
    root.mkdir()
    article = root / "a.txt"
    article.write_text("تقرير\n\nكلمة alpha هنا.\n", encoding="utf-8")
    code, _, _ = run(capsys, "search", str(root), "alpha")
    assert code == 0
    before = article.stat()
    # Rewritten in place, same size, and the same modification time: a coarse file
    # system (FAT, some network mounts) or a tool that keeps times gives exactly this.
    with open(article, "r+b") as f:
        f.write("تقرير\n\nكلمة delta هنا.\n".encode())
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert article.stat().st_size == before.st_size
    code, out, _ = run(capsys, "search", "--bidi", "logical", str(root), "delta")
    assert code == 0 and "delta" in out
