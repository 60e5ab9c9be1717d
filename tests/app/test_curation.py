"""Curation in the reader (issue 15, item 4): ``hamish curate FILE`` opens the article in
curation mode; the authors' disagreements come one after another (``]``/``[``), each
author's version stacked in the curation panel; a digit accepts a version, ``=`` the
majority, ``+`` all agreeing, and select-and-tag edits. The result is the curator's
annotations with ``curated_from``; the analysts' entries on disk stay byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations import AnnotationSet, make_annotation, open_sidecar
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.curation import CurationScreen
from reader.tui.screens.tag_picker import TagPicker
from reader.tui.session import find_disagreements, majority_version
from tests.app.pilots import open_article
from tests.paths import run_cli

TEXT = "قال الرئيس إن الحكومة ستعمل على خطة جديدة للاقتصاد في العام المقبل.\n"


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


# id -> (author, quote, tags). Disagreements: الرئيس (lina's tag differs from a majority),
# الحكومة (only rana marked it), خطة جديدة / خطة (other boundaries). Agreed: العام.
MARKS = {
    "r1": ("rana", "الرئيس", ["person"]),
    "o1": ("omar", "الرئيس", ["person"]),
    "l1": ("lina", "الرئيس", ["org"]),
    "r2": ("rana", "الحكومة", ["org"]),
    "r3": ("rana", "خطة جديدة", ["topic"]),
    "o3": ("omar", "خطة", ["topic"]),
    "r4": ("rana", "العام", ["topic"]),
    "o4": ("omar", "العام", ["topic"]),
    "l4": ("lina", "العام", ["topic"]),
}


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    sidecar = open_sidecar(path, TEXT)
    sidecar.save(
        sidecar.annotations.with_annotations(
            make_annotation(TEXT, *span(quote), tags=tags, author=who, id=ident)
            for ident, (who, quote, tags) in MARKS.items()
        )
    )
    return path


def entries(path: Path) -> list[dict]:
    data = json.loads((path.parent / f"{path.name}.annotations.json").read_text("utf-8"))
    return data["annotations"]


def originals(path: Path) -> dict[str, str]:
    """The analysts' entries as their exact JSON text (sorted keys), by id."""
    return {
        e["id"]: json.dumps(e, ensure_ascii=False, sort_keys=True)
        for e in entries(path)
        if e["author"] != "gold"
    }


def gold(path: Path) -> list[tuple[int, int, list[str], list[str]]]:
    return sorted(
        (e["start"], e["end"], e["tags"], e["curated_from"])
        for e in entries(path)
        if e["author"] == "gold"
    )


def app(path: Path) -> HamishApp:
    return HamishApp(path, Settings(author="lead"), curator="gold")


def panel_text(screen: CurationScreen) -> str:
    return str(screen.query_one("#curation").render())


async def test_majority_then_one_side_then_an_edit_write_the_curators_layer(article) -> None:
    before = originals(article)
    async with app(article).run_test(size=(100, 30)) as pilot:
        screen, view = await open_article(pilot)
        assert isinstance(screen, CurationScreen)
        assert [(d.start, d.end) for d in screen.disagreements] == [
            span("الرئيس"),
            span("الحكومة"),
            (span("خطة جديدة")[0], span("خطة جديدة")[1]),
        ]
        # The first is shown: the three versions stacked, numbered, with their tags.
        assert screen.current == 0 and view.cursor == span("الرئيس")[0]
        shown = panel_text(screen)
        assert "disagreement 1/3" in shown
        assert "1 \u2068lina\u2069" not in shown  # laid out: the isolates are not drawn
        assert "1 lina" in shown and "2 omar" in shown and "3 rana" in shown
        assert "[org]" in shown and "[person]" in shown
        await pilot.press("=")  # the majority: person, on الرئيس
        await pilot.pause()
        assert screen.current == 1  # on to the next one
        await pilot.press("1")  # الحكومة: version 1 is lina's, who marked nothing there
        await pilot.pause()
        assert gold(article) == [(*span("الرئيس"), ["person"], ["l1", "o1", "r1"])]
        await pilot.press("3")  # rana's version
        await pilot.pause()
        # Edit the third: select خطة and tag it (the picker, as anywhere).
        assert screen.current == 2
        view.select(*span("خطة"))
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TagPicker)
        await pilot.press(*"topic", "enter", "enter")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    assert gold(article) == sorted(
        [
            (*span("الرئيس"), ["person"], ["l1", "o1", "r1"]),
            (*span("الحكومة"), ["org"], ["r2"]),
            (*span("خطة"), ["topic"], ["o3", "r3"]),
        ]
    )
    assert originals(article) == before  # the analysts' entries are untouched


async def test_all_agreeing_and_undo(article) -> None:
    before = originals(article)
    async with app(article).run_test(size=(100, 30)) as pilot:
        screen, _view = await open_article(pilot)
        await pilot.press("+")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        assert gold(article) == [(*span("العام"), ["topic"], ["l4", "o4", "r4"])]
        await pilot.press("u")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        assert gold(article) == []
        assert "no majority" not in panel_text(screen)
    assert originals(article) == before


def test_the_disagreements_and_their_majorities() -> None:
    current = AnnotationSet.empty("a.txt", TEXT).with_annotations(
        make_annotation(TEXT, *span(q), tags=t, author=w, id=i) for i, (w, q, t) in MARKS.items()
    )
    found = find_disagreements(current, "gold")
    assert [(d.start, d.end, d.source_ids) for d in found] == [
        (*span("الرئيس"), ("l1", "o1", "r1")),
        (*span("الحكومة"), ("r2",)),
        (*span("خطة جديدة"), ("o3", "r3")),
    ]  # العام: all three alike, not a disagreement
    assert [[v.author for v in d.versions] for d in found] == [["lina", "omar", "rana"]] * 3
    assert [majority_version(d) for d in found] == [
        (*span("الرئيس"), ("person",)),
        None,  # one author of three
        None,  # two spans, one author each
    ]


def test_curate_file_opens_the_reader_in_curation_mode(article, capsys, monkeypatch) -> None:
    opened: list[tuple[Path, str | None]] = []
    monkeypatch.setattr(HamishApp, "run", lambda self: opened.append((self.target, self.curator)))
    monkeypatch.setattr("reader.settings.load_settings", lambda: Settings(author="lead"))
    assert run_cli(capsys, "curate", str(article))[0] == 0
    assert run_cli(capsys, "curate", "--curator", "gold", str(article))[0] == 0
    assert opened == [(article, "lead"), (article, "gold")]


def test_curate_without_auto_wants_one_file(article, capsys) -> None:
    code, out, err = run_cli(capsys, "curate", str(article), str(article))
    assert (code, out) == (2, "")
    assert err.strip() == "hamish: curate without --auto: give one FILE (or --auto RULE PATHS…)"
    code, _, err = run_cli(capsys, "curate", str(article.parent))
    assert code == 2 and "not a file" in err
    assert originals(article) and gold(article) == []  # nothing written
