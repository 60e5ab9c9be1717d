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


_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
}


def key_name(key: str) -> str:
    """A binding's key as a person types it (``right_square_bracket`` → ``]``)."""
    return ", ".join(_KEY_NAMES.get(part.strip(), part.strip()) for part in key.split(","))


def key_rows(groups: list[tuple[str, list]]) -> list[tuple[str, str, str]]:
    """(where, key, what it does) for every described binding, then the mouse and palette."""
    rows = [
        (where, key_name(binding.key), binding.description)
        for where, bindings in groups
        for binding in bindings
        if isinstance(binding, Binding) and binding.description
    ]
    rows.extend(("anywhere", key, does) for key, does in EXTRA_KEYS)
    return rows


def key_table(rows: list[tuple[str, str, str]]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, expand=True)
    for column in ("where", "key", "does"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
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
        self.rows = key_rows(groups)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("hamish — keys", style="bold"))
            yield Static(key_table(self.rows))

    def action_dismiss(self) -> None:
        self.dismiss(None)
