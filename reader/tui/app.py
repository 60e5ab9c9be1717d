"""HamishApp: the Textual application (library and article screens)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.settings import Settings

if TYPE_CHECKING:
    from reader.library.article import Article
    from reader.text.layout import LayoutOptions

# Screens are imported when first shown: `hamish FILE` never loads the library's
# modules (catalog, annotations), and start-up stays close to a bare Textual app.

WIDTH_STEP = 10


class HamishApp(App[None]):
    TITLE = "hamish"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit"),
    ]

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
            direction=settings.direction,  # type: ignore[arg-type]
            fallback_rtl=article.direction == "rtl",
            harakat=settings.harakat,
            bidi=settings.bidi,  # type: ignore[arg-type]
        )

    # -- settings -------------------------------------------------------------
    def change_settings(self, **changes: object) -> None:
        from reader.tui.screens.article import ArticleScreen

        self.settings = replace(self.settings, **changes)
        for screen in self.screen_stack:
            if isinstance(screen, ArticleScreen):
                screen.apply_settings()

    def action_toggle_harakat(self) -> None:
        self.change_settings(harakat=not self.settings.harakat)
        self.notify(f"Harakat {'shown' if self.settings.harakat else 'hidden'}", timeout=2)

    def action_toggle_bidi(self) -> None:
        mode = "terminal" if self.settings.bidi == "self" else "self"
        self.change_settings(bidi=mode)
        self.notify(f"Bidi: {mode}", timeout=2)

    def action_reading_width(self, delta: int) -> None:
        width = max(20, min(400, self.settings.reading_width + delta))
        self.change_settings(reading_width=width)
        self.notify(f"Reading width {width}", timeout=2)

    def action_help(self) -> None:
        from reader.tui.screens.article import ArticleScreen
        from reader.tui.screens.help import HelpScreen
        from reader.tui.widgets.annotation_panel import AnnotationPanel
        from reader.tui.widgets.article_view import ArticleView

        groups: list[tuple[str, list]] = []
        screen = self.screen
        if isinstance(screen, ArticleScreen):
            groups.append(("article", list(ArticleView.BINDINGS)))
            groups.append(("panel", list(AnnotationPanel.BINDINGS)))
            session = screen.session
            if session is not None:  # the library's one-key tags (hamish.toml)
                quick = [
                    Binding(tag.key, "noop", f"tag the selection {tag.name}")
                    for tag in session.tagset.tags
                    if tag.key
                ]
                groups.append(("tagset", quick))
        groups.append(
            (type(screen).__name__.removesuffix("Screen").lower(), list(type(screen).BINDINGS))
        )
        groups.append(("anywhere", list(type(self).BINDINGS)))
        self.push_screen(HelpScreen(groups))

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
        # Every binding of the current screen and its article view, as a command.
        sources: list[tuple[object, list]] = [(screen, list(type(screen).BINDINGS))]
        views = screen.query("ArticleView")
        if views:
            view = views.first()
            sources.append((view, list(type(view).BINDINGS)))
        for target, bindings in sources:
            for binding in bindings:
                if isinstance(binding, Binding) and binding.description:
                    yield SystemCommand(
                        f"{binding.description} ({binding.key})",
                        f"key {binding.key}",
                        _runner(target, binding.action),
                    )


def _runner(target, action: str):
    async def run() -> None:
        await target.run_action(action)

    return run
