"""Which paragraphs are headings, and where a blank row goes: pure rules, no layout.

An article is one paragraph per line. Two kinds of line are headings:

- In a Markdown article (``.md``), an ATX heading: up to three spaces, one to six ``#``
  and a space (or nothing after them), as CommonMark has it. The ``#`` stay in the
  text (every code point keeps its cell); the reader draws them dim.
- In plain text, a **subheading**: a short line without final punctuation *between
  two paragraphs of running text*. Scraped news has no markup, but its subheadings
  have that shape, and a heuristic that errs on the side of "not a heading" costs
  little: a missed subheading reads as a short paragraph.

The thresholds for plain text, and why:

- at most :data:`MAX_HEADING_CHARS` (80) characters and :data:`MAX_HEADING_WORDS` (12)
  words: news subheadings are a phrase of 2 to 10 words (15 to 60 characters in
  Arabic, which spells short words with few letters); a sentence of running text
  almost never stays under 80 characters *and* drops its full stop;
- it ends without sentence or clause punctuation (``. ! ? … , ; :`` and the Arabic
  ``، ؛ ؟``, Urdu ``۔``), looked for before closing quotes and brackets, so
  ``«…».`` is running text while ``رئيس المجلس: «خطوة نحو الحل»`` can be a heading;
- it has a letter, holds no tab (a row of a table) and no web address, and is not an
  *aside*: a line in brackets (a photo credit ``(تصوير: …)``) or one that starts with a
  label and a colon that credits a photo or names a source (``المصدر:``, ``الصورة:``,
  ``عکس:``, ``Photo:``, ``Source:``, …: :data:`CREDIT_LABELS`); nor a list item;
- the nearest lines before and after it that are neither blank nor asides (skipping at
  most :data:`MAX_SKIPPED_AROUND` lines: a photo credit often sits between a paragraph
  and the next subheading) are running text: longer than a heading can be, or ending
  with sentence punctuation. So the first line (the title) and the last (a source
  line) are never headings, nor a line next to a byline, a caption or another short
  line (a list, a poem, a dialogue stays as it is).

Blank rows (:func:`spacing_before`): one between two paragraphs when
``paragraph_spacing`` is on, and one before and after every heading either way; none
next to a line that is already blank, and, in Markdown, none between consecutive
lines (Markdown's paragraphs are separated by blank lines already, and consecutive
lines are one paragraph).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from annotations.script import (
    ANY_LETTER_RE,
    BIDI_SEGMENT_SEPARATORS,
    BLANK_CHARS,
    CLOSING_QUOTES_AND_BRACKETS,
    COLONS,
    LIST_BULLETS,
    OPENING_BRACKETS,
    SENTENCE_END_PUNCTUATION,
    char_ranges,
)

__all__ = [
    "CREDIT_LABELS",
    "MARKDOWN_SUFFIXES",
    "MAX_HEADING_CHARS",
    "MAX_HEADING_WORDS",
    "MAX_SKIPPED_AROUND",
    "PLAIN_HEADING_LEVEL",
    "is_aside",
    "is_blank",
    "is_markdown",
    "is_running_text",
    "looks_like_heading",
    "markdown_heading",
    "nearest_text",
    "plain_heading_level",
    "spacing_before",
]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 12
MAX_SKIPPED_AROUND = 3
# A plain-text subheading has no level of its own: it is taken as a section heading.
PLAIN_HEADING_LEVEL = 2

# Labels that start a credit or source line, not a heading, when a colon follows them:
# source, photo, image, picture, credit, read also, in Arabic, Persian, Urdu, Hebrew and
# English (matched without case and, for Arabic, with or without the article).
CREDIT_LABELS = (
    # Arabic
    "المصدر",
    "مصدر",
    "المصادر",
    "الصورة",
    "صورة",
    "الصور",
    "تصوير",
    "بعدسة",
    "مصدر الصورة",
    "حقوق الصورة",
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "إقرأ أيضا",
    "إقرأ أيضاً",
    # Persian and Urdu
    "منبع",
    "عکس",
    "تصویر",
    "ماخذ",
    "ذریعہ",
    # Hebrew
    "מקור",
    "צילום",
    "תמונה",
    # English
    "source",
    "sources",
    "photo",
    "photos",
    "image",
    "picture",
    "credit",
    "photo credit",
    "read more",
    "read also",
    "see also",
)

_BLANK = f"[{char_ranges(BLANK_CHARS)}]"
_BLANK_RE = re.compile(f"{_BLANK}*")
# str.strip takes the characters to strip as a string: a scan from each end, in C.
_BLANKS = "".join(sorted(BLANK_CHARS))
_CLOSERS = "".join(sorted(CLOSING_QUOTES_AND_BRACKETS | BLANK_CHARS))
_LABEL_RE = re.compile(
    "(?i:"
    + "|".join(re.escape(label) for label in sorted(CREDIT_LABELS, key=len, reverse=True))
    + f"){_BLANK}*[{char_ranges(COLONS)}]"
)
_SEGMENT_SEPARATOR_RE = re.compile(f"[{char_ranges(BIDI_SEGMENT_SEPARATORS)}]")
_ADDRESS_RE = re.compile(r"(?i:[a-z][a-z0-9+.-]*://|www\.)")
# An ATX heading (CommonMark 4.2): 0-3 spaces, 1-6 '#', then a space, a tab or the end.
_ATX_RE = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")


def is_markdown(path: str | PurePath) -> bool:
    """Whether an article's file name says Markdown (``.md``, ``.markdown``, …)."""
    return PurePath(path).suffix.lower() in MARKDOWN_SUFFIXES


