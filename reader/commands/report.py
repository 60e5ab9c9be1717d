"""`hamish report`: the quotes analysts hand on, each with its citation (docs/report.md).

Quotes (placed annotations) are grouped by article, or by tag, each with its tags and
note and a citation block naming the article's title, source, date and url. Three
renderings: Markdown, HTML (every quote and note ``dir="auto"``, so an Arabic quote is
laid out right to left in an English page; all text escaped, since articles and notes
are untrusted) and CSL-JSON (one ``article-newspaper`` item per quote, which Zotero and
other reference managers import).

Headless: this module never imports Textual. :func:`quote_card` is the Markdown card of
one annotation, for the reader's "copy as a quote card" key.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from annotations.formats.base import ExportDocument
from annotations.model import Annotation
from annotations.script import EXPLICIT_BIDI_CONTROL_RE, NON_TEXT_CONTROL_RE

if TYPE_CHECKING:
    from reader.library.article import Article

ReportFormat = Literal["markdown", "html", "csl-json"]
REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)
GroupBy = Literal["article", "tag"]
GROUP_BY: tuple[str, ...] = get_args(GroupBy)
#: The group of quotes without a tag, in a report by tag.
UNTAGGED = "(untagged)"

__all__ = [
    "GROUP_BY",
    "REPORT_FORMATS",
    "Citation",
    "Quote",
    "build_report",
    "collect_quotes",
    "quote_card",
]


@dataclass(frozen=True, slots=True)
class Citation:
    """What a quote is cited from: its article."""

    path: str
    title: str
    source: str | None
    date: str | None
    url: str | None
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    annotation: Annotation
    citation: Citation


def collect_quotes(documents: Iterable[ExportDocument], tag: str | None = None) -> list[Quote]:
    """Every placed annotation of ``documents`` (already filtered) as a quote, in order."""
    quotes = []
    for doc in documents:
        citation = Citation(doc.path, doc.title, doc.source, doc.date, doc.url, doc.sha256)
        for annotation in doc.placed():
            if doc.text[annotation.start : annotation.end] != annotation.quote:
                continue  # a sidecar edited by hand: its quote is not the article's words
            quotes.append(Quote(annotation, citation))
    return quotes


def _matches(tag: str, wanted: str | None) -> bool:
    if wanted is None:
        return True
    prefix = wanted.rstrip("/")
    return tag == prefix or tag.startswith(prefix + "/")


def _groups(
    quotes: Sequence[Quote], by: GroupBy, tag: str | None
) -> list[tuple[str, Citation | None, list[Quote]]]:
    """(heading, the article when grouped by article, quotes), in order of first use."""
    groups: dict[str, tuple[Citation | None, list[Quote]]] = {}
    for quote in quotes:
        if by == "article":
            key = quote.citation.path
            groups.setdefault(key, (quote.citation, []))[1].append(quote)
            continue
        tags = [t for t in quote.annotation.tags if _matches(t, tag)] or [UNTAGGED]
        for name in tags:
            groups.setdefault(name, (None, []))[1].append(quote)
    if by == "tag":
        ordered = sorted(groups.items(), key=lambda item: (item[0] == UNTAGGED, item[0]))
    else:
        ordered = list(groups.items())
    return [
        (citation.title if citation else key, citation, items) for key, (citation, items) in ordered
    ]


# ------------------------------------------------------------------------------ Markdown

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def _md(text: str) -> str:
    """``text`` safe inline in Markdown: its punctuation escaped, its lines joined."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_quote(text: str) -> str:
    """``text`` as a Markdown block quote, each of its lines kept (and escaped)."""
    lines = [line.strip() for line in text.splitlines()] or [""]
    return "\n".join(f"> {_escape_md(line)}".rstrip() for line in lines)


def _escape_md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _citation_text(citation: Citation) -> str:
    """The citation as one line: source, «title», date, url (what is known)."""
    parts = [p for p in (citation.source, f"«{citation.title}»", citation.date) if p]
    return ", ".join(parts)


_REPORT_UNSAFE_RE = re.compile(
    f"{NON_TEXT_CONTROL_RE.pattern}|{EXPLICIT_BIDI_CONTROL_RE.pattern}|[\x7f\x0c]"
)


def _md_card(annotation: Annotation, citation: Citation, *, with_article: bool = True) -> str:
    lines = [_md_quote(annotation.quote), ">"]
    cite = f"> — {_md(_citation_text(citation))}" if with_article else ""
    if with_article and citation.url:
        # An autolink only for the schemes the HTML report links (no javascript:).
        link = _url_md(citation.url)
        cite += f". <{link}>" if _safe_href(citation.url) else f". {_md(citation.url)}"
    if cite:
        lines.append(cite)
    else:
        lines.pop()
    if annotation.tags:
        lines.append("")
        lines.append("Tags: " + ", ".join(f"`{_code(t)}`" for t in annotation.tags))
    if annotation.note:
        lines.append("")
        lines.append("Note: " + _md(annotation.note))
    return "\n".join(lines)


def _code(text: str) -> str:
    return " ".join(text.replace("`", "ˋ").split())


def _url_md(url: str) -> str:
    return "".join(c for c in url if c not in "<> \t\r\n")


def quote_card(annotation: Annotation, article: Article) -> str:
    """The annotation as a Markdown quote card: the quote, a citation line (source, title,
    date, url), its tags and note. For the reader's key that copies it."""
    url = article.meta.get("url") if isinstance(article.meta, dict) else None
    citation = Citation(
        article.path.as_posix(),
        article.title,
        article.source,
        article.date,
        url.strip() or None if isinstance(url, str) else None,
    )
    return _md_card(annotation, citation) + "\n"


