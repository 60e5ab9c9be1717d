"""Selection units around an offset (reader/text/units.py): word, sentence, paragraph,
quotation, extending by sentences and trimming, in Arabic, Persian, Hebrew, English and
mixed text, with harakat, and at the edges of the text.

Each test states the span it expects both as offsets and as the text they cover, so a
unit one character off fails.
"""

from __future__ import annotations

import random

import pytest

from reader.text.paragraphs import split_paragraphs
from reader.text.units import (
    Span,
    extend_backward,
    extend_forward,
    paragraph_at,
    quotation_at,
    sentence_at,
    trim,
    word_at,
)


def at(text: str, needle: str, nth: int = 0) -> int:
    """The offset of the ``nth`` occurrence of ``needle`` in ``text``."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return pos


def span_of(text: str, needle: str, nth: int = 0) -> Span:
    start = at(text, needle, nth)
    return Span(start, start + len(needle))


def covered(text: str, span: Span | None) -> str | None:
    return None if span is None else text[span.start : span.end]


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("text", "inside", "word"),
    [
        ("قالَ الوزيرُ إنّ الحربَ انتهت", "وزي", "الوزيرُ"),  # harakat stay in the word
        ("بالـــتـأكيد نعم", "تـأ", "بالـــتـأكيد"),  # tatweel
        ("من می‌خواهم بروم", "خوا", "می‌خواهم"),  # Persian ZWNJ inside a word
        ('אמר דובר צה"ל אתמול', "דובר", "דובר"),
        ("He said don't go", "on", "don't"),  # apostrophe inside a word
        ("l’Orient-le-Jour reports", "Jour", "l’Orient-le-Jour"),
        ("نما الاقتصاد ٣٫٢ بالمئة", "٫", "٣٫٢"),  # the Arabic decimal separator
        ("growth of 3.2 percent", "3", "3.2"),
        ("1,204 articles", "204", "1,204"),
        ("בית־הספר הגדול", "ספר", "בית־הספר"),  # maqaf
    ],
)
def test_word_around_the_offset(text: str, inside: str, word: str) -> None:
    for offset in range(at(text, inside), at(text, inside) + len(inside)):
        assert word_at(text, offset) == span_of(text, word)


def test_word_ends_at_punctuation_and_is_none_on_blanks_and_marks() -> None:
    text = "«سننتصر»، قال. end."
    assert word_at(text, at(text, "سن")) == span_of(text, "سننتصر")
    assert word_at(text, at(text, "«")) is None
    assert word_at(text, at(text, "،")) is None
    assert word_at(text, at(text, " ")) is None
    assert word_at(text, at(text, "end")) == span_of(text, "end")  # "end." is not 3.2


def test_word_at_the_edges_of_the_text_and_of_a_line() -> None:
    text = "أول\nوسط آخر"
    assert word_at(text, 0) == Span(0, 3)
    assert word_at(text, 3) == Span(0, 3)  # on the line break: the line's last character
    assert word_at(text, len(text)) == span_of(text, "آخر")  # past the end
    assert word_at("", 0) is None
    assert word_at("a\n\nb", 2) is None  # an empty line
    with pytest.raises(ValueError):
        word_at(text, len(text) + 1)


def test_word_apostrophes_and_hyphens_join_only_between_letters() -> None:
    text = "the students' union - 'quoted'"
    assert word_at(text, at(text, "stud")) == span_of(text, "students")
    assert word_at(text, at(text, "uot")) == span_of(text, "quoted")
    assert word_at(text, at(text, "-")) is None


# --------------------------------------------------------------------------- sentences


ARABIC = "قال الوزير: «سننتصر.» ثم غادر القاعة! هل انتهى الاجتماع؟ نعم… انتهى."


@pytest.mark.parametrize(
    ("inside", "sentence"),
    [
        ("الوزير", "قال الوزير: «سننتصر.»"),  # the closing » belongs to the sentence
        ("سننتصر", "قال الوزير: «سننتصر.»"),
        ("غادر", "ثم غادر القاعة!"),
        ("انتهى الا", "هل انتهى الاجتماع؟"),
        ("نعم", "نعم…"),
        ("انتهى.", "انتهى."),
    ],
)
def test_arabic_sentences(inside: str, sentence: str) -> None:
    assert sentence_at(ARABIC, at(ARABIC, inside)) == span_of(ARABIC, sentence)


def test_the_blanks_after_a_sentence_belong_to_the_next_and_are_trimmed() -> None:
    text = "One.   Two.  "
    assert sentence_at(text, at(text, " ")) == span_of(text, "Two.")
    assert sentence_at(text, len(text) - 1) == span_of(text, "Two.")  # line-end blanks: last
    assert sentence_at(text, at(text, ".")) == span_of(text, "One.")  # on the full stop


def test_numbers_do_not_end_sentences() -> None:
    text = "نما الاقتصاد 3.2 بالمئة و٣.٢ بالمئة و٣٫٢ أيضاً. وانتهى العام."
    first = "نما الاقتصاد 3.2 بالمئة و٣.٢ بالمئة و٣٫٢ أيضاً."
    for needle in ("3.2", "٣.٢", "٣٫٢", "أيضاً"):
        assert sentence_at(text, at(text, needle)) == span_of(text, first)
    assert sentence_at(text, at(text, "العام")) == span_of(text, "وانتهى العام.")


def test_abbreviations_initials_and_list_numbers_do_not_end_sentences() -> None:
    text = "Mr. Smith met Dr. J. Doe of Acme Inc. in Jan. 2024 at example.com. Then he left."
    assert sentence_at(text, at(text, "Doe")) == span_of(text, text[: at(text, " Then")])
    assert sentence_at(text, at(text, "left")) == span_of(text, "Then he left.")
    arabic = "وقال د. أحمد إن أ.د. سمير وصل عام 1445 هـ. وغادر. ثم عاد."
    assert sentence_at(arabic, at(arabic, "سمير")) == span_of(
        arabic, "وقال د. أحمد إن أ.د. سمير وصل عام 1445 هـ. وغادر."
    )
    listed = "1. البند الأول. 2. الثاني"
    assert sentence_at(listed, at(listed, "البند")) == span_of(listed, "1. البند الأول.")


def test_a_lowercase_word_after_the_mark_continues_the_sentence() -> None:
    text = '"Why?" he asked, e.g. this. Next one.'
    assert sentence_at(text, at(text, "asked")) == span_of(text, '"Why?" he asked, e.g. this.')


def test_semicolons_end_clauses_not_sentences() -> None:
    text = "قال إنه سيحضر؛ لكنه لم يفعل. وانتهى"
    assert sentence_at(text, at(text, "لكنه")) == span_of(text, "قال إنه سيحضر؛ لكنه لم يفعل.")
    assert sentence_at(text, at(text, "وانتهى")) == span_of(
        text, "وانتهى"
    )  # the line's end ends it


def test_sentences_in_persian_hebrew_and_mixed_text() -> None:
    persian = "او گفت: «می‌خواهم بروم.» آیا رفت؟ بله."
    assert sentence_at(persian, at(persian, "رفت")) == span_of(persian, "آیا رفت؟")
    hebrew = 'דובר צה"ל אמר. הוא הוסיף!'
    assert sentence_at(hebrew, at(hebrew, "צה")) == span_of(hebrew, 'דובר צה"ל אמר.')
    mixed = "قالت Reuters إن CEO John Smith استقال. The board agreed."
    assert sentence_at(mixed, at(mixed, "John")) == span_of(
        mixed, "قالت Reuters إن CEO John Smith استقال."
    )
    assert sentence_at(mixed, at(mixed, "board")) == span_of(mixed, "The board agreed.")


def test_sentences_never_cross_a_line_break() -> None:
    text = "بدأ الاجتماع\r\nوانتهى بسرعة. ثم\n\nخرجوا."
    assert sentence_at(text, at(text, "بدأ")) == span_of(text, "بدأ الاجتماع")
    assert sentence_at(text, at(text, "\r")) == span_of(text, "بدأ الاجتماع")
    assert sentence_at(text, at(text, "\n")) == span_of(text, "بدأ الاجتماع")
    assert sentence_at(text, at(text, "بسرعة")) == span_of(text, "وانتهى بسرعة.")
    assert sentence_at(text, at(text, "\n\n") + 1) is None  # the empty line
    assert sentence_at(text, len(text)) == span_of(text, "خرجوا.")


def test_a_long_line_finds_the_sentence_start_far_back() -> None:
    long = "كلمة " * 3000
    text = "أولى. " + long + "نهاية. بعد."
    assert sentence_at(text, at(text, "نهاية")) == Span(at(text, "كلمة"), at(text, " بعد"))


def test_sentences_with_harakat_and_an_ellipsis_run() -> None:
    text = "قالَ: لا أعرفُ... ثمَّ سكتَ!! وانصرفَ."
    assert sentence_at(text, at(text, "أعرف")) == span_of(text, "قالَ: لا أعرفُ...")
    assert sentence_at(text, at(text, "سكت")) == span_of(text, "ثمَّ سكتَ!!")


# --------------------------------------------------------------------------- extending


def test_extend_forward_and_backward_by_sentences() -> None:
    text = "الأولى هنا. الثانية هناك! الثالثة؟\nالرابعة."
    second = span_of(text, "الثانية هناك!")
    assert extend_forward(text, second) == Span(
        second.start, at(text, "الثالثة؟") + len("الثالثة؟")
    )
    # across the line break, to the next paragraph's first sentence
    third = span_of(text, "الثالثة؟")
    assert extend_forward(text, third) == Span(third.start, len(text))
    assert extend_backward(text, second) == Span(0, second.end)
    # from a word: forward completes its own sentence first
    word = span_of(text, "هنا")
    assert extend_forward(text, word) == Span(word.start, at(text, ".") + 1)
    assert extend_backward(text, word) == Span(0, word.end)
    # at the edges nothing changes
    assert extend_backward(text, Span(0, 5)) == Span(0, 5)
    assert extend_forward(text, Span(3, len(text))) == Span(3, len(text))
    assert extend_backward(text, span_of(text, "الرابعة.")) == Span(third.start, len(text))


# --------------------------------------------------------------------------- paragraphs


def test_paragraph_is_the_trimmed_line() -> None:
    text = "  العنوان  \r\n\nفقرة أولى. وثانية.\u2029الأخيرة"
    assert paragraph_at(text, 0) == span_of(text, "العنوان")
    assert paragraph_at(text, at(text, "\r")) == span_of(text, "العنوان")
    assert paragraph_at(text, at(text, "\n")) == span_of(text, "العنوان")
    assert paragraph_at(text, at(text, "\n\n") + 1) is None
    assert paragraph_at(text, at(text, "وثانية")) == span_of(text, "فقرة أولى. وثانية.")
    assert paragraph_at(text, len(text)) == span_of(text, "الأخيرة")


def test_paragraphs_agree_with_split_paragraphs() -> None:
    rng = random.Random(13)
    alphabet = ["a", "ب", " ", "\n", "\r", "\r\n", "\u2029", "."]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20)))
        paragraphs = split_paragraphs(text)
        for offset in range(len(text)):
            if text[offset] in "\n\r\u2029":
                continue
            p = next(p for p in paragraphs if p.start <= offset < p.end)
            expected = text[p.start : p.end].strip()
            assert covered(text, paragraph_at(text, offset)) == (expected or None), (text, offset)


# --------------------------------------------------------------------------- quotations


def test_innermost_quotation_and_going_outwards() -> None:
    text = 'قال: «إن الوزير وصف الأمر بأنه "كارثة حقيقية" أمس» ثم غادر.'
    inner = span_of(text, "كارثة حقيقية")
    outer = span_of(text, 'إن الوزير وصف الأمر بأنه "كارثة حقيقية" أمس')
    assert quotation_at(text, at(text, "حقيقية")) == inner
    assert quotation_at(text, at(text, "الوزير")) == outer
    assert quotation_at(text, at(text, "«")) == outer  # on a mark
    assert quotation_at(text, at(text, "»")) == outer
    assert quotation_at(text, at(text, "حقيقية"), marks=True) == span_of(text, '"كارثة حقيقية"')
    assert quotation_at(text, at(text, "حقيقية"), around=inner) == outer
    assert quotation_at(text, at(text, "حقيقية"), around=outer) is None
    assert quotation_at(text, at(text, "غادر")) is None
    assert quotation_at(text, at(text, "قال")) is None


@pytest.mark.parametrize(
    ("text", "inside", "quote"),
    [
        ("He said “we won” today", "won", "we won"),
        ("He said ‘we won’ today", "won", "we won"),
        ("He said 'we won' today", "won", "we won"),
        ("He said 'don't go' today", "go", "don't go"),  # the apostrophe does not close
        ("He said ‘don’t go’ today", "go", "don’t go"),
        ("the students' union said 'no' twice", "no", "no"),
        ("the students' union said 'no' twice", "union", None),
        ("le ‹ mot › juste", "mot", "mot"),
        ('דובר צה"ל אמר "לא נכון" אתמול', "נכון", "לא נכון"),  # gershayim is no mark
        ('דובר צה"ל אמר "לא נכון" אתמול', "דובר", None),
        ("او گفت «می‌خواهم بروم» و رفت", "بروم", "می‌خواهم بروم"),
        ('She said: "It is 5\'10 tall." Then', "tall", "It is 5'10 tall."),
        ("«قالَ: ‹نعم›.» ثم", "نعم", "نعم"),
    ],
)
def test_quotation_marks_and_apostrophes(text: str, inside: str, quote: str | None) -> None:
    span = quotation_at(text, at(text, inside))
    assert covered(text, span) == quote
    if quote is not None:
        assert span == span_of(text, quote)


def test_an_unclosed_quotation_is_dropped_and_lines_are_not_crossed() -> None:
    text = '«بداية بلا نهاية\nقال "نعم" ثم'
    assert quotation_at(text, at(text, "بلا")) is None
    assert quotation_at(text, at(text, "نعم")) == span_of(text, "نعم")
    stray = "«قال 'حسناً» وذهب"  # a ' left open inside «…» is dropped when » closes
    assert quotation_at(stray, at(stray, "حسن")) == span_of(stray, "قال 'حسناً")


def test_quotation_at_the_edges_of_the_text() -> None:
    text = '"كلمة"'
    assert quotation_at(text, 0) == Span(1, 5)
    assert quotation_at(text, len(text)) == Span(1, 5)
    assert quotation_at("", 0) is None
    assert quotation_at("« »", 1) == Span(2, 2)  # blank inside: an empty span after the blank


# --------------------------------------------------------------------------- trimming


def test_trim_blanks_and_optionally_punctuation() -> None:
    text = " \u200f «مرحباً، يا عالم!»\n "
    whole = Span(0, len(text))
    assert trim(text, whole) == span_of(text, "«مرحباً، يا عالم!»")
    assert trim(text, whole, punctuation=True) == span_of(text, "مرحباً، يا عالم")
    latin = ' ("Hello, world.") '
    assert trim(latin, Span(0, len(latin)), punctuation=True) == span_of(latin, "Hello, world")
    persian = "؟«سلام»؛"
    assert trim(persian, Span(0, len(persian)), punctuation=True) == span_of(persian, "سلام")
    # harakat and tatweel are not punctuation: they stay
    vowelled = "«كتبَـ»"
    assert trim(vowelled, Span(0, len(vowelled)), punctuation=True) == span_of(vowelled, "كتبَـ")
    assert trim("  ", Span(0, 2)) == Span(2, 2)
    assert trim("...", Span(0, 3), punctuation=True) == Span(3, 3)
    with pytest.raises(ValueError):
        trim("ab", Span(1, 3))
