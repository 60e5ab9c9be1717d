"""``hamish add``: news pages, feeds and newsboat's links into the library.

Sources: a URL, an HTML file, ``-`` (stdin: an HTML page, or a list of URLs one a line),
a feed (``--feed``: RSS or Atom, a URL or a file, through feedparser) and newsboat's
``bookmark-cmd`` (``--newsboat URL [TITLE [DESCRIPTION [FEED]]]``). Each page becomes
one Markdown article (:mod:`reader.library.ingest`), written atomically into the library.

Network, and why: :data:`TIMEOUT` seconds a request; a user agent naming hamish (sites
block anonymous clients, and a name lets them ask us); proxies from the environment
(``urllib`` reads ``http_proxy``/``https_proxy``/``no_proxy``); at most
:data:`MAX_IN_FLIGHT` requests at once (polite to one site, which a feed mostly is).
Pages are fetched in worker threads; everything is decided and written in the calling
thread, in the order given, so two entries of a feed with the same text never race.

A failure is one line naming the URL or file (no traceback) and the rest goes on; the
command's exit code is then 2. Nothing is written for a page that fails.
"""

from __future__ import annotations

import datetime
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotations.errors import EXIT_OK, EXIT_USAGE, HamishError
from reader.library.ingest import (
    MAX_PAGE_BYTES,
    Extracted,
    IngestError,
    Known,
    article_name,
    clean_metadata,
    extract_page,
    find_known,
    front_matter,
    html_paragraphs,
    match,
    normalised_hash,
    with_extra,
)

__all__ = [
    "MAX_IN_FLIGHT",
    "TIMEOUT",
    "AddReport",
    "Source",
    "add_feed",
    "add_sources",
    "fetch",
    "sources_from_stdin",
]

#: Seconds to wait for a server (connecting, then between bytes): a news site that has
#: not answered in 20 s is down or throttling us; waiting longer only stalls a feed.
TIMEOUT = 20.0
#: Requests in flight at once: enough to overlap a feed's slow servers, few enough not to
#: hammer the one site a feed's links usually point at.
MAX_IN_FLIGHT = 4
#: Content types taken as HTML (servers send XHTML pages as either).
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Feeds are read whole by feedparser; larger than this is not a feed.
MAX_FEED_BYTES = MAX_PAGE_BYTES


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("hamish")
    except PackageNotFoundError:  # pragma: no cover - a source tree without an install
        number = "0"
    return f"hamish/{number} (terminal reader and annotator; +https://pypi.org/project/hamish/)"


class FetchError(HamishError):
    """A URL that could not be fetched (one line: the URL and why)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One thing to add: a URL or a file (``data`` already read for stdin), and what the
    caller knows of it (a feed's or newsboat's title, feed name and content)."""

    name: str  # the URL, the file's path, or "-"
    is_url: bool
    data: bytes | None = None
    title: str | None = None
    feed: str | None = None
    date: str | None = None
    fallback_html: str | None = None  # the feed entry's own content, if the page fails


@dataclass
class AddReport:
    """What ``hamish add`` did: lines for stdout (paths written) and stderr (the rest)."""

    added: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_USAGE if self.failed else EXIT_OK

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"already in the library {len(self.already)}, failed {len(self.failed)}"
        )


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


def fetch(url: str, *, accept: Sequence[str] = HTML_TYPES, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The body of ``url`` (http or https), or FetchError with a one-line reason."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"{url}: not an http or https address")
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(), "Accept": ", ".join(accept) + ", */*;q=0.1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            kind = response.headers.get_content_type()
            if accept and kind not in accept and not kind.endswith(("+xml", "/xml")):
                raise FetchError(f"{url}: not an HTML page (content type {kind}); nothing written")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise FetchError(_too_large(url, int(length), limit))
            data: bytes = response.read(limit + 1)
            if len(data) > limit:
                raise FetchError(_too_large(url, len(data), limit))
            return data
    except FetchError:
        raise
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url}: the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):  # socket.timeout is TimeoutError
            raise FetchError(f"{url}: no answer from {_host(url)} in {TIMEOUT:.0f} s") from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise FetchError(f"could not reach {_host(url)} ({url}): {text}") from None
    except TimeoutError:  # socket.timeout is TimeoutError
        raise FetchError(f"{url}: no answer from {_host(url)} in {TIMEOUT:.0f} s") from None
    except (OSError, ValueError) as error:  # a reset connection, a malformed address
        raise FetchError(f"could not reach {_host(url)} ({url}): {error}") from None


