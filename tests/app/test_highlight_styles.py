"""What the article body shows for tags and the selection (issue 13, item 8).

The styles are read off the strips the view draws (``render_line``), cell by cell: the
selection has a look of its own, a cell under two tags shows both, text keeps its
contrast, and on a 16-colour terminal distinct tag colours stay distinct.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import textual.constants
from rich.color import Color, ColorSystem, ColorTriplet
from rich.segment import Segment
from rich.style import Style

from annotations import sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.widgets.article_view import (
    STRIPE_CELLS,
    TAG_BACKGROUNDS_16,
    ArticleView,
    contrast_ratio,
    sixteen_color_backgrounds,
    sixteen_color_palette,
)
from tests.app.pilots import open_article

CLAIM, ECONOMY, SECURITY, QUOTE = "#e06c75", "#98c379", "#d19a66", "#e5c07b"
NAVY = "#1f3a93"
SAMPLE_COLORS = ["#e5c07b", "#61afef", "#c678dd", "#e06c75", "#98c379", "#d19a66", "#56b6c2"]


def add_navy_tag(library: Path) -> None:
    """A dark blue tag, after the shipped ones."""
    toml = library / "hamish.toml"
    entry = f'\n[[tags]]\nname = "navy"\ncolor = "{NAVY}"\n'
    toml.write_text(toml.read_text(encoding="utf-8") + entry, encoding="utf-8")


def span_tagged(path: Path, tags: list[str]) -> tuple[int, int]:
    """The span of the annotation tagged ``tags`` in ``path``'s shipped sidecar."""
    data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    (entry,) = [a for a in data["annotations"] if a["tags"] == tags]
    return entry["start"], entry["end"]


def style_at(view: ArticleView, offset: int) -> Style:
    """The style the view draws the cell showing ``offset`` with."""
    row, _line = view.document.locate(offset)
    cell = view.document.cell_at(offset)
    assert cell is not None and cell.width
    x = view.margin + cell.col
    strip = view.render_line(row - int(view.scroll_offset.y))
    at = 0
    segment: Segment
    for segment in strip:
        if at <= x < at + segment.cell_length:
            assert segment.style is not None
            return segment.style
        at += segment.cell_length
    raise AssertionError(f"no segment at column {x}")


def triplet(color: Color | None) -> ColorTriplet:
    assert color is not None
    return color.get_truecolor()


def on_16_colors(color: Color | None) -> int | None:
    """The colour number a 16-colour terminal is sent for ``color``."""
    assert color is not None
    return color.downgrade(ColorSystem.STANDARD).number


def cells_of(view: ArticleView, start: int, end: int) -> list[int]:
    """The offsets that start a cell of ``text[start:end]``."""
    offsets = []
    for offset in range(start, end):
        cell = view.document.cell_at(offset)
        if cell is not None and cell.start == offset and cell.width:
            offsets.append(offset)
    return offsets


async def test_the_selection_has_its_own_look_over_plain_text_and_tags(library: Path) -> None:
    path = library / "ar_economy.txt"
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        tagged, tagged_end = span_tagged(path, ["claim", "topic/economy"])
        body = view.rich_style
        tag_looks = {
            (triplet(style_at(view, o).bgcolor), bool(style_at(view, o).bold))
            for o in cells_of(view, tagged, tagged_end)
        }
        plain = view.text.index("العاصمة")
        view.select(plain, tagged + 3)  # plain text, then into the tagged words
        await pilot.pause()
        over_plain = style_at(view, plain + 1)
        over_tag = style_at(view, tagged + 1)
    # The body's colours swapped, in bold: no tag highlight looks like that.
    assert triplet(over_plain.bgcolor) == triplet(body.color)
    assert triplet(over_plain.color) == triplet(body.bgcolor)
    assert over_plain.bold
    assert (triplet(over_plain.bgcolor), True) not in tag_looks
    # Over a tag the selection still looks the same (the tag does not tint it).
    assert triplet(over_tag.bgcolor) == triplet(over_plain.bgcolor)
    assert triplet(over_tag.color) == triplet(over_plain.color)


