"""Every string the reader shows outside the body is laid out by the engine, never raw.

The display seam (reader/tui/display.py) on its own, then what the screen shows: the
status line on an annotation with an Arabic note and tags, toasts, help, the command
palette and the article header.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static
from textual.widgets._toast import Toast

from annotations import make_annotation, open_sidecar, sidecar_path
from annotations.script import BIDI_CONTROLS
from reader.library.article import ArticleError, load_article
from reader.settings import Settings
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.render import byline, visual_oneline
from reader.tui import display
from reader.tui.app import HamishApp, TagCommands
from reader.tui.display import isolate
from reader.tui.screens.article import BIDI_OVERRIDES, ArticleHeader, ArticleScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView

NOTE = "قارن بتقرير يناير (2.6%) وبيان الوزارة"
TAGS = ("اقتباس", "موضوع/انتخابات")
ARABIC_TAG = "موضوع/انتخابات"
MIXED = "صندوق النقد IMF يرفع توقعاته إلى 3.2% في 2024"


def settings(**changes) -> Settings:
    return Settings(author="رنا", **changes)


async def opened(pilot) -> tuple[ArticleScreen, ArticleView]:
    """The article screen once its annotations are open."""
    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    assert isinstance(screen, ArticleScreen)
    for _ in range(50):
        await pilot.pause(0.02)
        if screen.session is not None:
            break
    await pilot.pause()
    return screen, screen.query_one(ArticleView)


def shown(widget: Static) -> list[str]:
    """The rows ``widget`` draws inside its padding (from ``content_region.x`` on)."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def annotate(path: Path, quote: str, *, tags=TAGS, note=NOTE, author="رنا") -> int:
    text = load_article(path).text
    start = text.index(quote)
    sidecar = open_sidecar(path, text)
    annotation = make_annotation(
        text, start, start + len(quote), tags=tags, note=note, author=author
    )
    sidecar.save(sidecar.annotations.added(annotation))
    return start


# -- the seam -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "صندوق النقد الدولي",
        MIXED,
        "City council (البلدية) approves 6 routes",
        "שלום עולם 2024",
        "می‌خواهم کتاب بخوانم",
        "  several   spaces\nand a line break  ",
    ],
)
@pytest.mark.parametrize("width", [8, 20, 80])
def test_a_line_is_the_engines_one_line_layout(text, width):
    for direction in ("auto", "rtl", "ltr"):
        expected, rtl = visual_oneline(text, width, direction=direction)
        laid = display.line(text, width, direction=direction)
        assert laid.plain == expected
        assert laid.justify == ("right" if rtl else "left")
        assert laid.cell_len <= width


def test_a_long_rtl_line_loses_its_logical_end_not_its_first_word():
    note = "الأمن الغذائي وأمن الطاقة يبقيان على رأس أولويات الإنفاق العام"
    laid = display.line(note, 20).plain
    assert laid.startswith("…")  # the logical end of an RTL line is at the left
    first_word = visual_oneline("الأمن", 20)[0]
    assert laid.endswith(first_word)  # its first word, whole, at the right
    assert display.clip(note, 20) == "الأمن الغذائي وأمن…"


def test_fill_pads_an_rtl_line_to_the_width_as_the_engine_places_it():
    laid = display.line("صندوق النقد", 30, fill=True).plain
    (row,) = layout_paragraph("صندوق النقد", LayoutOptions(width=30)).lines
    assert laid == row.text and len(laid) == 30 and laid.startswith(" " * 19)


def test_nothing_raw_reaches_the_terminal_and_nothing_is_markup():
    # (The override comes last: the engine honours it, and it would reverse what follows.)
    hostile = "a\x1b[2Jb \x1b]0;pwned\x07 \x9b c [bold]x[/bold] [@click=app.quit]q \u202ed"
    for laid in (display.line(hostile, 80), display.lines(hostile, 30)):
        plain = laid.plain
        assert not any(c in plain for c in "\x1b\x07\x9b")
        assert not any(c in BIDI_CONTROLS for c in plain)
        assert "␛[2J" in plain and "[bold]x[/bold]" in plain and "[@click=app.quit]q" in plain
        assert not laid.spans  # a Text: nothing was parsed


def test_terminal_mode_sends_sanitized_logical_text():
    options = LayoutOptions(bidi="terminal")
    laid = display.line(f"{MIXED}\x1b", 80, options=options)
    assert laid.plain == MIXED + "␛"  # logical order, unshaped, still sanitized
    assert laid.justify == "left"


