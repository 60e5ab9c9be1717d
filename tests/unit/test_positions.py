"""The reader's memory of where each article was left (reader/positions.py): one JSON file
in the user state folder, keyed by resolved path, bounded, atomic, ignored if unreadable."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.positions import (
    POSITIONS_FILE,
    POSITIONS_LIMIT,
    Position,
    Positions,
    positions_path,
)


def test_the_file_is_in_the_user_state_folder() -> None:
    # The suite's XDG_STATE_HOME (tests/conftest.py): never the library, never a sidecar.
    state = Path(os.environ["XDG_STATE_HOME"])
    assert positions_path() == state / "hamish" / POSITIONS_FILE


def test_remember_then_get_by_resolved_path(tmp_path: Path) -> None:
    article = tmp_path / "lib" / "a.txt"
    article.parent.mkdir()
    article.write_text("x")
    link = tmp_path / "link.txt"
    link.symlink_to(article)
    positions = Positions(tmp_path / "state" / POSITIONS_FILE)
    assert positions.get(article) is None
    assert positions.remember(article, Position(120, 80))
    assert positions.get(article) == Position(120, 80)
    assert positions.get(link) == Position(120, 80)  # the same article by another name
    data = json.loads((tmp_path / "state" / POSITIONS_FILE).read_text())
    assert data == {"version": 1, "positions": {str(article.resolve()): {"cursor": 120, "top": 80}}}
    positions.remember(link, Position(5, 0))  # one entry per article, replaced
    assert list(json.loads((tmp_path / "state" / POSITIONS_FILE).read_text())["positions"]) == [
        str(article.resolve())
    ]
    assert positions.get(article) == Position(5, 0)


def test_bounded_to_the_most_recently_left(tmp_path: Path) -> None:
    positions = Positions(tmp_path / POSITIONS_FILE, limit=3)
    for name in "abcd":
        positions.remember(tmp_path / name, Position(ord(name), 0))
    positions.remember(tmp_path / "b", Position(1, 1))  # b is the most recent now
    positions.remember(tmp_path / "e", Position(2, 2))
    kept = json.loads((tmp_path / POSITIONS_FILE).read_text())["positions"]
    assert [Path(key).name for key in kept] == ["d", "b", "e"]
    assert positions.get(tmp_path / "a") is None and positions.get(tmp_path / "c") is None
    assert POSITIONS_LIMIT == 1_000


def test_an_unreadable_or_foreign_file_is_ignored_and_then_replaced(tmp_path: Path) -> None:
    path = tmp_path / POSITIONS_FILE
    positions = Positions(path)
    for junk in (b"{not json", b"\xff\xfe", b"[]", b'{"version": 2, "positions": {}}'):
        path.write_bytes(junk)
        assert positions.get(tmp_path / "a") is None
    # Malformed entries are skipped, good ones kept.
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "positions": {
                    str(tmp_path / "bad"): {"cursor": -1, "top": 0},
                    str(tmp_path / "worse"): {"cursor": "3", "top": 0},
                    str(tmp_path / "good"): {"cursor": 3, "top": 1},
                },
            }
        )
    )
    assert positions.get(tmp_path / "good") == Position(3, 1)
    assert positions.get(tmp_path / "bad") is None and positions.get(tmp_path / "worse") is None
    path.write_bytes(b"{not json")
    assert positions.remember(tmp_path / "a", Position(7, 0))
    assert positions.get(tmp_path / "a") == Position(7, 0)


def test_a_file_that_cannot_be_written_is_left_alone(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    positions = Positions(blocker / POSITIONS_FILE)
    assert positions.remember(tmp_path / "a", Position(1, 0)) is False
    assert positions.get(tmp_path / "a") is None


def test_written_atomically_and_a_name_that_is_not_utf8_round_trips(tmp_path: Path) -> None:
    positions = Positions(tmp_path / POSITIONS_FILE)
    odd = Path(os.fsdecode(b"/tmp/\xff-article.txt"))  # a lone surrogate in its str
    assert positions.remember(odd, Position(9, 4))
    positions.remember(tmp_path / "a", Position(1, 0))
    assert positions.get(odd) == Position(9, 4)  # the file still reads, both entries there
    assert positions.get(tmp_path / "a") == Position(1, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [POSITIONS_FILE]  # no temporaries
