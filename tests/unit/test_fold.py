"""Search folding: Arabic-aware matches, and offsets that map back exactly."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.fold import Folded, find_all, fold, fold_char
from tests.paths import SAMPLES


def matches(text: str, query: str) -> list[str]:
    """The original substrings find_all reports for ``query`` in ``text``."""
    return [text[s:e] for s, e in find_all(fold(text), query, text)]


def assert_spans_fold_to_query(text: str, query: str) -> list[tuple[int, int]]:
    spans = find_all(fold(text), query, text)
    for start, end in spans:
        assert fold(text[start:end]).text == fold(query).text
    return spans


# -- fold_char -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "folded"),
    [
        ("أ", "ا"),
        ("إ", "ا"),
        ("آ", "ا"),
        ("ٱ", "ا"),
        ("ٲ", "ا"),
        ("ٳ", "ا"),
        ("ة", "ه"),
        ("ى", "ي"),
        ("\u06cc", "ي"),  # Farsi yeh
        ("ئ", "ي"),
        ("ؤ", "و"),
        ("\u06a9", "ك"),  # keheh
        ("٢", "2"),
        ("۴", "4"),
        ("A", "a"),
        ("Ä", "ä"),
        ("Ł", "ł"),
        ("\u0130", "\u0130"),  # İ lowers to two characters: kept
        ("ا", "ا"),
        ("ش", "ش"),
        ("א", "א"),
        ("a", "a"),
        (" ", " "),
        ("۞", "۞"),  # a symbol, not a mark
    ],
)
def test_fold_char_maps(char, folded):
    assert fold_char(char) == folded


@pytest.mark.parametrize(
    "char",
    [
        "\u064e",  # fatha
        "\u0651",  # shadda
        "\u0652",  # sukun
        "\u0670",  # superscript alef
        "\u0615",  # small high tah
        "\u06d6",  # Quranic mark
        "\u08f0",  # open fathatan
        "\u05b8",  # Hebrew qamats
        "\u05bc",  # dagesh
        "\u0640",  # tatweel
        "\u200c",  # ZWNJ
        "\u200d",  # ZWJ
        "\u200e",  # LRM
        "\u200f",  # RLM
        "\u061c",  # ALM
        "\u202b",  # RLE
        "\u2067",  # RLI
        "\u2069",  # PDI
        "\u00ad",  # soft hyphen
        "\u200b",  # ZWSP
        "\ufeff",  # BOM
    ],
)
def test_fold_char_ignores(char):
    assert fold_char(char) == ""


def test_hebrew_punctuation_in_the_points_block_is_kept():
    for char in "\u05be\u05c0\u05c3\u05c6":  # maqaf, paseq, sof pasuq, nun hafukha
        assert fold_char(char) == char


# -- fold and to_original --------------------------------------------------------------------


def test_fold_records_deleted_positions():
    text = "عُقِدَ"
    folded = fold(text)
    assert folded.text == "عقد"
    assert folded.deleted == [1, 3, 5]
    assert [folded.to_original(i) for i in range(4)] == [0, 2, 4, 6]


def test_fold_without_deletions_maps_identity():
    folded = fold("IMF ٢٠٢٤")
    assert folded.text == "imf 2024"
    assert folded.deleted == []
    assert [folded.to_original(i) for i in range(9)] == list(range(9))


def test_fold_of_empty_and_all_ignored_text():
    assert fold("").text == ""
    assert fold("").to_original(0) == 0
    only_marks = fold("\u064e\u0640\u200f")
    assert only_marks.text == ""
    assert only_marks.deleted == [0, 1, 2]
    assert only_marks.to_original(0) == 3


def test_fold_lowercases_character_by_character():
    # str.lower() on a whole string makes a final Σ into ς; folding is per character.
    assert fold("ΟΔΟΣ").text == "οδοσ"
    assert fold("xİy").text == "xİy"
    assert Folded("ab", []).to_original(2) == 2


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_agrees_with_fold_char(text):
    folded = fold(text)
    assert folded.text == "".join(fold_char(c) for c in text)
    assert folded.deleted == [i for i, c in enumerate(text) if fold_char(c) == ""]
    for i, c in enumerate(folded.text):
        assert fold_char(text[folded.to_original(i)]) == c


# -- find_all --------------------------------------------------------------------------------


def test_alef_variants_and_harakat():
    text = "الأمن والإمن والأمنَ والآمن"
    assert matches(text, "الامن") == ["الأمن", "الإمن", "الأمنَ", "الآمن"]


def test_match_extends_over_following_harakat():
    text = "إن الأمنَ مهم"
    spans = find_all(fold(text), "الامن", text)
    assert spans == [(3, 9)]
    assert text[3:9] == "الأمنَ"  # the final fatha is part of the match


def test_hamza_forms_are_distinct_from_other_letters():
    assert matches("الإمن", "الامن") == ["الإمن"]
    assert matches("السلم", "الامن") == []
    assert matches("الإمن", "الأمنى") == []


def test_teh_marbuta_and_alef_maqsura():
    assert matches("ذهب إلى مدرسة القرية", "مدرسه") == ["مدرسة"]
    assert matches("مدرسه", "مدرسة") == ["مدرسه"]
    assert matches("على الطاولة", "علي") == ["على"]
    assert matches("جاء علي", "على") == ["علي"]


def test_tatweel_is_ignored():
    text = "انعقدت الـــقـــمة أمس"
    assert matches(text, "القمة") == ["الـــقـــمة"]
    assert matches("القمة", "الـقـمـة") == ["القمة"]


def test_persian_yeh_and_keheh():
    assert matches("کتاب‌های ایرانی", "كتاب") == ["کتاب"]
    assert matches("ایرانی", "ايراني") == ["ایرانی"]
    assert matches("كتابي", "کتابی") == ["كتابي"]


def test_zwnj_is_ignored():
    assert matches("می‌شود", "میشود") == ["می‌شود"]


def test_hamza_on_seat():
    assert matches("مسؤول", "مسوول") == ["مسؤول"]
    assert matches("رئيس", "رييس") == ["رئيس"]


def test_digits_both_ways():
    assert matches("في عام ٢٠٢٤ وعام 2024", "2024") == ["٢٠٢٤", "2024"]
    assert matches("في عام ٢٠٢٤ وعام 2024", "٢٠٢٤") == ["٢٠٢٤", "2024"]
    assert matches("سال ۱۴۰۳", "1403") == ["۱۴۰۳"]


def test_latin_is_case_insensitive():
    text = "صندوق النقد الدولي (IMF) و imf و Imf"
    assert matches(text, "imf") == ["IMF", "imf", "Imf"]
    assert matches(text, "IMF") == ["IMF", "imf", "Imf"]
    assert matches("Ökonomie", "öKONOMIE") == ["Ökonomie"]


def test_harakat_in_the_query_are_ignored():
    assert matches("عقد الاجتماع", "عُقِدَ") == ["عقد"]
    assert matches("السَّلامُ عليكم", "السَّلام") == ["السَّلامُ"]


def test_hebrew_points_are_ignored():
    assert matches("המילה העברית פָּנָס", "פנס") == ["פָּנָס"]
    assert matches("אור", "אוֹר") == ["אור"]


def test_empty_and_all_ignored_queries_match_nothing():
    text = "الأمن"
    assert find_all(fold(text), "", text) == []
    assert find_all(fold(text), "\u064e\u0640", text) == []


def test_matches_do_not_overlap_and_respect_limit():
    text = "aaaa"
    assert find_all(fold(text), "aa", text) == [(0, 2), (2, 4)]
    assert find_all(fold(text), "a", text, limit=3) == [(0, 1), (1, 2), (2, 3)]
    assert find_all(fold(text), "a", text, limit=0) == []


def test_match_does_not_start_on_leading_ignored_characters():
    text = "\u200fالأمن\u200f"
    assert find_all(fold(text), "الامن", text) == [(1, 6)]  # neither RLM is included


def test_match_is_not_extended_over_format_characters():
    text = "می\u200cشود"
    assert find_all(fold(text), "می", text) == [(0, 2)]


def test_sample_article_spans_fold_to_the_query():
    text = (SAMPLES / "ar_economy.txt").read_text(encoding="utf-8")
    for query in ["الامن", "القمة", "imf", "2024", "23", "السلام", "الله", "opec+"]:
        spans = assert_spans_fold_to_query(text, query)
        assert spans, query
    assert "الـــقـــمة" in matches(text, "القمة")
    assert "٢٣" in matches(text, "23")
    assert "السَّلامُ" in matches(text, "السلام")


ALPHABET = (
    "ابتةثجحخدذرسشصضطظعغفقكلمنهويىأإآٱؤئءیکک٠١٢٣۴۵0123"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640\u200c\u200f"
    "abcABC "
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_substring_of_the_original_is_found(data):
    text = data.draw(st.text(alphabet=ALPHABET, max_size=60))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    query = text[start:end]
    folded = fold(text)

    positions = [folded.to_original(i) for i in range(len(folded.text) + 1)]
    assert positions == sorted(set(positions))  # strictly increasing
    assert positions[-1] == len(text)

    wanted = fold(query).text
    spans = find_all(folded, query, text)
    if not wanted:
        assert spans == []
        return
    assert spans
    for s, e in spans:
        assert 0 <= s < e <= len(text)
        assert fold(text[s:e]).text == wanted
    # The first match begins at or before the substring's first character that is kept.
    first_kept = next(i for i in range(start, end) if fold_char(text[i]))
    assert spans[0][0] <= first_kept
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_fold_is_fast_on_a_large_article():
    text = (SAMPLES / "ar_economy.txt").read_text(encoding="utf-8")
    big = text * (5_000_000 // len(text) + 1)
    started = time.perf_counter()
    folded = fold(big)
    elapsed = time.perf_counter() - started
    print(f"fold of {len(big):,} characters: {elapsed:.3f} s")
    assert elapsed < 5
    assert len(folded.text) + len(folded.deleted) == len(big)
    spans = find_all(folded, "الامن", big)
    assert len(spans) >= big.count("الأمن")
