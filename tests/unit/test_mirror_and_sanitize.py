"""The mirroring table against Unicode's data, and what sanitizing sends."""

from __future__ import annotations

import pytest

from reader.text.mirror import MIRRORED, mirror
from reader.text.sanitize import display_char, is_harakah, sanitize
from tests.paths import DATA


def test_mirror_table_is_bidi_mirroring_txt():
    expected = {}
    for line in (DATA / "BidiMirroring.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            source, target = (int(part, 16) for part in line.split(";"))
            expected[chr(source)] = chr(target)
    assert expected == MIRRORED
    assert mirror("(") == ")" and mirror("«") == "»" and mirror("a") == "a"


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x1b", "\u241b"),
        ("\x07", "\u2407"),
        ("\x00", "\u2400"),
        ("\x7f", "\u2421"),
        ("\x9b", "\ufffd"),
        ("\t", " "),
        ("\u202e", ""),
        ("\u2066", ""),
        ("\u200f", ""),
        ("\u061c", ""),
        ("\u200d", ""),
        ("\ufeff", ""),
        ("\u2028", "\u21b5"),
        ("ب", "ب"),
        ("[", "["),
    ],
)
def test_display_char(char, shown):
    assert display_char(char) == shown


def test_sanitize_leaves_no_control_or_bidi_character():
    hostile = "a\x1b[2J\x1b]0;t\x07\u202eb\u2067c\u2069\x85d"
    safe = sanitize(hostile)
    assert all(c.isprintable() for c in safe)


def test_harakat_are_arabic_and_hebrew_marks_only():
    assert is_harakah("\u064e") and is_harakah("\u0651") and is_harakah("\u05b8")
    assert not is_harakah("\u0301") and not is_harakah("ب")
