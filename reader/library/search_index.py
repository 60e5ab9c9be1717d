"""The corpus search index: folded text of every article and of its annotations.

Per library, in its cache folder (``library_cache_folder(root)``; see
:mod:`reader.library.cache` for why the user cache):

- ``search.sqlite``, table ``articles``: per article its key (the path relative to the
  library, ``/``-separated), its stamp (size, mtime_ns and inode of the article and of its
  sidecar, and the sidecar's path), the title, where the body starts, the original length,
  the codec and CRC-32 of the file, the positions :func:`fold` dropped
  (``Folded.deleted``, packed), the annotations (id, start, end, line and each field —
  quote, note, tags — with its folded form, re-anchored when indexed), the one-line
  problems met reading it, and where its folded text lies in a segment file;
- segment files ``search-<random>.folded``: per article, one *region*: the folded body in
  UTF-8, a NUL, the folded annotation fields (one per line), a NUL. Regions are only ever
  appended; a row points at its region (segment, position, the two sizes).

Why folded text scanned, not an inverted index. hamish search is grep-like: a substring
of the folded text, no word boundaries (Arabic attaches و ب ل ك ف ال to words, so
``الامن`` must find ``والأمن``). An n-gram index answers that (SQLite FTS5's ``trigram``
tokenizer over folded text did, in schema 2), but building one is the slow part of a
first search: 5 s of FTS5 inserts for a 208 MB corpus on this project's 2-core machine,
2.4 s even contentless, against 0.23 s for ``grep -r`` (the target is 10×). Scanning the
folded text for the folded query with ``bytes.find`` over a memory map runs at about
1.7 GB/s (0.12 s for that corpus, the page cache warm), which keeps a warm search within
2× of grep, and the index then costs only what folding costs: read, decode, fold and
append, spread over worker processes (one per core) when there are many articles. The
folded text is UTF-8 because ``find`` runs half again as fast on it as on UTF-16 (whose
every other byte is 0x06 in Arabic).

A scan gives, per article, whether the body and whether the annotation fields hold the
needle; positions then come from :func:`reader.text.fold.find_folded` on the real text,
read again, with the stored fold when the file's CRC-32 and length are those it was folded
from (else the text is folded again), so offsets are always exact.

Incremental: each search stats the articles it walks (and their sidecars) and re-indexes
only those whose stamp changed, appending their regions; articles gone from a complete
walk are deleted. When the segments hold more dead regions than live ones they are
compacted into one; segment files no row points at are deleted (only by the writer, which
holds the database's write lock; a search that finds a segment gone searches those
articles directly). Segments are synced before the rows that point at them are committed.
A corrupt database, or one written with other folding rules or an older schema, is
rebuilt; one from a newer hamish, or a cache that cannot be written, gives an in-memory
index for the run. Searching never fails because of the index.
"""

from __future__ import annotations

import json
import mmap
import os
import sqlite3
import stat
import time
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, groupby
from pathlib import Path
from typing import Any

from reader.library.cache import RACY_SECONDS, is_busy, storable
from reader.library.find import join_posix, walk_folders
from reader.library.search_hits import HitRow, annotation_hit_rows, text_hit_rows
from reader.text.fold import Folded, fingerprint, fold

__all__ = [
    "Candidate",
    "EarlyScan",
    "Entry",
    "IndexedAnnotation",
    "SearchIndex",
    "build_record",
    "entries_for",
    "index_path",
    "indexed_annotations",
]

SCHEMA_VERSION = 4  # bump when the tables change: older files are rebuilt
INDEX_NAME = "search.sqlite"
SEGMENT_PREFIX, SEGMENT_SUFFIX = "search-", ".folded"
#: From this many articles to (re)index, worker processes read and fold them (one per core,
#: from a fork server, ~0.1 s to start; an article takes ~0.1 ms a KB).
POOL_FROM = 400
#: Never more worker processes than this (nor than the machine's cores).
POOL_MAX = 4
#: Jobs per worker: enough to even out articles of different sizes, few segment files.
_JOBS_PER_WORKER = 2
#: Compact when the segments are larger than twice their live regions plus this.
_COMPACT_SLACK = 1 << 20
#: Small refreshes append to the newest segment while it is smaller than this.
_TAIL_MAX = 64 << 20
_SIDECAR_SUFFIX = ".annotations.json"
#: How folded text is written to a segment and how a needle is encoded to scan for it.
#: surrogatepass: a lone surrogate in a decoded text must not stop the index.
_CODEC = ("utf-8", "surrogatepass")

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
    annotations TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    segment TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    body_size INTEGER NOT NULL DEFAULT 0,
    notes_size INTEGER NOT NULL DEFAULT 0
);
"""
_COLUMNS = (
    "key, stamp, title, body_start, length, encoding, checksum, deleted, annotations,"
    " problems, segment, position, body_size, notes_size"
)
_INSERT = f"INSERT INTO articles({_COLUMNS}) VALUES ({', '.join('?' * 14)})"


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
        names, folder, prefix = listing.names, listing.folder, listing.prefix
        for found in listing.articles:
            name = found.name
            path = join_posix(folder, name)
            try:
                st: os.stat_result | None = found.stat()  # cached by scandir where it can be
            except OSError:  # a broken link: loading it says so
                st = None
            if annotations_dir is None:
                side = path + _SIDECAR_SUFFIX
                if (
                    st is not None
                    and (name + _SIDECAR_SUFFIX) not in names
                    and stat.S_ISREG(st.st_mode)
                    and name.isascii()
                    and time.time() - st.st_mtime >= RACY_SECONDS
                ):
                    # The common case, without the general path's checks: a settled
                    # regular file with an ASCII name (always storable) and no sidecar.
                    stamp = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_mode:o}|{side}|-"
                    if side.isascii() or storable(side):
                        yield Entry(path, root, prefix + name, stamp, side)
                        continue
                known: bool | None = (name + _SIDECAR_SUFFIX) in names
            else:
                side, known = sidecar_path(path, annotations_dir, root).as_posix(), None
            yield _entry(path, st, root, prefix + name, side, known)


# --------------------------------------------------------------------------- records


#: An annotation as the index keeps it: (id, start, end, line, fields), each field
#: (kind, value, folded value) with kind quote, note or tag. Plain JSON lists: a search
#: unpacks thousands of them and builds a hit for the few that match.
IndexedAnnotation = tuple[str, int, int, int, list[tuple[str, str, str]]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the index holds of an article whose text or annotations hold the needle."""

    key: str
    title: str
    body_start: int
    length: int
    encoding: str  # the codec the article was decoded with when indexed
    checksum: int  # zlib.crc32 of the file's bytes when indexed (-1: unknown)
    folded: Folded  # the folded body ("" when the needle is not in it)
    annotations: list[IndexedAnnotation]  # [] when the needle is in none of their fields


