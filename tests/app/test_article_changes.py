"""The open article's own file changes on disk: the reader reloads it, re-anchors the
annotations, says what moved, and never saves offsets into a text that is gone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import reader.tui.session as session_module
from annotations import sidecar_path
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens.article import ArticleScreen
from reader.tui.session import AnnotationSession, Reanchored, follow_offset
from reader.tui.widgets.article_view import ArticleView
from tests.app.pilots import open_article, sidecar_of

FIRST = "Port workers met the ministry on Sunday morning to discuss wages."
SECOND = "The minister said the strike would end by Thursday if talks continue."
THIRD = "Union leaders rejected the offer as far too little and far too late."
INSERTED = "Shipping lines diverted three vessels to the northern terminal overnight."
OLD = f"{FIRST}\n\n{SECOND}\n\n{THIRD}\n"
NEW = f"{FIRST}\n\n{INSERTED}\n\n{SECOND}\n"  # a paragraph in, the third one gone
MOVES = "the strike would end by Thursday"  # in SECOND: after the insert, further on
GOES = "rejected the offer as far too little"  # in THIRD: deleted


def settings() -> Settings:
    return Settings(author="rana")


def rewrite(path: Path, text: str) -> None:
    """Write ``text`` as an editor would, with a modification time that surely differs."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 5_000_000_000, before + 5_000_000_000))


async def poll(pilot, screen: ArticleScreen) -> None:
    screen._poll_sidecar()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def messages(pilot) -> list[str]:
    """The toasts' words (a toast is wrapped to its width)."""
    return [" ".join(n.message.split()) for n in pilot.app._notifications]


