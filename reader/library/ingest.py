"""A web page made into a library article: extraction, Markdown, front matter, its name.

``hamish add`` (:mod:`reader.commands.add`) fetches; this module turns the bytes of an
HTML page into an :class:`Extracted` article with trafilatura, writes it as Markdown with
YAML front matter (``title``, ``source``, ``date``, ``url``, ``authors``, ``language``,
``retrieved``) and finds the article already in the library that holds the same page.

Decisions, and why:

- **Extraction** is trafilatura's (comments off, tables kept, links and images dropped),
  asked for its XML so that this module, not a Markdown serialiser, decides the text:
  a paragraph is one line, blank lines between them (Markdown's paragraphs); ``<head>``
  becomes an ATX heading (``##`` for h2 …); list items ``- …``; table rows their cells
  joined with `` | ``. A ``<figcaption>`` (the photo credit of news pages) would be
  dropped with its figure, so it is made a paragraph before extraction. The ``h1`` that
  repeats the title is dropped: the title is the front matter's.
- **Slugs keep the title's own script** (Arabic, Persian, Hebrew letters as they are):
  transliterating unvowelled Arabic is lossy and ambiguous, and a UTF-8 file name is
  readable where the article is. Only letters and digits survive (NFC, marks and tatweel
  removed, Latin lower-cased), joined by ``-``, at most :data:`MAX_SLUG_CHARS` characters
  and :data:`MAX_SLUG_BYTES` UTF-8 bytes: no path separator, control or bidi character
  can reach a file name.
- **Duplicates are found by scanning the library's articles** (their front matter's
  ``url`` and a hash of their normalised body), not by an index in the cache folder:
  the articles are the truth, a scan cannot go stale when files are moved, renamed or
  edited; each article is read once per command (not per page).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.errors import HamishError
from annotations.script import (
    EXPLICIT_BIDI_CONTROL_RE,
    INVISIBLE_FORMAT,
    NON_TEXT_CONTROL_RE,
    TATWEEL,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = [
    "MAX_PAGE_BYTES",
    "Extracted",
    "IngestError",
    "Known",
    "article_name",
    "clean_metadata",
    "extract_page",
    "find_known",
    "front_matter",
    "html_paragraphs",
    "normalised_hash",
    "normalised_url",
    "slug",
]

#: Pages larger than this are refused: a news article's HTML is a few hundred KB (a few MB
#: with inline scripts); a page past 16 MiB is a download, a video or a trap, and
#: trafilatura would hold its whole tree in memory.
MAX_PAGE_BYTES = 16 * 1024 * 1024

#: A slug's length in characters: enough for a headline's first eight to ten words.
MAX_SLUG_CHARS = 60
#: …and in UTF-8 bytes (Arabic letters take two): with the date, a counter and ``.md``
#: the name stays far below the 255 bytes file systems allow.
MAX_SLUG_BYTES = 120

#: Extracted text shorter than this (in letters and digits) is not an article: a login
#: wall, a cookie banner, an index page.
MIN_ARTICLE_CHARS = 40

#: The bytes sniffed to tell HTML from other files, and binary from text.
_SNIFF_BYTES = 8192

_HEADING_LEVEL = re.compile(r"h([1-6])")
_NOT_SLUG = re.compile(r"[^\w]+")
_SPACES = re.compile(r"\s+")
_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|p|div|article)[\s>/]", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


#: trafilatura drops every character that is not "printable", which takes the zero-width
#: non-joiner out of Persian words (پایه‌های becomes پایههای) and the marks out of bidi
#: text. Before extraction each such character is replaced by a printable token, and put
#: back after: ⦃ and ⦄ (white curly brackets) with an index, never seen in news text (a
#: page that has them goes unprotected rather than confused).
_PROTECTED = tuple(sorted(INVISIBLE_FORMAT - {"\ufeff"}))
_OPEN, _CLOSE = "\u2983", "\u2984"
_TOKEN = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")


def _protect(text: str) -> str:
    for index, ch in enumerate(_PROTECTED):
        if ch in text:
            text = text.replace(ch, f"{_OPEN}{index}{_CLOSE}")
    return text


def _restore(text: str) -> str:
    def back(found: re.Match[str]) -> str:
        index = int(found.group(1))
        return _PROTECTED[index] if index < len(_PROTECTED) else found.group(0)

    return _TOKEN.sub(back, text)


def _protect_tree(tree: HtmlElement) -> None:
    for element in tree.iter():
        if isinstance(element.text, str):
            element.text = _protect(element.text)
        if isinstance(element.tail, str):
            element.tail = _protect(element.tail)
        for key in ("content", "title", "lang"):
            value = element.get(key)
            if value:
                element.set(key, _protect(value))


class IngestError(HamishError):
    """A page that cannot become an article (not HTML, binary, empty, too large)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """A page's article: its Markdown body and what its front matter says."""

    body: str  # Markdown: paragraphs separated by blank lines, ending with a line break
    title: str
    source: str | None = None
    date: str | None = None  # YYYY-MM-DD
    url: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())  # e.g. ("feed", "…"), in order


