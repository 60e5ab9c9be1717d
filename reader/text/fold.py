"""Search folding: Arabic-aware, case-insensitive matching with exact offsets back.

A search for ``الامن`` should find ``الأمن``, ``الأمنَ`` and ``الـــأمن``; ``2024`` should find
``٢٠٢٤``; ``imf`` should find ``IMF``.  Both the text and the query are *folded* one
character at a time (:func:`fold_char`): a character is either dropped (harakat, Quranic
marks, Hebrew points, tatweel, invisible format characters) or replaced by exactly one
character (alef variants → ا, ة → ه, ى ی ئ → ي, ؤ → و, ک → ك, Arabic-Indic digits → ASCII,
and every cased letter whose lower case is one character → that lower case; so İ stays).
Because nothing ever expands, the folded text maps back to the original through the
sorted list of dropped positions alone (:meth:`Folded.to_original`).

:func:`fold` never loops over characters in Python: the dropped characters are found with
one regular expression, and the replacements are whole-string operations (``str.lower``
and one ``str.replace`` per mapped character actually present), which is several times
faster than ``str.translate`` with a table on non-ASCII text (about 0.2 s instead of 0.6 s
for 5 MB of Arabic).  The tests check that :func:`fold` agrees with :func:`fold_char`.

The one fold, for an external engine
------------------------------------
Everything hamish searches (``hamish search``, its index ``search.sqlite``, the reader's
``/``, the library filter, the tag picker) goes through :func:`fold`.  To configure another
engine (Elasticsearch, Tantivy, a ``grep`` wrapper) to find exactly what hamish finds, apply
the same three steps to both the documents and the queries, in this order:

1. *Drop* every character of ``annotations.script.ATTACHED_MARKS`` (every combining
   mark, category Mn, of the Arabic blocks: harakat U+064B–U+065F, superscript alef
   U+0670, the Quranic marks, honorifics; the Quranic signs U+06DD U+06E5 U+06E6 U+08E2;
   every Hebrew point and cantillation mark; tatweel U+0640) and of
   ``annotations.script.INVISIBLE_FORMAT`` (the bidi marks and controls U+061C, U+200E–F,
   U+202A–E, U+2066–9; soft hyphen, ZWSP, ZWNJ, ZWJ, word joiner, BOM).  Nothing else
   is dropped: spaces, punctuation and line breaks stay.
2. *Lower-case* character by character: a character whose ``str.lower()`` is one
   character takes it (Σ always σ, never the final ς); İ, whose lower case is two
   characters, stays.
3. *Map* one character to one: أ إ آ ٱ ٲ ٳ → ا;  ة → ه;  ى ی (Farsi yeh) ئ → ي;
   ؤ → و;  ک (keheh) → ك;  Arabic-Indic ٠–٩ and extended ۰–۹ digits → 0–9.

A match is then a plain substring match of the folded query in the folded text (no
word boundaries: Arabic attaches و ب ل ك ف ال to the word, so ``الامن`` must match
``والأمن``), mapped back to the original with :meth:`Folded.to_original` and extended
over the marks that follow its last letter (:func:`find_all`).  For Lucene-like engines
that is a char filter doing steps 1–3 and an n-gram (e.g. trigram) tokenizer with no
further normalisation; SQLite FTS5's ``trigram`` tokenizer with ``case_sensitive 1``
over folded text is what :mod:`reader.library.search_index` uses.  Never let the engine
strip diacritics or split words itself: FTS5's ``unicode61`` splits Arabic words at
harakat and drops letters' hamza differently.  :func:`fingerprint` changes whenever
these rules do, so an index built with other rules is rebuilt.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from annotations.script import ATTACHED_MARKS, INVISIBLE_FORMAT, char_ranges

__all__ = ["Folded", "find_all", "find_folded", "fingerprint", "fold", "fold_char"]


# Marks that sit on the preceding letter (and tatweel, which stretches it).  A match is
# extended over those that directly follow it, so highlighting a word keeps its vowels.
_ATTACHED = ATTACHED_MARKS
# ... and the invisible format characters (joiners, bidi marks, soft hyphen, BOM).
_IGNORED = ATTACHED_MARKS | INVISIBLE_FORMAT

_MAPPED: dict[str, str] = {
    **dict.fromkeys("أإآٱٲٳ", "ا"),
    "ة": "ه",
    "ى": "ي",
    "\u06cc": "ي",  # Farsi yeh
    "ئ": "ي",
    "ؤ": "و",
    "\u06a9": "ك",  # keheh
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended Arabic-Indic digits
}

_DOTTED_CAPITAL_I = "\u0130"  # "İ".lower() is two characters: it is kept as it is
_CAPITAL_SIGMA = "\u03a3"  # str.lower() makes it ς at the end of a word, σ elsewhere


_IGNORED_RE = re.compile(f"[{char_ranges(_IGNORED)}]+")


def _lower(c: str) -> str:
    lowered = c.lower()
    return lowered if len(lowered) == 1 else c


def fold_char(c: str) -> str:
    """The folded form of one character: ``''`` when ignored, otherwise one character."""
    if c in _IGNORED:
        return ""
    return _MAPPED.get(c) or _lower(c)


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text, and the sorted original positions of the characters folded away."""

    text: str
    deleted: list[int] = field(repr=False)
    #: shift[j]: how many kept characters precede the j-th deleted one; made on the first
    #: :meth:`to_original` (a search makes thousands of Folded and maps few of them).
    _shift: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    def to_original(self, i: int) -> int:
        """The original index of folded index ``i`` (``len(text)`` maps to the original's)."""
        shift = self._shift
        if shift is None:
            shift = [d - j for j, d in enumerate(self.deleted)]
            object.__setattr__(self, "_shift", shift)
        return i + bisect_right(shift, i)

    def is_deleted(self, original_index: int) -> bool:
        """True when the original character at ``original_index`` was folded away."""
        j = bisect_left(self.deleted, original_index)
        return j < len(self.deleted) and self.deleted[j] == original_index


