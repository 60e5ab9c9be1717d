"""What every export format receives, and what every importer yields.

Exports stream: a format gets an iterable of :class:`ExportDocument` (one article
and its annotations at a time) and writes as it goes, so a corpus of thousands of
articles is never held in memory at once. Offsets inside hamish are code points
into the article's full decoded text; each format converts to its own tool's unit
and convention (UTF-16 units for doccano, inclusive ends nowhere, …) at the edge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotations.model import Annotation, AnnotationSet
from annotations.script import JSON_RAW_LINE_BREAK_RE, JSON_RAW_LINE_BREAKS


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


@dataclass
class ExportReport:
    """Counts for the user, and warnings (e.g. conll flattening overlapping spans)."""

    documents: int = 0
    records: int = 0
    warnings: list[str] = field(default_factory=list)


# JSON for records: readable Arabic. ``escape_line_separators`` then escapes U+0085,
# U+2028 and U+2029, which ``json`` leaves raw: tools that split lines on them
# (Python's ``str.splitlines``, some JSONL readers) would cut a record in two.
encode_json = json.JSONEncoder(ensure_ascii=False).encode
# Looked for with `in` first: a chunk rarely holds one, and three substring tests are
# about ten times faster than a regex search on a large chunk.
_NEL, _LS, _PS = sorted(JSON_RAW_LINE_BREAKS)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_line_separators(chunk: str) -> str:
    """``chunk`` (JSON text) with U+0085, U+2028 and U+2029 as escapes; cheap when absent."""
    if _LS in chunk or _PS in chunk or _NEL in chunk:
        return JSON_RAW_LINE_BREAK_RE.sub(_escape, chunk)
    return chunk


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
