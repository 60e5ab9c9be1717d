"""`hamish import`: other tools' annotations into hamish sidecars.

Records are grouped by the article they name, placed (by their offsets when those
still slice the text to the quote, else found again by the quote and the context the
record gives, like any re-anchoring), deduplicated against what the sidecar already has
(same span and tags, or the same hamish id), and saved through the store: atomic,
locked, merged.

An imported record becomes an annotation through :func:`annotations.make_annotation`,
the constructor every annotation goes through: the quote, its context and the status
come from the article's text, never from the record, and the record's document fields
(``title``, ``sha256``, ``document_tags``…) never land in an annotation. What a record
says of a known field must still be valid (a ``status`` hamish knows, string context):
a record that breaks the sidecar format is reported and skipped, so an import can never
leave a sidecar that hamish then refuses. A record's ``review`` (a hamish JSON Lines or
W3C export's) is kept as the annotation's review, when it is a valid one.

Relations a record carries (:attr:`ImportedAnnotation.relations`, from formats that have
them) are linked after every record of the article is placed: their ends are the
annotations made or found for the records the file names (:attr:`ImportedAnnotation.
reference`). A relation whose end was not imported is reported and skipped; one whose id,
or whose link (type, from, to), is already there counts as a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations import (
    Annotation,
    SidecarError,
    anchor,
    make_annotation,
    open_sidecar,
)
from annotations.formats.base import ImportedAnnotation
from annotations.model import (
    ANNOTATION_KEYS,
    PROGRESSES,
    REVIEW_STATES,
    AnnotationSet,
    ArticleState,
    Review,
    make_relation,
)
from annotations.validate import SidecarInvalid, validate_annotation
from reader.library.article import ArticleError, load_article
from reader.library.find import find_articles


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    documents: int = 0
    problems: list[str] = field(default_factory=list)
    relations: int = 0  # relations added
    duplicate_relations: int = 0
    articles: int = 0  # articles whose own tags, note or state the import set

    def add(self, other: ImportReport) -> None:
        """Count ``other`` (the report of another file) in this one."""
        self.added += other.added
        self.duplicates += other.duplicates
        self.documents += other.documents
        self.problems.extend(other.problems)
        self.relations += other.relations
        self.duplicate_relations += other.duplicate_relations
        self.articles += other.articles

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "documents": self.documents,
            "problems": self.problems,
            "relations": self.relations,
            "duplicate_relations": self.duplicate_relations,
            "articles": self.articles,
        }


def resolve_article(document: str, root: Path) -> Path | None:
    """The article a record names, always inside ``root``: its path under ``root``, else
    the one article of that file name under ``root``.

    The working directory is never searched, and a path that leads outside ``root``
    (``../x.txt``, an absolute path elsewhere) is only used for its file name: an import
    writes sidecars inside the library it was given, nowhere else.
    """
    candidate = root / document
    try:
        # The sidecar goes beside the path as named (a symlink keeps its own sidecar), so
        # it is the folder that must really be inside the library.
        inside = candidate.parent.resolve().is_relative_to(root.resolve())
        if inside and candidate.is_file():
            return candidate
    except (OSError, ValueError):  # a NUL byte or an unreadable path: not this article
        pass
    name = Path(document.replace("\x00", "")).name
    matches = [p for p, _ in find_articles([root]) if p.name == name]
    return matches[0] if len(matches) == 1 else None


def import_records(
    records: Iterable[ImportedAnnotation],
    *,
    root: Path,
    author: str,
    annotations_dir: str | None = None,
) -> ImportReport:
    report = ImportReport()
    by_document: dict[str, list[ImportedAnnotation]] = defaultdict(list)
    for record in records:
        by_document[record.document].append(record)
    for document, items in by_document.items():
        path = resolve_article(document, root)
        if path is None:
            report.problems.append(
                f"{document}: no such article under {root} ({len(items)} not imported)"
            )
            continue
        try:
            article = load_article(path)
        except ArticleError as error:
            report.problems.append(str(error))
            continue
        text = article.text
        sidecar = open_sidecar(path, text, annotations_dir=annotations_dir, library_root=root)
        if sidecar.read_only:
            report.problems.append(f"{sidecar.read_only} ({len(items)} not imported)")
            continue
        state = sidecar.annotations
        seen = {(a.start, a.end, frozenset(a.tags)): a.id for a in state.annotations}
        ids = {a.id for a in state.annotations}
        added = 0
        # What the file calls each record (its reference) -> the annotation id it became.
        made: dict[str, str] = {}
        kept: list[ImportedAnnotation] = []  # the records imported or already there
        for record in items:
            lost = record.problem  # the file could not keep it (doccano lost its labels)
            if lost:
                held = next((a for a in state.annotations if a.id == record.id), None)
                if held is None or not set(record.tags) <= set(held.tags):
                    report.problems.append(f"{document}: {lost}")
                continue  # else the sidecar still has them: nothing is lost
            placed = _place(text, record)
            if placed is None:
                report.problems.append(f"{document}: could not place «{_short(record.quote)}»")
                continue
            start, end = placed
            key = (start, end, frozenset(record.tags))
            if key in seen or (record.id is not None and record.id in ids):
                report.duplicates += 1
                found = record.id if record.id is not None and record.id in ids else seen[key]
                if record.reference is not None:
                    made[record.reference] = found
                kept.append(record)
                continue
            annotation = make_annotation(
                text,
                start,
                end,
                tags=record.tags,
                note=record.note,
                author=record.author or author,
                id=record.id,  # a record whose id is already here was counted above
                created=record.created or None,
                modified=record.modified or None,
                original_quote=_original_quote(record),
                extra={**_foreign_keys(record), **record.annotation_extra},
                review=_review(record),
            )
            problem = _record_problem(annotation, record, len(text))
            if problem is not None:
                report.problems.append(f"{document}: «{_short(record.quote)}»: {problem}; skipped")
                continue
            state = state.added(annotation)
            seen[key] = annotation.id
            ids.add(annotation.id)
            if record.reference is not None:
                made[record.reference] = annotation.id
            kept.append(record)
            added += 1
        state, related = _link(state, items, made, document, author, report)
        # The article's own fields, from records that were not refused (a file whose
        # records are all refused changes nothing).
        state, article_changed = _article_fields(state, kept, document, report)
        if added or related or article_changed:
            try:
                sidecar.save(state)
            except SidecarError as error:
                report.problems.append(str(error))
                continue
        report.added += added
        report.relations += related
        report.articles += article_changed
        report.documents += 1
    return report


def _link(
    state: AnnotationSet,
    items: list[ImportedAnnotation],
    made: dict[str, str],
    document: str,
    author: str,
    report: ImportReport,
) -> tuple[AnnotationSet, int]:
    """``state`` with the relations the records carry (see the module docstring), and
    how many were added."""
    added = 0
    for record in items:
        if not record.relations:
            continue
        source = made.get(record.reference) if record.reference is not None else None
        for imported in record.relations:
            target = made.get(imported.target)
            if source is None or target is None:
                report.problems.append(
                    f"{document}: relation {_short(imported.type)!r}: an end was not imported; "
                    "skipped"
                )
                continue
            if imported.id is not None and state.relation(imported.id) is not None:
                report.duplicate_relations += 1
                continue
            link = (imported.type, source, target)
            if any((r.type, r.source, r.target) == link for r in state.relations):
                report.duplicate_relations += 1
                continue
            try:
                relation = make_relation(
                    source,
                    target,
                    imported.type,
                    author=imported.author or author,
                    id=imported.id,
                    created=imported.created or None,
                    modified=imported.modified or None,
                    extra=imported.extra,
                )
                state = state.related(relation)
            except ValueError as error:
                report.problems.append(f"{document}: relation: {error}; skipped")
                continue
            added += 1
    return state, added


#: Keys our exports write on every record about its article (JSON Lines: ``document``,
#: ``title``, ``source``, ``date``, ``sha256``, ``document_tags``; W3C: ``document_*``):
#: facts of the article, never kept in one annotation.
_DOCUMENT_FIELDS = frozenset({"document", "title", "source", "date", "sha256", "url"})


def _article_fields(
    state: AnnotationSet, items: list[ImportedAnnotation], document: str, report: ImportReport
) -> tuple[AnnotationSet, bool]:
    """``state`` with the article's own tags, note and state the records carry
    (``document_tags``, ``document_note``, ``document_state``), and whether that changed it.

    Tags are added after the sidecar's own, in order; a note or state is set when the
    sidecar has none (a different note already there is kept, and reported).
    """
    tags: list[str] = []
    note = ""
    progress: ArticleState | None = None
    for record in items:
        extra = record.extra
        value = extra.get("document_tags")
        if isinstance(value, list):
            tags.extend(t for t in value if isinstance(t, str) and t and t not in tags)
        value = extra.get("document_note")
        if isinstance(value, str) and value and not note:
            note = value
        value = extra.get("document_state")
        if progress is None and isinstance(value, dict) and value.get("state") in PROGRESSES:
            if all(isinstance(value.get(key, ""), str) for key in ("by", "at")):
                progress = ArticleState.from_json(value)
    info = state.document
    changes: dict[str, Any] = {}
    merged = tuple(dict.fromkeys((*info.tags, *tags)))
    if merged != info.tags:
        changes["tags"] = merged
    if note and not info.note:
        changes["note"] = note
    elif note and info.note != note:
        report.problems.append(f"{document}: the article already has another note; kept it")
    if progress is not None and info.state is None:
        changes["state"] = progress
    if not changes:
        return state, False
    return state.with_document(**changes), True


def _foreign_keys(record: ImportedAnnotation) -> dict[str, Any]:
    """The record's keys that hamish does not know, kept with the annotation.

    Known annotation fields are computed or taken from the record's own fields, and
    document fields describe the article: neither is kept. (The annotation's own unknown
    keys, when the file carries them apart, are ``record.annotation_extra``, kept whole.)
    """
    return {
        k: v
        for k, v in record.extra.items()
        if k not in _KNOWN and k not in _DOCUMENT_FIELDS and not k.startswith("document_")
    }


def _original_quote(record: ImportedAnnotation) -> str:
    """The wording once tagged, when the record carries it (a hamish JSON Lines export)."""
    value = record.extra.get("original_quote")
    return value if isinstance(value, str) else ""


def _review(record: ImportedAnnotation) -> Review | None:
    """The reviewer's verdict the record carries, when it is one the sidecar may hold
    (one that is not is reported by :func:`_record_problem`: ``review`` is a claim)."""
    value = record.extra.get("review")
    if not isinstance(value, dict) or value.get("state") not in REVIEW_STATES:
        return None
    if not all(isinstance(value.get(key, ""), str) for key in ("by", "at")):
        return None
    return Review.from_json(value)


_KNOWN = frozenset(ANNOTATION_KEYS)
_CONTEXT_KEYS = ("prefix", "suffix")
#: What a record may claim about fields hamish computes or checks: a claim that breaks the
#: format (a status hamish does not know, a context that is not text, a review that is
#: none) means the record is not what it says it is.
_CLAIMS = ("status", "review", *_CONTEXT_KEYS)


def _record_problem(annotation: Annotation, record: ImportedAnnotation, length: int) -> str | None:
    """Why the record, as the annotation it claims to be, breaks the sidecar format, or None.

    The rules are the validator's (:func:`annotations.validate.validate_annotation`), so an
    import accepts exactly what a sidecar may hold and never saves what hamish would refuse.
    """
    claimed = annotation.to_json()
    claimed.update((k, record.extra[k]) for k in _CLAIMS if k in record.extra)
    try:
        validate_annotation(claimed, length)
    except SidecarInvalid as error:
        field = error.path.removeprefix("$.annotations[0]").removeprefix(".") or "record"
        return f"{field}: {error.message}"
    return None


def _short(quote: str) -> str:
    return " ".join(quote[:40].split()).encode("utf-8", "replace").decode("utf-8")


def _place(text: str, record: ImportedAnnotation) -> tuple[int, int] | None:
    start, end = record.start, record.end
    if start is not None and end is not None and 0 <= start <= end <= len(text):
        if text[start:end] == record.quote:
            return start, end
    if not record.quote:
        return None
    guess = start if start is not None else 0
    prefix, suffix = (record.extra.get(k) for k in _CONTEXT_KEYS)
    found = anchor(
        text,
        guess,
        guess + len(record.quote),
        record.quote,
        prefix if isinstance(prefix, str) else "",
        suffix if isinstance(suffix, str) else "",
    )
    if found.status == "orphaned":
        return None
    return found.start, found.end


__all__ = ["ImportReport", "import_records", "resolve_article"]
