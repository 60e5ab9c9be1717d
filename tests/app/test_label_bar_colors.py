"""The label bar's colours are the body's (issue 13, items 1 and 8): on a 16-colour
terminal each chip's key is painted with the very colour number the body gives its tag
(distinct tags, distinct colours), and its letter is black or white, whichever keeps the
contrast, as on the body; elsewhere the tagset's own colours. And the panel's review
badges (``✓ accepted``) stay readable on its highlighted row."""

from __future__ import annotations

from pathlib import Path

import pytest
import textual.constants
from rich._palettes import STANDARD_PALETTE
from rich.color import ColorTriplet

from annotations import sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import contrast_ratio
from reader.tui.widgets.label_bar import LabelBar
from tests.app.pilots import open_article
from tests.app.test_highlight_styles import NAVY, on_16_colors, style_at, triplet
from tests.app.test_label_bar import key_colour

#: The sample tagset's tags by key ("·": the Arabic tag has none), and a dark one added.
TAGS = {
    "s": "quote",
    "o": "speaker/official",
    "p": "speaker/opposition",
    "i": "claim",
    "m": "topic/economy",
    "x": "topic/security",
    "·": "موضوع/انتخابات",
    "9": "navy",
}
COLORS = {
    "s": "#e5c07b",
    "o": "#61afef",
    "p": "#c678dd",
    "i": "#e06c75",
    "m": "#98c379",
    "x": "#d19a66",
    "·": "#56b6c2",
    "9": NAVY,
}


def with_navy(library: Path) -> Path:
    """en_markets.txt without annotations; the tagset with a dark blue tag on key 9."""
    toml = library / "hamish.toml"
    entry = f'\n[[tags]]\nname = "navy"\nkey = "9"\ncolor = "{NAVY}"\n'
    toml.write_text(toml.read_text(encoding="utf-8") + entry, encoding="utf-8")
    path = library / "en_markets.txt"
    sidecar_path(path).unlink(missing_ok=True)
    return path


def chip_key_style(app: HamishApp, key: str):
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if segment.text == f" {key} " and segment.style is not None:
                return segment.style
    raise AssertionError(f"no chip for {key!r}")


async def body_and_chips(path: Path):
    """Each tag's style in the body (one short span a tag) and its chip's key style."""
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        color_system = pilot.app.console.color_system
        view.move_to(200)  # the cursor's cell has the cursor's look: away from the spans
        starts = {}
        for index, (key, tag) in enumerate(TAGS.items()):
            start = 8 + 8 * index
            screen.session.add(start, start + 3, [tag])
            starts[key] = start
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.query_one(LabelBar).display
        body = {key: style_at(view, start) for key, start in starts.items()}
        chips = {key: chip_key_style(pilot.app, key) for key in TAGS}
        assert key_colour(pilot.app, "s") == chips["s"].bgcolor
        await pilot.app.workers.wait_for_complete()
    return color_system, body, chips


@pytest.fixture
def sixteen_colors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's console draws for a 16-colour terminal (as with TERM=xterm)."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")


async def test_on_16_colors_each_chip_has_its_tags_colour_number_in_the_body(
    library: Path, sixteen_colors: None
) -> None:
    color_system, body, chips = await body_and_chips(with_navy(library))
    assert color_system == "standard"
    on_body = {key: on_16_colors(style.bgcolor) for key, style in body.items()}
    on_bar = {key: on_16_colors(style.bgcolor) for key, style in chips.items()}
    assert on_bar == on_body
    assert len(set(on_bar.values())) == len(TAGS)  # no two tags share a colour on the bar
    for key, style in chips.items():  # the key's letter as readable as the body's text
        assert on_16_colors(style.color) == on_16_colors(body[key].color), key
        assert contrast_ratio(triplet(style.bgcolor), triplet(style.color)) >= 4.5, key
    assert on_16_colors(chips["9"].color) == 15  # white on the dark blue


async def test_in_truecolor_chips_keep_the_tagsets_colours_with_readable_keys(
    library: Path,
) -> None:
    color_system, body, chips = await body_and_chips(with_navy(library))
    assert color_system != "standard"
    for key, style in chips.items():
        assert triplet(style.bgcolor) == triplet(body[key].bgcolor), key
        assert style.bgcolor is not None and style.bgcolor.triplet is not None
        assert style.bgcolor.triplet.hex == COLORS[key]
        assert triplet(style.color) == triplet(body[key].color), key
        assert contrast_ratio(triplet(style.bgcolor), triplet(style.color)) >= 4.5, key
    assert triplet(chips["9"].color) == (255, 255, 255)  # white on the dark blue


def badge_style(app: HamishApp, word: str):
    """The style the panel's review badge (``✓ accepted``) is painted with."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if word in segment.text and segment.style is not None:
                return segment.style
    raise AssertionError(f"no {word!r} on screen")


def painted(color, color_system: str) -> ColorTriplet:
    """What the terminal shows for ``color``: on 16 colours, its number's colour."""
    if color_system == "standard":
        return STANDARD_PALETTE[on_16_colors(color)]
    return triplet(color)


@pytest.mark.parametrize("sixteen", [True, False], ids=["16 colours", "truecolor"])
async def test_the_panels_review_badges_keep_their_contrast_on_the_highlighted_row(
    library: Path, monkeypatch: pytest.MonkeyPatch, sixteen: bool
) -> None:
    if sixteen:
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    path = library / "ar_economy.txt"
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        color_system = pilot.app.console.color_system
        assert (color_system == "standard") is sixteen
        first, second = sorted(screen.session.annotations.annotations, key=lambda a: a.start)[:2]
        screen.session.review(first.id, "accepted")
        screen.session.review(second.id, "rejected")
        await pilot.press("a")
        await pilot.pause()
        assert screen.query_one(AnnotationPanel).highlighted_id == first.id
        on_highlight = badge_style(pilot.app, "✓ accepted")
        await pilot.press("down")  # the rejected one highlighted, the accepted one not
        await pilot.pause()
        on_highlight_rejected = badge_style(pilot.app, "✗ rejected")
        off_highlight = badge_style(pilot.app, "✓ accepted")
        await pilot.app.workers.wait_for_complete()
    for style in (on_highlight, on_highlight_rejected, off_highlight):
        ratio = contrast_ratio(
            painted(style.bgcolor, color_system), painted(style.color, color_system)
        )
        assert ratio >= 4.5, (style, ratio)
