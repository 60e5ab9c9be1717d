"""The library screen: every article of a folder with its metadata and annotations.

From the keyboard: a letter or digit (of any script) in the table starts the filter, and
then every printable key types into it; "?" (help) and, with the filter empty, "/" (the
search of every article's text) are commands. Up, Down and Enter work from the filter box
as from the table: Enter opens the highlighted row, however many rows match. ctrl+s sorts
by the next column shown, ctrl+o reverses the order; the command palette has "Sort by:"
each column, as a click on its header does.

Where the work stands: once an article of the library has a state (to do, in progress,
done: ``document.state``), a "state" column shows each article's and the summary line the
corpus's progress ("312 of 1,204 done"); typing a state's whole name in the filter keeps
the articles in that state too.

Which columns: by default those the width allows (:func:`fit_columns`). The command
palette's column chooser shows or hides each one ("Show column: file", "Hide column:
tags"): a column shown by choice is kept before every other, however narrow the window
(the others give way), a hidden one is never shown, and the table is fitted to the width
again at once. The choice lasts for the run (the library screen is made once a run), not
in config.toml: which columns matter changes with the task at hand more than with the
person.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import events, getters, work
from textual._two_way_dict import TwoWayDict
from textual.app import ComposeResult
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets.data_table import Row, RowKey
from textual.worker import get_current_worker

from annotations.model import DEFAULT_PROGRESS, PROGRESSES
from reader.keys import Scope
from reader.library.catalog import CatalogEntry, matches, progress
from reader.library.catalog_index import scan_catalog
from reader.text.editing import is_typed_text
from reader.text.fold import fold
from reader.text.render import visual_oneline
from reader.text.sanitize import sanitize
from reader.tui import display
from reader.tui.app import HamishApp
from reader.tui.keys import bindings
from reader.tui.widgets.rtl_input import RtlInput

#: The columns left to right; each one's key is its header. Fewer are shown in a narrower
#: window (see :func:`fit_columns`).
COLUMNS = ("title", "source", "date", "lang", "annotations", "tags", "modified", "file")
#: The article's state (to do, in progress, done) is a column only in a library where some
#: article has a state other than "to do" (see :func:`natural_widths`): a corpus nobody
#: tracks gives it no cells. It stands right of the annotations it sums up.
STATE = "state"
#: Every column left to right, the state column included.
ALL_COLUMNS = ("title", "source", "date", "lang", "annotations", STATE, "tags", "modified", "file")
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
#: When shown, the state column is kept with the essential ones, right after the
#: annotations: where the work stands is what a reviewer scans the list for. Whether it is
#: shown is decided on its least cells ("to do" and "done" fit them, as its header does);
#: once shown it has the cells of its longest state ("in progress", 11) at any width, and
#: the title gives them (a cut "in p…" is what a reviewer would have to guess at).
STATE_FIT = ColumnFit(STATE, 5, 11)
TITLE_MINIMUM = 30
TITLE_ROOMY = 36


def fit_columns(
    width: int,
    natural: Mapping[str, int],
    hidden: Collection[str] = (),
    chosen: Collection[str] = (),
) -> dict[str, int]:
    """The columns shown in a table ``width`` cells wide, in :data:`ALL_COLUMNS` order, and
    the cells of each (padding excluded); ``natural`` is the cells each column's longest
    cell (or header) needs. The padded columns add up to ``width`` exactly, so nothing
    scrolls sideways, unless the window is too narrow even for the title alone. The state
    column, once shown, has the cells of its longest state (:data:`STATE_FIT`).

    The column chooser's choices: a ``hidden`` column is never shown (the title too: then
    the columns take only the cells they want); a ``chosen`` one is kept before all the
    others (the state column too, in a library where no article has a state)."""
    pad = 2 * CELL_PADDING
    kept_first: tuple[ColumnFit, ...] = KEPT_FIRST
    essential = ESSENTIAL
    if STATE in natural or STATE in chosen:
        kept_first = (KEPT_FIRST[0], STATE_FIT, *KEPT_FIRST[1:])
        essential += 1
    # The choices: hidden ones out, chosen ones first (essential, whatever their rank).
    essential_keys = {column.key for column in kept_first[:essential]}
    wanted_first = [c for c in kept_first if c.key in chosen and c.key not in hidden]
    others = [c for c in kept_first if c.key not in chosen and c.key not in hidden]
    kept_first = (*wanted_first, *others)
    essential = len(wanted_first) + sum(1 for c in others if c.key in essential_keys)
    with_title = "title" not in hidden
    # The cells the title keeps while the first columns are given room, then the others.
    title_least = TITLE_MINIMUM + pad if with_title else 0
    title_roomy = TITLE_ROOMY + pad if with_title else 0

    def wanted(column: ColumnFit) -> int:
        return max(1, min(natural.get(column.key, len(column.key)), column.cap))

    def least(column: ColumnFit) -> int:
        return min(column.minimum, wanted(column))

    shown: list[ColumnFit] = []
    used = 0
    for column in kept_first[:essential]:
        if used + least(column) + pad + title_least > width:
            break
        shown.append(column)
        used += least(column) + pad
    if len(shown) == essential:
        used = sum(wanted(column) + pad for column in shown)
        for column in kept_first[essential:]:
            if used + least(column) + pad + title_roomy > width:
                break
            shown.append(column)
            used += least(column) + pad
    cells = {column.key: wanted(column) for column in shown}
    # What is left for the title (without one: room to spare, which must not be short).
    title = width - sum(cells.values()) - pad * (len(cells) + int(with_title))
    floor = (TITLE_ROOMY if len(shown) > essential else TITLE_MINIMUM) if with_title else 0
    for column in reversed(shown):  # short of room: the last kept give theirs first
        if title >= floor:
            break
        give = min(cells[column.key] - least(column), floor - title)
        cells[column.key] -= give
        title += give
    if STATE in cells and with_title:  # the state keeps its cells (STATE_FIT): the title gives
        given = wanted(STATE_FIT) - cells[STATE]
        cells[STATE] += given
        title -= given
    if with_title:
        cells["title"] = max(1, title)
    return {key: cells[key] for key in ALL_COLUMNS if key in cells}


#: Columns sorted largest first when first chosen (the most annotated, the latest worked on);
#: the others A to Z.
DESCENDING_FIRST = frozenset({"annotations", "modified"})


def _tags_text(entry: CatalogEntry) -> str:
    return ", ".join(f"{tag} {count}" for tag, count in entry.tags[:3])


def _notes_text(entry: CatalogEntry) -> str:
    orphaned = f" ({entry.orphaned} orphaned)" if entry.orphaned else ""
    return f"{entry.annotations}{orphaned}" + (" ⚠" if entry.sidecar_error else "")


def natural_widths(entries: Iterable[CatalogEntry]) -> dict[str, int]:
    """The cells each column's longest cell or header needs, for :func:`fit_columns`
    (the logical text's cells: a bound for what the layout draws). The title needs no
    bound and the modification time is always as wide. The state column is there only
    when an entry has a state other than "to do" (:data:`STATE`)."""
    natural = {key: cell_len(key) for key in COLUMNS}
    natural["modified"] = 16  # "%Y-%m-%d %H:%M"
    for entry in entries:
        if entry.state != DEFAULT_PROGRESS:
            natural[STATE] = max(natural.get(STATE, cell_len(STATE)), cell_len(entry.state))
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


def progress_text(entries: list[CatalogEntry]) -> str:
    """The corpus's progress for the summary line: "312 of 1,204 done", and how many are
    in progress when some are."""
    counts = progress(entries)
    text = f"{counts['done']:,} of {len(entries):,} done"
    if counts["in progress"]:
        text += f", {counts['in progress']:,} in progress"
    return text


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
        elif key == STATE:
            cells.append(_cell(entry.state, width))
        elif key == "modified":
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.modified))
            cells.append(Text(stamp, no_wrap=True))
        else:
            cells.append(_cell(entry.relative, width))
    return tuple(cells)


class LaidOutRow:
    """One entry's row for one set of column widths, laid out by the engine on first use
    (when drawn, or read), then kept: a row that is never on screen is never laid out."""

    __slots__ = ("_cells", "cells", "entry", "key", "widths")

    def __init__(self, entry: CatalogEntry, widths: Mapping[str, int]) -> None:
        self.entry = entry
        self.widths = widths
        self.key = RowKey(str(entry.path))
        self._cells: tuple[Text, ...] | None = None
        self.cells = tuple(LazyCell(self, i) for i in range(len(widths)))

    def laid_out(self) -> tuple[Text, ...]:
        if self._cells is None:
            self._cells = row_cells(self.entry, self.widths)
        return self._cells


class LazyCell:
    """A table cell that asks its row to be laid out when it is rendered or read."""

    __slots__ = ("index", "row")

    def __init__(self, row: LaidOutRow, index: int) -> None:
        self.row = row
        self.index = index

    @property
    def text(self) -> Text:
        return self.row.laid_out()[self.index]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)

    def __str__(self) -> str:
        return str(self.text)


class LibraryTable(DataTable[LazyCell]):
    """The library's table: rows are set in bulk (a filter keystroke builds no widget state
    per row beyond three dictionary entries, and lays nothing out), and their cells are laid
    out only when drawn. Says when its size changes, so that its columns are re-fitted."""

    class Resized(Message):
        """The table's size changed."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized())

    def set_rows(self, rows: Sequence[LaidOutRow]) -> None:
        """Show ``rows`` (and only them), in order: what ``clear()`` and ``add_row`` for each
        would do, without measuring any cell (every column has a fixed width)."""
        self.clear()
        columns = [column.key for column in self.ordered_columns]
        self._data = {row.key: dict(zip(columns, row.cells, strict=False)) for row in rows}
        self.rows = {row.key: Row(row.key, 1) for row in rows}
        self._row_locations = TwoWayDict({row.key: i for i, row in enumerate(rows)})
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate
        if rows and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.check_idle()

    def append_rows(self, rows: Iterable[LaidOutRow]) -> None:
        for row in rows:
            self.add_row(*row.cells, key=row.key.value)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # The columns have fixed widths and the rows one line: the virtual size is known
        # without measuring (and laying out) every new row's cells.
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, len(self.rows) + header_height)


