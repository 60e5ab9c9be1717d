"""A corpus for the command line: articles and their sidecars, one at a time.

Everything here streams: an export of thousands of articles holds one article and
its annotations in memory at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotations import Annotation, SidecarError, open_sidecar, sidecar_path
from annotations.formats.base import ExportDocument
from reader.library.article import Article, ArticleError, load_article
from reader.library.find import find_articles

if TYPE_CHECKING:
    from annotations.model import Status

_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True, slots=True)
class Filters:
    """Which annotations to keep: a tag (or a "/" prefix), an author, a status."""

    tag: str | None = None
    author: str | None = None
    status: Status | None = None

    def keep(self, annotation: Annotation) -> bool:
        if self.author is not None and annotation.author != self.author:
            return False
        if self.status is not None and annotation.status != self.status:
            return False
        if self.tag is not None:
            prefix = self.tag.rstrip("/")
            return any(t == prefix or t.startswith(prefix + "/") for t in annotation.tags)
        return True


def article_url(article: Article) -> str | None:
    """The front matter's ``url`` (text, whitespace trimmed), or None."""
    value = article.meta.get("url") if isinstance(article.meta, dict) else None
    return value.strip() or None if isinstance(value, str) else None


def _display_path(article: Path) -> str:
    return article.as_posix()


class _SafeNames:
    """Turns display paths into unique, file-name-safe stems (for per-document files)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def name_for(self, path: str) -> str:
        stem = _UNSAFE.sub("_", path.rsplit(".", 1)[0].replace("/", "__")).strip("_") or "article"
        name, n = stem, 1
        while name in self._seen:
            n += 1
            name = f"{stem}_{n}"
        self._seen.add(name)
        return name


def readable_articles(
    found: Iterable[tuple[Path, Path]], problems: list[str] | None = None
) -> Iterator[tuple[Path, Path, Article]]:
    """(path, library root, article) for each found article that decodes; the others
    are appended to ``problems`` (one line each) and skipped."""
    for article_path, root in found:
        try:
            article = load_article(article_path)
        except ArticleError as error:
            if problems is not None:
                problems.append(str(error))
            continue
        yield article_path, root, article


def iter_documents(
    paths: Iterable[str],
    *,
    annotations_dir: str | None = None,
    filters: Filters = Filters(),
    problems: list[str] | None = None,
    with_sidecar_only: bool = True,
) -> Iterator[ExportDocument]:
    """Every article under ``paths`` that has a sidecar, re-anchored and filtered.

    Unreadable articles and sidecars that cannot be used are appended to
    ``problems`` (one line each) and skipped.
    """
    names = _SafeNames()
    found = find_articles(paths)
    if with_sidecar_only:  # decide before decoding anything
        found = (
            (path, root)
            for path, root in found
            if sidecar_path(path, annotations_dir, root).exists()
        )
    for article_path, root, article in readable_articles(found, problems):
        try:
            sidecar = open_sidecar(
                article_path, article.text, annotations_dir=annotations_dir, library_root=root
            )
        except SidecarError as error:  # unreadable, or a folder named like a sidecar
            if problems is not None:
                problems.append(str(error))
            continue
        if sidecar.read_only and not sidecar.annotations.annotations and problems is not None:
            problems.append(sidecar.read_only)
        annotations = sidecar.annotations
        kept = [a for a in annotations.annotations if filters.keep(a)]
        if len(kept) != len(annotations.annotations):
            annotations = annotations.with_annotations(kept)
        display = _display_path(article_path)
        yield ExportDocument(
            path=display,
            name=names.name_for(display),
            text=article.text,
            title=article.title,
            source=article.source,
            date=article.date,
            sha256=annotations.document.sha256,  # of the current text, after re-anchoring
            annotations=annotations,
            url=article_url(article),
            body_start=article.body_start,
        )