def _too_large(url: str, size: int, limit: int) -> str:
    mib = 1024 * 1024
    return f"{url}: page too large (over {limit // mib} MB, {size // mib} MB); nothing written"


def _read_file(name: str) -> bytes:
    from reader.library.article import os_reason

    path = Path(name)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IngestError(f"{name}: a folder, not an HTML file")
        if size > MAX_PAGE_BYTES:
            raise IngestError(
                f"{name}: page too large ({size // (1024 * 1024)} MB, at most "
                f"{MAX_PAGE_BYTES // (1024 * 1024)} MB); nothing written"
            )
        return path.read_bytes()
    except OSError as error:
        raise IngestError(f"{name}: {os_reason(error)}") from None


def _bytes_of(source: Source) -> bytes:
    if source.data is not None:
        return source.data
    return fetch(source.name) if source.is_url else _read_file(source.name)


def sources_from_stdin(data: bytes) -> list[Source]:
    """stdin as given to ``hamish add -``: an HTML page, or URLs one a line (``#`` comments)."""
    if data.lstrip()[:1] == b"<":
        return [Source("-", is_url=False, data=data)]
    text = data.decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines()]
    return [Source(line, is_url=True) for line in lines if line and not line.startswith("#")]


def _extract(source: Source, data: bytes | None, error: HamishError | None) -> Extracted:
    url = source.name if source.is_url else None
    if data is not None:
        try:
            extracted = extract_page(data, source.name, url=url)
            return _with_caller_facts(extracted, source)
        except IngestError as failed:
            error = failed
    if source.fallback_html and error is not None:
        body = html_paragraphs(source.fallback_html)
        if body:
            from reader.library.article import guess_language

            extracted = Extracted(
                body=body + "\n",
                title=source.title or "",
                url=url,
                language=guess_language(body),
            )
            # Marked: the text is the feed's summary, not the page's article.
            return with_extra(_with_caller_facts(extracted, source), text="feed entry")
    assert error is not None
    raise error


def _with_caller_facts(extracted: Extracted, source: Source) -> Extracted:
    """A feed's or newsboat's title, feed and date over what the page says."""
    changed = replace(
        extracted,
        title=source.title or extracted.title or "article",
        date=extracted.date or source.date,
    )
    if source.feed:
        changed = replace(changed, source=changed.source or source.feed)
        changed = with_extra(changed, feed=source.feed)
    return changed


def _fetched(
    sources: Sequence[Source], skip: Callable[[Source], bool]
) -> Iterator[tuple[Source, bytes | None, HamishError | None]]:
    """Each source with its bytes (or its error), in order; at most MAX_IN_FLIGHT at once.
    A source ``skip`` says is known already is not fetched (None, None)."""

    def one(source: Source) -> tuple[Source, bytes | None, HamishError | None]:
        if skip(source):
            return source, None, None
        try:
            return source, _bytes_of(source), None
        except HamishError as error:
            return source, None, error

    with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
        yield from pool.map(one, sources)


