"""The key table (reader.keys) and the reader's tagset seam (reader.tagsets), headless."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from annotations.tagset import TagDef, TagsetError
from reader.commands.check import check_paths
from reader.keys import KEYS, OTHER_INPUT, Scope, help_rows, in_scope, reserved_keys
from reader.tagsets import find_reader_tagset, load_reader_tagset, reader_tagset_report
from tests.paths import ROOT

# What the reader does with each single key while an article is open (pinned on purpose:
# a new one-key command takes a key away from tagsets, and should be a decision).
READING = {
    "?": "help",
    "/": "search",
    "n": "next match",
    "N": "previous match",
    "q": "back",
    "t": "tag",
    "c": "note",
    "d": "delete",
    "R": "span to selection / re-attach to selection",
    "]": "next annotation",
    "[": "previous annotation",
    "u": "undo",
    "a": "panel",
    "T": "article tags",
    "C": "article note",
    ".": "repeat last tags",
    "w": "select the word",
    "S": "select the sentence",
    "P": "select the paragraph",
    '"': "select the quotation",
    ")": "extend by the next sentence",
    "(": "extend by the previous sentence",
    "*": "tag every occurrence",
    "L": "link to another annotation",
    "Y": "copy as a quote card",
    "A": "accept the annotation",
    "X": "reject the annotation",
    "M": "mark the article (to do, in progress, done)",
    "g": "top",
    "G": "bottom",
    "v": "select",
    "y": "copy",
}


def test_reserved_keys_are_the_single_keys_bound_while_reading() -> None:
    assert dict(reserved_keys()) == READING


def test_digits_vi_keys_space_and_colon_are_free() -> None:
    assert not set("0123456789hjklbe :") & set(reserved_keys())


def test_dialogs_and_the_library_reserve_nothing_while_reading() -> None:
    # The help's q and ?, the library's keys: not active while an article is read.
    assert reserved_keys([Scope.LIBRARY]) == {"/": "search text"}
    assert "/" in reserved_keys()  # the article's own search
    assert set(reserved_keys([Scope.HELP])) == {"q", "?"}


def test_every_row_is_described_and_has_its_own_id() -> None:
    assert all(row.description and row.keys and row.action for row in KEYS)
    ids = Counter(row.id for row in KEYS)
    assert [id for id, count in ids.items() if count > 1] == []


def test_no_key_is_bound_twice_in_one_scope() -> None:
    pairs = Counter((row.scope, key) for row in KEYS for key in row.keys)
    assert [pair for pair, count in pairs.items() if count > 1] == []


def test_every_scope_has_keys_in_table_order() -> None:
    for scope in Scope:
        rows = in_scope(scope)
        assert rows, scope
        assert list(rows) == [row for row in KEYS if row.scope is scope]


def test_help_rows_name_the_scope_for_a_reader() -> None:
    rows = help_rows([Scope.VIEW, Scope.APP])
    assert ("article", "shift+left", "Select left") in rows
    assert ("anywhere", "?", "Help") in rows
    assert all(len(row) == 3 for row in rows)
    assert ("ctrl+p", "command palette: every action, display settings, theme") in OTHER_INPUT


# --------------------------------------------------------------------------- the reader's seam


def write(folder: Path, text: str) -> Path:
    path = folder / "hamish.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_digit_keys_load_through_the_reader(tmp_path: Path) -> None:
    text = "".join(f'[[tags]]\nname = "t{d}"\nkey = "{d}"\n' for d in "123456789")
    path = write(tmp_path, text)
    tagset, problems = reader_tagset_report(tmp_path)
    assert problems == []
    assert [(tag.name, tag.key) for tag in tagset] == [(f"t{d}", d) for d in "123456789"]
    assert load_reader_tagset(path).by_key("1") == TagDef("t1", key="1")
    assert find_reader_tagset(tmp_path / "article.txt").path == path


def test_a_bound_key_is_refused_with_what_the_reader_does(tmp_path: Path) -> None:
    path = write(tmp_path, '[[tags]]\nname = "quote"\nkey = "d"\n')
    with pytest.raises(TagsetError) as info:
        load_reader_tagset(tmp_path)
    assert str(info.value) == f"{path}:3: key 'd' is used by the reader (delete); choose another"
    with pytest.raises(TagsetError):
        find_reader_tagset(tmp_path / "article.txt")


def test_a_colour_rich_cannot_draw_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path, '[[tags]]\nname = "a"\ncolor = "reddish"\n[[tags]]\nname = "b"\ncolor = "red"\n'
    )
    tagset, problems = reader_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("a"), TagDef("b", color="red"))  # "a" kept, without a colour
    assert [(p.line, p.message) for p in problems] == [
        (
            3,
            "color 'reddish' is not a colour Rich understands "
            "(use a name such as 'red' or '#rrggbb')",
        )
    ]


def test_hamish_check_uses_the_reader_keys(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("Some text.\n", encoding="utf-8")
    write(tmp_path, '[[tags]]\nname = "claim"\nkey = "1"\n')
    assert check_paths([str(tmp_path)]).problems == []
    path = write(tmp_path, '[[tags]]\nname = "claim"\nkey = "t"\n')
    assert check_paths([str(tmp_path)]).problems == [
        f"{path}:3: key 't' is used by the reader (tag); choose another"
    ]


def test_the_key_table_and_the_seam_import_neither_textual_nor_rich() -> None:
    probe = (
        "import sys, reader.keys, reader.tagsets; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