@dataclass(slots=True)
class _Record:
    stamp: str
    title: str = ""
    body_start: int = 0
    length: int = 0
    encoding: str = ""
    checksum: int = -1
    deleted: bytes = b""
    annotations: str = ""  # JSON Lines, one IndexedAnnotation a line
    problems: str = ""
    body: str = ""
    notes: str = ""
    # Not stored: what a search without the index goes on with.
    text: str = ""
    folded: Folded | None = None
    indexed: list[IndexedAnnotation] = field(default_factory=list)

    def region(self) -> tuple[bytes, int, int]:
        """The segment region (body, NUL, notes, NUL) and the sizes of its two parts."""
        body = self.body.encode(*_CODEC)
        notes = self.notes.encode(*_CODEC)
        return b"".join((body, b"\0", notes, b"\0")), len(body), len(notes)


def _line_of(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset)


def build_record(entry: Entry, annotations_dir: str | None) -> _Record:
    """Read, fold and re-anchor one article for the index (its problems as lines)."""
    from annotations import SidecarError
    from reader.library.article import ArticleError, decode_bytes, read_article_bytes, title_of

    try:
        data = read_article_bytes(entry.path)
        text, encoding, _ = decode_bytes(data, entry.path)
    except ArticleError as error:
        return _Record(entry.stamp, problems=json.dumps([str(error)], ensure_ascii=False))
    title, body_start = title_of(text, entry.path)
    folded = fold(text)
    record = _Record(
        entry.stamp,
        title=title,
        body_start=body_start,
        length=len(text),
        encoding=encoding,
        # A pipe is read once: its CRC would never be compared with anything.
        checksum=zlib.crc32(data) if entry.stamp else -1,
        deleted=array("I", folded.deleted).tobytes(),
        body=folded.text,
        text=text,
        folded=folded,
    )
    if entry.stamp.rsplit("|", 1)[-1] == "-":  # no sidecar
        return record
    try:
        stored = _sidecar_fields(entry, text, annotations_dir)
    except SidecarError as error:
        record.problems = json.dumps([str(error)], ensure_ascii=False)
        return record
    fields = [
        [
            (kind, value)
            for kind, value in (("quote", quote), ("note", note), *(("tag", t) for t in tags))
            if value
        ]
        for _, _, _, quote, note, tags in stored
    ]
    values = [value for each in fields for _, value in each]
    folded_values = iter(_fold_each(values))
    lines = _lines_of(text, [start for _, start, *_ in stored])
    annotations = [
        (id_, start, end, line, [(kind, value, next(folded_values)) for kind, value in each])
        for (id_, start, end, *_), line, each in zip(stored, lines, fields, strict=True)
    ]
    # One JSON line per annotation, and in the region one line of its folded fields: a
    # search decodes only the annotations whose line holds the needle.
    encode = _JSON_LINE.encode
    record.annotations = "\n".join(encode(a) for a in annotations)
    record.indexed = annotations
    notes = _ANNOTATION_BREAK.join(
        _FIELD_BREAK.join(f for _, _, f in kept) for *_, kept in annotations
    )
    if any(_ANNOTATION_BREAK in v or _FIELD_BREAK in v for v in values):  # hardly ever
        notes = _ANNOTATION_BREAK.join(
            _FIELD_BREAK.join(f.translate(_BREAKS_AS_SPACES) for _, _, f in kept)
            for *_, kept in annotations
        )
    record.notes = notes
    return record


#: One encoder for every annotation's JSON line (json.dumps would build one a call).
_JSON_LINE = json.JSONEncoder(ensure_ascii=False)

#: An annotation's fields as the index reads them: (id, start, end, quote, note, tags).
_Fields = tuple[str, int, int, str, str, tuple[str, ...]]


