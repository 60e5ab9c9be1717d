"""brat standoff export and import (brat itself, INCEpTION's brat import, most brat converters).

An export folder holds, for every article, ``NAME.txt`` (the article text exactly: UTF-8, no
BOM, line endings as in the article) and ``NAME.ann``; plus ``annotation.conf``,
``visual.conf`` and two small hamish files. ``NAME`` is :attr:`ExportDocument.name`.

``.ann`` lines
    ``T1<TAB>TYPE START END<TAB>TEXT``, one line per annotation and tag (an annotation with
    three tags gives three T lines over the same span; an untagged one gets type ``Span``).
    brat reads ``.ann`` files line by line, so a span may not contain a line break: a quote
    that crosses one is written as fragments ``TYPE s1 e1;s2 e2`` split at every line break
    (``\\r\\n``, ``\\n``, ``\\r`` and the other characters Python's ``str.splitlines`` breaks
    at, such as U+2028, which brat's codec-based reader also breaks at). Fragments leave the
    line-break characters out, and empty fragments are dropped, so a quote that begins or
    ends with a line break comes back without it; one made of line breaks only is not
    exported (a warning says so). TEXT is the fragments' texts joined by one space, as brat
    checks it. A note is ``#1<TAB>AnnotatorNotes T1<TAB>NOTE`` on the annotation's first T
    line, its line breaks replaced by spaces. A relation is
    ``R1<TAB>TYPE Arg1:T3 Arg2:T5``, from its source's first T line to its target's; one
    with an end that is not exported (orphaned, filtered out, dangling) is left out, with
    a warning.

Offsets
    brat counts code points of the decoded ``.txt`` (Python strings), as hamish does, and
    keeps ``\\r\\n`` as two characters (its codec reader does not translate newlines), so
    hamish offsets are written unchanged. Tools on the JVM (INCEpTION, DKPro Core) and in
    JavaScript count UTF-16 units instead: after a character outside the Basic Multilingual
    Plane (emoji, mathematical letters such as 𝐀) their offsets are off by one per such
    character. Such articles get a warning in the report.

Types
    brat type names must match ``[A-Za-z0-9_-]`` (its "storage form"), and hamish tags are
    free text (``speaker/official``, ``موضوع/أمن``). A tag becomes a type as follows: ``/``
    becomes ``-`` and spaces ``_``; if that gives a name starting with a letter and made of
    ``[A-Za-z0-9_-]`` it is the type (``speaker/official`` → ``speaker-official``), with
    ``_2``, ``_3``… appended if another tag already took it; any other tag (Arabic, other
    punctuation) becomes ``tag_1``, ``tag_2``… in order of first use. ``Span`` (untagged)
    and brat's own names (``SPAN_DEFAULT``…) are never given to a tag. ``visual.conf`` maps
    each type back to its tag in ``[labels]`` (``tag_1 | موضوع/أمن``), which brat shows in
    place of the type, and gives each type a colour in ``[drawing]``. brat splits labels at
    ``|``, so a ``|`` in a tag is written as ``¦`` (and read back so; a warning says so).
    ``annotation.conf`` lists the types under ``[entities]``; ``[relations]`` holds
    brat's ``<OVERLAP>`` rule allowing any overlap, since hamish annotations may nest, cross
    or share a span and brat reports those as errors otherwise, and each relation type used
    (``said<TAB>Arg1:<ENTITY>, Arg2:<ENTITY>``). Relation types are named like tags (never
    taking a name a tag has, as brat's labels share one namespace; a name that is not safe
    becomes ``relation_1``…) and mapped back in ``visual.conf`` ``[labels]`` likewise.

hamish files
    ``hamish-documents.tsv`` maps NAME to the article's path and sha256; ``hamish-ids.tsv``
    maps each T line (NAME, T id, offsets, type) to the hamish annotation id. Both are
    tab-separated with a header line, ``\\``, tab and line breaks backslash-escaped. brat and
    INCEpTION ignore them.

Reading (:func:`read_brat`) takes every ``NAME.ann`` in the folder with its ``NAME.txt``. A T
line's span is its first fragment's start to its last fragment's end, and the quote that
slice of the text. T lines recorded in ``hamish-ids.tsv`` with unchanged offsets and type
form the annotation of that id; other T lines with identical fragments form one annotation
with several tags. Types map back to tags through ``visual.conf`` when hamish wrote it
(otherwise the type is the tag), and in a folder hamish wrote (its ``visual.conf`` or
``hamish-documents.tsv``) type ``Span`` means no tag. ``AnnotatorNotes`` become notes;
``R`` lines become relations (between the annotations their two T arguments are part of,
the first the source, whatever the role names, as brat allows others; an R line between
events, or naming no T line of the file, is ignored like events, attributes and
normalizations). The document is the path from
``hamish-documents.tsv``, or NAME. A ``.txt`` starting with a BOM (which brat counts) has it
removed and offsets shifted, as hamish offsets exclude the BOM. A malformed T line, or one
outside its text, raises :class:`ValueError` naming the file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

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
from annotations.formats.offsets import has_astral
from annotations.model import RELATION_KEYS
from annotations.script import SPLITLINES_BREAK_RE

__all__ = [
    "ANNOTATION_CONF",
    "DOCUMENTS_FILE",
    "FIELDS_FILE",
    "IDS_FILE",
    "UNTAGGED_TYPE",
    "VISUAL_CONF",
    "read_brat",
    "write_brat",
]

UNTAGGED_TYPE = "Span"
ANNOTATION_CONF = "annotation.conf"
VISUAL_CONF = "visual.conf"
DOCUMENTS_FILE = "hamish-documents.tsv"
IDS_FILE = "hamish-ids.tsv"
FIELDS_FILE = "hamish-fields.jsonl"

# The first line of both .conf files; read_brat trusts visual.conf labels only after it.
_MARKER = "# written by hamish"
_DOCUMENTS_HEADER = ("name", "path", "sha256")
_IDS_HEADER = ("name", "brat_id", "offsets", "type", "id")

_SAFE_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# brat's configuration words, and our own untagged type: never a tag's type.
_RESERVED = frozenset(
    {
        UNTAGGED_TYPE,
        "SPAN_DEFAULT",
        "ARC_DEFAULT",
        "ATTRIBUTE_DEFAULT",
        "SEPARATOR",
        "ENTITY-NESTING",
        "Equiv",
        "AnnotatorNotes",
    }
)
# Where str.splitlines() (and so brat's codecs reader) ends a line; "\r\n" counts as one break.
_LINE_BREAK = SPLITLINES_BREAK_RE
_T_DATA = re.compile(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)")
_R_DATA = re.compile(r"(\S+) [^:\s]+:(T\S+) [^:\s]+:(T\S+)")
_PALETTE = (
    "#8fb2ff",
    "#ffccaa",
    "#b4e6a1",
    "#f7b7d2",
    "#fff09e",
    "#c9b3f5",
    "#a8e6e2",
    "#f5c28f",
    "#d5e8a4",
    "#e6b8b8",
    "#b8cce6",
    "#e6d8b8",
)

_ANNOTATION_CONF_HEAD = f"""{_MARKER}: one entity type per tag; visual.conf gives each its tag.
[entities]
"""
_ANNOTATION_CONF_TAIL = """
[relations]
# hamish annotations may nest, cross or share a span: allow any overlap.
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

