"""The library screen: every article of a folder with its metadata and annotations."""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import events, getters, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from reader.keys import Scope
from reader.library.catalog import CatalogEntry, scan_library
from reader.text.render import visual_oneline
from reader.text.sanitize import sanitize
from reader.tui.app import HamishApp
from reader.tui.keys import bindings

COLUMNS = ("title", "source", "date", "lang", "annotations", "tags", "modified", "file")
TITLE_CELLS = 48


def _cell(text: str | None, width: int = 30) -> Text:
    """A table cell: shaped and ordered, right-justified when right-to-left, no markup."""
    if not text:
        return Text("")
    shown, rtl = visual_oneline(text, width)
    return Text(shown, justify="right" if rtl else "left", no_wrap=True)


class LibraryScreen(Screen[None]):
    """Pick an article: type to filter by title or tag, click a header to sort, Enter opens."""

    app = getters.app(HamishApp)

    DEFAULT_CSS = """
    LibraryScreen #filter {
        height: 3;
    }
    LibraryScreen #summary {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground-muted;
    }
    LibraryScreen DataTable {
        height: 1fr;
    }
    """

    # Every printable key types into the filter, so the commands are on ctrl keys.
    KEY_SCOPE = Scope.LIBRARY
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.entries: list[CatalogEntry] = []
        self.sort_column = "file"
        self.sort_reverse = False
        self.summary = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter by title or tag…", id="filter", select_on_focus=False)
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        table.focus()
        self.scan()

    def on_screen_resume(self) -> None:
        if self.entries:
            self.scan()  # counts and tags may have changed while reading

    def action_rescan(self) -> None:
        self.scan()

    @work(thread=True, exclusive=True, group="scan")
    def scan(self) -> None:
        entries = []
        for entry in scan_library(self.root, self.app.annotations_dir):
            entries.append(entry)
            if len(entries) % 50 == 0:
                self.app.call_from_thread(self._show, list(entries), False)
        self.app.call_from_thread(self._show, entries, True)

    def _show(self, entries: list[CatalogEntry], done: bool) -> None:
        self.entries = entries
        self.refill()
        if done:
            unreadable = sum(1 for e in entries if e.error)
            annotated = sum(1 for e in entries if e.annotations)
            total = sum(e.annotations for e in entries)
            summary = f"{len(entries)} articles · {annotated} annotated · {total} annotations"
            if unreadable:
                summary += f" · {unreadable} unreadable (select one to see why)"
            self.summary = summary
            self.query_one("#summary", Static).update(Text(sanitize(summary)))

    @staticmethod
    def _matches(entry: CatalogEntry, folded_needle: str) -> bool:
        from reader.text.fold import fold

        if not folded_needle:
            return True
        haystack = " ".join([entry.title, entry.relative, *entry.all_tags])
        return folded_needle in fold(haystack).text

    def _sort_key(self, entry: CatalogEntry) -> float | str:
        column = self.sort_column
        if column == "annotations":
            return entry.annotations
        if column == "modified":
            return entry.modified
        value = {
            "title": entry.title,
            "source": entry.source or "",
            "date": entry.date or "",
            "lang": entry.language or "",
            "tags": ",".join(t for t, _ in entry.tags),
            "file": entry.relative,
        }[column]
        return value.casefold()

    def refill(self) -> None:
        table = self.query_one(DataTable)
        selected = self.selected_entry
        from reader.text.fold import fold

        needle = fold(self.query_one("#filter", Input).value.strip()).text
        rows = sorted(
            (e for e in self.entries if self._matches(e, needle)),
            key=self._sort_key,
            reverse=self.sort_reverse,
        )
        table.clear()
        for entry in rows:
            notes = str(entry.annotations) + (
                f" ({entry.orphaned} orphaned)" if entry.orphaned else ""
            )
            tags = ", ".join(f"{tag} {count}" for tag, count in entry.tags[:3])
            title = f"⚠ {entry.error}" if entry.error else entry.title
            table.add_row(
                _cell(title, TITLE_CELLS)
                if not entry.error
                else Text(sanitize(title), style="red"),
                _cell(entry.source, 24),
                Text(sanitize(entry.date or "")),
                Text(sanitize(entry.language or "")),
                Text(notes + (" ⚠" if entry.sidecar_error else ""), justify="right"),
                _cell(tags, 36),
                Text(time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.modified))),
                Text(sanitize(entry.relative)),
                key=str(entry.path),
            )
        if selected is not None and str(selected.path) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected.path)))

    @property
    def selected_entry(self) -> CatalogEntry | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return next((e for e in self.entries if str(e.path) == key), None)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        table = self.query_one(DataTable)
        table.focus()
        if table.row_count == 1:  # the filter found one article: open it
            self.action_open()

    def on_key(self, event: events.Key) -> None:
        """Type-to-filter: a printable key in the table goes to the filter box."""
        table = self.query_one(DataTable)
        character = event.character
        if table.has_focus and character and character.isprintable() and not character.isspace():
            filter_box = self.query_one("#filter", Input)
            filter_box.focus()
            filter_box.insert_text_at_cursor(character)
            event.prevent_default()
            event.stop()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, column in ("annotations", "modified")
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self.selected_entry
        if entry is not None and (entry.error or entry.sidecar_error):
            self.query_one("#summary", Static).update(
                Text(sanitize(entry.error or entry.sidecar_error or ""))
            )

    def action_open(self) -> None:
        entry = self.selected_entry
        if entry is None:
            return
        if entry.error:
            self.notify(entry.error, severity="error")
            return
        from reader.tui.screens.article import ArticleScreen

        self.app.push_screen(ArticleScreen(entry.path))

    def action_clear_filter(self) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            filter_box.value = ""
        self.query_one(DataTable).focus()