def _markdown(groups: list[tuple[str, Citation | None, list[Quote]]], total: int) -> str:
    out = [f"# Quotes ({total})", ""]
    for heading, citation, quotes in groups:
        out.append(f"## {_md(heading)}")
        out.append("")
        if citation is not None:
            known = [p for p in (citation.source, citation.date) if p]
            if known:
                out.append(_md(", ".join(known)))
            if citation.url:
                link = _url_md(citation.url)
                out.append(f"<{link}>" if _safe_href(citation.url) else _md(citation.url))
            out.append(f"`{_code(citation.path)}`")
            out.append("")
        for quote in quotes:
            out.append(_md_card(quote.annotation, quote.citation, with_article=citation is None))
            out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------- HTML

_STYLE = (
    "body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
    "blockquote{border-inline-start:4px solid #999;margin:1em 0;padding:.2em 1em}"
    ".tags code{background:#eee;padding:0 .3em;margin-inline-end:.3em}"
    "cite{display:block;color:#555}"
)


def _e(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _safe_href(url: str) -> str | None:
    """The url when it is a web or mail link (never ``javascript:``)."""
    return url if re.match(r"(?i)(https?|mailto):", url.strip()) else None


def _html_citation(citation: Citation) -> str:
    parts = [f'<cite dir="auto">{_e(_citation_text(citation))}']
    if citation.url:
        href = _safe_href(citation.url)
        if href is not None:
            parts.append(f' <a href="{_e(href)}">{_e(citation.url)}</a>')
        else:
            parts.append(f" {_e(citation.url)}")
    parts.append("</cite>")
    return "".join(parts)


def _html_card(annotation: Annotation, citation: Citation, with_article: bool) -> str:
    lines = ['<figure class="quote">']
    text = "<br>".join(_e(line) for line in annotation.quote.splitlines()) or ""
    lines.append(f'<blockquote dir="auto">{text}</blockquote>')
    if with_article:
        lines.append(f"<figcaption>{_html_citation(citation)}</figcaption>")
    if annotation.tags:
        tags = "".join(f'<code dir="auto">{_e(t)}</code>' for t in annotation.tags)
        lines.append(f'<p class="tags">{tags}</p>')
    if annotation.note:
        note = "<br>".join(_e(line) for line in annotation.note.splitlines())
        lines.append(f'<p class="note" dir="auto">{note}</p>')
    lines.append("</figure>")
    return "\n".join(lines)


def _html(groups: list[tuple[str, Citation | None, list[Quote]]], total: int) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="und">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>Quotes ({total})</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>Quotes ({total})</h1>",
    ]
    for heading, citation, quotes in groups:
        out.append('<section dir="auto">' if citation is None else "<section>")
        out.append(f'<h2 dir="auto">{_e(heading)}</h2>')
        if citation is not None:
            out.append(f"<p>{_html_citation(citation)}</p>")
            out.append(f"<p><code>{_e(citation.path)}</code></p>")
        for quote in quotes:
            out.append(_html_card(quote.annotation, quote.citation, citation is None))
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------ CSL-JSON

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _issued(date: str) -> dict[str, Any]:
    """A CSL date: ``date-parts`` for an ISO date (or its year/month), else ``raw``."""
    found = _DATE.match(date.strip())
    if found is None:
        return {"raw": date}
    return {"date-parts": [[int(part) for part in found.groups() if part is not None]]}


def csl_item(quote: Quote) -> dict[str, Any]:
    """One quote as a CSL-JSON item (``article-newspaper``; see docs/report.md)."""
    annotation, citation = quote.annotation, quote.citation
    note = [annotation.quote]
    if annotation.tags:
        note.append("Tags: " + ", ".join(annotation.tags))
    if annotation.note:
        note.append("Note: " + annotation.note)
    item: dict[str, Any] = {
        "id": f"hamish-{citation.sha256[:12]}-{annotation.id}"
        if citation.sha256
        else f"hamish-{annotation.id}",
        "type": "article-newspaper",
        "title": citation.title,
    }
    if citation.source:
        item["container-title"] = citation.source
    if citation.date:
        item["issued"] = _issued(citation.date)
    if citation.url:
        item["URL"] = citation.url
    item["note"] = "\n\n".join(note)
    return item


def _csl(quotes: Sequence[Quote]) -> str:
    return json.dumps([csl_item(q) for q in quotes], ensure_ascii=False, indent=2) + "\n"


def build_report(
    quotes: Sequence[Quote],
    fmt: str = "markdown",
    by: str = "article",
    tag: str | None = None,
) -> str:
    """The report's text in ``fmt`` (one of :data:`REPORT_FORMATS`)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"a report is one of {', '.join(REPORT_FORMATS)}, not {fmt!r}")
    if by not in GROUP_BY:
        raise ValueError(f"a report groups by {' or '.join(GROUP_BY)}, not {by!r}")
    if fmt == "csl-json":
        return _csl(quotes)  # JSON escapes the controls itself
    groups = _groups(quotes, by, tag)  # type: ignore[arg-type]
    text = _markdown(groups, len(quotes)) if fmt == "markdown" else _html(groups, len(quotes))
    return without_controls(text)


def without_controls(text: str) -> str:
    """``text`` without the controls a report has no use for and a terminal would obey
    when the file is shown (ESC starts escape sequences, OSC 52 writes the clipboard),
    nor the explicit bidi controls (an override would reorder a quote); tab and line
    ends kept, and the bidi marks (LRM, RLM), which are part of how text is written."""
    return _REPORT_UNSAFE_RE.sub("", text)
