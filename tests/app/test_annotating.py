"""Annotating in the reader, end to end: what the analyst does, and what lands on disk."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from annotations import make_annotation, open_sidecar, sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.screens.note_editor import NoteEditor
from reader.tui.screens.tag_picker import TagPicker, fuzzy_rank
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView
from tests.app.pilots import sidecar_of

PHRASE = "الأمن الغذائي وأمن الطاقة"


def fresh(library: Path) -> Path:
    """ar_economy.txt without its shipped sidecar."""
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    return path


async def open_article(pilot) -> tuple[ArticleScreen, ArticleView]:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    return screen, screen.query_one(ArticleView)


def screen_xy(view: ArticleView, offset: int) -> tuple[int, int]:
    row, line = view.document.locate(offset)
    cell = next(c for c in line.cells if c.start <= offset < c.end)
    return view.margin + cell.col, row - int(view.scroll_offset.y)


def settings() -> Settings:
    return Settings(author="rana")


async def test_select_by_keys_tag_and_the_sidecar_has_it(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        start = view.text.index(PHRASE)
        view.move_to(start)
        # RTL paragraph: ctrl+shift+left extends forward by whole words.
        await pilot.press(*["ctrl+shift+left"] * 4)
        assert view.selected_text == PHRASE
        await pilot.press("t")
        assert isinstance(pilot.app.screen, TagPicker)
        await pilot.press(*"quote", "enter")
        await pilot.press(*"speaker/off", "enter")
        await pilot.press("enter")  # empty line: confirm
        await pilot.pause()
    (entry,) = sidecar_of(path)["annotations"]
    text = path.read_text(encoding="utf-8")
    assert entry["quote"] == PHRASE == text[entry["start"] : entry["end"]]
    assert entry["start"] == start
    assert entry["tags"] == ["quote", "speaker/official"]
    assert entry["author"] == "rana"


async def test_select_by_mouse_and_quick_tag_key(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        start = view.text.index("صندوق النقد الدولي")
        end = start + len("صندوق النقد الدولي")
        x0, y0 = screen_xy(view, start)
        x1, y1 = screen_xy(view, end - 1)
        await pilot.mouse_down(view, offset=(x0, y0))
        await pilot.hover(view, offset=(x1, y1))
        await pilot.mouse_up(view, offset=(x1, y1))
        assert view.selected_text == "صندوق النقد الدولي"
        await pilot.press("m")  # hamish.toml: key m = topic/economy
        await pilot.pause()
        assert view.selection is None
        assert view.highlights and view.highlights[0].color == "#98c379"
    (entry,) = sidecar_of(path)["annotations"]
    assert (entry["start"], entry["end"], entry["tags"]) == (start, end, ["topic/economy"])


async def test_note_edit_delete_undo_redo_on_disk(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        start = view.text.index(PHRASE)
        view.select(start, start + len(PHRASE))
        await pilot.press("c")
        assert isinstance(pilot.app.screen, NoteEditor)
        await pilot.press(*"أولوية", "enter", *"second line")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (entry,) = sidecar_of(path)["annotations"]
        assert entry["note"] == "أولوية\nsecond line" and entry["tags"] == []

        view.move_to(start + 3)  # on the annotation
        await pilot.press("t", *"claim", "enter", "enter")
        await pilot.pause()
        assert sidecar_of(path)["annotations"][0]["tags"] == ["claim"]

        await pilot.press("d")
        await pilot.pause()
        assert sidecar_of(path)["annotations"] == []
        await pilot.press("u")
        await pilot.pause()
        assert sidecar_of(path)["annotations"][0]["tags"] == ["claim"]
        await pilot.press("u")
        await pilot.pause()
        assert sidecar_of(path)["annotations"][0]["tags"] == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert sidecar_of(path)["annotations"][0]["tags"] == ["claim"]


def make_strict(library: Path) -> None:
    """The library's tagset, strict: tags outside it are refused."""
    toml = library / "hamish.toml"
    toml.write_text(
        "strict = true\n" + toml.read_text(encoding="utf-8").replace("strict = false\n", ""),
        encoding="utf-8",
    )


async def test_strict_tagset_refuses_new_tags(library):
    path = fresh(library)
    make_strict(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        view.select(0, 5)
        await pilot.press("t", *"madeup", "enter")
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker) and picker.chosen == []
        problem = str(picker.query_one("#problem").render())
        assert "madeup" in problem
        await pilot.press("escape")
    assert not sidecar_path(path).exists()


