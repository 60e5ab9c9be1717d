"""`hamish stats`: annotation counts by tag, tag prefix, author, article and status, and
article counts by article tag (the sidecar's ``document.tags``).

An article's own tags and note are the analyst's work as much as its annotations: the
totals count the articles that have article tags and those with a note, and
``--by article-tag`` counts, for each article tag, the articles that carry it.

``--by review`` counts the annotations accepted, rejected and unreviewed; ``--by state``
the articles to do, in progress and done (an article without a sidecar is to do).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annotations import AnnotationSet, sidecar_path
from annotations.model import DEFAULT_PROGRESS
from annotations.sidecar import read_sidecar
from reader.commands.output import cells, column, one_line
from reader.library.find import find_articles
from reader.terminal import OutputMode

SECTIONS = ("tag", "prefix", "author", "article", "status", "review", "article-tag", "state")
"""The ``--by`` choices, in the order they print; ``article-tag`` and ``state`` count
articles, the others annotations. JSON names each ``by_<section>`` with ``-`` as ``_``."""
BAR = "█"


@dataclass
class CorpusStats:
    articles: int = 0
    annotated: int = 0
    annotations: int = 0
    tagged: int = 0  # articles with at least one article tag
    noted: int = 0  # articles with an article note (not blank)
    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {s: Counter() for s in SECTIONS}
    )
    problems: list[str] = field(default_factory=list)

    def add(self, article: str, annotations: AnnotationSet) -> None:
        self.annotated += bool(annotations.annotations)
        document = annotations.document
        self.tagged += bool(document.tags)
        self.noted += bool(document.note.strip())
        self.counts["state"][document.progress] += 1
        for tag in dict.fromkeys(document.tags):  # a tag written twice is one article
            self.counts["article-tag"][tag] += 1
        for annotation in annotations.annotations:
            self.annotations += 1
            self.counts["article"][article] += 1
            self.counts["author"][annotation.author or "(unknown)"] += 1
            self.counts["status"][annotation.placement] += 1  # "changed" told from "moved"
            self.counts["review"][annotation.review_state] += 1
            tags = annotation.tags or ("(untagged)",)
            for tag in tags:
                self.counts["tag"][tag] += 1
            prefixes = {
                "/".join(t.split("/")[:i])
                for t in annotation.tags
                for i in range(1, t.count("/") + 1)
            }
            for prefix in prefixes:
                self.counts["prefix"][prefix] += 1

    def to_json(self, sections: Iterable[str] = SECTIONS) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "annotated_articles": self.annotated,
            "annotations": self.annotations,
            "tagged_articles": self.tagged,
            "noted_articles": self.noted,
            **{json_key(s): dict(self.counts[s].most_common()) for s in sections},
            "problems": self.problems,
        }


def json_key(section: str) -> str:
    """The JSON key of a ``--by`` section: ``by_tag``, ``by_article_tag``."""
    return "by_" + section.replace("-", "_")


def corpus_stats(paths: Iterable[str], *, annotations_dir: str | None = None) -> CorpusStats:
    """Counts from the sidecars as stored (articles are not decoded: fast on big corpora).

    Sidecars go through the one parser (:func:`annotations.sidecar.read_sidecar`): what
    the reader shows is what is counted. A sidecar with nothing usable is a problem; one
    from a newer hamish that still reads is counted (as ``export`` does).
    """
    stats = CorpusStats()
    for article, root in find_articles(paths):
        stats.articles += 1
        parsed = read_sidecar(sidecar_path(article, annotations_dir, root), article.name)
        if parsed is None:
            stats.counts["state"][DEFAULT_PROGRESS] += 1  # nothing done on it yet
            continue
        if parsed.annotations is None:
            stats.problems.append(parsed.problem or "unusable sidecar")
            continue
        stats.add(article.as_posix(), parsed.annotations)
    return stats


LABEL_CELLS = 40  # the widest label column (self: longer labels are cut with …)


def render_stats(
    stats: CorpusStats,
    sections: Iterable[str] = SECTIONS,
    *,
    chart: bool = False,
    width: int = 80,
    mode: OutputMode = "self",
) -> str:
    """The counts as text in ``mode`` (tags, authors and paths laid out or logical)."""
    head = (
        f"{stats.articles} articles, {stats.annotated} annotated, {stats.annotations} annotations"
    )
    if stats.tagged or stats.noted:
        head += f"; {stats.tagged} with article tags, {stats.noted} with an article note"
    lines = [head]
    for section in sections:
        counter = stats.counts[section]
        if not counter:
            continue
        lines.append("")
        lines.append(f"by {section}:")
        rows = counter.most_common()
        # Laid out for a terminal, labels are cut to LABEL_CELLS; logical text is never cut
        # (a script gets whole values), so its column is as wide as its longest label.
        cap = LABEL_CELLS if mode == "self" else 10_000
        label_width = min(max(cells(one_line(k, mode, cap)) for k, _ in rows), cap)
        number_width = len(str(rows[0][1]))
        bar_room = max(width - label_width - number_width - 6, 10)
        top = rows[0][1]
        for key, count in rows:
            line = f"  {column(key, label_width, mode)}  {count:>{number_width}}"
            if chart:
                line += " " + BAR * max(1, round(count / top * bar_room))
            lines.append(line)
    for problem in stats.problems:
        lines.append(f"error: {one_line(problem, mode, direction='ltr')}")
    return "\n".join(lines) + "\n"