def add_sources(
    sources: Sequence[Source],
    library: Path,
    *,
    update: bool = False,
    force: bool = False,
    annotations_dir: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: Callable[[], datetime.datetime] | None = None,
) -> AddReport:
    """Add each source to ``library`` (see the module's notes); a report of what was done."""
    clock = now or (lambda: datetime.datetime.now(datetime.UTC))
    report = AddReport()
    known = find_known(library)
    first_known = list(known)

    def known_url(source: Source) -> bool:  # asked from the workers: the list never changes
        return not update and _holder(first_known, source) is not None

    for done, (source, data, error) in enumerate(_fetched(sources, known_url), 1):
        try:
            holder = _holder(known, source)
            if holder is not None and not update:
                report.already.append(f"{source.name}: already in the library as {holder.path}")
                continue
            if holder is not None and error is not None:  # never replace a page by a summary
                raise error
            extracted = _extract(source, data, error)
            holder = holder or match(known, extracted.url, normalised_hash(extracted.body))
            if holder is not None and not update:
                report.already.append(
                    f"{source.name}: the same text is already in the library as {holder.path}"
                )
                continue
            if holder is not None:
                note = _update(
                    holder.path, library, extracted, clock(), annotations_dir, report, force
                )
                report.notes.append(note)
                known = [k for k in known if k.path != holder.path]
                known.append(Known(holder.path, holder.url, normalised_hash(extracted.body)))
                continue
            path = _write_new(library, extracted, clock())
            report.added.append(path)
            known.append(Known(path, _norm(extracted.url), normalised_hash(extracted.body)))
        except HamishError as failed:
            report.failed.append(str(failed))
        finally:
            if progress is not None:
                progress(done, len(sources))
    return report


def _norm(url: str | None) -> str | None:
    from reader.library.ingest import normalised_url

    return normalised_url(url) if url else None


def _holder(known: Iterable[Known], source: Source) -> Known | None:
    """The article holding this URL already (looked up before the page is extracted)."""
    return match(known, source.name, None) if source.is_url else None


def _write_new(library: Path, extracted: Extracted, retrieved: datetime.datetime) -> Path:
    name = article_name(extracted, retrieved)
    stem = name[: -len(".md")]
    try:
        library.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HamishError(
            f"{library}: cannot create the library folder: {error.strerror}"
        ) from None
    data = (front_matter(extracted, retrieved) + extracted.body).encode("utf-8")
    names = (library / (name if n < 2 else f"{stem}-{n}.md") for n in itertools.count(1))
    try:
        return _create_new(data, library, names)
    except OSError as error:
        raise HamishError(f"{library / name}: cannot write: {error.strerror or error}") from None


