"""The language and direction guess counts lazily (it is on the path of every library
listing); its answers equal counting every script fully, as the rule is written."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.script import (
    ANY_LETTER_RE,
    ARABIC_LETTER_RE,
    ARABIC_YEH_KAF_RE,
    HEBREW_LETTER_RE,
    LATIN_LETTER_RE,
    OTHER_RTL_LETTER_RE,
    PERSIAN_LETTER_RE,
    URDU_LETTER_RE,
)
from reader.library.article import guess_direction, guess_language


def count(regex: re.Pattern[str], text: str) -> int:
    return len(regex.findall(text))


def reference_language(text: str) -> str | None:
    """The rule with every count taken in full (the code before it counted lazily)."""
    latin, hebrew, arabic = (
        count(r, text) for r in (LATIN_LETTER_RE, HEBREW_LETTER_RE, ARABIC_LETTER_RE)
    )
    best = max(hebrew, arabic, latin)
    if best == 0 or 2 * best < count(ANY_LETTER_RE, text):
        return None
    if arabic == best:
        urdu = count(URDU_LETTER_RE, text)
        if urdu >= 2 and urdu >= 0.01 * arabic:
            return "ur"
        if count(PERSIAN_LETTER_RE, text) > count(ARABIC_YEH_KAF_RE, text):
            return "fa"
        return "ar"
    return "he" if hebrew == best else "en"


def reference_direction(text: str) -> str:
    rtl = sum(count(r, text) for r in (HEBREW_LETTER_RE, ARABIC_LETTER_RE, OTHER_RTL_LETTER_RE))
    return "rtl" if rtl > count(LATIN_LETTER_RE, text) else "ltr"


# Letters of every script the rule tells apart, letters it does not (Cyrillic, Greek, CJK),
# and what is never a letter (spaces, line breaks, digits, punctuation, marks).
ALPHABET = (
    "قالوزيرةىيكبتث"  # Arabic
    "پچژگکی"  # Persian (with Persian yeh and keheh)
    "ٹڈڑںےھ"  # Urdu
    "שלוםעבר"  # Hebrew
    "ܐܒܓ"  # Syriac
    "abcXYZéß"  # Latin
    "жизньΩλ中文"  # other letters
    " \n\t\r0123456789٠١٢.,،؛«»-ًٌٍَُِّْ"
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_the_guess_equals_full_counting(text):
    assert guess_language(text) == reference_language(text)
    assert guess_direction(text) == reference_direction(text)


def test_the_usual_articles():
    assert guess_language("قال الوزير إن الاقتصاد سينمو بنسبة 3.2% هذا العام.\n") == "ar"
    assert guess_language("گفت که این کتاب را می‌خواهم.") == "fa"
    assert guess_language("اس نے کہا کہ ٹیم جیت گئی۔") == "ur"
    assert guess_language("הוא אמר שהכלכלה תצמח.") == "he"
    assert guess_language("The minister said the economy would grow.") == "en"
    assert guess_language("Министр сказал, что экономика вырастет.") is None
