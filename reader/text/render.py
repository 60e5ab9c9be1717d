"""Text laid out as visual lines: a body paragraph by paragraph, a header, one-line labels.

These take text and paragraphs, not an ``Article``: the layout layer knows nothing of
files (``reader.library`` loads them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

from annotations.script import FSI, PDI
from reader.text.layout import LayoutOptions, TextDirection, VisualLine, layout_paragraph
from reader.text.paragraphs import Paragraph


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


def header_texts(
    title: str,
    source: str | None,
    date: str | None,
    direction: TextDirection,
    options: LayoutOptions,
) -> list[str]:
    """Title, then source and date, laid out like the body, then a rule.

    ``direction`` (the article's) is used when ``options`` say ``auto``.
    """
    fields = [title]
    under_title = byline(source, date)
    if under_title is not None:
        fields.append(under_title)
    if options.direction == "auto":
        options = replace(options, direction=direction)
    texts = []
    for field in fields:
        for line in layout_paragraph(" ".join(field.split()), options).lines:
            texts.append(line.text)
    texts.append("\u2500" * options.width)
    return texts


def visual_oneline(
    text: str, max_cells: int = 10_000, *, direction: Literal["auto", "rtl", "ltr"] = "auto"
) -> tuple[str, bool]:
    """``text`` as one shaped, reordered, sanitized line of at most ``max_cells``.

    A text too long is cut at its *logical* end with an ellipsis before reordering,
    so an Arabic title loses its last words, not its first. Returns the visual
    string and whether the text is right-to-left.
    """
    from rich.cells import cell_len

    flat = " ".join(text.split())
    options = LayoutOptions(width=max(max_cells, 1), direction=direction)
    if cell_len(flat) > max_cells:
        used = cut = 0
        for i, char in enumerate(flat):
            used += cell_len(char)
            if used > max_cells - 1:
                break
            cut = i + 1
        flat = flat[:cut].rstrip() + "…"
    layout = layout_paragraph(flat, options)
    line = layout.lines[0]
    return "".join(cell.text for cell in line.cells), layout.rtl