def _create_new(data: bytes, library: Path, names: Iterator[Path]) -> Path:
    """Write ``data`` under the first of ``names`` that no file holds, never replacing one
    (another `hamish add` may be taking the same name this very moment): written whole
    and synced as a temporary file, then hard-linked to the name, which fails if the name
    exists. A file system without hard links gets a check, then an atomic rename."""
    import tempfile

    from annotations.store import atomic_write, file_mode_for

    fd, temporary = tempfile.mkstemp(dir=library, prefix=".hamish-add-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        for path in names:
            os.chmod(temporary, file_mode_for(path))
            try:
                os.link(temporary, path)
            except FileExistsError:
                continue  # another article took the name: the next one
            except OSError:  # no hard links here (FAT, some shares)
                if path.exists() or path.is_symlink():
                    continue
                atomic_write(path, data)
            return path
        raise AssertionError("unreachable: the names never end")
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def _update(
    path: Path,
    library: Path,
    extracted: Extracted,
    retrieved: datetime.datetime,
    annotations_dir: str | None,
    report: AddReport,
    force: bool = False,
) -> str:
    """Rewrite the article at ``path`` with the new text and re-anchor its sidecar.

    A new text that would orphan annotations placed in the old one (a paywall or a cookie
    wall served at the same address, a page rewritten whole) is refused, nothing written,
    unless ``force``: the old text is all the analyst's annotations hold to."""
    from annotations.store import atomic_write, open_sidecar
    from reader.library.article import load_article

    old = load_article(path)
    if normalised_hash(old.body) == normalised_hash(extracted.body):
        return f"{path}: unchanged"
    sidecar = open_sidecar(path, old.text, annotations_dir=annotations_dir, library_root=library)
    if sidecar.read_only:
        raise HamishError(
            f"{path}: not updated: its annotations cannot be re-anchored ({sidecar.read_only})"
        )
    before = {a.id: a for a in sidecar.annotations.annotations}
    new_text = front_matter(extracted, retrieved) + extracted.body
    after = sidecar.retext(new_text)
    lost = (
        [
            a
            for a in after.annotations
            if a.placement == "orphaned" and before[a.id].placement != "orphaned"
        ]
        if not force
        else []
    )
    if lost:
        raise HamishError(
            f"{path}: not updated: the new text would orphan {len(lost)} of its "
            f"{len(before)} annotations (--force to update anyway)"
        )
    try:
        atomic_write(path, new_text.encode("utf-8"))
    except OSError as error:
        raise HamishError(f"{path}: cannot write: {error.strerror or error}") from None
    report.updated.append(path)
    if not before:
        return f"{path}: updated"
    sidecar.save(after)
    counts = {"anchored": 0, "moved": 0, "changed": 0, "orphaned": 0}
    for annotation in after.annotations:
        counts[annotation.placement] += 1
    return (
        f"{path}: updated; annotations re-anchored: {counts['anchored']} anchored, "
        f"{counts['moved']} moved, {counts['changed']} changed, {counts['orphaned']} orphaned"
    )


def feed_sources(
    name: str,
    *,
    since: datetime.date | None = None,
    limit: int | None = None,
) -> list[Source]:
    """The entries of the feed at ``name`` (a URL or a file) as sources, newest rules applied."""
    import feedparser

    if name.startswith(("http://", "https://")):
        data = fetch(
            name,
            accept=("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"),
            limit=MAX_FEED_BYTES,
        )
    else:
        data = _read_file(name)
    parsed: Any = feedparser.parse(data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") if parsed.get("bozo") else None
        why = f": {str(reason).splitlines()[0]}" if reason else ""
        raise IngestError(f"{name}: not an RSS or Atom feed, or no entries{why}")
    feed_title = _one(parsed.feed.get("title"))
    sources = []
    for entry in parsed.entries:
        link = _one(entry.get("link"))
        if not link:
            continue
        day = _entry_date(entry)
        if since is not None and day is not None and day < since:
            continue
        content = entry.get("content")
        html = content[0].get("value") if content else entry.get("summary")
        sources.append(
            Source(
                link,
                is_url=True,
                title=_one(entry.get("title")),
                feed=feed_title,
                date=day.isoformat() if day else None,
                fallback_html=html if isinstance(html, str) else None,
            )
        )
        if limit is not None and len(sources) >= limit:
            break
    return sources


def _one(value: object) -> str | None:
    """A feed's or newsboat's title or name as front matter takes it: one line, with no
    controls or explicit bidi controls (the page's own metadata gets the same)."""
    return clean_metadata(value)


def _entry_date(entry: Any) -> datetime.date | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)


def add_feed(
    name: str,
    library: Path,
    *,
    since: datetime.date | None = None,
    limit: int | None = None,
    annotations_dir: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AddReport:
    """Every entry of a feed, as :func:`add_sources` adds pages (already there: skipped)."""
    sources = feed_sources(name, since=since, limit=limit)
    return add_sources(sources, library, annotations_dir=annotations_dir, progress=progress)


def newsboat_source(args: Sequence[str]) -> Source:
    """newsboat's ``bookmark-cmd`` arguments: URL, title, description, feed title."""
    if not args or not args[0].strip():
        raise HamishError("--newsboat: newsboat passes the URL first; none was given")
    url, title, description, feed = [*args, "", "", ""][:4]
    return Source(
        url.strip(),
        is_url=True,
        title=_one(title),
        feed=_one(feed),
        fallback_html=description or None,
    )
