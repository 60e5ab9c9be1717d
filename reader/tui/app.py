"""HamishApp: the Textual application (library and article screens)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widget import Widget

from reader.keys import OTHER_INPUT, Scope, help_rows, in_scope, key_label
from reader.settings import Settings
from reader.tui.keys import bindings, scope_of

if TYPE_CHECKING:
    from reader.library.article import Article
    from reader.text.bidi_levels import Direction
    from reader.text.layout import BidiMode, LayoutOptions

# Screens are imported when first shown: `hamish FILE` never loads the library's
# modules (catalog, annotations), and start-up stays close to a bare Textual app.

WIDTH_STEP = 10

# Settings are validated when loaded; these turn their strings into the layout's literals.
_DIRECTIONS: dict[str, Direction] = {"auto": "auto", "rtl": "rtl", "ltr": "ltr"}
_BIDI_MODES: dict[str, BidiMode] = {"self": "self", "terminal": "terminal"}


class HamishApp(App[None]):
    TITLE = "hamish"
    ENABLE_COMMAND_PALETTE = True

    KEY_SCOPE = Scope.APP
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(
        self,
        target: Path,
        settings: Settings | None = None,
        *,
        annotations_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.settings = settings or Settings()
        self.annotations_dir = annotations_dir
        if self.settings.theme:
            self.theme = self.settings.theme

    def on_mount(self) -> None:
        if self.target.is_dir():
            from reader.tui.screens.library import LibraryScreen

            self.push_screen(LibraryScreen(self.target))
        else:
            from reader.tui.screens.article import ArticleScreen

            self.push_screen(ArticleScreen(self.target, standalone=True))

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
        self.notify(f"Harakat {'shown' if self.settings.harakat else 'hidden'}", timeout=2)

    def action_toggle_bidi(self) -> None:
        mode: BidiMode = "terminal" if self.settings.bidi == "self" else "self"
        self.change_settings(replace(self.settings, bidi=mode))
        self.notify(f"Bidi: {mode}", timeout=2)

    def action_reading_width(self, delta: int) -> None:
        width = max(20, min(400, self.settings.reading_width + delta))
        self.change_settings(replace(self.settings, reading_width=width))
        self.notify(f"Reading width {width}", timeout=2)

    # -- keys -------------------------------------------------------------------
    def action_help(self) -> None:
        """Every key that works here, from the key table, and the tagset's one-key tags."""
        from reader.tui.screens.article import ArticleScreen
        from reader.tui.screens.help import HelpScreen

        screen = self.screen
        rows: list[tuple[str, str, str]] = []
        if isinstance(screen, ArticleScreen):
            rows += help_rows([Scope.ARTICLE, Scope.VIEW, Scope.PANEL])
            session = screen.session
            if session is not None:  # the library's one-key tags (hamish.toml)
                rows += [
                    ("tagset", key_label(tag.key), f"tag the selection {tag.name}")
                    for tag in session.tagset.tags
                    if tag.key
                ]
        elif (scope := scope_of(screen)) is not None:
            rows += help_rows([scope])
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
        # Every action of the current screen and of its article view, as a command.
        targets: list[Widget] = [screen, *screen.query("ArticleView").results(Widget)]
        for target in targets:
            scope = scope_of(target)
            if scope is None:
                continue
            for row in in_scope(scope):
                yield SystemCommand(
                    f"{row.description} ({row.shown_keys})",
                    f"key {row.shown_keys}",
                    _runner(target, row.action),
                )


def _runner(target: Widget, action: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await target.run_action(action)

    return run
