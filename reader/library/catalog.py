"""The library listing: one row per article, with its sidecar's counts and tags.

Listing a library must stay quick with hundreds of articles, some of them huge, so a row
is a *summary*:

* an article larger than :data:`HEAD_BYTES` is summarised from its head (title, date,
  language and direction come from the first ``HEAD_BYTES``; the ``source:`` line from its
  last :data:`TAIL_BYTES`), instead of being decoded whole;
* the sidecar is read as JSON and checked against the format, but not re-anchored (that
  needs the article's full text): ``orphaned`` counts the statuses stored in the sidecar,
  ``state`` is the article's stored state (to do, in progress, done: ``document.state``).

A file that cannot be read is still listed, with the reason in ``error``; a sidecar that
the reader would open read-only has its reason in ``sidecar_error`` (and counts of 0, as
the reader would show no annotations, except for a sidecar from a newer hamish that still
reads as version 1).
"""

from __future__ import annotations

import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from annotations.model import DEFAULT_PROGRESS, PROGRESSES
from annotations.script import PARAGRAPH_BREAKS
from annotations.sidecar import SidecarSummary, read_sidecar_summary
from annotations.store import sidecar_path
from reader.library import article as _article
from reader.library.article import (
    ArticleError,
    article_from_text,
    load_article,
    load_article_head,
    os_reason,
)
from reader.library.find import find_articles

if TYPE_CHECKING:
    from reader.text.layout import TextDirection

__all__ = [
    "HEAD_BYTES",
    "MAX_TAGS",
    "TAIL_BYTES",
    "CatalogEntry",
    "filter_text",
    "matches",
    "progress",
    "scan_library",
    "summarise_entry",
    "summarize_sidecar",
]

#: Articles larger than this are summarised from their first HEAD_BYTES (read at call time,
#: so tests may monkeypatch it).
HEAD_BYTES = 256 * 1024
#: ... and their source line is looked for in their last TAIL_BYTES.
TAIL_BYTES = 4 * 1024
#: How many of the most used tags a row shows.
MAX_TAGS = 5


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    path: Path  # the article file
    relative: str  # path relative to the library root, POSIX style
    title: str
    source: str | None
    date: str | None
    language: str | None
    direction: TextDirection
    annotations: int  # number of annotations in the sidecar (0 when none)
    orphaned: int  # annotations whose stored status is "orphaned"
    tags: tuple[tuple[str, int], ...]  # (tag, count), most used first, at most MAX_TAGS
    modified: float  # mtime of the article or its sidecar, whichever is later
    error: str | None  # one-line reason when the article cannot be read
    sidecar_error: str | None  # why the reader would open the sidecar read-only
    all_tags: tuple[
        str, ...
    ] = ()  # every tag used (annotations and the article's own), for filtering
    #: What the filter matches, folded by :func:`reader.text.fold.fold` (title, file, tags):
    #: see :func:`filter_text`. Derived from the fields above, so not compared.
    folded: str = field(default="", compare=False, repr=False)
    state: str = DEFAULT_PROGRESS  # the article's state (to do, in progress, done)


def filter_text(title: str, relative: str, all_tags: tuple[str, ...]) -> str:
    """The folded text the library filter looks in: title, file name and every tag."""
    from reader.text.fold import fold

    return fold(" ".join([title, relative, *all_tags])).text


def progress(entries: list[CatalogEntry]) -> dict[str, int]:
    """How many of ``entries`` are in each state (every state a key, in their order)."""
    counts: dict[str, int] = dict.fromkeys(PROGRESSES, 0)
    for entry in entries:
        counts[entry.state] = counts.get(entry.state, 0) + 1
    return counts


def matches(entry: CatalogEntry, folded_needle: str) -> bool:
    """Whether the filter ``folded_needle`` (already folded) keeps ``entry``."""
    if not folded_needle:
        return True
    haystack = entry.folded or filter_text(entry.title, entry.relative, entry.all_tags)
    return folded_needle in haystack


# --------------------------------------------------------------------------------------------
# Sidecars


def summarize_sidecar(
    path: Path, article_file: str | None = None
) -> tuple[int, int, Counter[str], str | None]:
    """(annotations, orphaned, tag counts, error) of the sidecar at ``path``.

    Checked by the one parser's policy (:func:`annotations.sidecar.read_sidecar_summary`,
    which counts without building the annotations), so the listing counts what the
    reader shows. A missing sidecar is ``(0, 0, Counter(), None)``. Tag
    counts add up the annotations' tags (once per annotation) and the document's own
    tags. ``error`` is the reason the reader would open the sidecar read-only; the counts
    are then those of what it would still show (a newer version that reads as version
    1), else 0. With ``article_file`` (the article's file name), a sidecar that names
    another article is refused too.
    """
    summary = read_sidecar_summary(Path(path), article_file)
    count, orphaned, tags, problem, _state = _summary_counts(summary)
    return count, orphaned, tags, problem


