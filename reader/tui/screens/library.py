"""The library screen: every article of a folder with its metadata and annotations."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.text import Text
from textual import events, getters, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from reader.keys import Scope
from reader.library.catalog import CatalogEntry, scan_library
from reader.text.editing import is_typed_text
from reader.text.render import visual_oneline
from reader.text.sanitize import sanitize
from reader.tui import display
from reader.tui.app import HamishApp
from reader.tui.keys import bindings
from reader.tui.widgets.rtl_input import RtlInput

#: The columns left to right; each one's key is its header. Fewer are shown in a narrower
#: window (see :func:`fit_columns`).
COLUMNS = ("title", "source", "date", "lang", "annotations", "tags", "modified", "file")
#: Cells on each side of a column (the DataTable's own padding).
CELL_PADDING = 1


@dataclass(frozen=True, slots=True)
class ColumnFit:
    key: str
    minimum: int  # the fewest cells it is shown with
    cap: int  # the most cells it takes, however long its cells are


# The title has no bounds: it takes what the others leave. The others are given up as the
# window narrows, last first. Kept longest: the analyst's own work (how many annotations,
# what they are tagged) and the date news is read by. Then the source (the outlet; wide,
# and absent from many scraped files), the language (a few cells, and it tells Persian or
# Urdu from Arabic where the script alone does not), when it was last worked on (only to
# sort by), and the file name (hash-like for scraped files, the title falls back to it, and
# the filter matches it anyway).
KEPT_FIRST = (
    ColumnFit("annotations", 11, 18),
    ColumnFit("date", 10, 16),
    ColumnFit("tags", 12, 28),
    ColumnFit("source", 12, 28),
    ColumnFit("lang", 4, 8),
    ColumnFit("modified", 16, 16),
    ColumnFit("file", 14, 40),
)
#: The first ESSENTIAL of KEPT_FIRST are shown while the title keeps TITLE_MINIMUM cells; the
#: others only once those have all the cells they want and the title keeps TITLE_ROOMY. So,
#: in a terminal of 80 columns: title, date, annotations and tags; 100: the same, the title
#: and tags wider; source from about 110, language 115 (120: six columns), modified 133 and
#: the file name 150 (with sample_articles' cells; longer cells need a little more).
ESSENTIAL = 3
TITLE_MINIMUM = 30
TITLE_ROOMY = 36


def fit_columns(width: int, natural: Mapping[str, int]) -> dict[str, int]:
    """The columns shown in a table ``width`` cells wide, in :data:`COLUMNS` order, and the
    cells of each (padding excluded); ``natural`` is the cells each column's longest cell
    (or header) needs. The padded columns add up to ``width`` exactly, so nothing scrolls
    sideways, unless the window is too narrow even for the title alone."""
    pad = 2 * CELL_PADDING

    def wanted(column: ColumnFit) -> int:
        return max(1, min(natural.get(column.key, len(column.key)), column.cap))

    def least(column: ColumnFit) -> int:
        return min(column.minimum, wanted(column))

    shown: list[ColumnFit] = []
    used = 0
    for column in KEPT_FIRST[:ESSENTIAL]:
        if used + least(column) + pad + TITLE_MINIMUM + pad > width:
            break
        shown.append(column)
        used += least(column) + pad
    if len(shown) == ESSENTIAL:
        used = sum(wanted(column) + pad for column in shown)
        for column in KEPT_FIRST[ESSENTIAL:]:
            if used + least(column) + pad + TITLE_ROOMY + pad > width:
                break
            shown.append(column)
            used += least(column) + pad
    cells = {column.key: wanted(column) for column in shown}
    title = width - sum(cells.values()) - pad * (len(cells) + 1)
    floor = TITLE_ROOMY if len(shown) > ESSENTIAL else TITLE_MINIMUM
    for column in reversed(shown):  # short of room: the last kept give theirs first
        if title >= floor:
            break
        give = min(cells[column.key] - least(column), floor - title)
        cells[column.key] -= give
        title += give
    cells["title"] = max(1, title)
    return {key: cells[key] for key in COLUMNS if key in cells}


def _tags_text(entry: CatalogEntry) -> str:
    return ", ".join(f"{tag} {count}" for tag, count in entry.tags[:3])


def _notes_text(entry: CatalogEntry) -> str:
    orphaned = f" ({entry.orphaned} orphaned)" if entry.orphaned else ""
    return f"{entry.annotations}{orphaned}" + (" ⚠" if entry.sidecar_error else "")


def natural_widths(entries: Iterable[CatalogEntry]) -> dict[str, int]:
    """The cells each column's longest cell or header needs, for :func:`fit_columns`
    (the logical text's cells: a bound for what the layout draws). The title needs no
    bound and the modification time is always as wide."""
    natural = {key: cell_len(key) for key in COLUMNS}
    natural["modified"] = 16  # "%Y-%m-%d %H:%M"
    for entry in entries:
        for key, text in (
            ("source", entry.source),
            ("date", entry.date),
            ("lang", entry.language),
            ("annotations", _notes_text(entry)),
            ("tags", _tags_text(entry)),
            ("file", entry.relative),
        ):
            if text:
                natural[key] = max(natural[key], cell_len(text))
    return natural


def _cell(
    text: str | None, width: int, *, justify: JustifyMethod | None = None, style: str = ""
) -> Text:
    """A table cell of at most ``width`` cells, laid out by the engine (shaped, ordered, cut
    at its logical end), right-justified when right-to-left unless ``justify`` says, no
    markup."""
    if not text:
        return Text("")
    shown, rtl = visual_oneline(text, width)
    return Text(
        shown,
        style=style,
        justify=justify or ("right" if rtl else "left"),
        no_wrap=True,
    )


def row_cells(entry: CatalogEntry, widths: Mapping[str, int]) -> tuple[Text, ...]:
    """The cells of ``entry``'s row, for the columns of ``widths`` (from :func:`fit_columns`)."""
    cells: list[Text] = []
    for key, width in widths.items():
        if key == "title":
            if entry.error:
                cells.append(_cell(f"⚠ {entry.error}", width, style="red"))
            else:
                cells.append(_cell(entry.title, width))
        elif key == "source":
            cells.append(_cell(entry.source, width))
        elif key == "date":
            cells.append(_cell(entry.date, width))
        elif key == "lang":
            cells.append(_cell(entry.language, width))
        elif key == "annotations":
            cells.append(_cell(_notes_text(entry), width, justify="right"))
        elif key == "tags":
            cells.append(_cell(_tags_text(entry), width))
        elif key == "modified":
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.modified))
            cells.append(Text(stamp, no_wrap=True))
        else:
            cells.append(_cell(entry.relative, width))
    return tuple(cells)


