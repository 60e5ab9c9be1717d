"""Text boxes that show Arabic, Persian and Hebrew as they are read: on the layout engine.

Every input of the reader is one of these. What they draw is the engine's layout of the
value (shaped, reordered, sanitized: never raw, never markup), with the cursor where
the next letter goes; what they hold is the value exactly as typed, in logical order.
The editing rules (moves through the cell map, deletion by letter, selection, paste)
are :mod:`reader.text.editing`'s; these widgets draw its :class:`TextLayout` and send it
the keys of the key table (``Scope.INPUT``, ``Scope.TEXT_AREA`` in ``reader/keys.py``).

- :class:`RtlInput`, one line, *is* a :class:`textual.widgets.Input` with its drawing,
  moves and editing replaced: ``value``, ``placeholder``, ``cursor_position``,
  ``selection``, ``focus()`` and the ``Input.Changed``/``Input.Submitted`` messages
  (``on_input_changed``, ``on_input_submitted``, ``.value``, ``.input``/``.control``)
  work as before. A value wider than the box scrolls, keeping the cursor in view; a
  right-to-left value is right-aligned. No password mode, suggester, validators or
  restrictions.
- :class:`RtlTextArea`, several lines (the note editor): wraps at the box's width,
  scrolls vertically, Enter starts a new line; posts ``RtlTextArea.Changed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets.input import Selection

from reader.keys import Scope
from reader.text.editing import (
    LINE_BREAK,
    EditState,
    Row,
    TextLayout,
    clean_paste,
    delete_back,
    delete_forward,
    delete_word_back,
    insert,
    is_typed_text,
    move,
    select_all,
)
from reader.text.render import visual_oneline
from reader.tui.keys import bindings

if TYPE_CHECKING:
    from textual.widget import Widget

    _WidgetBase = Widget
else:
    _WidgetBase = object

__all__ = ["RtlInput", "RtlTextArea", "row_segments"]


@lru_cache(maxsize=256)
def _one_line(value: str) -> TextLayout:
    return TextLayout(value)


def row_segments(
    row: Row,
    state: EditState,
    *,
    base: Style,
    cursor: Style | None,
    cursor_col: int | None,
    selection: Style,
    pad: int = 0,
) -> list[Segment]:
    """A drawn row as segments: the engine's cells at their columns (``pad`` further
    right), the selected ones in ``selection``, the cursor's cell (or blank) in ``cursor``.

    Cell texts come from the engine, already sanitized; nothing is parsed as markup.
    """
    low, high = state.selection or (0, 0)
    items: list[tuple[int, str, Style]] = []
    cursor_drawn = False
    for col, cell in row.cells:
        if not cell.width:
            continue
        style = base
        if cell.start < high and cell.end > low:
            style = style + selection
        if cursor is not None and col == cursor_col:
            style = style + cursor
            cursor_drawn = True
        items.append((col + pad, cell.text, style))
    if cursor is not None and cursor_col is not None and not cursor_drawn:
        items.append((cursor_col + pad, " ", base + cursor))
        items.sort(key=lambda item: item[0])
    segments: list[Segment] = []
    x = 0
    for col, text, style in items:
        if col > x:
            segments.append(Segment(" " * (col - x), base))
        segments.append(Segment(text, style))
        x = max(x, col) + cell_len(text)
    return segments


def _restyle_column(strip: Strip, col: int, style: Style) -> Strip:
    """``strip`` with ``style`` added on top at column ``col`` (the cursor on a placeholder)."""
    width = strip.cell_length
    middle = Strip(
        [Segment(seg.text, (seg.style or Style()) + style) for seg in strip.crop(col, col + 1)]
    )
    return Strip.join([strip.crop(0, col), middle, strip.crop(col + 1, width)])


class _Editing(_WidgetBase):
    """The key actions of an editing widget, over :mod:`reader.text.editing`."""

    _multiline: ClassVar[bool] = False

    def _edit_state(self) -> EditState:
        raise NotImplementedError

    def _set_edit_state(self, state: EditState) -> None:
        raise NotImplementedError

    def _text_layout(self) -> TextLayout:
        raise NotImplementedError

    # -- the key table's actions --------------------------------------------------------
    def action_move(self, how: str, extend: bool = False) -> None:
        self._set_edit_state(move(self._edit_state(), self._text_layout(), how, extend))

    def action_delete_back(self) -> None:
        self._set_edit_state(delete_back(self._edit_state(), self._text_layout()))

    def action_delete_forward(self) -> None:
        self._set_edit_state(delete_forward(self._edit_state(), self._text_layout()))

    def action_delete_word(self) -> None:
        self._set_edit_state(delete_word_back(self._edit_state()))

    def action_select_all(self) -> None:
        self._set_edit_state(select_all(self._edit_state()))

    def action_copy(self) -> None:
        text = self._edit_state().selected_text
        if not text:
            raise SkipAction()
        self.app.copy_to_clipboard(text)

    def action_cut(self) -> None:
        state = self._edit_state()
        if state.selection is None:
            raise SkipAction()
        self.app.copy_to_clipboard(state.selected_text)
        self._set_edit_state(insert(state, ""))

    def action_paste(self) -> None:
        """Paste the app's clipboard (what ``copy`` put there)."""
        self.paste_text(self.app.clipboard)

    # -- text arriving ------------------------------------------------------------------
    def paste_text(self, text: str) -> None:
        """``text`` pasted at the cursor (over the selection), cleaned as a paste is."""
        cleaned = clean_paste(text, multiline=self._multiline)
        if cleaned:
            self._set_edit_state(insert(self._edit_state(), cleaned))

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and is_typed_text(character)

    async def _take_key(self, event: events.Key) -> None:
        """A typed character (ZWNJ and bidi controls too) goes in; a key of this widget's
        own bindings runs here, at once.

        Textual runs bindings only after the key has bubbled up to the app, by which
        time the keys that came after it may have been typed in: "abc", Backspace, "d"
        arriving together (typing ahead over SSH, tmux send-keys) would give "abc", and
        Enter in a note would land after the next line's letters. Handled here, keys
        take effect in the order they came. A binding whose action is skipped (copy with
        nothing selected) lets the key go on up.
        """
        character = event.character
        if character is not None and is_typed_text(character):
            event.stop()
            event.prevent_default()
            self._set_edit_state(insert(self._edit_state(), character))
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return


