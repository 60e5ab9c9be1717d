"""The label bar: the tagset's tags with their keys and colours, and its problems (ctrl+l).

One chip a tag, in the tagset's order: its key drawn in the tag's highlight colour as the
article view draws what it tags (the colour behind black or white letters, whichever
contrasts more; on a 16-colour terminal the very colour number the body gives the tag,
:func:`chip_backgrounds`), then its name. Names
are often Arabic (``موضوع/انتخابات``): each is laid out by the engine
(:func:`reader.tui.display.line`: shaped, reordered, sanitized, cut at its logical end),
so the bar never sends a terminal raw data. Chips flow over at most :data:`TAG_ROWS` rows;
the ones that do not fit are counted at the end ("+3 more: ? lists them").

Above the chips, the problems of the tagset (``hamish.toml:4: key 'd' is used by the
reader…``), each wrapped by the engine: they stay until the bar is closed, unlike a toast,
since each one changes what a key does (the tag is kept without the bad field).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.color import Color, ColorParseError
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from reader.keys import key_label
from reader.tui import display
from reader.tui.widgets.article_view import (
    readable_text,
    sixteen_color_backgrounds,
    sixteen_color_palette,
)

if TYPE_CHECKING:
    from annotations.tagset import Tagset
    from reader.text.layout import LayoutOptions

__all__ = ["NAME_CELLS", "PROBLEM_ROWS", "TAG_ROWS", "LabelBar", "chip_backgrounds", "label_text"]

#: Rows of chips at most: two rows keep the article readable on a 24-row terminal.
TAG_ROWS = 2
#: Rows of problems at most (the rest are counted): ``hamish check`` lists them all.
PROBLEM_ROWS = 3
#: A tag name gets at most this many cells, so that one long name leaves room for others
#: (an 80-column bar holds four chips of this size).
NAME_CELLS = 18
CHIP_GAP = "  "
NO_KEY = "·"  # a tag without a key: applied from the picker (t) or the palette only
WARNING = "⚠ "
HIDE_HINT = "ctrl+l hides this bar"  # the footer has no room for the key: say it here
KEY_STYLE_NO_COLOR = Style(reverse=True, bold=True)  # the view's own highlight, uncoloured


def chip_backgrounds(tagset: Tagset, color_system: str | None = None) -> dict[str, Color]:
    """The background of each colour of ``tagset`` as the article view draws it: on a
    16-colour terminal (Rich's ``color_system`` "standard" or "windows") the colour number
    the body gives it (the tagset's colours in its order, each the nearest one unused:
    :func:`~reader.tui.widgets.article_view.sixteen_color_backgrounds`), elsewhere the
    colour itself. A colour Rich cannot parse has none (the chip is drawn reversed)."""
    parsed: dict[str, Color] = {}
    for tag in tagset:
        if tag.color and tag.color not in parsed:
            try:
                parsed[tag.color] = Color.parse(tag.color)
            except ColorParseError:
                continue
    palette = sixteen_color_palette(color_system)
    if palette is None or not parsed:
        return parsed
    triplets = [color.get_truecolor() for color in parsed.values()]
    numbers = sixteen_color_backgrounds(triplets, palette)
    return {
        name: Color.from_triplet(palette[number])
        for name, number in zip(parsed, numbers, strict=True)
    }


def _key_style(background: Color | None) -> Style:
    """A chip's key: the tag's background with black or white letters, as in the body."""
    if background is None:
        return KEY_STYLE_NO_COLOR
    text = Color.from_triplet(readable_text(background.get_truecolor()))
    return Style(bgcolor=background, color=text, bold=True)


def _chip(name: str, key: str | None, background: Color | None, options: LayoutOptions) -> Text:
    """`` 1  name``: the key in the tag's highlight colour, the name laid out by the engine."""
    shown = display.line(name, NAME_CELLS, options=options).plain
    key_style = _key_style(background)
    chip = Text(no_wrap=True, overflow="crop", end="")
    chip.append(f" {key_label(key) if key is not None else NO_KEY} ", style=key_style)
    chip.append(" ")
    chip.append(shown)
    return chip


def _short(problem: str, tagset: Tagset) -> str:
    """``problem`` with the tagset's path as its file name (``hamish.toml:3: …``): the
    folder takes an 80-column row, and ``hamish check`` names it in full."""
    path = tagset.path
    if path is not None and problem.startswith(f"{path}:"):
        return path.name + problem[len(str(path)) :]
    return problem


def _more(count: int) -> str:
    return f"+{count} more: ? lists them"


def label_text(
    tagset: Tagset,
    problems: Sequence[str],
    width: int,
    options: LayoutOptions | None = None,
    color_system: str | None = None,
) -> Text:
    """The bar's rows for ``width`` cells: the problems, then the chips of ``tagset``, in
    the colours the body has on a terminal of Rich's ``color_system``."""
    from reader.text.layout import LayoutOptions

    options = options or LayoutOptions()
    width = max(width, 1)
    rows: list[Text] = []
    shown_problems: list[str] = []
    for index, problem in enumerate(problems):
        wrapped = display.lines(
            WARNING + _short(problem, tagset), width, direction="ltr", options=options
        ).plain.split("\n")
        left = len(problems) - index - 1
        room = PROBLEM_ROWS - len(shown_problems) - (1 if left else 0)
        if len(wrapped) <= room or not shown_problems:  # the first one shows, if cut
            shown_problems.extend(wrapped[: max(room, 1)])
        else:
            left += 1  # this one is counted with the rest
        if left and (len(shown_problems) >= PROBLEM_ROWS - 1 or len(wrapped) > room):
            plural = "s" if left != 1 else ""
            more = f"{WARNING}… {left} more problem{plural}: hamish check lists them all"
            shown_problems.append(display.line(more, width, direction="ltr", options=options).plain)
            break
    rows.extend(Text(row, style="bold yellow", no_wrap=True, end="") for row in shown_problems)
    if not tagset.tags:
        rows.append(
            display.line(
                "No tagset (hamish.toml) for this article: t tags the selection with any name",
                width,
                direction="ltr",
                options=options,
                style="dim",
            )
        )
    else:
        rows.extend(_chip_rows(tagset, width, options, chip_backgrounds(tagset, color_system)))
    if problems and rows[-1].cell_len + cell_len(CHIP_GAP + HIDE_HINT) <= width:
        rows[-1].append(CHIP_GAP + HIDE_HINT, style="dim")  # how to dismiss them
    text = Text(no_wrap=True, overflow="crop", end="")
    for index, row in enumerate(rows):
        if index:
            text.append("\n")
        text.append_text(row)
    return text


def _chip_rows(
    tagset: Tagset, width: int, options: LayoutOptions, backgrounds: dict[str, Color]
) -> list[Text]:
    """Chips flowed over at most TAG_ROWS rows; those that do not fit are counted."""

    def background(name: str) -> Color | None:
        color = tagset.color_of(name)
        return backgrounds.get(color) if color else None

    chips = [_chip(t.name, t.key, background(t.name), options) for t in tagset.tags]
    rows: list[Text] = []
    row = Text(no_wrap=True, overflow="crop", end="")
    for index, chip in enumerate(chips):
        gap = CHIP_GAP if row.cell_len else ""
        needed = cell_len(gap) + chip.cell_len
        last_row = len(rows) == TAG_ROWS - 1
        rest = len(chips) - index - 1
        # On the last row, keep room to say how many are left out.
        reserve = cell_len(CHIP_GAP + _more(rest)) if last_row and rest else 0
        if row.cell_len + needed + reserve <= width or not row.cell_len:
            row.append(gap)
            row.append_text(chip)
            continue
        if last_row:
            row.append(CHIP_GAP + _more(len(chips) - index), style="dim")
            break
        rows.append(row)
        row = Text(no_wrap=True, overflow="crop", end="")
        row.append_text(chip)
    rows.append(row)
    for shown in rows:
        shown.truncate(width)
    return rows


class LabelBar(Static):
    """The tagset's keys, colours and names over the status line; hidden until shown."""

    DEFAULT_CSS = """
    LabelBar {
        display: none;
        height: auto;
        padding: 0 1;
        background: $panel;
        border-top: solid $primary;
    }
    LabelBar.visible {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._tagset: Tagset | None = None
        self._problems: tuple[str, ...] = ()
        self._drawn_for: int | None = None

    @property
    def problems(self) -> tuple[str, ...]:
        return self._problems

    def show_tagset(self, tagset: Tagset, problems: Sequence[str] = ()) -> None:
        """Draw ``tagset`` and its ``problems`` (shown as they are: one-line messages)."""
        self._tagset = tagset
        self._problems = tuple(problems)
        self._drawn_for = None
        self._draw()

    def _width(self) -> int:
        return max((self.content_region.width or self.screen.size.width - 2), 1)

    def _draw(self) -> None:
        if self._tagset is None:
            return
        width = self._width()
        self._drawn_for = width
        options = display.options_of(self)
        color_system = self.app.console.color_system  # 16 colours: the body's mapping
        self.update(label_text(self._tagset, self._problems, width, options, color_system))

    def on_resize(self) -> None:
        if self._drawn_for != self._width():
            self._draw()