def shown(view: ArticleView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


@pytest.fixture
def article(library: Path) -> Path:
    path = library / "harbour.txt"
    path.write_text(OLD, encoding="utf-8")
    return path


async def test_a_rewritten_article_is_reloaded_and_its_annotations_follow(article):
    app = HamishApp(article, settings())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen, view = await open_article(pilot)
        session = screen.session
        assert session is not None
        moves = session.add(OLD.index(MOVES), OLD.index(MOVES) + len(MOVES), ["quote"])
        goes = session.add(OLD.index(GOES), OLD.index(GOES) + len(GOES), ["claim"])
        view.move_to(OLD.index("Thursday"))
        pilot.app._notifications.clear()

        rewrite(article, NEW)
        await poll(pilot, screen)

        assert view.text == NEW and screen.article is not None and screen.article.text == NEW
        assert INSERTED in shown(view) and "Union leaders" not in shown(view)
        assert view.cursor == NEW.index("Thursday")  # beside the same words
        assert (
            "The article changed on disk and was reloaded: 1 annotation moved, 1 orphaned"
            in messages(pilot)
        )
        on_disk = sidecar_of(article)
        assert on_disk["document"]["length"] == len(NEW)
        entries = {e["id"]: e for e in on_disk["annotations"]}
        moved = entries[moves.id]
        assert NEW[moved["start"] : moved["end"]] == MOVES == moved["quote"]
        assert moved["start"] == NEW.index(MOVES) and moved["status"] == "moved"
        assert entries[goes.id]["status"] == "orphaned"
        assert entries[goes.id]["quote"] == GOES  # what was tagged is kept
        assert {h.key for h in view.highlights} == {moves.id}  # the orphan is not drawn

        # A new annotation now lands on the new text: the whole record.
        start = NEW.index("three vessels")
        view.select(start, start + len("three vessels"))
        view.focus()
        await pilot.press("s")  # the sample tagset's quick key for "quote"
        await pilot.pause()
    (added,) = [e for e in sidecar_of(article)["annotations"] if e["id"] not in entries]
    assert added == {
        "id": added["id"],
        "start": start,
        "end": start + len("three vessels"),
        "quote": "three vessels",
        "prefix": NEW[start - 32 : start],
        "suffix": NEW[start + 13 : start + 13 + 32],
        "tags": ["quote"],
        "note": "",
        "author": "rana",
        "created": added["created"],
        "modified": added["modified"],
        "status": "anchored",
    }


async def test_a_save_before_the_poll_reloads_first(article):
    """The file changes and, before the poll sees it, the analyst tags what the old
    text showed: the save follows the article first, never writing old offsets."""
    app = HamishApp(article, settings())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen, view = await open_article(pilot)
        session = screen.session
        assert session is not None
        rewrite(article, NEW)
        old_start = OLD.index(MOVES)  # as the view still shows it
        view.select(old_start, old_start + len(MOVES))
        view.focus()
        await pilot.press("s")
        await pilot.pause()
        assert view.text == NEW
        assert any(m.startswith("The article changed on disk") for m in messages(pilot))
        (entry,) = sidecar_of(article)["annotations"]
        assert sidecar_of(article)["document"]["length"] == len(NEW)
        assert NEW[entry["start"] : entry["end"]] == MOVES == entry["quote"]
        assert entry["start"] == NEW.index(MOVES)


async def test_an_unchanged_article_is_not_read_again(article, monkeypatch):
    reads: list[Path] = []
    real = session_module.load_article

    def counting(path):
        reads.append(Path(path))
        return real(path)

    monkeypatch.setattr(session_module, "load_article", counting)
    app = HamishApp(article, settings())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen, view = await open_article(pilot)
        for _ in range(3):
            await poll(pilot, screen)
        assert reads == []  # a stat each poll, no read
        # Touched (same text): read once, nothing reloaded, and not read again.
        later = article.stat().st_mtime_ns + 7_000_000_000
        os.utime(article, ns=(later, later))
        await poll(pilot, screen)
        await poll(pilot, screen)
        assert reads == [article]
        assert view.text == OLD
        assert not any(m.startswith("The article changed") for m in messages(pilot))
    assert not sidecar_path(article).exists()  # nothing to save, nothing written


def test_undo_after_a_reload_never_brings_back_old_offsets(tmp_path: Path) -> None:
    path = tmp_path / "harbour.txt"
    path.write_text(OLD, encoding="utf-8")
    session = AnnotationSession(path, OLD, author="rana")
    moves = session.add(OLD.index(MOVES), OLD.index(MOVES) + len(MOVES), ["quote"])
    session.set_tags(moves.id, ["claim"])  # undoable, recorded against the old text
    rewrite(path, NEW)
    stamp = session.article_changed()
    assert stamp is not None
    changed = session.changed_article()
    assert changed is not None
    assert session.reload(changed, stamp) == Reanchored(moved=1)
    assert session.undo() == "tags"
    (entry,) = sidecar_of(path)["annotations"]
    assert entry["tags"] == ["quote"]
    assert NEW[entry["start"] : entry["end"]] == MOVES == entry["quote"]


def test_reanchored_counts_read_well() -> None:
    assert Reanchored(moved=1, orphaned=1).describe() == "1 annotation moved, 1 orphaned"
    assert Reanchored(moved=3).describe() == "3 annotations moved"
    assert Reanchored(changed=1).describe() == "1 annotation placed on changed words"
    assert Reanchored().describe() == ""


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (OLD.index("Sunday"), NEW.index("Sunday")),  # before the change: stays
        (OLD.index("Thursday"), NEW.index("Thursday")),  # after the insert: shifted
        (OLD.index("Union"), NEW.index(INSERTED)),  # deleted: the start of the edit
    ],
)
def test_the_cursor_follows_the_words(offset: int, expected: int) -> None:
    assert follow_offset(OLD, NEW, offset) == expected


async def test_edited_words_keep_the_tagged_wording_in_the_panel_and_on_disk(article):
    from reader.tui.widgets.annotation_panel import AnnotationPanel

    edited = MOVES.replace("would end", "will end")
    app = HamishApp(article, settings())
    async with app.run_test(size=(120, 34), notifications=True) as pilot:
        screen, _view = await open_article(pilot)
        session = screen.session
        assert session is not None
        tagged = session.add(OLD.index(MOVES), OLD.index(MOVES) + len(MOVES), ["quote"])
        pilot.app._notifications.clear()

        rewrite(article, OLD.replace(MOVES, edited))
        await poll(pilot, screen)
        assert (
            "The article changed on disk and was reloaded: 1 annotation placed on changed words"
            in messages(pilot)
        )
        await pilot.press("a")
        await pilot.pause()
        panel = screen.query_one(AnnotationPanel)
        listing = panel.query_one("#panel-list")
        rows = [listing.render_line(y).text.strip() for y in range(listing.size.height)]
        assert any(row.startswith(edited[:30]) for row in rows)  # the words as they are now
        assert any("[changed]" in row for row in rows)
        assert any(row.startswith(f"was: {MOVES[:25]}") for row in rows)  # as tagged
    entry = next(e for e in sidecar_of(article)["annotations"] if e["id"] == tagged.id)
    assert (entry["quote"], entry["original_quote"], entry["status"]) == (edited, MOVES, "moved")
