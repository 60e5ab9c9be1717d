"""Label Studio tasks export, and import of Label Studio JSON exports.

:func:`write_labelstudio` writes a JSON array of tasks, one task per article, streamed (``[``,
tasks separated by ``,\\n``, ``]``) so that a large corpus is never held in memory::

    {"data": {"text": …, "document": path, "title": …, "source": …, "date": …, "sha256": …},
     "predictions": [{"model_version": "hamish", "result": [ … ]}]}

(``"annotations": [{"result": [ … ]}]`` instead with ``as_annotations=True``, for annotations
Label Studio should treat as human work rather than pre-annotations). Each annotation gives one
``labels`` result per tag, with the id ``<hamish id>-<tag index>`` (an untagged annotation gets
the label ``Span``)::

    {"id": "3f9c1a7be2d04c55-0", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 21, "end": 54, "text": "…", "labels": ["quote"]}}

and a note adds a per-region ``textarea`` result sharing the id of the annotation's first
region (``…-0``), which is how Label Studio ties a per-region TextArea to its region::

    {"id": "3f9c1a7be2d04c55-0", "from_name": "note", "to_name": "text", "type": "textarea",
     "value": {"start": 21, "end": 54, "text": ["the note"]}}

A relation is a ``relation`` result from its source's first region to its target's, its
type as the one label (a relation with an end not exported is left out, with a warning)::

    {"from_id": "3f9c1a7be2d04c55-0", "to_id": "7d1e0b9a44c2f813-0", "type": "relation",
     "direction": "right", "labels": ["said"]}

``label_config.xml`` beside the output file is a labeling configuration matching those names:
``<Labels name="label" toName="text">`` with one ``<Label>`` per label used, ``<Text
name="text" value="$text"/>``, ``<TextArea name="note" toName="text" perRegion="true"/>`` and,
when relations were written, ``<Relations>`` with one ``<Relation>`` per type used.

Offsets. Label Studio's Text regions count positions in ``data.text``; ``\\r\\n`` counts two,
as in hamish. For characters outside the Basic Multilingual Plane (emoji, 𝐀) the unit
matters, and Label Studio changed it: older releases counted JavaScript (UTF-16) units (its
issue #1347, 2021), while the frontend since 2022 counts code points (its end-to-end test
"NER - Emoji - Text" expects ``start: 21`` for "test" after one emoji, and its DOM manager
documents global offsets "in codepoints"). ``offsets="codepoint"`` (the default) writes
hamish's code points unchanged; ``offsets="utf16"`` converts to UTF-16 units for the older
releases. Articles with such characters get a warning in the report either way, since the
two kinds of release disagree about them.

:func:`read_labelstudio` reads a Label Studio JSON export (or a file written here): a JSON
array of tasks, or one task. A task's results come from its ``annotations`` (and the pre-1.0
``completions``), skipping cancelled ones, or, when it has none, from its ``predictions``.
Each Text ``labels`` region becomes an annotation with its labels as tags; a per-region
``textarea`` becomes the note of the region with the same id, or else of the region with the
same start and end. In tasks written by hamish (``data`` has ``document`` and ``sha256``),
results ``<id>-<n>`` are put back together as the annotation ``<id>`` (keeping the id), and
an annotation whose only label is ``Span`` has no tag (so an annotation whose only tag is
``Span`` reads back untagged; the export warns about it). Offsets are converted to code
points (:mod:`annotations.formats.offsets`: a start inside a surrogate pair moves back, an
end forward): with the default ``offsets="auto"`` each region's offsets are read as code points
unless only the UTF-16 reading makes ``data.text`` match the region's text (compared exactly,
then with ``\\n`` escapes undone). The quote is taken from ``data.text``. A ``relation``
result links the annotations of its ``from_id`` and ``to_id`` regions (``direction``
``left`` swaps them; ``bi`` and ``right`` read from → to), its first label the type
(``related`` without one).
The document is ``data.document``, or else the task id. A result whose offsets fall outside
the text raises :class:`ValueError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

from annotations.formats.base import (
    ARTICLE_KEYS,
    ExportDocument,
    ExportReport,
    ImportedAnnotation,
    ImportedRelation,
    encode_json,
    escape_for_terminals,
    kept_fields,
)
from annotations.formats.offsets import (
    OFFSET_UNITS,
    OffsetUnit,
    astral_positions,
    check_unit,
    codepoint_converter,
    utf16_converter,
)
from annotations.model import RELATION_KEYS

__all__ = [
    "LABEL_CONFIG",
    "MODEL_VERSION",
    "UNLABELLED_RELATION",
    "UNTAGGED_LABEL",
    "ReadOffsets",
    "read_labelstudio",
    "write_labelstudio",
]

UNTAGGED_LABEL = "Span"
#: The key of ``data`` holding what Label Studio has no place for (see the module docstring).
HAMISH_KEY = "hamish"
MODEL_VERSION = "hamish"
LABEL_CONFIG = "label_config.xml"

_HAMISH_RESULT_ID = re.compile(r"(.+)-(\d+)")

#: How the reader takes a region's offsets: per region ("auto", see the module docstring),
#: or all in one of the units of :mod:`annotations.formats.offsets`.
ReadOffsets = OffsetUnit | Literal["auto"]
_READ_OFFSETS: tuple[str, ...] = ("auto", *OFFSET_UNITS)


# --------------------------------------------------------------------------- writing


def write_labelstudio(
    documents: Iterable[ExportDocument],
    out_file: Path,
    *,
    as_annotations: bool = False,
    offsets: OffsetUnit = "codepoint",
) -> ExportReport:
    """Write the tasks to ``out_file`` and ``label_config.xml`` beside it.

    ``offsets`` is ``"codepoint"`` (current Label Studio) or ``"utf16"`` (older releases).
    ``report.records`` counts exported annotations (not result items).
    """
    check_unit(offsets)
    out_file = Path(out_file)
    report = ExportReport()
    labels: set[str] = set()
    relation_types: set[str] = set()
    key = "annotations" if as_annotations else "predictions"
    # A lone surrogate in a text cannot be UTF-8; backslashreplace writes it as a JSON \u escape.
    with open(out_file, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as out:
        out.write("[")
        for document in documents:
            result = _results(document, offsets, labels, relation_types, report)
            entry: dict[str, Any] = {"result": result}
            if not as_annotations:
                entry = {"model_version": MODEL_VERSION, **entry}
            data = {"text": document.text, **document.fields}
            data[HAMISH_KEY] = _hamish_data(document, result)
            task = {"data": data, key: [entry]}
            out.write("\n" if report.documents == 0 else ",\n")
            out.write(escape_for_terminals(encode_json(task)))
            report.documents += 1
        out.write("\n]\n" if report.documents else "]\n")
    _write_label_config(out_file.parent / LABEL_CONFIG, labels, relation_types)
    return report


def _results(
    document: ExportDocument,
    offsets: OffsetUnit,
    labels: set[str],
    relation_types: set[str],
    report: ExportReport,
) -> list[dict[str, Any]]:
    text = document.text
    placed = document.spans(report)
    astral = astral_positions(text)
    if astral:
        report.warnings.append(
            f"{document.path}: non-BMP characters; offsets written as "
            + (
                "code points (current Label Studio); releases counting UTF-16 units will be off"
                if offsets == "codepoint"
                else "UTF-16 units; Label Studio releases counting code points will be off"
            )
        )
    convert = utf16_converter(astral if offsets == "utf16" else ())  # () converts nothing
    results: list[dict[str, Any]] = []
    exported: list[str] = []
    for annotation in placed:
        if not 0 <= annotation.start <= annotation.end <= len(text):
            report.warnings.append(
                f"{document.path}: annotation {annotation.id} lies outside the text; not exported"
            )
            continue
        if annotation.tags == (UNTAGGED_LABEL,):
            report.warnings.append(
                f"{document.path}: annotation {annotation.id} has the single tag "
                f"{UNTAGGED_LABEL!r}, which reads back as no tag"
            )
        start, end = convert(annotation.start), convert(annotation.end)
        quote = text[annotation.start : annotation.end]
        for index, tag in enumerate(annotation.tags or (UNTAGGED_LABEL,)):
            labels.add(tag)
            results.append(
                {
                    "id": f"{annotation.id}-{index}",
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": start, "end": end, "text": quote, "labels": [tag]},
                }
            )
        if annotation.note:
            results.append(
                {
                    "id": f"{annotation.id}-0",
                    "from_name": "note",
                    "to_name": "text",
                    "type": "textarea",
                    "value": {"start": start, "end": end, "text": [annotation.note]},
                }
            )
        exported.append(annotation.id)
        report.records += 1
    for relation in document.relations_between(exported, report, format="Label Studio"):
        relation_types.add(relation.type)
        results.append(
            {
                "from_id": f"{relation.source}-0",
                "to_id": f"{relation.target}-0",
                "type": "relation",
                "direction": "right",
                "labels": [relation.type],
            }
        )
    return results


def _hamish_data(document: ExportDocument, results: list[dict[str, Any]]) -> dict[str, Any]:
    """``data.hamish`` (see the module docstring): what Label Studio has no place for."""
    written = {r["id"].rsplit("-", 1)[0] for r in results if r.get("type") == "labels"}
    fields = {a.id: kept_fields(a) for a in document.annotations.annotations if a.id in written}
    linked = {(r["from_id"], r["to_id"], r["labels"][0]) for r in results if "from_id" in r}
    relations = [
        relation.to_json()
        for relation in document.annotations.relations
        if (f"{relation.source}-0", f"{relation.target}-0", relation.type) in linked
    ]
    data: dict[str, Any] = document.article_keys()
    data["annotations"] = fields
    if relations:
        data["relations"] = relations
    return data


def _write_label_config(path: Path, labels: set[str], relation_types: set[str]) -> None:
    lines = ["<View>", '  <Labels name="label" toName="text">']
    lines += [
        f"    <Label value={quoteattr(label)}/>" for label in sorted(labels or {UNTAGGED_LABEL})
    ]
    lines += [
        "  </Labels>",
        '  <Text name="text" value="$text"/>',
        '  <TextArea name="note" toName="text" perRegion="true"/>',
    ]
    if relation_types:
        lines.append("  <Relations>")
        lines += [f"    <Relation value={quoteattr(name)}/>" for name in sorted(relation_types)]
        lines.append("  </Relations>")
    lines.append("</View>")
    with open(path, "w", encoding="utf-8", newline="\n") as config:
        config.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------- reading


@dataclass
class _Region:
    """One annotation being read: offsets as the file gave them, tags and notes."""

    start: int
    end: int
    quote: str | None
    id: str | None
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: str = ""  # what the task's relations call it
    relations: list[ImportedRelation] = field(default_factory=list)


#: A relation result's type when it has no label (Label Studio allows unlabelled ones).
UNLABELLED_RELATION = "related"


def read_labelstudio(path: Path, *, offsets: ReadOffsets = "auto") -> Iterator[ImportedAnnotation]:
    """Yield the annotations of a Label Studio JSON export (see the module docstring).

    ``offsets``: ``"auto"`` (per region, see above), ``"codepoint"`` or ``"utf16"``.
    """
    if offsets not in _READ_OFFSETS:
        raise ValueError(f"offsets must be one of {', '.join(_READ_OFFSETS)}, not {offsets!r}")
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            tasks = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a Label Studio JSON export ({error})") from None
    if isinstance(tasks, Mapping):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise ValueError(f"{path}: expected a JSON array of tasks")
    for number, task in enumerate(tasks, start=1):
        if not isinstance(task, Mapping):
            raise ValueError(f"{path}: task {number} is not a JSON object")
        yield from _read_task(path, number, task, offsets)


def _read_task(
    path: Path, number: int, task: Mapping[str, Any], offsets: ReadOffsets
) -> Iterator[ImportedAnnotation]:
    data = task.get("data")
    data = data if isinstance(data, Mapping) else {}
    text = data.get("text") if isinstance(data.get("text"), str) else None
    document = data.get("document") or task.get("id", number)
    document = str(document)
    ours = isinstance(data.get("sha256"), str) and "document" in data
    human = [
        item
        for key in ("annotations", "completions")
        for item in task.get(key) or ()
        if isinstance(item, Mapping) and not item.get("was_cancelled")
    ]
    predictions = [i for i in task.get("predictions") or () if isinstance(i, Mapping)]
    items = human or predictions
    astral = astral_positions(text) if text is not None else ()
    # A region read as UTF-16 never shrinks: a start inside a surrogate pair moves back.
    from_utf16 = (
        (codepoint_converter(text, astral, side="start"), codepoint_converter(text, astral))
        if astral and text is not None
        else None
    )
    hamish = data.get(HAMISH_KEY) if ours else None
    hamish = hamish if isinstance(hamish, Mapping) else {}
    fields = hamish.get("annotations")
    fields = fields if isinstance(fields, Mapping) else {}
    relation_fields = _relation_fields(hamish.get("relations"))
    document_keys = {k: hamish[k] for k in ARTICLE_KEYS if k in hamish}
    for item in items:
        author = _author(item.get("completed_by")) if human else ""
        created = _time(item.get("created_at")) if human else ""
        modified = _time(item.get("updated_at")) if human else ""
        for region in _regions(item.get("result") or (), ours):
            start, end = _place(region, text, from_utf16, offsets)
            where = f"{path}: task {document}"
            if not 0 <= start <= end or (text is not None and end > len(text)):
                raise ValueError(
                    f"{where}: region {region.start}..{region.end} lies outside the text"
                )
            quote = text[start:end] if text is not None else region.quote or ""
            own = fields.get(region.id) if region.id is not None else None
            own = own if isinstance(own, Mapping) else {}
            extra: dict[str, Any] = dict(document_keys)
            if isinstance(own.get("review"), Mapping):
                extra["review"] = dict(own["review"])
            own_extra = own.get("extra")
            yield ImportedAnnotation(
                document=document,
                start=start,
                end=end,
                quote=quote,
                tags=tuple(region.tags),
                note="\n".join(region.notes),
                author=_string(own.get("author")) or author,
                created=_string(own.get("created")) or created,
                modified=_string(own.get("modified")) or modified,
                id=region.id,
                extra=extra,
                annotation_extra=dict(own_extra) if isinstance(own_extra, Mapping) else {},
                key=region.key or None,
                relations=tuple(
                    _with_fields(r, region.key, relation_fields) for r in region.relations
                ),
            )


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _time(value: Any) -> str:
    """A Label Studio time (``2024-05-01T10:00:00.123456Z``) as hamish writes times."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_RelationKey = tuple[str, str, str]  # (type, from annotation id, to annotation id)


