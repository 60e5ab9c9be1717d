"""Every string the reader shows outside the article body, laid out by the engine.

Status line, toasts, help, palette entries, the header and error lines carry text
from articles, sidecars, tagsets and file names: Arabic that a terminal would show
unjoined and in the wrong order, and characters that must never reach it raw. They
go through here, never straight into a widget:

- :func:`line` lays out one line (``reader.text.render.visual_oneline``'s rules: the
  whitespace flattened, a text too long cut at its *logical* end with ``…``, shaped,
  reordered, sanitized) and returns a rich ``Text``, which Textual never parses as
  markup;
- :func:`lines` does the same for a message of several lines, each one wrapped by the
  engine (a wrapped right-to-left line keeps its rows top to bottom);
- :func:`notify` is ``App.notify`` for anything that shows data: the message is laid
  out for the toast's width and sent with markup off, so ``[bold]`` stays literal and
  ``[@click=app.quit]`` is not an action.

The running app's settings choose the bidi mode (``terminal``: sanitized logical text,
for terminals that reorder themselves) and whether harakat show, as in the body.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from annotations.script import FSI, PDI
from reader.settings import Settings
from reader.text.bidi_levels import Direction
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.paragraphs import split_paragraphs
from reader.text.render import clip
from reader.text.sanitize import display_char

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel

__all__ = [
    "MAX_CELLS",
    "clip",
    "isolate",
    "line",
    "lines",
    "notify",
    "options_of",
    "toast_width",
    "width_of",
]

#: Cells a line may take when the width it is shown at is not known.
MAX_CELLS = 240


# Textual's Toast: ``width: 60; max-width: 50%`` of a rack that keeps 2 columns for its
# scrollbar, less its padding (1 a side) and its left border (1).
_TOAST_WIDTH = 60
_TOAST_FRAME = 3
_TOAST_RACK_SCROLLBAR = 2


def isolate(text: str) -> str:
    """``text`` as a bidi isolate (FSI … PDI): it keeps its own direction inside a line
    and leaves its neighbours' order alone (an Arabic note beside ``offset 12``)."""
    return f"{FSI}{text}{PDI}"


def width_of(text: str) -> int:
    """The cells ``text`` takes once sanitized (layout joins nothing wider)."""
    return sum(cell_len(display_char(char)) for char in text)


def options_of(node: DOMNode | App[object] | None) -> LayoutOptions:
    """Layout options for interface text in ``node``'s app: its bidi mode and harakat."""
    settings = getattr(getattr(node, "app", node), "settings", None)
    if not isinstance(settings, Settings):
        return LayoutOptions()
    return LayoutOptions(
        bidi="terminal" if settings.bidi == "terminal" else "self", harakat=settings.harakat
    )


def _options(
    width: int | None, direction: Direction | None, options: LayoutOptions | None
) -> LayoutOptions:
    base = options or LayoutOptions()
    return replace(
        base,
        width=max(width if width is not None else MAX_CELLS, 1),
        direction=base.direction if direction is None else direction,
        # The isolates interface text is built with (``isolate``, the byline's) are
        # hamish's own, not the data's: never drawn as markers.
        bidi_markers=False,
    )


def line(
    text: str,
    width: int | None = None,
    *,
    direction: Direction | None = None,
    style: str = "",
    options: LayoutOptions | None = None,
    fill: bool = False,
) -> Text:
    """``text`` as one line of at most ``width`` cells, laid out by the engine.

    ``direction`` is the line's base direction (``auto``: its first strong letter);
    ``options`` give the bidi mode and harakat (:func:`options_of`); their width is not
    used, and bidi controls are never drawn as markers here. A right-to-left line is
    right-justified; with ``fill`` it is padded to ``width`` by the engine instead (its
    cells sit where the engine put them).
    """
    laid = _options(width, direction, options)
    layout = layout_paragraph(clip(text, laid.width), laid)
    visual = layout.lines[0]
    shown = visual.text if fill else "".join(cell.text for cell in visual.cells)
    self_bidi = laid.bidi == "self"
    return Text(
        shown,
        style=style,
        justify="right" if layout.rtl and self_bidi and not fill else "left",
        no_wrap=True,
        overflow="crop",
        end="",
    )


def lines(
    text: str,
    width: int | None = None,
    *,
    direction: Direction | None = None,
    style: str = "",
    options: LayoutOptions | None = None,
) -> Text:
    """A message of one or more lines, each wrapped by the engine at ``width`` cells.

    Each line of ``text`` is a paragraph with its own direction: right-to-left rows are
    right-aligned to ``width`` (with ``bidi = "terminal"`` every row starts at the left
    and is sent in logical order). Rows lose their trailing spaces and are joined with
    newlines; nothing wraps them again.
    """
    laid = _options(width, direction, options)
    rows: list[str] = []
    parts = [text[p.start : p.end] for p in split_paragraphs(text)] or [""]
    for part in parts:
        flat = " ".join(part.split())
        rows.extend(row.text.rstrip() for row in layout_paragraph(flat, laid).lines)
    return Text("\n".join(rows), style=style, no_wrap=True, overflow="crop", end="")


def toast_width(screen_width: int) -> int:
    """The cells a toast's text gets in a screen ``screen_width`` wide (Textual's Toast)."""
    rack = max(screen_width - _TOAST_RACK_SCROLLBAR, 2)
    return max(min(_TOAST_WIDTH, rack // 2) - _TOAST_FRAME, 10)


def notify(
    node: DOMNode | App[object],
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """``App.notify`` for text that may hold data: laid out for the toast, never markup.

    Safe from a worker thread, as ``App.notify`` is.
    """
    app = node.app
    width = toast_width(app.size.width)
    options = options_of(app)
    # hamish speaks English: a message is a left-to-right line with data in it, even
    # when the data (a file name, a tag) comes first.
    body = lines(message, width, direction="ltr", options=options).plain
    heading = line(title, width, direction="ltr", options=options).plain if title else ""
    if timeout is None:
        app.notify(body, title=heading, severity=severity, markup=False)
    else:
        app.notify(body, title=heading, severity=severity, timeout=timeout, markup=False)
