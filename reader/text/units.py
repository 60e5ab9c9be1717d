"""The analyst's units around an offset: word, sentence, paragraph, quotation; trimming.

Pure functions of an article's whole text (code points, 0-based, end exclusive, line
endings as in the file) and an offset; no Textual. Each returns a :class:`Span`, or
``None`` when there is no such unit at the offset (a space is in no word). The reader
binds a key to each; what it does with the span (select it, tag it) is the reader's.

The offset names a character: the span *contains* it when ``start <= offset < end``.
An offset at the end of a line (on its line break, or ``len(text)``) names the line's
last character, so a cursor just past a line still has a word, sentence and paragraph.

Rules, in order of size:

- **Line**: no unit but the paragraph crosses a line break. Paragraphs are
  :func:`reader.text.paragraphs.split_paragraphs`'s (``\\n``, ``\\r\\n``, ``\\r``,
  U+2029); scraped news is one paragraph a line, and a hard-wrapped file's lines are
  the reader's paragraphs too, so a sentence or a quotation broken over two lines is
  taken a line at a time (extend with :func:`extend_forward`).
- **Word**: a run of letters, digits, harakat and the other marks, tatweel and the
  joiners (the reader's ctrl+arrow word, :data:`reader.text.document.WORD`), with the
  runs joined by one apostrophe (``'`` or ``’``: don't, l'Orient), hyphen (``-``,
  U+2010, U+2011, Hebrew maqaf U+05BE: al-Sisi, well-known) or a decimal or thousands
  separator between digits (``.`` ``,`` ``٫`` ``٬``: 3.2, ٣٫٢, 1,204).
- **Sentence**: a line is cut after each run of ``. ! ? …`` and their Arabic, Urdu,
  ideographic and fullwidth forms (``؟ ؞ ۔ ⸮ 。 ！ ． ？``; the list is
  :data:`SENTENCE_ENDS`), taken with the closing quotes and brackets right after it,
  and only where a space or the line's end follows — so ``3.2``, ``٣.٢``, ``a.m`` and
  ``example.com`` do not end one. Not a sentence end either: a run followed by a
  lowercase letter (``e.g. this``, ``"Why?" he asked``), and a single ``.`` after an
  abbreviation (:data:`ABBREVIATIONS`, any case: Mr, Dr, Jan, Inc…), after initials
  (single letters and dots: ``J.``, ``U.S.``, Arabic ``د.`` for doctor, ``م.``, the
  hijri ``هـ.``) or after a number at the line's start (a list: ``1.``). A sentence that
  really ends in ``U.S.`` therefore runs on into the next: one sentence too long beats
  a name cut in two. The semicolons ``;`` and ``؛``, the commas and the colons end
  clauses, not sentences (Arabic news writes ``؛`` where English writes ``;``). The
  blanks after a sentence belong to the next one (those at the line's end to the
  last); a sentence's span is trimmed of them.
- **Paragraph**: the line, trimmed of blanks; ``None`` on a blank line.
- **Quotation**: the innermost pair of quotation marks around the offset, on its line:
  ``«…»``, ``‹…›``, ``“…”``, ``‘…’``, ``"…"`` and ``'…'``; by default the text inside
  the marks (trimmed of blanks), with ``marks=True`` the marks too. The offset may be
  on a mark. The paired marks open and close by their shape; ``"`` and ``'`` by what is
  beside them: after a blank, an opening bracket or another quotation mark (or at the
  line's start) and before something else, a mark opens; before a blank or
  punctuation (or at the line's end) and after something else, it closes. A ``'`` or
  ``’`` between two letters or digits is an apostrophe (don't, 5'10), a ``"`` there a
  Hebrew gershayim (צה"ל): neither is a quotation mark. A closing mark closes the
  nearest open one of its kind, and any opened inside it and left open are dropped
  (so a stray apostrophe never swallows the rest of the line); a closing ``'`` with no
  open one is an apostrophe (the students' union). ``around`` asks for the innermost
  quotation *larger than* a span, so pressing the key again goes outwards.

:func:`extend_forward` and :func:`extend_backward` grow a span to the end of the
sentence holding the first non-blank character after it (or the start of the one
holding the last before it), across line breaks. :func:`trim` takes blanks (and with
``punctuation=True`` punctuation of any script: ``. , ، ؛ ؟ « » " ( )``…) off both ends.

Cost: a unit is found from the text around the offset — a sentence looks back in
growing windows, a word never leaves its run of non-blanks — and at most the offset's
line is read (a quotation reads its whole line: its marks pair from the line's start).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from annotations.script import (
    ABBREVIATIONS,
    ATTACHED_MARKS,
    BLANK_CHARS,
    CLOSING_QUOTES_AND_BRACKETS,
    OPENING_BRACKETS,
    PARAGRAPH_BREAKS,
    SENTENCE_ENDS,
    TATWEEL,
    WORD_JOINERS,
    char_ranges,
)

__all__ = [
    "ABBREVIATIONS",
    "SENTENCE_ENDS",
    "Span",
    "extend_backward",
    "extend_forward",
    "paragraph_at",
    "quotation_at",
    "sentence_at",
    "trim",
    "word_at",
]


class Span(NamedTuple):
    """Offsets of a unit in the whole text: ``text[start:end]``."""

    start: int
    end: int


# The characters inside a word: those of the reader's word (reader/text/document.py's
# WORD: \w holds no marks, so harakat, tatweel and the joiners are added).
_WORD_CHARS = rf"[\w{char_ranges(ATTACHED_MARKS | WORD_JOINERS)}]"
# One joiner between two runs keeps them one word: apostrophes, hyphens (the Hebrew
# maqaf too), and decimal and thousands separators between digits (Latin and Arabic).
_WORD_RE = re.compile(
    rf"{_WORD_CHARS}+(?:(?:['\u2019\-\u2010\u2011\u05be]|(?<=\d)[.,\u066b\u066c](?=\d)){_WORD_CHARS}+)*"
)

_END_RUN_RE = re.compile(f"[{char_ranges(SENTENCE_ENDS)}]+")

# An abbreviation is a short word: the look back for the word before a "." stops here,
# so a line of dots and letters without a space costs no more than a real one.
_ABBREVIATION_LOOKBACK = 32
# The first window a sentence's start is looked for in, doubled until found: a few
# sentences of news text.
_SENTENCE_WINDOW = 512

_BREAK_RE = re.compile(f"[{char_ranges(PARAGRAPH_BREAKS)}]")
_MARKS = ATTACHED_MARKS
# Blanks between units: spaces, line breaks and invisible format characters, but not the
# joiners, which are inside words (Persian می‌خواهم); trim() takes those off the ends too.
_BLANKS = (BLANK_CHARS | PARAGRAPH_BREAKS) - WORD_JOINERS


def _is_blank(char: str) -> bool:
    return char.isspace() or char in _BLANKS


# --------------------------------------------------------------------------- lines


def _line(text: str, offset: int) -> tuple[int, int, int]:
    """(start, end, offset) of the line holding ``offset``, the offset moved onto the
    line's last character when it is on the line's break or past the text."""
    n = len(text)
    if not 0 <= offset <= n:
        raise ValueError(f"offset {offset} outside a text of length {n}")
    if offset < n and text[offset] in PARAGRAPH_BREAKS:
        end = offset
        if text[offset] == "\n" and offset > 0 and text[offset - 1] == "\r":
            end -= 1  # on the \n of a \r\n: the line ends before its \r
    else:
        found = _BREAK_RE.search(text, offset)
        end = found.start() if found else n
    start = _line_start(text, end)
    if offset >= end and end > start:
        offset = end - 1
    return start, end, offset


def _line_start(text: str, end: int) -> int:
    """Just past the last line break before ``end``: looked for in growing windows, so a
    unit near the end of a big article does not read the whole article back."""
    window = _SENTENCE_WINDOW
    lo = end
    while lo > 0:
        lo = max(0, end - window)
        found = max(text.rfind(c, lo, end) for c in PARAGRAPH_BREAKS)
        if found >= 0:
            return found + 1
        window *= 2
    return 0


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and _is_blank(text[start]):
        start += 1
    while end > start and _is_blank(text[end - 1]):
        end -= 1
    return Span(start, end)


# --------------------------------------------------------------------------- words


def word_at(text: str, offset: int) -> Span | None:
    """The word holding ``offset``; ``None`` on a blank or a punctuation mark."""
    line_start, line_end, offset = _line(text, offset)
    if offset >= line_end or _is_blank(text[offset]):
        return None
    lo = offset
    while lo > line_start and not _is_blank(text[lo - 1]):
        lo -= 1
    hi = offset
    while hi < line_end and not _is_blank(text[hi]):
        hi += 1
    for match in _WORD_RE.finditer(text, lo, hi):
        if match.start() <= offset < match.end():
            return Span(match.start(), match.end())
        if match.start() > offset:
            break
    return None


# --------------------------------------------------------------------------- sentences


def _letters(word: str) -> str:
    return "".join(c for c in word if c not in _MARKS and c != TATWEEL)


def _is_abbreviation(text: str, dot: int, line_start: int) -> bool:
    """Whether the single "." at ``dot`` follows an abbreviation, initials or a list number."""
    start = dot
    limit = max(line_start, dot - _ABBREVIATION_LOOKBACK)
    while start > limit and not _is_blank(text[start - 1]):
        start -= 1
    if start == limit and limit > line_start and not _is_blank(text[start - 1]):
        return False  # a "word" longer than any abbreviation
    quotes = "".join(OPENING_BRACKETS | CLOSING_QUOTES_AND_BRACKETS)
    word = _letters(text[start:dot].lstrip(quotes))
    if not word:
        return False
    if word.isdigit():
        # "1. …" as a list item; a number ending a sentence elsewhere ends it.
        return text[line_start:start].strip() == ""
    parts = word.split(".")
    if all(len(part) == 1 and part.isalpha() for part in parts):
        return True  # initials: "J.", "U.S.", "أ.د."
    return word.casefold() in ABBREVIATIONS


def _end_of_run(
    text: str, run_start: int, run_end: int, line_start: int, line_end: int
) -> int | None:
    """Where the sentence ends if the end marks text[run_start:run_end] end it, else None."""
    end = run_end
    while end < line_end and text[end] in CLOSING_QUOTES_AND_BRACKETS:
        end += 1
    if end < line_end and not _is_blank(text[end]):
        return None  # "3.2", "a.m", "example.com"
    following = end
    while following < line_end and _is_blank(text[following]):
        following += 1
    while (
        following < line_end and text[following] in OPENING_BRACKETS | CLOSING_QUOTES_AND_BRACKETS
    ):
        following += 1
    if following < line_end and text[following].islower():
        return None  # "e.g. this", "“Why?” he asked": the sentence goes on
    if (
        run_end - run_start == 1
        and text[run_start] == "."
        and _is_abbreviation(text, run_start, line_start)
    ):
        return None
    return end


def _ends(text: str, lo: int, hi: int, line_start: int, line_end: int) -> Iterator[int]:
    """The sentence ends of the end-mark runs starting in text[lo:hi], in order."""
    for match in _END_RUN_RE.finditer(text, lo, line_end):
        if match.start() >= hi:
            return
        if match.start() == lo and lo > line_start and text[lo - 1] in SENTENCE_ENDS:
            continue  # the tail of a run that starts before the window
        end = _end_of_run(text, match.start(), match.end(), line_start, line_end)
        if end is not None:
            yield end


def _sentence_bounds(text: str, offset: int, line_start: int, line_end: int) -> tuple[int, int]:
    """The untrimmed sentence holding ``offset``: from the last end at or before it (or
    the line's start) to the first end after it (or the line's end)."""
    start = line_start
    window = _SENTENCE_WINDOW
    while True:
        lo = max(line_start, offset - window)
        found = [end for end in _ends(text, lo, offset + 1, line_start, line_end) if end <= offset]
        if found:
            start = found[-1]
            break
        if lo == line_start:
            break
        window *= 2
    end = next(
        (e for e in _ends(text, start, line_end, line_start, line_end) if e > offset), line_end
    )
    return start, end


def sentence_at(text: str, offset: int) -> Span | None:
    """The sentence holding ``offset``, trimmed of blanks; ``None`` on a blank line."""
    line_start, line_end, offset = _line(text, offset)
    if line_start == line_end:
        return None
    start, end = _sentence_bounds(text, offset, line_start, line_end)
    span = _strip(text, start, end)
    if span.start == span.end and start > line_start:
        # Blanks at the line's end, after its last sentence: they belong to that one.
        span = _strip(text, *_sentence_bounds(text, start - 1, line_start, line_end))
    return span if span.start < span.end else None


def extend_forward(text: str, span: Span) -> Span:
    """``span`` grown to the end of the sentence holding the first non-blank character at
    or after its end (the rest of its sentence, or the next one, across line breaks)."""
    pos = span.end
    while pos < len(text) and _is_blank(text[pos]):
        pos += 1
    if pos >= len(text):
        return span
    sentence = sentence_at(text, pos)
    return Span(span.start, max(span.end, sentence.end)) if sentence else span


def extend_backward(text: str, span: Span) -> Span:
    """``span`` grown to the start of the sentence holding the last non-blank character
    before its start (the start of its sentence, or the previous one, across lines)."""
    pos = span.start
    while pos > 0 and _is_blank(text[pos - 1]):
        pos -= 1
    if pos == 0:
        return span
    sentence = sentence_at(text, pos - 1)
    return Span(min(span.start, sentence.start), span.end) if sentence else span


# --------------------------------------------------------------------------- paragraphs


def paragraph_at(text: str, offset: int) -> Span | None:
    """The paragraph (line) holding ``offset``, trimmed of blanks; ``None`` if blank."""
    line_start, line_end, _ = _line(text, offset)
    span = _strip(text, line_start, line_end)
    return span if span.start < span.end else None


# --------------------------------------------------------------------------- quotations

# Marks that open and close by their shape: opener -> its closer.
_PAIRED = {"«": "»", "‹": "›", "“": "”", "‘": "’"}
_CLOSERS = {closer: opener for opener, closer in _PAIRED.items()}
# Marks that open and close alike; which one a mark does depends on what is beside it.
_SYMMETRIC = frozenset("\"'")
_QUOTE_MARKS = frozenset(_PAIRED) | frozenset(_CLOSERS) | _SYMMETRIC
_QUOTE_MARK_RE = re.compile(f"[{char_ranges(_QUOTE_MARKS)}]")
# Beside a mark, these let it open (before it) or close (after it), like a blank.
_OPEN_AFTER = OPENING_BRACKETS | _QUOTE_MARKS


def _word_char(char: str) -> bool:
    return char.isalnum() or char in _MARKS or char == TATWEEL


def _closes_after(char: str) -> bool:
    return _is_blank(char) or unicodedata.category(char)[0] == "P"


def _quotation_pairs(text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    """(opening mark, closing mark) offsets of the line's quotations, inner ones first."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (the opener's kind, its offset)

    def close(kind: str, at: int) -> bool:
        for j in range(len(stack) - 1, -1, -1):
            if stack[j][0] == kind:
                pairs.append((stack[j][1], at))
                del stack[j:]
                return True
        return False

    for match in _QUOTE_MARK_RE.finditer(text, line_start, line_end):
        i = match.start()
        mark = text[i]
        before = text[i - 1] if i > line_start else None
        after = text[i + 1] if i + 1 < line_end else None
        if mark in _PAIRED:
            stack.append((mark, i))
            continue
        inside_word = (
            before is not None and after is not None and _word_char(before) and _word_char(after)
        )
        if mark == "’":
            if not inside_word:
                close("‘", i)
            continue
        if mark in _CLOSERS:
            close(_CLOSERS[mark], i)
            continue
        if inside_word:
            continue  # don't, 5'10, צה"ל
        may_open = (before is None or _is_blank(before) or before in _OPEN_AFTER) and not (
            after is None or _is_blank(after)
        )
        may_close = (after is None or _closes_after(after)) and not (
            before is None or _is_blank(before)
        )
        if may_close and (close(mark, i) or mark == "'"):
            continue  # a closing ' with no open one is an apostrophe: the students' union
        if may_open:
            stack.append((mark, i))
        elif not may_close and not close(mark, i):
            stack.append((mark, i))  # between two non-blanks ("(“a”)" aside): toggles
    return pairs


