"""JSON Lines: one hamish annotation a line, every field kept.

Export
    One JSON object per annotation per line, UTF-8 with Arabic written as is
    (``ensure_ascii=False``), ``\\n`` after every line. Keys, in this order::

        id start end quote prefix suffix tags note author created modified status
        [original_quote] [review] [extra] [relations]
        document title source date sha256 [url] document_tags document_note [document_state]

    ``start``/``end`` are code points into the article's full decoded text, 0-based,
    end exclusive, exactly as in the sidecar. **Every** annotation is exported,
    orphaned ones too, with their ``status`` and their last offsets and quote: the
    file is a complete dump of the sidecars (filter on ``status != "orphaned"`` to keep
    only placed spans). ``original_quote`` (the wording as tagged, when the article's
    words under the annotation were edited since) is there only when there is one, as is
    ``review`` (a reviewer's verdict, ``{"state", "by", "at"}`` as in the sidecar).
    ``document_tags`` and ``document_note`` are the article's own tags and note,
    ``document_state`` its state (``{"state", "by", "at"}``, only when set) and ``url``
    the front matter's ``url`` (only when there is one): ``hamish import`` gives them back
    to the article (never to an annotation). Annotation keys
    hamish does not know (``Annotation.extra``: written by a newer hamish or another
    tool) are exported as one object under ``extra``, only when there are some, so
    that they never mix with the record's own keys.

    ``relations`` (only when there are some) are the relations the annotation is the
    source of, each as in the sidecar (``id type from to author created modified``,
    and the relation's unknown keys): so a line stays one annotation, and a file
    filtered line by line keeps the links of what it keeps. A relation whose source is
    not in the sidecar (dangling) has no line to ride on: it is not exported, with a
    warning.

    U+0085, U+2028 and U+2029 (which JSON allows raw inside strings) are written as
    ``\\u`` escapes, so that the file splits into the same lines whatever splits it
    (``str.splitlines``, JavaScript); so are DEL, the C1 and the bidi controls, which a
    terminal showing the file would obey (``escape_for_terminals``). A document without
    annotations writes no line but counts in ``ExportReport.documents``;
    ``ExportReport.records`` counts lines.

Import
    :func:`read_jsonl` reads such a file back (or any JSON Lines whose objects carry at
    least ``document`` and ``quote``). ``start``/``end`` may be absent or ``null``
    (both, then only the quote is known). ``relations`` become the record's
    :attr:`ImportedAnnotation.relations` (their ``to`` names the other end by its hamish
    id, which the import keeps); ``review`` is restored by ``hamish import`` (it lands in
    ``extra`` like the record's other annotation keys). Keys that are not fields of
    :class:`ImportedAnnotation` (``prefix``, ``suffix``, ``status``, ``title``, …)
    are kept in its ``extra``; an ``extra`` object becomes its ``annotation_extra``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from annotations.formats.base import (
    ExportDocument,
    ExportReport,
    ImportedAnnotation,
    ImportedRelation,
    encode_json,
    escape_for_terminals,
    json_lines,
)
from annotations.model import RELATION_KEYS, Annotation, Relation

_FIELDS = ("document", "start", "end", "quote", "tags", "note", "author", "created", "modified")
_STRING_FIELDS = ("note", "author", "created", "modified")
_EXTRA = "extra"  # the annotation's own unknown keys (Annotation.extra), as one object
_RELATIONS = "relations"  # the relations the annotation is the source of


def write_jsonl(documents: Iterable[ExportDocument], out: IO[str]) -> ExportReport:
    """Write one line per annotation of every document (orphans included) to ``out``."""
    report = ExportReport()
    encode = encode_json
    for doc in documents:
        report.documents += 1
        annotations = doc.annotations.annotations
        if not annotations:
            continue
        # The document fields are the same on every line of the document: encode them
        # once and splice them after each annotation's own keys ('{"a": 1}' minus its
        # closing brace, then ', "document": …}'), giving the same text json.dumps of the
        # whole record would.
        document_part = dict(doc.fields)
        document_part.update(doc.article_keys())
        # Escaped apart (``escape_for_terminals``), the shared tail once per document:
        # the scan for characters to escape is most of the cost of a line.
        escape = escape_for_terminals
        tail = escape(", " + encode(document_part)[1:]) + "\n"
        outgoing = _outgoing(doc, report)
        lines = [
            escape(encode(_annotation_keys(a, outgoing.get(a.id, ())))[:-1]) + tail
            for a in annotations
        ]
        out.write("".join(lines))
        report.records += len(lines)
    return report


def _outgoing(doc: ExportDocument, report: ExportReport) -> dict[str, list[Relation]]:
    """Each annotation's relations as source; a relation without its source is reported."""
    outgoing: dict[str, list[Relation]] = {}
    relations = doc.annotations.relations
    if not relations:
        return outgoing
    ids = {a.id for a in doc.annotations.annotations}
    unsourced = 0
    for relation in relations:
        if relation.source in ids:
            outgoing.setdefault(relation.source, []).append(relation)
        else:
            unsourced += 1
    if unsourced:
        report.warnings.append(
            f"{doc.path}: {unsourced} relations whose source annotation is missing not exported"
        )
    return outgoing