def _sidecar_fields(entry: Entry, text: str, annotations_dir: str | None) -> list[_Fields]:
    """The fields of the article's annotations as the reader would show them: straight
    from the validated JSON when loading would change nothing (the text is the one the
    sidecar was saved for, every quote in place), else through the store (re-anchored).
    Raises SidecarError when the sidecar cannot be read at all."""
    from annotations import open_sidecar, sidecar_path
    from annotations.sidecar import read_sidecar_bytes, settled_annotations

    path = sidecar_path(entry.path, annotations_dir, entry.root)
    raw = read_sidecar_bytes(path, name=path.name)
    if raw is None:
        return []
    article_file = entry.path.rsplit("/", 1)[-1]
    settled = settled_annotations(raw, article_file, text, name=path.name)
    if settled is not None:
        return [
            (e["id"], e["start"], e["end"], e["quote"], e.get("note", ""), tuple(e.get("tags", ())))
            for e in settled
        ]
    sidecar = open_sidecar(
        entry.path, text, annotations_dir=annotations_dir, library_root=entry.root
    )
    return [
        (a.id, a.start, a.end, a.quote, a.note, a.tags) for a in sidecar.annotations.annotations
    ]


def _lines_of(text: str, offsets: list[int]) -> list[int]:
    """The 1-based line (paragraph) of each offset: by counting line feeds when every break
    is one (most files), else from split_paragraphs."""
    if "\r" in text or "\u2029" in text:
        from reader.text.paragraphs import split_paragraphs

        starts = [p.start for p in split_paragraphs(text)]
        return [_line_of(starts, offset) for offset in offsets]
    lines = []
    for offset in offsets:
        lines.append(text.count("\n", 0, offset) + 1)
    return lines


#: In the region's notes: between two annotations, and between the fields of one. In a
#: field they are read as spaces (control characters: a query holds none), so that the
#: k-th line is always the k-th annotation's.
_ANNOTATION_BREAK, _FIELD_BREAK = "\x1e", "\x1f"
_BREAKS_AS_SPACES = str.maketrans({_ANNOTATION_BREAK: " ", _FIELD_BREAK: " "})


#: Joins the annotation fields of an article so that they are folded in one call (fold
#: keeps it: a control character is neither dropped nor mapped).
_FIELD_SEPARATOR = "\x1e"


def _fold_each(values: list[str]) -> list[str]:
    """``[fold(v).text for v in values]``, in one call of :func:`fold` unless a value holds
    the separator (hundreds of short fields: the per-call cost is most of it)."""
    if any(_FIELD_SEPARATOR in v for v in values):
        return [fold(v).text for v in values]
    return fold(_FIELD_SEPARATOR.join(values)).text.split(_FIELD_SEPARATOR) if values else []


def indexed_annotations(raw: str, lines: Iterable[int] | None = None) -> list[IndexedAnnotation]:
    """The annotations of a record's ``annotations`` (JSON Lines), or only the ``lines``
    given (0-based, in order)."""
    if not raw:
        return []
    rows = raw.split("\n")
    if lines is not None:
        rows = [rows[k] for k in lines]
    return [json.loads(row) for row in rows]


def _row(key: str, record: _Record, segment: str, position: int, sizes: tuple[int, int]) -> tuple:
    return (
        key,
        record.stamp,
        record.title,
        record.body_start,
        record.length,
        record.encoding,
        record.checksum,
        record.deleted,
        record.annotations,
        record.problems,
        segment,
        position,
        *sizes,
    )


# --------------------------------------------------------------------------- segments