def quotation_at(
    text: str, offset: int, *, marks: bool = False, around: Span | None = None
) -> Span | None:
    """The innermost quotation holding ``offset`` (inside its marks, or with them).

    With ``around``, the innermost one whose span is larger than ``around`` and holds it:
    the quotation outside the one selected. ``None`` when there is none.
    """
    line_start, line_end, offset = _line(text, offset)
    best: Span | None = None
    for opening, closing in _quotation_pairs(text, line_start, line_end):
        if not opening <= offset <= closing:
            continue
        span = Span(opening, closing + 1) if marks else _strip(text, opening + 1, closing)
        if around is not None and not (
            span.start <= around.start and around.end <= span.end and span != around
        ):
            continue
        if best is None or span.end - span.start < best.end - best.start:
            best = span
    return best


# --------------------------------------------------------------------------- trimming


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] == "P"


def trim(text: str, span: Span, *, punctuation: bool = False) -> Span:
    """``span`` without the blanks at its ends (blanks, line breaks, invisible format
    characters), and with ``punctuation`` without punctuation of any script there too
    (Unicode category P: ``. , ، ؛ ؟ ! « » " ' ( ) - …``). May come out empty, at the
    point where the two ends met."""
    start, end = span
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"invalid span [{start}:{end}] for a text of length {len(text)}")

    def strip(char: str) -> bool:
        return _is_blank(char) or char in WORD_JOINERS or (punctuation and _is_punctuation(char))

    while start < end and strip(text[start]):
        start += 1
    while end > start and strip(text[end - 1]):
        end -= 1
    return Span(start, end)