def test_lines_wrap_each_line_of_a_message_with_the_engine():
    message = f"Cannot read {isolate('تقرير.txt')}\n{NOTE} {NOTE}"
    rows = display.lines(message, 24).plain.split("\n")
    expected = [
        row.text.rstrip()
        for part in message.split("\n")
        for row in layout_paragraph(part, LayoutOptions(width=24)).lines
    ]
    assert rows == expected and len(rows) > 2
    assert all(len(row) <= 24 for row in rows)
    # The RTL rows are right-aligned, top row first: the note's first word is on row 2.
    assert rows[1].rstrip().endswith(visual_oneline("قارن", 24)[0])
    assert all(len(row) == 24 for row in rows[1:])


def test_clip_counts_what_the_terminal_is_sent():
    assert display.clip("abc\x1bdef", 5) == "abc\x1b…"  # ␛ takes a cell
    assert display.clip("ab\u202ecd", 4) == "ab\u202ecd"  # a bidi control takes none
    assert display.width_of("a\u064eb") == 2  # a mark takes none


async def test_toast_width_is_the_toasts_text_width():
    for width in (40, 60, 80, 81, 100, 130, 200):
        app = HamishApp(Path("missing.txt"), settings())
        async with app.run_test(size=(width, 24), notifications=True) as pilot:
            app.notify("x " * 200, markup=False)
            await pilot.pause()
            await pilot.pause()
            toast = app.screen.query(Toast).last()
            assert toast.content_region.width == display.toast_width(width), width


# -- on screen ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (130, 30)])
async def test_status_line_on_an_annotation_with_an_arabic_note_and_tags(library, size):
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    quote = "الأمن الغذائي وأمن الطاقة"
    start = annotate(path, quote)
    async with HamishApp(path, settings()).run_test(size=size) as pilot:
        screen, view = await opened(pilot)
        view.move_to(start + 3)
        await pilot.pause()
        status = screen.query_one("#status", Static)
        (row,) = shown(status)
        width = size[0] - 2
        described = screen._describe()
        expected, _ = visual_oneline(described, width, direction="ltr")
        assert row.rstrip() == expected.rstrip() and cell_len(row) <= width
        # The note, the tags and the author are in it, each laid out as the engine does.
        for tag in TAGS:
            assert isolate(tag) in described
            assert visual_oneline(tag, 80)[0] in row
        assert "قارن" not in row  # never the logical, unjoined letters
        assert visual_oneline("قارن بتقرير", 80)[0] in row
        assert f"offset {start + 3}" in row and "ar_economy.txt" in row
        if size[0] >= 100:  # room for the author, and at 130 for the whole note
            assert visual_oneline("رنا", 80)[0] in row
        if size[0] >= 130:
            assert isolate(NOTE) in described and visual_oneline(NOTE, 80)[0] in row
        else:
            assert "…" in row and isolate(NOTE) not in described


async def test_status_line_cuts_the_note_before_the_file_and_offset(library):
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    start = annotate(path, "الأمن الغذائي وأمن الطاقة", note=NOTE * 5)
    async with HamishApp(path, settings()).run_test(size=(80, 24)) as pilot:
        screen, view = await opened(pilot)
        view.move_to(start)
        await pilot.pause()
        (row,) = shown(screen.query_one("#status", Static))
        assert row.rstrip().endswith(f"ar_economy.txt · offset {start}")
        assert "…" in row and visual_oneline("قارن بتقرير", 80)[0] in row