class _ScreenCommands(Provider):
    """A command palette provider of the library screen's commands, each a title, its help
    and what it runs (:meth:`_commands`): all of them when the palette opens, those that
    match as one types."""

    @abstractmethod
    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        """(title, help, run) of each command the screen offers now."""

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)


class SortCommands(_ScreenCommands):
    """The command palette's "Sort by: COLUMN", one command a column (shown or not).

    Column names are the table's own headers (plain ASCII): nothing from an article is in
    these commands.
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        screen = self.screen
        if not isinstance(screen, LibraryScreen):
            return []
        return [
            (f"Sort by: {column}", _sort_help(column), _sorter(screen, column))
            for column in ALL_COLUMNS
        ]


#: What each column holds, for the column chooser's commands (the headers are short).
COLUMN_HELP = {
    "title": "the article's title (the file name when it has none)",
    "source": "the outlet",
    "date": "the article's date",
    "lang": "the article's language",
    "annotations": "how many annotations (and orphaned ones)",
    STATE: "to do, in progress or done",
    "tags": "the three commonest tags",
    "modified": "when the file or its annotations last changed",
    "file": "the file, from the library's folder",
}


class ColumnCommands(_ScreenCommands):
    """The command palette's column chooser: "Show column: C" for each column not shown,
    "Hide column: C" for each one shown (not the last), and "Columns: as the width allows"
    once a choice is made. Column names are the table's own headers (plain ASCII)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        screen = self.screen
        if not isinstance(screen, LibraryScreen):
            return []
        shown = screen.shown_columns
        commands: list[tuple[str, str, Callable[[], None]]] = []
        for column in ALL_COLUMNS:
            about = COLUMN_HELP[column]
            if column not in shown:
                commands.append((f"Show column: {column}", about, _shower(screen, column)))
            elif len(shown) > 1:
                commands.append((f"Hide column: {column}", about, _hider(screen, column)))
        if screen.hidden_columns or screen.chosen_columns:
            commands.append(
                (AUTOMATIC_COLUMNS, "forget the columns shown or hidden", screen.automatic_columns)
            )
        return commands


