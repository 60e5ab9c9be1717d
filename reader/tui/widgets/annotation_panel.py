"""The annotations panel: every annotation in text order, orphans last, and a filter.

Opening the panel (`a`) puts the focus on its list, so Up/Down, Enter and the panel's
keys work at once; `/` there goes to the filter, Enter in the filter back to the list.
The filter keeps an annotation when its folded text (:func:`reader.text.fold.fold`: no
harakat or tatweel, one alef, case-insensitive) contains the folded query anywhere in a
tag name, the note or the quote — so ``امن`` finds the quote ``الأمن`` and ``econ`` the
tag ``topic/economy``. Whitespace runs count as one space on both sides.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.keys import Scope
from reader.text.fold import fold
from reader.text.render import visual_oneline
from reader.tui.keys import bindings

if TYPE_CHECKING:
    from annotations import Annotation, AnnotationSet
    from reader.tui.screens.article import ArticleScreen

PANEL_WIDTH = 44


def folded_for_filter(text: str) -> str:
    """``text`` as the filter compares it: NFC, whitespace runs as one space, folded."""
    return fold(" ".join(unicodedata.normalize("NFC", text).split())).text


def filter_haystack(annotation: Annotation) -> str:
    """What the filter searches in ``annotation``: its tags, note and quote, folded, one a
    line (a line break is never in a folded query, so no match spans two of them)."""
    return "\n".join(
        folded_for_filter(part) for part in (*annotation.tags, annotation.note, annotation.quote)
    )


def annotation_label(annotation: Annotation, width: int = PANEL_WIDTH - 8) -> Text:
    """Quote (shaped, ordered, truncated), tags and status, note preview."""
    quote, rtl = visual_oneline(annotation.quote, width)
    label = Text(quote, justify="right" if rtl else "left", no_wrap=True)
    tags = ", ".join(annotation.tags) or "(no tags)"
    shown_tags, _ = visual_oneline(tags, width - 10)
    meta = Text("\n")
    meta.append(shown_tags, style="bold")
    placement = annotation.placement
    if placement != "anchored":
        meta.append(f"  [{placement}]", style="red" if placement == "orphaned" else "yellow")
    label.append_text(meta)
    if annotation.original_quote:
        # The wording that was tagged, under the current one: an edited quote is a finding.
        was, was_rtl = visual_oneline(annotation.original_quote, width - 5)
        line = Text("\n")
        line.append_text(
            Text.assemble(("was: ", "dim"), (was, "yellow"), justify="right" if was_rtl else "left")
        )
        label.append_text(line)
    if annotation.note:
        note, note_rtl = visual_oneline(annotation.note, width)
        label.append("\n")
        label.append_text(Text(note, style="italic dim", justify="right" if note_rtl else "left"))
    return label


class AnnotationPanel(Vertical):
    """Toggle with `a` (the list has the focus at once). Enter jumps to an annotation; on
    an orphan, R re-attaches it to the current selection and d deletes it; `/` filters."""

    DEFAULT_CSS = f"""
    AnnotationPanel {{
        dock: right;
        width: {PANEL_WIDTH};
        border-left: solid $primary;
        background: $panel;
    }}
    AnnotationPanel #panel-title {{
        height: 1;
        padding: 0 1;
        text-style: bold;
    }}
    AnnotationPanel #panel-filter {{
        height: 3;
    }}
    AnnotationPanel OptionList {{
        height: 1fr;
    }}
    """

    KEY_SCOPE = Scope.PANEL
    BINDINGS = bindings(KEY_SCOPE)

    class Jump(Message):
        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class Delete(Message):
        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class Reattach(Message):
        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.annotations: AnnotationSet | None = None
        # Folded tags, note and quote by annotation id, with the annotation they were made
        # from (a changed annotation is a new object): a keystroke folds only the query.
        self._haystacks: dict[str, tuple[Annotation, str]] = {}

    def compose(self) -> ComposeResult:
        from reader.tui.widgets.rtl_input import RtlInput  # the panel opens after the first frame

        yield Static("Annotations", id="panel-title")
        yield RtlInput(placeholder="filter: tag, note or quote…", id="panel-filter")
        yield OptionList(id="panel-list")

    def on_article_screen_annotations_changed(
        self, message: ArticleScreen.AnnotationsChanged
    ) -> None:
        self.annotations = message.annotations
        ids = {a.id for a in message.annotations.annotations}
        self._haystacks = {k: v for k, v in self._haystacks.items() if k in ids}
        self._refill()

    def on_mount(self) -> None:
        self._refill()
        # Opened to be used: the list takes the focus (no Tab), so its keys work at once.
        self.query_one("#panel-list", OptionList).focus()

    @property
    def filter_text(self) -> str:
        """What is typed in the filter, as typed."""
        return self.query_one("#panel-filter", Input).value

    def _haystack(self, annotation: Annotation) -> str:
        cached = self._haystacks.get(annotation.id)
        if cached is None or cached[0] is not annotation:
            cached = (annotation, filter_haystack(annotation))
            self._haystacks[annotation.id] = cached
        return cached[1]

    def shown_annotations(self) -> list[Annotation]:
        """The annotations the list shows: those the filter lets through, in text order."""
        if self.annotations is None:
            return []
        needle = folded_for_filter(self.filter_text)
        items = [
            a for a in self.annotations.annotations if not needle or needle in self._haystack(a)
        ]
        # Text order, orphans (no place in the text any more) at the end.
        return sorted(items, key=lambda a: (a.status == "orphaned", a.start, a.end, a.id))

    def _refill(self) -> None:
        options = self.query_one("#panel-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        items = self.shown_annotations()
        options.add_options([Option(annotation_label(a), id=a.id) for a in items])
        orphans = sum(a.status == "orphaned" for a in items)
        title = f"Annotations ({len(items)})" + (f" · {orphans} orphaned" if orphans else "")
        self.query_one("#panel-title", Static).update(Text(title))
        if items:
            options.highlighted = min(highlighted or 0, len(items) - 1)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#panel-list", OptionList).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#panel-filter", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Jump(event.option.id))

    @property
    def highlighted_id(self) -> str | None:
        options = self.query_one("#panel-list", OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    def select(self, annotation_id: str) -> None:
        options = self.query_one("#panel-list", OptionList)
        for index, annotation in enumerate(self.shown_annotations()):
            if annotation.id == annotation_id:
                options.highlighted = index
                return

    def action_delete(self) -> None:
        if self.highlighted_id:
            self.post_message(self.Delete(self.highlighted_id))

    def action_reattach(self) -> None:
        if self.highlighted_id:
            self.post_message(self.Reattach(self.highlighted_id))