class RtlInput(_Editing, Input, inherit_bindings=False):
    """A one-line text box drawn by the layout engine (an :class:`Input` for the screens)."""

    KEY_SCOPE = Scope.INPUT
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        select_on_focus: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        tooltip: RenderableType | None = None,
        compact: bool = False,
    ) -> None:
        self._goal: int | None = None
        super().__init__(
            value,
            placeholder,
            select_on_focus=select_on_focus,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            tooltip=tooltip,
            compact=compact,
        )

    # -- the model -------------------------------------------------------------------
    def _edit_state(self) -> EditState:
        value = self.value
        start, end = (min(max(x, 0), len(value)) for x in self.selection)
        return EditState(value, end, start if start != end else None, self._goal)

    def _set_edit_state(self, state: EditState) -> None:
        self._goal = state.goal
        if state.value != self.value:
            self.value = state.value
        anchor = state.cursor if state.anchor is None else state.anchor
        self.selection = Selection(anchor, state.cursor)

    def _text_layout(self) -> TextLayout:
        return _one_line(self.value)

    @property
    def text_layout(self) -> TextLayout:
        """The value as drawn (one row of the engine's cells and the cursor's column)."""
        return self._text_layout()

    @property
    def _box_width(self) -> int:
        return self.scrollable_content_region.width

    def _pad(self, layout: TextLayout) -> int:
        """Blank columns before the value: a right-to-left value is right-aligned."""
        if layout.rows[0].rtl and layout.width < self._box_width:
            return self._box_width - layout.width
        return 0

    # -- Input's geometry, through the cell map -----------------------------------------
    @property
    def _cursor_offset(self) -> int:
        layout = self._text_layout()
        _, col = layout.locate(min(self.cursor_position, len(self.value)))
        return self._pad(layout) + col

    @property
    def content_width(self) -> int:
        if self.placeholder and not self.value:
            return cell_len(self.placeholder) + 1
        return self._text_layout().width

    def _cell_offset_to_index(self, offset: int) -> int:
        layout = self._text_layout()
        return layout.offset_at(0, offset + int(self.scroll_offset.x) - self._pad(layout))

    def on_resize(self, event: events.Resize) -> None:
        self.scroll_to_region(
            Region(self._cursor_offset, 0, width=1, height=1), force=True, animate=False
        )

    # -- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self._box_width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        show_cursor = self.has_focus and self._cursor_visible
        cursor = self.get_component_rich_style("input--cursor") if show_cursor else None
        if not self.value:
            return self._placeholder_strip(width, base, cursor)
        layout = self._text_layout()
        pad = self._pad(layout)
        state = self._edit_state()
        cursor_col = layout.locate(state.cursor)[1] if cursor is not None else None
        selection = self.get_component_rich_style("input--selection")
        segments = row_segments(
            layout.rows[0],
            state,
            base=base,
            cursor=cursor,
            cursor_col=cursor_col,
            selection=selection if self.has_focus else Style(),
            pad=pad,
        )
        scroll_x = int(self.scroll_offset.x)
        strip = Strip(segments).crop(scroll_x, scroll_x + width)
        return strip.adjust_cell_length(width, base)

    def _placeholder_strip(self, width: int, base: Style, cursor: Style | None) -> Strip:
        """The placeholder (laid out and sanitized like a value), the cursor on column 0."""
        shown, rtl = (
            visual_oneline(self.placeholder, max(width - 1, 1)) if self.placeholder else ("", False)
        )
        style = base + self.get_component_rich_style("input--placeholder")
        segments = [Segment(shown, style)]
        if rtl:
            segments.insert(0, Segment(" " * max(width - cell_len(shown), 0), base))
        strip = Strip(segments).adjust_cell_length(width, base)
        return strip if cursor is None else _restyle_column(strip, 0, cursor)

    # -- keys, paste and Input's own editing calls ------------------------------------
    async def _on_key(self, event: events.Key) -> None:
        self._restart_blink()
        await self._take_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if event.text:
            self.paste_text(event.text)

    def insert_text_at_cursor(self, text: str) -> None:
        self._set_edit_state(insert(self._edit_state(), clean_paste(text, multiline=False)))

    def replace(self, text: str, start: int, end: int) -> None:
        value = self.value
        start, end = sorted((max(0, min(start, len(value))), max(0, min(end, len(value)))))
        self._set_edit_state(insert(EditState(value, end, start), text))

    def action_cursor_left(self, select: bool = False) -> None:
        self.action_move("left", select)

    def action_cursor_right(self, select: bool = False) -> None:
        self.action_move("right", select)

    def action_cursor_left_word(self, select: bool = False) -> None:
        self.action_move("word_left", select)

    def action_cursor_right_word(self, select: bool = False) -> None:
        self.action_move("word_right", select)

    def action_home(self, select: bool = False) -> None:
        self.action_move("line_start", select)

    def action_end(self, select: bool = False) -> None:
        self.action_move("line_end", select)

    def action_delete_left(self) -> None:
        self.action_delete_back()

    def action_delete_right(self) -> None:
        self.action_delete_forward()

    def action_delete_left_word(self) -> None:
        self.action_delete_word()


