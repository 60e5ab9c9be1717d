"""`hamish cat`: one article laid out for a terminal, or its visual lines as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from reader.library.article import Article, load_article
from reader.terminal import explicit_bidi, output_width, terminal_reorders
from reader.text.layout import BidiMode, Direction, LayoutOptions, VisualLine
from reader.text.render import body_lines, header_texts

__all__ = ["write_cat"]


def write_cat(
    file: str,
    *,
    out: TextIO,
    warn: Callable[[str], None],
    width: int | None = None,
    direction: Direction = "auto",
    bidi: BidiMode = "self",
    harakat: bool = True,
    header: bool = False,
    as_json: bool = False,
) -> None:
    """Write ``file`` laid out (shaped, reordered, wrapped, aligned) to ``out``.

    ``width`` defaults to the terminal's (80 when ``out`` is not one). ``warn`` gets one
    line for the user when the file is not UTF-8. ``as_json`` writes every visual line
    with its cell map instead. An unreadable file raises ``ArticleError``.
    """
    article = load_article(file)
    if article.encoding_detected:
        warn(f"{file}: not UTF-8; decoded as {article.encoding}")
    options = LayoutOptions(
        width=width or output_width(out),
        direction=direction,
        fallback_rtl=article.direction == "rtl",
        harakat=harakat,
        bidi=bidi,
    )
    heading = (
        header_texts(article.title, article.source, article.date, article.direction, options)
        if header
        else []
    )
    lines = body_lines(article.text, article.paragraphs(), options)
    if as_json:
        document = _json_document(file, article, options.width, heading if header else None, lines)
        out.write(json.dumps(document, ensure_ascii=False) + "\n")
        return
    # A terminal that reorders by itself would reorder our reordered text again.
    reorders = bidi == "self" and out.isatty() and terminal_reorders()
    with explicit_bidi(out, reorders):
        for text in heading:
            out.write(text + "\n")
        for line in lines:
            out.write(line.text + "\n")


def _json_document(
    file: str, article: Article, width: int, heading: list[str] | None, lines: list[VisualLine]
) -> dict[str, Any]:
    """``hamish cat --json``: the file's layout, line by line and cell by cell."""
    document: dict[str, Any] = {
        "file": file,
        "width": width,
        "encoding": article.encoding,
        "body_start": article.body_start,
    }
    if heading is not None:
        document["header"] = heading
    document["lines"] = [
        {
            "paragraph": line.paragraph,
            "rtl": line.rtl,
            "text": line.text,
            "cells": [
                {"col": c.col, "width": c.width, "text": c.text, "offsets": list(c.offsets)}
                for c in line.cells
            ],
        }
        for line in lines
    ]
    return document
