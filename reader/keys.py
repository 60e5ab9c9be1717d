"""Every key of the reader, in one table: where it works, what it does, how it is shown.

Pure data, no Textual: ``hamish check`` validates tagset keys against :func:`reserved_keys`
without starting the TUI (``reader.commands`` never imports ``reader.tui``). The TUI turns
the rows into Textual bindings (``reader/tui/keys.py``); the help screen and the command
palette read the same rows.

Keys are written as Textual names them (``ctrl+r``, ``shift+left``, ``escape``), except that
a printable character is written as itself (``/``, ``?``, ``[``), never by its name
(``slash``): Textual accepts both, and the reserved set is then read off the table directly.

A tagset key that a reading scope binds is refused at load time, because a tagset key
applies its tag at once and would shadow the command. Only keys really bound are reserved:
there is no count prefix and no vi-style movement, so the digits, ``h j k l``, ``b e``,
space and ``:`` are free for tagsets (Label Studio and doccano users press ``1``–``9`` by
reflex); the selection units take ``w S P " ( )``, ``*`` tags every occurrence, ``L``
links two annotations, ``A`` and ``X`` accept and reject one, ``M`` marks the article to
do, in progress or done. A count
prefix added later must leave the digits to the tagset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "KEYS",
    "OTHER_INPUT",
    "READING_SCOPES",
    "KeyAction",
    "Scope",
    "help_rows",
    "in_scope",
    "key_label",
    "reserved_keys",
]


class Scope(StrEnum):
    """Where a key works: the app, a screen, or a widget while it (or a child) has focus."""

    APP = "app"  # everywhere, unless a screen or widget binds the same key
    LIBRARY = "library"
    ARTICLE = "article"  # the article screen
    VIEW = "article view"  # the article's text, when it has focus
    PANEL = "panel"  # the annotations panel, when it has focus
    HELP = "help"
    NOTE_EDITOR = "note editor"
    TAG_PICKER = "tag picker"
    CORPUS_SEARCH = "library search"  # the library's search of every article's text
    UNSAVED = "unsaved changes"  # asked on quit or back when a save failed
    RECOVERY = "recovery"  # asked on open when a failed save left a recovery file
    CONFIRM_DELETE = "delete with relations"  # deleting an annotation that has relations
    CURATION = "curation"  # the article screen in curation mode (hamish curate FILE)
    INPUT = "input"  # a one-line text box (filters, search, tag picker), when it has focus
    TEXT_AREA = "text area"  # the note editor's text, when it has focus

    @property
    def where(self) -> str:
        """The scope as the help screen names it for a reader."""
        return _WHERE.get(self, self.value)


_WHERE = {
    Scope.APP: "anywhere",
    Scope.VIEW: "article",
    Scope.INPUT: "text box",
    Scope.TEXT_AREA: "note text",
}

# Every scope that is active (in Textual's binding chain) while an article is being read.
READING_SCOPES = frozenset({Scope.APP, Scope.ARTICLE, Scope.VIEW, Scope.PANEL})


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One row of the table: the key(s) that run one action in one scope."""

    scope: Scope
    keys: tuple[str, ...]
    action: str  # a Textual action string, e.g. "move('left', True)"
    description: str  # shown in the footer, the help and the palette; names the key in errors
    id: str  # the binding id (stable: a keymap may refer to it)
    footer: bool = False

    @property
    def shown_keys(self) -> str:
        return ", ".join(key_label(key) for key in self.keys)


def _row(
    scope: Scope, key: str, action: str, description: str, id: str, *, footer: bool = False
) -> KeyAction:
    return KeyAction(scope, (key,), action, description, id, footer)


_A, _L, _R, _V, _P = Scope.APP, Scope.LIBRARY, Scope.ARTICLE, Scope.VIEW, Scope.PANEL
_H, _N, _T = Scope.HELP, Scope.NOTE_EDITOR, Scope.TAG_PICKER
_S = Scope.CORPUS_SEARCH
_U, _W = Scope.UNSAVED, Scope.RECOVERY
_X = Scope.CONFIRM_DELETE
_C = Scope.CURATION


