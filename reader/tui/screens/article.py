"""The article screen: header, the body view, search, and a status line.

Selections: the keys ``w`` ``S`` ``P`` ``"`` select the word, sentence, paragraph or
innermost quotation around the cursor, and ``)`` ``(`` extend a selection by a sentence
(the units are :mod:`reader.text.units`'s). Every selection is used trimmed: of blanks
always, of punctuation too with the ``trim_punctuation`` setting (:attr:`ArticleScreen.
selection`); a mouse drag is trimmed on screen when the button is released.

Linking (a typed relation between two annotations): ``L`` on the source (the annotation
under the cursor, or the panel's highlighted one) starts a link, the status line says
what to do next; Enter on the target (in the text, or in the panel) asks for the
relation type (the tag picker with one choice: the tagset's ``[[relations]]`` and the
types used recently); escape cancels. Deleting an annotation that has relations asks
first (:mod:`reader.tui.screens.confirm`): both go in one undo step, or nothing does.

Review: ``A`` accepts and ``X`` rejects the annotation under the cursor (or the panel's
highlighted one), the settings' author as the reviewer; the same key again withdraws the
verdict. ``M`` marks the article to do, in progress, done (the header shows it once set);
``ctrl+n`` opens the next article not done, in the library's order (its sort and filter;
opened on one file, its folder's, by file name), knowing what this reader marked since
the library's last scan (``HamishApp.progress_seen``). Each is one undo step, saved like
any edit. Conflicts a git merge left (docs/sidecar.md): the body and the panel mark them,
the panel and the status line show both versions, ``ctrl+o`` keeps ours and ``ctrl+t`` theirs
(``hamish check --resolve``'s rule, one undo step). Leaving an article remembers the
cursor and the top row (:mod:`reader.positions`); opening it again goes back there, unless
it opens on a search hit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, getters, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, LoadingIndicator, Static

from reader.keys import Scope
from reader.library.article import Article, ArticleError, load_article, load_article_head
from reader.text.render import byline
from reader.text.sanitize import has_bidi_overrides
from reader.text.units import (
    Span,
    extend_backward,
    extend_forward,
    paragraph_at,
    quotation_at,
    sentence_at,
    trim,
    word_at,
)
from reader.tui import display
from reader.tui.app import HamishApp
from reader.tui.display import isolate
from reader.tui.keys import bindings
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.label_bar import LabelBar

if TYPE_CHECKING:
    from annotations import Annotation, AnnotationSet
    from annotations.model import DocumentInfo, ReviewState
    from annotations.store import DiskChange
    from annotations.tagset import Tagset
    from reader.commands.check import Side
    from reader.library.catalog import CatalogEntry
    from reader.positions import Position
    from reader.text.layout import LayoutOptions
    from reader.tui.screens.library import LibraryScreen
    from reader.tui.session import AnnotationSession, AuthorFilter, FileStamp, Reanchored
    from reader.tui.widgets.rtl_input import RtlInput

#: Below this many cells for the annotation under the cursor, the status line drops the
#: file name to give its tags and note room (an 80-column terminal with a long name).
ANNOTATION_CELLS = 36
SYNC_LOAD_BYTES = 2_000_000  # larger articles load in a worker behind a preview
SEARCH_HINT = "Search (Arabic-aware: hamza and alef forms, taa marbuta, harakat, tatweel ignored)"
PREVIEW_BYTES = 256 * 1024
SIDECAR_POLL_SECONDS = 2.0
#: A sidecar up to this size is opened and re-read on the event loop (a few ms); a larger
#: one in a worker thread, so that a 200 MB sidecar never freezes the screen.
SYNC_SIDECAR_BYTES = 128 * 1024
SESSION_DELAY = 0.02  # seconds: the first frame is painted before annotations load
FULL_LOAD_DELAY = 0.25  # seconds
STATUS_SEPARATOR = " · "
BIDI_OVERRIDES = "⚠ contains bidi overrides"
NOTE_MIN_CELLS = 8  # a note gets at least this many cells on the status line, or only "…"
QUERY_CELLS = 24  # the search query as the status line repeats it
#: The unit keys' finders: (text, offset) -> the unit's span, or None.
UNITS = {"word": word_at, "sentence": sentence_at, "paragraph": paragraph_at}
#: The labels of the header's line of the article's own tags and note (hamish's words,
#: so the line is left-to-right whatever the article's direction).
ARTICLE_TAGS_LABEL = "Article tags: "
ARTICLE_NOTE_LABEL = "Note: "
#: The header's word before where the work on the article stands (to do, in progress, done).
ARTICLE_STATE_LABEL = "State: "
#: The marks of a reviewed annotation on the status line (the panel shows the same).
REVIEW_MARKS = {"accepted": "✓", "rejected": "✗"}
#: The undo step of "tag every occurrence" (the status line says "Undid …" with it).
TAG_EVERY_LABEL = "tag every occurrence"
#: The source's quote as the status line repeats it while a link is drawn.
LINK_QUOTE_CELLS = 16
#: Before the tags of a curator's annotation (one with ``curated_from``) on the status line.
CURATED_MARK = "◆ curated"
#: Before the tags of an annotation a git merge left in conflict (docs/sidecar.md).
CONFLICT_MARK = "⚠ conflict:"
#: The conflict keys' argument (reader/keys.py) -> the side ``check --resolve`` keeps.
CONFLICT_SIDES: dict[str, Side] = {"ours": "ours", "theirs": "theirs"}
#: The review keys' argument (reader/keys.py) -> the verdict the model stores.
REVIEW_VERDICTS: dict[str, ReviewState] = {"accepted": "accepted", "rejected": "rejected"}


def next_not_done(
    order: Sequence[CatalogEntry], current: Path, seen: Mapping[Path, str]
) -> CatalogEntry | None:
    """The first article of ``order`` after ``current`` (then round from the top) that is
    not done and can be read; None when there is none. ``seen`` overrides an entry's
    state with what this reader set since the library was scanned."""
    at = next((i for i, entry in enumerate(order) if entry.path == current), -1)
    for entry in [*order[at + 1 :], *order[: max(at, 0)]]:
        if entry.error is None and seen.get(entry.path, entry.state) != "done":
            return entry
    return None


def _head_preview(path: Path) -> Article | None:
    """The first whole lines of a large article, for its first screen; None: no safe preview.

    The head goes through the article decoder, so its text is a prefix of the full text
    (same offsets). An encoding guessed from the head alone gives no preview: the whole
    file may be guessed otherwise, and the full load decides.
    """
    try:
        return load_article_head(path, PREVIEW_BYTES, whole_lines=True, guess=False)
    except ArticleError:
        return None


def _about(annotation: Annotation, room: int) -> str:
    """The status line's words on ``annotation`` in about ``room`` cells: its tags, its
    note and its author, each a bidi isolate.

    When they do not all fit, the author goes first, then the note is cut at its logical
    end (or shows as "…"), then the tags are cut.
    """
    tags = ", ".join(isolate(tag) for tag in annotation.tags) or "(no tags)"
    if annotation.review is not None:
        tags = f"{REVIEW_MARKS[annotation.review.state]} {tags}"
    if annotation.curated_from:
        tags = f"{CURATED_MARK} {tags}"
    plain = ", ".join(annotation.tags) or "(no tags)"
    if annotation.conflict is not None:
        theirs = ", ".join(annotation.conflict.tags) or "(no tags)"
        tags = f"{CONFLICT_MARK} ours {tags} | theirs {isolate(theirs)} (ctrl+o or ctrl+t)"
        plain = f"{CONFLICT_MARK} ours {plain} | theirs {theirs}"
    author = f" ({isolate(annotation.author)})" if annotation.author else ""
    note = " ".join(annotation.note.split())
    if not note:
        candidates = [tags + author, tags]
    else:
        candidates = [f"{tags} — {isolate(note)}{author}", f"{tags} — {isolate(note)}"]
        for by in (author, ""):
            left = room - display.width_of(f"{tags} — {by}")
            if left >= NOTE_MIN_CELLS:
                candidates.append(f"{tags} — {isolate(display.clip(note, left))}{by}")
        candidates.append(f"{tags} — …")
    for about in candidates:
        if display.width_of(about) <= room:
            return about
    return isolate(display.clip(plain, max(room, NOTE_MIN_CELLS)))


def document_line(tags: tuple[str, ...], note: str, width: int, state: str = "") -> str:
    """The header's line for the article's state (when one was set), its own tags and its
    note, in about ``width`` cells (logical, each value a bidi isolate); "" when it has
    none of them.

    The note is flattened to one line and cut at its logical end first, then the whole
    line (the tags) at ``width``.
    """
    parts = [ARTICLE_STATE_LABEL + state] if state else []
    if tags:
        parts.append(ARTICLE_TAGS_LABEL + ", ".join(isolate(tag) for tag in tags))
    flat = " ".join(note.split())
    if flat:
        before = STATUS_SEPARATOR.join(parts) + (STATUS_SEPARATOR if parts else "")
        room = width - display.width_of(before + ARTICLE_NOTE_LABEL)
        shown = isolate(display.clip(flat, room)) if room >= NOTE_MIN_CELLS else "…"
        parts.append(ARTICLE_NOTE_LABEL + shown)
    return STATUS_SEPARATOR.join(parts)


class ArticleHeader(Static):
    """Title, source and date, laid out by the engine (never parsed as markup); under
    them, when the article has any, its own tags and note (``T`` / ``C`` edit them).

    Both lines take the article's direction (the reading options' when not ``auto``) and
    sit over the reading column: a right-to-left title is right-aligned with the body
    under it. The column is the view's, measured after each layout of the screen (a
    resize, the panel opening, a new reading width).
    """

    DEFAULT_CSS = """
    ArticleHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        border-bottom: solid $primary;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.article: Article | None = None
        self.options: LayoutOptions | None = None
        self.document: tuple[tuple[str, ...], str] = ((), "")  # the article's tags, note
        self.state = ""  # the article's state once one was set (to do, in progress, done)
        self._shown: tuple[object, ...] | None = None

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, lambda _screen: self._align())

    def show(self, article: Article, options: LayoutOptions) -> None:
        """Show ``article``'s title and byline, laid out with ``options`` (the body's)."""
        self.article, self.options = article, options
        self._shown = None
        self._align()

    def show_document(self, document: DocumentInfo) -> None:
        """Show the article's state (once set), own tags and note (from its sidecar) under
        the byline. An article nobody marked shows no state: "to do" on every article of
        a corpus nobody tracks would only take a line."""
        shown = (tuple(document.tags), document.note)
        state = document.progress if document.state is not None else ""
        if shown != self.document or state != self.state:
            self.document, self.state = shown, state
            self._align()

    def message(self, text: str, style: str = "") -> None:
        """A line instead of the title (opening a large file, an error), laid out too."""
        self.article = None
        self._shown = None
        self.update(display.line(text, self._content_width(), direction="ltr", style=style))

    def _content_width(self) -> int:
        return max(self.content_region.width or self.screen.size.width - 2, 1)

    def column(self) -> tuple[int, int]:
        """(cells before the reading column, its width) inside the header's content."""
        available = self._content_width()
        views = self.screen.query(ArticleView)
        view = views.first() if views else None
        if view is None or not view.size.width or not self.content_region.width:
            return 0, available
        left = view.content_region.x + view.margin - self.content_region.x
        left = min(max(left, 0), available - 1)
        return left, max(min(view.document.width, available - left), 1)  # as drawn

    def _align(self) -> None:
        article, options = self.article, self.options
        if article is None or options is None:
            return
        left, width = self.column()
        key = (
            article.title,
            article.source,
            article.date,
            self.document,
            self.state,
            options,
            left,
            width,
        )
        if key == self._shown:
            return
        self._shown = key
        direction = options.direction
        if direction == "auto":
            direction = "rtl" if article.direction == "rtl" else "ltr"
        pad = " " * left
        shown = Text(no_wrap=True, overflow="crop", end="")
        shown.append(pad)
        shown.append_text(
            display.line(
                article.title, width, direction=direction, options=options, style="bold", fill=True
            )
        )
        under_title = byline(article.source, article.date)
        if under_title is not None:
            shown.append("\n" + pad)
            shown.append_text(
                display.line(
                    under_title,
                    width,
                    direction=direction,
                    options=options,
                    style="italic",
                    fill=True,
                )
            )
        about = document_line(*self.document, width, self.state)
        if about:
            # hamish's own labels: a left-to-right line, each tag and the note isolated.
            shown.append("\n" + pad)
            shown.append_text(
                display.line(about, width, direction="ltr", options=options, style="dim")
            )
        self.update(shown)