async def test_overlapping_highlights_and_next_previous(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        outer = view.text.index(PHRASE)
        inner = view.text.index("وأمن الطاقة")
        screen.session.add(outer, outer + len(PHRASE), ["quote"])
        screen.session.add(inner, inner + len("وأمن الطاقة"), ["topic/security"])
        await pilot.pause()
        cell_inner = view.document.cell_at(inner)
        cell_outer = view.document.cell_at(outer)
        assert [h.color for h in view._highlights_of(cell_inner)] == ["#d19a66", "#e5c07b"]
        assert [h.color for h in view._highlights_of(cell_outer)] == ["#e5c07b"]
        view.move_to(0)
        await pilot.press("right_square_bracket")
        assert view.cursor == outer
        await pilot.press("right_square_bracket")
        assert view.cursor == inner
        await pilot.press("left_square_bracket")
        assert view.cursor == outer
        view.move_to(inner + 2)
        await pilot.pause()
        status = str(screen.query_one("#status").render())
        assert "topic/security" in status and "rana" in status


async def test_panel_lists_jumps_and_reattaches_an_orphan(library):
    path = library / "ar_economy.txt"
    text = path.read_text(encoding="utf-8")
    # The article was corrected after it was annotated: one quote is gone.
    gone = "رفع توقعاته لنمو اقتصادات المنطقة إلى 3.2% هذا العام"
    path.write_text(text.replace(gone, "رفع تقديراته"), encoding="utf-8")
    async with HamishApp(path, settings()).run_test(size=(120, 34)) as pilot:
        screen, view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        items = panel.shown_annotations()
        assert len(items) == 4 and items[-1].status == "orphaned"
        orphan = items[-1]
        first = items[0]
        panel.query_one("#panel-list").focus()
        await pilot.press("enter")
        assert (view.selection.start, view.selection.end) == (first.start, first.end)
        # Re-attach the orphan to new text.
        new_text = "رفع تقديراته"
        start = view.text.index(new_text)
        view.select(start, start + len(new_text))
        panel.select(orphan.id)
        panel.query_one("#panel-list").focus()
        await pilot.press("R")
        await pilot.pause()
    entries = {e["id"]: e for e in sidecar_of(path)["annotations"]}
    assert entries[orphan.id]["status"] == "anchored"
    assert entries[orphan.id]["quote"] == new_text


async def test_panel_filter_by_tag(library):
    path = library / "ar_economy.txt"
    async with HamishApp(path, settings()).run_test(size=(120, 34)) as pilot:
        screen, _view = await open_article(pilot)
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        panel.query_one("#panel-filter", Input).value = "speaker"
        await pilot.pause()
        assert [a.tags for a in panel.shown_annotations()] == [("quote", "speaker/official")]


async def test_external_change_is_merged_into_the_open_view(library):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        mine = screen.session.add(0, 5, ["quote"])
        # Another analyst saves into the same sidecar meanwhile.
        text = path.read_text(encoding="utf-8")
        other = open_sidecar(path, text)
        theirs = make_annotation(text, 10, 20, tags=["claim"], author="other")
        other.save(other.annotations.added(theirs))
        screen._poll_sidecar()
        await pilot.pause()
        assert {h.key for h in view.highlights} == {mine.id, theirs.id}
        screen.session.add(30, 40, ["claim"])
    ids = {e["id"] for e in sidecar_of(path)["annotations"]}
    assert {mine.id, theirs.id} <= ids and len(ids) == 3


async def test_document_tags_show_in_the_library(library):
    async with HamishApp(library, settings()).run_test(size=(120, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"Port strike", "enter", "enter")
        _screen, _view = await open_article(pilot)
        await pilot.press("T", *"topic/security", "enter", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        library_screen = pilot.app.screen
        entry = next(e for e in library_screen.entries if e.path.name == "en_quoting_arabic.txt")
        assert ("topic/security", 1) in entry.tags
    data = sidecar_of(library / "en_quoting_arabic.txt")
    assert data["document"]["tags"] == ["topic/security"]


async def test_save_failure_keeps_the_work_and_says_so(library, monkeypatch):
    path = fresh(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("annotations.store.tempfile.mkstemp", refuse)
        annotation = screen.session.add(0, 5, ["quote"])
        assert (
            not screen.session.state.saved and "Permission denied" in screen.session.state.message
        )
        assert screen.session.annotations.get(annotation.id) is not None
        monkeypatch.undo()
        screen.session.retry_save()
        assert screen.session.state.saved
    assert [e["id"] for e in sidecar_of(path)["annotations"]] == [annotation.id]


def test_fuzzy_rank_prefers_prefix_and_folds_arabic():
    choices = ["quote", "speaker/official", "speaker/opposition", "موضوع/انتخابات"]
    assert fuzzy_rank("opp", choices)[0] == "speaker/opposition"
    assert fuzzy_rank("spo", choices)[:2] == ["speaker/official", "speaker/opposition"]
    assert fuzzy_rank("موضوع/انتخابات", choices) == ["موضوع/انتخابات"]
    assert fuzzy_rank("qt", choices) == ["quote"]


async def test_tagset_key_clash_is_reported_and_the_rest_works(library):
    path = fresh(library)
    (library / "hamish.toml").write_text(
        '[[tags]]\nname = "quote"\nkey = "d"\n\n[[tags]]\nname = "claim"\nkey = "i"\n',
        encoding="utf-8",
    )
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        problems = screen.session.tagset_problems
        assert problems and "hamish.toml:3" in problems[0] and "'d'" in problems[0]
        view.select(0, 5)
        await pilot.press("i")
        await pilot.pause()
    assert sidecar_of(path)["annotations"][0]["tags"] == ["claim"]


async def test_a_refused_arabic_tag_is_explained_in_a_laid_out_line(library):
    from reader.text.render import visual_oneline

    path = fresh(library)
    make_strict(library)
    async with HamishApp(path, settings()).run_test(size=(100, 30)) as pilot:
        _screen, view = await open_article(pilot)
        view.select(0, 5)
        await pilot.press("t")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, TagPicker)
        picker.query_one("#query", Input).value = "اقتصاد"
        await pilot.press("enter")
        await pilot.pause()
        shown = str(picker.query_one("#problem").render())
        assert picker.chosen == []
        assert "اقتصاد" not in shown  # not the logical letters, raw
        assert visual_oneline("اقتصاد")[0] in shown  # the tag as the engine lays it out
