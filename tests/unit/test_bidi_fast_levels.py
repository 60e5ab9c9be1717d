"""The Python resolver of reader.text.bidi_levels (paragraphs without explicit
formatting) gives exactly python-bidi's levels, and declines what it does not handle."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from reader.library.article import load_article
from reader.text.bidi_levels import _fast_levels, python_bidi_levels, resolve_levels

DATA = Path(__file__).parent.parent / "data" / "BidiCharacterTest.txt.gz"
DIRECTIONS = {"0": "ltr", "1": "rtl", "2": "auto"}

# Every class the resolver handles, several characters each, brackets and marks included.
ALPHABET = (
    "abcXYZé"  # L
    "אבג"  # R
    "ابتلاءؤ\u061c"  # AL (ALM included)
    "0123²"  # EN
    "\u0660\u0661\u06f1\u0600"  # AN
    "+-"  # ES
    "#$%°\u066a"  # ET
    ",.:/\u00a0\u060c"  # CS
    "\u064e\u0650\u0651\u0300"  # NSM
    "!\"&'*;<=>?@«»\u2013"  # ON
    "()[]{}"  # paired brackets
    "  \u2003"  # WS
    "\t"  # S
    "\u2029\x1c"  # B (a neutral inside a hamish paragraph)
)


def test_every_eligible_conformance_case_takes_the_python_path_and_passes():
    fast = 0
    with gzip.open(DATA, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(";")
            text = "".join(chr(int(code, 16)) for code in fields[0].split())
            direction = DIRECTIONS[fields[1]]
            resolved = _fast_levels(text, direction)
            if resolved is None:
                continue
            fast += 1
            assert resolved == python_bidi_levels(text, direction), line
            assert resolved.base_level == int(fields[2]), line
    # Most of the file has no explicit formatting; the rest goes to python-bidi.
    assert fast > 40_000


@pytest.mark.parametrize("seed", range(4))
def test_random_text_gets_python_bidis_levels(seed):
    rng = random.Random(seed)
    for _ in range(5_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24)))
        for direction in ("auto", "rtl", "ltr"):
            fast = _fast_levels(text, direction)
            assert fast is not None, repr(text)
            assert fast == python_bidi_levels(text, direction), (repr(text), direction)


def test_real_arabic_paragraphs_get_python_bidis_levels():
    samples = Path(__file__).parent.parent.parent / "sample_articles"
    checked = 0
    for path in sorted(samples.glob("*.txt")):
        for paragraph in load_article(path).text.splitlines():
            if paragraph and _fast_levels(paragraph, "auto") is not None:
                assert resolve_levels(paragraph) == python_bidi_levels(paragraph), paragraph
                checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    "text",
    [
        "abc \u202bאבג\u202c",  # embedding
        "abc \u2067אבג\u2069",  # isolate
        "ab\u200bcd",  # BN (X9 removes it)
        "a \u2045b\u2046",  # a paired bracket not in ()[]{}
        "(" * 64 + "a",  # deeper than BD16's stack
    ],
)
def test_what_the_python_path_does_not_handle_goes_to_python_bidi(text):
    assert _fast_levels(text, "auto") is None
    assert resolve_levels(text) == python_bidi_levels(text)