[events]

[attributes]
"""
_VISUAL_CONF_HEAD = f"""{_MARKER}: [labels] give the hamish tag of each type.
[labels]
"""
_VISUAL_CONF_DRAWING = """
[drawing]
SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken
ARC_DEFAULT\tcolor:black, arrowHead:triangle-5
ATTRIBUTE_DEFAULT\tglyph:*
"""


# --------------------------------------------------------------------------- helpers


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group(0)), value)


def _tsv_line(*fields: str) -> str:
    return "\t".join(_escape(f) for f in fields) + "\n"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` split at line breaks, breaks left out, empty pieces dropped."""
    pieces: list[tuple[int, int]] = []
    position = start
    for match in _LINE_BREAK.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if end > position:
        pieces.append((position, end))
    return pieces


def _one_line(value: str) -> str:
    return _LINE_BREAK.sub(" ", value)


def _label(tag: str) -> str:
    """The tag as a visual.conf label: no '|' (brat's separator) and no line breaks or tabs."""
    return " ".join(tag.replace("|", "¦").split())


class _TypeNames:
    """Assigns brat-safe type names to tags, in order of first use, injectively.

    Relation types get their own instance sharing ``used`` with the tags' (brat's labels
    are one namespace), named ``relation_N`` when not safe.
    """

    def __init__(self, used: set[str] | None = None, fallback: str = "tag") -> None:
        self.by_tag: dict[str, str] = {}
        self.used: set[str] = set() if used is None else used
        self._fallback = fallback
        self._counter = 0

    def __call__(self, tag: str) -> str:
        name = self.by_tag.get(tag)
        if name is None:
            name = self._new(tag)
            self.by_tag[tag] = name
            self.used.add(name)
        return name

    def _free(self, name: str) -> bool:
        return name not in self.used and name not in _RESERVED

    def _new(self, tag: str) -> str:
        candidate = tag.strip().replace("/", "-").replace(" ", "_")
        if _SAFE_TYPE.fullmatch(candidate):
            if self._free(candidate):
                return candidate
            suffix = 2
            while not self._free(f"{candidate}_{suffix}"):
                suffix += 1
            return f"{candidate}_{suffix}"
        while True:
            self._counter += 1
            name = f"{self._fallback}_{self._counter}"
            if self._free(name):
                return name


