"""Text laid out as visual lines: a body paragraph by paragraph, a header, one-line labels.

These take text and paragraphs, not an ``Article``: the layout layer knows nothing of
files (``reader.library`` loads them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

from rich.cells import cell_len

from annotations.script import FSI, PDI
from reader.text.layout import LayoutOptions, TextDirection, VisualLine, layout_paragraph
from reader.text.paragraphs import Paragraph
from reader.text.sanitize import display_char


def body_lines(
    text: str, paragraphs: Iterable[Paragraph], options: LayoutOptions
) -> list[VisualLine]:
    """Every visual line of ``paragraphs`` of ``text``, top to bottom."""
    lines: list[VisualLine] = []
    for paragraph in paragraphs:
        laid_out = layout_paragraph(
            text[paragraph.start : paragraph.end], options, paragraph.start, paragraph.index
        )
        lines.extend(laid_out.lines)
    return lines


def byline(source: str | None, date: str | None) -> str | None:
    """The header's line under the title: source and date joined by " · " (None: neither).

    Each is its own bidi isolate (FSI … PDI), so an ISO date next to an Arabic source
    keeps its own order instead of taking the source's direction.
    """
    parts = [f"{FSI}{part}{PDI}" for part in (source, date) if part]
    return " · ".join(parts) if parts else None


def header_layout(
    title: str,
    source: str | None,
    date: str | None,
    direction: TextDirection,
    options: LayoutOptions,
) -> list[tuple[str, VisualLine]]:
    """The header's fields (title, then source and date) laid out like the body: each
    visual line with the flattened field text its offsets index, top to bottom.

    ``direction`` (the article's) is used when ``options`` say ``auto``.
    """
    fields = [title]
    under_title = byline(source, date)
    if under_title is not None:
        fields.append(under_title)
    if options.direction == "auto":
        options = replace(options, direction=direction)
    laid: list[tuple[str, VisualLine]] = []
    for field in fields:
        flat = " ".join(field.split())
        laid.extend((flat, line) for line in layout_paragraph(flat, options).lines)
    return laid


def header_rule(options: LayoutOptions) -> str:
    """The rule under the header, as wide as the page."""
    return "\u2500" * options.width


def header_texts(
    title: str,
    source: str | None,
    date: str | None,
    direction: TextDirection,
    options: LayoutOptions,
) -> list[str]:
    """Title, then source and date, laid out like the body, then a rule."""
    laid = header_layout(title, source, date, direction, options)
    return [line.text for _, line in laid] + [header_rule(options)]


def clip(text: str, max_cells: int) -> str:
    """``text`` on one line (whitespace runs become one space) of at most ``max_cells``.

    Too long, it is cut at its logical end and ends with ``…``: an Arabic note loses
    its last words, not its first. Widths are those of what the terminal is sent
    (``␛`` for ESC takes a cell, a bidi control none). The one cut rule of every label.
    """
    flat = " ".join(text.split())
    max_cells = max(max_cells, 1)
    widths = [cell_len(display_char(char)) for char in flat]
    if sum(widths) <= max_cells:
        return flat
    used = cut = 0
    for i, width in enumerate(widths):
        if used + width > max_cells - 1:
            break
        used += width
        cut = i + 1
    return flat[:cut].rstrip() + "…"


def visual_oneline(
    text: str, max_cells: int = 10_000, *, direction: Literal["auto", "rtl", "ltr"] = "auto"
) -> tuple[str, bool]:
    """``text`` as one shaped, reordered, sanitized line of at most ``max_cells``.

    A text too long is cut at its *logical* end with an ellipsis before reordering
    (:func:`clip`), so an Arabic title loses its last words, not its first. Returns the
    visual string and whether the text is right-to-left.
    """
    options = LayoutOptions(width=max(max_cells, 1), direction=direction)
    layout = layout_paragraph(clip(text, max_cells), options)
    line = layout.lines[0]
    return "".join(cell.text for cell in line.cells), layout.rtl
