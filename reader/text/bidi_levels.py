"""Paragraph embedding levels from python-bidi (UAX #9 rules P2-I2).

python-bidi 0.6 wraps the Rust ``unicode-bidi`` crate but has no public API for the
resolved levels: ``get_display(text, debug=True)`` returns the ``{:#?}`` dump of the
crate's ``BidiInfo`` instead, with one bidi class and one level per UTF-8 *byte*.
This module is the only place that knows that format. The version range is pinned
in pyproject.toml and ``tests/unit/test_bidi_conformance.py`` checks every case of
Unicode's BidiCharacterTest.txt through it, so a format change fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bidi import get_display

from annotations.script import BIDI_PARAGRAPH_SEPARATORS

Direction = Literal["auto", "rtl", "ltr"]

_LEVEL = re.compile(r"Level\(\s*(\d+)")
_PARAGRAPH_LEVEL = re.compile(r"range: \d+\.\.\d+,\s*level: Level\(\s*(\d+)")
# The dump prints each byte's level as "        Level(\n            N,\n        ),\n":
# with single-digit levels (all but pathological nesting) every entry has the same
# length, so the digits can be sliced out instead of parsed.
_ENTRY = "        Level(\n            0,\n        ),\n"
_STRIDE = len(_ENTRY)
_DIGIT_AT = _ENTRY.index("0")
# Every byte of a UTF-8 sequence carries its code point's level; continuation bytes
# (10xxxxxx) are marked and dropped to get one level per code point.
_CONTINUATION = bytes(0x80 if 0x80 <= b < 0xC0 else 0 for b in range(256))
_MARKED_DIGITS = bytes(range(0xB0, 0xBA))
_DIGIT_VALUE = bytes(b - 0x30 if 0x30 <= b <= 0x39 else 0 for b in range(256))
# The Rust crate starts a new paragraph at every bidi class B character. hamish splits
# paragraphs only on its PARAGRAPH_BREAKS (DESIGN section 3); the other B characters
# are shown as control symbols inside a paragraph, so for level resolution they stand
# in as a neutral (U+FFFD, class ON) and the paragraph stays one.
_INNER_SEPARATORS = str.maketrans(dict.fromkeys(BIDI_PARAGRAPH_SEPARATORS, "\ufffd"))

# X9: characters the algorithm removes; they take no part in reordering.
REMOVED_BY_X9 = frozenset({"RLE", "LRE", "RLO", "LRO", "PDF", "BN"})


@dataclass(frozen=True, slots=True)
class ParagraphLevels:
    """Resolved embedding levels of one paragraph (before rule L1), one per code point."""

    base_level: int
    levels: bytes

    @property
    def rtl(self) -> bool:
        return self.base_level % 2 == 1


def resolve_levels(text: str, direction: Direction = "auto") -> ParagraphLevels:
    """Resolve the embedding levels of one paragraph (rules P2-I2).

    ``direction`` forces the paragraph level (rtl → 1, ltr → 0) or lets rules P2/P3
    find it from the first strong character (auto; no strong character → 0).
    """
    if not text:
        return ParagraphLevels(1 if direction == "rtl" else 0, b"")
    base_dir = {"rtl": "R", "ltr": "L"}.get(direction)
    safe = text.translate(_INNER_SEPARATORS)
    dump = get_display(safe, base_dir=base_dir, debug=True)
    level_part, _, paragraphs = dump.partition("paragraphs:")
    level_part = level_part[level_part.index("levels:") :]
    found = _PARAGRAPH_LEVEL.search(paragraphs)
    if found is None:  # pragma: no cover - only if python-bidi changes its dump
        raise RuntimeError("python-bidi debug output not understood; check the pinned version")
    data = safe.encode("utf-8")
    levels = _levels_per_code_point(level_part, data, len(text))
    if len(levels) != len(text):  # pragma: no cover
        raise RuntimeError("python-bidi debug output does not match the text length")
    return ParagraphLevels(base_level=int(found.group(1)), levels=levels)


def _levels_per_code_point(level_part: str, data: bytes, chars: int) -> bytes:
    count = len(data)
    first = level_part.index("Level(") - _ENTRY.index("Level(")
    digits = level_part[first + _DIGIT_AT :: _STRIDE][:count]
    commas = level_part[first + _DIGIT_AT + 1 :: _STRIDE][:count]
    single_digits = len(digits) == count and digits.isdigit() and commas == "," * count
    if not (single_digits and level_part.count("Level(") == count):
        # Some level above 9 (deep explicit nesting) broke the fixed stride: parse.
        values = [int(v) for v in _LEVEL.findall(level_part)]
        return bytes(v for v, b in zip(values, data, strict=True) if not 0x80 <= b < 0xC0)
    per_byte = digits.encode("ascii")
    if count != chars:
        # OR a 0x80 onto the digit of each continuation byte, then delete those.
        marked = int.from_bytes(per_byte, "big") | int.from_bytes(
            data.translate(_CONTINUATION), "big"
        )
        per_byte = marked.to_bytes(count, "big").translate(None, _MARKED_DIGITS)
    return per_byte.translate(_DIGIT_VALUE)