class _Segments:
    """Where the regions live: files beside the database, or byte arrays in memory."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._memory: dict[str, bytearray] = {}
        self._views: dict[str, Any] = {}  # name: an open mmap, b"" or a bytearray

    @staticmethod
    def new_name() -> str:
        return f"{SEGMENT_PREFIX}{os.urandom(8).hex()}{SEGMENT_SUFFIX}"

    def appender(self, name: str) -> _Appender:
        self._forget(name)  # a map made before would not see what is appended
        if self.folder is None:
            return _Appender(None, self._memory.setdefault(name, bytearray()))
        return _Appender(self.folder / name, None)

    def view(self, name: str, at_least: int = 0) -> Any:
        """The segment's bytes (a read-only map), or None when it cannot be read or is
        shorter than ``at_least`` bytes. A map made before another search appended to the
        file is made again (once) when it is too short."""
        if name in self._views:
            view = self._views[name]
            if view is not None and len(view) >= at_least:
                return view
            self._forget(name)
        view = self._open_view(name)
        self._views[name] = view
        return view if view is not None and len(view) >= at_least else None

    def _open_view(self, name: str) -> Any:
        if self.folder is None:
            return self._memory.get(name)
        try:
            with open(self.folder / name, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        except (OSError, ValueError):
            return None

    def sizes(self) -> dict[str, int]:
        """{name: size} of every segment there is."""
        if self.folder is None:
            return {name: len(data) for name, data in self._memory.items()}
        found = {}
        try:
            with os.scandir(self.folder) as listing:
                for item in listing:
                    name = item.name
                    if name.startswith(SEGMENT_PREFIX) and name.endswith(SEGMENT_SUFFIX):
                        try:
                            found[name] = item.stat().st_size
                        except OSError:
                            pass
        except OSError:
            pass
        return found

    def delete(self, name: str) -> None:
        self._forget(name)
        if self.folder is None:
            self._memory.pop(name, None)
            return
        try:
            os.unlink(self.folder / name)
        except OSError:
            pass

    def _forget(self, name: str) -> None:
        view = self._views.pop(name, None)
        if isinstance(view, mmap.mmap):
            view.close()

    def close(self) -> None:
        for name in list(self._views):
            self._forget(name)


class _Appender:
    """Appends regions to one segment; :meth:`finish` syncs it (before rows point at it)."""

    def __init__(self, path: Path | None, memory: bytearray | None) -> None:
        self._memory = memory
        self._file = None
        if path is not None:
            self._file = open(path, "ab")  # closed by finish or abandon
            self.position = self._file.seek(0, os.SEEK_END)
        else:
            assert memory is not None
            self.position = len(memory)

    def append(self, region: bytes) -> int:
        """Append ``region``; returns where it starts."""
        start = self.position
        if self._file is not None:
            self._file.write(region)
        else:
            assert self._memory is not None
            self._memory += region
        self.position += len(region)
        return start

    def finish(self) -> None:
        if self._file is not None:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
            finally:
                self._file.close()
                self._file = None

    def abandon(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


#: What indexing an article says of the search's needle: (in its body, in its notes).
Found = tuple[bool, bool]
#: ... and the hits themselves, made from the text at hand: (in body, in notes, the
#: article's key, its title, its hit rows), so that a first search reads nothing twice.
Fresh = tuple[bool, bool, str, str, list[HitRow]]


def _found(key: str, record: _Record, needle: str | None) -> Fresh | None:
    """Whether the needle is in the record's folded body and notes, and its hits there
    (None: no needle)."""
    if needle is None:
        return None
    in_body, in_notes = needle in record.body, needle in record.notes
    rows: list[HitRow] = []
    if in_body and record.folded is not None:
        rows = text_hit_rows(record.text, record.folded, needle, record.body_start)
    if in_notes:
        rows += annotation_hit_rows(record.indexed, needle)
    return in_body, in_notes, key, record.title, rows


def _index_job(
    job: tuple[list[Entry], str | None, str, str | None],
) -> list[tuple[tuple, Fresh | None]]:
    """A worker's part of a big (re)index: read and fold ``entries`` into a new segment
    at ``path``; returns their rows (the segment synced), each with :func:`_found`."""
    entries, annotations_dir, path, needle = job
    name = os.path.basename(path)
    appender = _Appender(Path(path), None)
    rows = []
    try:
        for entry in entries:
            record = build_record(entry, annotations_dir)
            region, body_size, notes_size = record.region()
            position = appender.append(region)
            row = _row(entry.key, record, name, position, (body_size, notes_size))
            rows.append((row, _found(entry.key, record, needle)))
        appender.finish()
    except BaseException:
        appender.abandon()
        raise
    return rows


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """One library's search index (on disk, or in memory when that cannot be)."""

    def __init__(self, root: Path, *, location: Path | None = None) -> None:
        self.root = root
        self.in_memory = False
        self.reindexed = 0  # articles (re)indexed by the last refresh
        self.removed = 0  # articles deleted by the last refresh
        self.rebuilt = False  # the file was unusable and made anew
        #: Ids of articles whose segment could not be read by the last :meth:`matching`:
        #: the search reads them directly.
        self.unreadable: set[int] = set()
        self.entries: list[Entry] = []  # what the last refresh walked
        # What the last refresh found of its needle in what it (re)indexed: {id: Found}
        # (a key until the rows have ids), and that needle.
        self._fresh: dict[Any, Fresh] = {}
        self._fresh_needle: str | None = None
        where = location if location is not None else _cache_location(root)
        self._db = self._open(where)
        self._segments = _Segments(None if self.in_memory or where is None else where.parent)

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
        db = _connect(where)
        try:
            # Under the write lock: two first searches never both create the tables, and
            # one never deletes what the other is making (a new file is version 0).
            db.execute("BEGIN IMMEDIATE")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _Newer
            rules = None
            if version == SCHEMA_VERSION:
                row = db.execute("SELECT value FROM meta WHERE key = 'fold'").fetchone()
                rules = row[0] if row else None
            if version == 0:
                _create(db)  # in this transaction
            elif version != SCHEMA_VERSION or rules != fingerprint():
                db.execute("ROLLBACK")
                db.close()
                self.rebuilt = True
                _remove(where)  # an older schema or other folding rules: made anew
                db = _connect(where)
                db.execute("BEGIN IMMEDIATE")
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                    _create(db)
            # A write proves the cache is writable (else: in memory for this run).
            db.execute("INSERT OR REPLACE INTO meta VALUES ('opened', '1')")
            db.execute("COMMIT")
            db.execute("SELECT count(*) FROM articles").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._segments.close()
        self._db.close()

    def _fall_back(self) -> None:
        """The file broke in use: go on in memory (everything is re-indexed there)."""
        self._segments.close()
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self.in_memory = True
        self.rebuilt = True
        self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _create(self._db)
        self._segments = _Segments(None)

    # -- updating

    def refresh(
        self,
        entries: Iterable[Entry],
        annotations_dir: str | None,
        *,
        complete: bool,
        needle: str | None = None,
    ) -> dict[str, int]:
        """Bring the index up to date for ``entries`` (an iterable: a walk still under way
        is consumed as it goes, its changed articles handed to worker processes as soon
        as there are many); with ``complete`` (the root walked whole), delete what is no
        longer there. Returns {key: id} of the entries; :attr:`entries` is their list.
        With ``needle``, what is (re)indexed is searched for it on the way (its folded text
        is at hand), and :meth:`matching` of that needle scans only the rest."""
        self.entries = []
        source = iter(entries)
        for attempt in range(2):
            try:
                # A second attempt goes over what the first consumed, then the rest.
                walked = chain(list(self.entries), source)
                return self._refresh(walked, annotations_dir, complete, needle)
            except (sqlite3.Error, OSError):  # OSError: a segment could not be written
                if attempt:
                    raise
                self._fall_back()
        raise AssertionError("unreachable")

    def _refresh(
        self,
        entries: Iterable[Entry],
        annotations_dir: str | None,
        complete: bool,
        needle: str | None,
    ) -> dict[str, int]:
        db = self._db
        self._fresh = {}
        self._fresh_needle = needle
        # Dicts built from the rows by C code: 20,000 rows are read at every search.
        stamps: dict[str, str] = dict(db.execute("SELECT key, stamp FROM articles"))
        ids: dict[str, int] = dict(db.execute("SELECT key, id FROM articles"))
        get = stamps.get
        walked: list[Entry] = []
        self.entries = walked
        changed: dict[str, Entry] = {}  # a file named twice is indexed once
        jobs = _Jobs(self, annotations_dir, needle)
        try:
            for e in entries:
                walked.append(e)
                stamp = e.stamp
                if stamp and (get(e.key) != stamp or stamp.startswith(RACY_MARK)):
                    if e.key not in changed:
                        changed[e.key] = e
                        jobs.offer(e)
            gone: list[str] = []
            if complete:
                present = {e.key for e in walked}
                gone = [key for key in ids if key not in present]
            self.reindexed, self.removed = len(changed), len(gone)
            if changed or gone:
                jobs.lock()
                # By key, not by the ids read before the lock: another search may have
                # indexed the same files since (and ids are reused).
                db.executemany(
                    "DELETE FROM articles WHERE key = ?", ((key,) for key in [*gone, *changed])
                )
                jobs.store(list(changed.values()))
                db.execute("COMMIT")
        except BaseException:
            jobs.abandon()
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        if changed or gone:
            try:
                db.execute("PRAGMA busy_timeout = 0")  # tidying never waits for a writer
                self._tidy()
            except (sqlite3.Error, OSError):
                pass  # busy, or a segment changed meanwhile: the next search tidies
            finally:
                db.execute("PRAGMA busy_timeout = 5000")
            ids = dict(db.execute("SELECT key, id FROM articles"))
            self._fresh = {ids[key]: found for key, found in self._fresh.items() if key in ids}
        return {e.key: ids[e.key] for e in walked if e.key in ids}

    def _store_here(
        self, changed: list[Entry], annotations_dir: str | None, needle: str | None
    ) -> None:
        """Read, fold and store ``changed`` in this process (inside the write transaction),
        appended to the newest segment while it is small; :func:`_found` of each goes to
        ``_fresh``."""
        if not changed:
            return
        fresh: dict[Any, Fresh] = self._fresh
        name = self._tail()
        appender = self._segments.appender(name)
        try:
            rows = []
            for entry in changed:
                record = build_record(entry, annotations_dir)
                region, body_size, notes_size = record.region()
                position = appender.append(region)
                rows.append(_row(entry.key, record, name, position, (body_size, notes_size)))
                found = _found(entry.key, record, needle)
                if found is not None:
                    fresh[entry.key] = found
            appender.finish()
        except BaseException:
            appender.abandon()
            raise
        self._db.executemany(_INSERT, rows)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('tail', ?)", (name,))

    def _store_rows(self, batch: list[tuple[tuple, Fresh | None]], needle: str | None) -> None:
        """Insert rows a worker made (their segment is synced)."""
        self._db.executemany(_INSERT, (row for row, _ in batch))
        if needle is not None:
            self._fresh.update((row[0], found) for row, found in batch if found)

    def _tail(self) -> str:
        """The segment small refreshes append to: the last one, while it is small."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'tail'").fetchone()
        sizes = self._segments.sizes()
        if row is not None and row[0] in sizes and sizes[row[0]] < _TAIL_MAX:
            return str(row[0])
        return self._segments.new_name()

    def _tidy(self) -> None:
        """Delete the segments no row points at; compact when most of the bytes are dead.
        Under the write lock: no other writer is appending to a segment meanwhile."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            live = dict(
                db.execute(
                    "SELECT segment, sum(body_size + notes_size + 2) FROM articles"
                    " WHERE segment != '' GROUP BY segment"
                )
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'tail'").fetchone()
            tail = row[0] if row is not None else None
            sizes = self._segments.sizes()
            dead = [name for name in sizes if name not in live and name != tail]
            total = sum(size for name, size in sizes.items() if name in live)
            compacted: list[str] = []
            if total > 2 * sum(live.values()) + _COMPACT_SLACK:
                compacted = self._compact(list(live))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        for name in dead + compacted:
            self._segments.delete(name)

    def _compact(self, names: list[str]) -> list[str]:
        """Copy every live region into one new segment (rows updated, not yet committed);
        returns the segments it replaced."""
        db = self._db
        new = self._segments.new_name()
        appender = self._segments.appender(new)
        moves = []
        try:
            rows = db.execute(
                "SELECT id, segment, position, body_size, notes_size FROM articles"
                " WHERE segment != '' ORDER BY segment, position"
            ).fetchall()
            for name, grouped in groupby(rows, key=lambda r: r[1]):
                group = list(grouped)
                last = group[-1]
                data = self._segments.view(name, at_least=last[2] + last[3] + last[4] + 2)
                for id_, _, position, body_size, notes_size in group:
                    end = position + body_size + notes_size + 2
                    if data is None or len(data) < end:
                        raise OSError(f"segment {name} is shorter than its rows")
                    moves.append((new, appender.append(data[position:end]), id_))
            appender.finish()
        except BaseException:
            appender.abandon()
            self._segments.delete(new)
            raise
        db.executemany("UPDATE articles SET segment = ?, position = ? WHERE id = ?", moves)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('tail', ?)", (new,))
        return names

    # -- reading

    def problems(self) -> dict[int, list[str]]:
        """{id: problem lines} of the articles that had any."""
        return {
            id_: json.loads(raw)
            for id_, raw in self._db.execute(
                "SELECT id, problems FROM articles WHERE problems != ''"
            )
        }

    def _parts(self, skip: Iterable[int] = ()) -> tuple[list[_Part], set[int], int]:
        """What a scan covers: the readable segments with their rows (but those of
        ``skip``: searched as they were indexed), the ids whose segment cannot be read,
        and the bytes to scan."""
        rows = self._db.execute(
            "SELECT id, segment, position, body_size, notes_size FROM articles"
            " WHERE segment != '' ORDER BY segment, position"
        ).fetchall()
        skipped = set(skip)
        if skipped:
            rows = [row for row in rows if row[0] not in skipped]
        parts: list[_Part] = []
        unreadable: set[int] = set()
        for name, grouped in groupby(rows, key=lambda r: r[1]):
            group = list(grouped)
            last = group[-1]
            data = self._segments.view(name, at_least=last[2] + last[3] + last[4] + 2)
            if data is None:
                unreadable.update(r[0] for r in group)
            else:
                parts.append((data, group))
        return parts, unreadable, sum(_part_bytes(part) for part in parts)

    def _forget_stamps(self, ids: set[int]) -> None:
        """Make the next refresh index ``ids`` again (their segment is lost or cut)."""
        try:
            self._db.execute("PRAGMA busy_timeout = 0")  # a search never waits for this
            self._db.executemany(
                "UPDATE articles SET stamp = 'lost' WHERE id = ?", ((i,) for i in ids)
            )
        except sqlite3.Error:
            pass  # busy or read-only: they are searched directly again next time
        finally:
            self._db.execute("PRAGMA busy_timeout = 5000")

    def scan_early(self, needle: str) -> EarlyScan | None:
        """Start :meth:`matching` of the index as it is now in a forked child, for the
        caller to walk the library meanwhile (the walk and the scan then share the two
        cores); :meth:`matching` takes its answer when the refresh changed nothing. None
        when the corpus is small or this process may not fork."""
        if not _may_fork():
            return None
        try:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            parts, unreadable, total = self._parts()
        except sqlite3.Error:
            return None
        if total < SCAN_IN_TWO_FROM:
            return None
        child = _fork_scan(parts, needle.encode(*_CODEC))
        return None if child is None else EarlyScan(*child, version, unreadable)

    def matching(self, needle: str, early: EarlyScan | None = None) -> dict[int, tuple[bool, bool]]:
        """{id: (whether its folded body holds ``needle``, whether its folded annotation
        fields do)} of the articles where either does; one scan of each segment (in two
        processes for a big corpus, see :func:`_scan_in_two`), or the answer of ``early``
        when the index is still what it scanned. Articles whose segment cannot be read go
        to :attr:`unreadable`."""
        if early is not None:
            answer = _collect(early.pid, early.answers)
            unchanged = (
                answer is not None
                and not (self.reindexed or self.removed or self.in_memory)
                and self._db.execute("PRAGMA data_version").fetchone()[0] == early.version
            )
            if unchanged:
                assert answer is not None
                self.unreadable = early.unreadable
                if self.unreadable:
                    self._forget_stamps(self.unreadable)
                return answer
        wanted = needle.encode(*_CODEC)
        fresh = self._fresh if needle == self._fresh_needle else {}
        parts, self.unreadable, total = self._parts(skip=fresh.keys())
        if self.unreadable:
            self._forget_stamps(self.unreadable)
        if total >= SCAN_IN_TWO_FROM and _may_fork():
            found = _scan_in_two(parts, wanted, total)
        else:
            found = _scan_parts(parts, wanted)
        found.update((id_, (f[0], f[1])) for id_, f in fresh.items() if f[0] or f[1])
        return found

    def fresh_hits(self, id_: int, needle: str) -> tuple[str, str, list[HitRow]] | None:
        """(key, title, hit rows) of an article the last refresh (re)indexed with this
        needle: its hits were made from the text it read; None for any other."""
        fresh = self._fresh.get(id_) if needle == self._fresh_needle else None
        return None if fresh is None else fresh[2:]

    def candidates(
        self, ids: list[int], matched: dict[int, tuple[bool, bool]], needle: str
    ) -> dict[int, Candidate]:
        """The stored records of ``ids`` (those still there, in ``matched``: what
        :meth:`matching` said of ``needle`` in them), fetched in one query: the folded body
        where the needle is in it, the annotations whose fields hold it."""
        found: dict[int, Candidate] = {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            "SELECT id, key, title, body_start, length, encoding, checksum, deleted,"
            " annotations, segment, position, body_size, notes_size"
            f" FROM articles WHERE id IN ({marks})",
            ids,
        )
        for row in rows:
            (id_, key, title, body_start, length, encoding, checksum, deleted, raw) = row[:9]
            segment, position, body_size, notes_size = row[9:]
            in_body, in_notes = matched.get(id_, (False, False))
            text, positions = "", array("I")
            annotations: list[IndexedAnnotation] = []
            if in_body or in_notes:
                data = self._segments.view(segment, at_least=position + body_size + notes_size + 2)
                if data is None:
                    continue  # gone or cut since the scan: searched directly
            if in_body:
                text = data[position : position + body_size].decode(*_CODEC)
                if deleted:
                    positions.frombytes(deleted)
            if in_notes:
                start = position + body_size + 1
                notes = data[start : start + notes_size].decode(*_CODEC)
                lines = notes.split(_ANNOTATION_BREAK)
                annotations = indexed_annotations(
                    raw, (k for k, line in enumerate(lines) if needle in line)
                )
            found[id_] = Candidate(
                key,
                title,
                body_start,
                length,
                encoding,
                checksum,
                Folded(text, positions.tolist()),
                annotations,
            )
        return found


