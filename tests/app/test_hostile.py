"""Hostile input: nothing from the data reaches the terminal raw, nothing is read as markup.

Escape sequences (OSC 52 writes the clipboard, OSC 2 retitles the window), C1 controls,
bidi overrides and Rich/Textual markup are put in every place an analyst's data comes
from — the file name, front matter, article text, tags, notes, authors, hamish.toml — and
every surface is read back as the terminal would receive it.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import make_annotation, open_sidecar
from annotations.script import BIDI_CONTROLS
from reader.library.article import load_article
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.widgets.article_view import ArticleView
from tests.paths import SAMPLES
from tests.paths import run_cli as run

OSC_52 = "\x1b]52;c;cHduZWQ=\x1b\\"
OSC_TITLE = "\x1b]2;pwned\x07"
CSI = "\x1b[31m"
C1_CSI = "\x9b31m"
DCS = "\x1bPq#0;2;0;0;0\x1b\\"
OVERRIDE = "\u202e"
MARKUP = "[bold]b[/bold] [/x] [link=mailto:a]l[/link] [@click=app.quit]q"
PIECES = [OSC_52, OSC_TITLE, CSI, C1_CSI, DCS, "\x07", "\x00", OVERRIDE, "\u2066", MARKUP]
HOSTILE = "ملاحظة " + " ".join(PIECES) + " end"
# A NUL makes a file binary (refused with a reason): the article's text has the others.
IN_ARTICLE = HOSTILE.replace("\x00", "")


def raw_controls(text: str) -> list[str]:
    """What in ``text`` a terminal would act on: control characters and bidi controls."""
    return [
        c for c in text if (unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI_CONTROLS
    ]


def screen_text(app) -> str:
    """Every character the top screen draws, as the terminal receives it."""
    return "\n".join(
        "".join(segment.text for segment in strip if not segment.control)
        for strip in app.screen._compositor.render_strips()
    )


@pytest.fixture
def hostile_library(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(SAMPLES / "hamish.toml", folder / "hamish.toml")
    with (folder / "hamish.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[[tags]]\nname = "[bold]bad"\ncolor = "[/bold]"\n')
    name = f"m[link=mailto:a]x {OSC_TITLE}.txt".replace("/", "_")
    article = folder / name
    body = (SAMPLES / "ar_economy.txt").read_text(encoding="utf-8")
    front = f'---\ntitle: "{MARKUP} \\e]2;t\\a"\nsource: "{MARKUP}"\n---\n'
    article.write_text(front + IN_ARTICLE + "\n" + body, encoding="utf-8")
    text = load_article(article).text
    sidecar = open_sidecar(article, text)
    start = text.index("ملاحظة")
    note = make_annotation(
        text,
        start,
        start + len("ملاحظة"),
        tags=[f"tag {MARKUP}", f"x{CSI}y", "موضوع/أمن"],
        note=HOSTILE + "\nsecond line " + OSC_52,
        author=f"a{OSC_TITLE}",
    )
    sidecar.save(sidecar.annotations.added(note).with_document(note=HOSTILE, tags=[MARKUP]))
    return folder, article


async def test_every_tui_surface_shows_hostile_data_safely(hostile_library):
    folder, article = hostile_library
    app = HamishApp(folder, Settings(author="me"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause(0.3)
        assert raw_controls(screen_text(app)) == []  # the library, its hostile row
        await pilot.app.push_screen(ArticleScreen(article))
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.2)
        view = screen.query_one(ArticleView)
        view.move_to(view.text.index("ملاحظة") + 1)  # the status line shows tags and note
        await pilot.pause()
        steps = [[], ["c"], ["escape", "C"], ["escape", "a"], ["escape", "question_mark"]]
        for keys in steps:
            if keys:
                await pilot.press(*keys)
                await pilot.pause(0.2)
            shown = screen_text(app)
            assert raw_controls(shown) == [], (keys, raw_controls(shown))
            assert "[@click" not in shown or app.is_running
        toasts = " ".join(str(n.message) for n in app._notifications)
        assert raw_controls(toasts) == []
        assert app.is_running  # nothing in the data quit the app or crashed it


def _cli_outputs(capsys, folder: Path) -> dict[str, tuple[int, str, str]]:
    article = next(p for p in folder.iterdir() if p.suffix == ".txt")
    runs = {
        "cat": ["cat", "--header", str(article)],
        "cat --json": ["cat", "--json", str(article)],
        "stats": ["stats", str(folder)],
        "stats --json": ["stats", "--json", str(folder)],
        "search": ["search", str(folder), "ملاحظة"],
        "search --json": ["search", "--json", str(folder), "ملاحظة"],
        "check": ["check", str(folder)],
        "check --json": ["check", "--json", str(folder)],
        "missing file": ["cat", str(folder / f"no{OSC_TITLE}such.txt")],
    }
    return {name: run(capsys, *args) for name, args in runs.items()}


def test_every_text_command_prints_hostile_data_safely(capsys, hostile_library):
    folder, _ = hostile_library
    for name, (code, out, err) in _cli_outputs(capsys, folder).items():
        assert code in (0, 1, 2), name
        assert raw_controls(out) == [], (name, out[:300])
        assert raw_controls(err) == [], (name, err[:300])
        if name in ("cat --json", "search --json"):  # JSON Lines
            for line in out.splitlines():
                json.loads(line)
        elif name.endswith("--json"):
            json.loads(out)
    code, out, _ = run(capsys, "search", "--json", str(folder), "ملاحظة")
    hits = [json.loads(line) for line in out.splitlines()]
    # JSON keeps the data: the note's controls come back exactly after json.loads.
    assert any(OSC_52 in hit["context"] for hit in hits if hit["kind"] == "note")


_piece = st.sampled_from(PIECES) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=st.lists(_piece, min_size=1, max_size=6).map("".join), tag=_piece)
def test_random_hostile_notes_and_tags_never_reach_the_terminal_raw(capsys, tmp_path, note, tag):
    folder = tmp_path / "lib"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("عنوان\nنص المقال هنا مع ملاحظة.\n", encoding="utf-8")
    text = load_article(article).text
    sidecar = open_sidecar(article, text)
    start = text.index("ملاحظة")
    tags = [tag] if tag.strip() else ["t"]
    sidecar.save(
        sidecar.annotations.added(make_annotation(text, start, start + 6, tags=tags, note=note))
    )
    for args in (["stats", str(folder)], ["search", str(folder), "ملاحظة"], ["check", str(folder)]):
        _, out, err = run(capsys, *args)
        assert raw_controls(out) == [] and raw_controls(err) == [], args
