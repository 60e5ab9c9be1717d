"""Whose annotations are whose in the reader (issue 15, item 2): the author filter
(``--author-filter``, settings' ``author_filter``, the palette's "Show annotations: …")
hides or sets apart the other authors' annotations in the body, the panel and the keys,
and the panel and the status line say which filter is on."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette

from annotations import make_annotation, open_sidecar
from reader.settings import Settings, load_settings
from reader.tui.app import AuthorCommands, HamishApp
from reader.tui.widgets.annotation_panel import AnnotationPanel
from tests.app.pilots import open_article

TEXT = "قال الرئيس إن الحكومة ستعمل على خطة جديدة للاقتصاد في العام المقبل.\n"


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


MARKS = {
    "r1": ("rana", span("الرئيس")),
    "o1": ("omar", span("الحكومة")),
    "g1": ("gold", span("خطة جديدة")),
}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    sidecar = open_sidecar(path, TEXT)
    sidecar.save(
        sidecar.annotations.with_annotations(
            make_annotation(TEXT, s, e, tags=["person"], author=who, id=ident)
            for ident, (who, (s, e)) in MARKS.items()
        )
    )
    return path


def settings(author_filter: str = "all") -> Settings:
    return Settings(author="rana", author_filter=author_filter)


async def shown(pilot, screen, view) -> tuple[list[str], list[str], str, str]:
    """(highlighted ids, panel ids, panel title, status line) with the panel open."""
    if not screen.query(AnnotationPanel):
        await pilot.press("a")
        await pilot.pause()
    panel = screen.query_one(AnnotationPanel)
    title = str(panel.query_one("#panel-title").render())
    status = screen._describe()
    return (
        [h.key for h in view.highlights],
        [a.id for a in panel.shown_annotations()],
        title,
        status,
    )


async def test_mine_only_hides_the_others_in_the_body_the_panel_and_the_keys(article) -> None:
    async with HamishApp(article, settings("mine")).run_test(size=(110, 30)) as pilot:
        screen, view = await open_article(pilot)
        highlights, listed, title, status = await shown(pilot, screen, view)
        assert highlights == ["r1"] and listed == ["r1"]
        assert title.endswith("· mine only")
        assert "authors: \u2068mine only\u2069" in status
        # The keys reach only what is shown: nothing is under the cursor on omar's words.
        assert screen.session.at(MARKS["o1"][1][0]) == []
        assert [a.id for a in screen.session.at(MARKS["r1"][1][0])] == ["r1"]


async def test_the_palette_shows_one_authors_annotations_then_everyones(article) -> None:
    async with HamishApp(article, settings()).run_test(size=(110, 30)) as pilot:
        screen, view = await open_article(pilot)
        highlights, _, title, status = await shown(pilot, screen, view)
        assert highlights == ["r1", "o1", "g1"] and "authors:" not in status
        assert title == "Annotations (3)"
        titles = [hit.text async for hit in AuthorCommands(screen).discover()]
        assert titles == [
            "Show annotations: everyone's",
            "Show annotations: others' distinct",
            "Show annotations: mine only",
            "Show annotations: others' only",
            "Show annotations: only \u2068gold\u2069's",
            "Show annotations: only \u2068omar\u2069's",
        ]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"only gold")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        highlights, listed, title, status = await shown(pilot, screen, view)
        assert highlights == ["g1"] and listed == ["g1"]
        assert title.endswith("· gold's only") and "authors: \u2068gold's only\u2069" in status
        screen.set_author_filter("others")
        await pilot.pause()
        highlights, listed, _, _ = await shown(pilot, screen, view)
        assert highlights == ["o1", "g1"] and listed == ["o1", "g1"]
        screen.set_author_filter("all")
        await pilot.pause()
        highlights, listed, title, status = await shown(pilot, screen, view)
        assert highlights == ["r1", "o1", "g1"] and title == "Annotations (3)"


async def test_distinct_draws_the_others_underlined_without_a_background(article) -> None:
    async with HamishApp(article, settings("distinct")).run_test(size=(110, 30)) as pilot:
        screen, view = await open_article(pilot)
        highlights, listed, title, status = await shown(pilot, screen, view)
        assert highlights == ["r1", "o1", "g1"] and len(listed) == 3
        assert title.endswith("· others' distinct") and "authors: " in status
        others = {h.key for h in view.highlights if h.other}
        assert others == {"o1", "g1"}
        line = view.document.line(0)
        cells = [cell for cell in line.cells if cell.width]
        segments = list(view.render_line(0))[1:]  # after the margin: one segment a cell
        styles = {}
        for cell, segment in zip(cells, segments, strict=False):
            for ident, (_who, (start, end)) in MARKS.items():
                if start <= cell.start < end:
                    styles.setdefault(ident, segment.style)
        mine, theirs = styles["r1"], styles["o1"]
        assert mine.bgcolor == view._highlight_style(None).bgcolor
        assert not mine.underline
        assert theirs.underline and theirs.bgcolor == view.rich_style.bgcolor
        assert theirs.color == mine.bgcolor  # the tag colour, as text


def test_the_setting_and_the_flag(tmp_path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('author_filter = "gold"\n', encoding="utf-8")
    assert load_settings(config).author_filter == "gold"
    config.write_text('author_filter = "  "\n', encoding="utf-8")
    assert load_settings(config).author_filter == "all"
    seen = []
    monkeypatch.setattr(
        "reader.__main__.launch_reader", lambda target, s, *a, **k: seen.append(s.author_filter)
    )
    monkeypatch.setattr("reader.settings.config_path", lambda: tmp_path / "none.toml")
    from reader.cli import main

    article = tmp_path / "x.txt"
    article.write_text(TEXT, encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["open", "--author-filter", "mine", str(article)])
    assert seen == ["mine"]