class LibraryTable(DataTable[Text]):
    """The library's table; says when its size changes, so that its columns are re-fitted."""

    class Resized(Message):
        """The table's size changed."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())


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
        scrollbar-gutter: stable;  /* the columns are fitted to the width beside the scrollbar */
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
        self._natural = natural_widths(())
        self._widths: dict[str, int] = {}  # the columns shown and their cells
        # Each entry's row as last laid out for _widths: a filter keystroke or a re-sort
        # reuses it, only a new entry (a rescan) or a re-fit lays a row out again.
        self._rows: dict[Path, tuple[CatalogEntry, tuple[Text, ...]]] = {}

    def compose(self) -> ComposeResult:
        yield RtlInput(placeholder="Filter by title or tag…", id="filter", select_on_focus=False)
        yield LibraryTable(
            id="table", cursor_type="row", zebra_stripes=True, cell_padding=CELL_PADDING
        )
        yield Static("", id="summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self._fit_columns(table)
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

    def _table_width(self, table: DataTable[Text]) -> int:
        """The cells the columns may take: the table's width beside its scrollbar."""
        width = table.scrollable_content_region.width
        if width <= 0:  # not laid out yet: the screen's width
            width = self.app.size.width - table.styles.scrollbar_size_vertical
        return width

    def _fit_columns(self, table: DataTable[Text]) -> bool:
        """Fit the columns to the table's width; whether they changed (the table is then
        empty, and every row is laid out again)."""
        widths = fit_columns(self._table_width(table), self._natural)
        if widths == self._widths:
            return False
        self._widths = widths
        self._rows.clear()
        table.clear(columns=True)
        for key, cells in widths.items():
            table.add_column(Text(key), width=cells, key=key)
        return True

    def on_library_table_resized(self, event: LibraryTable.Resized) -> None:
        table = self.query_one(DataTable)
        if fit_columns(self._table_width(table), self._natural) != self._widths:
            self.refill()

    def _show(self, entries: list[CatalogEntry], done: bool) -> None:
        self.entries = entries
        self._natural = natural_widths(entries)
        self.refill()
        if done:
            listed = {entry.path for entry in entries}
            self._rows = {path: row for path, row in self._rows.items() if path in listed}
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
        if not self._fit_columns(table):
            table.clear()
        laid_out = self._rows
        for entry in rows:
            cached = laid_out.get(entry.path)
            if cached is not None and cached[0] == entry:
                cells = cached[1]
            else:
                cells = row_cells(entry, self._widths)
                laid_out[entry.path] = (entry, cells)
            table.add_row(*cells, key=str(entry.path))
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
        if not (table.has_focus and character and is_typed_text(character)):
            return
        filter_box = self.query_one("#filter", Input)
        # A space never starts a filter, but within one it is text: keys typed ahead (SSH)
        # arrive together, before the focus has moved from the table to the box.
        if not character.isspace() or filter_box.value:
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
            summary = self.query_one("#summary", Static)
            reason = entry.error or entry.sidecar_error or ""
            summary.update(display.line(reason, summary.size.width or None, direction="ltr"))

    def action_open(self) -> None:
        entry = self.selected_entry
        if entry is None:
            return
        if entry.error:
            display.notify(self, entry.error, severity="error")
            return
        from reader.tui.screens.article import ArticleScreen

        self.app.push_screen(ArticleScreen(entry.path))

    def action_clear_filter(self) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            filter_box.value = ""
        self.query_one(DataTable).focus()
