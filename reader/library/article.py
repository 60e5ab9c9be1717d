"""Loading an article file: decoding, front matter, paragraphs and light heuristics.

This implements DESIGN §2.1.  The important invariant is that **every offset indexes
``Article.text``**, the article's full decoded text: code points, byte-order mark excluded,
line endings exactly as in the file (``\\r\\n`` is two characters).  Bytes are decoded here,
never through a text-mode file object, so no newline translation can happen.

Imports are kept light on purpose (the CLI's start-up time matters): ``charset_normalizer``
and ``yaml`` are imported only inside the functions that need them.
"""

from __future__ import annotations

import codecs
import datetime
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.errors import HamishError
from annotations.script import (
    ABBREVIATIONS,
    ANY_LETTER_RE,
    ARABIC_LETTER_RE,
    ARABIC_YEH_KAF_RE,
    BLANK_CHARS,
    CLOSING_QUOTES_AND_BRACKETS,
    COLONS,
    HEBREW_LETTER_RE,
    LATIN_LETTER_RE,
    NON_TEXT_CONTROL_RE,
    OPENING_BRACKETS,
    OTHER_RTL_LETTER_RE,
    PARAGRAPH_BREAK_RE,
    PARAGRAPH_BREAKS,
    PERSIAN_LETTER_RE,
    SENTENCE_END_PUNCTUATION,
    SENTENCE_ENDS,
    SPLITLINES_BREAKS,
    TATWEEL,
    TEXT_CONTROLS,
    URDU_LETTER_RE,
    WORD_JOINERS,
    char_ranges,
)
from reader.text.paragraphs import Paragraph, split_paragraphs

if TYPE_CHECKING:  # loading an article does not load the layout engine
    from reader.text.layout import TextDirection

__all__ = [
    "ARTICLE_SUFFIXES",
    "MAX_ARTICLE_BYTES",
    "Article",
    "ArticleError",
    "Paragraph",
    "article_from_text",
    "decode_bytes",
    "guess_direction",
    "guess_language",
    "load_article",
    "load_article_head",
    "os_reason",
    "read_article_bytes",
    "split_paragraphs",
    "title_of",
]

#: File name suffixes the library scanner treats as articles.  ``load_article`` itself opens a
#: file with any suffix (the CLI may be pointed at any file).
ARTICLE_SUFFIXES = (".txt", ".md")

#: Larger files are refused.  Read at call time, so tests may monkeypatch it.
MAX_ARTICLE_BYTES = 256 * 1024 * 1024

#: Decoded text whose share of control characters (other than the TEXT_CONTROLS: \t \n \r
#: \f) exceeds this is considered binary.
_MAX_CONTROL_SHARE = 0.05

#: Script heuristics (language, direction) look at no more than this many characters of the
#: body: plenty for a guess, and it keeps loading a huge file fast.
_LANG_SAMPLE_CHARS = 250_000

_KIB = 1024
_MIB = 1024 * 1024