def _editing_rows(scope: Scope, prefix: str, *, multiline: bool) -> tuple[KeyAction, ...]:
    """The keys of a text box (reader/tui/widgets/rtl_input.py; the rules are
    reader/text/editing.py's): arrows move visually through the cell map, so in
    right-to-left text left goes forward; words, Home/End, deletion and the selection
    are logical. Typed characters are not bindings: they go into the box."""
    rows = [
        (("left",), "move('left')", "Left", "left"),
        (("right",), "move('right')", "Right", "right"),
    ]
    if multiline:
        rows += [
            (("up",), "move('up')", "Up", "up"),
            (("down",), "move('down')", "Down", "down"),
        ]
    rows += [
        (("ctrl+left",), "move('word_left')", "Word left", "word-left"),
        (("ctrl+right",), "move('word_right')", "Word right", "word-right"),
        (("home",), "move('line_start')", "Line start", "line-start"),
        (("end",), "move('line_end')", "Line end", "line-end"),
    ]
    if multiline:
        rows += [
            (("ctrl+home",), "move('start')", "Start", "start"),
            (("ctrl+end",), "move('end')", "End", "end"),
        ]
    rows += [
        (("shift+left",), "move('left', True)", "Select left", "select-left"),
        (("shift+right",), "move('right', True)", "Select right", "select-right"),
    ]
    if multiline:
        rows += [
            (("shift+up",), "move('up', True)", "Select up", "select-up"),
            (("shift+down",), "move('down', True)", "Select down", "select-down"),
        ]
    rows += [
        (("ctrl+shift+left",), "move('word_left', True)", "Select word left", "select-word-left"),
        (
            ("ctrl+shift+right",),
            "move('word_right', True)",
            "Select word right",
            "select-word-right",
        ),
        (("shift+home",), "move('line_start', True)", "Select to line start", "select-line-start"),
        (("shift+end",), "move('line_end', True)", "Select to line end", "select-line-end"),
        (("ctrl+a",), "select_all", "Select all", "select-all"),
        (("backspace",), "delete_back", "Delete the letter before", "delete-back"),
        (("delete",), "delete_forward", "Delete the letter after", "delete-forward"),
        (("ctrl+w",), "delete_word", "Delete the word before", "delete-word"),
        (("ctrl+x",), "cut", "Cut", "cut"),
        (("ctrl+c",), "copy", "Copy", "copy"),
        (("ctrl+v",), "paste", "Paste", "paste"),
    ]
    if multiline:
        rows.append((("enter",), "newline", "New line", "newline"))
    else:
        rows.append((("enter",), "submit", "Submit", "submit"))
    return tuple(
        KeyAction(scope, keys, action, description, f"{prefix}.{id}")
        for keys, action, description, id in rows
    )


