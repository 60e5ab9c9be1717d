"""`hamish cat`: one article laid out for a terminal, its lines in logical order, or its
visual lines as JSON.

In ``self`` and ``terminal`` modes the page is the engine's (``self``: shaped, reordered,
right-aligned where right-to-left; ``terminal``: logical and unshaped, for a terminal that
reorders itself). In ``logical`` mode the lines break where ``self`` breaks them, and each
is its logical range of the text: unshaped, in logical order, with no alignment padding
and without the spaces the line broke after, sanitized as every mode is.

Every mode streams: each paragraph is laid out, written and dropped before the next, so
memory is the decoded text and its paragraph list (about the file's size, twice for
Arabic held as UCS-2) whatever the article's length; ``--json`` writes the same document
``json.dumps`` would write whole, one line record at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from annotations.errors import HamishError
from annotations.script import BREAKABLE_SPACES
from reader.commands.output import logical_text
from reader.library.article import Article, load_article
from reader.terminal import OutputMode, explicit_bidi, laid_out_by_hamish, output_width
from reader.text.layout import Direction, LayoutOptions, VisualLine, layout_paragraph
from reader.text.paragraphs import Paragraph
from reader.text.render import header_layout, header_rule, header_texts
from reader.text.sanitize import is_harakah

__all__ = ["write_cat"]

_TRAILING_SPACES = "".join(BREAKABLE_SPACES)


def write_cat(
    file: str,
    *,
    out: TextIO,
    warn: Callable[[str], None],
    width: int | None = None,
    direction: Direction = "auto",
    bidi: OutputMode = "self",
    harakat: bool = True,
    header: bool = False,
    as_json: bool = False,
) -> None:
    """Write ``file`` laid out (shaped, reordered, wrapped, aligned) to ``out``.

    ``width`` defaults to the terminal's (80 when ``out`` is not one). ``warn`` gets one
    line for the user when the file is not UTF-8. ``as_json`` writes every visual line
    with its cell map instead (a layout: ``self`` or ``terminal``). ``bidi="logical"``
    writes the lines of ``self`` in logical order (see the module). An unreadable file
    raises ``ArticleError``.
    """
    if as_json and bidi == "logical":
        raise HamishError("cat --json describes a layout: use --bidi self or terminal")
    article = load_article(file)
    if article.encoding_detected:
        warn(f"{file}: not UTF-8; decoded as {article.encoding}")
    options = LayoutOptions(
        width=width or output_width(out),
        direction=direction,
        fallback_rtl=article.direction == "rtl",
        harakat=harakat,
        bidi="terminal" if bidi == "terminal" else "self",  # logical: self's line breaks
    )
    if bidi == "logical":
        _write_logical(article, options, out, header=header)
        return
    heading = (
        header_texts(article.title, article.source, article.date, article.direction, options)
        if header
        else []
    )
    if as_json:
        _write_json(file, article, options, heading if header else None, out)
        return
    # A terminal that reorders by itself would reorder our reordered text again.
    with explicit_bidi(out, laid_out_by_hamish(bidi, out)):
        for text in heading:
            out.write(text + "\n")
        for lines in _paragraph_lines(article.text, article.paragraphs(), options):
            out.write("".join([line.text + "\n" for line in lines]))


def _paragraph_lines(
    text: str, paragraphs: Iterable[Paragraph], options: LayoutOptions
) -> Iterator[tuple[VisualLine, ...]]:
    """The visual lines of each paragraph in turn, laid out only when asked for."""
    for p in paragraphs:
        yield layout_paragraph(text[p.start : p.end], options, p.start, p.index).lines


def _write_logical(article: Article, options: LayoutOptions, out: TextIO, *, header: bool) -> None:
    """The page's lines, each its logical range of the text (the header's too)."""
    text = article.text
    if header:
        laid = header_layout(
            article.title, article.source, article.date, article.direction, options
        )
        for flat, line in laid:
            out.write(_logical_line(flat, line, options.harakat) + "\n")
        out.write(header_rule(options) + "\n")
    harakat = options.harakat
    for lines in _paragraph_lines(text, article.paragraphs(), options):
        out.write("".join([_logical_line(text, line, harakat) + "\n" for line in lines]))


def _logical_line(text: str, line: VisualLine, harakat: bool) -> str:
    piece = text[line.start : line.end]
    if not harakat:
        piece = "".join(c for c in piece if not is_harakah(c))
    return logical_text(piece).rstrip(_TRAILING_SPACES)


def _write_json(
    file: str, article: Article, options: LayoutOptions, heading: list[str] | None, out: TextIO
) -> None:
    """``hamish cat --json``: the file's layout, line by line and cell by cell.

    The bytes are those of ``json.dumps(document, ensure_ascii=False)`` on the whole
    document (default separators), written a paragraph's lines at a time.
    """
    document: dict[str, Any] = {
        "file": file,
        "width": options.width,
        "encoding": article.encoding,
        "body_start": article.body_start,
    }
    if heading is not None:
        document["header"] = heading
    document["lines"] = []
    # Everything up to the list's "[": the document with no lines, less its "]}".
    out.write(json.dumps(document, ensure_ascii=False)[: -len("]}")])
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    separator = ""
    for lines in _paragraph_lines(article.text, article.paragraphs(), options):
        if not lines:
            continue
        out.write(separator + ", ".join([dumps(_json_line(line)) for line in lines]))
        separator = ", "
    out.write("]}\n")


def _json_line(line: VisualLine) -> dict[str, Any]:
    return {
        "paragraph": line.paragraph,
        "rtl": line.rtl,
        "text": line.text,
        "cells": [
            {"col": c.col, "width": c.width, "text": c.text, "offsets": list(c.offsets)}
            for c in line.cells
        ],
    }
