"""``hamish tag-all QUERY --tag T PATHS…``: tag every occurrence of a phrase in a corpus.

Every Arabic-folded match of QUERY (:func:`reader.text.fold.find_all`: hamza and alef
forms, taa marbuta, alef maqsura, harakat and tatweel are the search's) in the body of
every article under PATHS gets one new annotation with the tags given. The reader's "tag
every occurrence" (reader/tui/screens/article.py) plans its annotations with the same
:func:`plan_occurrences`, so the two never disagree on what a match is or what is skipped.

Decisions:

- A match already annotated at exactly its offsets with exactly these tags (as a set;
  orphans are not placed anywhere and do not count) is skipped: running the command
  twice adds nothing the second time.
- Each article's sidecar is saved through :class:`annotations.store.Sidecar`, the path
  the reader saves by: under its lock, merged with what another process saved, written
  atomically. A sidecar the store opens read-only (corrupt, another article's, written
  by a newer hamish) is never written: the article is skipped with a one-line warning,
  as is one that cannot be read or whose tagset refuses a tag; any skip makes the exit
  code 2 once every other article is done.
- Tags are checked against the tagset the reader would use for the article (its
  ``hamish.toml``, found upwards from its folder), so a strict tagset refuses here what
  it refuses in the reader.
- ``dry_run`` reads everything and writes nothing.

Never imports Textual or ``reader.tui``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotations.errors import EXIT_OK, EXIT_USAGE, HamishError
from annotations.model import Annotation, AnnotationSet, make_annotation
from annotations.tagset import Tagset, TagsetError, normalize_tag
from reader.commands.bulk import (
    articles_under,
    readable_article,
    save_added,
    writable_sidecar,
)
from reader.tagsets import find_reader_tagset
from reader.text.fold import find_all, fold

__all__ = [
    "ArticleTagged",
    "TagAllReport",
    "occurrences",
    "plan_occurrences",
    "tag_all",
]

#: At most this many matches are tagged in one article: find_all's own cap, named here so
#: that a query of one letter in a huge article ends with a count, not a frozen machine.
MATCH_LIMIT = 100_000


def occurrences(text: str, query: str, body_start: int = 0) -> list[tuple[int, int]]:
    """The folded matches of ``query`` in ``text`` from ``body_start`` (front matter and
    a Markdown title block are not the article's words), in order."""
    return [
        (start, end)
        for start, end in find_all(fold(text), query, text, MATCH_LIMIT)
        if start >= body_start
    ]


def plan_occurrences(
    text: str,
    existing: AnnotationSet,
    spans: Iterable[tuple[int, int]],
    tags: Sequence[str],
    *,
    author: str,
) -> tuple[list[Annotation], int]:
    """(the new annotations for ``spans``, how many spans were already tagged so).

    A span is skipped when a placed annotation has exactly its offsets and exactly
    ``tags`` (in any order); ``tags`` are taken as given (normalised by the caller).
    """
    wanted = frozenset(tags)
    done = {
        (a.start, a.end)
        for a in existing.annotations
        if a.status != "orphaned" and frozenset(a.tags) == wanted
    }
    new: list[Annotation] = []
    already = 0
    for start, end in spans:
        if (start, end) in done:
            already += 1
            continue
        done.add((start, end))
        new.append(make_annotation(text, start, end, tags=tags, author=author))
    return new, already


@dataclass(frozen=True, slots=True)
class ArticleTagged:
    """One article with matches: what was (or, in a dry run, would be) added."""

    path: str
    added: tuple[Annotation, ...]
    already: int  # matches already annotated with exactly these tags


@dataclass(slots=True)
class TagAllReport:
    """What ``tag-all`` did: the articles with matches, and the articles skipped."""

    dry_run: bool
    articles: list[ArticleTagged] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each: the path and why

    @property
    def added(self) -> int:
        return sum(len(a.added) for a in self.articles)

    @property
    def exit_code(self) -> int:
        return EXIT_USAGE if self.skipped else EXIT_OK

    def lines(self) -> list[str]:
        """Logical lines for stdout: per article with matches, then the total; in a dry
        run, each annotation it would add (offsets and quote) under its article."""
        verb = "would add" if self.dry_run else "added"
        out: list[str] = []
        for article in self.articles:
            already = f" ({article.already} already tagged)" if article.already else ""
            out.append(f"{article.path}: {verb} {len(article.added)}{already}")
            if self.dry_run:
                out.extend(
                    f"  {a.start}–{a.end} {' '.join(a.quote.split())}" for a in article.added
                )
        skipped = f"; {len(self.skipped)} skipped" if self.skipped else ""
        articles = sum(1 for a in self.articles if a.added)
        out.append(
            f"{verb} {_count(self.added, 'annotation')} in {_count(articles, 'article')}{skipped}"
        )
        return out


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _checked_tags(tags: Sequence[str], tagset: Tagset) -> tuple[list[str], str | None]:
    """The tags normalised (once each, in order), or why ``tagset`` refuses one."""
    result: list[str] = []
    for tag in tags:
        problem = tagset.check_tag(tag)
        if problem:
            return [], problem
        name = normalize_tag(tag)
        if name not in result:
            result.append(name)
    return result, None


def tag_all(
    query: str,
    tags: Sequence[str],
    paths: Iterable[str],
    *,
    author: str,
    dry_run: bool = False,
    annotations_dir: str | None = None,
) -> TagAllReport:
    """Tag every folded match of ``query`` in the articles under ``paths`` with ``tags``.

    Raises :class:`HamishError` (exit 2) before touching anything when the query matches
    nothing by construction (empty, or only characters the search ignores) or no tag is
    given; problems with one article are in the report's ``skipped``.
    """
    if not fold(query).text:
        raise HamishError(
            "the query is empty once folded (only harakat, tatweel or blanks): nothing to tag"
        )
    if not tags:
        raise HamishError("give at least one --tag")
    report = TagAllReport(dry_run=dry_run)
    tagsets: dict[Path, Tagset | str] = {}  # per folder: its tagset, or why it failed
    for article_path, root in articles_under(paths, report.skipped):
        _tag_one(query, tags, article_path, root, author, annotations_dir, tagsets, report)
    return report


def _tagset_for(folder: Path, tagsets: dict[Path, Tagset | str]) -> Tagset | str:
    if folder not in tagsets:
        try:
            tagsets[folder] = find_reader_tagset(folder)
        except TagsetError as error:
            tagsets[folder] = str(error)
    return tagsets[folder]


def _tag_one(
    query: str,
    tags: Sequence[str],
    article_path: Path,
    root: Path,
    author: str,
    annotations_dir: str | None,
    tagsets: dict[Path, Tagset | str],
    report: TagAllReport,
) -> None:
    """Tag one article's matches (or, in a dry run, plan them), reporting into ``report``."""
    name = str(article_path)
    article = readable_article(article_path, report.skipped)
    if article is None:
        return
    spans = occurrences(article.text, query, article.body_start)
    if not spans:
        return
    tagset = _tagset_for(article_path.parent, tagsets)
    if isinstance(tagset, str):
        report.skipped.append(f"{name}: skipped: {tagset}")
        return
    names, problem = _checked_tags(tags, tagset)
    if problem:
        report.skipped.append(f"{name}: skipped: {problem}")
        return
    sidecar = writable_sidecar(article_path, article.text, root, annotations_dir, report.skipped)
    if sidecar is None:
        return
    current = sidecar.annotations
    new, already = plan_occurrences(article.text, current, spans, names, author=author)
    if save_added(
        article_path, sidecar, current, new, dry_run=report.dry_run, skipped=report.skipped
    ):
        report.articles.append(ArticleTagged(name, tuple(new), already))