def _annotation_keys(a: Annotation, relations: Iterable[Relation] = ()) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": a.id,
        "start": a.start,
        "end": a.end,
        "quote": a.quote,
        "prefix": a.prefix,
        "suffix": a.suffix,
        "tags": list(a.tags),
        "note": a.note,
        "author": a.author,
        "created": a.created,
        "modified": a.modified,
        "status": a.status,
    }
    if a.original_quote:
        record["original_quote"] = a.original_quote
    if a.review is not None:
        record["review"] = a.review.to_json()
    if a.extra:
        record["extra"] = dict(a.extra)
    if relations:
        record[_RELATIONS] = [r.to_json() for r in relations]
    return record


def read_jsonl(lines: Iterable[str]) -> Iterator[ImportedAnnotation]:
    """Annotations from JSON Lines; blank lines are skipped.

    Raises ``ValueError("line N: reason")`` for a line that is not JSON, not an
    object, or lacks (or mistypes) a field.
    """
    for number, record in json_lines(lines):
        if not isinstance(record, dict):
            raise ValueError(f"line {number}: expected a JSON object")
        try:
            yield _imported(record)
        except ValueError as error:
            raise ValueError(f"line {number}: {error}") from None


def _imported(record: dict[str, Any]) -> ImportedAnnotation:
    for key in ("document", "quote"):
        if key not in record:
            raise ValueError(f"missing {key!r}")
        if not isinstance(record[key], str):
            raise ValueError(f"{key!r} must be a string")
    start, end = record.get("start"), record.get("end")
    if (start is None) != (end is None):
        raise ValueError("'start' and 'end' must both be given or both be null")
    if start is not None:
        for key, value in (("start", start), ("end", end)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{key!r} must be a non-negative integer")
        if start > end:
            raise ValueError(f"'start' {start} is after 'end' {end}")
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("'tags' must be a list of strings")
    strings = {}
    for key in _STRING_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key!r} must be a string")
        strings[key] = value or ""
    extra = record.get(_EXTRA)
    if extra is not None and not isinstance(extra, dict):
        raise ValueError(f"{_EXTRA!r} must be an object")
    identifier = record.get("id")
    if identifier is not None and not isinstance(identifier, str):
        raise ValueError("'id' must be a string")
    relations = _relations(record.get(_RELATIONS))
    return ImportedAnnotation(
        document=record["document"],
        start=start,
        end=end,
        quote=record["quote"],
        tags=tuple(dict.fromkeys(tags)),
        id=identifier or None,
        extra={k: v for k, v in record.items() if k not in _OWN_KEYS},
        annotation_extra=extra if isinstance(extra, dict) else {},
        relations=relations,
        **strings,
    )


_OWN_KEYS = frozenset((*_FIELDS, "id", _EXTRA, _RELATIONS))


def _relations(value: Any) -> tuple[ImportedRelation, ...]:
    """A record's ``relations`` (see the module docstring); a malformed one is an error."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{_RELATIONS!r} must be a list of objects")
    relations = []
    for index, entry in enumerate(value):
        where = f"{_RELATIONS}[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be an object")
        for key in ("type", "to"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise ValueError(f"{where}: {key!r} must be a non-empty string")
        for key in ("id", "author", "created", "modified"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                raise ValueError(f"{where}: {key!r} must be a string")
        relations.append(
            ImportedRelation(
                type=entry["type"],
                target=entry["to"],
                id=entry.get("id") or None,
                author=entry.get("author") or "",
                created=entry.get("created") or "",
                modified=entry.get("modified") or "",
                extra={k: v for k, v in entry.items() if k not in RELATION_KEYS},
            )
        )
    return tuple(relations)
