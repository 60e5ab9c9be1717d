"""Help: every key that works where it was asked for, read from the key table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import Scope
from reader.tui.keys import bindings

__all__ = ["HelpScreen", "key_table"]


def key_table(rows: list[tuple[str, str, str]]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, expand=True)
    for column in ("where", "key", "does"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


class HelpScreen(ModalScreen[None]):
    """The keys, one row each: (where, key, what it does). Closed by its own keys
    (escape, q, ?), which run Textual's ``dismiss`` action."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90;
        max-width: 100%;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    """

    KEY_SCOPE = Scope.HELP
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("hamish — keys", style="bold"))
            yield Static(key_table(self.rows))
