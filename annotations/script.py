"""The Unicode facts about scripts that hamish relies on, in one table.

Marks and tatweel, bidi controls and other invisible format characters, blank and
breakable spaces, control characters, line and paragraph breaks, the characters
arabic-reshaper may change, and the letter classes that guess an article's script and
language. Every module that needs one of these imports it from here: the layout engine
(``reader/text/``), search folding, article loading, the tagset checks and the export
formats. It lives in ``annotations`` because the core needs it too and ``annotations``
never imports ``reader``; it imports nothing but the standard library.

Where two users need different sets (a paragraph break is not every line break that
``str.splitlines`` sees), both are here, under different names, with the reason.
``tests/unit/test_script.py`` checks each fact against the Unicode database.
What to *do* with these characters (shaping, display, folding) is not decided here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "ABBREVIATIONS",
    "ANY_LETTER_RE",
    "ARABIC_LETTER_RE",
    "ARABIC_MARKS",
    "ARABIC_YEH_KAF_RE",
    "ATTACHED_MARKS",
    "BIDI_CONTROLS",
    "BIDI_PARAGRAPH_SEPARATORS",
    "BIDI_SEGMENT_SEPARATORS",
    "BLANK_CHARS",
    "BREAKABLE_SPACES",
    "C0_CONTROLS",
    "C1_CONTROLS",
    "CLOSING_QUOTES_AND_BRACKETS",
    "COLONS",
    "EXPLICIT_BIDI_CONTROLS",
    "EXPLICIT_BIDI_CONTROL_RE",
    "FSI",
    "HARAKAT",
    "HEBREW_LETTER_RE",
    "HEBREW_MARKS",
    "HORIZONTAL_SPACES",
    "INVISIBLE_FORMAT",
    "JSON_RAW_LINE_BREAKS",
    "JSON_RAW_LINE_BREAK_RE",
    "JSON_TERMINAL_ESCAPES",
    "JSON_TERMINAL_ESCAPE_RE",
    "LATIN_LETTER_RE",
    "LIST_BULLETS",
    "MAY_NEED_SHAPING_RE",
    "MAY_RESOLVE_RTL_RE",
    "NON_TEXT_CONTROL_RE",
    "OPENING_BRACKETS",
    "OTHER_RTL_LETTER_RE",
    "PARAGRAPH_BREAKS",
    "PARAGRAPH_BREAK_RE",
    "PDI",
    "PERSIAN_LETTER_RE",
    "QURANIC_SIGNS",
    "SENTENCE_ENDS",
    "SENTENCE_END_PUNCTUATION",
    "SPLITLINES_BREAKS",
    "SPLITLINES_BREAK_RE",
    "TATWEEL",
    "TERMINAL_UNSAFE",
    "TERMINAL_UNSAFE_RE",
    "TEXT_CONTROLS",
    "URDU_LETTER_RE",
    "WORD_JOINERS",
    "ZWJ",
    "ZWNJ",
    "ZWSP",
    "char_ranges",
]

_Range = tuple[int, int] | int


def _chars(*ranges: _Range) -> frozenset[str]:
    """The characters of code points and inclusive (first, last) code point ranges."""
    out: set[str] = set()
    for r in ranges:
        first, last = (r, r) if isinstance(r, int) else r
        out.update(chr(c) for c in range(first, last + 1))
    return frozenset(out)


def _class(*ranges: _Range) -> str:
    """A regex character class of code points and inclusive ranges (no set built)."""
    parts = []
    for r in ranges:
        first, last = (r, r) if isinstance(r, int) else r
        parts.append(re.escape(chr(first)) + ("" if first == last else "-" + re.escape(chr(last))))
    return "[" + "".join(parts) + "]"


def char_ranges(chars: Iterable[str]) -> str:
    """The inside of a regex character class matching exactly ``chars`` (``f"[{...}]"``).

    Consecutive code points become ranges, every character is escaped: callers can add
    classes such as ``\\w`` beside it (``f"[\\w{char_ranges(ATTACHED_MARKS)}]+"``).
    """
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = chr(codes[i]), chr(codes[j])
        parts.append(re.escape(first) if i == j else f"{re.escape(first)}-{re.escape(last)}")
        i = j + 1
    return "".join(parts)


# --------------------------------------------------------------------------- marks

# Every combining mark (category Mn) of the Arabic blocks: harakat, Quranic marks, the
# marks of Arabic Extended-A/B. Mn only: a symbol among them (06DE ۞, 06E9 ۩) is a
# character of its own, and the Quranic signs that are not Mn are QURANIC_SIGNS.
ARABIC_MARKS = _chars(
    (0x0610, 0x061A),  # honorifics, small high letters
    (0x064B, 0x065F),  # fathatan … sukun, maddah, hamza above/below, …
    0x0670,  # superscript alef
    (0x06D6, 0x06DC),  # small high ligatures (Quranic pause marks)
    (0x06DF, 0x06E4),  # (06DD end of ayah and 06DE ۞ are not marks)
    (0x06E7, 0x06E8),  # (06E5/06E6 small waw/yeh are letters, Lm)
    (0x06EA, 0x06ED),  # (06E9 ۩ is a symbol)
    (0x0898, 0x089F),  # Arabic Extended-B marks (Unicode 14)
    (0x08CA, 0x08E1),  # Arabic Extended-A marks (08E2 is Cf: QURANIC_SIGNS)
    (0x08E3, 0x08FF),
)

# Every combining mark of Hebrew: points (niqqud) and cantillation. Not the
# punctuation that sits in the same block: maqaf 05BE, paseq 05C0, sof pasuq 05C3,
# nun hafukha 05C6.
HEBREW_MARKS = _chars(
    (0x0591, 0x05BD),
    0x05BF,
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    0x05C7,
    0xFB1E,  # Judeo-Spanish varika
)

# What --no-harakat hides: the vowel and cantillation marks of both RTL scripts hamish
# reads (the option's name is the Arabic word; Hebrew niqqud go with it).
HARAKAT = ARABIC_MARKS | HEBREW_MARKS

# Quranic signs written with the letters that are not combining marks: end of ayah
# (06DD, and 08E2 "disputed", both Cf) and small waw/yeh (06E5, 06E6, Lm).
# arabic-reshaper skips them like harakat when joining letters, and search ignores
# them like harakat; the layout gives them no special treatment.
QURANIC_SIGNS = _chars(0x06DD, 0x06E5, 0x06E6, 0x08E2)

# Stretches a letter's connection; it belongs to the word, and search ignores it.
TATWEEL = "\u0640"

# What sits on, or stretches, the letter before it: search ignores these and extends
# a match over those that follow it, and a word holds them.
ATTACHED_MARKS = HARAKAT | QURANIC_SIGNS | {TATWEEL}

# --------------------------------------------------------------------------- format characters

ZWNJ = "\u200c"  # zero width non-joiner: Persian spelling needs it inside words (می‌خواهم)
ZWJ = "\u200d"  # zero width joiner: forces a joining form
# Joiners belong inside a word (a double-click selects "می‌خواهم" whole).
WORD_JOINERS = frozenset({ZWNJ, ZWJ})
ZWSP = "\u200b"  # zero width space: invisible, and a line may break after it

# FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE: text between them takes the direction
# of its own first strong letter and leaves its neighbours' order alone.
FSI = "\u2068"
PDI = "\u2069"

# Unicode's Bidi_Control characters: the explicit embeddings, overrides and isolates
# (bidi classes LRE RLE PDF LRO RLO LRI RLI FSI PDI) and the implicit marks LRM, RLM
# and ALM (their classes are L, R and AL: U+061C ARABIC LETTER MARK is a bidi control
# too). They are never sent to a terminal and never allowed in a tag name.
BIDI_CONTROLS = _chars(0x061C, (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069))

# The explicit directional formatting characters among them (UAX #9 section 2): the
# embeddings LRE RLE, their pop PDF and the overrides LRO RLO (U+202A-202E), and the
# isolates LRI RLI FSI with their pop PDI (U+2066-2069). Unlike the implicit marks they
# reorder a whole run ("invoice" RLO "fdp.exe" shows as "invoiceexe.pdf", a known
# spoof), so the reader draws a visible marker for each and says when an article holds one.
EXPLICIT_BIDI_CONTROLS = _chars((0x202A, 0x202E), (0x2066, 0x2069))
EXPLICIT_BIDI_CONTROL_RE = re.compile(_class((0x202A, 0x202E), (0x2066, 0x2069)))

# Format characters that show nothing and occur in real text: the bidi controls, soft
# hyphen, zero width space, the joiners, word joiner and the BOM (zero width no-break
# space). Search ignores them; a line of them and spaces is blank.
INVISIBLE_FORMAT = BIDI_CONTROLS | _chars(0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)

# --------------------------------------------------------------------------- spaces, blanks

# Spaces within a line: every space separator (Zs, no-break spaces included), tab,
# vertical tab and form feed (hamish's paragraphs do not break on the last two).
HORIZONTAL_SPACES = _chars(
    0x09, 0x0B, 0x0C, 0x20, 0xA0, 0x1680, (0x2000, 0x200A), 0x202F, 0x205F, 0x3000
)

# A line made only of these looks empty: no title, no source line is taken from it.
BLANK_CHARS = HORIZONTAL_SPACES | INVISIBLE_FORMAT

# The spaces a line may break after: tab and every space separator but the no-break
# ones (NBSP 00A0, figure space 2007, narrow NBSP 202F: decomposition <noBreak>).
# Not vertical tab or form feed: they are shown as control pictures, not as spaces.
BREAKABLE_SPACES = _chars(0x09, 0x20, 0x1680, (0x2000, 0x2006), (0x2008, 0x200A), 0x205F, 0x3000)

# --------------------------------------------------------------------------- controls

# The C0 controls, and the C1 controls (with DEL, every character of category Cc).
# Terminal escape sequences begin with them (ESC, CSI, OSC).
C0_CONTROLS = _chars((0x00, 0x1F))
C1_CONTROLS = _chars((0x80, 0x9F))
_DELETE = "\x7f"

# The controls plain text is written with: tab, line feed, form feed, carriage return.
TEXT_CONTROLS = frozenset("\t\n\x0c\r")

# Every other control character: text files hardly hold them, so a decoded file where
# they are frequent is binary.
NON_TEXT_CONTROL_RE = re.compile(
    f"[{char_ranges((C0_CONTROLS | C1_CONTROLS | {_DELETE}) - TEXT_CONTROLS)}]"
)

# What must not reach a terminal raw from data written as it is (an export to a terminal):
# every control but tab, line feed and carriage return (ESC, CSI and OSC start escape
# sequences), and the bidi controls (an RLO reorders the line the terminal shows).
TERMINAL_UNSAFE = ((C0_CONTROLS | C1_CONTROLS | {_DELETE}) - frozenset("\t\n\r")) | BIDI_CONTROLS
TERMINAL_UNSAFE_RE = re.compile(f"[{char_ranges(TERMINAL_UNSAFE)}]")

# --------------------------------------------------------------------------- line breaks

# hamish's paragraph breaks (DESIGN §3 step 1): \n, \r\n, \r and U+2029 PARAGRAPH
# SEPARATOR. U+2028 LINE SEPARATOR, NEL and the other bidi paragraph separators stay
# inside a paragraph (shown as symbols): every offset and paragraph count depends on
# this, in the reader, the commands and the exports alike.
PARAGRAPH_BREAKS = frozenset("\n\r\u2029")
PARAGRAPH_BREAK_RE = re.compile("\r\n|[\n\r\u2029]")

# Where str.splitlines() ends a line ("\r\n" is one break). Wider than
# PARAGRAPH_BREAKS: a format read by tools that split lines this way (brat's codecs
# reader) must break its lines here, and a value that must be one line must hold none.
SPLITLINES_BREAKS = frozenset("\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029")
SPLITLINES_BREAK_RE = re.compile("\r\n|[\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029]")

# The splitlines breaks that json.dumps(ensure_ascii=False) leaves raw inside strings
# (it escapes the C0 controls): a JSON Lines writer escapes these, or a reader that
# splits lines like str.splitlines cuts a record in two.
JSON_RAW_LINE_BREAKS = frozenset("\x85\u2028\u2029")
JSON_RAW_LINE_BREAK_RE = re.compile(f"[{char_ranges(JSON_RAW_LINE_BREAKS)}]")

# What every JSON hamish writes (exports, ``--json`` output) escapes as ``\\uXXXX`` although
# json.dumps(ensure_ascii=False) leaves it raw: the raw line breaks above, DEL and the C1
# controls (U+009B is CSI, U+009D OSC: a terminal shown the JSON would run escape
# sequences from the data) and the bidi controls (an RLO in a quote reorders the line a
# terminal shows). json already escapes the C0 controls; json.loads gives the same values.
JSON_TERMINAL_ESCAPES = JSON_RAW_LINE_BREAKS | C1_CONTROLS | BIDI_CONTROLS | {_DELETE}
JSON_TERMINAL_ESCAPE_RE = re.compile(f"[{char_ranges(JSON_TERMINAL_ESCAPES)}]")

# --------------------------------------------------------------------------- bidi classes

# Bidi class B, where the bidi algorithm (and python-bidi) starts a new paragraph.
# More than PARAGRAPH_BREAKS: the others must be kept from splitting a paragraph.
BIDI_PARAGRAPH_SEPARATORS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")

# Bidi class S (segment separators): rule L1 resets their level at a line's display.
BIDI_SEGMENT_SEPARATORS = frozenset("\t\x0b\x1f")

# A character that may give a paragraph an odd (right-to-left) level: every code point
# of bidi class R or AL lies in these blocks (Hebrew to Arabic Extended-A, Hebrew and
# Arabic presentation forms, the RTL ranges of planes 1), plus RLM and the RLE, RLO,
# RLI and FSI controls. Without one (and without a forced direction) every level is 0.
MAY_RESOLVE_RTL_RE = re.compile(
    _class(
        (0x0590, 0x08FF),
        (0xFB1D, 0xFDFF),
        (0xFE70, 0xFEFE),
        0x200F,
        0x202B,
        0x202E,
        0x2067,
        0x2068,
        (0x10800, 0x10FFF),
        (0x1E800, 0x1EFFF),
    )
)

# --------------------------------------------------------------------------- joining

# A character arabic-reshaper may give a joining form: the Arabic block from its first
# letter (0620) on, Arabic Supplement and Arabic Extended-A hold every letter of the
# reshaper's tables. Text without one comes back from the reshaper unchanged (ZWJ
# apart, which it drops).
MAY_NEED_SHAPING_RE = re.compile(_class((0x0620, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF)))

# --------------------------------------------------------------------------- letters

# Letter classes for guessing an article's script (one character each). Unassigned
# code points inside a range do no harm; every assigned one is a letter of its script.

# Latin letters of Basic Latin, Latin-1, Latin Extended-A/B and Latin Extended
# Additional (Vietnamese): the Latin of news text.
LATIN_LETTER_RE = re.compile(
    _class(
        (0x41, 0x5A),
        (0x61, 0x7A),
        (0xC0, 0xD6),
        (0xD8, 0xF6),
        (0xF8, 0x024F),
        (0x1E00, 0x1EFF),
    )
)
# Hebrew letters, with the presentation forms (not the varika mark FB1E or the
# alternative plus sign FB29 between them).
HEBREW_LETTER_RE = re.compile(
    _class((0x05D0, 0x05EA), (0x05EF, 0x05F2), 0xFB1D, (0xFB1F, 0xFB28), (0xFB2A, 0xFB4F))
)
# Arabic-script letters (Arabic, Persian, Urdu, …), tatweel included, with the
# presentation forms and Arabic mathematical letters; not the marks, digits, signs or
# the symbols among the presentation forms (FBB2–FBC2, FDCF, FDFC–FDFF).
ARABIC_LETTER_RE = re.compile(
    _class(
        (0x0620, 0x064A),
        (0x066E, 0x066F),
        (0x0671, 0x06D3),
        0x06D5,
        (0x06E5, 0x06E6),
        (0x06EE, 0x06EF),
        (0x06FA, 0x06FC),
        0x06FF,
        (0x0750, 0x077F),
        (0x0870, 0x0887),
        (0x0889, 0x088E),
        (0x08A0, 0x08C9),
        (0xFB50, 0xFBB1),
        (0xFBD3, 0xFD3D),
        (0xFD50, 0xFDC7),
        (0xFDF0, 0xFDFB),
        (0xFE70, 0xFEFC),
        (0x1EE00, 0x1EEBB),
    )
)
# Syriac, Thaana and N'Ko letters: right-to-left scripts with no language guess.
OTHER_RTL_LETTER_RE = re.compile(
    _class(
        0x0710,  # (0711 superscript alaph is a mark)
        (0x0712, 0x072F),
        (0x074D, 0x074F),
        (0x0780, 0x07A5),
        0x07B1,
        (0x07CA, 0x07EA),
        (0x07F4, 0x07F5),
        0x07FA,
        (0x0860, 0x086A),  # Syriac Supplement
    )
)

# Any letter: what \w holds but decimal digits and "_" (so also the numbers that are
# not digits, ² ½ Ⅻ, which \w holds too). Letters of every script count.
ANY_LETTER_RE = re.compile(r"[^\W\d_]")

# The letters that tell Urdu and Persian from Arabic (all ARABIC_LETTER_RE letters).
# Urdu writes these and neither Persian nor Arabic does:
URDU_LETTER_RE = re.compile(
    _class(
        0x0679,  # ٹ tteh
        0x0688,  # ڈ ddal
        0x0691,  # ڑ rreh
        0x06BA,  # ں noon ghunna
        0x06BE,  # ھ heh doachashmee
        0x06D2,  # ے yeh barree
    )
)
# Persian writes these and Arabic does not (Urdu writes them too):
PERSIAN_LETTER_RE = re.compile(
    _class(
        0x067E,  # پ peh
        0x0686,  # چ tcheh
        0x0698,  # ژ jeh
        0x06A9,  # ک keheh (Persian kaf)
        0x06AF,  # گ gaf
        0x06CC,  # ی farsi yeh
    )
)
# Arabic's yeh and kaf, which Persian writes as farsi yeh and keheh:
ARABIC_YEH_KAF_RE = re.compile(_class(0x0643, 0x064A))  # ك kaf, ي yeh

# --------------------------------------------------------------------------- punctuation

# Characters written as a colon after a label ("Source:"): the ASCII colon, its
# fullwidth, small and vertical presentation forms, ratio, the modifier letter colon,
# and Hebrew sof pasuq, which looks like one.
COLONS = _chars(0x3A, 0x05C3, 0x2236, 0xA789, 0xFE13, 0xFE55, 0xFF1A)

# Punctuation a sentence or a clause ends with: . ! ? , ; and the ellipsis; the Arabic
# comma, semicolon, triple dot and question mark (U+060C 061B 061E 061F), the Arabic
# full stop Urdu writes (U+06D4), the reversed question mark (U+2E2E), the ideographic
# comma and full stop, the small and fullwidth forms; and the colons (a line ending in
# one introduces what follows). A line ending in one, after its closing quotes and
# brackets, is running text: it is never taken for a subheading.
SENTENCE_END_PUNCTUATION = (
    COLONS
    | _chars(0x21, 0x2C, 0x2E, 0x3B, 0x3F, 0x2026)  # ! , . ; ? …
    | _chars(0x060C, 0x061B, 0x061E, 0x061F, 0x06D4, 0x2E2E)  # ، ؛ ؞ ؟ ۔ ⸮
    | _chars(0x3001, 0x3002, 0xFE50, 0xFE52, 0xFE54, 0xFE56, 0xFE57)  # ideographic, small
    | _chars(0xFF01, 0xFF0C, 0xFF0E, 0xFF1B, 0xFF1F)  # fullwidth
)

# What may follow a sentence's last punctuation: closing brackets ) ] } (and their CJK
# and fullwidth forms), the ornate parentheses around Quranic verses (U+FD3E FD3F), and
# quotation marks: ASCII " and ' (they close as often as they open), the final quotes
# (» › ’ ”) and the initial ones (« ‹ ‘ “), which close a quote written »so« or „so“
# (not the low-9 quotes ‚ „, which only open).
CLOSING_QUOTES_AND_BRACKETS = (
    _chars(0x29, 0x5D, 0x7D, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015)  # ) ] } 〉 …
    | _chars(0xFD3E, 0xFD3F, 0xFF09, 0xFF3D, 0xFF5D)  # ﴾ ﴿ ） ］ ｝
    | _chars(0x22, 0x27, 0xAB, 0xBB, 0x2039, 0x203A)  # " ' « » ‹ ›
    | _chars(0x2018, 0x2019, 0x201B, 0x201C, 0x201D, 0x201F)  # ‘ ’ ‛ “ ” ‟
)

# What ends a sentence: full stop, ! and ?, the ellipsis, the Arabic triple dot and
# question mark, the Urdu full stop, the reversed question mark, the ideographic and
# fullwidth forms. Not ; ؛ , ، : — they end clauses. The library cuts a title's lede at
# them (reader/library/article.py), the reader's sentence unit too (reader/text/units.py).
SENTENCE_ENDS = frozenset(".!?\u2026\u061e\u061f\u06d4\u2e2e\u3002\uff01\uff0e\uff1f")

# Words a "." after which (any case) is an abbreviation's, not a sentence's end: titles,
# company forms, ranks, months. Used by the same two.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs fig inc ltd co corp gen col lt sgt capt gov sen rep"
    " dept approx jan feb mar apr jun jul aug sep sept oct nov dec".split()
)

# Opening brackets ( [ { and their CJK and fullwidth forms: a line inside them is an
# aside (a photo credit "(تصوير: ...)"), not a subheading.
OPENING_BRACKETS = _chars(
    0x28, 0x5B, 0x7B, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0xFF08, 0xFF3B, 0xFF5B
)

# What a list item starts with: hyphen-minus, asterisk and plus (Markdown's bullets), the
# en and em dashes, the bullets (• ‣ ⁃ ◦ ▪ ●) and the middle dot.
LIST_BULLETS = _chars(
    0x2A, 0x2B, 0x2D, 0xB7, 0x2013, 0x2014, 0x2022, 0x2023, 0x2043, 0x25AA, 0x25CF, 0x25E6
)