#: A segment's bytes and some of its rows (id, segment, position, body_size, notes_size),
#: in position order: what one scan covers.
_Part = tuple[Any, list[tuple[int, str, int, int, int]]]
#: From this many bytes of folded text, a search scans half of them in a forked process.
SCAN_IN_TWO_FROM = 32 << 20


def _part_bytes(part: _Part) -> int:
    rows = part[1]
    return rows[-1][2] + rows[-1][3] + rows[-1][4] + 2 - rows[0][2]


def _scan_parts(parts: Iterable[_Part], wanted: bytes) -> dict[int, tuple[bool, bool]]:
    """:meth:`SearchIndex.matching` of ``parts``: each scanned with ``bytes.find`` from its
    first row's region to its last's; after a hit, on from the next region (the article's
    answer is known); a hit in a dead region (a row since replaced) is skipped."""
    n = len(wanted)
    found: dict[int, tuple[bool, bool]] = {}
    for data, group in parts:
        starts = [r[2] for r in group]
        limit = _part_bytes((data, group)) + starts[0]
        p = data.find(wanted, starts[0], limit)
        while p >= 0:
            i = bisect_right(starts, p) - 1
            id_, _, position, body_size, notes_size = group[i]
            notes_start = position + body_size + 1
            notes_end = notes_start + notes_size
            if p + n > notes_end:  # in a dead region after this one, or across its end
                if i + 1 == len(starts):
                    break
                p = data.find(wanted, starts[i + 1], limit)
                continue
            in_body = p + n <= position + body_size
            if p >= notes_start:
                in_notes = True
            else:
                in_notes = notes_size >= n and data.find(wanted, notes_start, notes_end) >= 0
            if in_body or in_notes:
                found[id_] = (in_body, in_notes)
            p = data.find(wanted, notes_end + 1, limit)
    return found


