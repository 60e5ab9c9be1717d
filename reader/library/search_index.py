"""The corpus search index: folded text of every article and of its annotations, in SQLite.

One database per library, ``library_cache_folder(root) / "search.sqlite"`` (see
:mod:`reader.library.cache` for why the user cache). It holds, per article:

- ``articles``: the key (its path relative to the library, ``/``-separated), its stamp
  (size, mtime_ns and inode of the article and of its sidecar, and the sidecar's path),
  the title, where the body starts, the original length, the codec and CRC-32 of the
  file, the positions :func:`fold`
  dropped (``Folded.deleted``, packed), the annotations (id, start, end, line and each
  field — quote, note, tags — with its folded form, re-anchored when indexed), and the
  one-line problems met reading it (an undecodable article, a sidecar that is a folder).
- ``texts``: an FTS5 table of the folded body and the folded annotation fields, tokenizer
  ``trigram case_sensitive 1``, ``detail=none``.

Why trigram over folded text. hamish search is grep-like: a substring of the folded text,
no word boundaries (Arabic attaches و ب ل ك ف ال to words, so ``الامن`` must find
``والأمن``). ``unicode61`` indexes words, so it cannot find a substring, and it splits
Arabic words at harakat; the text is folded first (:mod:`reader.text.fold`, the one
fold), so the tokenizer must not change it again (``case_sensitive 1``, no diacritic
removal). ``detail=none`` keeps the index a twentieth of ``detail=full``'s and quicker
to build; it answers "every trigram of the query is in the row", which only narrows the
candidates: the exact test is ``instr`` on the stored folded text, and the positions
come from :func:`reader.text.fold.find_folded` on the real text, read again, with the
stored fold when the file's CRC-32 and length are those it was folded from (else the
text is folded again), so offsets are always exact. A query shorter than three folded
characters has no trigram and scans the stored folded text with ``instr``.

Incremental: each search stats the articles it walks (and their sidecars) and re-indexes
only those whose stamp changed; articles gone from a complete walk are deleted. A corrupt
database, or one written with other folding rules or an older schema, is rebuilt; one
from a newer hamish, or a cache that cannot be written, gives an in-memory index for the
run. Searching never fails because of the index.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.library.cache import RACY_SECONDS, is_busy, storable
from reader.library.find import join_posix, walk_folders
from reader.text.fold import Folded, fingerprint, fold

__all__ = [
    "Candidate",
    "Entry",
    "IndexedAnnotation",
    "SearchIndex",
    "build_record",
    "entries_for",
    "index_path",
    "indexed_annotations",
]

SCHEMA_VERSION = 2  # bump when the tables change: older files are rebuilt
INDEX_NAME = "search.sqlite"
#: From this many articles to (re)index, reading and writing overlap (two threads).
_PIPELINE_FROM = 64
_SIDECAR_SUFFIX = ".annotations.json"

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles(
    id INTEGER PRIMARY KEY,
    key TEXT UNIQUE NOT NULL,
    stamp TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    body_start INTEGER NOT NULL DEFAULT 0,
    length INTEGER NOT NULL DEFAULT 0,
    encoding TEXT NOT NULL DEFAULT '',
    checksum INTEGER NOT NULL DEFAULT -1,
    deleted BLOB,
    annotations TEXT NOT NULL DEFAULT '[]',
    problems TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE texts USING fts5(
    body, notes, tokenize = 'trigram case_sensitive 1', detail = none
);
"""


def index_path(root: Path) -> Path:
    from reader.library.cache import library_cache_folder

    return library_cache_folder(root) / INDEX_NAME


# --------------------------------------------------------------------------- the walk


@dataclass(frozen=True, slots=True)
class Entry:
    """An article found by the walk: where it is, its key in the index, its stamp."""

    path: str  # as the walk found it (for display and for reading), "/"-separated
    root: Path  # the library it belongs to
    key: str  # relative to root, "/"-separated
    stamp: str  # "" when it cannot be indexed (a FIFO, a device): searched directly
    sidecar: str


