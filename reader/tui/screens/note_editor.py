"""The note editor: multi-line, drawn by the layout engine as it is typed (RTL reads right)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import Scope
from reader.text.render import visual_oneline
from reader.tui.keys import bindings
from reader.tui.widgets.rtl_input import RtlTextArea


class NoteEditor(ModalScreen[str | None]):
    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
    }
    NoteEditor > Vertical {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    NoteEditor RtlTextArea {
        height: 10;
    }
    """

    KEY_SCOPE = Scope.NOTE_EDITOR
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, title: str, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            # The title may hold an article's words: laid out by the engine, never markup.
            title, _ = visual_oneline(self.title_text, 50)
            yield Static(Text(f"{title} — ctrl+s saves, escape cancels", style="bold"))
            yield RtlTextArea(self.note, id="note")

    def on_mount(self) -> None:
        self.query_one(RtlTextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(RtlTextArea).text.strip("\n"))

    def action_cancel(self) -> None:
        self.dismiss(None)