def _may_fork() -> bool:
    """Whether this process may fork to scan: on Linux (fork without exec is unsafe where
    system frameworks keep threads, as on macOS), and with no other thread running (a
    fork copies one thread of a process whose other threads may hold locks; the reader's
    corpus search runs in a thread, so it scans alone)."""
    import sys
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


@dataclass(frozen=True, slots=True)
class EarlyScan:
    """A scan started in a forked child (:meth:`SearchIndex.scan_early`)."""

    pid: int
    answers: int  # the pipe's read end
    version: int  # PRAGMA data_version when the rows were read
    unreadable: set[int]

    def reap(self) -> None:
        """Wait for the child and drop its answer (the caller cannot use it)."""
        _collect(self.pid, self.answers)


def _fork_scan(parts: list[_Part], wanted: bytes) -> tuple[int, int] | None:
    """Fork a child that runs :func:`_scan_parts` on ``parts`` (sharing the maps) and
    sends its answer as an array of ``id * 4 + in_body * 2 + in_notes`` through a pipe,
    then leaves with ``os._exit``; (its pid, the pipe's read end), None if it cannot."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: scan, write, leave without running anything else
        code = 1
        try:
            os.close(read_end)
            found = _scan_parts(parts, wanted)
            answer = array("q", (i * 4 + b * 2 + t for i, (b, t) in found.items()))
            with os.fdopen(write_end, "wb") as out:
                out.write(answer.tobytes())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int) -> dict[int, tuple[bool, bool]] | None:
    """The answer of a child of :func:`_fork_scan` (reaped), None if it failed."""
    with os.fdopen(read_end, "rb") as answers:
        raw = answers.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or len(raw) % 8:
        return None
    answer = array("q")
    answer.frombytes(raw)
    return {value >> 2: (bool(value & 2), bool(value & 1)) for value in answer}


def _scan_in_two(parts: list[_Part], wanted: bytes, total: int) -> dict[int, tuple[bool, bool]]:
    """:func:`_scan_parts`, half of the bytes in a forked child (the scan holds the GIL:
    a thread would not run beside it); any trouble with the child, and this process
    scans its half too."""
    mine, theirs = _halves(parts, total)
    child = _fork_scan(theirs, wanted)
    found = _scan_parts(mine, wanted)
    answer = None if child is None else _collect(*child)
    found.update(_scan_parts(theirs, wanted) if answer is None else answer)
    return found


def _halves(parts: list[_Part], total: int) -> tuple[list[_Part], list[_Part]]:
    """``parts`` cut in two of about ``total / 2`` bytes each, at a region's boundary."""
    first: list[_Part] = []
    second: list[_Part] = []
    room = total // 2
    for data, group in parts:
        if room <= 0:
            second.append((data, group))
            continue
        size = _part_bytes((data, group))
        if size <= room:
            first.append((data, group))
            room -= size
            continue
        base = group[0][2]
        cut = bisect_right([r[2] - base for r in group], room)
        cut = max(1, min(cut, len(group) - 1)) if len(group) > 1 else 1
        first.append((data, group[:cut]))
        if cut < len(group):
            second.append((data, group[cut:]))
        room = 0
    return first, second


