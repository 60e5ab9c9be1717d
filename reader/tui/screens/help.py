"""Help: every key that works where it was asked for, read from the key table.

Rows can carry data (a tagset's tag names, often Arabic, and its keys): every cell is
laid out by the engine for its column, the last column wrapped by it, never by Rich.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import Scope
from reader.text.layout import LayoutOptions
from reader.tui import display
from reader.tui.keys import bindings

__all__ = ["HelpScreen", "key_table"]

COLUMNS = ("where", "key", "does")
DIALOG_WIDTH = 90  # the dialog's width in a wide terminal (see DEFAULT_CSS)
DIALOG_FRAME = 2 + 4 + 2  # its border, its padding, the scrollbar
GUTTER = 2  # cells between two columns
NARROW_COLUMN = 24  # at most, for "where" and "key"; "does" takes the rest
MIN_DOES = 12


def key_table(
    rows: list[tuple[str, str, str]], width: int, options: LayoutOptions | None = None
) -> Table:
    """The rows as a table ``width`` cells wide, each cell laid out by the engine."""
    narrow = [
        min(max([cell_len(name), *(display.width_of(row[i]) for row in rows)]), NARROW_COLUMN)
        for i, name in enumerate(COLUMNS[:2])
    ]
    does = max(width - sum(narrow) - GUTTER * 2, MIN_DOES)
    table = Table(
        show_header=True, header_style="bold", box=None, padding=(0, GUTTER // 2), pad_edge=False
    )
    for name, cells in zip(COLUMNS, [*narrow, does], strict=True):
        table.add_column(name, width=cells, no_wrap=True)
    for where, key, does_text in rows:
        table.add_row(
            display.line(where, narrow[0], direction="ltr", options=options),
            display.line(key, narrow[1], direction="ltr", options=options),
            display.lines(does_text, does, direction="ltr", options=options),
        )
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, one row each: (where, key, what it does). Closed by its own keys
    (escape, q, ?), which run Textual's ``dismiss`` action."""

    DEFAULT_CSS = f"""
    HelpScreen {{
        align: center middle;
    }}
    HelpScreen > VerticalScroll {{
        width: {DIALOG_WIDTH};
        max-width: 100%;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }}
    """

    KEY_SCOPE = Scope.HELP
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows
        self._width = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("hamish — keys", style="bold"))
            yield Static(id="keys")

    def table_width(self) -> int:
        """The cells the table gets: the dialog's inside, in this terminal."""
        return max(min(DIALOG_WIDTH, self.app.size.width) - DIALOG_FRAME, MIN_DOES)

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self) -> None:
        self._fill()

    def _fill(self) -> None:
        width = self.table_width()
        if width != self._width:
            self._width = width
            table = key_table(self.rows, width, display.options_of(self))
            self.query_one("#keys", Static).update(table)