def _relation_fields(value: Any) -> dict[_RelationKey, Mapping[str, Any]]:
    """``data.hamish.relations`` by (type, from, to)."""
    found: dict[_RelationKey, Mapping[str, Any]] = {}
    for entry in value if isinstance(value, list) else ():
        if isinstance(entry, Mapping) and all(
            isinstance(entry.get(k), str) for k in ("type", "from", "to")
        ):
            found[(entry["type"], entry["from"], entry["to"])] = entry
    return found


def _with_fields(
    relation: ImportedRelation, source: str, fields: dict[_RelationKey, Mapping[str, Any]]
) -> ImportedRelation:
    """The relation with the id, author and times hamish wrote for it, when it did."""
    own = fields.get((relation.type, source, relation.target))
    if own is None:
        return relation
    return replace(
        relation,
        id=_string(own.get("id")) or None,
        author=_string(own.get("author")),
        created=_string(own.get("created")),
        modified=_string(own.get("modified")),
        extra={k: v for k, v in own.items() if k not in RELATION_KEYS},
    )


def _author(completed_by: Any) -> str:
    if isinstance(completed_by, Mapping):
        email = completed_by.get("email")
        if isinstance(email, str):
            return email
        names = [completed_by.get("first_name"), completed_by.get("last_name")]
        return " ".join(n for n in names if isinstance(n, str) and n)
    return ""