def is_blank(line: str) -> bool:
    """A line that shows nothing: empty, or only spaces and invisible characters."""
    return _BLANK_RE.fullmatch(line) is not None


def markdown_heading(line: str) -> tuple[int, int] | None:
    """A Markdown ATX heading's level and where its text starts in ``line``, or None."""
    m = _ATX_RE.match(line)
    if m is None:
        return None
    return len(m.group(1)), m.end()


def _visible(line: str) -> str:
    return line.strip(_BLANKS)


def _ends_a_sentence(visible: str) -> bool:
    """Whether ``visible`` ends with sentence punctuation, closing quotes and brackets aside."""
    core = visible.rstrip(_CLOSERS)
    return bool(core) and core[-1] in SENTENCE_END_PUNCTUATION


def is_running_text(line: str) -> bool:
    """A paragraph of running text: longer than a heading can be, or ending a sentence."""
    visible = _visible(line)
    if not visible:
        return False
    return len(visible) > MAX_HEADING_CHARS or _ends_a_sentence(visible)


def is_aside(line: str) -> bool:
    """A credit or an aside: a line in brackets, or a credit label and a colon first."""
    visible = _visible(line)
    return bool(visible) and (
        visible[0] in OPENING_BRACKETS or _LABEL_RE.match(visible) is not None
    )


def looks_like_heading(line: str) -> bool:
    """The line's own half of the plain-text rule (its neighbours aside)."""
    visible = _visible(line)
    if not visible or len(visible) > MAX_HEADING_CHARS:
        return False
    if len(visible.split()) > MAX_HEADING_WORDS or _ends_a_sentence(visible):
        return False
    if visible[0] in LIST_BULLETS or is_aside(visible):
        return False
    if ANY_LETTER_RE.search(visible) is None or _ADDRESS_RE.search(visible):
        return False
    return _SEGMENT_SEPARATOR_RE.search(visible) is None


def nearest_text(line_at: Callable[[int], str | None], index: int, step: int) -> str | None:
    """The nearest line before (``step`` -1) or after (1) line ``index`` that is neither
    blank nor an aside, skipping at most :data:`MAX_SKIPPED_AROUND`; None if there is none.

    ``line_at(i)`` is line ``i`` of the article, None past either end.
    """
    for k in range(1, MAX_SKIPPED_AROUND + 2):
        line = line_at(index + step * k)
        if line is None:
            return None
        if not (is_blank(line) or is_aside(line)):
            return line
    return None


def plain_heading_level(line: str, before: str | None, after: str | None) -> int:
    """The heading level of a plain-text line (0: not a heading), by the module's rule.

    ``before`` and ``after`` are the nearest lines around it that are neither blank nor
    asides (:func:`nearest_text`; None: there is none, as for an article's first line).
    """
    if before is None or after is None or not looks_like_heading(line):
        return 0
    if not (is_running_text(before) and is_running_text(after)):
        return 0
    return PLAIN_HEADING_LEVEL


def spacing_before(
    previous: str | None,
    line: str,
    *,
    previous_heading: bool,
    heading: bool,
    paragraph_spacing: bool,
    markdown: bool,
) -> int:
    """How many blank rows go before ``line`` (0 or 1); ``previous`` is the line before it.

    None for ``previous``: ``line`` is the first of the body, and nothing goes before it.
    """
    if previous is None or is_blank(previous) or is_blank(line):
        return 0
    if heading or previous_heading:
        return 1
    return 1 if paragraph_spacing and not markdown else 0
