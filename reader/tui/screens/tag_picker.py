"""The tag picker: fuzzy filter over the tagset and recent tags, several tags, new ones.

With ``single=True`` it picks one name and closes (Enter on the highlighted one, or on a
new one typed): the relation-type picker of linking (``L``) is this picker, with the
relation types for choices and ``noun="relation type"``.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.keys import Scope
from reader.text.fold import fold
from reader.text.render import visual_oneline
from reader.tui import display
from reader.tui.keys import bindings
from reader.tui.widgets.rtl_input import RtlInput

NEW_TAG = "\x00new"


def fuzzy_rank(query: str, choices: list[str]) -> list[str]:
    """Choices containing the query's letters in order (Arabic-folded), best first."""
    needle = fold(query).text.replace(" ", "")
    if not needle:
        return list(choices)
    ranked = []
    for order, choice in enumerate(choices):
        hay = fold(choice).text
        if needle in hay:
            ranked.append(((0 if hay.startswith(needle) else 1, hay.index(needle), order), choice))
            continue
        position, gaps = 0, 0
        for char in needle:
            found = hay.find(char, position)
            if found < 0:
                break
            gaps += found - position
            position = found + 1
        else:
            ranked.append(((2, gaps, order), choice))
    return [choice for _, choice in sorted(ranked)]


class TagQuery(RtlInput):
    """The picker's query box: Backspace on an empty query drops the last tag chosen."""

    class DropLast(Message):
        """Backspace was pressed with nothing typed."""

    def action_delete_back(self) -> None:
        if self.value:
            super().action_delete_back()
        else:
            self.post_message(self.DropLast())


def tag_label(tag: str, width: int = 40) -> Text:
    shown, rtl = visual_oneline(tag, width)
    return Text(shown, justify="right" if rtl else "left")


class TagPicker(ModalScreen[list[str] | None]):
    """Pick tags: type to filter, Enter adds the highlighted tag (or a new one), Enter on
    an empty line confirms, Backspace on an empty line drops the last tag, Escape cancels.

    ``single``: Enter picks the highlighted (or new) name and closes with it alone.
    """

    DEFAULT_CSS = """
    TagPicker {
        align: center middle;
    }
    TagPicker > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    TagPicker #chosen {
        height: auto;
        color: $accent;
    }
    TagPicker OptionList {
        height: auto;
        max-height: 14;
    }
    TagPicker #problem {
        height: auto;
        color: $error;
    }
    """

    KEY_SCOPE = Scope.TAG_PICKER
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(
        self,
        title: str,
        choices: list[str],
        chosen: list[str] | None = None,
        check: Callable[[str], str | None] | None = None,
        *,
        single: bool = False,
        noun: str = "tag",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.chosen: list[str] = list(chosen or [])
        self.check = check or (lambda tag: None)
        self.single = single
        self.noun = noun  # what a choice is called: "new tag: …", "new relation type: …"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            if not self.single:
                yield Static("", id="chosen")
            hint = "Enter picks" if self.single else "Enter adds; Enter on empty confirms"
            yield TagQuery(placeholder=f"{self.noun}… ({hint})", id="query")
            yield OptionList(id="options")
            yield Static("", id="problem")

    def on_mount(self) -> None:
        self._refresh_chosen()
        self._refill("")
        self.query_one("#query", RtlInput).focus()

    def _refresh_chosen(self) -> None:
        if self.single:
            return
        line = Text("tags: ")
        for i, tag in enumerate(self.chosen):
            if i:
                line.append("  ")
            line.append_text(tag_label(tag))
        if not self.chosen:
            line.append("(none yet)", style="dim")
        self.query_one("#chosen", Static).update(line)

    def _refill(self, query: str) -> None:
        options = self.query_one("#options", OptionList)
        options.clear_options()
        ranked = [c for c in fuzzy_rank(query, self.choices) if c not in self.chosen]
        typed = " ".join(query.split())
        entries = [Option(tag_label(tag, 54), id=tag) for tag in ranked[:50]]
        if typed and typed not in self.choices and typed not in self.chosen:
            label = Text(f"new {self.noun}: ")
            label.append_text(tag_label(typed, 44))
            entries.append(Option(label, id=NEW_TAG + typed))
        options.add_options(entries)
        if entries:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#problem", Static).update("")
        self._refill(event.value)

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#options", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def _add(self, tag: str) -> None:
        problem = self.check(tag)
        if problem:
            shown = self.query_one("#problem", Static)
            width = shown.content_region.width or None
            options = display.options_of(self)
            shown.update(display.lines(problem, width, direction="ltr", options=options))
            return
        if self.single:
            self.dismiss([tag])
            return
        if tag not in self.chosen:
            self.chosen.append(tag)
        query = self.query_one("#query", RtlInput)
        query.value = ""
        self._refresh_chosen()
        self._refill("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip() and not self.single:
            self.dismiss(self.chosen)
            return
        options = self.query_one("#options", OptionList)
        if options.highlighted is None:
            return
        option_id = options.get_option_at_index(options.highlighted).id or ""
        self._add(option_id.removeprefix(NEW_TAG))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._add((event.option.id or "").removeprefix(NEW_TAG))
        self.query_one("#query", RtlInput).focus()

    def on_tag_query_drop_last(self, message: TagQuery.DropLast) -> None:
        if self.chosen:
            self.chosen.pop()
            self._refresh_chosen()
            self._refill(self.query_one("#query", RtlInput).value)

    def action_cancel(self) -> None:
        self.dismiss(None)
