"""`hamish search`: Arabic-folded search over article text and annotations, from an index.

The query is folded once (:func:`reader.text.fold.fold`). Each library's index
(:mod:`reader.library.search_index`) is brought up to date (only changed articles are
read again) and says, by scanning the folded text it keeps, which articles hold it;
only those are read, and the exact spans come from the real text
(:func:`reader.text.fold.find_folded` with the stored fold when the file's bytes are
those it was folded from, by CRC-32; else folded again).
Annotation fields were folded when indexed. A hit's context is a slice of its line,
flattened; it goes through the layout engine only when it is printed laid out
(``--bidi self``) or as the ``display`` of ``--json``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import groupby

from reader.library.search_hits import CONTEXT, annotation_hit_rows, text_hit_rows
from reader.library.search_index import (
    Candidate,
    EarlyScan,
    Entry,
    IndexedAnnotation,
    SearchIndex,
    build_record,
    entries_for,
)
from reader.terminal import OutputMode
from reader.text.fold import Folded, fold

#: A context cut to fit a terminal row keeps at least this many cells, else it gets its own row.
MIN_CONTEXT_CELLS = 20


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    line: int  # 1-based line (paragraph) of the file
    offset: int  # code-point offset of the match (or of the annotation)
    end: int
    kind: str  # text | quote | tag | note (the last three: of an annotation)
    match: str  # the matched text as in the file
    context: str  # the surrounding text, logical order (as in the file)
    annotation: str | None = None  # the annotation id, for quote/tag/note hits
    title: str = field(default="", compare=False)  # the article's title (not in --json)

    @property
    def display(self) -> str:
        """The context laid out for a terminal that does no bidi (shaped, ordered)."""
        from reader.text.render import visual_oneline

        return visual_oneline(self.context, 2 * CONTEXT + 30)[0]

    def to_json(self) -> dict:
        record = asdict(self)
        del record["title"]
        return {**record, "display": self.display}

    def render(self, mode: OutputMode = "self", width: int | None = None) -> str:
        """``FILE:LINE:OFFSET: [annotation KIND] CONTEXT`` for ``mode``: the path and the
        context each laid out on their own (``self``) or logical, always sanitized.

        With ``width`` (a terminal's), a laid-out line fits it: the context is cut at its
        logical end before it is reordered, so the terminal never wraps a reordered line
        (which would show its end above its start).
        """
        label = "" if self.kind == "text" else f"[annotation {self.kind}] "
        if mode != "self":
            where = f"{_logical_path(self.path)}:{self.line}:{self.offset}"
            return f"{where}: {label}{_logical(self.context, flat=True)}"
        from reader.commands.output import cells, one_line

        where = f"{one_line(self.path, mode, direction='ltr')}:{self.line}:{self.offset}"
        from reader.text.render import visual_oneline

        room = 2 * CONTEXT + 30
        head = f"{where}: {label}"
        if width is not None:
            room = min(room, width - cells(head) - 1)
            if room < MIN_CONTEXT_CELLS:  # a long path: the context goes on a row of its own
                context = visual_oneline(self.context, max(width - 3, 1))[0]
                return f"{head.rstrip()}\n  {context}"
        return f"{head}{visual_oneline(self.context, room)[0]}"


#: Characters that :func:`reader.commands.output.logical_text` sends as they are, as met.
_UNCHANGED: set[str] = set()


def _logical(text: str, *, flat: bool = False) -> str:
    """``one_line(text, "logical")``: the same string, but a line whose characters were all
    seen unchanged before is not sent through the sanitizer again, character by character.
    ``flat``: ``text`` is one line already (a hit's context is made so)."""
    from reader.commands.output import logical_text

    line = text if flat else " ".join(text.split())
    seen = set(line)
    if seen <= _UNCHANGED:
        return line
    new = seen - _UNCHANGED
    for c in new:
        if logical_text(c) != c:
            return logical_text(line)
    _UNCHANGED.update(new)
    return line


@lru_cache(maxsize=64)
def _logical_path(path: str) -> str:
    """An article's path for a pipe: the hits of one article repeat it."""
    return _logical(path)


@dataclass(slots=True)
class SearchStats:
    """What the index did during a search (for tests and benchmarks)."""

    reindexed: int = 0
    removed: int = 0
    rebuilt: bool = False
    in_memory: bool = False
    candidates: int = 0


def search_corpus(
    paths: Iterable[str],
    query: str,
    *,
    annotations_dir: str | None = None,
    problems: list[str] | None = None,
    stats: SearchStats | None = None,
) -> Iterator[Hit]:
    """Hits in article text, then in annotation quotes, notes and tags, article by article
    (in the order of :func:`reader.library.find.find_articles`)."""
    needle = fold(query).text
    if not needle.strip():
        return
    if stats is None:
        stats = SearchStats()
    found = entries_for(paths, annotations_dir)
    for (root, complete), group in groupby(found, key=lambda ec: (ec[0].root, ec[1])):
        index = SearchIndex(root)
        try:
            # A library walked whole: its index is scanned (in another process) while
            # the walk goes on, and the answer kept if the walk finds nothing changed.
            early = index.scan_early(needle) if complete else None
            walk = (entry for entry, _ in group)  # walked as the index is refreshed
            yield from _search_library(
                index, complete, walk, needle, annotations_dir, problems, stats, early
            )
        finally:
            index.close()


#: Candidates fetched from the index in one query.
BATCH = 200


def _search_library(
    index: SearchIndex,
    complete: bool,
    entries: Iterator[Entry],
    needle: str,
    annotations_dir: str | None,
    problems: list[str] | None,
    stats: SearchStats,
    early: EarlyScan | None,
) -> Iterator[Hit]:
    try:
        ids = index.refresh(entries, annotations_dir, complete=complete, needle=needle)
        matching = index.matching(needle, early)
        troubled = index.problems()
    except (sqlite3.Error, OSError):  # the index cannot be used at all: read every article
        ids, matching, troubled = {}, {}, {}
        if early is not None:
            early.reap()  # the scan ahead is of no use
    walked = [*index.entries, *entries]  # and what a failed refresh did not walk
    unreadable = index.unreadable  # their segment is gone: read directly
    stats.reindexed += index.reindexed
    stats.removed += index.removed
    stats.rebuilt = stats.rebuilt or index.rebuilt
    stats.in_memory = stats.in_memory or index.in_memory
    pending: list[tuple[Entry, int | None]] = []  # in walk order, BATCH candidates at most
    wanted: list[int] = []
    for entry in walked:
        id_ = ids.get(entry.key)
        if id_ in unreadable:
            id_ = None
        if id_ is not None and id_ not in matching and id_ not in troubled:
            continue
        pending.append((entry, id_))
        if id_ is not None and id_ in matching:
            wanted.append(id_)
            if len(wanted) >= BATCH:
                yield from _flush(
                    index,
                    pending,
                    wanted,
                    matching,
                    troubled,
                    needle,
                    annotations_dir,
                    problems,
                    stats,
                )
                pending, wanted = [], []
    yield from _flush(
        index, pending, wanted, matching, troubled, needle, annotations_dir, problems, stats
    )


def _flush(
    index: SearchIndex,
    pending: list[tuple[Entry, int | None]],
    wanted: list[int],
    matching: dict[int, tuple[bool, bool]],
    troubled: dict[int, list[str]],
    needle: str,
    annotations_dir: str | None,
    problems: list[str] | None,
    stats: SearchStats,
) -> Iterator[Hit]:
    # Articles this search's refresh has just indexed come with their hits: made from the
    # text the index read (nothing is read again); the others come from the index.
    fresh = {id_: hits for id_ in wanted if (hits := index.fresh_hits(id_, needle)) is not None}
    stored = [id_ for id_ in wanted if id_ not in fresh]
    try:
        fetched = index.candidates(stored, matching, needle) if stored else {}
    except (sqlite3.Error, OSError):
        fetched = {}
    stats.candidates += len(wanted)
    for entry, id_ in pending:
        if id_ is None:  # not indexed (a pipe), or no usable index: searched directly
            yield from _search_directly(entry, needle, annotations_dir, problems)
            continue
        if id_ in troubled and problems is not None:
            problems.extend(troubled[id_])
        if id_ not in wanted:
            continue
        made = fresh.get(id_)
        if made is not None and made[0] == entry.key:
            _key, title, rows = made
            for row in rows:
                yield Hit(entry.path, *row, title=title)
            continue
        candidate = fetched.get(id_)
        if candidate is None or candidate.key != entry.key:  # the id is another's since
            yield from _search_directly(entry, needle, annotations_dir, problems)
        else:
            yield from _candidate_hits(entry, candidate, needle, annotations_dir, problems)


def _read_text(path: str, encoding: str) -> tuple[str, int] | None:
    """The article's text as :func:`~reader.library.article.decode_bytes` gives it (a
    file that decoded as UTF-8 when indexed is decoded so again: it passed the checks),
    and the CRC-32 of its bytes."""
    import zlib

    from reader.library.article import ArticleError, decode_bytes

    try:
        with open(path, "rb") as f:
            data = f.read()
        if encoding == "utf-8" and not data.startswith(_BOMS):
            return data.decode("utf-8"), zlib.crc32(data)
        return decode_bytes(data, path)[0], zlib.crc32(data)
    except (OSError, ArticleError, UnicodeDecodeError):
        return None


# Byte-order marks: a file that starts with one is decoded by decode_bytes's rules.
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _text_hits(
    path: str, text: str, folded: Folded, needle: str, body_start: int, title: str
) -> Iterator[Hit]:
    for row in text_hit_rows(text, folded, needle, body_start):
        yield Hit(path, *row, title=title)


def _annotation_hits(
    path: str, annotations: list[IndexedAnnotation], needle: str, title: str
) -> Iterator[Hit]:
    for row in annotation_hit_rows(annotations, needle):
        yield Hit(path, *row, title=title)


def _candidate_hits(
    entry: Entry,
    candidate: Candidate,
    needle: str,
    annotations_dir: str | None,
    problems: list[str] | None,
) -> Iterator[Hit]:
    path = entry.path
    if needle in candidate.folded.text:
        read = _read_text(entry.path, candidate.encoding)
        if read is None:  # unreadable since it was indexed: report it as a direct read would
            yield from _search_directly(entry, needle, annotations_dir, problems)
            return
        text, checksum = read
        body_start, title = candidate.body_start, candidate.title
        if checksum == candidate.checksum and len(text) == candidate.length:
            folded = candidate.folded  # the very text that was folded: its spans are exact
        else:  # changed since it was indexed (and kept its stamp): all from the text now
            from reader.library.article import title_of

            folded = fold(text)
            title, body_start = title_of(text, path)
        yield from _text_hits(path, text, folded, needle, body_start, title)
    yield from _annotation_hits(path, candidate.annotations, needle, candidate.title)


def _search_directly(
    entry: Entry, needle: str, annotations_dir: str | None, problems: list[str] | None
) -> Iterator[Hit]:
    """Search one article without the index (a pipe, or an index that failed)."""
    record = build_record(entry, annotations_dir)
    if record.problems and problems is not None:
        problems.extend(json.loads(record.problems))
    if record.folded is None:  # the article could not be read
        return
    path = entry.path
    yield from _text_hits(path, record.text, record.folded, needle, record.body_start, record.title)
    yield from _annotation_hits(path, record.indexed, needle, record.title)  # as it was built
