"""HamishApp: the Textual application (library and article screens)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.screen import Screen
from textual.widget import Widget

from reader.keys import OTHER_INPUT, Scope, help_rows, in_scope, key_label
from reader.settings import Settings
from reader.tui import display
from reader.tui.display import isolate
from reader.tui.keys import bindings, scope_of

if TYPE_CHECKING:
    from reader.library.article import Article
    from reader.positions import Positions
    from reader.text.bidi_levels import Direction
    from reader.text.layout import BidiMode, LayoutOptions
    from reader.tui.screens.article import ArticleScreen

# Screens are imported when first shown: `hamish FILE` never loads the library's
# modules (catalog, annotations), and start-up stays close to a bare Textual app.

WIDTH_STEP = 10
SAVE_WAIT_STEP = 0.02  # seconds between looks at a save under way, when quitting

# Settings are validated when loaded; these turn their strings into the layout's literals.
_DIRECTIONS: dict[str, Direction] = {"auto": "auto", "rtl": "rtl", "ltr": "ltr"}
_BIDI_MODES: dict[str, BidiMode] = {"self": "self", "terminal": "terminal"}


class TagCommands(Provider):
    """The command palette's "Tag the selection: TAG", one command a tag of the tagset.

    Textual parses a system command's title and help as markup and shows them as they
    are; a tag name is data (often Arabic), so these commands are matched on the logical
    title and shown laid out by the engine, their help escaped.
    """

    def _commands(self) -> list[tuple[str, Text, str, Callable[[], None]]]:
        from reader.tui.screens.article import ArticleScreen

        screen = self.screen
        if not isinstance(screen, ArticleScreen) or screen.session is None:
            return []
        width = max(self.app.size.width - 8, 20)  # the palette's list, less its margins
        options = display.options_of(self.app)
        commands = []
        for tag in screen.session.tagset.tags:
            title = f"Tag the selection: {isolate(tag.name)}"
            if tag.key:
                title += f" ({isolate(key_label(tag.key))})"
            shown = display.line(title, width, direction="ltr", options=options)
            about = tag.description or "a tag of the tagset"
            help_text = escape(display.line(about, width, direction="ltr", options=options).plain)
            commands.append((title, shown, help_text, _tagger(screen, tag.name)))
        return commands

    async def discover(self) -> Hits:
        for title, shown, help_text, callback in self._commands():
            yield DiscoveryHit(shown, callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, shown, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, shown, callback, text=title, help=help_text)


#: The palette's author filters (reader.settings.AUTHOR_FILTER_WORDS): title, help.
AUTHOR_FILTER_COMMANDS = {
    "all": ("Show annotations: everyone's", "every author's, alike"),
    "distinct": ("Show annotations: others' distinct", "every author's, the others' underlined"),
    "mine": ("Show annotations: mine only", "only those of the settings' author"),
    "others": ("Show annotations: others' only", "all but mine"),
}


class AuthorCommands(TagCommands):
    """The command palette's author filters: the four of :data:`AUTHOR_FILTER_COMMANDS`,
    and "Show annotations: only NAME's" for each other author of the article (a name is
    data: matched on the logical title, shown laid out by the engine, as a tag is)."""

    def _commands(self) -> list[tuple[str, Text, str, Callable[[], None]]]:
        from reader.tui.screens.article import ArticleScreen

        screen = self.screen
        if not isinstance(screen, ArticleScreen) or screen.session is None:
            return []
        session = screen.session
        width = max(self.app.size.width - 8, 20)
        options = display.options_of(self.app)
        entries = [(choice, *texts) for choice, texts in AUTHOR_FILTER_COMMANDS.items()]
        entries += [
            (name, f"Show annotations: only {isolate(name)}'s", "one author's")
            for name in session.authors()
            if name and name != session.author and name not in AUTHOR_FILTER_COMMANDS
        ]
        commands = []
        for choice, title, about in entries:
            shown = display.line(title, width, direction="ltr", options=options)
            commands.append((title, shown, escape(about), _filterer(screen, choice)))
        return commands


class HamishApp(App[None]):
    TITLE = "hamish"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {TagCommands, AuthorCommands}

    KEY_SCOPE = Scope.APP
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(
        self,
        target: Path,
        settings: Settings | None = None,
        *,
        annotations_dir: Path | None = None,
        notice: str | None = None,
        positions: Positions | None = None,
        curator: str | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        #: Opened by ``hamish curate FILE``: the article opens in curation mode, this
        #: author the curator (reader/tui/screens/curation.py).
        self.curator = curator
        self._positions = positions  # None: the user state folder's, made when first asked
        #: Each article's state as this reader last saw it in its session (to do, in
        #: progress, done), newer than the library's last scan: "next article not done"
        #: skips one just marked done without a rescan.
        self.progress_seen: dict[Path, str] = {}
        # Said once at start (e.g. this terminal scrambles right-to-left text: see doctor).
        self.notice = notice
        self.settings = settings or Settings()
        self.annotations_dir = annotations_dir
        self.unknown_theme: str | None = None
        theme = self.settings.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.unknown_theme = theme  # said on mount; the default theme is used

    def on_mount(self) -> None:
        if self.notice is not None:
            display.notify(self, self.notice, severity="warning", timeout=15)
        if self.unknown_theme is not None:
            names = ", ".join(sorted(self.available_themes))
            display.notify(
                self,
                f"Unknown theme {isolate(self.unknown_theme)}: using the default. Themes: {names}",
                severity="warning",
                timeout=10,
            )
        if self.target.is_dir():
            from reader.tui.screens.library import LibraryScreen

            self.push_screen(LibraryScreen(self.target))
        elif self.curator is not None:
            from reader.tui.screens.curation import CurationScreen

            self.push_screen(CurationScreen(self.target, curator=self.curator, standalone=True))
        else:
            from reader.tui.screens.article import ArticleScreen

            self.push_screen(ArticleScreen(self.target, standalone=True))

    @property
    def positions(self) -> Positions:
        """Where the reader left each article (reader/positions.py)."""
        if self._positions is None:
            from reader.positions import Positions

            self._positions = Positions()
        return self._positions

    def layout_options(self, article: Article) -> LayoutOptions:
        from reader.text.layout import LayoutOptions

        settings = self.settings
        return LayoutOptions(
            width=settings.reading_width,
            direction=_DIRECTIONS[settings.direction],
            fallback_rtl=article.direction == "rtl",
            harakat=settings.harakat,
            bidi=_BIDI_MODES[settings.bidi],
        )

    # -- settings -------------------------------------------------------------
    def change_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on; open articles are laid out again."""
        from reader.tui.screens.article import ArticleScreen

        self.settings = settings
        for screen in self.screen_stack:
            if isinstance(screen, ArticleScreen):
                screen.apply_settings()

    def action_toggle_harakat(self) -> None:
        self.change_settings(replace(self.settings, harakat=not self.settings.harakat))
        display.notify(self, f"Harakat {'shown' if self.settings.harakat else 'hidden'}", timeout=2)

    def action_toggle_bidi(self) -> None:
        mode: BidiMode = "terminal" if self.settings.bidi == "self" else "self"
        self.change_settings(replace(self.settings, bidi=mode))
        display.notify(self, f"Bidi: {mode}", timeout=2)

    def action_reading_width(self, delta: int) -> None:
        width = max(20, min(400, self.settings.reading_width + delta))
        self.change_settings(replace(self.settings, reading_width=width))
        display.notify(self, f"Reading width {width}", timeout=2)

    # -- quitting -----------------------------------------------------------------
    async def action_quit(self) -> None:
        """ctrl+q: quit, but first ask about each open article with unsaved annotations."""
        await self._quit_after_asking(set())

    async def _quit_after_asking(self, answered: set[int]) -> None:
        from reader.tui.screens.article import ArticleScreen
        from reader.tui.screens.unsaved import UnsavedChanges

        if isinstance(self.screen, UnsavedChanges):
            return  # already asking
        for screen in reversed(self.screen_stack):
            session = screen.session if isinstance(screen, ArticleScreen) else None
            while session is not None and session.saving:
                # The save under way ends in its worker, and the edits since get the next
                # one, as they always do; the screen keeps drawing (and the session is only
                # touched on this thread). Only then is "unsaved" known.
                await asyncio.sleep(SAVE_WAIT_STEP)
        for screen in reversed(self.screen_stack):
            session = screen.session if isinstance(screen, ArticleScreen) else None
            if session is None or not session.unsaved_changes or id(session) in answered:
                continue

            async def done(leave: bool | None, asked: int = id(session)) -> None:
                if leave:  # retried, copied or discarded: the next article, or quit
                    await self._quit_after_asking(answered | {asked})

            await self.push_screen(UnsavedChanges(session), done)
            return
        for screen in self.screen_stack:
            if isinstance(screen, ArticleScreen):
                screen.remember_position()  # where each open article was left
        self.exit()

    # -- keys -------------------------------------------------------------------
    def action_help(self) -> None:
        """Every key that works here, from the key table, and the tagset's one-key tags."""
        from reader.tui.screens.article import ArticleScreen
        from reader.tui.screens.help import HelpScreen

        screen = self.screen
        rows: list[tuple[str, str, str]] = []
        if isinstance(screen, ArticleScreen):
            if scope_of(screen) is Scope.CURATION:
                rows += help_rows([Scope.CURATION])
            rows += help_rows([Scope.ARTICLE, Scope.VIEW, Scope.PANEL])
            session = screen.session
            if session is not None:  # the library's one-key tags (hamish.toml)
                rows += [
                    (
                        "tagset",
                        key_label(tag.key),
                        f"tag the selection or toggle {isolate(tag.name)}",
                    )
                    for tag in session.tagset.tags
                    if tag.key
                ]
        elif (scope := scope_of(screen)) is not None:
            rows += help_rows([scope])
        # How text is edited: the note editor's text, else the text boxes (search, filters,
        # tag picker), which edit alike everywhere.
        editing = Scope.TEXT_AREA if scope_of(screen) is Scope.NOTE_EDITOR else Scope.INPUT
        rows += help_rows([editing])
        rows += help_rows([Scope.APP])
        rows += [(Scope.APP.where, key, does) for key, does in OTHER_INPUT]
        self.push_screen(HelpScreen(rows))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Toggle harakat", "Show or hide Arabic/Hebrew vowel marks", self.action_toggle_harakat
        )
        yield SystemCommand(
            "Toggle bidi mode",
            "self: hamish reorders; terminal: the terminal does",
            self.action_toggle_bidi,
        )
        yield SystemCommand(
            "Reading width: wider",
            f"+{WIDTH_STEP} cells",
            lambda: self.action_reading_width(WIDTH_STEP),
        )
        yield SystemCommand(
            "Reading width: narrower",
            f"-{WIDTH_STEP} cells",
            lambda: self.action_reading_width(-WIDTH_STEP),
        )
        yield SystemCommand("Help: keys", "Every key of the reader", self.action_help)
        from reader.tui.screens.article import ArticleScreen

        if isinstance(screen, ArticleScreen):
            from annotations.model import PROGRESSES

            if scope_of(screen) is not Scope.CURATION:
                curator = self.settings.resolved_author()
                yield SystemCommand(
                    "Curate this article",
                    f"its authors' disagreements, one by one, as {escape(curator)}'s annotations",
                    _curator(self, screen.path, curator),
                )

            for state in PROGRESSES:
                yield SystemCommand(
                    f"Mark the article {state}",
                    "where the work on this article stands (M cycles)",
                    _marker(screen, state),
                )
        # Every action of the current screen and of its article view, as a command.
        targets: list[Widget] = [screen, *screen.query("ArticleView").results(Widget)]
        for target in targets:
            scope = scope_of(target)
            if scope is None:
                continue
            rows = in_scope(scope)
            if scope is Scope.CURATION:  # the article screen's, in curation mode
                rows += in_scope(Scope.ARTICLE)
            for row in rows:
                yield SystemCommand(
                    f"{row.description} ({row.shown_keys})",
                    f"key {row.shown_keys}",
                    _runner(target, row.action),
                )


def _marker(screen: ArticleScreen, state: str) -> Callable[[], None]:
    def run() -> None:
        screen.mark_progress(state)

    return run


def _curator(app: HamishApp, path: Path, curator: str) -> Callable[[], None]:
    def run() -> None:
        from reader.tui.screens.curation import CurationScreen

        app.push_screen(CurationScreen(path, curator=curator))

    return run


def _filterer(screen: ArticleScreen, choice: str) -> Callable[[], None]:
    def run() -> None:
        screen.set_author_filter(choice)

    return run


def _tagger(screen: ArticleScreen, name: str) -> Callable[[], None]:
    def run() -> None:
        screen.tag_selection(name)

    return run


def _runner(target: Widget, action: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await target.run_action(action)

    return run