class RtlTextArea(_Editing, ScrollView, can_focus=True):
    """A multi-line text box drawn by the layout engine: wraps, scrolls, Enter breaks lines."""

    KEY_SCOPE = Scope.TEXT_AREA
    BINDINGS = bindings(KEY_SCOPE)
    _multiline = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rtl-text-area--cursor",
        "rtl-text-area--selection",
        "rtl-text-area--placeholder",
    }

    DEFAULT_CSS = """
    RtlTextArea {
        background: $surface;
        color: $foreground;
        border: tall $border-blurred;
        padding: 0 1;
        width: 100%;
        height: 8;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        pointer: text;
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
        }
        & > .rtl-text-area--cursor {
            background: $input-cursor-background;
            color: $input-cursor-foreground;
            text-style: $input-cursor-text-style;
        }
        & > .rtl-text-area--selection {
            background: $input-selection-background;
            color: $input-selection-foreground;
        }
        & > .rtl-text-area--placeholder {
            color: $text-disabled;
        }
    }
    """

    @dataclass
    class Changed(Message):
        """The text changed (``on_rtl_text_area_changed``)."""

        text_area: RtlTextArea
        value: str

        @property
        def control(self) -> RtlTextArea:
            return self.text_area

    def __init__(
        self,
        text: str = "",
        *,
        placeholder: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._state = EditState.at_end(text)
        self.placeholder = placeholder
        self._layout: TextLayout | None = None
        self._dragging = False

    # -- public surface ------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The text exactly as typed (lines joined by ``\\n``)."""
        return self._state.value

    @text.setter
    def text(self, text: str) -> None:
        self._set_edit_state(EditState.at_end(text))

    value = text

    @property
    def cursor_position(self) -> int:
        return self._state.cursor

    @cursor_position.setter
    def cursor_position(self, offset: int) -> None:
        self._set_edit_state(EditState(self.text, max(0, min(offset, len(self.text)))))

    @property
    def selection(self) -> tuple[int, int] | None:
        return self._state.selection

    @property
    def selected_text(self) -> str:
        return self._state.selected_text

    @property
    def text_layout(self) -> TextLayout:
        return self._text_layout()

    # -- the model -------------------------------------------------------------------
    def _edit_state(self) -> EditState:
        return self._state

    def _set_edit_state(self, state: EditState) -> None:
        changed = state.value != self._state.value
        self._state = state
        self._sync()
        self.refresh()
        if changed:
            self.post_message(self.Changed(self, state.value))

    def _text_layout(self) -> TextLayout:
        width = max(self.scrollable_content_region.width, 2)
        layout = self._layout
        if layout is None or layout.value != self.text or layout.width != width:
            layout = self._layout = TextLayout(self.text, width)
        return layout

    def _sync(self) -> None:
        """Virtual size for the rows; scroll the cursor into view; the terminal's cursor there."""
        if not self.is_mounted:
            return
        layout = self._text_layout()
        self.virtual_size = Size(layout.width, len(layout.rows))
        row, col = layout.locate(self._state.cursor)
        self.scroll_to_region(Region(col, row, 1, 1), animate=False, force=True, immediate=True)
        if self.has_focus:
            x, y, _, _ = self.content_region
            self.app.cursor_position = Offset(
                x + col - int(self.scroll_offset.x), y + row - int(self.scroll_offset.y)
            )

    def on_mount(self) -> None:
        self._sync()

    def on_resize(self, event: events.Resize) -> None:
        self._sync()
        self.refresh()

    def on_focus(self) -> None:
        self._sync()
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        layout = self._text_layout()
        index = int(self.scroll_offset.y) + y
        focused = self.has_focus
        cursor = self.get_component_rich_style("rtl-text-area--cursor") if focused else None
        if not self.text and self.placeholder and index == 0:
            shown, _ = visual_oneline(self.placeholder, max(width - 1, 1))
            style = base + self.get_component_rich_style("rtl-text-area--placeholder")
            strip = Strip([Segment(shown, style)]).adjust_cell_length(width, base)
            return strip if cursor is None else _restyle_column(strip, 0, cursor)
        if not 0 <= index < len(layout.rows):
            return Strip.blank(width, base)
        cursor_row, cursor_col = layout.locate(self._state.cursor)
        segments = row_segments(
            layout.rows[index],
            self._state,
            base=base,
            cursor=cursor if index == cursor_row else None,
            cursor_col=cursor_col,
            selection=self.get_component_rich_style("rtl-text-area--selection"),
        )
        return Strip(segments).adjust_cell_length(width, base)

    # -- keys, paste, mouse --------------------------------------------------------------
    async def on_key(self, event: events.Key) -> None:
        await self._take_key(event)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        if event.text:
            self.paste_text(event.text)

    def action_newline(self) -> None:
        self._set_edit_state(insert(self._state, LINE_BREAK))

    def _offset_at(self, event: events.MouseEvent) -> int:
        x, y = event.get_content_offset_capture(self)
        layout = self._text_layout()
        return layout.offset_at(y + int(self.scroll_offset.y), x + int(self.scroll_offset.x))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.focus()
        self._set_edit_state(EditState(self.text, self._offset_at(event)))
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            anchor = self._state.cursor if self._state.anchor is None else self._state.anchor
            self._set_edit_state(EditState(self.text, self._offset_at(event), anchor))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
