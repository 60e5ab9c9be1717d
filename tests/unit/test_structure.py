"""Headings and blank rows (reader/text/structure.py) and the character facts they use.

The example lines are written for these tests, in the shapes scraped news takes: a title
line, a lede, a photo credit in brackets, a "Photo:"/"الصورة:" caption, subheadings
between paragraphs, a "المصدر:" source line last.
"""

from __future__ import annotations

import unicodedata

import pytest

from annotations.script import (
    CLOSING_QUOTES_AND_BRACKETS,
    COLONS,
    EXPLICIT_BIDI_CONTROL_RE,
    EXPLICIT_BIDI_CONTROLS,
    LIST_BULLETS,
    OPENING_BRACKETS,
    SENTENCE_END_PUNCTUATION,
)
from reader.text.structure import (
    MAX_HEADING_CHARS,
    PLAIN_HEADING_LEVEL,
    is_aside,
    is_blank,
    is_markdown,
    is_running_text,
    markdown_heading,
    nearest_text,
    plain_heading_level,
    spacing_before,
)

AR_BODY = (
    "وقالت الوزارة في بيان صدر مساء الثلاثاء إن المفاوضات مع النقابات ستستأنف الأسبوع "
    "المقبل، بعد توقف دام شهرين بسبب الخلاف على جدول الأجور."
)
AR_BODY_2 = (
    "وأضاف المتحدث أن الحكومة تدرس عدة خيارات لتخفيف أثر ارتفاع الأسعار على الأسر "
    "ذات الدخل المحدود، من بينها دعم مباشر يصرف كل ثلاثة أشهر."
)
EN_BODY = (
    "The central bank left its main rate unchanged on Thursday, saying that inflation "
    "had slowed for a third month but remained above its target."
)
EN_BODY_2 = (
    "Traders had expected the decision, and the currency barely moved in the hour after "
    "the announcement, according to dealers in the capital."
)
FA_BODY = (
    "به گفته‌ی سخنگوی وزارت، برنامه‌ی تازه از ماه آینده در همه‌ی استان‌ها اجرا می‌شود و "
    "هزینه‌ی آن از بودجه‌ی عمومی تأمین خواهد شد."
)
HE_BODY = (
    "לדברי הדוברת, התוכנית החדשה תיכנס לתוקף בחודש הבא בכל המחוזות, והעלות שלה תמומן מתקציב המדינה."
)
UR_BODY = (
    "ترجمان نے بتایا کہ نیا منصوبہ اگلے مہینے سے تمام صوبوں میں نافذ ہوگا اور اس کے "
    "اخراجات سرکاری بجٹ سے پورے کیے جائیں گے۔"
)


# -- facts in annotations.script --------------------------------------------------------


def test_explicit_bidi_controls_are_the_characters_of_the_explicit_classes():
    classes = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
    expected = {chr(c) for c in range(0x10000) if unicodedata.bidirectional(chr(c)) in classes}
    assert expected == EXPLICIT_BIDI_CONTROLS
    for char in map(chr, range(0x10000)):
        assert (EXPLICIT_BIDI_CONTROL_RE.fullmatch(char) is not None) == (char in expected)


def test_sentence_end_punctuation_is_punctuation_and_holds_the_colons():
    assert COLONS <= SENTENCE_END_PUNCTUATION
    for char in SENTENCE_END_PUNCTUATION - COLONS:
        assert unicodedata.category(char) == "Po", (hex(ord(char)), unicodedata.name(char))
    for char in ".!?,;…،؛؟۔":
        assert char in SENTENCE_END_PUNCTUATION
    for char in "«»\"')-":
        assert char not in SENTENCE_END_PUNCTUATION


def test_closing_quotes_and_brackets_are_quotes_and_closing_brackets():
    for char in CLOSING_QUOTES_AND_BRACKETS:
        category = unicodedata.category(char)
        ascii_quote = char in "\"'"
        ornate = char in "\ufd3e\ufd3f"  # ﴾ ﴿, Pe/Ps by Unicode version, both close in use
        assert category in ("Pe", "Pf", "Pi") or ascii_quote or ornate, hex(ord(char))
    assert set("»«”“’‘)]}\"'") <= CLOSING_QUOTES_AND_BRACKETS
    assert not CLOSING_QUOTES_AND_BRACKETS & SENTENCE_END_PUNCTUATION


