"""Text from articles, sidecars and file names, as a command writes it in each ``--bidi`` mode.

``self`` lays a line out with the engine (:func:`reader.text.render.visual_oneline`:
shaped, reordered, sanitized); ``terminal`` and ``logical`` keep the logical order and
the letters as in the file, sanitized (:func:`logical_text`). Nothing a command prints
from its data goes out any other way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len

from annotations.script import TERMINAL_UNSAFE_RE, WORD_JOINERS
from reader.terminal import OutputMode
from reader.text.sanitize import display_char

if TYPE_CHECKING:
    from reader.text.bidi_levels import Direction

__all__ = ["cells", "column", "controls_shown", "logical_text", "one_line"]


def controls_shown(chunk: str) -> str:
    """``chunk`` as it is, except what a terminal would obey: controls other than tab,
    line feed and carriage return as visible symbols (ESC as ␛, CSI as �), bidi controls
    dropped. For data written to a terminal as it is (an export's CSV or CoNLL there);
    in a pipe or a file the data goes unchanged. One regex search when there is none.
    """
    if TERMINAL_UNSAFE_RE.search(chunk) is None:
        return chunk
    return TERMINAL_UNSAFE_RE.sub(lambda found: display_char(found.group()), chunk)


def logical_text(text: str) -> str:
    """``text`` in logical order, unshaped, safe for a terminal or a pipe.

    Each character goes as :func:`~reader.text.sanitize.display_char` sends it (controls
    as visible symbols, bidi controls and invisible format characters dropped), except
    ZWNJ and ZWJ: they are part of a word's spelling (Persian ``می‌خواهم``), so that grep
    finds the word as it is in the file.
    """
    return "".join(c if c in WORD_JOINERS else display_char(c) for c in text)


def one_line(
    text: str, mode: OutputMode, max_cells: int = 10_000, *, direction: Direction = "auto"
) -> str:
    """``text`` on one line (its whitespace flattened) for ``mode``.

    ``self``: laid out by the engine, cut at its logical end with ``…`` past ``max_cells``;
    ``direction`` is the line's base direction (``ltr`` for hamish's own English messages,
    which may begin with an Arabic file name). ``terminal``/``logical``: logical text,
    never cut (a script gets the whole value).
    """
    if mode == "self":
        # The layout engine, imported only when a line is laid out: a pipe never needs it.
        from reader.text.render import visual_oneline

        return visual_oneline(text, max_cells, direction=direction)[0]
    return logical_text(" ".join(text.split()))


def cells(shown: str) -> int:
    """Terminal cells of a string :func:`one_line` returned."""
    return cell_len(shown)


def column(text: str, width: int, mode: OutputMode) -> str:
    """``text`` on one line, padded to ``width`` cells for a table column.

    ``self``: cut to ``width``, right-aligned when right-to-left. ``terminal``/``logical``:
    left-aligned, never cut (a longer value pushes the rest of its row to the right).
    """
    if mode == "self":
        from reader.text.render import visual_oneline

        shown, rtl = visual_oneline(text, width)
        pad = " " * max(width - cell_len(shown), 0)
        return pad + shown if rtl else shown + pad
    shown = one_line(text, mode)
    return shown + " " * max(width - cell_len(shown), 0)