async def test_status_line_repeats_an_arabic_query_laid_out(library):
    async with HamishApp(library / "ar_economy.txt", settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await opened(pilot)
        await pilot.press("slash", *"الامن", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        (row,) = shown(screen.query_one("#status", Static))
        assert f"1/{len(view.matches)} matches for {visual_oneline('الامن', 20)[0]}" in row


async def test_status_line_says_an_article_holds_bidi_overrides(library):
    async with HamishApp(library / "mixed_controls.txt", settings()).run_test(
        size=(100, 30)
    ) as pilot:
        screen, _view = await opened(pilot)
        (row,) = shown(screen.query_one("#status", Static))
        assert row.startswith(BIDI_OVERRIDES + " · ")
    async with HamishApp(library / "ar_economy.txt", settings()).run_test(size=(100, 30)) as pilot:
        screen, _view = await opened(pilot)
        (row,) = shown(screen.query_one("#status", Static))
        assert "bidi overrides" not in row


async def test_a_toast_with_an_arabic_file_name_is_shaped_and_never_markup(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the message names the file as it was given
    path = Path("[bold]x [@click=app.quit]q تقرير.txt")
    path.write_bytes(b"\xff\xfe\x00\xd8")  # undecodable: the article cannot load
    with pytest.raises(ArticleError) as failed:
        load_article(path)
    message = str(failed.value)
    assert "تقرير" in message
    async with HamishApp(path, settings()).run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.pause()
        (notification,) = list(pilot.app._notifications)
        assert notification.markup is False
        width = display.toast_width(80)
        assert notification.message == display.lines(message, width, direction="ltr").plain
        assert visual_oneline("تقرير", 20)[0] in notification.message
        assert "تقرير" not in notification.message  # shaped, never the raw letters
        assert "[bold]x" in notification.message
        assert "[@click=app.quit]q" in notification.message
        toast = pilot.app.screen.query_one(Toast)
        content = toast.render()
        assert isinstance(content, Content)
        assert not content.spans  # no style, no link, no action was parsed
        text = "\n".join(toast.render_line(y).text for y in range(toast.size.height))
        assert "[bold]x" in text and "[@click=app.quit]q" in text
        # The header and the status line show the same error, laid out.
        header = pilot.app.screen.query_one(ArticleHeader)
        assert visual_oneline("تقرير", 20)[0] in shown(header)[0]
        await pilot.click(Toast)  # clicking the text dismisses the toast, nothing else
        await pilot.pause()
        assert pilot.app.is_running and pilot.app.return_code is None


async def test_notify_lays_out_and_never_parses_markup(library):
    async with HamishApp(library / "ar_economy.txt", settings()).run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        pilot.app._notifications.clear()
        message = f"Tagged {isolate(ARABIC_TAG)} [bold]x [@click=app.quit]"
        display.notify(pilot.app, message, title=f"{ARABIC_TAG} [b]")
        await pilot.pause()
        (notification,) = list(pilot.app._notifications)
        assert not notification.markup
        rows = notification.message.split("\n")
        expected = display.lines(message, display.toast_width(100), direction="ltr")
        assert rows == expected.plain.split("\n")
        assert rows[0] == f"Tagged {visual_oneline(ARABIC_TAG, 40)[0]} [bold]x"
        assert rows[1] == "[@click=app.quit]"
        # A message is an English, left-to-right line, even when data comes first.
        assert notification.title == visual_oneline(f"{ARABIC_TAG} [b]", 40, direction="ltr")[0]
        assert notification.title.endswith(" [b]")


def arabic_tagset(library: Path) -> None:
    toml = library / "hamish.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            f'name = "{ARABIC_TAG}"\n', f'name = "{ARABIC_TAG}"\nkey = "e"\n'
        ),
        encoding="utf-8",
    )


async def test_help_lists_an_arabic_tag_laid_out(library):
    arabic_tagset(library)
    async with HamishApp(library / "ar_economy.txt", settings()).run_test(size=(80, 40)) as pilot:
        await opened(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = shown(help_screen.query_one("#keys", Static))
        (row,) = [r for r in rows if "tag the selection" in r and " e " in r]
        tail = "tag the selection or toggle " + visual_oneline(ARABIC_TAG, 40)[0]
        assert row.rstrip().endswith(tail)
        assert ARABIC_TAG not in "\n".join(rows)
        assert all(len(r) <= help_screen.table_width() for r in rows)


async def test_palette_offers_an_arabic_tag_laid_out_and_applies_it(library):
    arabic_tagset(library)
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await opened(pilot)
        start = view.text.index("صندوق النقد الدولي")
        view.select(start, start + len("صندوق النقد الدولي"))
        provider = TagCommands(screen)
        hits = [hit async for hit in provider.search("انتخابات")]
        (hit,) = hits
        assert hit.text == f"Tag the selection: {isolate(ARABIC_TAG)} ({isolate('e')})"
        assert hit.match_display.plain == visual_oneline(hit.text, 92, direction="ltr")[0]
        discovered = [h async for h in provider.discover()]
        assert hit.text in [h.text for h in discovered]
        hit.command()
        await pilot.pause()
        (annotation,) = screen.session.annotations.annotations
        assert (annotation.start, annotation.end, annotation.tags) == (
            start,
            start + len("صندوق النقد الدولي"),
            (ARABIC_TAG,),
        )


def header_rows(screen: ArticleScreen) -> list[str]:
    return shown(screen.query_one(ArticleHeader))


def column_edges(screen: ArticleScreen) -> tuple[int, int]:
    """Screen columns of the reading column's first and last cell."""
    view = screen.query_one(ArticleView)
    left = view.content_region.x + view.margin
    return left, left + view.document.width - 1


async def test_the_header_of_an_arabic_article_is_right_aligned_with_its_body(tmp_path):
    path = tmp_path / "imf.txt"
    path.write_text(
        "IMF: صندوق النقد يرفع توقعاته\n"
        "قال الصندوق في تقرير إنه رفع توقعاته لنمو اقتصادات المنطقة.\n"
        "المصدر: وكالة الأنباء\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.direction == "rtl" and article.source == "وكالة الأنباء"
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, _view = await opened(pilot)
        for size in ((100, 30), (80, 24), (140, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            header = screen.query_one(ArticleHeader)
            _left, right = column_edges(screen)
            title, under = header_rows(screen)[:2]
            x = header.content_region.x
            # The title is laid out right to left ("IMF" first, at the right) and ends
            # where the body's right-to-left lines end.
            assert x + len(title.rstrip()) - 1 == right, size
            assert title.rstrip().endswith("IMF")
            assert title.strip() == visual_oneline(article.title, 80, direction="rtl")[0]
            assert x + len(under.rstrip()) - 1 == right
            expected = visual_oneline(byline(article.source, article.date), 80, direction="rtl")
            assert under.strip() == expected[0]
        # The panel narrows the view: the header follows its column.
        await pilot.press("a")
        await pilot.pause()
        await pilot.pause()
        assert screen.query(AnnotationPanel)
        _left, right = column_edges(screen)
        title = header_rows(screen)[0]
        assert screen.query_one(ArticleHeader).content_region.x + len(title.rstrip()) - 1 == right


async def test_the_header_of_a_latin_article_starts_with_its_column(library):
    async with HamishApp(library / "en_markets.txt", settings()).run_test(size=(120, 30)) as pilot:
        screen, _view = await opened(pilot)
        header = screen.query_one(ArticleHeader)
        left, _right = column_edges(screen)
        title = header_rows(screen)[0]
        assert header.content_region.x + len(title) - len(title.lstrip()) == left
        assert screen.article is not None
        assert title.strip() == visual_oneline(screen.article.title, 80, direction="ltr")[0]


async def test_an_unknown_theme_is_said_laid_out_not_a_crash(library):
    theme = "[bold]x سمة"  # Latin first: the brackets keep their order
    app = HamishApp(library / "ar_economy.txt", settings(theme=theme))
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        messages = [n.message for n in pilot.app._notifications]
        (message,) = [m for m in messages if "Unknown theme" in m]
        assert visual_oneline("سمة", 20)[0] in message and "[bold]x" in message
        assert "textual-dark" in message
        assert pilot.app.theme == "textual-dark"


def test_interface_isolates_are_never_drawn_as_markers():
    options = LayoutOptions(bidi_markers=True)
    assert display.line(f"file {isolate('تقرير')}", 40, options=options).plain == (
        "file " + visual_oneline("تقرير", 40)[0]
    )
    assert display.lines(isolate("x"), 40, options=options).plain == "x"


def test_options_of_follow_the_apps_settings():
    app = HamishApp(Path("x.txt"), Settings(bidi="terminal", harakat=False))
    assert display.options_of(app) == LayoutOptions(bidi="terminal", harakat=False)
    assert display.options_of(None) == LayoutOptions()


async def test_a_long_file_name_gives_way_to_the_annotation_at_80_columns(library):
    long_name = "000_c30b2e13d51bf1f7_a_scraped_file.txt"
    path = library / long_name
    path.write_bytes((library / "ar_economy.txt").read_bytes())
    start = annotate(path, "الأمن الغذائي وأمن الطاقة")
    async with HamishApp(path, settings()).run_test(size=(80, 24)) as pilot:
        screen, view = await opened(pilot)
        view.move_to(start)
        await pilot.pause()
        (row,) = shown(screen.query_one("#status", Static))
        assert long_name not in row and f"offset {start}" in row
        for tag in TAGS:
            assert visual_oneline(tag, 80)[0] in row
        view.move_to(0)  # off the annotation: the file name is back
        await pilot.pause()
        (row,) = shown(screen.query_one("#status", Static))
        assert long_name in row
