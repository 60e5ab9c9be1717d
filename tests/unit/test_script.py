"""annotations.script against the Unicode database, and its users against the table."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from functools import cache

import pytest
from arabic_reshaper.arabic_reshaper import HARAKAT_RE as RESHAPER_HARAKAT_RE

from annotations import script
from annotations.script import (
    ANY_LETTER_RE,
    ARABIC_LETTER_RE,
    ARABIC_MARKS,
    ARABIC_YEH_KAF_RE,
    ATTACHED_MARKS,
    BIDI_CONTROLS,
    BIDI_PARAGRAPH_SEPARATORS,
    BIDI_SEGMENT_SEPARATORS,
    BLANK_CHARS,
    BREAKABLE_SPACES,
    C0_CONTROLS,
    C1_CONTROLS,
    COLONS,
    FSI,
    HARAKAT,
    HEBREW_LETTER_RE,
    HEBREW_MARKS,
    HORIZONTAL_SPACES,
    INVISIBLE_FORMAT,
    JSON_RAW_LINE_BREAK_RE,
    JSON_RAW_LINE_BREAKS,
    LATIN_LETTER_RE,
    MAY_NEED_SHAPING_RE,
    MAY_RESOLVE_RTL_RE,
    NON_TEXT_CONTROL_RE,
    OTHER_RTL_LETTER_RE,
    PARAGRAPH_BREAK_RE,
    PARAGRAPH_BREAKS,
    PDI,
    PERSIAN_LETTER_RE,
    QURANIC_SIGNS,
    SPLITLINES_BREAK_RE,
    SPLITLINES_BREAKS,
    TATWEEL,
    TEXT_CONTROLS,
    URDU_LETTER_RE,
    WORD_JOINERS,
    ZWJ,
    ZWNJ,
    ZWSP,
    char_ranges,
)

EXPLICIT_BIDI_CLASSES = frozenset({"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"})
# The implicit directional marks are no bidi class of their own (LRM is L, RLM is R,
# ALM is AL): UAX #9 names them by character.
IMPLICIT_MARKS = {"LEFT-TO-RIGHT MARK": "L", "RIGHT-TO-LEFT MARK": "R", "ARABIC LETTER MARK": "AL"}


@cache
def every_character() -> tuple[str, ...]:
    return tuple(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


@cache
def assigned() -> tuple[str, ...]:
    return tuple(c for c in every_character() if unicodedata.category(c) != "Cn")


def with_bidi_class(*classes: str) -> set[str]:
    return {c for c in every_character() if unicodedata.bidirectional(c) in classes}


def named(prefix: str, category: str) -> set[str]:
    """Assigned characters whose name starts with ``prefix`` and category with ``category``."""
    return {
        c
        for c in assigned()
        if unicodedata.category(c).startswith(category)
        and unicodedata.name(c, "").startswith(prefix)
    }


def hex_list(chars: set[str] | frozenset[str]) -> list[str]:
    return [f"U+{ord(c):04X}" for c in sorted(chars)]


def test_all_names_are_exported_and_exist():
    assert sorted(script.__all__) == script.__all__
    for name in script.__all__:
        assert hasattr(script, name), name


# --------------------------------------------------------------------------- bidi controls


def test_bidi_controls_are_the_explicit_formatting_characters_and_the_implicit_marks():
    explicit = with_bidi_class(*EXPLICIT_BIDI_CLASSES)
    marks = {unicodedata.lookup(name) for name in IMPLICIT_MARKS}
    assert hex_list(BIDI_CONTROLS - explicit - marks) == []  # nothing else in the table
    assert hex_list(explicit - BIDI_CONTROLS) == []  # every LRE … PDI code point is in it
    assert marks <= BIDI_CONTROLS
    for char in BIDI_CONTROLS:
        assert unicodedata.category(char) == "Cf", hex_list({char})
    for name, bidi_class in IMPLICIT_MARKS.items():
        assert unicodedata.bidirectional(unicodedata.lookup(name)) == bidi_class
    assert "\u061c" in BIDI_CONTROLS  # ALM is a bidi control too
    assert len(BIDI_CONTROLS) == 12


def test_invisible_format_characters_are_format_characters_and_hold_the_bidi_controls():
    assert BIDI_CONTROLS <= INVISIBLE_FORMAT
    assert WORD_JOINERS <= INVISIBLE_FORMAT
    for char in INVISIBLE_FORMAT:
        assert unicodedata.category(char) == "Cf", hex_list({char})
    names = {unicodedata.name(c) for c in INVISIBLE_FORMAT - BIDI_CONTROLS}
    assert names == {
        "SOFT HYPHEN",
        "ZERO WIDTH SPACE",
        "ZERO WIDTH NON-JOINER",
        "ZERO WIDTH JOINER",
        "WORD JOINER",
        "ZERO WIDTH NO-BREAK SPACE",
    }
    assert unicodedata.name(ZWNJ) == "ZERO WIDTH NON-JOINER"
    assert unicodedata.name(ZWJ) == "ZERO WIDTH JOINER"
    assert unicodedata.name(ZWSP) == "ZERO WIDTH SPACE"


def test_fsi_and_pdi_are_the_first_strong_isolate_and_its_end():
    assert unicodedata.name(FSI) == "FIRST STRONG ISOLATE"
    assert unicodedata.bidirectional(FSI) == "FSI"
    assert unicodedata.name(PDI) == "POP DIRECTIONAL ISOLATE"
    assert unicodedata.bidirectional(PDI) == "PDI"
    assert {FSI, PDI} <= BIDI_CONTROLS


# --------------------------------------------------------------------------- marks


def test_arabic_marks_are_every_arabic_combining_mark():
    for char in ARABIC_MARKS:
        assert unicodedata.category(char) == "Mn", hex_list({char})
    assert hex_list(named("ARABIC", "Mn") ^ ARABIC_MARKS) == []


def test_hebrew_marks_are_every_hebrew_combining_mark():
    for char in HEBREW_MARKS:
        assert unicodedata.category(char) == "Mn", hex_list({char})
    assert hex_list(named("HEBREW", "Mn") ^ HEBREW_MARKS) == []
    # Punctuation in the points block is not a mark.
    assert not HEBREW_MARKS & set("\u05be\u05c0\u05c3\u05c6")


def test_harakat_are_the_arabic_and_hebrew_marks():
    assert HARAKAT == ARABIC_MARKS | HEBREW_MARKS
    assert {"\u064e", "\u0651", "\u0652", "\u0670", "\u05b8", "\u05bc"} <= HARAKAT


def test_quranic_signs_are_arabic_but_not_marks():
    assert not QURANIC_SIGNS & ARABIC_MARKS
    for char in QURANIC_SIGNS:
        assert unicodedata.name(char).startswith("ARABIC")
        assert unicodedata.category(char) in ("Cf", "Lm"), hex_list({char})
    # The symbols among the Quranic marks stay characters of their own.
    assert "۞" not in ATTACHED_MARKS and "۩" not in ATTACHED_MARKS


def test_every_mark_the_reshaper_skips_when_joining_is_in_the_table():
    # reader/text/shaping.py forms lam-alef across ARABIC_MARKS | QURANIC_SIGNS only.
    skipped = {c for c in every_character()[:0x10000] if RESHAPER_HARAKAT_RE.match(c)}
    assert skipped, "arabic-reshaper's HARAKAT_RE not understood"
    assert hex_list(skipped - (ARABIC_MARKS | QURANIC_SIGNS)) == []


def test_attached_marks_and_tatweel():
    assert unicodedata.name(TATWEEL) == "ARABIC TATWEEL"
    assert ATTACHED_MARKS == HARAKAT | QURANIC_SIGNS | {TATWEEL}
    assert not ATTACHED_MARKS & INVISIBLE_FORMAT


# --------------------------------------------------------------------------- spaces


def test_horizontal_spaces_are_the_space_separators_tab_vt_and_ff():
    space_separators = {c for c in every_character() if unicodedata.category(c) == "Zs"}
    assert HORIZONTAL_SPACES == space_separators | {"\t", "\x0b", "\x0c"}
    assert BLANK_CHARS == HORIZONTAL_SPACES | INVISIBLE_FORMAT
    assert not BLANK_CHARS & PARAGRAPH_BREAKS


def test_breakable_spaces_are_tab_and_the_space_separators_but_the_no_break_ones():
    space_separators = {c for c in every_character() if unicodedata.category(c) == "Zs"}
    no_break = {c for c in space_separators if unicodedata.decomposition(c).startswith("<noBreak>")}
    assert hex_list(no_break) == ["U+00A0", "U+2007", "U+202F"]
    assert BREAKABLE_SPACES == (space_separators - no_break) | {"\t"}
    assert BREAKABLE_SPACES < HORIZONTAL_SPACES
    assert ZWSP not in BREAKABLE_SPACES  # invisible: a format character, not a space


# --------------------------------------------------------------------------- controls


def test_c0_and_c1_controls_with_delete_are_every_control_character():
    controls = {c for c in every_character() if unicodedata.category(c) == "Cc"}
    assert C0_CONTROLS | C1_CONTROLS | {"\x7f"} == controls
    assert C0_CONTROLS == {c for c in controls if c < "\x7f"}
    assert C1_CONTROLS == {c for c in controls if c > "\x7f"}


def test_text_controls_are_the_four_whitespace_controls_text_is_written_with():
    assert TEXT_CONTROLS == {"\t", "\n", "\x0c", "\r"}
    assert TEXT_CONTROLS < C0_CONTROLS
    assert all(c.isspace() for c in TEXT_CONTROLS)


def test_non_text_controls_are_every_other_control_character():
    controls = {c for c in every_character() if unicodedata.category(c) == "Cc"}
    matched = {c for c in every_character() if NON_TEXT_CONTROL_RE.fullmatch(c)}
    assert hex_list(matched ^ (controls - TEXT_CONTROLS)) == []
    assert {"\x0b", "\x1b", "\x85"} <= matched  # VT, ESC and NEL count as binary


# --------------------------------------------------------------------------- line breaks


def test_paragraph_breaks_are_designs_four():
    # DESIGN §3 step 1: \n, \r\n, \r and U+2029, nothing else.
    assert PARAGRAPH_BREAKS == {"\n", "\r", "\u2029"}
    matched = {c for c in every_character() if PARAGRAPH_BREAK_RE.fullmatch(c)}
    assert matched == PARAGRAPH_BREAKS
    assert PARAGRAPH_BREAK_RE.fullmatch("\r\n")


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\nb\r\nc\rd\u2029e", ["a", "b", "c", "d", "e"]),
        ("a\n\rb", ["a", "", "b"]),  # \n\r is two breaks
        ("a\r\n\r\nb", ["a", "", "b"]),
        ("a\u2028b\x85c\x0bd\x0ce\x1cf", ["a\u2028b\x85c\x0bd\x0ce\x1cf"]),  # not paragraphs
        ("\u2029", ["", ""]),
    ],
)
def test_paragraph_breaks_split_as_design_says(text, lines):
    from reader.text.paragraphs import split_paragraphs

    assert PARAGRAPH_BREAK_RE.split(text) == lines
    # split_paragraphs (fast path or not) cuts at the same places; a final break ends a
    # paragraph without starting an empty one.
    expected = lines[:-1] if lines[-1] == "" and len(lines) > 1 else lines
    assert [text[p.start : p.end] for p in split_paragraphs(text)] == expected


def test_splitlines_breaks_are_where_str_splitlines_breaks():
    breaking = {c for c in every_character() if len(f"a{c}b".splitlines()) == 2}
    assert hex_list(breaking ^ SPLITLINES_BREAKS) == []
    assert PARAGRAPH_BREAKS < SPLITLINES_BREAKS
    matched = {c for c in every_character() if SPLITLINES_BREAK_RE.fullmatch(c)}
    assert matched == SPLITLINES_BREAKS
    for text in ["a\r\nb", "a\n\rb", "a\r\n\rb\x85c\u2028d\x0be\x1dx", "\r\n\r\nx"]:
        assert SPLITLINES_BREAK_RE.split(text) == text.splitlines()


def test_json_raw_line_breaks_are_the_splitlines_breaks_json_leaves_raw():
    raw = {c for c in SPLITLINES_BREAKS if c in json.dumps(c, ensure_ascii=False)}
    matched = {c for c in every_character() if JSON_RAW_LINE_BREAK_RE.fullmatch(c)}
    assert matched == raw == JSON_RAW_LINE_BREAKS == {"\x85", "\u2028", "\u2029"}


# --------------------------------------------------------------------------- bidi classes


def test_bidi_paragraph_and_segment_separators_are_classes_b_and_s():
    assert BIDI_PARAGRAPH_SEPARATORS == with_bidi_class("B")
    assert BIDI_SEGMENT_SEPARATORS == with_bidi_class("S")
    assert PARAGRAPH_BREAKS <= BIDI_PARAGRAPH_SEPARATORS


def test_may_resolve_rtl_matches_every_character_that_can_make_an_odd_level():
    rtl = with_bidi_class("R", "AL", "RLE", "RLO", "RLI", "FSI")
    missed = {c for c in rtl if not MAY_RESOLVE_RTL_RE.match(c)}
    assert hex_list(missed) == []
    # ... and lets left-to-right text skip the bidi algorithm.
    assert MAY_RESOLVE_RTL_RE.search("Hello, мир! 2024 中文 Ελληνικά \u202a\u2066x\u2069") is None


# --------------------------------------------------------------------------- joining


def test_may_need_shaping_holds_every_letter_of_the_reshapers_tables():
    from arabic_reshaper import letters

    for table in (letters.LETTERS_ARABIC, letters.LETTERS_ARABIC_V2, letters.LETTERS_KURDISH):
        # ZWJ is in the tables to join its neighbours; alone it gives no form.
        shaped = set(table) - {ZWJ}
        assert shaped, "arabic-reshaper's letter tables not understood"
        assert hex_list({c for c in shaped if not MAY_NEED_SHAPING_RE.match(c)}) == []
    # ... and only Arabic-script characters (digits included): other text skips it.
    for char in (c for c in assigned() if MAY_NEED_SHAPING_RE.match(c)):
        assert "ARABIC" in unicodedata.name(char), hex_list({char})


def test_the_reshaper_leaves_every_other_character_as_it_is():
    from reader.text.shaping import _RESHAPER

    others = "".join(
        c
        for c in every_character()
        if ord(c) < 0x10000 and c != ZWJ and not MAY_NEED_SHAPING_RE.match(c)
    )
    assert _RESHAPER.reshape(others) == others


# --------------------------------------------------------------------------- letters


def matched_by(regex: re.Pattern[str]) -> set[str]:
    return {c for c in assigned() if regex.match(c)}


@pytest.mark.parametrize(
    ("regex", "prefixes", "bidi_classes", "scope"),
    [
        (
            LATIN_LETTER_RE,
            ("LATIN",),
            {"L"},
            lambda c: ord(c) <= 0x024F or 0x1E00 <= ord(c) <= 0x1EFF,
        ),
        (HEBREW_LETTER_RE, ("HEBREW",), {"R"}, lambda c: True),
        (ARABIC_LETTER_RE, ("ARABIC",), {"AL"}, lambda c: True),
        (OTHER_RTL_LETTER_RE, ("SYRIAC", "THAANA", "NKO"), {"R", "AL"}, lambda c: True),
    ],
    ids=["latin", "hebrew", "arabic", "other-rtl"],
)
def test_letter_classes_hold_exactly_the_letters_of_their_script(
    regex, prefixes, bidi_classes, scope
):
    members = matched_by(regex)
    for char in members:
        assert unicodedata.category(char).startswith("L"), hex_list({char})
        assert unicodedata.name(char).startswith(prefixes), hex_list({char})
        assert unicodedata.bidirectional(char) in bidi_classes, hex_list({char})
    letters = {c for prefix in prefixes for c in named(prefix, "L") if scope(c)}
    assert hex_list(letters - members) == []


def test_letter_classes_do_not_overlap():
    classes = [LATIN_LETTER_RE, HEBREW_LETTER_RE, ARABIC_LETTER_RE, OTHER_RTL_LETTER_RE]
    sets = [matched_by(regex) for regex in classes]
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            assert not a & b


def test_any_letter_is_every_letter_and_the_numbers_that_are_not_digits():
    members = {c for c in every_character() if ANY_LETTER_RE.match(c)}
    letters = {c for c in assigned() if unicodedata.category(c).startswith("L")}
    assert hex_list(letters - members) == []
    others = {c for c in every_character() if c.isnumeric() and not c.isdecimal()}
    assert members == letters | others
    assert {"²", "½", "Ⅻ"} <= members and not {"1", "١", "_", "\u064e"} & members


@pytest.mark.parametrize(
    ("regex", "names"),
    [
        (URDU_LETTER_RE, {"TTEH", "DDAL", "RREH", "NOON GHUNNA", "HEH DOACHASHMEE", "YEH BARREE"}),
        (PERSIAN_LETTER_RE, {"PEH", "TCHEH", "JEH", "KEHEH", "GAF", "FARSI YEH"}),
        (ARABIC_YEH_KAF_RE, {"YEH", "KAF"}),
    ],
    ids=["urdu", "persian", "arabic-yeh-kaf"],
)
def test_language_letter_classes_are_the_arabic_letters_they_name(regex, names):
    members = matched_by(regex)
    assert {unicodedata.name(c) for c in members} == {f"ARABIC LETTER {n}" for n in names}
    assert members <= matched_by(ARABIC_LETTER_RE)


def test_language_letter_classes_do_not_overlap():
    urdu, persian, arabic = map(matched_by, (URDU_LETTER_RE, PERSIAN_LETTER_RE, ARABIC_YEH_KAF_RE))
    assert not urdu & persian and not urdu & arabic and not persian & arabic


# --------------------------------------------------------------------------- punctuation


def test_colons_are_the_characters_their_names_say():
    assert {unicodedata.name(c) for c in COLONS} == {
        "COLON",
        "FULLWIDTH COLON",
        "SMALL COLON",
        "PRESENTATION FORM FOR VERTICAL COLON",
        "RATIO",
        "MODIFIER LETTER COLON",
        "HEBREW PUNCTUATION SOF PASUQ",
    }


# --------------------------------------------------------------------------- char_ranges


@pytest.mark.parametrize(
    "chars",
    [ATTACHED_MARKS, BLANK_CHARS, BIDI_CONTROLS, frozenset("]-^\\[a"), frozenset("\x00\U0010ffff")],
    ids=["attached", "blank", "bidi", "regex-specials", "extremes"],
)
def test_char_ranges_matches_exactly_its_characters(chars):
    pattern = re.compile(f"[{char_ranges(chars)}]")
    neighbours = {n for c in chars for n in (ord(c) - 1, ord(c) + 1) if 0 <= n <= sys.maxunicode}
    sample = set(chars) | set("abc]-^\\[ \t\u0640\u0650\u200b") | {chr(n) for n in neighbours}
    assert {c for c in sample if pattern.fullmatch(c)} == set(chars) & sample
    assert char_ranges([]) == ""


# --------------------------------------------------------------------------- users


def test_the_word_holds_hebrew_points_and_arabic_marks_but_not_symbols():
    from reader.text.document import WORD

    for word in ["שָׁלוֹם", "السَّلَامُ", "الـــقمة", "می\u200cخواهم", "كلمةࣰ"]:
        assert WORD.fullmatch(word), word
    assert WORD.findall("آية ۞ آية") == ["آية", "آية"]


def test_harakat_hidden_search_folding_and_sanitizing_use_the_table():
    from reader.text.fold import fold_char
    from reader.text.sanitize import display_char, is_harakah

    for char in HARAKAT:
        assert is_harakah(char), hex_list({char})
    assert not is_harakah("\u0301") and not is_harakah(TATWEEL) and not is_harakah("۞")
    for char in ATTACHED_MARKS | INVISIBLE_FORMAT:
        assert fold_char(char) == "", hex_list({char})
    for char in BIDI_CONTROLS:
        assert display_char(char) == ""


def test_tag_names_refuse_every_bidi_control():
    from annotations.tagset import validate_tag_name

    for char in BIDI_CONTROLS:
        problem = validate_tag_name(f"a{char}b")
        assert problem is not None and "bidi control" in problem
    assert validate_tag_name("می\u200cخواهم") is None  # joiners are allowed


def test_a_setting_that_must_be_one_line_refuses_every_line_break():
    from reader.settings import _Invalid, _optional_name

    for char in SPLITLINES_BREAKS:
        with pytest.raises(_Invalid, match="single line"):
            _optional_name(f"a{char}b")
    assert _optional_name("a\u00a0b") == "a\u00a0b"


def test_a_line_of_spaces_and_invisible_characters_gives_no_title():
    from reader.library.article import article_from_text

    blank = "".join(sorted(BLANK_CHARS))
    article = article_from_text(f"{blank}\n\u200f\u00adTitle\u00ad\u200e\nbody\n", "x.txt")
    assert article.title == "Title"


def test_article_errors_are_one_line_whatever_the_line_breaks():
    from reader.library.article import ArticleError, load_article

    odd = "".join(sorted(SPLITLINES_BREAKS))
    with pytest.raises(ArticleError) as caught:
        load_article(f"/nonexistent/{odd}.txt")
    assert len(str(caught.value).splitlines()) == 1
    assert "\\r" in str(caught.value) and "\\n" in str(caught.value)


def test_a_source_line_is_found_after_every_colon():
    from reader.library.article import article_from_text

    for colon in COLONS:
        article = article_from_text(f"Title\nbody\nSource{colon} Reuters\n", "x.txt")
        assert article.source == "Reuters", hex_list({colon})


def test_a_file_full_of_non_text_controls_is_binary_and_text_controls_are_not():
    from reader.library.article import ArticleError, decode_bytes

    text_like = ("word " + "".join(sorted(TEXT_CONTROLS))) * 20
    assert decode_bytes(text_like.encode())[0] == text_like
    for char in {c for c in C0_CONTROLS | C1_CONTROLS if NON_TEXT_CONTROL_RE.match(c)} - {"\x00"}:
        with pytest.raises(ArticleError, match="control characters"):
            decode_bytes(("word " + char * 2).encode() * 20)


def test_the_language_guess_uses_the_letter_classes():
    from reader.library.article import guess_language

    assert guess_language("كتب الكاتب في الكتاب الذي يقرأ") == "ar"
    assert guess_language("کتاب یک نویسنده را خواندم") == "fa"  # keheh and farsi yeh
    assert guess_language("یہ کتاب بہت اچھی ہے اور ٹھیک ہے") == "ur"  # heh doachashmee, tteh


def test_only_text_with_a_character_that_may_need_shaping_is_reshaped():
    from reader.text.shaping import needs_shaping, shape

    assert not needs_shaping("Hello שלום мир \u200d 2024")
    for char in matched_by(MAY_NEED_SHAPING_RE):
        assert needs_shaping(f"a{char}b"), hex_list({char})
    assert shape("سلام") != list("سلام")


def test_lines_break_after_breakable_spaces_and_zwsp_only():
    from reader.text.layout import LayoutOptions, layout_paragraph

    def line_ends(space: str) -> list[int]:
        return [
            line.end for line in layout_paragraph(f"aaa{space}bbb", LayoutOptions(width=5)).lines
        ]

    for space in BREAKABLE_SPACES | {ZWSP}:
        assert line_ends(space) == [4, 7], hex_list({space})  # after the space
    for space in HORIZONTAL_SPACES - BREAKABLE_SPACES:
        assert line_ends(space) == [5, 7], hex_list({space})  # the word is cut at the width


def test_controls_are_shown_as_pictures_or_replaced():
    from reader.text.sanitize import REPLACEMENT, display_char

    for char in C0_CONTROLS - {"\t"}:  # a tab shows as a space
        assert unicodedata.name(display_char(char)).startswith("SYMBOL FOR "), hex_list({char})
    for char in C1_CONTROLS:
        assert display_char(char) == REPLACEMENT


def test_the_byline_isolates_source_and_date():
    from reader.text.render import byline

    assert byline("رويترز", "2024-04-03") == f"{FSI}رويترز{PDI} · {FSI}2024-04-03{PDI}"
    assert byline(None, "2024") == f"{FSI}2024{PDI}"
    assert byline("", None) is None and byline(None, None) is None


def test_json_lines_writers_escape_every_raw_line_break():
    from annotations.formats.base import encode_json
    from annotations.formats.base import escape_for_terminals as escape_line_separators

    plain = encode_json({"text": "سطر\tواحد"})
    assert escape_line_separators(plain) is plain
    for char in JSON_RAW_LINE_BREAKS:
        record = {"text": f"a{char}b"}
        escaped = escape_line_separators(encode_json(record))
        assert len(f"{escaped}\n".splitlines()) == 1
        assert json.loads(escaped) == record