def fold(text: str) -> Folded:
    """Fold ``text`` for searching (see the module docstring)."""
    deleted: list[int] = []
    pieces: list[str] = []
    pos = 0
    for m in _IGNORED_RE.finditer(text):
        start, end = m.span()
        pieces.append(text[pos:start])
        deleted.extend(range(start, end))
        pos = end
    if pieces:
        pieces.append(text[pos:])
        folded = "".join(pieces)
    else:
        folded = text
    folded = _lower_text(folded)
    for char, replacement in _MAPPED.items():
        if char in folded:
            folded = folded.replace(char, replacement)
    return Folded(folded, deleted)


def _lower_text(text: str) -> str:
    """str.lower, but character by character: İ kept, Σ always σ (never the final ς)."""
    if text.isascii():
        return text.lower()
    if _CAPITAL_SIGMA in text:
        text = text.replace(_CAPITAL_SIGMA, "\u03c3")
    if _DOTTED_CAPITAL_I in text:
        return _DOTTED_CAPITAL_I.join(part.lower() for part in text.split(_DOTTED_CAPITAL_I))
    return text.lower()


def find_all(
    folded: Folded, query: str, original: str, limit: int = 100_000
) -> list[tuple[int, int]]:
    """Non-overlapping matches of ``query`` in ``original`` (folded as ``folded``).

    Returns ``(start, end)`` spans of the original text, in order, at most ``limit``.  A
    span starts at the first matching character and ends after the last one, extended over
    the harakat and tatweel that directly follow it.  An empty query, or one made only of
    ignored characters, matches nothing.
    """
    return find_folded(folded, fold(query).text, original, limit)


def find_folded(
    folded: Folded, needle: str, original: str, limit: int = 100_000
) -> list[tuple[int, int]]:
    """:func:`find_all` for a query already folded (``needle = fold(query).text``): a
    caller searching many texts for one query folds it once."""
    if not needle or limit <= 0:
        return []
    haystack = folded.text
    n = len(original)
    spans: list[tuple[int, int]] = []
    pos = haystack.find(needle)
    while pos >= 0:
        fe = pos + len(needle)
        start = folded.to_original(pos)
        end = folded.to_original(fe - 1) + 1
        while end < n and original[end] in _ATTACHED and folded.is_deleted(end):
            end += 1
        spans.append((start, end))
        if len(spans) >= limit:
            break
        pos = haystack.find(needle, fe)
    return spans


def fingerprint() -> str:
    """A short digest of the folding rules (dropped and mapped characters, the lower-case
    exceptions): an index of folded text stores it and is rebuilt when it differs."""
    rules = "".join(sorted(_IGNORED)) + "|" + "".join(f"{k}{v}" for k, v in sorted(_MAPPED.items()))
    rules += "|" + _DOTTED_CAPITAL_I + _CAPITAL_SIGMA
    return hashlib.sha256(rules.encode("utf-8", "surrogatepass")).hexdigest()[:16]
