"""What every export format receives, and what every importer yields.

Exports stream: a format gets an iterable of :class:`ExportDocument` (one article
and its annotations at a time) and writes as it goes, so a corpus of thousands of
articles is never held in memory at once. Offsets inside hamish are code points
into the article's full decoded text; each format converts to its own tool's unit
and convention (UTF-16 units for doccano, inclusive ends nowhere, …) at the edge.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import c_encode_basestring, c_make_encoder  # type: ignore[attr-defined]
from pathlib import Path
from typing import IO, Any

from annotations.model import Annotation, AnnotationSet, Relation
from annotations.script import JSON_TERMINAL_ESCAPE_RE
from annotations.store import file_mode_for


@dataclass(frozen=True, slots=True)
class ExportDocument:
    """One article with its (already filtered, re-anchored) annotations."""

    path: str  # the article's path as the user named it (POSIX), e.g. "news/2024/x.txt"
    name: str  # a file-name-safe stem, unique within one export (for per-document files)
    text: str  # the full decoded text; offsets index it
    title: str
    source: str | None
    date: str | None
    sha256: str  # of the text, as in the sidecar
    annotations: AnnotationSet
    url: str | None = None  # the front matter's ``url`` (the article on the web), if any
    # Where the body starts: after the YAML front matter the reader reads (the reader's
    # ``Article.body_start``), 0 without one. Formats that write only the body use it.
    body_start: int = 0

    @property
    def fields(self) -> dict[str, Any]:
        """The document fields every exported record carries."""
        return {
            "document": self.path,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "sha256": self.sha256,
        }

    def article_keys(self) -> dict[str, Any]:
        """The article's own fields a record carries: its url (when the front matter has
        one), tags and note, and its state (when set), as ``document_*`` keys (``hamish
        import`` gives them back to the article, never to an annotation)."""
        info = self.annotations.document
        keys: dict[str, Any] = {}
        if self.url:
            keys["url"] = self.url
        keys["document_tags"] = list(info.tags)
        keys["document_note"] = info.note
        if info.state is not None:
            keys["document_state"] = info.state.to_json()
        return keys

    def placed(self) -> list[Annotation]:
        """Annotations with a place in the text (orphans have none to export as spans)."""
        return [a for a in self.annotations.annotations if a.status != "orphaned"]

    def spans(self, report: ExportReport) -> list[Annotation]:
        """The annotations a span format can export, telling ``report`` about the rest.

        Orphans have no place in the text; an annotation whose quote is not at its
        offsets (a sidecar edited by hand) would export a wrong span.
        """
        text = self.text
        result = []
        orphans = 0
        for a in self.annotations.annotations:
            if a.status == "orphaned":
                orphans += 1
            elif text[a.start : a.end] != a.quote:
                report.warnings.append(
                    f"{self.path}: annotation {a.id} does not match the text at "
                    f"{a.start}..{a.end}; not exported"
                )
            else:
                result.append(a)
        if orphans:
            report.warnings.append(f"{self.path}: {orphans} orphaned annotations not exported")
        return result

    def relations_between(
        self, exported: Iterable[str], report: ExportReport, *, format: str
    ) -> list[Relation]:
        """The relations a format can write: both ends among the ``exported`` annotation ids.

        The others (an end orphaned or not exported, or dangling) are counted in one
        warning naming the ``format``.
        """
        relations = self.annotations.relations
        if not relations:
            return []
        ids = set(exported)
        kept = [r for r in relations if r.source in ids and r.target in ids]
        if len(kept) < len(relations):
            report.warnings.append(
                f"{self.path}: {len(relations) - len(kept)} relations not exported to "
                f"{format} (an end of each is not exported)"
            )
        return kept

    def relations_dropped(self, report: ExportReport, *, format: str) -> None:
        """Warn that ``format`` cannot hold relations, when this document has some."""
        count = len(self.annotations.relations)
        if count:
            report.warnings.append(
                f"{self.path}: {count} relations not exported ({format} has no relations; "
                "use jsonl, brat, labelstudio or w3c)"
            )


@dataclass(frozen=True, slots=True)
class ImportedRelation:
    """A relation read from another tool's file, from the annotation that carries it.

    ``target`` is the :attr:`ImportedAnnotation.key` of the other end, in the same
    document; the importer links the two annotations it made (or found) for them.
    """

    type: str
    target: str
    id: str | None = None  # kept when the file carries a hamish relation id
    author: str = ""
    created: str = ""
    modified: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)  # the relation's unknown keys


@dataclass(frozen=True, slots=True)
class ImportedAnnotation:
    """An annotation read from another tool's file, before it is placed in a sidecar.

    ``document`` names the article as the file did (a path, file name or title);
    offsets are code points into that article's text when known (converted from the
    tool's unit by the importer), ``None`` when the tool only gave a quote.
    """

    document: str
    start: int | None
    end: int | None
    quote: str
    tags: tuple[str, ...] = ()
    note: str = ""
    author: str = ""
    created: str = ""
    modified: str = ""
    id: str | None = None  # kept when the file carries a hamish id
    extra: Mapping[str, Any] = field(default_factory=dict)  # the record's other keys
    # The annotation's own keys hamish does not know (``Annotation.extra``), when the file
    # carries them apart from the record's (a hamish JSON Lines export does): kept whole.
    annotation_extra: Mapping[str, Any] = field(default_factory=dict)
    # What the file calls this annotation (a brat T id, a Label Studio region id, a hamish
    # id), for its relations to name it by; None: the hamish ``id``, if any.
    key: str | None = None
    relations: tuple[ImportedRelation, ...] = ()  # the relations this annotation is the source of
    # Not empty: the file shows this annotation could not be kept (doccano lost its labels),
    # and says why. The import adds nothing for it and reports ``problem`` (unless the
    # sidecar already holds the annotation ``id`` with these ``tags``).
    problem: str = ""

    @property
    def reference(self) -> str | None:
        """The name relations give this annotation in its file: ``key``, else ``id``."""
        return self.key if self.key is not None else self.id


#: The ``document_*`` keys of :meth:`ExportDocument.article_keys`, as importers read them back.
ARTICLE_KEYS = ("document_tags", "document_note", "document_state")


def kept_fields(a: Annotation, *, note: bool = False) -> dict[str, Any]:
    """An annotation's fields a tool has no place for (brat's ``hamish-fields.jsonl``,
    Label Studio's ``data.hamish``): author and times, its ``note`` when asked, its review
    and its unknown keys when it has them."""
    entry: dict[str, Any] = {"author": a.author, "created": a.created, "modified": a.modified}
    if note:
        entry["note"] = a.note
    if a.review is not None:
        entry["review"] = a.review.to_json()
    if a.extra:
        entry["extra"] = dict(a.extra)
    return entry


def short_quote(quote: str) -> str:
    """``quote`` on one line, cut to 30 characters: for warnings that name an annotation."""
    words = " ".join(quote.split())
    return words if len(words) <= 30 else words[:29] + "…"


def one_label_left_out(overlapping: list[str], further: Counter[str]) -> str:
    """What giving each token (conll) or span (doccano's single label) one label left out:
    the overlapping annotations (the first five named) and the further tags, counted;
    "" when nothing was."""
    left_out = []
    if overlapping:
        shown = ", ".join(overlapping[:5]) + (", …" if len(overlapping) > 5 else "")
        left_out.append(f"{len(overlapping)} overlapping annotations ({shown})")
    if further:
        counts = ", ".join(f"{tag} ×{n}" for tag, n in further.most_common())
        left_out.append(f"{sum(further.values())} further tags ({counts})")
    return " and ".join(left_out)


@contextmanager
def replacing(
    target: Path, *, binary: bool = False, newline: str | None = None
) -> Iterator[IO[Any]]:
    """A file that becomes ``target`` only when the block succeeds (text, else bytes).

    Written beside it and renamed over it at the end, so a failed export (a full disk, an
    error half-way) leaves the old file as it was and no half-written one; the file keeps
    the old one's mode and is synced before the rename. A target that is not a regular
    file (``-o /dev/stdout``, a FIFO) is written to directly: it cannot be renamed over.
    """
    mode, encoding = ("wb", None) if binary else ("w", "utf-8")
    if target.exists() and not target.is_file():
        with open(target, mode, encoding=encoding, newline=newline) as out:
            yield out
        return
    file_mode = file_mode_for(target)  # the sidecars' rule: the old file's mode, else the umask's
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())  # on disk before it takes the name
        os.chmod(temporary, file_mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_replacing(target: Path, data: bytes) -> None:
    """Write ``data`` as ``target`` through :func:`replacing` (all of it, or the old file)."""
    with replacing(target, binary=True) as out:
        out.write(data)


@dataclass
class ExportReport:
    """Counts for the user, and warnings (e.g. conll flattening overlapping spans)."""

    documents: int = 0
    records: int = 0
    warnings: list[str] = field(default_factory=list)


# JSON for records: readable Arabic. ``escape_for_terminals`` then escapes what ``json``
# leaves raw and a terminal or a line splitter must not get: U+0085, U+2028 and U+2029
# (tools that split lines on them, Python's ``str.splitlines`` and some JSONL readers,
# would cut a record in two), DEL, the C1 controls and the bidi controls
# (``JSON_TERMINAL_ESCAPES``). These only occur inside JSON strings, so escaping them in
# the encoded text gives the same values to json.loads.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _no_default(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The C encoder ``JSONEncoder.encode`` builds on every call, built once: an export encodes
# a record per annotation, and building it took a quarter of the encoding time (more
# than the escape scan below costs). No circular-reference markers: records are built
# from parsed JSON and dataclasses, never cyclic.
_c_encode = (
    c_make_encoder(None, _no_default, c_encode_basestring, None, ": ", ", ", False, False, True)
    if c_make_encoder is not None
    else None
)


def encode_json(value: Any) -> str:
    """``value`` as JSON text, exactly as ``JSONEncoder(ensure_ascii=False).encode`` gives it."""
    if _c_encode is None:
        return _encode_json(value)
    return "".join(_c_encode(value, 0))


_search_escapes = JSON_TERMINAL_ESCAPE_RE.search
_sub_escapes = JSON_TERMINAL_ESCAPE_RE.sub


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_for_terminals(chunk: str) -> str:
    """``chunk`` (JSON text) with every ``JSON_TERMINAL_ESCAPES`` character as a ``\\u`` escape.

    Returns ``chunk`` itself when it holds none (one regex search, no copy).
    """
    found = _search_escapes(chunk)
    if found is None:
        return chunk
    start = found.start()
    return chunk[:start] + _sub_escapes(_escape, chunk[start:])


def dumps_for_terminals(value: Any, *, indent: int | None = None) -> str:
    """``value`` as readable JSON (``ensure_ascii=False``) with :func:`escape_for_terminals`."""
    return escape_for_terminals(json.dumps(value, ensure_ascii=False, indent=indent))


def json_lines(lines: Iterable[str]) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank line of a JSON Lines file.

    A BOM on the first line is skipped; bad JSON raises ``ValueError("line N: …")``.
    """
    for number, line in enumerate(lines, 1):
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"line {number}: invalid JSON: {error.msg}") from None
