"""`hamish check`: validate and re-anchor sidecars, report what is anchored, moved, changed
(placed on edited words) or orphaned, and (``--list``, ``--json``) which annotations.

A relation whose end is not an annotation of the sidecar (dangling: kept on disk, never
dropped) is an error of that sidecar, one line naming the relation and the missing end.

An annotation a git merge left in conflict (both branches changed it differently: ours,
with theirs under its ``conflict``, docs/sidecar.md) is listed on one line with both
versions' tags and notes; ``--resolve ours|theirs`` settles every conflict of PATHS
(:func:`resolve_paths`), written through the store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from annotations.anchoring import anchor
from annotations.errors import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from annotations.model import PLACEMENTS, Annotation, AnnotationSet, utc_now
from annotations.store import (
    SIDECAR_SUFFIX,
    SidecarError,
    open_sidecar,
    reanchor_set,
    sidecar_path,
)
from annotations.tagset import find_tagset_file
from reader.commands.output import cells, column, one_line
from reader.library.article import ArticleError, load_article
from reader.library.find import LibraryError, find_articles
from reader.tagsets import reader_tagset_report
from reader.terminal import OutputMode


@dataclass(frozen=True, slots=True)
class Flagged:
    """An annotation a reviewer should look at: moved, changed or orphaned."""

    annotation: Annotation
    reason: str = ""  # why an orphan could not be placed

    def to_json(self) -> dict[str, Any]:
        a = self.annotation
        return {
            "id": a.id,
            "placement": a.placement,
            "status": a.status,
            "start": a.start,
            "end": a.end,
            "quote": a.quote,
            "original_quote": a.original_quote or None,
            "tags": list(a.tags),
            "reason": self.reason or None,
        }


def _version_json(annotation: Annotation) -> dict[str, Any]:
    a = annotation
    return {
        "start": a.start,
        "end": a.end,
        "quote": a.quote,
        "tags": list(a.tags),
        "note": a.note,
        "author": a.author,
        "modified": a.modified,
    }


def conflict_json(annotation: Annotation) -> dict[str, Any]:
    """An annotation in conflict for ``--json``: its id and both versions."""
    assert annotation.conflict is not None
    return {
        "id": annotation.id,
        "ours": _version_json(annotation),
        "theirs": _version_json(annotation.conflict),
    }


@dataclass
class SidecarReport:
    article: str
    sidecar: str
    counts: Counter[str] = field(default_factory=Counter)  # by placement
    errors: list[str] = field(default_factory=list)
    flagged: list[Flagged] = field(default_factory=list)
    fixed: bool = False
    unreadable: bool = False
    relations: int = 0
    conflicts: list[Annotation] = field(default_factory=list)  # left by a git merge

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "sidecar": self.sidecar,
            "annotations": sum(self.counts.values()),
            "relations": self.relations,
            **{placement: self.counts[placement] for placement in PLACEMENTS},
            "errors": self.errors,
            "fixed": self.fixed,
            "flagged": [f.to_json() for f in self.flagged],
            "conflicts": [conflict_json(a) for a in self.conflicts],
        }


@dataclass
class CheckReport:
    files: list[SidecarReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # not tied to one sidecar (tagsets, paths)
    unreadable: bool = False

    @property
    def exit_code(self) -> int:
        if self.unreadable or any(f.unreadable for f in self.files):
            return EXIT_USAGE  # an article or path cannot be read
        if self.problems or any(
            f.errors or f.counts["orphaned"] or f.conflicts for f in self.files
        ):
            return EXIT_PROBLEM
        return EXIT_OK

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for report in self.files:
            total.update(report.counts)
        return total

    def to_json(self) -> dict[str, Any]:
        totals = self.totals()
        return {
            "files": [f.to_json() for f in self.files],
            "problems": self.problems,
            "totals": {
                "sidecars": len(self.files),
                "annotations": sum(totals.values()),
                **{placement: totals[placement] for placement in PLACEMENTS},
                "errors": sum(len(f.errors) for f in self.files) + len(self.problems),
                "conflicts": sum(len(f.conflicts) for f in self.files),
            },
            "exit_code": self.exit_code,
        }


def check_paths(
    paths: Iterable[str], *, fix: bool = False, annotations_dir: str | None = None
) -> CheckReport:
    report = CheckReport()
    roots: set[Path] = set()
    articles: list[tuple[Path, Path]] = []
    for given in paths:
        try:
            articles.extend(find_articles([given]))
        except LibraryError as error:
            report.problems.append(str(error))
            report.unreadable = True
    seen_sidecars: set[Path] = set()
    for article_path, root in articles:
        roots.add(root if root.is_dir() else root.parent)
        path = sidecar_path(article_path, annotations_dir, root)
        if not path.exists():
            continue
        seen_sidecars.add(path.resolve())
        report.files.append(_check_one(article_path, root, path, fix, annotations_dir))
    if annotations_dir is None:
        for root in sorted(roots):
            for stray in sorted(root.rglob(f"*{SIDECAR_SUFFIX}")):
                if stray.resolve() in seen_sidecars or any(p.startswith(".") for p in stray.parts):
                    continue
                article = stray.with_name(stray.name[: -len(SIDECAR_SUFFIX)])
                if not article.exists():
                    entry = SidecarReport(str(article), str(stray))
                    entry.errors.append(f"{stray.name}: its article {article.name} is missing")
                    report.files.append(entry)
    # The tagset each root's articles are read with (found as the reader finds it, so a
    # hamish.toml in a parent folder counts), each file once however many roots share it.
    tagsets = {found for root in roots if (found := find_tagset_file(root)) is not None}
    for tagset_file in sorted(tagsets):
        _, errors = reader_tagset_report(tagset_file)
        report.problems.extend(str(e) for e in errors)
    return report


def _check_one(
    article_path: Path, root: Path, path: Path, fix: bool, annotations_dir: str | None
) -> SidecarReport:
    entry = SidecarReport(str(article_path), str(path))
    try:
        article = load_article(article_path)
    except ArticleError as error:
        entry.errors.append(str(error))
        entry.unreadable = True
        return entry
    try:
        sidecar = open_sidecar(
            article_path, article.text, annotations_dir=annotations_dir, library_root=root
        )
    except SidecarError as error:
        entry.errors.append(str(error))
        return entry
    for annotation in sidecar.annotations.annotations:
        entry.counts[annotation.placement] += 1
        if annotation.placement != "anchored":
            entry.flagged.append(Flagged(annotation, _orphan_reason(annotation, article.text)))
        if annotation.conflict is not None:
            entry.conflicts.append(annotation)
    entry.relations = len(sidecar.annotations.relations)
    entry.errors.extend(dangling_relation_problems(sidecar.annotations, path.name))
    if sidecar.read_only:
        entry.errors.append(sidecar.read_only)
    elif fix and sidecar.changed_on_load:
        try:
            sidecar.save()
            entry.fixed = True
        except SidecarError as error:
            entry.errors.append(str(error))
    return entry


def dangling_relation_problems(annotations: AnnotationSet, name: str) -> list[str]:
    """One line per relation whose end is not an annotation of the set (kept on disk):
    ``x.annotations.json: relation 9f… 'said' from 3a… to 7c…: no annotation 7c…``."""
    ids = {a.id for a in annotations.annotations}
    problems = []
    for relation in annotations.dangling_relations:
        missing = " and ".join(dict.fromkeys(e for e in relation.ends if e not in ids))
        problems.append(
            f"{name}: relation {relation.id} {relation.type!r} from {relation.source} "
            f"to {relation.target}: no annotation {missing} (kept; delete the relation "
            "or restore the annotation)"
        )
    return problems


def _orphan_reason(annotation: Annotation, text: str) -> str:
    """Why an orphan could not be placed ("not found", "ambiguous: 3 equally good …")."""
    if annotation.status != "orphaned":
        return ""
    a = annotation
    return anchor(text, a.start, a.end, a.quote, a.prefix, a.suffix).reason


def render_report(report: CheckReport, mode: OutputMode = "self", *, listing: bool = False) -> str:
    """A plain table, one row per sidecar, then errors; safe for any terminal.

    Paths and messages are laid out for ``mode`` (``self``: shaped and reordered, an
    Arabic path right-aligned in its column; ``logical``: as in the file system). With
    ``listing``, each moved, changed and orphaned annotation follows on its own lines.
    """
    rows = [("article", "annotations", *PLACEMENTS, "errors")]
    for f in report.files:
        label = f.article + (" (fixed)" if f.fixed else "")
        c = f.counts
        rows.append(
            (
                label,
                str(sum(c.values())),
                *(str(c[placement]) for placement in PLACEMENTS),
                str(len(f.errors)),
            )
        )
    lines = []
    if len(rows) > 1:
        width = max(cells(one_line(r[0], mode)) for r in rows)
        for r in rows:
            lines.append(
                f"{column(r[0], width, mode)}  "
                + "  ".join(f"{v:>{len(h)}}" for v, h in zip(r[1:], rows[0][1:], strict=True))
            )
    else:
        lines.append("no sidecars found")
    if listing:
        for f in report.files:
            if f.flagged:
                lines.append("")
                lines.append(one_line(f.article, mode, direction="ltr"))
                lines.extend(_flagged_lines(flagged, mode) for flagged in f.flagged)
        if any(f.flagged for f in report.files):
            lines.append("")
    for f in report.files:
        name = Path(f.sidecar).name
        lines.extend(_conflict_line(name, annotation, mode) for annotation in f.conflicts)
    for f in report.files:
        for error in f.errors:
            lines.append(f"error: {one_line(error, mode, direction='ltr')}")
    for problem in report.problems:
        lines.append(f"error: {one_line(problem, mode, direction='ltr')}")
    totals = report.totals()
    conflicts = sum(len(f.conflicts) for f in report.files)
    lines.append(
        f"{len(report.files)} sidecars, {sum(totals.values())} annotations: "
        + ", ".join(f"{totals[placement]} {placement}" for placement in PLACEMENTS)
        + (f", {conflicts} in conflict (hamish check --resolve ours|theirs)" if conflicts else "")
    )
    return "\n".join(lines) + "\n"


QUOTE_CELLS = 60  # a quote in a listing, cut past this (the JSON report has it whole)


def _flagged_lines(flagged: Flagged, mode: OutputMode) -> str:
    """``  changed   380..412  id  «new wording»`` and, for a change, ``was «old wording»``
    on the next line; for an orphan, its reason. Quotes are laid out one each, so that an
    Arabic quote reads right inside the English line."""
    a = flagged.annotation
    head = f"  {a.placement:<8}  {a.start}..{a.end}  {a.id}"
    tags = f"  [{one_line(', '.join(a.tags), mode, QUOTE_CELLS)}]" if a.tags else ""
    out = [f"{head}{tags}", f"      {_quoted(a.quote, mode)}"]
    if a.original_quote:
        out.append(f"  was {_quoted(a.original_quote, mode)}")
    if flagged.reason:
        out.append(f"      ({one_line(flagged.reason, mode, direction='ltr')})")
    return "\n".join(out)


def _quoted(quote: str, mode: OutputMode) -> str:
    return f"«{one_line(quote, mode, QUOTE_CELLS)}»"


NOTE_CELLS = 30  # a note in a conflict line, cut past this (the JSON report has it whole)


def _conflict_line(name: str, annotation: Annotation, mode: OutputMode) -> str:
    """``conflict: x.annotations.json: ID «quote»: ours [a, b] "note" | theirs [c] "note"``."""
    theirs = annotation.conflict
    assert theirs is not None
    shown_name = one_line(name, mode, direction="ltr")
    return (
        f"conflict: {shown_name}: {annotation.id} {_quoted(annotation.quote, mode)}: "
        f"ours {_version_line(annotation, mode)} | theirs {_version_line(theirs, mode)}"
    )


def _version_line(annotation: Annotation, mode: OutputMode) -> str:
    tags = one_line(", ".join(annotation.tags), mode, QUOTE_CELLS)
    note = one_line(annotation.note, mode, NOTE_CELLS) if annotation.note else ""
    return f"[{tags}]" + (f' "{note}"' if note else "")


#: Which version of an annotation in conflict ``--resolve`` keeps.
Side = Literal["ours", "theirs"]
SIDES: tuple[Side, ...] = get_args(Side)


@dataclass
class ResolveReport:
    """What ``check --resolve`` settled: per sidecar, how many conflicts; and errors."""

    resolved: list[tuple[str, int]] = field(default_factory=list)  # (sidecar, conflicts)
    errors: list[str] = field(default_factory=list)
    unreadable: bool = False

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return EXIT_USAGE
        return EXIT_PROBLEM if self.errors else EXIT_OK


def resolved(annotation: Annotation, side: Side) -> Annotation:
    """The annotation with its conflict settled for ``side``: ours as it is, or theirs'
    version (with the review as merged); an edit, so ``modified`` is now."""
    if annotation.conflict is None:
        return annotation
    kept = annotation if side == "ours" else annotation.conflict
    return replace(kept, conflict=None, review=annotation.review, modified=utc_now())


def resolve_paths(
    paths: Iterable[str], side: Side, *, annotations_dir: str | None = None
) -> ResolveReport:
    """Settle every conflict in the sidecars of ``paths`` for ``side``, saved by the store
    (atomic, merged with a concurrent save, never over a read-only sidecar)."""
    report = ResolveReport()
    for given in paths:
        try:
            articles = find_articles([given])
        except LibraryError as error:
            report.errors.append(str(error))
            report.unreadable = True
            continue
        for article_path, root in articles:
            path = sidecar_path(article_path, annotations_dir, root)
            if not path.exists():
                continue
            try:
                text = load_article(article_path).text
                sidecar = open_sidecar(
                    article_path, text, annotations_dir=annotations_dir, library_root=root
                )
                current = sidecar.annotations
                count = sum(1 for a in current.annotations if a.conflict is not None)
                if not count:
                    continue
                if sidecar.read_only:
                    report.errors.append(sidecar.read_only)
                    continue
                settled = current.with_annotations(resolved(a, side) for a in current.annotations)
                sidecar.save(reanchor_set(settled, text))  # theirs' offsets may be another text's
            except ArticleError as error:
                report.errors.append(str(error))
                report.unreadable = True
                continue
            except SidecarError as error:
                report.errors.append(str(error))
                continue
            report.resolved.append((str(path), count))
    return report


def render_resolved(report: ResolveReport, side: Side, mode: OutputMode = "self") -> str:
    """``x.txt.annotations.json: 2 conflicts resolved (theirs)`` a sidecar, then errors."""
    lines = [
        f"{one_line(name, mode, direction='ltr')}: {count} "
        f"{'conflict' if count == 1 else 'conflicts'} resolved ({side})"
        for name, count in report.resolved
    ]
    if not report.resolved and not report.errors:
        lines.append("no conflicts found")
    lines.extend(f"error: {one_line(e, mode, direction='ltr')}" for e in report.errors)
    return "\n".join(lines) + "\n"
