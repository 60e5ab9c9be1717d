"""Unicode 15 BidiCharacterTest.txt through the engine's levels and rules L1/L2.

Every case must give the expected paragraph level, resolved levels and visual order
(X9-removed characters skipped, L3/L4 out of scope, as the file itself says).
"""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

from reader.text.bidi_levels import REMOVED_BY_X9, resolve_levels
from reader.text.reorder import line_levels, visual_order

DATA = Path(__file__).parent.parent / "data" / "BidiCharacterTest.txt.gz"
DIRECTIONS = {"0": "ltr", "1": "rtl", "2": "auto"}


def _cases():
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                yield number, line.split(";")


def _check(fields: list[str]) -> str | None:
    text = "".join(chr(int(code, 16)) for code in fields[0].split())
    resolved = resolve_levels(text, DIRECTIONS[fields[1]])
    if resolved.base_level != int(fields[2]):
        return f"paragraph level {resolved.base_level} != {fields[2]}"
    classes = [unicodedata.bidirectional(c) for c in text]
    levels = line_levels(classes, resolved.levels, resolved.base_level)
    expected = fields[3].split()
    got = [
        "x" if c in REMOVED_BY_X9 else str(level) for c, level in zip(classes, levels, strict=True)
    ]
    if got != expected:
        return f"levels {got} != {expected}"
    kept = [i for i, c in enumerate(classes) if c not in REMOVED_BY_X9]
    order = [kept[i] for i in visual_order([levels[i] for i in kept])]
    if order != [int(i) for i in fields[4].split()]:
        return f"order {order} != {fields[4]}"
    return None


def test_every_bidi_character_test_case_passes():
    failures = []
    total = 0
    for number, fields in _cases():
        total += 1
        problem = _check(fields)
        if problem:
            failures.append(f"line {number}: {problem}")
    assert total == 91_707
    assert failures == [], f"{len(failures)} of {total} cases fail:\n" + "\n".join(failures[:20])