# --------------------------------------------------------------------------- writing


def write_brat(documents: Iterable[ExportDocument], folder: Path) -> ExportReport:
    """Write every document as ``folder/NAME.txt`` + ``NAME.ann``, then the configuration.

    ``report.records`` counts exported annotations (not T lines).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    types = _TypeNames()
    relation_types = _TypeNames(types.used, "relation")
    untagged_used = False
    with (
        open(folder / DOCUMENTS_FILE, "w", encoding="utf-8", newline="\n") as documents_tsv,
        open(folder / IDS_FILE, "w", encoding="utf-8", newline="\n") as ids_tsv,
        open(folder / FIELDS_FILE, "w", encoding="utf-8", newline="\n") as fields_jsonl,
    ):
        documents_tsv.write(_tsv_line(*_DOCUMENTS_HEADER))
        ids_tsv.write(_tsv_line(*_IDS_HEADER))
        for document in documents:
            report.documents += 1
            documents_tsv.write(_tsv_line(document.name, document.path, document.sha256))
            with open(
                folder / f"{document.name}.txt",
                "w",
                encoding="utf-8",
                errors="surrogatepass",
                newline="",
            ) as txt:
                txt.write(document.text)
            with open(
                folder / f"{document.name}.ann",
                "w",
                encoding="utf-8",
                errors="surrogatepass",
                newline="\n",
            ) as ann:
                exported, untagged = _write_ann(
                    document, ann, ids_tsv, types, relation_types, report
                )
            report.records += exported
            untagged_used = untagged_used or untagged
            fields_jsonl.write(escape_for_terminals(encode_json(_fields(document))) + "\n")
    _write_annotation_conf(folder, types, relation_types, untagged_used)
    _write_visual_conf(folder, types, relation_types, untagged_used, report)
    return report


def _write_ann(
    document: ExportDocument,
    ann: TextIO,
    ids_tsv: TextIO,
    types: _TypeNames,
    relation_types: _TypeNames,
    report: ExportReport,
) -> tuple[int, bool]:
    """Write one document's T, # and R lines; return (annotations exported, untagged used)."""
    text = document.text
    placed = document.spans(report)
    if has_astral(text):
        report.warnings.append(
            f"{document.path}: non-BMP characters; brat offsets are code points, "
            "tools counting UTF-16 will be off"
        )
    t_count = note_count = exported = 0
    untagged = False
    first_t: dict[str, str] = {}  # annotation id -> its first T line (a relation's argument)
    for annotation in placed:
        if not 0 <= annotation.start <= annotation.end <= len(text):
            report.warnings.append(
                f"{document.path}: annotation {annotation.id} lies outside the text; not exported"
            )
            continue
        pieces = _fragments(text, annotation.start, annotation.end)
        if not pieces:
            report.warnings.append(
                f"{document.path}: annotation {annotation.id} has no text outside line breaks; "
                "not exported"
            )
            continue
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        quote = " ".join(text[s:e] for s, e in pieces)
        if annotation.tags:
            type_names = [types(tag) for tag in annotation.tags]
        else:
            type_names = [UNTAGGED_TYPE]
            untagged = True
        first_id = ""
        for type_name in type_names:
            t_count += 1
            t_id = f"T{t_count}"
            first_id = first_id or t_id
            ann.write(f"{t_id}\t{type_name} {offsets}\t{quote}\n")
            ids_tsv.write(_tsv_line(document.name, t_id, offsets, type_name, annotation.id))
        if annotation.note:
            note_count += 1
            ann.write(f"#{note_count}\tAnnotatorNotes {first_id}\t{_one_line(annotation.note)}\n")
        first_t[annotation.id] = first_id
        exported += 1
    relations = document.relations_between(first_t, report, format="brat")
    for number, relation in enumerate(relations, start=1):
        source, target = first_t[relation.source], first_t[relation.target]
        ann.write(f"R{number}\t{relation_types(relation.type)} Arg1:{source} Arg2:{target}\n")
        ids_tsv.write(
            _tsv_line(document.name, f"R{number}", "", relation_types(relation.type), relation.id)
        )
    return exported, untagged