class ArticleError(HamishError):
    """A file that cannot be opened as an article.

    ``str(e)`` is one line naming the file and the reason: ``f"{path}: {reason}"``.

    ``path`` and ``reason`` are also available separately when the error was raised by this
    module (they are ``None`` for an ``ArticleError("message")`` raised elsewhere).
    """

    def __init__(self, message: str, *, path: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.path = path
        self.reason = reason


# An error message is one line: \r and \n (in a path, say) are shown escaped, every
# other line break becomes a space.
_ONE_LINE = str.maketrans({**dict.fromkeys(SPLITLINES_BREAKS, " "), "\r": "\\r", "\n": "\\n"})


def _one_line(s: str) -> str:
    return s.translate(_ONE_LINE)


def _fail(name: str, reason: str) -> ArticleError:
    name = _one_line(str(name))
    reason = _one_line(reason)
    return ArticleError(f"{name}: {reason}", path=name, reason=reason)


def _format_size(n: int) -> str:
    if n >= _MIB:
        return f"{n // _MIB} MiB" if n % _MIB == 0 else f"{n / _MIB:.1f} MiB"
    if n >= _KIB:
        return f"{n // _KIB} KiB" if n % _KIB == 0 else f"{n / _KIB:.1f} KiB"
    return f"{n} bytes"


# --------------------------------------------------------------------------------------------
# Decoding

_CHUNK = 1_000_000


def _control_share_too_high(text: str) -> bool:
    """True when control characters other than \\t \\n \\r \\f exceed the allowed share."""
    n = len(text)
    if n == 0:
        return False
    limit = _MAX_CONTROL_SHARE * n
    count = 0
    for i in range(0, n, _CHUNK):
        count += len(NON_TEXT_CONTROL_RE.findall(text, i, i + _CHUNK))
        if count > limit:
            return True
    return False


# The controls _control_share_too_high counts, as UTF-8 bytes: C0 (but the text controls)
# and DEL are single bytes, C1 controls are \xc2\x80-\xc2\x9f.
_C0_AND_DELETE_BYTES = bytes(b for b in range(0x20) if chr(b) not in TEXT_CONTROLS) + b"\x7f"
_C1_UTF8_RE = re.compile(rb"\xc2[\x80-\x9f]")


def _check_utf8(data: bytes, text: str, name: str) -> None:
    """:func:`_check_text` of ``text``, decoded from the UTF-8 ``data`` (which holds no
    NUL), counting the controls in the bytes: two C-speed passes instead of a regular
    expression over every character (a library's first search decodes every article)."""
    count = len(data) - len(data.translate(None, _C0_AND_DELETE_BYTES))
    if b"\xc2" in data:
        count += len(_C1_UTF8_RE.findall(data))
    if count > _MAX_CONTROL_SHARE * len(text):
        raise _fail(name, "binary file (control characters), not an article")


def _check_text(text: str, name: str) -> None:
    if "\x00" in text:
        raise _fail(name, "binary file (NUL characters), not an article")
    if _control_share_too_high(text):
        raise _fail(name, "binary file (control characters), not an article")


def _mostly_printable(text: str, threshold: float = 0.95) -> bool:
    sample = text[:65536]
    if not sample:
        return True
    good = sum(1 for ch in sample if ch.isprintable() or ch in TEXT_CONTROLS)
    return good >= threshold * len(sample)


def _normalise_encoding(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name
    m = re.fullmatch(r"cp(125\d)", canonical)
    if m:
        return f"windows-{m.group(1)}"
    return canonical.replace("_", "-")


def _guess_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Try UTF-16 LE/BE on BOM-less data with NUL bytes; return (text, codec) or None."""
    if len(data) % 2:
        return None
    # ASCII (and the spaces and newlines of any script) put their NUL byte second in LE and
    # first in BE, so the side with more NULs decides which byte order is tried first.
    nul_even = data[0::2].count(0)
    nul_odd = data[1::2].count(0)
    order = ("utf-16-le", "utf-16-be") if nul_odd >= nul_even else ("utf-16-be", "utf-16-le")
    for codec in order:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _mostly_printable(text):
            return text, codec
    return None


_BOMS = (
    # UTF-32 first: its LE mark begins with the UTF-16 LE mark.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str, bool]:
    """Return (text, encoding, detected). Raises ArticleError.

    ``text`` never contains the byte-order mark and keeps line endings as they are.
    ``encoding`` is ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a BOM), ``"utf-16-le"``,
    ``"utf-16-be"`` (BOM or guessed), or the codec charset-normalizer detected, e.g.
    ``"windows-1256"``.  ``detected`` is True when the encoding was neither UTF-8 nor
    declared by a byte-order mark.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                if codec == "utf-8-sig":
                    text = data[len(bom) :].decode("utf-8")
                else:
                    text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                if codec.startswith("utf-32"):
                    continue  # not UTF-32 after all; the UTF-16 mark is tried next
                label = codec.removesuffix("-sig").upper()
                reason = f"cannot decode: invalid {label} after the byte-order mark"
                raise _fail(name, reason) from None
            _check_text(text, name)
            return text, codec, False

    if b"\x00" in data:
        # UTF-16 without a BOM puts a NUL in every ASCII character (spaces, line breaks,
        # digits, Latin letters), all on one side: the high byte's. A text with a few
        # stray NULs (UTF-8 with a NUL here and there) is binary, never decoded as UTF-16
        # mojibake. Arabic or Hebrew in UTF-16 has NULs only at its spaces and ASCII
        # (some 15% of its characters), so the bar is 5% of one side's bytes, with at
        # most a quarter as many on the other side.
        few, many = sorted((data[0::2].count(0), data[1::2].count(0)))
        looks_utf16 = many >= max(2, len(data) // 2 * 0.05) and few * 4 <= many
        guess = _guess_utf16_without_bom(data) if looks_utf16 else None
        if guess is None:
            raise _fail(name, "binary file (NUL bytes), not an article")
        text, codec = guess
        _check_text(text, name)
        return text, codec, True

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _check_utf8(data, text, name)
        return text, "utf-8", False

    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None or not best.encoding:
        raise _fail(name, "cannot decode: not UTF-8 and no encoding detected")
    encoding = _normalise_encoding(best.encoding)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise _fail(name, f"cannot decode: not UTF-8, and not valid {encoding} either") from None
    _check_text(text, name)
    return text, encoding, True


# --------------------------------------------------------------------------------------------
# Script heuristics

_RTL_LANGUAGES = frozenset(
    {"ar", "fa", "ur", "he", "iw", "yi", "ps", "sd", "ckb", "ug", "dv", "syr", "ku", "prs"}
)


_RUNS: dict[re.Pattern[str], re.Pattern[str]] = {}


def _count(regex: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the one-character class ``regex`` (which never
    matches a space) matches.

    The runs matched take the spaces between words along (``[...](?:[...]| )*``: a run
    starts with a letter, so the spaces of another script's text match nothing),
    and their spaces are then subtracted: a run is a phrase rather than a word, so there
    are a few match objects instead of one per word, five times faster on Arabic prose
    than runs of letters alone, and many times faster than one match per character.
    """
    runs = _RUNS.get(regex)
    if runs is None:
        assert regex.match(" ") is None, "a class with the space would count it"
        letter = f"(?:{regex.pattern})"
        runs = _RUNS[regex] = re.compile(f"{letter}(?:{letter}| )*")
    matched = "".join(runs.findall(text))
    return len(matched) - matched.count(" ")


# Hebrew, the other right-to-left scripts and the letters that tell Urdu and Persian
# from Arabic, in one class: most articles hold none of them, and one search that finds
# nothing replaces four counting passes.
_RARE_LETTER_RE = re.compile(
    "|".join(
        rx.pattern
        for rx in (HEBREW_LETTER_RE, OTHER_RTL_LETTER_RE, URDU_LETTER_RE, PERSIAN_LETTER_RE)
    )
)


class _ScriptCounts:
    """Letters of each script in a sample, counted only as far as a decision needs.

    The library guesses the language of every article it lists, so this is on the path
    of a cold listing: the rare scripts are counted only when a search finds one, and
    all letters (the slowest class, a Unicode category test) only when the leading
    script's count does not already settle "half of the letters" against the sample's
    length less its spaces (which are never letters). Results equal counting it all.
    """

    __slots__ = ("_letters", "arabic", "hebrew", "latin", "other_rtl", "rare", "sample")

    def __init__(self, sample: str) -> None:
        self.sample = sample
        self.latin = _count(LATIN_LETTER_RE, sample)
        self.arabic = _count(ARABIC_LETTER_RE, sample)
        self.rare = _RARE_LETTER_RE.search(sample) is not None
        self.hebrew = _count(HEBREW_LETTER_RE, sample) if self.rare else 0
        self.other_rtl = _count(OTHER_RTL_LETTER_RE, sample) if self.rare else 0
        self._letters: int | None = None

    @classmethod
    def of(cls, text: str) -> _ScriptCounts:
        return cls(text[:_LANG_SAMPLE_CHARS])

    @property
    def rtl(self) -> int:
        return self.hebrew + self.arabic + self.other_rtl

    def most_of_the_letters(self, best: int) -> bool:
        """Whether ``best`` letters are at least half of the sample's letters."""
        sample = self.sample
        at_most = len(sample) - sample.count(" ") - sample.count("\n")
        if 2 * best >= at_most:
            return True
        if self._letters is None:
            self._letters = _count(ANY_LETTER_RE, sample)
        return 2 * best >= self._letters

    def rare_count(self, regex: re.Pattern[str]) -> int:
        return _count(regex, self.sample) if self.rare else 0


def _language_from_counts(c: _ScriptCounts) -> str | None:
    best = max(c.hebrew, c.arabic, c.latin)
    if best == 0 or not c.most_of_the_letters(best):
        return None  # no letters, or no script holds half of them
    if c.arabic == best:
        urdu = c.rare_count(URDU_LETTER_RE)
        if urdu >= 2 and urdu >= 0.01 * c.arabic:
            return "ur"
        persian = c.rare_count(PERSIAN_LETTER_RE)
        if persian and persian > _count(ARABIC_YEH_KAF_RE, c.sample):
            return "fa"
        return "ar"
    if c.hebrew == best:
        return "he"
    return "en"


def _direction_from_counts(c: _ScriptCounts, language: str | None = None) -> TextDirection:
    if c.rtl > c.latin:
        return "rtl"
    if c.rtl == c.latin == 0 and language and _primary_subtag(language) in _RTL_LANGUAGES:
        return "rtl"
    return "ltr"


def guess_language(text: str) -> str | None:
    """Guess "ar", "fa", "ur", "he" or "en" from the letters of ``text`` (None if unsure)."""
    return _language_from_counts(_ScriptCounts.of(text))


def guess_direction(text: str) -> TextDirection:
    """Return "rtl" when right-to-left letters outnumber Latin letters in ``text``, else "ltr"."""
    return _direction_from_counts(_ScriptCounts.of(text))


def _primary_subtag(language: str) -> str:
    return re.split("[-_]", language, maxsplit=1)[0].lower()


def _normalise_language(language: str) -> str:
    language = language.strip()
    primary, sep, rest = language.partition("-")
    return primary.lower() + sep + rest


# --------------------------------------------------------------------------------------------
# Front matter, title and source

_FM_CLOSE_RE = re.compile("(?:\r\n|\n|\r)(?P<close>---|\\.\\.\\.)(?:\r\n|\n|\r|\\Z)")
_FM_OPEN_RE = re.compile("---(?:\r\n|\n|\r)")
_YAMLISH_KEY_RE = re.compile(r"[ \t]*[\w\"'-][^:\r\n]*:(?:[ \t]|$)", re.MULTILINE)

# Spaces plus the invisible marks a line may carry (bidi marks, ZWSP, BOM, soft hyphen).
_BLANK_CLASS = f"[{char_ranges(BLANK_CHARS)}]"
_BLANK_RE = re.compile(_BLANK_CLASS + "*")
_STRIP_RE = re.compile(f"^{_BLANK_CLASS}+|{_BLANK_CLASS}+$")

_SOURCE_RE = re.compile(
    rf"{_BLANK_CLASS}*"
    r"(?:(?i:source)|المصدر|منبع|ماخذ|מקור)"
    rf"{_BLANK_CLASS}*[{char_ranges(COLONS)}]{_BLANK_CLASS}*"
    r"(?P<source>.*?\S)"
    rf"{_BLANK_CLASS}*"
)
_ATX_HEADING_RE = re.compile(r"#{1,6}(?:[ \t]+|$)")
_ATX_CLOSING_RE = re.compile(r"[ \t]+#+$")

_MAX_TITLE_CHARS = 120
#: A longer first line is a lede (scraped articles are one paragraph a line, the lede
#: first): its first sentence is the title, cut at a word to at most this many characters,
#: the ellipsis included. About a headline's length: it fits the header's line at 80
#: columns, and the start of a longer sentence still says what the article is about.
_CUT_TITLE_CHARS = 80

# What ends a sentence (of SENTENCE_END_PUNCTUATION, the ones that end more than a clause):
# full stop, "!" and "?", the ellipsis, the Arabic triple dot and question mark, the Urdu
# full stop, the reversed question mark, the ideographic and fullwidth forms. Only when
# followed by a space or the end of the line ("3.2" is a number), after closing quotes or
# brackets if any.
# Finds the next sentence end in one call (a title's first line is scanned for one).
_SENTENCE_END_RE = re.compile("[" + re.escape("".join(sorted(SENTENCE_ENDS))) + "]")
_QUOTES_AND_BRACKETS = "".join(sorted(OPENING_BRACKETS | CLOSING_QUOTES_AND_BRACKETS))


def _visible_strip(s: str) -> str:
    return _STRIP_RE.sub("", s)


def _is_blank(text: str, start: int, end: int) -> bool:
    return _BLANK_RE.fullmatch(text, start, end) is not None


def _first_nonblank_line(text: str, start: int) -> str | None:
    pos = start
    for m in PARAGRAPH_BREAK_RE.finditer(text, start):
        if not _is_blank(text, pos, m.start()):
            return text[pos : m.start()]
        pos = m.end()
    if pos < len(text) and not _is_blank(text, pos, len(text)):
        return text[pos:]
    return None


def _last_nonblank_line(text: str, start: int) -> str | None:
    end = len(text)
    # Last position of each line-break character before `end` (-1: none); a position is only
    # searched again once `end` has moved before it, so trailing blank lines stay cheap.
    last = {ch: text.rfind(ch, start, end) for ch in PARAGRAPH_BREAKS}
    while end > start:
        # A line ends at `end`; it begins after the previous break.
        lb = max(last.values())
        line_start = lb + 1 if lb >= 0 else start
        if not _is_blank(text, line_start, end):
            return text[line_start:end]
        if lb < 0:
            return None
        end = lb
        if end > start and text[end] == "\n" and text[end - 1] == "\r":
            end -= 1
        for ch, i in last.items():
            if i >= end:
                last[ch] = text.rfind(ch, start, end)
    return None


def _title_from_line(line: str) -> str | None:
    title = _visible_strip(line)
    m = _ATX_HEADING_RE.match(title)
    if m:  # a Markdown heading: "# Title #" -> "Title"
        title = _visible_strip(_ATX_CLOSING_RE.sub("", title[m.end() :]))
    if len(title) > _MAX_TITLE_CHARS:
        return _title_from_lede(title)
    return title or None


def _is_abbreviation(word: str, first: bool) -> bool:
    """Whether a "." after ``word`` (``first``: the line's first word) is not a full stop."""
    letters = word.replace(TATWEEL, "")  # "هـ." (hijri year) is one letter and tatweel
    if not letters:
        return False
    if first and letters.isdigit():
        return True  # "1. …": a list number
    parts = letters.split(".")
    if all(len(part) == 1 and part.isalpha() for part in parts):
        return True  # initials: "J.", "U.S.", "أ.د."
    return letters.casefold() in ABBREVIATIONS


def _first_sentence_end(line: str, limit: int) -> int | None:
    """Index just past the first sentence of ``line`` (with its closing quotes), if that is
    at most ``limit``; ``None`` when no sentence ends by then."""
    i = 0
    while i < limit and i < len(line):
        found = _SENTENCE_END_RE.search(line, i, min(limit, len(line)))
        if found is None:
            return None
        i = run = found.start()
        while i < len(line) and line[i] in SENTENCE_ENDS:
            i += 1
        single_dot = line[run:i] == "."
        while i < len(line) and line[i] in CLOSING_QUOTES_AND_BRACKETS:
            i += 1
        if i < len(line) and not line[i].isspace():
            continue  # "3.2", "a.m", "example.com"
        if i > limit:
            return None
        if single_dot:
            start = run
            while start > 0 and not line[start - 1].isspace():
                start -= 1
            word = line[start:run].lstrip(_QUOTES_AND_BRACKETS)
            if _is_abbreviation(word, first=start == 0):
                continue
            rest = line[i:].lstrip()
            if rest[:1].islower():
                continue  # "e.g. this": the sentence goes on
        return i
    return None


def _title_from_lede(line: str) -> str | None:
    """The title of a first line too long to be one: its first sentence, cut at a word
    to at most :data:`_CUT_TITLE_CHARS` characters with "…"; a final full stop is dropped.
    ``None`` when it has no letter or digit (a rule of dashes is no title)."""
    end = _first_sentence_end(line, _CUT_TITLE_CHARS)
    if end is not None:
        title = _visible_strip(line[:end])
        if title[-1:] in (".", "\u06d4") and title[-2:-1] not in SENTENCE_ENDS:
            title = title[:-1]
    else:
        room = _CUT_TITLE_CHARS - 1  # and one for the ellipsis
        # The last space that keeps at least half of the room: "a b" at the cut is a word's end.
        space = next(
            (i for i in range(min(room, len(line) - 1), room // 2, -1) if line[i].isspace()),
            None,
        )
        if space is not None:
            cut = space
        else:  # no space in sight: cut between two characters, not inside a letter's marks
            cut = room
            while cut > 0 and (
                unicodedata.category(line[cut]).startswith("M") or line[cut] in WORD_JOINERS
            ):
                cut -= 1
        title = line[:cut]
        # No comma, colon, dash or opening bracket before the ellipsis.
        while title and (
            title[-1].isspace()
            or title[-1] in SENTENCE_END_PUNCTUATION
            or title[-1] in OPENING_BRACKETS
            or unicodedata.category(title[-1]) in ("Pd", "Pi")
        ):
            title = title[:-1]
        title = _visible_strip(title) + "\u2026"
    return title if ANY_LETTER_RE.search(title) or any(c.isdigit() for c in title) else None


def _isoify(value: Any, memo: dict[int, Any]) -> Any:
    """Replace date/datetime objects by ISO strings, in nested containers too.

    ``memo`` keeps YAML aliases shared (and cycles finite) so alias bombs stay linear.
    """
    if isinstance(value, datetime.date):  # datetime.datetime is a subclass
        return value.isoformat()
    if isinstance(value, dict | list | set):
        key = id(value)
        if key in memo:
            return memo[key]
        if isinstance(value, dict):
            new_dict: dict[Any, Any] = {}
            memo[key] = new_dict
            for k, v in value.items():
                new_dict[_isoify(k, memo)] = _isoify(v, memo)
            return new_dict
        if isinstance(value, list):
            new_list: list[Any] = []
            memo[key] = new_list
            new_list.extend(_isoify(v, memo) for v in value)
            return new_list
        new_set = {_isoify(v, memo) for v in value}
        memo[key] = new_set
        return new_set
    return value


def _parse_front_matter(text: str, warnings: list[str]) -> tuple[dict[Any, Any], int]:
    """Return (meta, body_start); ({}, 0) when there is no valid front matter."""
    opening = _FM_OPEN_RE.match(text)
    if opening is None:
        return {}, 0
    yaml_start = opening.end()
    # Search from the opening line's last character, so an empty block ("---\n---") is found.
    closing = _FM_CLOSE_RE.search(text, yaml_start - 1)
    if closing is None:
        if _YAMLISH_KEY_RE.match(text, yaml_start):
            warnings.append(
                "front matter ignored: no closing '---' or '...' line after the opening '---'"
            )
        return {}, 0

    import yaml

    block = text[yaml_start : closing.start("close")]
    try:
        meta = yaml.safe_load(block)
        if meta is None:
            meta = {}  # an empty block is an empty mapping
        if not isinstance(meta, dict):
            warnings.append(f"front matter ignored: YAML is a {type(meta).__name__}, not a mapping")
            return {}, 0
        meta = _isoify(meta, {})
    except yaml.MarkedYAMLError as e:
        where = f" at line {e.problem_mark.line + 2}" if e.problem_mark is not None else ""
        problem = e.problem or e.context or "syntax error"
        warnings.append(_one_line(f"front matter ignored: invalid YAML{where}: {problem}"))
        return {}, 0
    except Exception as e:  # YAMLError, ValueError (bad timestamps), RecursionError, ...
        warnings.append(_one_line(f"front matter ignored: invalid YAML: {e}"))
        return {}, 0
    return meta, closing.end()


def _meta_text(meta: dict[Any, Any], key: str, warnings: list[str]) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        warnings.append(f"front matter '{key}' is not text; ignored")
        return None
    result = " ".join(str(value).split())
    return result or None


# --------------------------------------------------------------------------------------------
# Article


@dataclass(frozen=True, slots=True)
class Article:
    path: Path
    text: str  # full decoded text (BOM excluded)
    encoding: str  # codec name actually used, e.g. "utf-8", "utf-16-le", "windows-1256"
    encoding_detected: bool  # True when the encoding was not UTF-8/BOM-declared but detected
    body_start: int
    meta: dict = field(hash=False)  # front matter mapping (empty without); treat as read-only
    title: str = ""
    source: str | None = None
    date: str | None = None
    # The front matter's language, if any; else guessed from the letters on first use
    # (see `language` and `direction`), which exports and counts never need.
    declared_language: str | None = None
    warnings: tuple[str, ...] = ()
    _paragraphs: list[Paragraph] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )
    _guess: tuple[str | None, TextDirection] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def _guessed(self) -> tuple[str | None, TextDirection]:
        guess = self._guess
        if guess is None:
            sample = self.text[self.body_start : self.body_start + _LANG_SAMPLE_CHARS]
            counts = _ScriptCounts.of(sample)
            language = self.declared_language or _language_from_counts(counts)
            guess = (language, _direction_from_counts(counts, language))
            object.__setattr__(self, "_guess", guess)
        return guess

    @property
    def language(self) -> str | None:
        """The front matter's language, else a guess: "ar", "fa", "ur", "he", "en" or None."""
        return self._guessed()[0]

    @property
    def direction(self) -> TextDirection:
        """ "rtl" when right-to-left letters outnumber Latin ones in the body, else "ltr"."""
        return self._guessed()[1]

    @property
    def body(self) -> str:
        """The text after the front matter (a slice: it is copied on each access)."""
        return self.text if self.body_start == 0 else self.text[self.body_start :]

    def paragraphs(self) -> list[Paragraph]:
        """The body's paragraphs (offsets into ``text``); computed once, a new list each call."""
        cached = self._paragraphs
        if cached is None:
            cached = split_paragraphs(self.text, self.body_start)
            object.__setattr__(self, "_paragraphs", cached)
        return list(cached)


def title_of(text: str, path: str | Path) -> tuple[str, int]:
    """(title, body_start) of an article's text, as :func:`article_from_text` finds them
    (the front matter's ``title``, else the first line's, else the file name's stem),
    without the rest of the article: the search index keeps only these."""
    meta, body_start = _parse_front_matter(text, [])
    return _title(meta, text, body_start, path, []), body_start


def _title(
    meta: dict[Any, Any], text: str, body_start: int, path: str | Path, warnings: list[str]
) -> str:
    title = _meta_text(meta, "title", warnings)
    if title is None:
        line = _first_nonblank_line(text, body_start)
        title = (_title_from_line(line) if line is not None else None) or Path(path).stem
    return title


def article_from_text(
    text: str,
    path: str | Path = "<text>",
    encoding: str = "utf-8",
    detected: bool = False,
) -> Article:
    """Build an Article from decoded text: front matter, title, source, language, direction."""
    path = Path(path)
    warnings: list[str] = []
    meta, body_start = _parse_front_matter(text, warnings)
    title = _title(meta, text, body_start, path, warnings)

    source = _meta_text(meta, "source", warnings)
    if source is None:
        line = _last_nonblank_line(text, body_start)
        if line is not None:
            m = _SOURCE_RE.fullmatch(line)
            if m:
                source = m.group("source")

    date = _meta_text(meta, "date", warnings)

    language = _meta_text(meta, "language", warnings)
    if language is not None:
        language = _normalise_language(language)

    return Article(
        path=path,
        text=text,
        encoding=encoding,
        encoding_detected=detected,
        body_start=body_start,
        meta=meta,
        title=title,
        source=source,
        date=date,
        declared_language=language,
        warnings=tuple(warnings),
    )


def os_reason(error: OSError, doing: str = "open") -> str:
    """Why an article file could not be opened (or read), as the one-line errors say it."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, NotADirectoryError):
        return "no such file (a parent is not a folder)"
    if isinstance(error, IsADirectoryError):
        return "is a folder, not an article file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return f"cannot {doing}: {error.strerror or error}"


def load_article(path: str | Path) -> Article:
    """Read, decode and parse an article file.  Raises ArticleError with a one-line reason."""
    data = read_article_bytes(path)
    text, encoding, detected = decode_bytes(data, str(path))
    return article_from_text(text, Path(path), encoding, detected)


def read_article_bytes(path: str | Path) -> bytes:
    """The bytes of an article file, read once (a folder, a file over the size limit or
    one that cannot be read raises ArticleError); :func:`decode_bytes` then
    :func:`article_from_text` make the article of them, as :func:`load_article` does."""
    name = str(path)
    limit = MAX_ARTICLE_BYTES
    try:
        st = os.stat(path)
    except OSError as e:
        raise _fail(name, os_reason(e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(name, "is a folder, not an article file")
    if stat.S_ISREG(st.st_mode) and st.st_size > limit:
        too_large = f"{_format_size(st.st_size)} > {_format_size(limit)}"
        raise _fail(name, f"file too large ({too_large})")
    try:
        # Pipes (e.g. `hamish <(curl ...)`) are read too, with the same size limit.
        with open(path, "rb") as f:
            # A regular file is read whole (its size was checked); read(n) would first
            # reserve n bytes, i.e. the size limit, for every article.
            data = f.read() if stat.S_ISREG(st.st_mode) else f.read(limit + 1)
    except OSError as e:
        raise _fail(name, os_reason(e, "read")) from None
    if len(data) > limit:
        raise _fail(name, f"file too large (more than {_format_size(limit)})")
    return data


# --------------------------------------------------------------------------------------------
# Heads of large files


def _cut_to_character(data: bytes) -> bytes:
    """``data`` without a character split at its end (for UTF-8, UTF-16 or UTF-32)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data[: len(data) - len(data) % 4]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        data = data[: len(data) - len(data) % 2]
        # A high surrogate at the end loses its pair: drop it. Which byte is the unit's
        # high one depends on the byte order: the BOM's, else the one decode_bytes would
        # try first (the side with more NUL bytes is the high side of ASCII).
        if data.startswith(b"\xff\xfe"):
            little = True
        elif data.startswith(b"\xfe\xff"):
            little = False
        else:
            little = data[1::2].count(0) >= data[0::2].count(0)
        if len(data) >= 2 and 0xD8 <= data[-1 if little else -2] <= 0xDB:
            data = data[:-2]
        return data
    # UTF-8 (harmless for single-byte encodings: at most a few bytes are dropped).
    i = len(data) - 1
    while i >= 0 and len(data) - i < 4 and data[i] & 0xC0 == 0x80:
        i -= 1
    if i < 0:
        return data
    lead = data[i]
    needed = 2 if lead & 0xE0 == 0xC0 else 3 if lead & 0xF0 == 0xE0 else 4 if lead >= 0xF0 else 1
    return data[:i] if len(data) - i < needed else data


def load_article_head(
    path: str | Path, max_bytes: int, *, whole_lines: bool = False, guess: bool = True
) -> Article | None:
    """An Article built from the first ``max_bytes`` of a file, decoded by :func:`decode_bytes`.

    The one way to look at a large file without decoding it whole: the library lists it
    from its head, the reader shows its first screen while the rest loads. The text is a
    prefix of the full article's text (same offsets), cut before a split character; with
    ``whole_lines`` it ends after its last line break, so no paragraph is cut (None when the
    head holds no line break). With ``guess=False`` a head whose encoding had to be guessed
    gives None: a guess from the head alone may differ from the whole file's, and then the
    offsets would too. Raises :class:`ArticleError` when the file cannot be read or decoded.
    """
    name = str(path)
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(max_bytes)
    except OSError as e:
        raise _fail(name, os_reason(e)) from None
    text, encoding, detected = decode_bytes(_cut_to_character(data), name)
    if detected and not guess:
        return None
    if whole_lines:
        cut = max(text.rfind(c) for c in PARAGRAPH_BREAKS)
        if cut < 0:
            return None
        # A "\r" that ends the head may be the first half of "\r\n": keep the line open.
        if text[cut] == "\r" and cut == len(text) - 1:
            cut = max(text.rfind(c, 0, cut) for c in PARAGRAPH_BREAKS)
            if cut < 0:
                return None
        text = text[: cut + 1]
    return article_from_text(text, p, encoding, detected)