# In each scope, rows are in the order the footer shows them.
KEYS: tuple[KeyAction, ...] = (
    _row(_A, "?", "help", "Help", "app.help", footer=True),
    _row(_A, "ctrl+q", "quit", "Quit", "app.quit"),
    # The library: a letter or digit starts the filter and, once started, every printable key
    # types into it, so its commands are ctrl keys; but "/" (with the filter empty) and "?"
    # reach their rows from the table (library.py lets them through). Enter, up and down
    # work from the filter box too: Enter opens the highlighted row.
    _row(_L, "enter", "open", "Open", "library.open", footer=True),
    _row(_L, "/", "corpus_search", "Search text", "library.search", footer=True),
    _row(_L, "escape", "clear_filter", "Clear filter", "library.clear-filter", footer=True),
    _row(_L, "ctrl+q", "app.quit", "Quit", "library.quit", footer=True),
    _row(_L, "ctrl+r", "rescan", "Rescan", "library.rescan", footer=True),
    _row(_L, "ctrl+s", "sort_next", "Sort by the next column", "library.sort"),
    _row(_L, "ctrl+o", "sort_reverse", "Reverse the sort", "library.sort-reverse"),
    _row(_L, "up", "highlight(-1)", "Previous article", "library.previous"),
    _row(_L, "down", "highlight(1)", "Next article", "library.next"),
    # The article screen.
    _row(_R, "/", "search", "Search", "article.search", footer=True),
    _row(_R, "n", "next_match", "Next match", "article.next-match", footer=True),
    _row(_R, "N", "previous_match", "Previous match", "article.previous-match"),
    _row(_R, "escape", "back", "Back", "article.back", footer=True),
    _row(_R, "q", "close", "Back", "article.close"),
    _row(_R, "t", "tag", "Tag", "annotate.tag", footer=True),
    _row(_R, "c", "note", "Note", "annotate.note", footer=True),
    _row(_R, "d", "delete", "Delete", "annotate.delete"),
    _row(_R, "R", "respan", "Span to selection", "annotate.respan"),
    _row(_R, "]", "next_annotation", "Next annotation", "annotate.next"),
    _row(_R, "[", "previous_annotation", "Previous annotation", "annotate.previous"),
    _row(_R, "u", "undo", "Undo", "annotate.undo", footer=True),
    _row(_R, "ctrl+r", "redo", "Redo", "annotate.redo"),
    _row(_R, "a", "toggle_panel", "Panel", "annotate.panel", footer=True),
    _row(_R, "T", "document_tags", "Article tags", "annotate.document-tags"),
    _row(_R, "C", "document_note", "Article note", "annotate.document-note"),
    # "." as in vi: the tags last applied, again, on the selection (takes "." from tagsets).
    _row(_R, ".", "repeat_tags", "Repeat last tags", "annotate.repeat"),
    # A ctrl key, so that no printable key is taken from tagsets for showing them.
    _row(_R, "ctrl+l", "toggle_labels", "Label bar", "annotate.labels"),
    # The analyst's units around the cursor (reader/text/units.py), one key each; these
    # take w S P " ( ) from tagsets (S and P capital: s and p are the sample tagset's,
    # and a tagset's mnemonic letters are lower case). " again goes out a quotation.
    _row(_R, "w", "select_unit('word')", "Select the word", "select.word"),
    _row(_R, "S", "select_unit('sentence')", "Select the sentence", "select.sentence"),
    _row(_R, "P", "select_unit('paragraph')", "Select the paragraph", "select.paragraph"),
    _row(_R, '"', "select_unit('quotation')", "Select the quotation", "select.quotation"),
    _row(_R, ")", "extend_sentence(1)", "Extend by the next sentence", "select.extend-next"),
    _row(
        _R, "(", "extend_sentence(-1)", "Extend by the previous sentence", "select.extend-previous"
    ),
    # "*" as vi's search for the word under the cursor: every match, tagged (one undo step).
    _row(_R, "*", "tag_every", "Tag every occurrence", "annotate.tag-every"),
    # Linking two annotations (a typed relation): L on the source, Enter on the target
    # (Enter is bound only while a link is being drawn; the panel's Enter picks there).
    _row(_R, "L", "link", "Link to another annotation", "annotate.link"),
    _row(_R, "enter", "link_here", "Link to the annotation here", "annotate.link-here"),
    # Review (capitals, as tagsets' mnemonic keys are lower case): the same key again
    # withdraws the verdict, as a tag key toggles its tag. The reviewer is the author.
    _row(_R, "A", "review('accepted')", "Accept the annotation", "review.accept"),
    _row(_R, "X", "review('rejected')", "Reject the annotation", "review.reject"),
    # Where the work on the article stands: to do -> in progress -> done -> to do.
    _row(_R, "M", "cycle_progress", "Mark the article (to do, in progress, done)", "review.mark"),
    _row(_R, "Y", "copy_card", "Copy as a quote card", "annotate.copy-card"),
    # A git merge's conflict (docs/sidecar.md): keep our version or theirs, as
    # `hamish check --resolve` does (one undo step); ctrl keys, so that no printable key
    # is taken from tagsets for a rare decision.
    _row(_R, "ctrl+o", "keep_side('ours')", "Conflict: keep ours", "conflict.ours"),
    _row(_R, "ctrl+t", "keep_side('theirs')", "Conflict: keep theirs", "conflict.theirs"),
    # A ctrl key, so that no printable key is taken from tagsets for a once-an-article move.
    _row(_R, "ctrl+n", "next_unfinished", "Next article not done", "review.next-unfinished"),
    # The article's text: the cursor moves in visual directions, the selection in logical order.
    _row(_V, "left", "move('left')", "Left", "cursor.left"),
    _row(_V, "right", "move('right')", "Right", "cursor.right"),
    _row(_V, "up", "move('up')", "Up", "cursor.up"),
    _row(_V, "down", "move('down')", "Down", "cursor.down"),
    _row(_V, "ctrl+left", "move('word_left')", "Word left", "cursor.word-left"),
    _row(_V, "ctrl+right", "move('word_right')", "Word right", "cursor.word-right"),
    _row(_V, "home", "move('line_start')", "Line start", "cursor.line-start"),
    _row(_V, "end", "move('line_end')", "Line end", "cursor.line-end"),
    _row(_V, "pageup", "move('page_up')", "Page up", "cursor.page-up"),
    _row(_V, "pagedown", "move('page_down')", "Page down", "cursor.page-down"),
    _row(_V, "g", "move('top')", "Top", "cursor.top"),
    _row(_V, "G", "move('bottom')", "Bottom", "cursor.bottom"),
    _row(_V, "shift+left", "move('left', True)", "Select left", "selection.left"),
    _row(_V, "shift+right", "move('right', True)", "Select right", "selection.right"),
    _row(_V, "shift+up", "move('up', True)", "Select up", "selection.up"),
    _row(_V, "shift+down", "move('down', True)", "Select down", "selection.down"),
    _row(
        _V, "ctrl+shift+left", "move('word_left', True)", "Select word left", "selection.word-left"
    ),
    _row(
        _V,
        "ctrl+shift+right",
        "move('word_right', True)",
        "Select word right",
        "selection.word-right",
    ),
    _row(
        _V, "shift+home", "move('line_start', True)", "Select to line start", "selection.line-start"
    ),
    _row(_V, "shift+end", "move('line_end', True)", "Select to line end", "selection.line-end"),
    _row(_V, "shift+pageup", "move('page_up', True)", "Select page up", "selection.page-up"),
    _row(
        _V, "shift+pagedown", "move('page_down', True)", "Select page down", "selection.page-down"
    ),
    _row(_V, "v", "toggle_selecting", "Select", "selection.toggle", footer=True),
    _row(_V, "y", "copy", "Copy", "selection.copy", footer=True),
    # The annotations panel.
    _row(_P, "d", "delete", "Delete", "panel.delete", footer=True),
    _row(_P, "R", "reattach", "Re-attach to selection", "panel.reattach", footer=True),
    _row(_P, "/", "focus_filter", "Search", "panel.filter", footer=True),
    # t on a relation line picks the relation's type (its tag, as it were); on an
    # annotation's line the binding steps aside for the article's t. Described as that
    # row is, so that no key is taken from tagsets beyond the article's own "t".
    _row(_P, "t", "retype", "Tag", "panel.retype"),
    # Dialogs.
    _row(_H, "escape", "dismiss", "Close", "help.close", footer=True),
    _row(_H, "q", "dismiss", "Close", "help.close-q"),
    _row(_H, "?", "dismiss", "Close", "help.close-help"),
    _row(_N, "ctrl+s", "save", "Save note", "note.save", footer=True),
    _row(_N, "escape", "cancel", "Cancel", "note.cancel", footer=True),
    _row(_T, "escape", "cancel", "Cancel", "tags.cancel", footer=True),
    _row(_T, "down", "cursor(1)", "Next", "tags.next"),
    _row(_T, "up", "cursor(-1)", "Previous", "tags.previous"),
    # The library's search of every article (reader/tui/screens/corpus_search.py).
    _row(_S, "escape", "cancel", "Cancel", "search.cancel", footer=True),
    _row(_S, "down", "cursor(1)", "Next hit", "search.next"),
    _row(_S, "up", "cursor(-1)", "Previous hit", "search.previous"),
    # Unsaved changes on quit (reader/tui/screens/unsaved.py); ctrl keys, so that a
    # path can be typed into the "save a copy" box.
    _row(_U, "ctrl+r", "retry", "Retry saving", "unsaved.retry", footer=True),
    _row(_U, "ctrl+s", "save_copy", "Save a copy", "unsaved.save-copy", footer=True),
    _row(_U, "ctrl+d", "discard", "Discard", "unsaved.discard", footer=True),
    _row(_U, "escape", "stay", "Stay", "unsaved.stay", footer=True),
    # A recovery file found on open.
    _row(_W, "r", "restore", "Restore", "recovery.restore", footer=True),
    _row(_W, "d", "discard", "Discard", "recovery.discard", footer=True),
    # Deleting an annotation that has relations (reader/tui/screens/confirm.py).
    _row(_X, "y", "delete_all", "Delete it and its relations", "confirm.delete", footer=True),
    _row(_X, "n", "cancel", "Cancel", "confirm.cancel-n"),
    _row(_X, "escape", "cancel", "Cancel", "confirm.cancel", footer=True),
    # Curation (reader/tui/screens/curation.py): ] and [ go from disagreement to
    # disagreement instead of annotation to annotation; a digit accepts that author's
    # version (the digits are the curation's here, not a tagset's), = the majority (the
    # --auto rule), + every span all authors marked alike. Editing is the article's keys.
    _row(_C, "]", "next_disagreement", "Next disagreement", "curate.next", footer=True),
    _row(_C, "[", "previous_disagreement", "Previous disagreement", "curate.previous"),
    *(
        _row(_C, str(n), f"accept({n})", f"Accept version {n}", f"curate.accept-{n}")
        for n in range(1, 10)
    ),
    _row(_C, "=", "accept_majority", "Accept the majority", "curate.majority", footer=True),
    _row(_C, "+", "accept_agreeing", "Accept all agreeing", "curate.agreeing", footer=True),
    # Text boxes: every input of the reader, and the note editor's text.
    *_editing_rows(Scope.INPUT, "input", multiline=False),
    *_editing_rows(Scope.TEXT_AREA, "text", multiline=True),
)