#: Changed articles a worker job takes (each job writes one segment).
JOB_SIZE = 2_500


class _Jobs:
    """A refresh's (re)indexing: in worker processes when there are many articles, started
    while the walk is still under way (from :data:`POOL_FROM` changed articles on, a job
    every :data:`JOB_SIZE`), else in this process at the end.

    The workers start from a fork server, never as forks of this process (which may have
    threads). The write lock is taken before the first job: no other writer may delete a
    segment a job is writing (they delete the segments no row points at). A pool that
    cannot start or breaks leaves the work to this process; its segments are deleted.
    """

    def __init__(self, index: SearchIndex, annotations_dir: str | None, needle: str | None):
        self.index = index
        self.annotations_dir = annotations_dir
        self.needle = needle
        self.waiting: list[Entry] = []  # changed, not yet in a job
        self.futures: list[Any] = []
        self.paths: list[str] = []  # the jobs' segments
        self.pool: Any = None
        self.usable = index._segments.folder is not None and (os.cpu_count() or 1) > 1

    def offer(self, entry: Entry) -> None:
        self.waiting.append(entry)
        if not self.usable:
            return
        if self.pool is None and len(self.waiting) >= POOL_FROM:
            self._start()
        if self.pool is not None and len(self.waiting) >= JOB_SIZE:
            self._submit()

    def lock(self) -> None:
        if not self.index._db.in_transaction:
            self.index._db.execute("BEGIN IMMEDIATE")

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.lock()
        workers = min(POOL_MAX, os.cpu_count() or 1)
        try:
            context = multiprocessing.get_context("forkserver")
            self.pool = ProcessPoolExecutor(workers, mp_context=context)
        except (OSError, RuntimeError, ValueError):
            self.usable = False

    def _submit(self) -> None:
        segments = self.index._segments
        assert segments.folder is not None
        path = str(segments.folder / segments.new_name())
        job = (self.waiting, self.annotations_dir, path, self.needle)
        self.waiting = []
        self.paths.append(path)
        self.futures.append(self.pool.submit(_index_job, job))

    def store(self, changed: list[Entry]) -> None:
        """Store every changed article (``changed``, in walk order): the jobs' rows as
        they come, or everything here when no pool ran or it broke."""
        import pickle
        from concurrent.futures.process import BrokenProcessPool

        index = self.index
        if self.pool is not None:
            if self.waiting:
                self._submit()
            db = index._db
            db.execute("SAVEPOINT jobs")
            try:
                for future in self.futures:
                    index._store_rows(future.result(), self.needle)
                db.execute("RELEASE jobs")
                return
            except (OSError, RuntimeError, BrokenProcessPool, pickle.PicklingError, ValueError):
                # The rows of the jobs that ended are undone; all is done here instead.
                db.execute("ROLLBACK TO jobs")
                db.execute("RELEASE jobs")
                self.abandon()
                index._fresh.clear()
            finally:
                self._shut()
        index._store_here(changed, self.annotations_dir, self.needle)

    def _shut(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def abandon(self) -> None:
        """Stop the workers and delete their segments (the rows were not committed)."""
        self._shut()
        for path in self.paths:
            self.index._segments.delete(os.path.basename(path))
        self.paths = []


class _Newer(Exception):
    """The index was written by a newer hamish: leave it alone."""


def _connect(where: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(where), isolation_level=None, timeout=5, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _create(db: sqlite3.Connection) -> None:
    """The tables, in the caller's transaction if there is one (statement by statement:
    executescript would commit it first)."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('fold', ?)", (fingerprint(),))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _remove(where: Path) -> None:
    """Delete the database and its segments (before it is made anew)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{where}{suffix}")
        except OSError:
            pass
    segments = _Segments(where.parent)
    for name in segments.sizes():
        segments.delete(name)


def _cache_location(root: Path) -> Path | None:
    try:
        return index_path(root)
    except Exception:  # no usable cache folder at all: in memory
        return None
