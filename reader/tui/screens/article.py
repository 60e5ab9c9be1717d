"""The article screen: header, the body view, search, and a status line."""

from __future__ import annotations

from collections.abc import Callable
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
from reader.text.render import byline, visual_oneline
from reader.text.sanitize import sanitize
from reader.tui.app import HamishApp
from reader.tui.keys import bindings
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView

if TYPE_CHECKING:
    from annotations import Annotation, AnnotationSet
    from annotations.tagset import Tagset
    from reader.tui.session import AnnotationSession

SYNC_LOAD_BYTES = 2_000_000  # larger articles load in a worker behind a preview
SEARCH_HINT = "Search (Arabic-aware: hamza and alef forms, taa marbuta, harakat, tatweel ignored)"
PREVIEW_BYTES = 256 * 1024
SIDECAR_POLL_SECONDS = 2.0
SESSION_DELAY = 0.02  # seconds: the first frame is painted before annotations load
FULL_LOAD_DELAY = 0.25  # seconds


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
        under_title = byline(article.source, article.date)
        lines = Text(title, style="bold", justify="right" if rtl else "left", no_wrap=True)
        if under_title is not None:
            shown, shown_rtl = visual_oneline(
                under_title,
                max(width - 2, 10),
                direction="rtl" if article.direction == "rtl" else "ltr",
            )
            lines.append("\n")
            lines.append(Text(shown, style="italic", justify="right" if shown_rtl else "left"))
        self.update(lines)


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

    def __init__(self, path: Path, *, standalone: bool = False) -> None:
        super().__init__()
        self.path = path
        self.standalone = standalone  # opened on a file: q/escape quit instead of going back
        self.article: Article | None = None
        self.partial = False  # showing the beginning of a large article while it loads
        self.previewed = False  # a large article's beginning was shown before it all loaded
        self.session: AnnotationSession | None = None
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
        if not partial and self.session is None:
            # Annotations (sidecar, tagset, re-anchoring) come right after the first frame.
            self.set_timer(SESSION_DELAY, lambda: self._open_session(article))
        if not partial and self._layout_timer is None:
            # Exact line counts (for the scrollbar) are worked out after the first frame.
            self.call_after_refresh(self._start_background_layout)

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
            view.set_options(self.app.layout_options(self.article), self.app.settings.reading_width)
            self.set_status(self._describe())

    def on_resize(self) -> None:
        if self.article is not None:
            self.query_one("#header", ArticleHeader).show(self.article, self.size.width)

    # -- status -----------------------------------------------------------------
    def set_status(self, message: str) -> None:
        self.query_one("#status", Static).update(
            Text(sanitize(message), no_wrap=True, overflow="ellipsis")
        )

    def _describe(self) -> str:
        view = self.view
        if view is None or self.article is None:
            return ""
        parts = []
        session = self.session
        if session is not None:
            parts.append(("● " if session.state.saved else "✗ ") + session.state.message)
            under = session.at(view.cursor)
            if under:
                top = under[0]
                about = ", ".join(top.tags) or "(no tags)"
                if top.note:
                    about += f" — {' '.join(top.note.split())[:60]}"
                about += f" ({top.author})" if top.author else ""
                parts.append(about)
        parts.extend([self.path.name, f"offset {view.cursor}"])
        selection = view.selection
        if selection is not None:
            count = selection.length
            parts.append(
                f"selected {selection.start}–{selection.end} "
                f"({count} character{'s' if count != 1 else ''})"
            )
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
            self.notify("Press q to quit", timeout=2)
            return
        self.action_close()

    def action_close(self) -> None:
        if self.standalone:
            self.app.exit()
        else:
            self.app.pop_screen()

    # -- annotations ----------------------------------------------------------------
    def _open_session(self, article: Article) -> None:
        from reader.tui.session import AnnotationSession

        app = self.app
        root = self.path.parent
        for screen in app.screen_stack:
            library_root = getattr(screen, "root", None)
            if library_root is not None:
                root = library_root
        try:
            session = AnnotationSession(
                self.path,
                article.text,
                author=app.settings.resolved_author(),
                annotations_dir=app.annotations_dir,
                library_root=root,
                on_change=self._annotations_changed,
            )
        except Exception as error:  # a tagset or sidecar problem must not stop reading
            self.notify(f"Annotations unavailable: {error}", severity="error", timeout=8)
            return
        self.session = session
        if session.read_only:
            self.notify(session.read_only, severity="warning", timeout=8)
        for problem in session.tagset_problems[:3]:
            self.notify(f"Tagset: {problem}", severity="warning", timeout=10)
        self._annotations_changed(session.annotations)
        self.set_interval(SIDECAR_POLL_SECONDS, self._poll_sidecar, name="sidecar")

    def _annotations_changed(self, annotations: AnnotationSet) -> None:
        """The session's listener: tell the view and the panel, update the status line."""
        self._tell(annotations, *self.query(ArticleView), *self.query(AnnotationPanel))
        self.set_status(self._describe())

    def _tell(self, annotations: AnnotationSet, *widgets: Widget) -> None:
        session = self.session
        if session is not None:
            for widget in widgets:
                widget.post_message(self.AnnotationsChanged(annotations, session.tagset))

    def _poll_sidecar(self) -> None:
        session = self.session
        if session is not None and session.refresh():
            self.notify("Annotations changed on disk: merged", timeout=3)

    def _editable(self) -> AnnotationSession | None:
        session = self.session
        if session is None:
            self.notify("Annotations are available once the article has loaded", severity="warning")
            return None
        if session.read_only:
            self.notify(f"Read-only: {session.read_only}", severity="error")
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
        if self.session is not None and not self.session.state.saved:
            self.notify(self.session.state.message, severity="error", timeout=8)
        else:
            self.notify(message, timeout=2)

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
        selection = view.selection
        if selection is not None:

            def create(tags: list[str] | None) -> None:
                if tags is None:
                    return
                annotation = session.add(selection.start, selection.end, tags)
                view.clear_selection()
                self._after_edit(f"Annotated {annotation.end - annotation.start} characters")

            self._pick_tags("Tag the selection", [], create)
            return
        target = self._target()
        if target is None:
            self.notify(
                "Select text to annotate, or put the cursor on an annotation", severity="warning"
            )
            return

        def retag(tags: list[str] | None) -> None:
            if tags is not None:
                session.set_tags(target.id, tags)
                self._after_edit("Tags changed")

        self._pick_tags("Tags of this annotation", list(target.tags), retag)

    def action_note(self) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        selection = view.selection
        target = None if selection is not None else self._target()
        if selection is None and target is None:
            self.notify("Select text, or put the cursor on an annotation", severity="warning")
            return

        def done(note: str | None) -> None:
            if note is None:
                return
            if target is not None:
                session.set_note(target.id, note)
                self._after_edit("Note saved")
            elif selection is not None:
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
            self.notify("No annotation under the cursor", severity="warning")
            return
        session.delete(target.id)
        self._after_edit("Annotation deleted (u to undo)")

    def action_respan(self) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        target = self._target()
        selection = view.selection
        if target is None or selection is None:
            self.notify(
                "Select the new text, with the cursor or panel on the annotation",
                severity="warning",
            )
            return
        session.respan(target.id, selection.start, selection.end)
        view.clear_selection()
        self._after_edit("Annotation moved to the selection")

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
            label = session.undo()
            self._after_edit(f"Undid {label}") if label else self.notify(
                "Nothing to undo", timeout=2
            )

    def action_redo(self) -> None:
        session = self._editable()
        if session is not None:
            label = session.redo()
            self._after_edit(f"Redid {label}") if label else self.notify(
                "Nothing to redo", timeout=2
            )

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
                session.set_document(tags=tags)
                self._after_edit("Article tags saved")

        self._pick_tags("Tags of the whole article", list(session.annotations.document.tags), done)

    def action_document_note(self) -> None:
        session = self._editable()
        if session is None:
            return

        def done(note: str | None) -> None:
            if note is not None:
                session.set_document(note=note)
                self._after_edit("Article note saved")

        note = session.annotations.document.note
        from reader.tui.screens.note_editor import NoteEditor

        self.app.push_screen(NoteEditor("Note on the whole article", note), done)

    def on_annotation_panel_jump(self, message: AnnotationPanel.Jump) -> None:
        session, view = self.session, self.view
        if session is None or view is None:
            return
        annotation = session.annotations.get(message.annotation_id)
        if annotation is None:
            return
        if annotation.status == "orphaned":
            self.notify(
                "Orphaned: the article changed and its quote was not found. Select the text and "
                "press R in the panel to re-attach it, or d to delete it.",
                timeout=8,
            )
            return
        view.select(annotation.start, annotation.end)
        view.focus()

    def on_annotation_panel_delete(self, message: AnnotationPanel.Delete) -> None:
        session = self._editable()
        if session is not None:
            session.delete(message.annotation_id)
            self._after_edit("Annotation deleted (u to undo)")

    def on_annotation_panel_reattach(self, message: AnnotationPanel.Reattach) -> None:
        session, view = self._editable(), self.view
        if session is None or view is None:
            return
        selection = view.selection
        if selection is None:
            self.notify("Select the text to attach it to first", severity="warning")
            return
        session.respan(message.annotation_id, selection.start, selection.end)
        view.clear_selection()
        self._after_edit("Annotation re-attached")

    def on_key(self, event: events.Key) -> None:
        """A tagset key applies its tag to the selection at once."""
        session, view = self.session, self.view
        character = event.character
        if session is None or view is None or not character or not view.has_focus:
            return
        tag = session.tagset.by_key(character)
        if tag is None:
            return
        event.stop()
        event.prevent_default()
        if view.selection is None:
            self.notify(f"Select text first: {character} tags it {tag.name}", timeout=3)
            return
        if self._editable() is None:
            return
        selection = view.selection
        session.add(selection.start, selection.end, [tag.name])
        view.clear_selection()
        self._after_edit(f"Tagged {tag.name}")