def clean_metadata(value: object) -> str | None:
    """One line of metadata: whitespace flattened, controls and explicit bidi controls
    (embeddings, overrides, isolates a page may leave unclosed) removed; None when empty."""
    if not isinstance(value, str):
        return None
    text = EXPLICIT_BIDI_CONTROL_RE.sub("", NON_TEXT_CONTROL_RE.sub("", _restore(value)))
    text = _SPACES.sub(" ", text).strip()
    return text or None


def check_html(data: bytes, name: str) -> None:
    """Refuse what is not an HTML page, with a one-line reason."""
    if len(data) > MAX_PAGE_BYTES:
        raise IngestError(
            f"{name}: page too large ({len(data) // (1024 * 1024)} MB, at most "
            f"{MAX_PAGE_BYTES // (1024 * 1024)} MB); nothing written"
        )
    head = data[:_SNIFF_BYTES]
    if not data.strip():
        raise IngestError(f"{name}: empty; nothing written")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(f"{name}: binary data, not an HTML page; nothing written")
    if _HTML_START.search(head.replace(b"\x00", b"")) is None:
        raise IngestError(f"{name}: not an HTML page; nothing written")


def _figures_to_paragraphs(tree: HtmlElement) -> None:
    """Each ``<figure>`` becomes its caption as a paragraph (trafilatura drops figures)."""
    from lxml.html import Element

    for figure in list(tree.iter("figure")):
        parent = figure.getparent()
        if parent is None:
            continue
        caption = " ".join(_text_of(c) for c in figure.iter("figcaption")).strip()
        if caption:
            paragraph = Element("p")
            paragraph.text = caption
            paragraph.tail = figure.tail
            parent.replace(figure, paragraph)
        else:
            parent.remove(figure)


def _text_of(element: Any) -> str:
    return " ".join(NON_TEXT_CONTROL_RE.sub("", "".join(element.itertext())).split())


def _blocks(main: Any, title: str) -> Iterator[str]:
    for child in main:
        tag = child.tag
        if tag == "head":
            text = _text_of(child)
            match = _HEADING_LEVEL.fullmatch(child.get("rend") or "")
            level = int(match.group(1)) if match else 2
            if level == 1 and text == title:
                continue
            if text:
                yield "#" * max(level, 2) + " " + text
        elif tag == "list":
            items = [_text_of(item) for item in child.iter("item")]
            lines = [f"- {item}" for item in items if item]
            if lines:
                yield "\n".join(lines)  # one list: its items are lines of one block
        elif tag == "table":
            rows = []
            for row in child.iter("row"):
                cells = [_text_of(cell) for cell in row.iter("cell")]
                if any(cells):
                    rows.append(" | ".join(cells))
            if rows:
                yield "\n".join(rows)
        elif tag == "quote":
            text = _text_of(child)
            if text:
                yield "> " + text
        elif tag in ("p", "code"):
            lines = [" ".join(NON_TEXT_CONTROL_RE.sub("", p).split()) for p in _lines_of(child)]
            text = "  \n".join(line for line in lines if line)
            if text:
                yield text
        else:  # graphic, anything new: its text as a paragraph, if it has any
            text = _text_of(child)
            if text:
                yield text


def _lines_of(element: Any) -> list[str]:
    """A paragraph's text, split where it had ``<lb/>`` (a line break inside it)."""
    lines = [element.text or ""]
    for child in element.iter():
        if child is element:
            continue
        if child.tag == "lb":
            lines.append(child.tail or "")
        else:
            lines[-1] += (child.text or "") + (child.tail or "")
    return lines


def extract_page(
    data: bytes, name: str, *, url: str | None = None, today: datetime.date | None = None
) -> Extracted:
    """The article in the HTML page ``data`` (named ``name`` in errors), or IngestError."""
    check_html(data, name)
    import trafilatura
    from lxml import etree
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(data)
    if tree is None:
        raise IngestError(f"{name}: not an HTML page; nothing written")
    protected = _OPEN.encode("utf-8") not in data and _CLOSE.encode("utf-8") not in data
    if protected:
        _protect_tree(tree)
    meta = extract_metadata(tree, default_url=url)
    page_language = clean_metadata(tree.get("lang"))
    _figures_to_paragraphs(tree)
    xml = trafilatura.extract(
        tree,
        url=url,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        include_formatting=False,
        with_metadata=False,
    )
    title = clean_metadata(meta.title if meta else None) or ""
    blocks: list[str] = []
    if xml:
        root = etree.fromstring((_restore(xml) if protected else xml).encode("utf-8"))
        main = root.find("main")
        if main is not None:
            blocks = list(_blocks(main, title))
    body = "\n\n".join(blocks)
    if sum(ch.isalnum() for ch in body) < MIN_ARTICLE_CHARS:
        raise IngestError(f"{name}: no article text found in the page; nothing written")
    if not title:
        title = blocks[0].lstrip("#> -").strip()[:120]
    authors = _authors(meta.author if meta else None)
    return Extracted(
        body=body + "\n",
        title=title,
        source=clean_metadata(meta.sitename if meta else None)
        or clean_metadata(meta.hostname if meta else None),
        date=_iso_date(meta.date if meta else None),
        url=clean_metadata(url) or clean_metadata(meta.url if meta else None),
        authors=authors,
        language=_language(meta.language if meta else None, page_language, body),
    )