def _fields(document: ExportDocument) -> dict[str, Any]:
    """The document's line of ``hamish-fields.jsonl`` (see the module docstring)."""
    line: dict[str, Any] = {"name": document.name, **document.article_keys()}
    line["annotations"] = {a.id: kept_fields(a, note=True) for a in document.placed()}
    line["relations"] = {r.id: r.to_json() for r in document.annotations.relations}
    return line


def _read_fields(path: Path) -> dict[str, dict[str, Any]]:
    """``hamish-fields.jsonl`` by document NAME ({} without the file; a bad line is skipped:
    the file only adds to what the .ann says)."""
    if not path.is_file():
        return {}
    found: dict[str, dict[str, Any]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            try:
                value = json.loads(line) if line.strip() else None
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                found[value["name"]] = value
    return found


def _mapping(value: Any, key: str) -> dict[str, Any]:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _write_annotation_conf(
    folder: Path, types: _TypeNames, relation_types: _TypeNames, untagged_used: bool
) -> None:
    names = ([UNTAGGED_TYPE] if untagged_used else []) + list(types.by_tag.values())
    tail = _ANNOTATION_CONF_TAIL
    if relation_types.by_tag:
        rules = "".join(
            f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>\n" for name in relation_types.by_tag.values()
        )
        tail = tail.replace("\n[events]", rules + "\n[events]", 1)
    with open(folder / ANNOTATION_CONF, "w", encoding="utf-8", newline="\n") as conf:
        conf.write(_ANNOTATION_CONF_HEAD)
        conf.writelines(f"{name}\n" for name in names)
        conf.write(tail)


def _write_visual_conf(
    folder: Path,
    types: _TypeNames,
    relation_types: _TypeNames,
    untagged_used: bool,
    report: ExportReport,
) -> None:
    with open(folder / VISUAL_CONF, "w", encoding="utf-8", newline="\n") as conf:
        conf.write(_VISUAL_CONF_HEAD)
        for tag, name in (*types.by_tag.items(), *relation_types.by_tag.items()):
            label = _label(tag)
            if label != tag:
                report.warnings.append(
                    f"visual.conf: tag {tag!r} written as {label!r} (brat labels cannot hold "
                    "'|', tabs or line breaks)"
                )
            conf.write(f"{name} | {label}\n")
        conf.write(_VISUAL_CONF_DRAWING)
        if untagged_used:
            conf.write(f"{UNTAGGED_TYPE}\tbgColor:#e0e0e0\n")
        for index, name in enumerate(types.by_tag.values()):
            conf.write(f"{name}\tbgColor:{_PALETTE[index % len(_PALETTE)]}\n")


# --------------------------------------------------------------------------- reading


@dataclass
class _Group:
    """The T lines read as one annotation."""

    start: int
    end: int
    id: str | None
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    relations: list[ImportedRelation] = field(default_factory=list)


def _read_tsv(path: Path, header: tuple[str, ...]) -> list[list[str]]:
    if not path.is_file():
        return []
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line in handle.read().split("\n"):
            line = line.removesuffix("\r")
            if not line:
                continue
            fields = [_unescape(f) for f in line.split("\t")]
            if tuple(fields) == header or len(fields) != len(header):
                continue
            rows.append(fields)
    return rows


def _read_labels(folder: Path) -> tuple[dict[str, str], bool]:
    """(type → tag from visual.conf [labels], whether hamish wrote visual.conf)."""
    path = folder / VISUAL_CONF
    if not path.is_file():
        return {}, False
    content = path.read_text(encoding="utf-8")
    lines = content.splitlines()
    ours = bool(lines) and lines[0].startswith(_MARKER)
    labels: dict[str, str] = {}
    section = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = re.fullmatch(r"\[(.*)\]", stripped)
        if header:
            section = header.group(1).strip()
            continue
        if section != "labels":
            continue
        terms = [t.strip() for t in line.split("\t", 1)[0].split("|")]
        if len(terms) >= 2 and terms[0] and terms[1]:
            labels[terms[0]] = terms[1]
    return (labels if ours else {}), ours


def read_brat(folder: Path) -> Iterator[ImportedAnnotation]:
    """Yield the annotations of every ``NAME.ann`` in ``folder`` (see the module docstring)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    paths = {
        name: path for name, path, _sha in _read_tsv(folder / DOCUMENTS_FILE, _DOCUMENTS_HEADER)
    }
    ids: dict[tuple[str, str, str, str], str] = {}  # an R line's offsets are ""
    for name, t_id, offsets, type_name, hamish_id in _read_tsv(folder / IDS_FILE, _IDS_HEADER):
        ids[(name, t_id, offsets, type_name)] = hamish_id
    labels, ours = _read_labels(folder)
    hamish_written = ours or bool(paths)
    fields = _read_fields(folder / FIELDS_FILE)
    for ann_path in sorted(folder.glob("*.ann")):
        name = ann_path.stem
        yield from _read_document(
            ann_path, paths.get(name, name), ids, labels, hamish_written, name, fields.get(name)
        )


def _read_document(
    ann_path: Path,
    document: str,
    ids: dict[tuple[str, str, str, str], str],
    labels: dict[str, str],
    hamish_written: bool,
    name: str,
    saved: dict[str, Any] | None = None,
) -> Iterator[ImportedAnnotation]:
    txt_path = ann_path.with_suffix(".txt")
    if not txt_path.is_file():
        raise ValueError(f"{ann_path}: no {txt_path.name} beside it")
    text = _read_text(txt_path)
    content = _read_text(ann_path)
    bom = 1 if text.startswith("\ufeff") else 0
    text = text[bom:]

    groups: dict[tuple[str, str], _Group] = {}
    group_of: dict[str, tuple[str, str]] = {}  # T id → its group's key
    notes: list[tuple[str, str]] = []
    links: list[tuple[str, str, str, str | None]] = []  # (type, Arg1 T id, Arg2 T id, hamish id)
    for line_number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{ann_path}:{line_number}"
        fields = line.split("\t", 2)
        kind = fields[0][:1]
        if kind == "T":
            if len(fields) < 2:
                raise ValueError(f"{where}: expected 'T<n>\\tTYPE START END\\tTEXT'")
            match = _T_DATA.fullmatch(fields[1].strip())
            if not match:
                raise ValueError(f"{where}: cannot read the type and offsets {fields[1]!r}")
            type_name, offsets = match.groups()
            pieces = [tuple(int(n) - bom for n in part.split()) for part in offsets.split(";")]
            for start, end in pieces:
                if not 0 <= start <= end <= len(text):
                    raise ValueError(
                        f"{where}: offsets {start + bom} {end + bom} lie outside "
                        f"{ann_path.with_suffix('.txt').name} ({len(text) + bom} characters)"
                    )
            start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
            hamish_id = ids.get((name, fields[0], offsets, type_name))
            key = ("id", hamish_id) if hamish_id else ("span", offsets)
            group = groups.setdefault(key, _Group(start, end, hamish_id))
            tag = _tag_for(type_name, labels, hamish_written)
            if tag is not None and tag not in group.tags:
                group.tags.append(tag)
            group_of[fields[0]] = key
        elif kind == "R" and len(fields) >= 2:
            found = _R_DATA.fullmatch(fields[1].strip())
            if found:  # else between events (E ids): events are not read
                type_name, source, target = found.groups()
                hamish_id = ids.get((name, fields[0], "", type_name))
                links.append((type_name, source, target, hamish_id))
        elif kind == "#" and len(fields) >= 2:
            parts = fields[1].split()
            if len(parts) == 2 and parts[0] == "AnnotatorNotes":
                notes.append((parts[1], fields[2] if len(fields) > 2 else ""))
    for target, note in notes:
        noted = group_of.get(target)
        if noted is not None and note and note not in groups[noted].notes:
            groups[noted].notes.append(note)
    keys = {key: _key_name(key) for key in groups}
    for type_name, source, target, hamish_id in links:
        from_key, to_key = group_of.get(source), group_of.get(target)
        if from_key is None or to_key is None:
            continue  # an argument that is no T line of this file: nothing to link
        own = _mapping(_mapping(saved, "relations"), hamish_id) if hamish_id else {}
        groups[from_key].relations.append(
            ImportedRelation(
                type=_tag_for(type_name, labels, False) or type_name,
                target=keys[to_key],
                id=hamish_id,
                author=_text(own.get("author")),
                created=_text(own.get("created")),
                modified=_text(own.get("modified")),
                extra={k: v for k, v in own.items() if k not in RELATION_KEYS},
            )
        )
    document_keys: dict[str, Any] = {
        k: saved[k] for k in ARTICLE_KEYS if saved is not None and k in saved
    }
    own_fields = _mapping(saved, "annotations")
    for key, group in sorted(groups.items(), key=lambda item: (item[1].start, item[1].end)):
        own = _mapping(own_fields, group.id) if group.id else {}
        note = "\n".join(group.notes)
        kept_note = _text(own.get("note"))
        if kept_note and _one_line(kept_note) == note:
            note = kept_note  # the note as written, line breaks and all (brat's is one line)
        extra: dict[str, Any] = dict(document_keys)
        if isinstance(own.get("review"), dict):
            extra["review"] = own["review"]
        yield ImportedAnnotation(
            document=document,
            start=group.start,
            end=group.end,
            quote=text[group.start : group.end],
            tags=tuple(group.tags),
            note=note,
            author=_text(own.get("author")),
            created=_text(own.get("created")),
            modified=_text(own.get("modified")),
            id=group.id,
            extra=extra,
            annotation_extra=_mapping(own, "extra"),
            key=keys[key],
            relations=tuple(group.relations),
        )


def _key_name(key: tuple[str, str]) -> str:
    """A group's name for relations to refer to it by (unique within the document)."""
    return f"{key[0]}:{key[1]}"


def _read_text(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None


def _tag_for(type_name: str, labels: dict[str, str], hamish_written: bool) -> str | None:
    if type_name in labels:
        return labels[type_name]
    if type_name == UNTAGGED_TYPE and hamish_written:
        return None
    return type_name