def test_opening_brackets_are_open_punctuation_and_list_bullets_are_symbols_or_punctuation():
    for char in OPENING_BRACKETS:
        assert unicodedata.category(char) == "Ps", hex(ord(char))
    assert set("([{") <= OPENING_BRACKETS
    for char in LIST_BULLETS:
        assert unicodedata.category(char)[0] in "PS", hex(ord(char))
    assert set("-*•–—") <= LIST_BULLETS


# -- Markdown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# عنوان المقال", (1, 2)),
        ("## مزارعون يطالبون بالدعم", (2, 3)),
        ("###### six", (6, 7)),
        ("   ## three spaces", (2, 6)),
        ("##\tتبويب", (2, 3)),
        ("#", (1, 1)),
        ("#hashtag", None),
        ("####### seven", None),
        ("    # four spaces is code", None),
        ("نص # ليس عنوانا", None),
    ],
)
def test_markdown_headings_are_atx_lines(line, expected):
    assert markdown_heading(line) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.md", True), ("B.MARKDOWN", True), ("c.mkd", True), ("d.txt", False), ("md", False)],
)
def test_markdown_is_told_by_the_file_name(name, expected):
    assert is_markdown(name) is expected


# -- plain text: the line's shape --------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "before", "after"),
    [
        ("تداعيات القرار على الأسواق", AR_BODY, AR_BODY_2),
        ("وزير المالية: «لا زيادة في الضرائب»", AR_BODY, AR_BODY_2),  # a quote headline
        ("الـــمرحلة المقبلة", AR_BODY, AR_BODY_2),  # tatweel
        ("Markets shrug off the decision", EN_BODY, EN_BODY_2),
        ("واکنش‌ها به تصمیم دولت", FA_BODY, FA_BODY),  # ZWNJ inside words
        ("תגובות בשוק", HE_BODY, HE_BODY),
        ("حکومت کا موقف", UR_BODY, UR_BODY),
        ("خلفية", AR_BODY, AR_BODY_2),  # one word
        ("  تداعيات القرار  ", AR_BODY, AR_BODY_2),  # spaces around it
    ],
)
def test_a_short_unpunctuated_line_between_paragraphs_is_a_heading(line, before, after):
    assert plain_heading_level(line, before, after) == PLAIN_HEADING_LEVEL


@pytest.mark.parametrize(
    "line",
    [
        "(تصوير: سامي يوسف - أرشيفية)",  # a photo credit in brackets
        "[صورة أرشيفية]",
        "الصورة: وكالة الأنباء المحلية",  # a caption label
        "تصوير: ليلى حسن",
        "المصدر: وكالة الأنباء",
        "اقرأ أيضاً: الحكومة تعلن خطة جديدة",
        "عکس: مریم رضایی",
        "צילום: דנה לוי",
        "Photo: Staff photographer",
        "Source: the city desk",
        "قال الوزير إن الاجتماع كان مثمرا.",  # a short sentence
        "هل تنجح الخطة؟",
        "وقال المتحدث:",  # introduces what follows
        "«نحن مستعدون للحوار.»",  # ends a sentence inside its quotes
        "The talks will resume on Monday.",
        "- البند الأول من الاتفاق",  # a list item
        "• second item",
        "Route 14\tevery 12 minutes",  # a row of a table
        "https://example.org/news/2024/04/03",
        "www.example.org",
        "2024-04-03",  # no letter
        "١٢:٣٠",
        "ا" * (MAX_HEADING_CHARS + 1),  # too long
        " ".join(["كلمة"] * 13),  # too many words
    ],
)
def test_lines_of_other_shapes_are_not_headings(line):
    assert plain_heading_level(line, AR_BODY, AR_BODY_2) == 0


def test_the_first_and_last_lines_are_never_headings():
    title = "الحكومة تعلن خطة لدعم الأسر"
    assert plain_heading_level(title, None, AR_BODY) == 0
    assert plain_heading_level("وكالة الأنباء المحلية", AR_BODY, None) == 0


