"""Asked before deleting an annotation that has relations: delete them too, or cancel.

The choice is between deleting the annotation together with every relation it is an
end of (one undo step: ``u`` brings them all back) and not deleting at all. Keeping
the relations dangling is not offered: ``hamish check`` reports a dangling relation as
an error, and the reader has nothing to show at its missing end; an analyst who wants
the link kept re-links it first (``L``), then deletes. The dialog dismisses with True
to delete, False to keep everything.

Every message is laid out by the engine (reader/tui/display.py), never markup: it
holds the annotation's quote and the relation types, which come from the sidecar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.keys import Scope, in_scope
from reader.tui import display
from reader.tui.display import isolate
from reader.tui.keys import bindings

if TYPE_CHECKING:
    from annotations import Annotation, AnnotationSet

DIALOG_CELLS = 56  # the dialog's text: its width (60) less border and padding
QUOTE_CELLS = 30  # the annotation's quote as the question repeats it
#: The relations the dialog names one by one (type and the other end's quote); more are counted.
LISTED = 5


def relation_lines(annotation: Annotation, annotations: AnnotationSet) -> list[str]:
    """One logical line per relation of ``annotation`` (at most LISTED, then "and N
    more"): ``→ said «quote»`` for one it is the source of, ``←`` for one it is the
    target of; each type and quote a bidi isolate."""
    by_id = annotations.by_id()
    relations = annotations.relations_of(annotation.id)
    lines = []
    for relation in relations[:LISTED]:
        outgoing = relation.source == annotation.id
        other = by_id.get(relation.target if outgoing else relation.source)
        quote = "(missing)" if other is None else display.clip(other.quote, QUOTE_CELLS)
        arrow = "→" if outgoing else "←"
        lines.append(f"{arrow} {isolate(relation.type)} «{isolate(quote)}»")
    if len(relations) > LISTED:
        lines.append(f"and {len(relations) - LISTED} more")
    return lines


class ConfirmDelete(ModalScreen[bool]):
    """Asks "this annotation has N relations: delete them too?": y deletes all, n/escape cancels."""

    DEFAULT_CSS = """
    ConfirmDelete {
        align: center middle;
    }
    ConfirmDelete > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    ConfirmDelete Static {
        width: 100%;
    }
    """

    KEY_SCOPE = Scope.CONFIRM_DELETE
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, annotation: Annotation, annotations: AnnotationSet) -> None:
        super().__init__()
        self.annotation = annotation
        self.annotations = annotations

    def question(self) -> str:
        """What the dialog asks, logical text (the quote and the types isolated)."""
        count = len(self.annotations.relations_of(self.annotation.id))
        quote = isolate(display.clip(self.annotation.quote, QUOTE_CELLS))
        noun = "relation" if count == 1 else "relations"
        them = "it" if count == 1 else "them"
        lines = [f"«{quote}» has {count} {noun}:"]
        lines += relation_lines(self.annotation, self.annotations)
        lines.append(f"Delete {them} too? (one undo step brings everything back)")
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="question", markup=False)
            yield Static("", id="choices", markup=False)

    def on_mount(self) -> None:
        options = display.options_of(self)
        self.query_one("#question", Static).update(
            display.lines(self.question(), DIALOG_CELLS, direction="ltr", options=options)
        )
        choices = " · ".join(
            f"{row.shown_keys} {row.description.lower()}" for row in in_scope(self.KEY_SCOPE)
        )
        self.query_one("#choices", Static).update(
            display.lines(choices, DIALOG_CELLS, direction="ltr", style="dim", options=options)
        )

    def action_delete_all(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