def _offsets(value: Mapping[str, Any]) -> tuple[int, int] | None:
    start, end = value.get("start"), value.get("end")
    if type(start) is int and type(end) is int:  # not bool, not an XPath (HyperText)
        return start, end
    return None


def _regions(results: Iterable[Any], ours: bool) -> list[_Region]:
    regions: dict[str, _Region] = {}
    region_of: dict[str, str] = {}  # result id → region key
    notes: list[tuple[str, tuple[int, int], list[str]]] = []
    links: list[Mapping[str, Any]] = []
    for index, result in enumerate(results):
        if isinstance(result, Mapping) and result.get("type") == "relation":
            links.append(result)
            continue
        if not isinstance(result, Mapping) or not isinstance(result.get("value"), Mapping):
            continue
        value = result["value"]
        span = _offsets(value)
        if span is None:
            continue
        result_id = str(result.get("id", f"#{index}"))
        if result.get("type") == "textarea":
            text = value.get("text")
            lines = (
                [text] if isinstance(text, str) else [t for t in text or () if isinstance(t, str)]
            )
            notes.append((result_id, span, lines))
            continue
        tags = value.get("labels")
        if not isinstance(tags, list):
            continue
        match = _HAMISH_RESULT_ID.fullmatch(result_id) if ours else None
        key = match.group(1) if match else result_id
        quote = value.get("text") if isinstance(value.get("text"), str) else None
        region = regions.setdefault(key, _Region(*span, quote, key if match else None, key=key))
        region_of[result_id] = key
        region.tags.extend(t for t in tags if isinstance(t, str) and t not in region.tags)
    for result_id, span, lines in notes:
        key = region_of.get(result_id)
        if key is None:
            key = next((k for k, r in regions.items() if (r.start, r.end) == span), None)
        if key is None:
            key = f"note {result_id}"
            regions[key] = _Region(*span, None, None)
        note = "\n".join(lines)
        if note and note not in regions[key].notes:
            regions[key].notes.append(note)
    if ours:  # hamish writes an untagged annotation as a "Span" region
        for region in regions.values():
            if region.tags == [UNTAGGED_LABEL]:
                region.tags.clear()
    for link in links:
        ends = [region_of.get(str(link.get(side))) for side in ("from_id", "to_id")]
        if link.get("direction") == "left":
            ends.reverse()
        source, target = ends
        if source is None or target is None or source == target:
            continue  # a region that is not a text span (or not in this result)
        names = link.get("labels")
        names = names if isinstance(names, list) else []
        name = next((n for n in names if isinstance(n, str) and n), None)
        regions[source].relations.append(
            ImportedRelation(type=name or UNLABELLED_RELATION, target=target)
        )
    return list(regions.values())


