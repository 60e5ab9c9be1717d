"""The incremental library catalog: an SQLite index of the listing's rows.

Where: ``library_cache_folder(root) / "catalog.sqlite"`` (the user's cache folder, see
:mod:`reader.library.cache` for why not inside the library).

One row per article, keyed by its path relative to the library root, holds the stat stamp
(size, ``st_mtime_ns``, inode) of the article and of its sidecar (and the sidecar's path,
which ``--annotations-dir`` changes), and the :class:`~reader.library.catalog.CatalogEntry`
fields, with the folded filter text. :func:`scan_catalog` walks the folder (``os.scandir``
and two ``stat`` calls per article), re-summarises only the articles whose stamps changed,
deletes the rows of files gone, and yields the listing in batches.

Writes: one transaction per batch (of at most :data:`BATCH` rows), journal in WAL mode
(``synchronous=NORMAL``), so another hamish may read the index while this one writes.

A stamp taken less than :data:`RACY_SECONDS` after the file's modification time is not
trusted on the next scan (the file is read again): a file written twice within the
file system's timestamp granularity, with the same size, would otherwise keep its old row.

The index never fails the listing: an index that cannot be opened, is not SQLite (garbage
bytes), has another schema version (a newer hamish's) or fails while read is deleted and
built again; a cache folder that cannot be written gives an in-memory index for the run;
a write that fails mid-scan (disk full) leaves the rest of the scan unindexed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, fields
from itertools import islice
from pathlib import Path
from typing import Any

from annotations.store import SIDECAR_SUFFIX, sidecar_path
from reader.library import article as _article
from reader.library import catalog
from reader.library.cache import RACY_SECONDS, is_busy, library_cache_folder, storable
from reader.library.catalog import CatalogEntry, filter_text, summarise_entry
from reader.library.find import find_articles

__all__ = [
    "BATCH",
    "INDEX_NAME",
    "RACY_SECONDS",
    "SCHEMA_VERSION",
    "CatalogIndex",
    "scan_catalog",
]

INDEX_NAME = "catalog.sqlite"
#: 2: the ``state`` column (an older index is deleted and made again).
SCHEMA_VERSION = 2
#: Bump when the way a row is summarised changes (titles, counts…): rows are then redone.
#: 2: rows carry the article's state.
SUMMARY_VERSION = 2
#: Rows per batch (and per write transaction).
BATCH = 200

Stamp = tuple[int, int, int]  # size, mtime_ns, inode; MISSING when the file is absent
MISSING: Stamp = (-1, -1, -1)

_COLUMNS = (
    "relative",
    "a_size",
    "a_mtime",
    "a_ino",
    "sidecar",
    "s_size",
    "s_mtime",
    "s_ino",
    "trusted",
    "title",
    "source",
    "date",
    "language",
    "direction",
    "annotations",
    "orphaned",
    "tags",
    "all_tags",
    "modified",
    "error",
    "sidecar_error",
    "folded",
    "state",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    relative TEXT PRIMARY KEY,
    a_size INTEGER NOT NULL, a_mtime INTEGER NOT NULL, a_ino INTEGER NOT NULL,
    sidecar TEXT NOT NULL,
    s_size INTEGER NOT NULL, s_mtime INTEGER NOT NULL, s_ino INTEGER NOT NULL,
    trusted INTEGER NOT NULL,
    title TEXT NOT NULL, source TEXT, date TEXT, language TEXT, direction TEXT NOT NULL,
    annotations INTEGER NOT NULL, orphaned INTEGER NOT NULL,
    tags TEXT NOT NULL, all_tags TEXT NOT NULL,
    modified REAL NOT NULL, error TEXT, sidecar_error TEXT,
    folded TEXT NOT NULL,
    state TEXT NOT NULL
) WITHOUT ROWID;
"""
_INSERT = (
    f"INSERT OR REPLACE INTO articles ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)


def _fingerprint() -> str:
    """What the stored summaries depend on besides the files (read at call time)."""
    return (
        f"{SUMMARY_VERSION}:{catalog.HEAD_BYTES}:{catalog.TAIL_BYTES}:{catalog.MAX_TAGS}:"
        f"{_article.MAX_ARTICLE_BYTES}"
    )


def _stamp(path: Path | str) -> tuple[Stamp, float, bool]:
    """(stamp, mtime in seconds, whether a regular file) of ``path``; MISSING if it cannot
    be stat'ed."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return MISSING, 0.0, False
    return (st.st_size, st.st_mtime_ns, st.st_ino), st.st_mtime, stat.S_ISREG(st.st_mode)


class CatalogIndex:
    """An open catalog index (a file in the cache, or in memory when that fails)."""

    def __init__(self, root: Path, *, path: Path | None = None) -> None:
        self.root = root
        self.path: Path | None = path if path is not None else self._default_path(root)
        self.rebuilt = False  # whether an unusable index file was deleted and made again
        self.connection = self._open()

    @staticmethod
    def _default_path(root: Path) -> Path | None:
        try:
            return library_cache_folder(root) / INDEX_NAME
        except Exception:  # no cache folder can be named (no HOME): in memory
            return None

    # -- opening -----------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                return self._open_file(self.path)
            except (sqlite3.Error, OSError) as error:
                if is_busy(error):  # another hamish is writing it: in memory, untouched
                    self.path = None
                    return self._memory()
                self._delete_files(self.path)
                self.rebuilt = True
                try:
                    return self._open_file(self.path)
                except (sqlite3.Error, OSError):
                    pass
        self.path = None
        return self._memory()

    def _memory(self) -> sqlite3.Connection:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        self._prepare(connection)
        return connection

    def _open_file(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=5.0, check_same_thread=False)
        try:
            with suppress(sqlite3.Error):  # WAL is an optimisation (not on every file system)
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._prepare(connection)
            # Read a row through: a damaged file fails here, not in the middle of a scan.
            connection.execute("SELECT * FROM articles LIMIT 1").fetchall()
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _delete_files(path: Path) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(OSError):
                os.unlink(f"{path}{suffix}")

    def _prepare(self, connection: sqlite3.Connection) -> None:
        """Create the tables, or check the schema version; a stale summary fingerprint
        empties the rows. Raises sqlite3.Error for an index to rebuild."""
        with connection:
            connection.executescript(_SCHEMA)
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
            version = meta.get("schema_version")
            if version is None:
                connection.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            elif version != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"catalog index schema {version}, not {SCHEMA_VERSION}")
            if meta.get("fingerprint") != _fingerprint():
                connection.execute("DELETE FROM articles")
                connection.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (_fingerprint(),)
                )

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self.connection.close()

    # -- rows --------------------------------------------------------------------------------

    def _stored(self) -> dict[str, tuple[Any, ...]]:
        rows = self.connection.execute(f"SELECT {', '.join(_COLUMNS)} FROM articles")
        return {row[0]: row for row in rows}

    def _reset(self) -> dict[str, tuple[Any, ...]]:
        """A fresh index after a read failed (the file is deleted and made again)."""
        self.close()
        if self.path is not None:
            self._delete_files(self.path)
            self.rebuilt = True
        self.connection = self._open()
        try:
            return self._stored()
        except sqlite3.Error:
            return {}

    def scan(
        self, annotations_dir: str | Path | None = None, batch: int | None = None
    ) -> Iterator[list[CatalogEntry]]:
        """The listing in :func:`find_articles` order, ``batch`` entries (default
        :data:`BATCH`, read at call time) at a time."""
        batch = batch or BATCH
        try:
            stored = self._stored()
        except sqlite3.Error:
            stored = self._reset()
        writable = True
        seen: set[str] = set()
        with _Summariser() as summarise:
            found = find_articles([self.root], non_regular=True)
            # One batch ahead: its stamps are taken and its summaries start in the
            # workers while this process finishes, stores and hands on the one before.
            ahead: _Pending | None = None
            while True:
                chunk = list(islice(found, batch))
                current = self._start(chunk, annotations_dir, stored, summarise) if chunk else None
                if ahead is not None:
                    entries, rows = self._finish(ahead)
                    seen.update(entry.relative for entry in entries)
                    writable = writable and self._write(rows)
                    yield entries
                if current is None:
                    break
                ahead = current
        gone = [relative for relative in stored if relative not in seen]
        if writable and gone:
            try:
                with self.connection:
                    self.connection.executemany(
                        "DELETE FROM articles WHERE relative = ?", ((r,) for r in gone)
                    )
            except sqlite3.Error:
                pass

    def _write(self, rows: list[tuple[Any, ...]]) -> bool:
        """Store ``rows`` in one transaction; False when the index cannot be written."""
        # A file name with undecodable bytes cannot be a key: that article is listed from
        # its file at every scan instead.
        rows = [row for row in rows if storable("\0".join(v for v in row if type(v) is str))]
        if not rows:
            return True
        try:
            with self.connection:
                self.connection.executemany(_INSERT, rows)
        except sqlite3.Error:
            return False
        return True

    def _start(
        self,
        chunk: list[tuple[Path, Path]],
        annotations_dir: str | Path | None,
        stored: dict[str, tuple[Any, ...]],
        summarise: _Summariser,
    ) -> _Pending:
        """Take the stamps of ``chunk``'s articles, and start summarising those whose
        stamps changed (maybe in other processes)."""
        looked = [self._lookup(path, root, annotations_dir, stored) for path, root in chunk]
        todo = [lookup for lookup in looked if lookup.entry is None]
        started = time.time()
        jobs = [(t.article_path, t.library_root, annotations_dir) for t in todo]
        return _Pending(looked, todo, started, summarise.start(jobs))

    def _finish(self, pending: _Pending) -> tuple[list[CatalogEntry], list[tuple[Any, ...]]]:
        """The entries of a started batch (from their rows when the stamps were
        unchanged, else as summarised) and the rows to store."""
        rows = []
        for lookup, entry in zip(pending.todo, pending.summaries(), strict=True):
            lookup.entry = entry
            # A regular file whose stamps were both taken well after their last change can
            # be trusted next time; an unreadable, odd or just-written one is looked at again.
            # The stamps were taken before the files were read: a change since gives them
            # another mtime (the last one lies RACY_SECONDS back), so the next scan reads
            # them again; no second stat is needed.
            trusted = (
                lookup.a_stamp != MISSING
                and lookup.regular
                and pending.started - max(lookup.a_mtime, lookup.s_mtime) >= RACY_SECONDS
            )
            rows.append(_to_row(entry, lookup.a_stamp, lookup.side, lookup.s_stamp, trusted))
        entries = [lookup.entry for lookup in pending.looked if lookup.entry is not None]
        return entries, rows

    def _lookup(
        self,
        article_path: Path,
        library_root: Path,
        annotations_dir: str | Path | None,
        stored: dict[str, tuple[Any, ...]],
    ) -> _Lookup:
        """One article's stamps, and its entry from its row when they are unchanged."""
        a_stamp, a_mtime, regular = _stamp(article_path)
        # Paths as strings where it is the same (a listing makes 20,000 of them): the
        # sidecar beside its article, and the relative path of one under its root.
        path, top = str(article_path), str(library_root)
        if annotations_dir is None:
            side = path + SIDECAR_SUFFIX
        else:
            side = str(sidecar_path(article_path, annotations_dir, library_root))
        s_stamp, s_mtime, _ = _stamp(side)
        lookup = _Lookup(
            article_path, library_root, side, a_stamp, a_mtime, regular, s_stamp, s_mtime
        )
        if os.sep == "/" and path.startswith(top + "/") and top not in (".", ""):
            relative = path[len(top) + 1 :]
        else:
            try:
                relative = article_path.relative_to(library_root).as_posix()
            except ValueError:
                relative = article_path.name
        row = stored.get(relative)
        if (
            row is not None
            and row[8]  # trusted
            and a_stamp != MISSING
            and tuple(row[1:4]) == a_stamp
            and row[4] == side
            and tuple(row[5:8]) == s_stamp
        ):
            lookup.entry = _from_row(row, article_path)
        return lookup


@dataclass(slots=True)
class _Pending:
    """A batch whose summaries were started: its lookups, those to summarise, when their
    stamps were taken, and what gives the summaries (waiting for the workers)."""

    looked: list[_Lookup]
    todo: list[_Lookup]
    started: float
    summaries: Callable[[], Iterable[CatalogEntry]]


@dataclass(slots=True)
class _Lookup:
    article_path: Path
    library_root: Path
    side: str  # the sidecar's path
    a_stamp: Stamp
    a_mtime: float
    regular: bool
    s_stamp: Stamp
    s_mtime: float
    entry: CatalogEntry | None = None


#: Below this many articles to summarise in a batch, other processes cost more than they
#: save (a worker starts in ~0.1 s; an article takes ~0.3 ms).
POOL_MIN = 100
#: Never more worker processes than this (nor than the machine's cores).
POOL_MAX = 4


def _summarise(job: tuple[Path, Path, str | Path | None]) -> CatalogEntry:
    return summarise_entry(*job)


#: The fields of an entry a worker sends back: all but the path, which the scan has (a
#: tuple of plain values pickles several times faster than a dataclass holding a Path).
_SENT = tuple(f.name for f in fields(CatalogEntry) if f.name != "path")


def _summarise_remote(job: tuple[Path, Path, str | Path | None]) -> tuple[Any, ...]:
    entry = summarise_entry(*job)
    return tuple(getattr(entry, name) for name in _SENT)


def _received(values: tuple[Any, ...], article_path: Path) -> CatalogEntry:
    return CatalogEntry(article_path, *values)


class _Summariser:
    """Summarises articles in order: in worker processes when there are many (a cold
    listing of thousands; one per core, started on first need), else here.

    The workers start from a fork server, never by forking this process (the reader's
    threads). A pool that cannot start or breaks leaves the work to this process.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._failed = False
        self._workers = min(POOL_MAX, os.cpu_count() or 1)

    def __enter__(self) -> _Summariser:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def start(
        self, jobs: list[tuple[Path, Path, str | Path | None]]
    ) -> Callable[[], Iterable[CatalogEntry]]:
        """Start summarising ``jobs``; the returned function gives their entries in order
        (waiting for them). Few jobs, or no pool: summarised here when asked for."""
        if len(jobs) >= POOL_MIN and self._workers > 1 and not self._failed:
            try:
                if self._pool is None:
                    context = multiprocessing.get_context("forkserver")
                    self._pool = ProcessPoolExecutor(self._workers, mp_context=context)
                chunk = max(1, len(jobs) // (4 * self._workers))
                results = self._pool.map(_summarise_remote, jobs, chunksize=chunk)
            except (OSError, RuntimeError, BrokenProcessPool, pickle.PicklingError, ValueError):
                self._failed = True
            else:
                return lambda: self._collect(results, jobs)
        return lambda: [_summarise(job) for job in jobs]

    def _collect(
        self, results: Iterator[tuple[Any, ...]], jobs: list[tuple[Path, Path, str | Path | None]]
    ) -> list[CatalogEntry]:
        try:
            return [_received(values, job[0]) for values, job in zip(results, jobs, strict=True)]
        except (OSError, RuntimeError, BrokenProcessPool, pickle.PicklingError, ValueError):
            self._failed = True  # the pool broke: this batch, and the next, done here
            return [_summarise(job) for job in jobs]


def _to_row(
    entry: CatalogEntry, a_stamp: Stamp, side: str, s_stamp: Stamp, trusted: bool
) -> tuple[Any, ...]:
    return (
        entry.relative,
        *a_stamp,
        side,
        *s_stamp,
        int(trusted),
        entry.title,
        entry.source,
        entry.date,
        entry.language,
        entry.direction,
        entry.annotations,
        entry.orphaned,
        json.dumps(entry.tags, ensure_ascii=False),
        json.dumps(entry.all_tags, ensure_ascii=False),
        entry.modified,
        entry.error,
        entry.sidecar_error,
        entry.folded,
        entry.state,
    )


def _from_row(row: tuple[Any, ...], article_path: Path) -> CatalogEntry:
    (relative, *_stamps) = row[:9]
    title, source, date, language, direction = row[9:14]
    annotations, orphaned, tags, all_tags, modified, error, sidecar_error, folded, state = row[14:]
    all_tags_tuple = tuple(json.loads(all_tags))
    return CatalogEntry(
        path=article_path,
        relative=relative,
        title=title,
        source=source,
        date=date,
        language=language,
        direction="rtl" if direction == "rtl" else "ltr",
        annotations=annotations,
        orphaned=orphaned,
        tags=tuple((tag, count) for tag, count in json.loads(tags)),
        modified=modified,
        error=error,
        sidecar_error=sidecar_error,
        all_tags=all_tags_tuple,
        folded=folded or filter_text(title, relative, all_tags_tuple),
        state=state,
    )


def scan_catalog(
    root: str | Path,
    annotations_dir: str | Path | None = None,
    *,
    batch: int | None = None,
    index_path: Path | None = None,
) -> Iterator[list[CatalogEntry]]:
    """The library listing of ``root`` in batches, through its catalog index.

    The same entries as :func:`reader.library.catalog.scan_library`, in the same order; a
    single file is listed without an index. Raises :class:`~reader.library.find.LibraryError`
    (when iterated) if ``root`` is not a file or folder.
    """
    root = Path(root)
    if not root.is_dir():
        entries = list(catalog.scan_library(root, annotations_dir))
        if entries:
            yield entries
        return
    index = CatalogIndex(root, path=index_path)
    try:
        yield from index.scan(annotations_dir, batch)
    finally:
        index.close()