class ArticleScreen(Screen[None]):
    """One article: read, move, select, search, annotate."""

    app = getters.app(HamishApp)

    DEFAULT_CSS = """
    ArticleScreen #status {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground-muted;
    }
    ArticleScreen #search {
        display: none;
        height: 3;
    }
    ArticleScreen #search.visible {
        display: block;
    }
    ArticleScreen LoadingIndicator {
        height: 1fr;
    }
    """

    KEY_SCOPE = Scope.ARTICLE
    BINDINGS = bindings(KEY_SCOPE)

    @dataclass
    class AnnotationsChanged(Message, bubble=False):
        """The open article's annotations, as they now are: sent to the view and the panel."""

        annotations: AnnotationSet
        tagset: Tagset
        authors: AuthorFilter | None = None  # whose are shown, and how (None: all alike)

    def __init__(self, path: Path, *, standalone: bool = False, at: int | None = None) -> None:
        super().__init__()
        self.path = path
        self._at = at  # open with the cursor at this offset (a search hit), once it is loaded
        self.standalone = standalone  # opened on a file: q/escape quit instead of going back
        self.article: Article | None = None
        self.partial = False  # showing the beginning of a large article while it loads
        self.previewed = False  # a large article's beginning was shown before it all loaded
        self.session: AnnotationSession | None = None
        self.query_text = ""
        self.searching = False  # a search runs in its worker: "no matches" is not known yet
        self.bidi_overrides = False  # the article holds bidi override/embedding/isolate controls
        self._status = ""  # what the status line says, logical (laid out again on resize)
        self._layout_timer: Timer | None = None
        #: Leaving (back, quit, the next article) asked while a save ran: done once it ends.
        self._after_save: Callable[[], None] | None = None
        #: The offset of the top row to scroll back to (a remembered position), once loaded.
        self._top: int | None = None
        self._position_kept = False  # the position was remembered on leaving
        #: The tags last applied to a selection or added by a key (``.`` applies them again).
        self.last_tags: tuple[str, ...] = ()
        #: What the last "tag every occurrence" did, on the status line until the cursor moves.
        self.notice = ""
        self._mouse_in_view = False  # the mouse button went down on the article's text
        #: The id of the annotation a link is being drawn from (``L``), until Enter on the
        #: target or escape; None when no link is being drawn.
        self.linking: str | None = None

    def compose(self) -> ComposeResult:
        yield ArticleHeader(id="header")
        yield Vertical(id="body")
        yield LabelBar(id="labels")
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self._at is None:  # not opened on a search hit: where the reader left it
            remembered = self.app.positions.get(self.path)
            if remembered is not None:
                self._at, self._top = remembered.cursor, remembered.top
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0
        if size <= SYNC_LOAD_BYTES:  # small articles open at once
            try:
                self._loaded(load_article(self.path))
            except ArticleError as error:
                self._failed(str(error))
            return
        # A large article: show its beginning now, load the whole in a worker.
        preview = _head_preview(self.path)
        self.previewed = preview is not None
        if preview is not None:
            self._loaded(preview, partial=True)
        else:
            self.query_one("#body").mount(LoadingIndicator())
        opening = f"Opening {isolate(self.path.name)} ({size / 1e6:.1f} MB)…"
        if preview is None:
            self.query_one("#header", ArticleHeader).message(opening)
        self.set_status(opening)
        # Start the full load once the first screen is out: decoding holds the GIL.
        self.set_timer(FULL_LOAD_DELAY, self.load)

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        try:
            article = load_article(self.path)
        except ArticleError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._loaded, article)

    def _failed(self, message: str) -> None:
        self.query(LoadingIndicator).remove()
        self.query_one("#header", ArticleHeader).message(message, style="bold red")
        self.set_status(message)
        display.notify(self, message, severity="error")

    def _loaded(self, article: Article, partial: bool = False) -> None:
        """Show ``article``; a full load after a partial preview keeps the cursor and scroll."""
        self.article = article
        self.partial = partial
        view = self.view
        if view is not None:
            view.replace_text(article.text, article.paragraphs())
        else:
            view = ArticleView(
                article.text,
                article.paragraphs(),
                self.app.layout_options(article),
                reading_width=self.app.settings.reading_width,
                id="view",
            )
            self.query(LoadingIndicator).remove()
            self.query_one("#body").mount(view)
            view.focus()
        self.query_one("#header", ArticleHeader).show(article, self.app.layout_options(article))
        self.bidi_overrides = has_bidi_overrides(article.text)
        if self._at is not None and (not partial or self._at < len(article.text)):
            at = min(self._at, len(article.text))
            view.move_to(at)
            # Scrolled to once the view has a size (the top row too, for a remembered place).
            self.call_after_refresh(self._go_back_to, at, self._top)
            if not partial:
                self._at = self._top = None
        if article.encoding_detected:
            display.notify(self, f"Not UTF-8: decoded as {article.encoding}", timeout=5)
        self.set_status(self._describe())
        if not partial and self.previewed and self.query_text:
            self.start_search(self.query_text)  # a search made on the preview: now the whole
        if not partial and self.session is None:
            # Annotations (sidecar, tagset, re-anchoring) come right after the first frame.
            self.set_timer(SESSION_DELAY, lambda: self._open_session(article))
        if not partial and self._layout_timer is None:
            # Exact line counts (for the scrollbar) are worked out after the first frame.
            self.call_after_refresh(self._start_background_layout)

    def _go_back_to(self, at: int, top: int | None) -> None:
        """Put the cursor on ``at`` and, when given, the row of offset ``top`` at the top
        of the view (the cursor kept on screen either way)."""
        view = self.view
        if view is None:
            return
        view.move_to(at)
        if top is not None:
            document = view.document
            row, _ = document.locate(document.snap(max(document.start, min(top, len(view.text)))))
            view.scroll_to(y=row, animate=False, immediate=True)
            view.scroll_to_cursor()

    def position(self) -> Position | None:
        """Where the reader is in the article (the cursor, the top row's first offset);
        None before it has loaded, or while only its beginning is shown."""
        from reader.positions import Position

        view = self.view
        if view is None or self.article is None or self.partial:
            return None
        document = view.document
        row = document.text_row(int(view.scroll_offset.y), 1)
        line = document.line(row) if row is not None else None
        top = line.start if line is not None else view.cursor
        return Position(view.cursor, top)

    def remember_position(self) -> None:
        """Keep where the reader is for the next time the article opens (reader/positions.py)."""
        position = self.position()
        if position is not None:
            self.app.positions.remember(self.path, position)
            self._position_kept = True

    def _start_background_layout(self) -> None:
        if self._layout_timer is None:
            self._layout_timer = self.set_interval(0.05, self._layout_more, name="layout")

    def _layout_more(self) -> None:
        """Between key presses, make the line count exact (for the scrollbar) bit by bit."""
        view = self.view
        if view is None or view.document.exact:
            return  # idle until a resize or a setting brings a new layout
        view.layout_in_background()
        self.set_status(self._describe())

    @property
    def view(self) -> ArticleView | None:
        views = self.query(ArticleView)
        return views.first() if views else None

    def apply_settings(self) -> None:
        view = self.view
        if view is not None and self.article is not None:
            options = self.app.layout_options(self.article)
            view.set_options(options, self.app.settings.reading_width)
            self.query_one("#header", ArticleHeader).show(self.article, options)
            self.set_status(self._describe())

    def on_resize(self) -> None:
        # The status line is laid out for its width: again at the new one.
        self.set_status(self._describe() if self.view is not None else self._status)

    # -- status -----------------------------------------------------------------
    def status_width(self) -> int:
        """The cells of the status line: the screen's width less its padding (the line's
        own region is not laid out again yet when the screen hears of a resize)."""
        return max(self.size.width - 2, 1)

    def set_status(self, message: str) -> None:
        """Show ``message`` (logical text) on the status line, laid out by the engine."""
        self._status = message
        self.query_one("#status", Static).update(
            display.line(
                message, self.status_width(), direction="ltr", options=display.options_of(self)
            )
        )

    def _describe(self) -> str:
        """The status line: save state, the annotation under the cursor (its tags, note
        and author), the file, the cursor, the selection, search counts, progress.

        Each part is a bidi isolate, so an Arabic note or file name keeps its own order
        and leaves "offset 12" alone. The annotation gets the cells the other parts
        leave: its note is cut (at its logical end) before anything else is.
        """
        view = self.view
        if view is None or self.article is None:
            return ""
        before: list[str] = []
        after: list[str] = []
        if self.bidi_overrides:
            before.append(BIDI_OVERRIDES)
        if self.notice:
            after.append(self.notice)
        session = self.session
        source = session.annotations.get(self.linking) if session and self.linking else None
        if self.linking and source is None:
            self.linking = None  # the source went (an undo, a merge): nothing to link from
        if source is not None:
            quote = isolate(display.clip(source.quote, LINK_QUOTE_CELLS))
            before.append(f"link from «{quote}»: Enter on the target, esc cancels")
        if session is not None:
            state = session.state
            mark = "○ " if state.saving else "● " if state.saved else "✗ "
            before.append(mark + isolate(state.message))
        file_name = isolate(self.path.name)
        if session is not None and session.author_filter.label:
            after.append(f"authors: {isolate(session.author_filter.label)}")
        after.extend([file_name, f"offset {view.cursor}"])
        selection = view.selection
        if selection is not None:
            count = selection.length
            after.append(
                f"selected {selection.start}–{selection.end} "
                f"({count} character{'s' if count != 1 else ''})"
            )
        query = isolate(display.clip(self.query_text, QUERY_CELLS))
        if view.matches:
            position = "" if view.current_match is None else f"{view.current_match + 1}/"
            after.append(f"{position}{len(view.matches)} matches for {query}")
        elif self.query_text and self.searching:
            after.append(f"searching for {query}…")
        elif self.query_text:
            after.append(f"no matches for {query}")
        document = view.document
        if self.partial:
            after.append("loading the rest…")
        elif not document.exact:
            after.append(f"laying out {100 * document.laid_out // len(document.paragraphs)}%")
        under = session.at(view.cursor) if session is not None else []
        if under:
            room = self._room_beside(before, after)
            if room < ANNOTATION_CELLS:  # the annotation matters more than the file's name,
                after.remove(file_name)  # which the header shows as its title anyway
                room = self._room_beside(before, after)
            before.append(_about(under[0], room))
        return STATUS_SEPARATOR.join(before + after)

    def _room_beside(self, before: list[str], after: list[str]) -> int:
        """The cells the status line leaves for one more part beside these."""
        rest = display.width_of(STATUS_SEPARATOR.join(before + after))
        return self.status_width() - rest - display.width_of(STATUS_SEPARATOR)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.notice = ""
        self.set_status(self._describe())

    def on_article_view_selection_changed(self, message: ArticleView.SelectionChanged) -> None:
        self.set_status(self._describe())

    # -- actions ------------------------------------------------------------------
    @property
    def search_box(self) -> RtlInput:
        """The search input, mounted the first time it is needed."""
        from reader.tui.widgets.rtl_input import RtlInput  # first used here: not at start-up

        found = self.query("#search")
        if found:
            return found.first(RtlInput)
        search = RtlInput(placeholder=SEARCH_HINT, id="search")
        self.mount(search, before=self.query_one("#status"))
        return search

    def action_search(self) -> None:
        search = self.search_box
        search.add_class("visible")
        search.value = self.query_text
        search.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        self.query_text = event.value
        event.input.remove_class("visible")
        view = self.view
        if view is not None:
            view.focus()
            self.start_search(event.value)

    def start_search(self, query: str) -> None:
        """Search in the worker; until it answers, the status line says it is searching."""
        self.searching = bool(query)
        self.set_status(self._describe())
        self.run_search(query)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        from reader.text.document import find_matches

        article = self.article
        if article is None:
            return
        # In chunks of the text, never a folded copy of all of it (a 50 MB article).
        matches = find_matches(article.text, query, article.body_start) if query else []
        self.app.call_from_thread(self._show_matches, matches)

    def _show_matches(self, matches: list[tuple[int, int]]) -> None:
        self.searching = False
        view = self.view
        if view is None:
            return
        view.set_matches(matches)
        if matches:
            view.goto_match(forward=True)
        self.set_status(self._describe())

    def action_next_match(self) -> None:
        if self.view is not None and self.view.goto_match(forward=True) is not None:
            self.set_status(self._describe())

    def action_previous_match(self) -> None:
        if self.view is not None and self.view.goto_match(forward=False) is not None:
            self.set_status(self._describe())

    def action_back(self) -> None:
        if self.linking is not None:
            self.linking = None
            self.set_status(self._describe())
            display.notify(self, "Link cancelled", timeout=2)
            return
        found = self.query("#search")
        search = found.first(Input) if found else None
        if search is not None and search.has_class("visible"):
            search.remove_class("visible")
            if self.view is not None:
                self.view.focus()
            return
        view = self.view
        panels = self.query(AnnotationPanel)
        if view is not None and panels and panels.first().has_focus_within:
            view.focus()  # out of the panel, back to the text
            return
        if view is not None and view.clear_selection():
            return
        if view is not None and view.matches:
            view.set_matches([])
            self.query_text = ""
            self.set_status(self._describe())
            return
        if self.standalone:
            # Opened on one file: escape only cancels things; q quits.
            display.notify(self, "Press q to quit", timeout=2)
            return
        self.action_close()

    def action_close(self) -> None:
        """Back to the library (quit, opened on one file); unsaved annotations ask first."""
        self._leave(self._back_out)

    def _back_out(self) -> None:
        if self.standalone:
            self.app.exit()
        else:
            self.app.pop_screen()

    def _leave(self, then: Callable[[], None]) -> None:
        """Leave the article by ``then`` (back, quit, the next article) once its annotations
        are saved: a save under way ends first; unsaved annotations ask first. The reader's
        position is remembered on the way out."""
        session = self.session
        if session is not None and session.saving:
            self._after_save = then  # the save ends in the background, then we leave
            self.set_status(self._describe())
            return

        def leave() -> None:
            self.remember_position()
            then()

        if session is None or not session.unsaved_changes:
            leave()
            return
        from reader.tui.screens.unsaved import UnsavedChanges

        def answered(leaving: bool | None) -> None:
            if leaving:
                leave()

        self.app.push_screen(UnsavedChanges(session), answered)

    def on_unmount(self) -> None:
        """Leaving (or quitting): a save still under way ends, and edits since are written."""
        session = self.session
        if session is not None and session.saving:
            session.flush()

    # -- annotations ----------------------------------------------------------------
    def _open_session(self, article: Article) -> None:
        """Open the annotations: on the event loop for a small sidecar, else in a worker."""
        from annotations import sidecar_path

        app = self.app
        root = self.path.parent
        for screen in app.screen_stack:
            library_root = getattr(screen, "root", None)
            if library_root is not None:
                root = library_root
        try:
            size = sidecar_path(self.path, app.annotations_dir, root).stat().st_size
        except OSError:
            size = 0
        if size <= SYNC_SIDECAR_BYTES:
            self._session_opened(article, *self._new_session(article, root))
            return
        self.set_status(f"Reading annotations ({size / 1e6:.1f} MB)…")
        self._open_session_in_worker(article, root)

    @work(thread=True, exclusive=True, group="session")
    def _open_session_in_worker(self, article: Article, root: Path) -> None:
        opened = self._new_session(article, root)
        self.app.call_from_thread(self._session_opened, article, *opened)

    def session_author(self) -> str:
        """The author of the annotations made here: the settings' (a curator's screen: the
        curator)."""
        return self.app.settings.resolved_author()

    def _new_session(
        self, article: Article, root: Path
    ) -> tuple[AnnotationSession | None, str | None]:
        """The session of ``article`` (reads its sidecar and tagset: safe in a worker)."""
        from reader.tui.session import AnnotationSession

        app = self.app
        try:
            session = AnnotationSession(
                self.path,
                article.text,
                author=self.session_author(),
                annotations_dir=app.annotations_dir,
                library_root=root,
                on_change=self._annotations_changed,
            )
        except Exception as error:  # a tagset or sidecar problem must not stop reading
            return None, str(error)
        session.set_author_filter(app.settings.author_filter)
        return session, None

    def _session_opened(
        self, article: Article, session: AnnotationSession | None, problem: str | None
    ) -> None:
        if session is None:
            display.notify(self, f"Annotations unavailable: {problem}", severity="error", timeout=8)
            return
        session.background = self._run_save
        session.on_saved = self._saved
        self.session = session
        if session.read_only:
            display.notify(self, session.read_only, severity="warning", timeout=8)
        # The tagset's problems stay on screen, in the label bar, until it is closed: each
        # one changes what a key does (the tag is kept without its bad key or colour).
        labels = self.query_one("#labels", LabelBar)
        labels.show_tagset(session.tagset, session.tagset_problems)
        if session.tagset_problems:
            labels.add_class("visible")
        self._offer_recovery(session)
        self._annotations_changed(session.annotations)
        session.on_reload = self._article_reloaded
        self.set_interval(SIDECAR_POLL_SECONDS, self._poll_sidecar, name="sidecar")

    def _offer_recovery(self, session: AnnotationSession) -> None:
        """A failed save left a recovery file for this article: offer to restore it."""
        from reader.recovery import RecoveryError, read_recovery, remove_recovery

        if session.read_only:
            return  # nothing could be saved: the file waits for a writable sidecar
        try:
            recovered = read_recovery(self.path, session.text, session.recovery_folder)
        except RecoveryError as error:
            display.notify(self, f"Recovery file unreadable: {error}", severity="warning")
            return
        if recovered is None:
            return
        from reader.tui.screens.unsaved import RecoveryOffer

        def answered(restore: bool | None) -> None:
            if restore:
                with session.saving_in_background():
                    session.restore(recovered)
                self._after_edit(f"Restored {len(recovered.annotations)} annotations")
                return
            try:
                remove_recovery(self.path, session.recovery_folder)
            except RecoveryError as error:
                display.notify(self, str(error), severity="error")
                return
            display.notify(self, "Recovery file discarded", timeout=3)

        self.app.push_screen(RecoveryOffer(self.path, recovered), answered)

    def _annotations_changed(self, annotations: AnnotationSet) -> None:
        """The session's listener: tell the view and the panel, show the article's own tags
        and note in the header, update the status line."""
        self._tell(annotations, *self.query(ArticleView), *self.query(AnnotationPanel))
        self.query_one("#header", ArticleHeader).show_document(annotations.document)
        # What "next article not done" knows of this one: the library's row is of its last scan.
        self.app.progress_seen[self.path] = annotations.document.progress
        self.set_status(self._describe())

    def _tell(self, annotations: AnnotationSet, *widgets: Widget) -> None:
        session = self.session
        if session is not None:
            message = self.AnnotationsChanged  # one per widget: a message is handled once
            for widget in widgets:
                widget.post_message(message(annotations, session.tagset, session.author_filter))

    def _run_save(self, job: Callable[[], Callable[[], None]]) -> None:
        """The session's background runner: ``job`` in a worker, its answer on the loop."""

        def save() -> None:
            done = job()
            try:
                self.app.call_from_thread(done)
            except RuntimeError:  # the app is closing: on_unmount flushes instead
                pass

        self.run_worker(save, thread=True, group="save", name="save", exit_on_error=False)

    def _saved(self, state: object) -> None:
        """A background save ended: the status line, a toast on failure, a pending close."""
        session = self.session
        if session is None:
            return
        self.set_status(self._describe())
        if session.state.failed:
            display.notify(self, session.state.message, severity="error", timeout=8)
        if self._after_save is not None and not session.saving:
            then, self._after_save = self._after_save, None
            self._leave(then)

    def _poll_sidecar(self) -> None:
        """Every SIDECAR_POLL_SECONDS: has the article file changed (a stat; the text is
        read in a worker only when the stat differs), then has the sidecar (a stat too; a
        large one is read in a worker), and merge its changes."""
        session = self.session
        if session is None:
            return
        stamp = session.article_changed()
        if stamp is not None:
            self._check_article(session, stamp)
        if not session.sidecar_changed():
            return
        try:
            size = session.sidecar.path.stat().st_size
        except OSError:
            size = 0
        if size > SYNC_SIDECAR_BYTES or session.saving:
            self._read_sidecar(session)
        elif session.refresh():
            display.notify(self, "Annotations changed on disk: merged", timeout=3)

    @work(thread=True, exclusive=True, group="sidecar-watch")
    def _read_sidecar(self, session: AnnotationSession) -> None:
        """Read another process's version of the sidecar (off the event loop)."""
        from annotations import SidecarError

        try:
            change = session.read_outside()
        except SidecarError as error:
            self.app.call_from_thread(self.set_status, f"not read: {error}")
            return
        if change is not None:
            self.app.call_from_thread(self._sidecar_read, session, change)

    def _sidecar_read(self, session: AnnotationSession, change: DiskChange) -> None:
        if session is self.session and session.take_outside(change):
            display.notify(self, "Annotations changed on disk: merged", timeout=3)

    @work(thread=True, exclusive=True, group="article-watch")
    def _check_article(self, session: AnnotationSession, stamp: FileStamp) -> None:
        """Read the article whose file changed (off the event loop: it may be large)."""
        from textual.worker import get_current_worker

        try:
            article = session.changed_article()
        except ArticleError as error:
            problem: str | None = str(error)
            article = None
        else:
            problem = None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._article_checked, session, stamp, article, problem)

    def _article_checked(
        self,
        session: AnnotationSession,
        stamp: FileStamp,
        article: Article | None,
        problem: str | None,
    ) -> None:
        if session is not self.session:
            return
        if problem is not None:
            session.keep_stamp(stamp)  # tried once; again when the file changes again
            display.notify(
                self,
                f"The article changed on disk but cannot be read: {problem}",
                severity="warning",
                timeout=8,
            )
        elif article is None:
            session.keep_stamp(stamp)  # touched, or rewritten with the same text
        else:
            with session.saving_in_background():
                session.reload(article, stamp)  # tells _article_reloaded, then saves

    def _article_reloaded(self, article: Article, moved: Reanchored) -> None:
        """The session follows the article to a new text: show it, say what moved.

        Called by the session (after a poll, or before a save that found the file
        changed), with the annotations already re-anchored; they reach the view next.
        """
        from reader.tui.session import follow_offset

        old = self.article
        self.article = article
        self.partial = False
        view = self.view
        if view is not None:
            cursor = follow_offset(view.text, article.text, view.cursor)
            view.clear_selection()  # offsets into the old text
            view.set_matches([])
            view.replace_text(article.text, article.paragraphs())
            options = self.app.layout_options(article)
            if old is None or options != self.app.layout_options(old):
                view.set_options(options)
            view.move_to(cursor)
        self.query_one("#header", ArticleHeader).show(article, self.app.layout_options(article))
        self.bidi_overrides = has_bidi_overrides(article.text)
        if self.query_text:
            self.start_search(self.query_text)
        what = moved.describe()
        display.notify(
            self,
            "The article changed on disk and was reloaded" + (f": {what}" if what else ""),
            timeout=8,
            severity="warning" if moved.orphaned else "information",
        )
        self.set_status(self._describe())

    def _editable(self) -> AnnotationSession | None:
        session = self.session
        if session is None:
            display.notify(
                self, "Annotations are available once the article has loaded", severity="warning"
            )
            return None
        if session.read_only:
            display.notify(self, f"Read-only: {session.read_only}", severity="error")
            return None
        return session

    def _target(self) -> Annotation | None:
        """The annotation under the cursor (innermost), or the panel's highlighted one."""
        session, view = self.session, self.view
        if session is None or view is None:
            return None
        panels = self.query(AnnotationPanel)
        if panels and panels.first().has_focus_within:
            highlighted = panels.first().highlighted_id
            if highlighted:
                return session.annotations.get(highlighted)
        under = session.at(view.cursor)
        return under[0] if under else None

    def _after_edit(self, message: str) -> None:
        if self.session is not None and self.session.state.failed:
            display.notify(self, self.session.state.message, severity="error", timeout=8)
        else:
            display.notify(self, message, timeout=2)

    def _pick_tags(
        self, title: str, chosen: list[str], done: Callable[[list[str] | None], None]
    ) -> None:
        session = self.session
        assert session is not None

        def check(tag: str) -> str | None:
            return session.check_tags([tag])[1]

        from reader.tui.screens.tag_picker import TagPicker

        self.app.push_screen(TagPicker(title, session.tag_choices(), chosen, check), done)

    def action_tag(self) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        selection = self.selection
        if selection is not None:

            def create(tags: list[str] | None) -> None:
                if tags is None:
                    return
                with session.saving_in_background():
                    annotation = session.add(selection.start, selection.end, tags)
                self._remember_tags(annotation.tags)
                view.clear_selection()
                self._after_edit(f"Annotated {annotation.end - annotation.start} characters")

            self._pick_tags("Tag the selection", [], create)
            return
        target = self._target()
        if target is None:
            display.notify(
                self,
                "Select text to annotate, or put the cursor on an annotation",
                severity="warning",
            )
            return

        def retag(tags: list[str] | None) -> None:
            if tags is not None:
                with session.saving_in_background():
                    session.set_tags(target.id, tags)
                self._remember_tags(tags)
                self._after_edit("Tags changed")

        self._pick_tags("Tags of this annotation", list(target.tags), retag)

    def action_note(self) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        selection = self.selection
        target = None if selection is not None else self._target()
        if selection is None and target is None:
            display.notify(
                self, "Select text, or put the cursor on an annotation", severity="warning"
            )
            return

        def done(note: str | None) -> None:
            if note is None:
                return
            if target is not None:
                with session.saving_in_background():
                    session.set_note(target.id, note)
                self._after_edit("Note saved")
            elif selection is not None:
                with session.saving_in_background():
                    session.add(selection.start, selection.end, (), note)
                view.clear_selection()
                self._after_edit("Annotated with a note")

        from reader.tui.screens.note_editor import NoteEditor

        self.app.push_screen(NoteEditor("Note", target.note if target else ""), done)

    def action_delete(self) -> None:
        session = self._editable()
        target = self._target()
        if session is None:
            return
        if target is None:
            display.notify(self, "No annotation under the cursor", severity="warning")
            return
        self._delete(session, target)

    def action_respan(self) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        target = self._target()
        selection = self.selection
        if target is None or selection is None:
            display.notify(
                self,
                "Select the new text, with the cursor or panel on the annotation",
                severity="warning",
            )
            return
        with session.saving_in_background():
            session.respan(target.id, selection.start, selection.end)
        view.clear_selection()
        self._after_edit("Annotation moved to the selection")

    def set_author_filter(self, choice: str) -> None:
        """Show ``choice``'s annotations (reader.settings.AUTHOR_FILTER_WORDS or an author's
        name): the view, the panel and the keys follow; the status line says which."""
        session = self.session
        if session is None:
            return
        session.set_author_filter(choice)
        self._annotations_changed(session.annotations)
        label = session.author_filter.label or "everyone's alike"
        display.notify(self, f"Annotations shown: {isolate(label)}", timeout=3)

    def action_next_annotation(self) -> None:
        if self.session is not None and self.view is not None:
            found = self.session.next_after(self.view.cursor)
            if found is not None:
                self.view.move_to(found.start)

    def action_previous_annotation(self) -> None:
        if self.session is not None and self.view is not None:
            found = self.session.previous_before(self.view.cursor)
            if found is not None:
                self.view.move_to(found.start)

    def action_undo(self) -> None:
        session = self._editable()
        if session is not None:
            with session.saving_in_background():
                label = session.undo()
            if label:
                self._after_edit(f"Undid {label}")
            else:
                display.notify(self, "Nothing to undo", timeout=2)

    def action_redo(self) -> None:
        session = self._editable()
        if session is not None:
            with session.saving_in_background():
                label = session.redo()
            if label:
                self._after_edit(f"Redid {label}")
            else:
                display.notify(self, "Nothing to redo", timeout=2)

    def action_toggle_panel(self) -> None:
        panels = self.query(AnnotationPanel)
        if panels:
            panels.first().remove()
            if self.view is not None:
                self.view.focus()
            return
        panel = AnnotationPanel(id="panel")
        self.query_one("#body").mount(panel)
        if self.session is not None:
            self._tell(self.session.annotations, panel)

    def action_document_tags(self) -> None:
        session = self._editable()
        if session is None:
            return

        def done(tags: list[str] | None) -> None:
            if tags is not None:
                with session.saving_in_background():
                    session.set_document(tags=tags)
                self._after_edit("Article tags saved")

        self._pick_tags("Tags of the whole article", list(session.annotations.document.tags), done)

    def action_document_note(self) -> None:
        session = self._editable()
        if session is None:
            return

        def done(note: str | None) -> None:
            if note is not None:
                with session.saving_in_background():
                    session.set_document(note=note)
                self._after_edit("Article note saved")

        note = session.annotations.document.note
        from reader.tui.screens.note_editor import NoteEditor

        self.app.push_screen(NoteEditor("Note on the whole article", note), done)

    def on_annotation_panel_jump(self, message: AnnotationPanel.Jump) -> None:
        session, view = self.session, self.view
        if session is None or view is None:
            return
        if self.linking is not None:
            self._link_to(message.annotation_id)  # the panel's Enter picks the target
            return
        annotation = session.annotations.get(message.annotation_id)
        if annotation is None:
            return
        if annotation.status == "orphaned":
            display.notify(
                self,
                "Orphaned: the article changed and its quote was not found. Select the text and "
                "press R in the panel to re-attach it, or d to delete it.",
                timeout=8,
            )
            return
        view.select(annotation.start, annotation.end)
        view.focus()

    def on_annotation_panel_delete(self, message: AnnotationPanel.Delete) -> None:
        session = self._editable()
        annotation = session.annotations.get(message.annotation_id) if session else None
        if session is not None and annotation is not None:
            self._delete(session, annotation)

    def on_annotation_panel_unrelate(self, message: AnnotationPanel.Unrelate) -> None:
        session = self._editable()
        if session is not None:
            with session.saving_in_background():
                session.unrelate(message.relation_id)
            self._after_edit("Relation deleted (u to undo)")

    def _delete(self, session: AnnotationSession, annotation: Annotation) -> None:
        """Delete ``annotation``; one that has relations asks first whether they go too
        (yes: all in one undo step; no: nothing is deleted, see screens/confirm.py)."""
        count = len(session.annotations.relations_of(annotation.id))
        if not count:
            with session.saving_in_background():
                session.delete(annotation.id)
            self._after_edit("Annotation deleted (u to undo)")
            return
        from reader.tui.screens.confirm import ConfirmDelete

        def answered(delete: bool | None) -> None:
            if not delete:
                display.notify(self, "Nothing deleted", timeout=2)
                return
            if session is not self.session or session.annotations.get(annotation.id) is None:
                return  # gone meanwhile (a merge from another analyst)
            with session.saving_in_background():
                session.delete(annotation.id, with_relations=True)
            noun = "relation" if count == 1 else "relations"
            self._after_edit(f"Annotation and its {count} {noun} deleted (u undoes both)")

        self.app.push_screen(ConfirmDelete(annotation, session.annotations), answered)

    # -- linking two annotations -----------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter links only while a link is drawn; otherwise the key is not this screen's.
        if action == "link_here":
            return self.linking is not None
        return True

    def action_link(self) -> None:
        """Start a link from the annotation under the cursor (or the panel's highlighted)."""
        session = self._editable()
        if session is None:
            return
        source = self._target()
        if source is None:
            display.notify(
                self,
                "Put the cursor on an annotation (or highlight it in the panel) to link from it",
                severity="warning",
            )
            return
        self.linking = source.id
        self.set_status(self._describe())

    def action_link_here(self) -> None:
        """Enter while a link is drawn: the annotation under the cursor is its target."""
        session, view = self.session, self.view
        if session is None or view is None:
            return
        under = session.at(view.cursor)
        if not under:
            display.notify(self, "No annotation here: move onto the target", timeout=3)
            return
        self._link_to(under[0].id)

    def _link_to(self, target_id: str) -> None:
        """The target is picked: ask for the relation type, then link (one undo step)."""
        session, source_id = self._editable(), self.linking
        if session is None or source_id is None:
            return
        if target_id == source_id:
            display.notify(self, "That is the annotation linked from: pick another", timeout=3)
            return

        def chosen(types: list[str] | None) -> None:
            self.linking = None
            if not types:
                self.set_status(self._describe())
                display.notify(self, "Link cancelled", timeout=2)
                return
            try:
                with session.saving_in_background():
                    relation = session.relate(source_id, target_id, types[0])
            except ValueError as problem:  # refused by a strict tagset, or linked already
                self.set_status(self._describe())
                display.notify(self, str(problem), severity="error", timeout=8)
                return
            self._after_edit(f"Linked: {isolate(relation.type)} (u to undo)")

        def check(name: str) -> str | None:
            return session.check_relation_type(name)[1]

        from reader.tui.screens.tag_picker import TagPicker

        picker = TagPicker(
            "Relation type (from the first annotation to this one)",
            session.relation_choices(),
            check=check,
            single=True,
            noun="relation type",
        )
        self.app.push_screen(picker, chosen)

    def on_annotation_panel_retype(self, message: AnnotationPanel.Retype) -> None:
        """``t`` on a relation line in the panel: pick its new type (one undo step)."""
        session = self._editable()
        relation = session.annotations.relation(message.relation_id) if session else None
        if session is None or relation is None:
            return
        relation_id, old = relation.id, relation.type

        def chosen(types: list[str] | None) -> None:
            if not types or session is not self.session:
                return
            try:
                with session.saving_in_background():
                    retyped = session.retype(relation_id, types[0])
            except ValueError as problem:  # refused by a strict tagset, or linked so already
                display.notify(self, str(problem), severity="error", timeout=8)
                return
            if retyped is None:  # gone meanwhile (a merge from another analyst)
                return
            if retyped.type == old:
                display.notify(self, f"Still {isolate(old)}: nothing changed", timeout=2)
                return
            self._after_edit(f"Relation type: {isolate(old)} → {isolate(retyped.type)} (u to undo)")

        def check(name: str) -> str | None:
            return session.check_relation_type(name)[1]

        from reader.tui.screens.tag_picker import TagPicker

        picker = TagPicker(
            "Relation type (replaces the one it has)",
            session.relation_choices(),
            [old],
            check=check,
            single=True,
            noun="relation type",
        )
        self.app.push_screen(picker, chosen)

    # -- review and where the work stands -------------------------------------------
    def action_copy_card(self) -> None:
        """Copy the annotation under the cursor (or the panel's highlighted) as a Markdown
        quote card — the quote, its source, title, date and url, tags and note — to the
        clipboard (OSC 52), as `hamish report` writes it."""
        from reader.commands.report import quote_card

        target, article = self._target(), self.article
        if target is None or article is None:
            display.notify(
                self,
                "Put the cursor on an annotation (or highlight it in the panel) to copy it",
                severity="warning",
                timeout=4,
            )
            return
        self.app.copy_to_clipboard(quote_card(target, article))
        display.notify(self, "Copied the quote card (OSC 52)", timeout=3)

    def action_review(self, state: str) -> None:
        """Accept or reject the annotation under the cursor (or the panel's highlighted),
        the settings' author as the reviewer; the same verdict again withdraws it. One
        undo step, saved; accepting a moved or changed one accepts its new place."""
        session = self._editable()
        if session is None:
            return
        verdict = REVIEW_VERDICTS.get(state)
        if verdict is None:
            return
        target = self._target()
        if target is None:
            display.notify(
                self,
                "Put the cursor on an annotation (or highlight it in the panel) to review it",
                severity="warning",
            )
            return
        if target.review is not None and target.review.state == verdict:
            with session.saving_in_background():
                session.review(target.id, None)
            self._after_edit(f"No longer {verdict} (u to undo)")
            return
        placement = target.placement
        with session.saving_in_background():
            session.review(target.id, verdict)
        where = " at its new place" if verdict == "accepted" and placement != "anchored" else ""
        self._after_edit(f"{verdict.capitalize()}{where} (u to undo)")

    def action_keep_side(self, side: str) -> None:
        """Settle the conflict of the annotation under the cursor (or the panel's
        highlighted one) for ``side``, as ``hamish check --resolve`` does: one undo step."""
        session = self._editable()
        kept = CONFLICT_SIDES.get(side)
        if session is None or kept is None:
            return
        target = self._target()
        if target is None or target.conflict is None:
            count = len(session.conflicts())
            where = f" ({count} in this article, ⚠ in the panel)" if count else ""
            display.notify(
                self, f"No conflict here: put the cursor on one{where}", severity="warning"
            )
            return
        with session.saving_in_background():
            session.resolve_conflict(target.id, kept)
        self._after_edit(f"Kept {kept} (u to undo)")

    def mark_progress(self, state: str) -> None:
        """Mark the article ``state`` (to do, in progress, done): one undo step, saved."""
        from annotations.model import PROGRESSES

        session = self._editable()
        if session is None or state not in PROGRESSES:
            return
        progress = PROGRESSES[PROGRESSES.index(state)]  # typed as the model's literal
        with session.saving_in_background():
            session.set_progress(progress)
        self._after_edit(f"Article marked {progress} (u to undo)")

    def action_cycle_progress(self) -> None:
        """``M``: to do -> in progress -> done -> to do."""
        from annotations.model import PROGRESSES

        session = self._editable()
        if session is None:
            return
        at = PROGRESSES.index(session.progress)
        self.mark_progress(PROGRESSES[(at + 1) % len(PROGRESSES)])

    def _library_screen(self) -> LibraryScreen | None:
        from reader.tui.screens.library import LibraryScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, LibraryScreen):
                return screen
        return None

    def action_next_unfinished(self) -> None:
        """Open the next article of the library (in its order: its sort, its filter) that
        is not done, after this one and round from the top; opened on one file, the next
        of its folder (by file name). "Every article is done" when none is left."""
        library = self._library_screen()
        if library is not None:
            self._open_next(library.reading_order())
            return
        self.notice = "looking for the next article not done…"
        self.set_status(self._describe())
        self._scan_folder()

    @work(thread=True, exclusive=True, group="next-unfinished")
    def _scan_folder(self) -> None:
        """The article's folder through the catalog index (its cache makes a second look
        cheap), in file order, for a reader opened on one file."""
        from reader.library.catalog_index import scan_catalog

        entries: list[CatalogEntry] = []
        for batch in scan_catalog(self.path.parent, self.app.annotations_dir):
            entries.extend(batch)
        entries.sort(key=lambda entry: entry.relative)
        self.app.call_from_thread(self._open_next, entries)

    def _open_next(self, order: list[CatalogEntry]) -> None:
        from annotations.model import DEFAULT_PROGRESS

        self.notice = ""
        self.set_status(self._describe())
        found = next_not_done(order, self.path, self.app.progress_seen)
        if found is None:
            here = self.app.progress_seen.get(self.path, DEFAULT_PROGRESS)
            others = here != "done" and any(e.path == self.path for e in order)
            message = "Every other article is done" if others else "Every article is done"
            display.notify(self, message, timeout=5)
            return
        path, standalone = found.path, self.standalone

        def open_it() -> None:
            self.app.switch_screen(ArticleScreen(path, standalone=standalone))

        self._leave(open_it)

    def on_annotation_panel_reattach(self, message: AnnotationPanel.Reattach) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        selection = self.selection
        if selection is None:
            display.notify(self, "Select the text to attach it to first", severity="warning")
            return
        with session.saving_in_background():
            session.respan(message.annotation_id, selection.start, selection.end)
        view.clear_selection()
        self._after_edit("Annotation re-attached")

    def action_toggle_labels(self) -> None:
        """Show or hide the label bar (the tagset's keys, colours and names)."""
        labels = self.query_one("#labels", LabelBar)
        session = self.session
        if session is not None and not labels.has_class("visible"):
            labels.show_tagset(session.tagset, labels.problems)
        labels.toggle_class("visible")

    def _remember_tags(self, tags: tuple[str, ...] | list[str]) -> None:
        if tags:
            self.last_tags = tuple(tags)

    def on_key(self, event: events.Key) -> None:
        """A tagset key tags the selection at once; with no selection, it adds its tag to
        the annotation under the cursor, or takes it off if it is there."""
        session, view = self.session, self.view
        character = event.character
        if session is None or view is None or not character or not view.has_focus:
            return
        tag = session.tagset.by_key(character)
        if tag is None:
            return
        event.stop()
        event.prevent_default()
        if self.selection is not None:
            self.tag_selection(tag.name)
            return
        target = self._target()
        if target is None:
            display.notify(
                self,
                f"Select text, or put the cursor on an annotation: {isolate(character)} "
                f"tags it {isolate(tag.name)}",
                timeout=3,
            )
            return
        self.toggle_tag(target, tag.name)

    def toggle_tag(self, target: Annotation, name: str) -> None:
        """Add ``name`` to ``target``'s tags, or take it off if it has it: one undo step."""
        session = self._editable()
        if session is None:
            return
        adding = name not in target.tags
        tags = [*target.tags, name] if adding else [t for t in target.tags if t != name]
        try:
            with session.saving_in_background():
                session.set_tags(target.id, tags)
        except ValueError as problem:  # a tag the strict tagset refuses (an older one)
            display.notify(self, str(problem), severity="error", timeout=8)
            return
        if adding:
            self._remember_tags((name,))
        self._after_edit(f"{'Tagged' if adding else 'Untagged'} {isolate(name)} (u to undo)")

    def action_repeat_tags(self) -> None:
        """Tag the selection with the tags last applied (``.``): one undo step."""
        view = self.view
        if not self.last_tags:
            display.notify(self, "Nothing to repeat yet: tag a selection first", timeout=3)
            return
        shown = ", ".join(isolate(tag) for tag in self.last_tags)
        if view is None or self.selection is None:
            display.notify(self, f"Select text first to tag it {shown} again", timeout=3)
            return
        self.tag_selection(*self.last_tags)

    def tag_selection(self, *names: str) -> None:
        """Tag the selection ``names`` at once (a tagset key, ``.``, or the command palette)."""
        shown = ", ".join(isolate(name) for name in names)
        view, selection = self.view, self.selection
        if view is None or selection is None:
            display.notify(self, f"Select text first to tag it {shown}", timeout=3)
            return
        session = self._editable()
        if session is None:
            return
        try:
            with session.saving_in_background():
                annotation = session.add(selection.start, selection.end, names)
        except ValueError as problem:  # a tag the tagset refuses
            display.notify(self, str(problem), severity="error", timeout=8)
            return
        self._remember_tags(annotation.tags)
        view.clear_selection()
        self._after_edit(f"Tagged {shown}")

    # -- selecting by unit --------------------------------------------------------
    def _trimmed(self, span: Span) -> Span:
        """``span`` trimmed as every selection is: of blanks, and of punctuation with the
        ``trim_punctuation`` setting."""
        assert self.article is not None
        return trim(self.article.text, span, punctuation=self.app.settings.trim_punctuation)

    @property
    def selection(self) -> Span | None:
        """The view's selection as annotating uses it: trimmed (:meth:`_trimmed`); None
        when nothing is selected or only blanks (and punctuation) are."""
        view = self.view
        chosen = view.selection if view is not None else None
        if chosen is None or self.article is None:
            return None
        span = self._trimmed(Span(chosen.start, chosen.end))
        return span if span.start < span.end else None

    def _select(self, span: Span, what: str) -> None:
        view = self.view
        assert view is not None
        span = self._trimmed(span)
        if span.start >= span.end:
            display.notify(self, f"Only blanks or punctuation in {what}", timeout=3)
            return
        view.select(span.start, span.end)

    def action_select_unit(self, unit: str) -> None:
        """Select the word, sentence, paragraph or quotation around the cursor; on a
        quotation already selected, the quotation around it."""
        view, article = self.view, self.article
        if view is None or article is None:
            return
        text, cursor = article.text, min(view.cursor, len(article.text))
        if unit != "quotation":
            found = UNITS[unit](text, cursor)
            if found is None:
                display.notify(self, f"No {unit} at the cursor", timeout=3)
                return
            self._select(found, f"this {unit}")
            return
        current = self.selection
        around = current if current is not None and current.start <= cursor < current.end else None
        span = quotation_at(text, cursor, around=around)
        # Trimmed, a wider quotation may come out as the selection again (its marks or its
        # full stop are all it adds): go out one more.
        while span is not None and around is not None and self._trimmed(span) == around:
            span = quotation_at(text, cursor, around=span)
        if span is None:
            where = "outside this one" if around is not None else "around the cursor"
            display.notify(self, f"No quotation {where}", timeout=3)
            return
        self._select(span, "this quotation")

    def action_extend_sentence(self, step: int) -> None:
        """Grow the selection by the next (``step`` 1) or previous (-1) sentence; with no
        selection, select the sentence at the cursor."""
        view, article = self.view, self.article
        if view is None or article is None:
            return
        current = self.selection
        if current is None:
            self.action_select_unit("sentence")
            return
        grow = extend_forward if step > 0 else extend_backward
        grown = self._trimmed(grow(article.text, current))
        if grown == current:
            display.notify(self, f"No {'next' if step > 0 else 'previous'} sentence", timeout=3)
            return
        view.select(grown.start, grown.end)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._mouse_in_view = event.widget is self.view and self.view is not None

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """A drag on the text ended: its selection is trimmed on screen too."""
        view = self.view
        if not self._mouse_in_view or view is None or view.selecting:
            return
        self._mouse_in_view = False
        shown, used = view.selection, self.selection
        if shown is not None and used is not None and (shown.start, shown.end) != used:
            view.select(used.start, used.end)

    # -- tagging every occurrence -----------------------------------------------------
    def action_tag_every(self) -> None:
        """Tag every Arabic-folded match of the selection's text in the article with the
        tags picked: one undo step, saved like any edit; matches already annotated with
        exactly those tags are skipped."""
        session, view, selection = self._editable(), self.view, self.selection
        article = self.article
        if session is None or view is None or article is None:
            return
        if selection is None:
            display.notify(self, "Select the text to tag everywhere first", severity="warning")
            return
        query = article.text[selection.start : selection.end]

        def chosen(tags: list[str] | None) -> None:
            if not tags:
                return
            names, problem = session.check_tags(tags)
            if problem:
                display.notify(self, problem, severity="error", timeout=8)
                return
            self.notice = f"tagging every {isolate(display.clip(query, QUERY_CELLS))}…"
            self.set_status(self._describe())
            self._plan_every(session, article, query, tuple(names))

        self._pick_tags("Tag every occurrence of the selection", list(self.last_tags), chosen)

    @work(thread=True, exclusive=True, group="tag-every")
    def _plan_every(
        self, session: AnnotationSession, article: Article, query: str, tags: tuple[str, ...]
    ) -> None:
        """Find and plan the annotations off the event loop (folding a big article takes
        longer than a frame); they are added on it."""
        from reader.commands.tag_all import occurrences, plan_occurrences

        spans = occurrences(article.text, query, article.body_start)
        new, already = plan_occurrences(
            article.text, session.annotations, spans, tags, author=session.author
        )
        self.app.call_from_thread(self._add_every, session, article, query, tags, new, already)

    def _add_every(
        self,
        session: AnnotationSession,
        article: Article,
        query: str,
        tags: tuple[str, ...],
        new: list[Annotation],
        already: int,
    ) -> None:
        if session is not self.session or article is not self.article:
            return  # the article changed meanwhile: the offsets are another text's
        shown = isolate(display.clip(query, QUERY_CELLS))
        if new:
            with session.saving_in_background():
                session.add_many(new, TAG_EVERY_LABEL)  # one undo step for all of them
            self._remember_tags(tags)
            view = self.view
            if view is not None:
                view.clear_selection()
        count = f"{len(new)} occurrence{'s' if len(new) != 1 else ''}"
        skipped = f", {already} already tagged" if already else ""
        self.notice = f"tagged {count} of {shown}{skipped}"
        self.set_status(self._describe())
        self._after_edit(f"Tagged {count}{skipped} (u undoes them all)")
