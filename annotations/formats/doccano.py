"""doccano sequence labelling: JSON Lines, one article a line.

Export
    ::

        {"id": 1, "text": "<the full article>", "label": [[start, end, "tag"], …],
         "document": …, "title": …, "source": …, "date": …, "sha256": …,
         "meta": {"offsets": "utf16", "document_tags": […], "document_note": "…",
                  "annotations": [{"id", "start", "end", "tags", "note", "author",
                                   "created", "modified"}, …]}}

    - Relations are not exported (a warning per article that has some): this is
      doccano's sequence-labelling format, which has none (its relation projects
      read another layout, ``entities`` and ``relations``, not written here).
    - ``id`` numbers the articles of the export from 1. Every article gets a line,
      also one without annotations (to be annotated in doccano).
    - ``text`` is the full decoded text, line endings as in the file, so that the
      offsets index it.
    - ``label`` has one ``[start, end, tag]`` triple per annotation **per tag**; an
      untagged annotation gets one triple labelled ``"span"`` (doccano has no
      unlabelled spans). Such labels share spans and overlap: import them into a
      doccano project with "Allow overlapping entity" on (and "Count grapheme clusters
      as one character" off), or doccano silently drops or moves some.
    - ``single_label=True`` (``--doccano-single-label``) is for a default doccano
      project (overlapping off): one label per annotation, its first tag (``span``
      when it has none), and no two labels sharing a character (the longest annotation
      is kept, then the earliest). What it leaves out is one report warning per article,
      naming it; ``meta.annotations`` still lists every annotation whole, so an import
      of the file reports each label doccano does not have.
    - Offsets are UTF-16 code units by default (``offsets="utf16"``): doccano's
      front end is JavaScript and counts them, so an emoji or 𝐀 before a span counts
      two (doccano 1.8 counts UTF-16 units only with grapheme-cluster mode off).
      ``offsets="codepoint"`` writes hamish's code points instead (for scripts).
      Ends are exclusive in both.
    - Only placed annotations (not orphans) are labelled; skipped orphans, and
      annotations whose quote is not at their offsets, are reported as warnings.
      ``ExportReport.records`` counts the annotations labelled.
    - U+0085, U+2028 and U+2029 (allowed raw inside JSON strings) are written as
      ``\\u`` escapes, so that every splitter (``str.splitlines``, JavaScript) sees
      one line per article; so are DEL, the C1 and the bidi controls, which a terminal
      showing the file would obey (``escape_for_terminals``).
    - ``meta`` keeps what labels cannot hold (ids, notes, authors, times, untagged
      spans), with the offsets in the same unit as ``label``. doccano keeps unknown
      keys of an imported line as the example's metadata and writes them back on
      export, so a round trip through doccano keeps them.

Import
    :func:`read_doccano` reads doccano's JSON Lines: ``label`` (or ``labels``)
    triples, or ``entities`` objects with ``start_offset``/``end_offset``/``label``.
    The labels are the truth (they are what was edited in doccano); triples with the
    same span make one annotation with several tags. When ``meta.annotations`` (from
    :func:`write_doccano`) has entries for a span, their ids, notes, authors and times
    are kept and the span's labels are shared out by their tags (a label nobody had
    goes to the first; the ``"span"`` placeholder of an untagged annotation is
    dropped); an entry none of whose labels remain was deleted in doccano and is not
    returned. Offsets are converted back to code points from ``offsets`` units; the
    quote is the text between them. ``document`` is the line's ``document`` (else its
    ``id``). Tags keep the order ``meta`` gives them, labels new in doccano after them.

    Labels ``meta`` lists that the line's labels no longer have (dropped by a doccano
    project without "Allow overlapping entity", moved by grapheme-cluster mode, or
    deleted in doccano) are yielded as records whose ``ImportedAnnotation.problem`` names
    them: the import reports each one (unless the sidecar already holds it), never
    "0 problems".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from annotations.formats.base import (
    ExportDocument,
    ExportReport,
    ImportedAnnotation,
    encode_json,
    escape_for_terminals,
    json_lines,
    one_label_left_out,
    short_quote,
)
from annotations.formats.offsets import (
    OFFSET_UNITS,
    OffsetUnit,
    astral_positions,
    check_unit,
    codepoint_converter,
    utf16_converter,
)

__all__ = ["UNTAGGED", "read_doccano", "write_doccano"]

UNTAGGED = "span"


# --------------------------------------------------------------------------------------------
# Export


def write_doccano(
    documents: Iterable[ExportDocument],
    out: IO[str],
    *,
    offsets: OffsetUnit = "utf16",
    doccano_single_label: bool = False,
) -> ExportReport:
    """Write one doccano line per document to ``out``."""
    check_unit(offsets)
    report = ExportReport()
    for number, doc in enumerate(documents, 1):
        report.documents += 1
        doc.relations_dropped(report, format="doccano")
        text = doc.text
        # utf16_converter(()) is the identity: code points are written as they are.
        convert = utf16_converter(astral_positions(text) if offsets == "utf16" else ())
        labels: list[list[Any]] = []
        entries: list[dict[str, Any]] = []
        spans = doc.spans(report)
        single = _single_labels(doc.path, spans, report) if doccano_single_label else None
        for a in spans:
            start, end = convert(a.start), convert(a.end)
            if single is None:
                for tag in a.tags or (UNTAGGED,):
                    labels.append([start, end, tag])
            elif a.id in single:
                labels.append([start, end, single[a.id]])
            entries.append(
                {
                    "id": a.id,
                    "start": start,
                    "end": end,
                    "tags": list(a.tags),
                    "note": a.note,
                    "author": a.author,
                    "created": a.created,
                    "modified": a.modified,
                }
            )
        record = {"id": number, "text": text, "label": labels, **doc.fields}
        record["meta"] = {
            "offsets": offsets,
            "document_tags": list(doc.annotations.document.tags),
            "document_note": doc.annotations.document.note,
            "annotations": entries,
        }
        out.write(escape_for_terminals(encode_json(record)) + "\n")
        report.records += len(entries) if single is None else len(single)
    return report


def _single_labels(path: str, spans: list[Any], report: ExportReport) -> dict[str, str]:
    """The one label each kept annotation gets in a default doccano project (annotation
    id -> tag), no two sharing a character; one warning names what is left out."""
    kept: dict[str, str] = {}
    taken: list[tuple[int, int]] = []  # kept spans, for the overlap test
    overlapping: list[str] = []
    further: Counter[str] = Counter()
    for a in sorted(spans, key=lambda a: (a.start - a.end, a.start, a.end, a.id)):
        label = a.tags[0] if a.tags else UNTAGGED
        if any(start < a.end and a.start < end for start, end in taken):
            overlapping.append(f"«{short_quote(a.quote)}» {label}")
            continue
        taken.append((a.start, a.end))
        kept[a.id] = label
        further.update(a.tags[1:])
    left_out = one_label_left_out(overlapping, further)
    if left_out:
        report.warnings.append(
            f"{path}: --doccano-single-label left out {left_out} (meta keeps them)"
        )
    return kept


# --------------------------------------------------------------------------------------------
# Import


def read_doccano(
    lines: Iterable[str], *, offsets: OffsetUnit = "utf16"
) -> Iterator[ImportedAnnotation]:
    """Annotations from doccano JSON Lines, offsets converted to code points.

    Raises ``ValueError("line N: reason")`` on bad JSON, a missing ``text``, a bad
    label or an offset outside the text (or inside a surrogate pair).
    """
    check_unit(offsets)
    for number, record in json_lines(lines):
        try:
            yield from _record(record, offsets)
        except ValueError as error:
            raise ValueError(f"line {number}: {error}") from None


def _labels(record: dict[str, Any]) -> list[tuple[int, int, str]]:
    given: list[tuple[Any, Any, Any]] = []  # as the file has them, checked below
    if "entities" in record and "label" not in record:
        for entity in record["entities"] or ():
            if not isinstance(entity, dict):
                raise ValueError("an entity that is not an object")
            given.append(
                (entity.get("start_offset"), entity.get("end_offset"), entity.get("label"))
            )
    else:
        raw = record.get("label", record.get("labels")) or []
        if not isinstance(raw, list):
            raise ValueError("'label' is not a list")
        for item in raw:
            if not isinstance(item, list) or len(item) != 3:
                raise ValueError(f"a label that is not [start, end, tag]: {item!r}")
            given.append((item[0], item[1], item[2]))
    triples: list[tuple[int, int, str]] = []
    for start, end, tag in given:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise ValueError(f"a label with non-integer offsets: {[start, end, tag]!r}")
        if start > end:
            raise ValueError(f"a label that ends before it starts: {[start, end, tag]!r}")
        if not isinstance(tag, str):
            raise ValueError(f"a label whose tag is not a string: {[start, end, tag]!r}")
        triples.append((start, end, tag))
    return triples


def _record(record: Any, offsets: str) -> Iterator[ImportedAnnotation]:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("missing 'text'")
    given_meta = record.get("meta")
    meta: dict[str, Any] = given_meta if isinstance(given_meta, dict) else {}
    written = meta.get("offsets")
    if written in OFFSET_UNITS and written != offsets:
        raise ValueError(f"written with offsets={written!r}, read with offsets={offsets!r}")
    document = record.get("document")
    if not isinstance(document, str):
        document = str(record.get("id", ""))
    # doccano never splits a surrogate pair: an offset that does is not for this text.
    convert = (
        codepoint_converter(text, strict=True) if offsets == "utf16" else _codepoints(len(text))
    )

    # Labels grouped by span (in units), in order of first appearance, tags deduplicated.
    spans: dict[tuple[int, int], list[str]] = {}
    for start, end, tag in _labels(record):
        tags = spans.setdefault((start, end), [])
        if tag not in tags:
            tags.append(tag)
    entries: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for entry in meta.get("annotations") or ():
        if isinstance(entry, dict) and isinstance(entry.get("start"), int):
            entry_end = entry.get("end")
            if isinstance(entry_end, int):
                entries.setdefault((entry["start"], entry_end), []).append(entry)

    for (start_units, end_units), tags in spans.items():
        start, end = convert(start_units), convert(end_units)
        quote = text[start:end]
        shared = _share(tags, entries.pop((start_units, end_units), []))
        for entry, entry_tags, lost in shared:
            if entry_tags or lost is None:
                yield _annotation(document, start, end, quote, entry, entry_tags)
            if lost is not None:
                yield _not_imported(document, start, end, quote, entry, lost)
    # Annotations of meta at a span no label has any more: every label of theirs is lost.
    for (start_units, end_units), left in entries.items():
        try:
            start, end = convert(start_units), convert(end_units)
        except ValueError:
            start = end = 0  # meta's offsets are not for this text either
        for entry in left:
            lost = _entry_tags(entry) or [UNTAGGED]
            yield _not_imported(document, start, end, text[start:end], entry, lost)


def _annotation(
    document: str,
    start: int,
    end: int,
    quote: str,
    entry: dict[str, Any],
    tags: list[str],
) -> ImportedAnnotation:
    return ImportedAnnotation(
        document=document,
        start=start,
        end=end,
        quote=quote,
        tags=tuple(tags),
        note=_string(entry, "note"),
        author=_string(entry, "author"),
        created=_string(entry, "created"),
        modified=_string(entry, "modified"),
        id=_string(entry, "id") or None,
    )


def _not_imported(
    document: str, start: int, end: int, quote: str, entry: dict[str, Any], lost: list[str]
) -> ImportedAnnotation:
    """The report of an annotation's labels (``lost``) the file no longer has: a record
    with a ``problem``, not an annotation to add."""
    untagged = lost == [UNTAGGED] and not _entry_tags(entry)
    labels = "its label 'span' (untagged)" if untagged else f"label {', '.join(lost)}"
    if len(lost) > 1:
        labels = f"{len(lost)} labels {', '.join(lost)}"
    return ImportedAnnotation(
        document=document,
        start=start,
        end=end,
        quote=quote,
        tags=() if untagged else tuple(lost),
        id=_string(entry, "id") or None,
        problem=(
            f"«{short_quote(quote)}» at {start}..{end}: {labels} not in doccano's labels; not "
            'imported (a doccano project drops overlapping labels unless "Allow overlapping '
            'entity" is on, and moves spans when it counts grapheme clusters)'
        ),
    )


def _entry_tags(entry: dict[str, Any]) -> list[str]:
    tags = entry.get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _share(
    tags: list[str], entries: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], list[str], list[str] | None]]:
    """The span's labels shared out among the annotations ``meta`` had for the span:
    (entry, its tags in meta's order then new ones, the tags it lost or None)."""
    if not entries:
        yield {}, tags, None
        return
    claimed: set[str] = set()
    shares: list[tuple[dict[str, Any], list[str], list[str]]] = []
    for entry in entries:
        had = _entry_tags(entry)
        mine = [t for t in had if t in tags]  # in the order hamish had them
        claimed.update(mine)
        shares.append((entry, had, mine))
    leftover = [t for t in tags if t not in claimed]
    untagged_kept = UNTAGGED in leftover and any(not had for _, had, _ in shares)
    if untagged_kept:
        leftover.remove(UNTAGGED)
    first = True
    for entry, had, mine in shares:
        lost = [t for t in had if t not in tags]
        if had and not mine:
            yield entry, [], lost  # all its labels were removed
            continue
        if not had and not untagged_kept:
            yield entry, [], [UNTAGGED]  # its placeholder label was removed
            continue
        if first:
            mine = mine + leftover
            first = False
        yield entry, mine, lost or None
    if first and leftover:  # every annotation of meta was removed, new labels remain
        yield {}, leftover, None


def _string(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    return value if isinstance(value, str) else ""


def _codepoints(length: int) -> Callable[[int], int]:
    def check(index: int) -> int:
        if not 0 <= index <= length:
            raise ValueError(f"offset {index} is outside the text ({length} characters)")
        return index

    return check
