"""`hamish import`: other tools' annotations into hamish sidecars.

Records are grouped by the article they name, placed (by their offsets when those
still slice the text to the quote, else found again by the quote like any
re-anchoring), deduplicated against what the sidecar already has (same span and
tags, or the same hamish id), and saved through the store: atomic, locked, merged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotations import (
    Annotation,
    SidecarError,
    anchor,
    context,
    new_id,
    open_sidecar,
    utc_now,
)
from annotations.formats.base import ImportedAnnotation
from reader.library.article import ArticleError, load_article
from reader.library.find import find_articles


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    documents: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "documents": self.documents,
            "problems": self.problems,
        }


def resolve_article(document: str, root: Path) -> Path | None:
    """The article a record names: a path (as is, or under ``root``), or a unique file name."""
    for candidate in (Path(document), root / document):
        if candidate.is_file():
            return candidate
    name = Path(document).name
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
        seen = {(a.start, a.end, frozenset(a.tags)) for a in state.annotations}
        ids = {a.id for a in state.annotations}
        added = 0
        for record in items:
            placed = _place(text, record)
            if placed is None:
                report.problems.append(f"{document}: could not place «{record.quote[:40]}»")
                continue
            start, end = placed
            key = (start, end, frozenset(record.tags))
            if key in seen or (record.id is not None and record.id in ids):
                report.duplicates += 1
                continue
            prefix, suffix = context(text, start, end)
            now = utc_now()
            annotation = Annotation(
                id=record.id if record.id and record.id not in ids else new_id(),
                start=start,
                end=end,
                quote=text[start:end],
                prefix=prefix,
                suffix=suffix,
                tags=tuple(dict.fromkeys(record.tags)),
                note=record.note,
                author=record.author or author,
                created=record.created or now,
                modified=record.modified or now,
                extra=dict(record.extra),
            )
            state = state.added(annotation)
            seen.add(key)
            ids.add(annotation.id)
            added += 1
        if added:
            try:
                sidecar.save(state)
            except SidecarError as error:
                report.problems.append(str(error))
                continue
        report.added += added
        report.documents += 1
    return report


def _place(text: str, record: ImportedAnnotation) -> tuple[int, int] | None:
    start, end = record.start, record.end
    if start is not None and end is not None and 0 <= start <= end <= len(text):
        if text[start:end] == record.quote:
            return start, end
    if not record.quote:
        return None
    guess = start if start is not None else 0
    found = anchor(text, guess, guess + len(record.quote), record.quote)
    if found.status == "orphaned":
        return None
    return found.start, found.end


__all__ = ["ImportReport", "import_records", "resolve_article"]
