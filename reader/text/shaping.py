"""Arabic shaping with an index map: one glyph per logical code point.

arabic-reshaper returns presentation forms but no map back to its input, and its
ligature pass mishandles ZWJ. This module is the only place that knows its quirks:
it reshapes with ligatures off and harakat kept, aligns the output to the input
(a presentation form decomposes to its letter; the reshaper drops ZWJ after using it
for joining), then forms the lam-alef ligatures itself. Multi-letter ligatures
(Allah) stay off: one cell would stand for four letters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from arabic_reshaper import ArabicReshaper

from annotations.script import (
    ARABIC_MARKS,
    MAY_NEED_SHAPING_RE,
    QURANIC_SIGNS,
    ZWJ,
    char_ranges,
)

_RESHAPER = ArabicReshaper(
    configuration={
        "support_ligatures": False,
        "delete_harakat": False,
        "delete_tatweel": False,
        "support_zwj": True,
        "shift_harakat_position": False,
    }
)


class _ReadConfiguration:
    """The reshaper's settings, read once: ``reshape`` asks its configparser section for
    six booleans on every call, which costs more than shaping a word."""

    def __init__(self, section: object) -> None:
        getboolean = section.getboolean  # type: ignore[attr-defined]
        keys = list(section)  # type: ignore[call-overload]
        self._booleans = {}
        for key in keys:
            try:
                self._booleans[key] = getboolean(key)
            except ValueError:  # not a boolean (the language, say)
                pass
        self._section = section

    def getboolean(self, key: str) -> bool:
        return self._booleans[key]

    def get(self, key: str) -> object:
        return self._section.get(key)  # type: ignore[attr-defined]


_RESHAPER.configuration = _ReadConfiguration(_RESHAPER.configuration)

# What may stand between a lam and the alef it joins: the reshaper skips the marks of
# its HARAKAT_RE when joining, all of them Arabic marks or Quranic signs (checked in
# tests/unit/test_script.py). Anything it does not skip breaks the join, so the lam is
# not in initial or medial form and no ligature is formed: a wider class is harmless.
_SKIPPED_WHEN_JOINING = char_ranges(ARABIC_MARKS | QURANIC_SIGNS)
# Lam in initial or medial form, marks, then an alef in final form.
_LAM_ALEF = re.compile(f"([\ufedf\ufee0])[{_SKIPPED_WHEN_JOINING}]*([\ufe82\ufe84\ufe88\ufe8e])")
# (alef final form) -> (ligature after an initial lam, ligature after a medial lam)
_LIGATURES = {
    "\ufe82": ("\ufef5", "\ufef6"),  # alef with madda
    "\ufe84": ("\ufef7", "\ufef8"),  # alef with hamza above
    "\ufe88": ("\ufef9", "\ufefa"),  # alef with hamza below
    "\ufe8e": ("\ufefb", "\ufefc"),  # alef
}
_DROPPED_BY_RESHAPER = ZWJ  # used for joining, then removed from the output
_GAP = "\x00"  # stands for a dropped code point while matching the lam-alef pattern


@lru_cache(maxsize=2048)
def _letter_of(glyph: str) -> str:
    """The letter a presentation form shows (the glyph itself otherwise)."""
    decomposition = unicodedata.decomposition(glyph)
    if decomposition.startswith(("<isolated>", "<initial>", "<medial>", "<final>")):
        parts = decomposition.split()
        if len(parts) == 2:
            return chr(int(parts[1], 16))
    return glyph


def needs_shaping(text: str) -> bool:
    """True when ``text`` holds a character arabic-reshaper may change."""
    return MAY_NEED_SHAPING_RE.search(text) is not None


def shape(text: str) -> list[str]:
    """The glyph that shows each code point of ``text``, in logical order.

    ``''`` marks a code point with no glyph of its own: a ZWJ, or the alef of a
    lam-alef ligature (whose glyph stands on the lam). The result always has
    ``len(text)`` entries; text without Arabic letters maps to itself.
    """
    if not needs_shaping(text):
        return list(text)
    if " " not in text or ZWJ in text:
        return _shape_whole(text)
    # A space joins with nothing and the reshaper starts afresh after it, so each word
    # shapes alone (ZWJ, which looks at its neighbours, keeps the whole paragraph): words
    # repeat, and a word met before is not shaped again.
    glyphs: list[str] = []
    for word in text.split(" "):
        glyphs += _shape_word(word)
        glyphs.append(" ")
    glyphs.pop()
    return glyphs


@lru_cache(maxsize=16_384)
def _shape_word(word: str) -> tuple[str, ...]:
    return tuple(_shape_whole(word)) if needs_shaping(word) else tuple(word)


def _shape_whole(text: str) -> list[str]:
    reshaped = _RESHAPER.reshape(text)
    if len(reshaped) == len(text):
        glyphs = list(reshaped)
        flat = reshaped
    else:
        glyphs = _align(text, reshaped)
        flat = "".join(g or _GAP for g in glyphs)
    for match in _LAM_ALEF.finditer(flat):
        lam, alef = match.start(1), match.start(2)
        initial, medial = _LIGATURES[flat[alef]]
        glyphs[lam] = initial if flat[lam] == "\ufedf" else medial
        glyphs[alef] = ""
    return glyphs


def _align(text: str, reshaped: str) -> list[str]:
    glyphs: list[str] = []
    j = 0
    for char in text:
        if j < len(reshaped) and _letter_of(reshaped[j]) == char:
            glyphs.append(reshaped[j])
            j += 1
        elif char == _DROPPED_BY_RESHAPER:
            glyphs.append("")
        else:
            # An output we cannot account for: show the text unshaped rather
            # than risk a glyph standing on the wrong offset.
            return list(text)
    if j != len(reshaped):
        return list(text)
    return glyphs


def clear_caches() -> None:
    """Forget the words shaped so far (a benchmark run starts from nothing)."""
    _shape_word.cache_clear()
