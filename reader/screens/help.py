"""Help: every key of the reader, read from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

EXTRA_KEYS = [
    ("shift + any move", "extend the selection"),
    ("mouse click / drag", "place the cursor / select"),
    ("double click", "select a word"),
    ("ctrl+p", "command palette: every action, display settings, theme"),
]


def key_rows(groups: list[tuple[str, list]]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, expand=True)
    table.add_column("where")
    table.add_column("key")
    table.add_column("does")
    for where, bindings in groups:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                table.add_row(Text(where), Text(binding.key), Text(binding.description))
    for key, does in EXTRA_KEYS:
        table.add_row(Text("anywhere"), Text(key), Text(does))
    return table


class HelpScreen(ModalScreen[None]):
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

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, groups: list[tuple[str, list]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("hamish — keys", style="bold"))
            yield Static(key_rows(self.groups))

    def action_dismiss(self) -> None:
        self.dismiss(None)