def html_paragraphs(html: str) -> str:
    """The text of an HTML fragment (a feed entry's content) as Markdown paragraphs."""
    import lxml.html

    block_tags = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml raises several kinds on odd markup: then it is plain text
        return "\n\n".join(p for p in (clean_metadata(line) for line in html.splitlines()) if p)
    for br in fragment.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for element in fragment.iter():
        if element.tag in block_tags:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = "".join(fragment.itertext())
    return "\n\n".join(p for p in (clean_metadata(line) for line in text.splitlines()) if p)


def _authors(value: object) -> tuple[str, ...]:
    text = clean_metadata(value)
    if not text:
        return ()
    return tuple(a for a in (clean_metadata(part) for part in text.split(";")) if a)


def _iso_date(value: object) -> str | None:
    text = clean_metadata(value)
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def _language(declared: object, page: str | None, body: str) -> str | None:
    from reader.library.article import guess_language

    for value in (declared, page):
        text = clean_metadata(value)
        if text and re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", text):
            return text.split("-")[0].split("_")[0].lower()
    return guess_language(body)


def slug(title: str) -> str:
    """A file-name-safe slug of ``title`` in its own script (see the module's notes)."""
    text = unicodedata.normalize("NFC", title).replace(TATWEEL, "")
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    words = [w.lower() for w in _NOT_SLUG.sub(" ", text.replace("_", " ")).split()]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > MAX_SLUG_CHARS or len(candidate.encode("utf-8")) > MAX_SLUG_BYTES:
            if not out:  # one enormous word: cut it
                while word and (
                    len(word) > MAX_SLUG_CHARS or len(word.encode("utf-8")) > MAX_SLUG_BYTES
                ):
                    word = word[:-1]
                out = word
            break
        out = candidate
    return out or "article"


def article_name(extracted: Extracted, retrieved: datetime.datetime) -> str:
    """``YYYY-MM-DD-<slug>.md``: the article's date, else the day it was retrieved."""
    day = extracted.date or retrieved.date().isoformat()
    return f"{day}-{slug(extracted.title)}.md"


def front_matter(extracted: Extracted, retrieved: datetime.datetime) -> str:
    """The YAML front matter block (``---`` … ``---``) for ``extracted``."""
    import yaml

    meta: dict[str, object] = {"title": extracted.title}
    if extracted.source:
        meta["source"] = extracted.source
    if extracted.date:
        meta["date"] = extracted.date
    if extracted.url:
        meta["url"] = extracted.url
    if extracted.authors:
        meta["authors"] = list(extracted.authors)
    if extracted.language:
        meta["language"] = extracted.language
    meta["retrieved"] = retrieved.replace(microsecond=0).isoformat()
    for key, value in extracted.extra:
        meta[key] = value
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---\n\n"


def normalised_hash(body: str) -> str:
    """A hash of an article's text that ignores what a re-extraction or an editor changes
    without changing the words: Unicode form, case, whitespace, Markdown heading marks."""
    text = _MARKDOWN_HEADING.sub("", unicodedata.normalize("NFKC", body)).casefold()
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def normalised_url(url: str) -> str:
    """``url`` as compared for duplicates: no fragment, host lower-cased, no final ``/``."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class Known:
    """An article already in the library, as duplicates are looked for."""

    path: Path
    url: str | None  # normalised
    text_hash: str


def find_known(library: Path) -> list[Known]:
    """Every article in ``library`` with its URL and text hash (unreadable ones skipped)."""
    from reader.library.article import load_article
    from reader.library.find import find_articles

    if not library.is_dir():
        return []
    known = []
    for path, _root in find_articles([library]):
        try:
            article = load_article(path)
        except HamishError:
            continue
        url = article.meta.get("url")
        known.append(
            Known(
                path,
                normalised_url(url) if isinstance(url, str) else None,
                normalised_hash(article.body),
            )
        )
    return known


def match(known: Iterable[Known], url: str | None, text_hash: str | None) -> Known | None:
    """The known article with this URL, else with this text; None when there is none."""
    wanted = normalised_url(url) if url else None
    candidates = list(known)
    if wanted is not None:
        for item in candidates:
            if item.url == wanted:
                return item
    if text_hash is not None:
        for item in candidates:
            if item.text_hash == text_hash:
                return item
    return None


def with_extra(extracted: Extracted, **values: str | None) -> Extracted:
    """``extracted`` with more front matter fields (None values left out)."""
    extra = extracted.extra + tuple((k, v) for k, v in values.items() if v)
    return replace(extracted, extra=extra)