async def test_a_cell_under_two_tags_shows_both_and_is_underlined(library: Path) -> None:
    path = library / "ar_economy.txt"
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        start, end = span_tagged(path, ["claim", "topic/economy"])
        offsets = cells_of(view, start, end)
        styles = [style_at(view, o) for o in offsets]
        # One annotation, two tags: the cells take claim's and topic/economy's colours in
        # stripes of STRIPE_CELLS columns, every one underlined.
        backgrounds = {triplet(s.bgcolor) for s in styles}
        assert backgrounds == {triplet(Color.parse(CLAIM)), triplet(Color.parse(ECONOMY))}
        assert all(s.underline for s in styles)
        for offset, style in zip(offsets, styles, strict=True):
            cell = view.document.cell_at(offset)
            assert cell is not None
            wanted = (CLAIM, ECONOMY)[(cell.col // STRIPE_CELLS) % 2]
            assert triplet(style.bgcolor) == triplet(Color.parse(wanted))

        # Overlapping annotations with one tag each: the inner cells show both colours
        # (before, the underline also wiped the colour out).
        outer, _outer_end = span_tagged(path, ["topic/security"])
        inner = view.text.index("وأمن", outer)
        screen.session.add(inner, inner + len("وأمن"), ["quote"])
        await pilot.pause()
        inner_styles = [style_at(view, o) for o in cells_of(view, inner, inner + len("وأمن"))]
        outer_only = style_at(view, outer + 1)
    assert {triplet(s.bgcolor) for s in inner_styles} == {
        triplet(Color.parse(QUOTE)),
        triplet(Color.parse(SECURITY)),
    }
    assert all(s.underline for s in inner_styles)
    assert triplet(outer_only.bgcolor) == triplet(Color.parse(SECURITY))
    assert not outer_only.underline


def test_sixteen_colors_give_distinct_backgrounds_for_twelve_tags() -> None:
    # Twelve tag colours, the shipped seven among them: four of the seven collapse to
    # the same light grey (7) when Rich downgrades them itself.
    colors = [*SAMPLE_COLORS, "#3a7bd5", "#2ecc71", "#1f3a93", "#ff00ff", "#808000"]
    itself = [Color.parse(c).downgrade(ColorSystem.STANDARD).number for c in SAMPLE_COLORS]
    assert itself.count(7) == 4
    chosen = sixteen_color_backgrounds([Color.parse(c).get_truecolor() for c in colors])
    assert len(set(chosen)) == len(colors) == len(TAG_BACKGROUNDS_16)
    assert not {0, 7, 8, 15} & set(chosen)  # never black, grey or white
    # A thirteenth shares (there are no more), and the first twelve keep their choices.
    more = sixteen_color_backgrounds([Color.parse(c).get_truecolor() for c in [*colors, "#123456"]])
    assert more[:12] == chosen and more[12] in TAG_BACKGROUNDS_16
    # Only 16-colour terminals remap: 256 colours and truecolor keep the tagset's colours.
    assert sixteen_color_palette("standard") is not None
    assert sixteen_color_palette("windows") is not None
    assert sixteen_color_palette("256") is None and sixteen_color_palette("truecolor") is None


@pytest.fixture
def sixteen_colors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's console draws for a 16-colour terminal (as with TERM=xterm)."""
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")


async def test_on_16_colors_each_tag_has_its_own_colour_and_readable_text(
    library: Path, sixteen_colors: None
) -> None:
    add_navy_tag(library)  # its text must turn white to stay readable
    path = library / "en_markets.txt"
    sidecar_path(path).unlink(missing_ok=True)
    tags = ["quote", "speaker/official", "speaker/opposition", "claim", "topic/economy"]
    tags += ["topic/security", "موضوع/انتخابات", "navy"]
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        assert pilot.app.console.color_system == "standard"
        words = [(m, m + 3) for m in range(8, 8 * 9, 8)]  # eight separate spans
        view.move_to(200)  # the cursor's cell has the cursor's look: away from them
        for (start, end), tag in zip(words, tags, strict=True):
            screen.session.add(start, end, [tag])
        await pilot.pause()
        styles = [style_at(view, start) for start, _end in words]
        view.select(100, 110)
        await pilot.pause()
        selection = style_at(view, 101)
    numbers = [on_16_colors(s.bgcolor) for s in styles]
    assert len(set(numbers)) == len(tags)  # no two tags share a colour
    assert on_16_colors(selection.bgcolor) not in numbers
    for style in styles:
        ratio = contrast_ratio(triplet(style.bgcolor), triplet(style.color))
        assert ratio >= 4.5, style
    navy = styles[-1]
    assert on_16_colors(navy.color) == 15  # white text on the dark blue


async def test_in_truecolor_tag_colours_stay_and_text_keeps_its_contrast(library: Path) -> None:
    add_navy_tag(library)
    path = library / "en_markets.txt"
    sidecar_path(path).unlink(missing_ok=True)
    async with HamishApp(path, Settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        assert pilot.app.console.color_system != "standard"
        view.move_to(200)
        screen.session.add(8, 14, ["navy"])
        screen.session.add(20, 26, ["claim"])
        await pilot.pause()
        navy, claim = style_at(view, 9), style_at(view, 21)
    # The tagset's own colours, with white text on the dark one and black on the light one.
    assert triplet(navy.bgcolor) == triplet(Color.parse(NAVY))
    assert triplet(navy.color) == ColorTriplet(255, 255, 255)
    assert triplet(claim.bgcolor) == triplet(Color.parse(CLAIM))
    assert triplet(claim.color) == ColorTriplet(0, 0, 0)
    for style in (navy, claim):
        assert contrast_ratio(triplet(style.bgcolor), triplet(style.color)) >= 4.5