def _unescaped(value: str) -> str:
    """A region text as some Label Studio exports write it (``\\n`` for a line break), unescaped."""
    return re.sub(
        r"\\[nrt]", lambda m: {"n": "\n", "r": "\r", "t": "\t"}[m.group()[1]], value
    ).replace("\r", "")


def _place(
    region: _Region,
    text: str | None,
    from_utf16: tuple[Callable[[int], int], Callable[[int], int]] | None,
    offsets: ReadOffsets,
) -> tuple[int, int]:
    """The region's offsets as code points into ``text``.

    ``from_utf16`` converts a start and an end (``None``: the text has no astral character).
    """
    as_given = (region.start, region.end)
    if from_utf16 is None or offsets == "codepoint":
        return as_given
    start_from_utf16, end_from_utf16 = from_utf16
    converted = (start_from_utf16(region.start), end_from_utf16(region.end))
    if offsets == "utf16":
        return converted
    assert text is not None
    if region.quote is None or as_given == converted:
        return as_given
    for compare in (str, _unescaped):
        quote = compare(region.quote)
        given_matches = region.end <= len(text) and compare(text[slice(*as_given)]) == quote
        converted_matches = compare(text[slice(*converted)]) == quote
        if given_matches or converted_matches:
            return as_given if given_matches else converted
    return as_given