def _summary_counts(
    summary: SidecarSummary | None,
) -> tuple[int, int, Counter[str], str | None, str]:
    """:func:`summarize_sidecar`'s tuple, and the article's state."""
    if summary is None:
        return 0, 0, Counter(), None, DEFAULT_PROGRESS
    # Counted by Counter's C loop over each annotation's distinct tags, in one pass.
    tags = Counter(chain.from_iterable(map(dict.fromkeys, summary.tags)))
    return summary.count, summary.orphaned, tags, summary.problem, summary.state


def _top_tags(tags: Counter[str]) -> tuple[tuple[str, int], ...]:
    ranked = sorted(tags.items(), key=lambda item: (-item[1], item[0]))
    return tuple(ranked[:MAX_TAGS])


# --------------------------------------------------------------------------------------------
# Articles


def _reason(error: ArticleError) -> str:
    return error.reason or str(error)


def _tail_source(path: Path, size: int, encoding: str) -> str | None:
    """The ``source:`` line at the end of a large article, if any."""
    unit = 4 if encoding.startswith("utf-32") else 2 if encoding.startswith("utf-16") else 1
    start = max(0, size - TAIL_BYTES)
    start -= start % unit
    try:
        with path.open("rb") as f:
            f.seek(start)
            data = f.read(size - start)
    except OSError:
        return None
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return None
    # The first line is probably cut: the source line is looked for after it.
    breaks = [i for i in (text.find(c) for c in PARAGRAPH_BREAKS) if i >= 0]
    if start > 0:
        if not breaks:
            return None
        text = text[min(breaks) + 1 :]
    return article_from_text(text, path).source


def _summarise_head(path: Path, size: int) -> _article.Article:
    """An Article built from the head of a large file (its text is the head only)."""
    head = load_article_head(path, HEAD_BYTES)
    assert head is not None  # with guessing allowed and whole lines not asked, always an Article
    meta_source = head.meta.get("source")
    if isinstance(meta_source, str | int | float) and not isinstance(meta_source, bool):
        return head  # the front matter names the source
    return replace(head, source=_tail_source(path, size, head.encoding))


def summarise_entry(
    article_path: Path, root: Path, annotations_dir: str | Path | None
) -> CatalogEntry:
    """The row of one article (``root`` is its library's root), read from its files."""
    try:
        relative = article_path.relative_to(root).as_posix()
    except ValueError:
        relative = article_path.name
    title = article_path.stem
    source = date = language = None
    direction: TextDirection = "ltr"
    error: str | None = None
    modified = 0.0
    try:
        st = article_path.stat()
    except OSError as e:
        error = os_reason(e)
    else:
        modified = st.st_mtime
        if not stat.S_ISREG(st.st_mode):
            # A FIFO or device would block or never end: never opened from a listing.
            error = "not a regular file"
    if error is None:
        try:
            if HEAD_BYTES < st.st_size <= _article.MAX_ARTICLE_BYTES:
                art = _summarise_head(article_path, st.st_size)
            else:
                art = load_article(article_path)
        except ArticleError as e:
            error = _reason(e)
        else:
            title = art.title
            source, date, language, direction = art.source, art.date, art.language, art.direction

    side = sidecar_path(article_path, annotations_dir, root)
    count, orphaned, tags, sidecar_error, state = _summary_counts(
        read_sidecar_summary(side, article_path.name)
    )
    try:
        modified = max(modified, side.stat().st_mtime)
    except OSError:
        pass
    all_tags = tuple(sorted(tags))
    return CatalogEntry(
        path=article_path,
        relative=relative,
        title=title,
        source=source,
        date=date,
        language=language,
        direction=direction,
        annotations=count,
        orphaned=orphaned,
        tags=_top_tags(tags),
        all_tags=all_tags,
        modified=modified,
        error=error,
        sidecar_error=sidecar_error,
        folded=filter_text(title, relative, all_tags),
        state=state,
    )


def scan_library(
    root: str | Path, annotations_dir: str | Path | None = None
) -> Iterator[CatalogEntry]:
    """One :class:`CatalogEntry` per article under ``root``, in :func:`find_articles` order.

    ``root`` may also be a single file.  Raises :class:`reader.library.find.LibraryError` (when
    iterated) if ``root`` is not a file or folder.  Articles larger than :data:`HEAD_BYTES`
    are summarised from their head; sidecars are counted, not re-anchored.  With
    ``annotations_dir``, sidecars are looked for there (see
    :func:`annotations.store.sidecar_path`).
    """
    # Odd files (FIFOs, devices) are listed too, as "not a regular file", never opened.
    for article_path, library_root in find_articles([root], non_regular=True):
        yield summarise_entry(article_path, library_root, annotations_dir)
