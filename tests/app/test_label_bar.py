"""The label bar (ctrl+l): each tag's key, colour and name, shaped, in 80 columns; the
tagset's problems stay on it until it is closed."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.color import Color

from annotations import sidecar_path
from annotations.tagset import TagDef, Tagset
from reader.settings import Settings
from reader.text.render import visual_oneline
from reader.tui.app import HamishApp
from reader.tui.widgets.label_bar import TAG_ROWS, LabelBar, label_text
from tests.app.pilots import open_article

ARABIC_TAG = "موضوع/انتخابات"  # in the sample tagset, without a key


def screen_rows(app: HamishApp) -> list[str]:
    """What the terminal is sent, row by row (the compositor's private API, on purpose:
    see tests/app/test_widths.py)."""
    return [
        "".join(segment.text for segment in strip if not segment.control)
        for strip in app.screen._compositor.render_strips()
    ]


def key_colour(app: HamishApp, key: str) -> Color | None:
    """The background of the chip of ``key`` as painted (`` s ``: the key, padded)."""
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if segment.text == f" {key} " and segment.style is not None:
                return segment.style.bgcolor
    return None


def settings() -> Settings:
    return Settings(author="rana")


async def test_ctrl_l_shows_every_tag_with_its_key_colour_and_shaped_name_at_80(library):
    path = library / "ar_economy.txt"
    async with HamishApp(path, settings()).run_test(size=(80, 24)) as pilot:
        screen, _view = await open_article(pilot)
        labels = screen.query_one(LabelBar)
        assert not labels.display  # closed until asked for: the sample tagset is sound
        assert not any("speaker/official" in row for row in screen_rows(pilot.app))
        await pilot.press("ctrl+l")
        await pilot.pause()
        rows = screen_rows(pilot.app)
        shown = "\n".join(rows)
        for chip in (
            " s  quote",
            " o  speaker/official",
            " p  speaker/opposition",
            " i  claim",
            " m  topic/economy",
            " x  topic/security",
        ):
            assert chip in shown, chip
        # The Arabic name as the engine lays it out (joined, right to left), never raw.
        visual, rtl = visual_oneline(ARABIC_TAG)
        assert rtl and f" ·  {visual}" in shown
        assert ARABIC_TAG not in shown
        assert all(cell_len(row) <= 80 for row in rows)
        assert labels.region.height == TAG_ROWS + 1  # seven tags in two rows, and its rule
        # The key is painted in the tag's highlight colour.
        assert key_colour(pilot.app, "s") == Color.parse("#e5c07b")
        assert key_colour(pilot.app, "o") == Color.parse("#61afef")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not labels.display
        assert not any("speaker/official" in row for row in screen_rows(pilot.app))


async def test_a_tagset_problem_opens_the_bar_and_stays_there(library):
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    (library / "hamish.toml").write_text(
        'strict = true\n[[tags]]\nname = "quote"\nkey = "1"\n'
        '[[tags]]\nname = "claim"\nkey = "d"\ncolor = "#e06c75"\n',
        encoding="utf-8",
    )
    async with HamishApp(path, settings()).run_test(size=(80, 24)) as pilot:
        screen, view = await open_article(pilot)
        labels = screen.query_one(LabelBar)
        assert labels.display
        shown = "\n".join(screen_rows(pilot.app))
        assert "⚠ hamish.toml:7: key 'd' is used by the reader (delete); choose another" in shown
        assert " 1  quote" in shown and " ·  claim" in shown  # claim kept, without its key
        assert key_colour(pilot.app, "·") == Color.parse("#e06c75")  # and with its colour
        # Reported once, on the bar, not in a toast that goes away.
        assert not [n for n in pilot.app._notifications if "hamish.toml" in n.message]
        await pilot.pause(0.5)
        assert labels.display and "choose another" in "\n".join(screen_rows(pilot.app))
        # "d" still deletes; the strict tagset still takes "claim" from the picker.
        view.select(0, 5)
        await pilot.press("t", *"claim", "enter", "enter")
        await pilot.pause()
        assert [a.tags for a in screen.session.annotations.annotations] == [("claim",)]
        await pilot.press("ctrl+l")  # closing the bar is dismissing the problems
        await pilot.pause()
        assert "choose another" not in "\n".join(screen_rows(pilot.app))


def test_many_tags_take_two_rows_and_count_the_rest() -> None:
    tags = tuple(TagDef(f"topic/area{i:02}", key=str(i % 10)) for i in range(20))
    text = label_text(Tagset(tags), (), 78)
    rows = text.plain.split("\n")
    assert len(rows) == TAG_ROWS
    assert all(cell_len(row) <= 78 for row in rows)
    shown = sum(row.count("topic/area") for row in rows)
    assert 0 < shown < 20
    assert rows[-1].endswith(f"+{20 - shown} more: ? lists them")


def test_a_long_arabic_name_is_cut_at_its_logical_end_and_shaped() -> None:
    name = "موضوع/انتخابات/الانتخابات البرلمانية المبكرة"
    text = label_text(Tagset((TagDef(name, key="1"),)), (), 78).plain
    assert name not in text
    assert "…" in text
    assert text.startswith(" 1  ")
    assert cell_len(text) <= 4 + 18  # the key, then at most NAME_CELLS cells of name


def test_problems_are_wrapped_and_counted_past_three_rows(tmp_path: Path) -> None:
    path = tmp_path / "hamish.toml"
    problems = [f"{path}:{line}: key 'd' is used by the reader (delete)" for line in range(5)]
    rows = label_text(Tagset(path=path), problems, 78).plain.split("\n")
    assert rows[0] == "⚠ hamish.toml:0: key 'd' is used by the reader (delete)"
    assert rows[2] == "⚠ … 3 more problems: hamish check lists them all"
    assert rows[3].startswith("No tagset")