# Input that is not a binding, for the help screen: (what to do, what it does).
OTHER_INPUT: tuple[tuple[str, str], ...] = (
    ("shift + any move", "extend the selection"),
    ("mouse click / drag", "place the cursor / select"),
    ("double click", "select a word"),
    ("ctrl+p", "command palette: every action, display settings, theme"),
)


def in_scope(scope: Scope) -> tuple[KeyAction, ...]:
    """The rows of one scope, in table order."""
    return tuple(row for row in KEYS if row.scope is scope)


def key_label(key: str) -> str:
    """A key as a person reads it: the space bar is ``space``, everything else as written."""
    return "space" if key == " " else key


def _single_character(key: str) -> bool:
    return len(key) == 1 and key.isprintable()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def reserved_keys(scopes: Iterable[Scope] = READING_SCOPES) -> Mapping[str, str]:
    """Single printable keys bound in ``scopes`` -> what the reader does with them.

    What it does is the description, lower-cased (``"d" -> "delete"``); a key bound to
    different things in different scopes (``R``) names them all, in table order.
    """
    wanted = frozenset(scopes)
    found: dict[str, list[str]] = {}
    for row in KEYS:
        if row.scope not in wanted:
            continue
        for key in row.keys:
            if _single_character(key):
                does = found.setdefault(key, [])
                if _lower_first(row.description) not in does:
                    does.append(_lower_first(row.description))
    return MappingProxyType({key: " / ".join(does) for key, does in found.items()})


def help_rows(scopes: Iterable[Scope]) -> list[tuple[str, str, str]]:
    """(where, key, what it does) for every row of ``scopes``, scope by scope."""
    return [
        (scope.where, row.shown_keys, row.description)
        for scope in scopes
        for row in in_scope(scope)
    ]