def _stamp_of(st: os.stat_result | None) -> str:
    if st is None:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_mode:o}"


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _entry(
    path: str,
    st: os.stat_result | None,
    root: Path,
    key: str,
    sidecar: str,
    sidecar_known: bool | None,
) -> Entry:
    """The entry of the article at ``path`` (``st``: its stat, following links), whose
    sidecar is known to be there or not (``sidecar_known``), or must be looked for."""
    if st is not None and not stat.S_ISREG(st.st_mode):
        return Entry(path, root, key, "", sidecar)  # a pipe given by name: read it directly
    side = _stat(sidecar) if sidecar_known is not False else None
    stamp = f"{_stamp_of(st)}|{sidecar}|{_stamp_of(side)}"
    if not (storable(key) and storable(stamp)):
        # A name with undecodable bytes cannot be an SQLite key: searched directly.
        return Entry(path, root, key, "", sidecar)
    if _recent(st) or _recent(side):
        # Changed within the file system's timestamp granularity: a same-size rewrite in
        # that instant would keep this stamp, so the stored one is marked never to match
        # and the article is read again by the next search.
        stamp = RACY_MARK + stamp
    return Entry(path, root, key, stamp, sidecar)


RACY_MARK = "racy|"


def _recent(st: os.stat_result | None) -> bool:
    return st is not None and time.time() - st.st_mtime < RACY_SECONDS


def entries_for(
    paths: Iterable[str | Path], annotations_dir: str | None = None
) -> Iterator[tuple[Entry, bool]]:
    """(entry, whether its root was walked whole) for every article under ``paths``, in
    the order of :func:`reader.library.find.find_articles` (files as given; folders
    walked recursively, sorted per folder, hidden folders, non-articles and non-regular
    files skipped), each with its stamp.

    The walk is find.py's (:func:`~reader.library.find.walk_folders`), whose listings
    tell which sidecars exist (one ``stat`` per article, none for absent sidecars).
    """
    from annotations import sidecar_path
    from reader.library.find import LibraryError

    for given in paths:
        path = Path(given)
        if path.is_file() or path.is_fifo():
            side = sidecar_path(path, annotations_dir, path.parent).as_posix()
            posix = path.as_posix()
            yield _entry(posix, _stat(posix), path.parent, path.name, side, None), False
        elif path.is_dir():
            for entry in _walk(path.as_posix(), path, annotations_dir):
                yield entry, True
        elif path.exists():
            raise LibraryError(f"{path}: not a file or folder")
        else:
            raise LibraryError(f"{path}: no such file or folder")


def _walk(top: str, root: Path, annotations_dir: str | None) -> Iterator[Entry]:
    """The entries of every article under ``top``, walked by find.py's rules; a sidecar
    beside its article is known present or absent from the folder's own listing."""
    from annotations import sidecar_path

    for listing in walk_folders(top):
        for found in listing.articles:
            name = found.name
            path = join_posix(listing.folder, name)
            try:
                st: os.stat_result | None = found.stat()  # cached by scandir where it can be
            except OSError:  # a broken link: loading it says so
                st = None
            if annotations_dir is None:
                side = path + _SIDECAR_SUFFIX
                known: bool | None = (name + _SIDECAR_SUFFIX) in listing.names
            else:
                side, known = sidecar_path(path, annotations_dir, root).as_posix(), None
            yield _entry(path, st, root, listing.prefix + name, side, known)


# --------------------------------------------------------------------------- records