AUTOMATIC_COLUMNS = "Columns: as the width allows"


def _shower(screen: LibraryScreen, column: str) -> Callable[[], None]:
    def run() -> None:
        screen.show_column(column)

    return run


def _hider(screen: LibraryScreen, column: str) -> Callable[[], None]:
    def run() -> None:
        screen.hide_column(column)

    return run


def _sort_help(column: str) -> str:
    order = "descending" if column in DESCENDING_FIRST else "ascending"
    return f"{order}; again to reverse"


def _sorter(screen: LibraryScreen, column: str) -> Callable[[], None]:
    def run() -> None:
        screen.sort_by(column)

    return run


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

    # A letter or digit starts the filter, so the commands are on ctrl keys (and ? and /).
    KEY_SCOPE = Scope.LIBRARY
    BINDINGS = bindings(KEY_SCOPE)
    COMMANDS = {SortCommands, ColumnCommands}

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.entries: list[CatalogEntry] = []
        self.sort_column = "file"
        self.sort_reverse = False
        self.summary = ""
        self._natural = natural_widths(())
        # The column chooser's choices, for the run (see the module's docstring).
        self.hidden_columns: set[str] = set()
        self.chosen_columns: set[str] = set()
        self._widths: dict[str, int] = {}  # the columns shown and their cells
        # Each entry's row for _widths: a filter keystroke or a re-sort reuses it, only a
        # changed entry (a rescan) or a re-fit makes it again; it is laid out when drawn.
        self._rows: dict[Path, LaidOutRow] = {}
        self._by_key: dict[str, CatalogEntry] = {}
        self._sorted: list[CatalogEntry] | None = None  # entries in the sort order
        self._needle = ""  # the folded filter the table shows
        self._scanning = False

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
        """List the library through its catalog index (only changed files are read). The
        first scan streams its batches into the table; a rescan keeps the rows shown until
        it is done, then swaps them in at once."""
        worker = get_current_worker()
        streaming = not self.entries
        entries: list[CatalogEntry] = []
        for batch in scan_catalog(self.root, self.app.annotations_dir):
            if worker.is_cancelled:
                return
            entries.extend(batch)
            if streaming:
                self.app.call_from_thread(self._stream, batch)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, entries, True)

    def _table_width(self, table: DataTable[LazyCell]) -> int:
        """The cells the columns may take: the table's width beside its scrollbar."""
        width = table.scrollable_content_region.width
        if width <= 0:  # not laid out yet: the screen's width
            width = self.app.size.width - table.styles.scrollbar_size_vertical
        return width

    def _fitted(self, table: DataTable[LazyCell], natural: Mapping[str, int]) -> dict[str, int]:
        """The columns and their cells at the table's width, with the chooser's choices."""
        width = self._table_width(table)
        widths = fit_columns(width, natural, self.hidden_columns, self.chosen_columns)
        # Never no column at all (every one hidden): the title, as without choices.
        return widths or fit_columns(width, natural)

    @property
    def shown_columns(self) -> list[str]:
        """The columns the table shows, left to right."""
        return list(self._widths)

    def show_column(self, column: str) -> None:
        """Show ``column`` (the column chooser): kept before the others, whatever the width."""
        self.hidden_columns.discard(column)
        self.chosen_columns.add(column)
        self.refill()
        if column not in self._widths:  # not even it fits beside the title
            display.notify(self, f"No room for {column}: widen the window", severity="warning")

    def hide_column(self, column: str) -> None:
        """Hide ``column`` (the column chooser); the others take its room."""
        if self.shown_columns == [column]:
            display.notify(self, "The last column shown stays", severity="warning")
            return
        self.chosen_columns.discard(column)
        self.hidden_columns.add(column)
        self.refill()

    def automatic_columns(self) -> None:
        """Forget the chooser's choices: the columns the width allows, as at the start."""
        self.hidden_columns.clear()
        self.chosen_columns.clear()
        self.refill()

    def _fit_columns(self, table: DataTable[LazyCell]) -> bool:
        """Fit the columns to the table's width; whether they changed (the table is then
        empty, and every row is laid out again)."""
        widths = self._fitted(table, self._natural)
        if widths == self._widths:
            return False
        self._widths = widths
        self._rows = {}
        table.clear(columns=True)
        for key, cells in widths.items():
            table.add_column(Text(key), width=cells, key=key)
        return True

    def on_library_table_resized(self, event: LibraryTable.Resized) -> None:
        table = self.query_one(LibraryTable)
        if self._fitted(table, self._natural) != self._widths:
            self.refill()

    def _row(self, entry: CatalogEntry) -> LaidOutRow:
        row = self._rows.get(entry.path)
        if row is None or row.entry != entry:
            row = self._rows[entry.path] = LaidOutRow(entry, self._widths)
        return row

    def _stream(self, batch: list[CatalogEntry]) -> None:
        """A batch of the first scan: its rows are added below the others (the scan's
        order is the default one, by file), nothing shown is cleared."""
        self.entries.extend(batch)
        for entry in batch:
            self._by_key[str(entry.path)] = entry
        self._sorted = None
        natural = natural_widths(batch)
        grown = dict(self._natural)  # the state column, once there, stays
        for key, cells in natural.items():
            grown[key] = max(cells, grown.get(key, 0))
        table = self.query_one(LibraryTable)
        if grown != self._natural:
            self._natural = grown
            if self._fitted(table, grown) != self._widths:
                self.refill()  # the columns change: the table is filled again
                return
        if self.sort_column == "file" and not self.sort_reverse:
            needle = self._needle
            table.append_rows(self._row(e) for e in batch if matches(e, needle))
        else:
            self.refill()

    def _show(self, entries: list[CatalogEntry], done: bool) -> None:
        self.entries = entries
        self._by_key = {str(entry.path): entry for entry in entries}
        self._sorted = None
        self._natural = natural_widths(entries)
        self.refill()
        if done:
            listed = {entry.path for entry in entries}
            self._rows = {path: row for path, row in self._rows.items() if path in listed}
            unreadable = sum(1 for e in entries if e.error)
            annotated = sum(1 for e in entries if e.annotations)
            total = sum(e.annotations for e in entries)
            summary = f"{len(entries)} articles · {annotated} annotated · {total} annotations"
            if any(e.state != DEFAULT_PROGRESS for e in entries):
                summary += " · " + progress_text(entries)
            if unreadable:
                summary += f" · {unreadable} unreadable (select one to see why)"
            self.summary = summary
            self.query_one("#summary", Static).update(Text(sanitize(summary)))

    def _sort_key(self, entry: CatalogEntry) -> float | str:
        column = self.sort_column
        if column == "annotations":
            return entry.annotations
        if column == STATE:  # in the order work goes: to do, in progress, done
            return PROGRESSES.index(entry.state) if entry.state in PROGRESSES else -1
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

    def filtered(self, needle: str) -> list[CatalogEntry]:
        """The entries the folded filter ``needle`` keeps, in the sort order (sorted once
        per order, then filtered against each entry's folded text)."""
        if self._sorted is None:
            self._sorted = sorted(self.entries, key=self._sort_key, reverse=self.sort_reverse)
        if not needle:
            return self._sorted
        if needle in PROGRESSES:  # a state's whole name: the articles in it, and text matches
            return [e for e in self._sorted if e.state == needle or needle in e.folded]
        return [entry for entry in self._sorted if needle in entry.folded]

    def reading_order(self) -> list[CatalogEntry]:
        """The articles in the order the table lists them (its sort and filter): the order
        the reader's "next article not done" follows."""
        return list(self.filtered(self._needle))

    def refill(self) -> None:
        table = self.query_one(LibraryTable)
        selected = self.selected_entry
        self._needle = needle = fold(self.query_one("#filter", Input).value.strip()).text
        entries = self.filtered(needle)
        self._fit_columns(table)
        table.set_rows([self._row(entry) for entry in entries])
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
        return self._by_key.get(str(key))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter opens the highlighted row, however many rows match (Up and
        Down move the highlight from the box); with none it goes back to the table."""
        table = self.query_one(DataTable)
        table.focus()
        if table.row_count:
            self.action_open()

    def on_key(self, event: events.Key) -> None:
        """Type-to-filter: a letter or digit in the table starts the filter, and once it is
        started every printable key goes on into the box, but "?" (help)."""
        table = self.query_one(DataTable)
        character = event.character
        if not (table.has_focus and character and is_typed_text(character)):
            return
        if character == "?":
            return  # help (its row in reader/keys.py), even with a filter typed
        filter_box = self.query_one("#filter", Input)
        # Punctuation never starts a filter: "/" searches every article's text (its row in
        # reader/keys.py). A space does not either, but within a filter it is text: keys
        # typed ahead (SSH) arrive together, before the focus has moved to the box.
        if filter_box.value or character.isalnum():
            filter_box.focus()
            filter_box.insert_text_at_cursor(character)
            event.prevent_default()
            event.stop()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort the rows by ``column``; by default the other way round when it is already the
        sort column, else in its first order (:data:`DESCENDING_FIRST`). The highlighted
        row stays highlighted."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else None
        if reverse is None:
            reverse = column in DESCENDING_FIRST
        self.sort_column, self.sort_reverse = column, reverse
        self._sorted = None
        self.refill()

    def action_sort_next(self) -> None:
        """Sort by the column right of the sort column among those shown (the first after
        the last, and the first when the sort column is not shown)."""
        shown = list(self._widths) or list(COLUMNS)
        at = shown.index(self.sort_column) + 1 if self.sort_column in shown else 0
        column = shown[at % len(shown)]
        self.sort_by(column, column in DESCENDING_FIRST)
        self._say_sort()

    def action_sort_reverse(self) -> None:
        self.sort_by(self.sort_column, not self.sort_reverse)
        self._say_sort()

    def _say_sort(self) -> None:
        # The headers do not show the order (their cells are the column names): a toast does.
        order = "descending" if self.sort_reverse else "ascending"
        display.notify(self, f"Sorted by {self.sort_column}, {order}", timeout=2)

    def action_highlight(self, step: int) -> None:
        """Move the highlight ``step`` rows (Up and Down from the filter box)."""
        table = self.query_one(DataTable)
        if table.row_count:
            row = min(max(table.cursor_row + step, 0), table.row_count - 1)
            table.move_cursor(row=row)

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

    def action_corpus_search(self) -> None:
        """Search the text and annotations of every article; a hit opens at its offset."""
        from reader.tui.screens.corpus_search import CorpusSearch, SearchResult

        def chosen(hit: SearchResult | None) -> None:
            if hit is None:
                return
            from reader.tui.screens.article import ArticleScreen

            path, offset = hit
            self.app.push_screen(ArticleScreen(path, at=offset))

        where = self.app.annotations_dir
        search = CorpusSearch(self.root, annotations_dir=str(where) if where else None)
        self.app.push_screen(search, chosen)

    def action_clear_filter(self) -> None:
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            filter_box.value = ""
        self.query_one(DataTable).focus()
