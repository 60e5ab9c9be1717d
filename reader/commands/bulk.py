"""What the commands that add annotations to many articles at once (``tag-all``,
``curate --auto``) do alike: walk the paths given, open each article's sidecar for writing,
and save what was planned; each problem is one line of the report's ``skipped`` (the
article's path and why), never a stop, and a dry run writes nothing.

Never imports Textual or ``reader.tui``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotations.model import Annotation, AnnotationSet
from annotations.store import Sidecar, SidecarError, open_sidecar
from reader.library.article import Article, ArticleError, load_article
from reader.library.find import LibraryError, find_articles


def articles_under(paths: Iterable[str], skipped: list[str]) -> Iterator[tuple[Path, Path]]:
    """Each article under ``paths`` with its library's root, in order; a path that names
    no article (missing, not a library) is a line of ``skipped``."""
    for given in paths:
        try:
            found = list(find_articles([given]))
        except LibraryError as error:
            skipped.append(str(error))
            continue
        yield from found


def readable_article(article_path: Path, skipped: list[str]) -> Article | None:
    """The article at ``article_path``, or None (a line of ``skipped``) when it cannot be
    read."""
    try:
        return load_article(article_path)
    except ArticleError as error:
        skipped.append(f"{article_path}: skipped: {error}")
        return None


def writable_sidecar(
    article_path: Path,
    text: str,
    root: Path,
    annotations_dir: str | None,
    skipped: list[str],
) -> Sidecar | None:
    """The article's sidecar, or None (a line of ``skipped``) when it cannot be read or
    must not be written (corrupt, or made by a newer hamish)."""
    name = str(article_path)
    try:
        sidecar = open_sidecar(
            article_path, text, annotations_dir=annotations_dir, library_root=root
        )
    except SidecarError as error:
        skipped.append(f"{name}: skipped: {error}")
        return None
    if sidecar.read_only:
        skipped.append(f"{name}: skipped, its sidecar is not written: {sidecar.read_only}")
        return None
    return sidecar


def save_added(
    article_path: Path,
    sidecar: Sidecar,
    current: AnnotationSet,
    added: Iterable[Annotation],
    *,
    dry_run: bool,
    skipped: list[str],
) -> bool:
    """Save ``current`` with ``added`` after its annotations into the sidecar of the article
    at ``article_path`` (not in a dry run, nor when nothing is added); False (a line of
    ``skipped``) when the save failed."""
    added = tuple(added)
    if not added or dry_run:
        return True
    try:
        sidecar.save(current.with_annotations((*current.annotations, *added)))
    except SidecarError as error:
        skipped.append(f"{article_path}: skipped: {error}")
        return False
    return True