#: An annotation as the index keeps it: (id, start, end, line, fields), each field
#: (kind, value, folded value) with kind quote, note or tag. Plain JSON lists: a search
#: unpacks thousands of them and builds a hit for the few that match.
IndexedAnnotation = tuple[str, int, int, int, list[tuple[str, str, str]]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the index holds of an article whose text or annotations may match."""

    key: str
    title: str
    body_start: int
    length: int
    encoding: str  # the codec the article was decoded with when indexed
    checksum: int  # zlib.crc32 of the file's bytes when indexed (-1: unknown)
    folded: Folded
    annotations: list[IndexedAnnotation]


@dataclass(slots=True)
class _Record:
    stamp: str
    title: str = ""
    body_start: int = 0
    length: int = 0
    encoding: str = ""
    checksum: int = -1
    deleted: bytes = b""
    annotations: str = "[]"
    problems: str = ""
    body: str = ""
    notes: str = ""
    # Not stored: what a search without the index goes on with.
    text: str = ""
    folded: Folded | None = None


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset)


def build_record(entry: Entry, annotations_dir: str | None) -> _Record:
    """Read, fold and re-anchor one article for the index (its problems as lines)."""
    from annotations import SidecarError, open_sidecar
    from reader.library.article import ArticleError, load_article
    from reader.text.paragraphs import split_paragraphs

    try:
        article = load_article(entry.path)
    except ArticleError as error:
        return _Record(entry.stamp, problems=json.dumps([str(error)], ensure_ascii=False))
    text = article.text
    folded = fold(text)
    record = _Record(
        entry.stamp,
        title=article.title,
        body_start=article.body_start,
        length=len(text),
        encoding=article.encoding,
        checksum=_checksum(entry),
        deleted=array("I", folded.deleted).tobytes(),
        body=folded.text,
        text=text,
        folded=folded,
    )
    if entry.stamp.rsplit("|", 1)[-1] == "-":  # no sidecar
        return record
    try:
        sidecar = open_sidecar(
            entry.path, text, annotations_dir=annotations_dir, library_root=entry.root
        )
    except SidecarError as error:
        record.problems = json.dumps([str(error)], ensure_ascii=False)
        return record
    starts = [p.start for p in split_paragraphs(text)]
    annotations = []
    notes = []
    for annotation in sidecar.annotations.annotations:
        fields = [("quote", annotation.quote), ("note", annotation.note)]
        fields += [("tag", tag) for tag in annotation.tags]
        kept = []
        for kind, value in fields:
            if value:
                folded_value = fold(value).text
                kept.append((kind, value, folded_value))
                notes.append(folded_value)
        line = _line_of(starts, annotation.start)
        annotations.append((annotation.id, annotation.start, annotation.end, line, kept))
    record.annotations = json.dumps(annotations, ensure_ascii=False)
    record.notes = "\n".join(notes)
    return record


def _checksum(entry: Entry) -> int:
    """The CRC-32 of a regular file's bytes (read again: a search compares it with the
    file's then to know the stored fold is this text's), -1 for a pipe (read once)."""
    if not entry.stamp:
        return -1
    import zlib

    try:
        with open(entry.path, "rb") as f:
            return zlib.crc32(f.read())
    except OSError:
        return -1


def indexed_annotations(raw: str) -> list[IndexedAnnotation]:
    annotations: list[IndexedAnnotation] = json.loads(raw)
    return annotations


def _match_expression(needle: str) -> str | None:
    """Every trigram of ``needle`` (an FTS5 query: all of them), None when it has none."""
    grams = sorted({needle[i : i + 3] for i in range(len(needle) - 2)})
    if not grams:
        return None
    return " ".join('"' + g.replace('"', '""') + '"' for g in grams)


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """One library's search index (on disk, or in memory when that cannot be)."""

    def __init__(self, root: Path, *, location: Path | None = None) -> None:
        self.root = root
        self.in_memory = False
        self.reindexed = 0  # articles (re)indexed by the last refresh
        self.removed = 0  # articles deleted by the last refresh
        self.rebuilt = False  # the file was unusable and made anew
        where = location if location is not None else _cache_location(root)
        self._db = self._open(where)

    # -- opening

    def _open(self, where: Path | None) -> sqlite3.Connection:
        if where is not None:
            for attempt in range(2):
                try:
                    return self._open_file(where)
                except _Newer:
                    break
                except (sqlite3.Error, OSError) as error:
                    if attempt or is_busy(error):
                        break  # another search is writing it: in memory, never deleted
                    self.rebuilt = True
                    _remove(where)
        self.in_memory = True
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _create(db)
        return db

    def _open_file(self, where: Path) -> sqlite3.Connection:
        where.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(where), isolation_level=None, timeout=5, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _Newer
            rules = None
            if version == SCHEMA_VERSION:
                row = db.execute("SELECT value FROM meta WHERE key = 'fold'").fetchone()
                rules = row[0] if row else None
            if version != SCHEMA_VERSION or rules != fingerprint():
                db.close()
                if version:
                    self.rebuilt = True
                _remove(where)
                db = sqlite3.connect(
                    str(where), isolation_level=None, timeout=5, check_same_thread=False
                )
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                _create(db)
            # A write proves the cache is writable (else: in memory for this run).
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('opened', '1')")
            db.execute("COMMIT")
            db.execute("SELECT count(*) FROM articles").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def _fall_back(self) -> None:
        """The file broke in use: go on in memory (everything is re-indexed there)."""
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self.in_memory = True
        self.rebuilt = True
        self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _create(self._db)

    # -- updating

    def refresh(
        self, entries: list[Entry], annotations_dir: str | None, *, complete: bool
    ) -> dict[str, int]:
        """Bring the index up to date for ``entries``; with ``complete`` (the root walked
        whole), delete what is no longer there. Returns {key: id} of the entries."""
        for attempt in range(2):
            try:
                return self._refresh(entries, annotations_dir, complete)
            except sqlite3.Error:
                if attempt:
                    raise
                self._fall_back()
        raise AssertionError("unreachable")

    def _refresh(
        self, entries: list[Entry], annotations_dir: str | None, complete: bool
    ) -> dict[str, int]:
        db = self._db
        known = {
            key: (id_, stamp)
            for id_, key, stamp in db.execute("SELECT id, key, stamp FROM articles")
        }
        changed = [
            e
            for e in entries
            if e.stamp
            and (e.stamp.startswith(RACY_MARK) or known.get(e.key, (0, None))[1] != e.stamp)
        ]
        changed = list({e.key: e for e in changed}.values())  # a file named twice
        gone: list[int] = []
        if complete:
            present = {e.key for e in entries}
            gone = [id_ for key, (id_, _) in known.items() if key not in present]
        self.reindexed, self.removed = len(changed), len(gone)
        if changed or gone:
            db.execute("BEGIN IMMEDIATE")
            try:
                for id_ in gone:
                    db.execute("DELETE FROM texts WHERE rowid = ?", (id_,))
                    db.execute("DELETE FROM articles WHERE id = ?", (id_,))
                self._store_all(changed, annotations_dir, known)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            known = {
                key: (id_, stamp)
                for id_, key, stamp in db.execute("SELECT id, key, stamp FROM articles")
            }
        return {e.key: known[e.key][0] for e in entries if e.key in known}

    def _store_all(
        self, changed: list[Entry], annotations_dir: str | None, known: dict[str, tuple[int, str]]
    ) -> None:
        """Read, fold and store ``changed``. Many of them (a first search): the records are
        written by a second thread while this one reads and folds the next articles
        (SQLite lets go of the GIL while it tokenizes), one connection used by one thread
        at a time."""
        if len(changed) < _PIPELINE_FROM:
            for entry in changed:
                self._store(entry, build_record(entry, annotations_dir), known)
            return
        import queue
        import threading

        records: queue.Queue[tuple[Entry, _Record] | None] = queue.Queue(maxsize=64)
        failed: list[BaseException] = []

        def write() -> None:
            while (item := records.get()) is not None:
                if failed:
                    continue  # keep taking them: the reader never blocks on a full queue
                try:
                    self._store(*item, known)
                except BaseException as error:
                    failed.append(error)

        writer = threading.Thread(target=write, name="search-index-writer", daemon=True)
        writer.start()
        try:
            for entry in changed:
                if failed:
                    break
                records.put((entry, build_record(entry, annotations_dir)))
        finally:
            records.put(None)
            writer.join()
        if failed:
            raise failed[0]

    def _store(self, entry: Entry, record: _Record, known: dict[str, tuple[int, str]]) -> None:
        db = self._db
        old = known.get(entry.key)
        if old is not None:
            db.execute("DELETE FROM texts WHERE rowid = ?", (old[0],))
            db.execute("DELETE FROM articles WHERE id = ?", (old[0],))
        cursor = db.execute(
            "INSERT INTO articles(key, stamp, title, body_start, length, encoding, checksum,"
            " deleted, annotations, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.key,
                record.stamp,
                record.title,
                record.body_start,
                record.length,
                record.encoding,
                record.checksum,
                record.deleted,
                record.annotations,
                record.problems,
            ),
        )
        db.execute(
            "INSERT INTO texts(rowid, body, notes) VALUES (?, ?, ?)",
            (cursor.lastrowid, record.body, record.notes),
        )

    # -- reading

    def problems(self) -> dict[int, list[str]]:
        """{id: problem lines} of the articles that had any."""
        return {
            id_: json.loads(raw)
            for id_, raw in self._db.execute(
                "SELECT id, problems FROM articles WHERE problems != ''"
            )
        }

    def matching(self, needle: str) -> set[int]:
        """Ids of the articles whose folded text or annotation fields may hold ``needle``:
        all its trigrams are there (:meth:`candidates` then checks the needle itself), or,
        for a needle shorter than a trigram, the needle is."""
        expression = _match_expression(needle)
        if expression is None:
            rows = self._db.execute(
                "SELECT rowid FROM texts WHERE instr(body, ?1) OR instr(notes, ?1)", (needle,)
            )
        else:
            rows = self._db.execute("SELECT rowid FROM texts WHERE texts MATCH ?", (expression,))
        return {row[0] for row in rows}

    def candidates(self, ids: list[int], needle: str) -> dict[int, Candidate]:
        """The stored records of ``ids`` (those still there), fetched in one query; the
        annotations are decoded only where ``needle`` is in their folded fields."""
        found: dict[int, Candidate] = {}
        marks = ",".join("?" * len(ids))  # ?1 is the needle
        # The folded body and the annotations come out only where the needle is in them.
        rows = self._db.execute(
            "SELECT a.id, a.key, a.title, a.body_start, a.length, a.encoding, a.checksum,"
            " a.deleted, CASE WHEN instr(t.notes, ?1) THEN a.annotations END,"
            " CASE WHEN instr(t.body, ?1) THEN t.body END"
            f" FROM articles a JOIN texts t ON t.rowid = a.id WHERE a.id IN ({marks})",
            [needle, *ids],
        )
        for id_, key, title, body_start, length, encoding, checksum, deleted, raw, body in rows:
            positions = array("I")
            if body is not None and deleted:
                positions.frombytes(deleted)
            found[id_] = Candidate(
                key,
                title,
                body_start,
                length,
                encoding,
                checksum,
                Folded(body or "", positions.tolist()),
                indexed_annotations(raw) if raw is not None else [],
            )
        return found


class _Newer(Exception):
    """The index was written by a newer hamish: leave it alone."""


def _create(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)
    db.execute("INSERT INTO meta VALUES ('fold', ?)", (fingerprint(),))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _remove(where: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{where}{suffix}")
        except OSError:
            pass


def _cache_location(root: Path) -> Path | None:
    try:
        return index_path(root)
    except Exception:  # no usable cache folder at all: in memory
        return None
