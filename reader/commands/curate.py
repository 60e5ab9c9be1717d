"""``hamish curate --auto majority|unanimous [--curator NAME] PATHS…``: pre-merge a corpus.

For each article under PATHS, the spans its authors agree on become annotations of the
curator (default :data:`DEFAULT_CURATOR`), each with ``curated_from`` (the ids of the
annotations it was made from, docs/sidecar.md); the analysts' annotations are never
changed. The rules (docs/team.md, "Curation"):

- The *authors* of an article are the distinct authors of its placed annotations (an
  orphan is nowhere and does not vote), the curator excluded; there must be at least
  :data:`MIN_AUTHORS`, else there is nothing to agree on.
- A *span* is a pair of exact offsets (start, end); an author marks it when one of their
  placed annotations has exactly those offsets, and their tags for it are the union of
  those annotations' tags.
- ``majority``: a span marked by more than half of the authors (and at least two of
  them) is agreed; its tags are those given by more than half of the authors.
  ``unanimous``: a span marked by every author is agreed; its tags are those every
  author gave (the intersection).
- An agreed span whose authors gave tags but none that passes the rule is a
  *disagreement*: nothing is written for it, it is counted, left for the interactive
  curation. An agreed span nobody tagged is curated untagged.
- A span the curator already has a placed annotation at, or whose source annotations
  the curator already curated from (``curated_from``), is skipped: running the command
  twice adds nothing the second time, and a curator's edit is never undone.
- Each sidecar is saved through :class:`annotations.store.Sidecar` (under its lock,
  merged with what another process saved, written atomically). A sidecar the store
  opens read-only (corrupt, another article's, written by a newer hamish) is never
  written: the article is skipped with a one-line warning, as is one that cannot be
  read; any skip makes the exit code 2 once every other article is done.
- Tags are copied as the analysts stored them: they were checked when they were given.

Never imports Textual or ``reader.tui``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from annotations.errors import EXIT_OK, EXIT_USAGE
from annotations.model import CURATED_FROM, Annotation, AnnotationSet, make_annotation
from reader.commands.bulk import (
    articles_under,
    readable_article,
    save_added,
    writable_sidecar,
)

__all__ = [
    "DEFAULT_CURATOR",
    "RULES",
    "ArticleCurated",
    "CurateReport",
    "Plan",
    "Rule",
    "curate_auto",
    "plan_curation",
]

#: How agreement is decided (the module docstring).
Rule = Literal["majority", "unanimous"]
RULES: tuple[Rule, ...] = get_args(Rule)
#: The curator's author name when none is given: the layer a team calls its gold standard.
DEFAULT_CURATOR = "gold"
#: Fewer authors than this on an article agree on nothing: one analyst's annotations are
#: not a consensus, whatever the rule.
MIN_AUTHORS = 2


@dataclass(frozen=True, slots=True)
class Plan:
    """What curating one article gives: the new annotations, and the spans left alone."""

    added: tuple[Annotation, ...]
    already: int  # agreed spans the curator already has
    disagreements: int  # agreed spans whose tags agree on nothing
    authors: int  # the article's authors (the curator excluded)


def _votes(
    annotations: Iterable[Annotation], curator: str
) -> tuple[dict[tuple[int, int], dict[str, list[Annotation]]], set[str]]:
    """Per span, each author's placed annotations at it; and the authors."""
    spans: dict[tuple[int, int], dict[str, list[Annotation]]] = {}
    authors: set[str] = set()
    for annotation in annotations:
        if annotation.status == "orphaned" or annotation.author == curator:
            continue
        authors.add(annotation.author)
        by_author = spans.setdefault((annotation.start, annotation.end), {})
        by_author.setdefault(annotation.author, []).append(annotation)
    return spans, authors


def agreed_tags(by_author: dict[str, list[Annotation]], authors: int, rule: Rule) -> list[str]:
    """The tags of a span under ``rule``, in the order they were first given."""
    counts: dict[str, int] = {}
    for group in by_author.values():
        for tag in dict.fromkeys(t for a in group for t in a.tags):
            counts[tag] = counts.get(tag, 0) + 1
    needed = authors if rule == "unanimous" else authors // 2 + 1
    return [tag for tag, count in counts.items() if count >= needed]