def test_a_line_between_other_short_lines_is_not_a_heading():
    byline = "سامي يوسف - القاهرة"
    title = "الحكومة تعلن خطة لدعم الأسر"
    assert plain_heading_level(byline, title, AR_BODY) == 0  # after a title: a byline
    poem = ["يا ليل الصب", "متى غده", "أقيام الساعة", "موعده"]
    assert plain_heading_level(poem[1], poem[0], poem[2]) == 0


def test_running_text_is_long_or_ends_a_sentence():
    assert is_running_text(AR_BODY) and is_running_text("قال: نعم.")
    assert is_running_text("وأكد أن الحل «ممكن».")
    assert not is_running_text("تداعيات القرار")
    assert not is_running_text("") and not is_running_text("   \u200f")
    assert is_running_text("ا" * (MAX_HEADING_CHARS + 1))


def test_blank_lines_and_asides():
    assert is_blank("") and is_blank(" \t\u00a0\u200f\u2066") and not is_blank(" ا ")
    assert is_aside("(تصوير: ليلى حسن)") and is_aside("المصدر: وكالة")
    assert is_aside("  Photo : Staff") and not is_aside("وزير المالية: «لا زيادة»")


# -- plain text: the neighbours ------------------------------------------------------------


def lines_of(*lines: str):
    def line_at(i: int) -> str | None:
        return lines[i] if 0 <= i < len(lines) else None

    return line_at


def test_nearest_text_skips_blank_lines_and_credits():
    line_at = lines_of(AR_BODY, "(تصوير: ليلى حسن)", "", "تداعيات القرار", "", AR_BODY_2)
    assert nearest_text(line_at, 3, -1) == AR_BODY
    assert nearest_text(line_at, 3, 1) == AR_BODY_2
    assert nearest_text(line_at, 0, -1) is None


def test_a_subheading_after_a_photo_credit_is_a_heading():
    line_at = lines_of(FA_BODY, "عکس: مریم رضایی", "", "واکنش‌ها به تصمیم دولت", FA_BODY)
    before, after = nearest_text(line_at, 3, -1), nearest_text(line_at, 3, 1)
    assert plain_heading_level("واکنش‌ها به تصمیم دولت", before, after) == PLAIN_HEADING_LEVEL


def test_a_line_before_the_caption_and_source_at_the_end_is_not_a_heading():
    # A "related topic" line, a caption and the source line close many scraped articles.
    line_at = lines_of(
        AR_BODY, 'ملف "الأمن الإقليمي"', "الصورة: المكتب الإعلامي للوزارة", "المصدر: وكالة"
    )
    after = nearest_text(line_at, 1, 1)
    assert after is None
    assert plain_heading_level('ملف "الأمن الإقليمي"', AR_BODY, after) == 0


def test_too_many_skipped_lines_mean_no_neighbour():
    line_at = lines_of(AR_BODY, "", "", "", "", "تداعيات القرار", AR_BODY_2)
    assert nearest_text(line_at, 5, -1) is None


# -- blank rows ------------------------------------------------------------------------------


def spacing(previous, line, *, previous_heading=False, heading=False, on=True, md=False):
    return spacing_before(
        previous,
        line,
        previous_heading=previous_heading,
        heading=heading,
        paragraph_spacing=on,
        markdown=md,
    )


def test_one_blank_row_between_paragraphs_when_spacing_is_on():
    assert spacing(AR_BODY, AR_BODY_2) == 1
    assert spacing(AR_BODY, AR_BODY_2, on=False) == 0
    assert spacing(None, AR_BODY) == 0  # nothing before the first line


def test_no_blank_row_next_to_a_line_that_is_blank_already():
    assert spacing("", AR_BODY) == 0
    assert spacing(AR_BODY, "") == 0
    assert spacing("  \u200f", AR_BODY, heading=True) == 0


def test_headings_are_set_apart_whatever_the_spacing():
    assert spacing(AR_BODY, "تداعيات", heading=True, on=False) == 1
    assert spacing("تداعيات", AR_BODY, previous_heading=True, on=False) == 1


def test_markdown_lines_in_a_row_are_one_paragraph():
    assert spacing("first line of a paragraph", "its second line", md=True) == 0
    assert spacing("## heading", "text", previous_heading=True, md=True) == 1
