"""Selecting the analyst's units from the keyboard (issue 13, item 2): ``w`` word, ``S``
sentence, ``P`` paragraph, ``"`` quotation (again: the one outside), ``)`` / ``(`` extend
by a sentence; every selection trimmed, of punctuation too with ``trim_punctuation``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.settings import Settings, load_settings
from reader.text.units import Span
from reader.tui.app import HamishApp
from tests.app.pilots import open_article

ARABIC = (
    "قال الوزير «إن الحكومة "
    '"ستعمل بجد" هذا العام». وأكد أن النمو بلغ 3.2 بالمئة. ثم غادر القاعة.\n'
    "فقرة ثانية هنا.\n"
)
ENGLISH = 'The minister said "we will work hard." Growth was 3.2 percent. He left.\n'


def article(tmp_path: Path, text: str, name: str = "a.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def settings(**changes: object) -> Settings:
    return replace(Settings(author="rana"), **changes)  # type: ignore[arg-type]


def at(text: str, needle: str, occurrence: int = 0) -> int:
    found = -1
    for _ in range(occurrence + 1):
        found = text.index(needle, found + 1)
    return found


def span_of(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start, start + len(needle))


async def test_word_sentence_paragraph_and_extending_on_arabic(tmp_path):
    path = article(tmp_path, ARABIC)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(at(ARABIC, "النمو") + 2)
        await pilot.press("w")
        assert screen.selection == span_of(ARABIC, "النمو")
        view.move_to(at(ARABIC, "3.2") + 1)
        await pilot.press("w")
        assert screen.selection == span_of(ARABIC, "3.2")  # a number is one word
        await pilot.press("S")
        sentence = "وأكد أن النمو بلغ 3.2 بالمئة."
        assert screen.selection == span_of(ARABIC, sentence)  # not cut at 3.2
        await pilot.press("right_parenthesis")  # ) — the next sentence joins it
        grown = span_of(ARABIC, sentence + " ثم غادر القاعة.")
        assert screen.selection == grown
        await pilot.press("left_parenthesis")
        first = ARABIC.index("قال")
        assert screen.selection == Span(first, grown.end)
        await pilot.press("P")
        assert screen.selection == Span(0, ARABIC.index("\n"))
        status = str(screen.query_one("#status").render())
        assert f"selected 0–{ARABIC.index(chr(10))}" in status


async def test_the_quotation_key_goes_out_one_quotation_at_a_time(tmp_path):
    path = article(tmp_path, ARABIC)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(at(ARABIC, "بجد"))
        await pilot.press("quotation_mark")
        assert screen.selection == span_of(ARABIC, "ستعمل بجد")
        await pilot.press("quotation_mark")
        assert screen.selection == span_of(ARABIC, 'إن الحكومة "ستعمل بجد" هذا العام')
        await pilot.press("quotation_mark")  # nothing further out: the selection stays
        assert screen.selection == span_of(ARABIC, 'إن الحكومة "ستعمل بجد" هذا العام')


async def test_english_units_and_punctuation_trimmed_by_the_setting(tmp_path):
    path = article(tmp_path, ENGLISH, "e.txt")
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(at(ENGLISH, "work"))
        await pilot.press("quotation_mark")
        assert screen.selection == span_of(ENGLISH, "we will work hard.")
        await pilot.press("S")
        assert screen.selection == span_of(ENGLISH, 'The minister said "we will work hard."')
        await pilot.press("right_parenthesis")
        assert screen.selection == span_of(
            ENGLISH, 'The minister said "we will work hard." Growth was 3.2 percent.'
        )
    trimming = settings(trim_punctuation=True)
    async with HamishApp(path, trimming).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.move_to(at(ENGLISH, "work"))
        await pilot.press("quotation_mark")
        assert screen.selection == span_of(ENGLISH, "we will work hard")
        await pilot.press("S")
        assert screen.selection == span_of(ENGLISH, 'The minister said "we will work hard')


def cell_of(view, offset: int) -> tuple[int, int]:
    """Where the view shows ``offset`` (widget coordinates)."""
    for y in range(view.size.height):
        for x in range(view.size.width):
            if view.offset_at(x, y) == offset:
                return x, y
    raise AssertionError(f"offset {offset} is not on screen")


async def test_a_mouse_selection_is_trimmed_on_screen_and_when_tagged(tmp_path):
    path = article(tmp_path, ENGLISH, "e.txt")
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        # A drag from the blank before "Growth" onto the blank after "percent."
        start, end = at(ENGLISH, " Growth"), at(ENGLISH, " He")
        await pilot.mouse_down("#view", offset=cell_of(view, start))
        await pilot.hover("#view", offset=cell_of(view, end))
        await pilot.mouse_up("#view", offset=cell_of(view, end))
        await pilot.pause()
        wanted = span_of(ENGLISH, "Growth was 3.2 percent.")
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == wanted
        assert screen.selection == wanted
        await pilot.press("t", *"claim", "enter", "enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        (entry,) = screen.session.annotations.annotations
        assert (entry.start, entry.end, entry.quote) == (*wanted, "Growth was 3.2 percent.")


async def test_a_keyboard_selection_of_blanks_around_a_word_is_tagged_trimmed(tmp_path):
    path = article(tmp_path, ENGLISH, "e.txt")
    async with HamishApp(path, settings(trim_punctuation=True)).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        view.select(at(ENGLISH, " He"), len(ENGLISH) - 1)  # " He left." as shift+arrows make it
        await pilot.press("t", *"claim", "enter", "enter")
        await pilot.pause()
        (entry,) = screen.session.annotations.annotations
        assert entry.quote == "He left"


def test_trim_punctuation_is_a_setting_in_config_toml(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("trim_punctuation = true\n", encoding="utf-8")
    assert load_settings(config).trim_punctuation is True
    assert Settings().trim_punctuation is False
    config.write_text('trim_punctuation = "yes"\n', encoding="utf-8")
    try:
        load_settings(config)
    except Exception as error:
        assert "trim_punctuation" in str(error)
    else:
        raise AssertionError("a bad value is refused")
