"""The library's full-text search: a query box, the hits of every article, Enter opens one.

The query is typed in the project's text box (:class:`RtlInput`); each change starts a
search of the library's index (:func:`reader.commands.search.search_corpus`, the same as
``hamish search``: folded text, annotation quotes, notes and tags) in a thread worker,
the newest replacing any still running, so typing never waits for the disk. Each hit is
two rows, both laid out by the engine (:mod:`reader.tui.display`, never markup): the
article's title with its path and line, then the context of the match. Enter (or a
click) dismisses the screen with ``(path, offset)`` of the highlighted hit, the offset a
code-point offset into the article's text (an annotation's start for an annotation hit);
Escape dismisses it with ``None``.
"""

from __future__ import annotations

import threading
from itertools import islice
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.commands.search import Hit, search_corpus
from reader.keys import Scope
from reader.tui import display
from reader.tui.keys import bindings
from reader.tui.widgets.rtl_input import RtlInput

__all__ = ["CorpusSearch", "SearchResult"]

#: At most this many hits are listed (the status line says when there were more).
LIMIT = 500

SearchResult = tuple[Path, int]

_ONE_SEARCH = threading.Lock()


class CorpusSearch(ModalScreen[SearchResult | None]):
    """Search every article of ``root`` (text and annotations); dismissed with the
    chosen hit's ``(path, offset)``, or ``None``."""

    DEFAULT_CSS = """
    CorpusSearch {
        align: center middle;
    }
    CorpusSearch > Vertical {
        width: 90%;
        max-width: 120;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CorpusSearch OptionList {
        height: 1fr;
    }
    CorpusSearch #status {
        height: 1;
        color: $text-muted;
    }
    """

    KEY_SCOPE = Scope.CORPUS_SEARCH
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(
        self, root: Path | str, *, annotations_dir: str | None = None, query: str = ""
    ) -> None:
        super().__init__()
        self.root = Path(root)
        self.annotations_dir = annotations_dir
        self.initial_query = query
        self.hits: list[Hit] = []
        self.searched: str | None = None  # the query the listed hits are for

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="heading")
            yield RtlInput(value=self.initial_query, placeholder="search the library…", id="query")
            yield OptionList(id="hits")
            yield Static(id="status")

    def on_mount(self) -> None:
        self._say_heading()
        self.query_one("#query", RtlInput).focus()
        if self.initial_query.strip():
            self._start(self.initial_query)
        else:
            self._say("type to search every article and its annotations")

    # -- showing

    def _width(self, widget_id: str) -> int | None:
        width = self.query_one(widget_id).content_region.width
        return width or None

    def _say_heading(self) -> None:
        heading = self.query_one("#heading", Static)
        text = f"search {self.root.name or self.root.as_posix()}"
        heading.update(
            display.line(
                text, self._width("#heading"), style="bold", options=display.options_of(self)
            )
        )

    def _say(self, message: str) -> None:
        status = self.query_one("#status", Static)
        width = self._width("#status")
        status.update(display.line(message, width, options=display.options_of(self)))

    def _prompt(self, hit: Hit, width: int | None) -> Text:
        options = display.options_of(self)
        try:
            where = Path(hit.path).relative_to(self.root).as_posix()
        except ValueError:
            where = hit.path
        label = "" if hit.kind == "text" else f" · {hit.kind}"
        # Where first (it is what tells two hits apart), then the title, cut at its end.
        head = f"{display.isolate(where)}:{hit.line}{label}"
        if hit.title:
            head += f" — {display.isolate(hit.title)}"
        # One Text of two lines (Textual's OptionList gives a rich Group no height), each
        # padded to the width by the engine, so a right-to-left line stays right-aligned.
        prompt = display.line(
            head, width, direction="ltr", style="bold", options=options, fill=width is not None
        )
        prompt.append("\n")
        prompt.append_text(
            display.line(hit.context, width, options=options, fill=width is not None)
        )
        return prompt

    def _show(self, query: str, hits: list[Hit], more: bool, problems: int) -> None:
        if self.query_one("#query", RtlInput).value != query:
            return  # typed on since: a newer search is coming
        self.hits, self.searched = hits, query
        listing = self.query_one("#hits", OptionList)
        listing.clear_options()
        width = self._width("#hits")
        if width is not None:
            width = max(width - 2, 10)  # the option list's padding and scrollbar
        listing.add_options(
            [Option(self._prompt(hit, width), id=str(i)) for i, hit in enumerate(hits)]
        )
        if hits:
            listing.highlighted = 0
        if not hits:
            message = "no matches"
        elif more:
            message = f"first {len(hits)} matches"
        else:
            message = f"{len(hits)} match" + ("" if len(hits) == 1 else "es")
        if problems:
            message += f" ({problems} article{'' if problems == 1 else 's'} could not be read)"
        self._say(message)

    # -- searching

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value.strip():
            self._start(event.value)
        else:
            self.workers.cancel_group(self, "corpus-search")
            self._show(event.value, [], False, 0)
            self._say("type to search every article and its annotations")

    def _start(self, query: str) -> None:
        self._say("searching…")
        self._search(query)

    # A search that fails (the library folder renamed or unmounted meanwhile) says so in
    # the status line: it never ends the app.
    @work(thread=True, exclusive=True, group="corpus-search", exit_on_error=False)
    def _search(self, query: str) -> None:
        worker = get_current_worker()
        problems: list[str] = []
        # One search at a time: a first search builds the library's index, and a search
        # per keystroke running beside it would build it again (in memory). Those typed
        # meanwhile wait, and only the newest still runs; it finds the index built.
        with _ONE_SEARCH:
            if worker.is_cancelled:
                return
            hits = []
            try:
                found = search_corpus(
                    [str(self.root)],
                    query,
                    annotations_dir=self.annotations_dir,
                    problems=problems,
                )
                for hit in islice(found, LIMIT + 1):
                    if worker.is_cancelled:
                        return
                    hits.append(hit)
            except Exception as error:  # shown, never raised in the UI
                if not worker.is_cancelled:
                    # "LIBRARY: no such file or folder": the reason first, the status is short.
                    reason = str(error).removeprefix(f"{self.root}: ")
                    self.app.call_from_thread(self._say, f"cannot search: {reason}")
                return
        more = len(hits) > LIMIT
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, query, hits[:LIMIT], more, len(problems))

    # -- choosing

    def _choose(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        self.dismiss((Path(hit.path), hit.offset))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.searched == event.value:
            self._choose(self.query_one("#hits", OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def action_cursor(self, step: int) -> None:
        listing = self.query_one("#hits", OptionList)
        if listing.option_count:
            current = listing.highlighted or 0
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "corpus-search")
        self.dismiss(None)
