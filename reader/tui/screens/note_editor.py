"""The note editor: multi-line, with a preview laid out by hamish (RTL shown correctly)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from reader.keys import Scope
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.tui.keys import bindings


def note_preview(note: str, width: int) -> Text:
    """The note as hamish shows text: shaped, reordered, right-aligned where RTL, safe."""
    preview = Text()
    options = LayoutOptions(width=max(width, 10))
    for number, paragraph in enumerate(note.split("\n")):
        if number:
            preview.append("\n")
        lines = layout_paragraph(paragraph, options).lines
        preview.append("\n".join(line.text for line in lines))
    return preview


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
    NoteEditor TextArea {
        height: 8;
    }
    NoteEditor #preview {
        height: auto;
        max-height: 10;
        border-top: solid $primary;
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
            yield Static(Text(f"{self.title_text} — ctrl+s saves, escape cancels", style="bold"))
            yield TextArea(self.note, id="note", soft_wrap=True)
            yield Static("", id="preview")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self._preview()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._preview()

    def _preview(self) -> None:
        text = self.query_one(TextArea).text
        self.query_one("#preview", Static).update(note_preview(text, 64))

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip("\n"))

    def action_cancel(self) -> None:
        self.dismiss(None)
