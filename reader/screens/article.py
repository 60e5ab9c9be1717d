"""The article screen: header, the body view, search, and a status line."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, LoadingIndicator, Static

from reader.article import Article, ArticleError, load_article
from reader.render import visual_oneline
from reader.widgets.article_view import ArticleView

SYNC_LOAD_BYTES = 2_000_000
SEARCH_HINT = "Search (Arabic-aware: hamza and alef forms, taa marbuta, harakat, tatweel ignored)"


PREVIEW_BYTES = 256 * 1024
FULL_LOAD_DELAY = 0.25  # seconds


def _head_preview(path: Path) -> Article | None:
    """The first whole paragraphs of a large UTF-8 article, for its first screen.

    Offsets are the same as in the full text (it is a prefix of it). Files that are
    not plain UTF-8 at the start get no preview: the full load decides.
    """
    from reader.article import article_from_text

    try:
        with path.open("rb") as handle:
            head = handle.read(PREVIEW_BYTES)
    except OSError:
        return None
    cut = head.rfind(b"\n")
    if cut <= 0 or head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return None
    try:
        text = head[: cut + 1].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return article_from_text(text.removeprefix("\ufeff"), path)


class ArticleHeader(Static):
    """Title, source and date, laid out by the engine (never parsed as markup)."""

    DEFAULT_CSS = """
    ArticleHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        border-bottom: solid $primary;
    }
    """

    def show(self, article: Article, width: int) -> None:
        title, rtl = visual_oneline(article.title, max(width - 2, 10))
        byline_parts = [p for p in (article.source, article.date) if p]
        lines = Text(title, style="bold", justify="right" if rtl else "left", no_wrap=True)
        if byline_parts:
            byline, byline_rtl = visual_oneline(
                " · ".join(f"\u2068{p}\u2069" for p in byline_parts),
                max(width - 2, 10),
                direction="rtl" if article.direction == "rtl" else "ltr",
            )
            lines.append("\n")
            lines.append(Text(byline, style="italic", justify="right" if byline_rtl else "left"))
        self.update(lines)


class ArticleScreen(Screen):
    """One article: read, move, select, search."""

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

    BINDINGS = [
        Binding("slash", "search", "Search", id="article.search"),
        Binding("n", "next_match", "Next match", id="article.next-match"),
        Binding("N", "previous_match", "Previous match", show=False, id="article.previous-match"),
        Binding("escape", "back", "Back", id="article.back"),
        Binding("q", "close", "Back", show=False, id="article.close"),
    ]

    def __init__(self, path: Path, *, standalone: bool = False) -> None:
        super().__init__()
        self.path = path
        self.standalone = standalone  # opened on a file: q/escape quit instead of going back
        self.article: Article | None = None
        self.partial = False  # showing the beginning of a large article while it loads
        self.previewed = False  # a large article's beginning was shown before it all loaded
        self.query_text = ""
        self._layout_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ArticleHeader(id="header")
        yield Vertical(id="body")
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
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
        opening = f"Opening {self.path.name} ({size / 1e6:.1f} MB)…"
        if preview is None:
            self.query_one("#header", ArticleHeader).update(Text(opening))
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
        self.query_one("#header", ArticleHeader).update(Text(message, style="bold red"))
        self.set_status(message)
        self.notify(message, severity="error")

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
        self.query_one("#header", ArticleHeader).show(article, self.size.width)
        if article.encoding_detected:
            self.notify(f"Not UTF-8: decoded as {article.encoding}", timeout=5)
        self.set_status(self._describe())
        if not partial and self._layout_timer is None:
            # Exact line counts (for the scrollbar) are worked out after the first frame.
            self.call_after_refresh(self._start_background_layout)

    def _start_background_layout(self) -> None:
        if self._layout_timer is None:
            self._layout_timer = self.set_interval(0.05, self._layout_more, name="layout")

    def _layout_more(self) -> None:
        """Between key presses, make the line count exact (for the scrollbar) bit by bit."""
        view = self.view
        if view is None:
            return
        more = view.layout_in_background()
        if not more and self._layout_timer is not None:
            self._layout_timer.stop()
            self._layout_timer = None
        self.set_status(self._describe())

    @property
    def view(self) -> ArticleView | None:
        views = self.query(ArticleView)
        return views.first() if views else None

    def apply_settings(self) -> None:
        view = self.view
        if view is not None and self.article is not None:
            view.set_options(self.app.layout_options(self.article), self.app.settings.reading_width)
            self.set_status(self._describe())

    def on_resize(self) -> None:
        if self.article is not None:
            self.query_one("#header", ArticleHeader).show(self.article, self.size.width)

    # -- status -----------------------------------------------------------------
    def set_status(self, message: str) -> None:
        self.query_one("#status", Static).update(Text(message))

    def _describe(self) -> str:
        view = self.view
        if view is None or self.article is None:
            return ""
        parts = [self.path.name, f"offset {view.cursor}"]
        selection = view.selection
        if selection is not None:
            parts.append(f"selected {selection.start}–{selection.end} ({selection.length} chars)")
        if view.matches:
            position = "" if view.current_match is None else f"{view.current_match + 1}/"
            parts.append(f"{position}{len(view.matches)} matches")
        elif self.query_text:
            parts.append("no matches")
        document = view.document
        if self.partial:
            parts.append("loading the rest…")
        elif not document.exact:
            parts.append(f"laying out {100 * document.laid_out // len(document.paragraphs)}%")
        return "  ·  ".join(parts)

    def on_article_view_cursor_moved(self, message: ArticleView.CursorMoved) -> None:
        self.set_status(self._describe())

    def on_article_view_selection_changed(self, message: ArticleView.SelectionChanged) -> None:
        self.set_status(self._describe())

    # -- actions ------------------------------------------------------------------
    @property
    def search_box(self) -> Input:
        """The search input, mounted the first time it is needed."""
        found = self.query("#search")
        if found:
            return found.first(Input)
        search = Input(placeholder=SEARCH_HINT, id="search")
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
            self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        from reader.text.fold import find_all, fold

        article = self.article
        if article is None:
            return
        body = article.text
        matches = (
            [m for m in find_all(fold(body), query, body) if m[0] >= article.body_start]
            if query
            else []
        )
        self.app.call_from_thread(self._show_matches, matches)

    def _show_matches(self, matches: list[tuple[int, int]]) -> None:
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
        found = self.query("#search")
        search = found.first(Input) if found else None
        if search is not None and search.has_class("visible"):
            search.remove_class("visible")
            if self.view is not None:
                self.view.focus()
            return
        view = self.view
        if view is not None and view.clear_selection():
            return
        if view is not None and view.matches:
            view.set_matches([])
            self.query_text = ""
            self.set_status(self._describe())
            return
        self.action_close()

    def action_close(self) -> None:
        if self.standalone:
            self.app.exit()
        else:
            self.app.pop_screen()