def plan_curation(text: str, existing: AnnotationSet, rule: Rule, *, curator: str) -> Plan:
    """The curator's new annotations for one article under ``rule`` (nothing is written)."""
    if rule not in RULES:
        raise ValueError(f"a curation rule is one of {', '.join(RULES)}, not {rule!r}")
    spans, authors = _votes(existing.annotations, curator)
    mine = [a for a in existing.annotations if a.author == curator]
    done_spans = {(a.start, a.end) for a in mine if a.status != "orphaned"}
    done_ids = {source for a in mine for source in a.curated_from}
    n = len(authors)
    needed = n if rule == "unanimous" else n // 2 + 1
    added: list[Annotation] = []
    already = disagreements = 0
    if n < MIN_AUTHORS:
        return Plan((), 0, 0, n)
    for (start, end), by_author in sorted(spans.items()):
        if len(by_author) < max(needed, MIN_AUTHORS):
            continue
        sources = sorted(a.id for group in by_author.values() for a in group)
        if (start, end) in done_spans or done_ids.intersection(sources):
            already += 1
            continue
        tags = agreed_tags(by_author, n, rule)
        if not tags and any(a.tags for group in by_author.values() for a in group):
            disagreements += 1
            continue
        added.append(
            make_annotation(
                text, start, end, tags=tags, author=curator, extra={CURATED_FROM: sources}
            )
        )
    return Plan(tuple(added), already, disagreements, n)


@dataclass(frozen=True, slots=True)
class ArticleCurated:
    """One article with annotations: what was (or, in a dry run, would be) added."""

    path: str
    plan: Plan


@dataclass(slots=True)
class CurateReport:
    """What ``curate --auto`` did: the articles with annotations, and those skipped."""

    rule: Rule
    curator: str
    dry_run: bool
    articles: list[ArticleCurated] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each: the path and why

    @property
    def added(self) -> int:
        return sum(len(a.plan.added) for a in self.articles)

    @property
    def exit_code(self) -> int:
        return EXIT_USAGE if self.skipped else EXIT_OK

    def lines(self) -> list[str]:
        """Logical lines for stdout: one per article with annotations, then the total."""
        verb = "would add" if self.dry_run else "added"
        out: list[str] = []
        for article in self.articles:
            plan = article.plan
            if plan.authors < MIN_AUTHORS:
                out.append(f"{article.path}: {_count(plan.authors, 'author')}, nothing to curate")
                continue
            added = _count(len(plan.added), "annotation")
            out.append(
                f"{article.path}: {verb} {added} for {self.curator} "
                f"({_count(plan.authors, 'author')}, {plan.already} already curated, "
                f"{_count(plan.disagreements, 'disagreement')} left)"
            )
        skipped = f"; {len(self.skipped)} skipped" if self.skipped else ""
        articles = sum(1 for a in self.articles if a.plan.added)
        out.append(
            f"{verb} {_count(self.added, 'annotation')} ({self.rule}) in "
            f"{_count(articles, 'article')}{skipped}"
        )
        return out


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def curate_auto(
    paths: Sequence[str],
    rule: Rule,
    *,
    curator: str = DEFAULT_CURATOR,
    dry_run: bool = False,
    annotations_dir: str | None = None,
) -> CurateReport:
    """Pre-merge the articles under ``paths`` into ``curator``'s annotations by ``rule``."""
    report = CurateReport(rule=rule, curator=curator, dry_run=dry_run)
    for article_path, root in articles_under(paths, report.skipped):
        _curate_one(article_path, root, annotations_dir, report)
    return report


def _curate_one(
    article_path: Path, root: Path, annotations_dir: str | None, report: CurateReport
) -> None:
    """Curate one article (or, in a dry run, plan it), reporting into ``report``."""
    name = str(article_path)
    article = readable_article(article_path, report.skipped)
    if article is None:
        return
    sidecar = writable_sidecar(article_path, article.text, root, annotations_dir, report.skipped)
    if sidecar is None:
        return
    current = sidecar.annotations
    if not current.annotations:
        return
    plan = plan_curation(article.text, current, report.rule, curator=report.curator)
    saved = save_added(
        article_path, sidecar, current, plan.added, dry_run=report.dry_run, skipped=report.skipped
    )
    if saved:
        report.articles.append(ArticleCurated(name, plan))
