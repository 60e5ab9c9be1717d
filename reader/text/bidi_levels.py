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
import unicodedata
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
    fast = _fast_levels(text, direction)
    if fast is not None:
        return fast
    return python_bidi_levels(text, direction)


def python_bidi_levels(text: str, direction: Direction = "auto") -> ParagraphLevels:
    """``resolve_levels`` through python-bidi's debug dump, for every paragraph."""
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


# --- Rules W1-I2 in Python, for paragraphs with no explicit formatting -------------
#
# Most paragraphs have no embedding, override or isolate control and no X9-removed
# character: their one isolating run sequence is the whole paragraph, at the paragraph
# level, and rules W1-W7, N0-N2 and I1-I2 reduce to a few passes of regular expressions
# over a string of one letter per code point. This is ~10x faster than asking
# python-bidi for its debug dump. Anything else (and any character whose class this
# Python's Unicode data does not know, or a paired bracket other than ()[]{}) goes to
# python-bidi. tests/unit/test_bidi_fast_levels.py checks both give the same levels on
# every eligible case of BidiCharacterTest.txt and on random text.
#
# Letters: L R a(AL) e(EN) n(AN) s(ES) t(ET) c(CS) m(NSM) o(ON, B) w(WS) S(S);
# x: not handled here.
_CLASS_LETTER = {
    "L": "L", "R": "R", "AL": "a", "EN": "e", "AN": "n", "ES": "s", "ET": "t",
    "CS": "c", "NSM": "m", "ON": "o", "B": "o", "WS": "w", "S": "S",
}  # fmt: skip
# The paired brackets this resolver pairs itself (BD14-BD16); any other opening or
# closing punctuation is left to python-bidi (its bracket data is not in unicodedata).
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_BRACKET_RE = re.compile(r"[()\[\]{}]")
_MAX_BRACKET_DEPTH = 63  # BD16's stack; deeper nesting goes to python-bidi


class _ClassLetters(dict[int, str]):
    """str.translate table: code point -> class letter, filled on first use."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        letter = _CLASS_LETTER.get(unicodedata.bidirectional(char), "x")
        if letter == "o" and char not in "()[]{}" and unicodedata.category(char) in ("Ps", "Pe"):
            letter = "x"
        self[code] = letter
        return letter


_CLASS_LETTERS = _ClassLetters()
_FIRST_STRONG = re.compile("[LRa]")
_W1 = re.compile(r"([^m])(m+)")
_W2 = re.compile(r"a[^LRae]*e[^LRa]*")
_W4_EN = re.compile(r"(?<=e)[sc](?=e)")
_W4_AN = re.compile(r"(?<=n)c(?=n)")
_W5 = re.compile(r"[te]*e[te]*")
_W6 = str.maketrans("stc", "ooo")
_W7 = re.compile(r"L[^LRe]*e[^LR]*")
_W7_SOS = re.compile(r"\A[^LRe]*e[^LR]*")
_STRONG_BEFORE = re.compile(r"[LRen][^LRen]*\Z")
_N1_LTR_IN_RTL = re.compile(r"(?<=L)[owS]+(?=L)")
_N1_RTL_IN_LTR = re.compile(r"(?<=[Ren])[owS]+(?=[Ren])")
# I1-I2 at paragraph level 0 and 1; the neutrals left after N1 take the paragraph's
# direction (N2).
_LEVELS_LTR = str.maketrans({"L": "\x00", "R": "\x01", "e": "\x02", "n": "\x02",
                             "o": "\x00", "w": "\x00", "S": "\x00"})  # fmt: skip
_LEVELS_RTL = str.maketrans({"L": "\x02", "R": "\x01", "e": "\x02", "n": "\x02",
                             "o": "\x01", "w": "\x01", "S": "\x01"})  # fmt: skip


def _repeat_first(match: re.Match[str]) -> str:
    return match.group(1) * len(match.group())


def _fast_levels(text: str, direction: Direction) -> ParagraphLevels | None:
    """Levels of a paragraph without explicit formatting, or None to ask python-bidi."""
    original = text.translate(_CLASS_LETTERS)
    if "x" in original:
        return None
    if direction == "auto":
        first = _FIRST_STRONG.search(original)
        rtl = first is not None and first.group() != "L"
    else:
        rtl = direction == "rtl"
    sos = "R" if rtl else "L"
    classes = original
    if "m" in classes:  # W1: a mark takes the class of what precedes it (sos first)
        classes = _W1.sub(_repeat_first, classes)
        if classes[0] == "m":
            marks = len(classes) - len(classes.lstrip("m"))
            classes = sos * marks + classes[marks:]
    if "e" in classes:
        if "a" in classes:  # W2: a European digit after Arabic letters is Arabic
            classes = _W2.sub(lambda m: m.group().replace("e", "n"), classes)
    classes = classes.replace("a", "R")  # W3
    if "s" in classes or "c" in classes:  # W4
        if "e" in classes:
            classes = _W4_EN.sub("e", classes)
        if "n" in classes:
            classes = _W4_AN.sub("n", classes)
    if "t" in classes and "e" in classes:  # W5
        classes = _W5.sub(lambda m: "e" * len(m.group()), classes)
    classes = classes.translate(_W6)
    if "e" in classes:  # W7: a European digit after Latin letters is Latin
        if "L" in classes:
            classes = _W7.sub(lambda m: m.group().replace("e", "L"), classes)
        if not rtl:
            classes = _W7_SOS.sub(lambda m: m.group().replace("e", "L"), classes, count=1)
    if _BRACKET_RE.search(text):
        resolved = _paired_brackets(text, original, classes, sos)
        if resolved is None:
            return None
        classes = resolved
    if rtl:  # N1 (what N1 leaves, N2 gives the paragraph direction), I1-I2
        if "L" in classes:
            classes = _N1_LTR_IN_RTL.sub(lambda m: "L" * len(m.group()), classes)
        levels = classes.translate(_LEVELS_RTL)
    else:
        if "R" in classes or "e" in classes or "n" in classes:
            classes = _N1_RTL_IN_LTR.sub(lambda m: "R" * len(m.group()), classes)
        levels = classes.translate(_LEVELS_LTR)
    return ParagraphLevels(1 if rtl else 0, levels.encode("latin-1"))


def _paired_brackets(text: str, original: str, classes: str, sos: str) -> str | None:
    """Rule N0 on ``classes`` (after W7): each bracket pair takes a direction."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for found in _BRACKET_RE.finditer(text):
        char, at = found.group(), found.start()
        if char in _PAIRS:
            if len(stack) == _MAX_BRACKET_DEPTH:
                return None
            stack.append((_PAIRS[char], at))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == char:
                pairs.append((stack[depth][1], at))
                del stack[depth:]
                break
    if not pairs:
        return classes
    pairs.sort()
    embedding = sos
    opposite = "L" if sos == "R" else "R"
    chars = list(classes)
    for opening, closing in pairs:
        inside = "".join(chars[opening + 1 : closing])
        has_l = "L" in inside
        has_r = "R" in inside or "e" in inside or "n" in inside
        if (has_l and embedding == "L") or (has_r and embedding == "R"):
            new = embedding
        elif has_l or has_r:
            before = _STRONG_BEFORE.search("".join(chars[:opening]))
            context = sos if before is None else ("L" if before.group()[0] == "L" else "R")
            new = opposite if context == opposite else embedding
        else:
            continue
        for at in (opening, closing):
            chars[at] = new
            at += 1
            while at < len(chars) and original[at] == "m":  # marks after the bracket
                chars[at] = new
                at += 1
    return "".join(chars)
