"""The title of an article whose first line is too long to be one (DESIGN §2.1): its first
sentence, cut at a word with "…". Scraped articles are one paragraph a line, the lede
first, so that line is the lede. The texts here are made up for the tests."""

from __future__ import annotations

import json

import pytest

from annotations import make_annotation, open_sidecar
from reader.library.article import article_from_text, load_article
from reader.library.catalog import scan_library
from tests.paths import run_cli

CUT = 80  # at most this many characters, the ellipsis included

# A second sentence long enough that the line is a lede (more than 120 characters).
AR_REST = " وأضاف المتحدث أن اللجنة ستعقد اجتماعها المقبل في العاصمة لمناقشة الخطة الجديدة" * 2
EN_REST = " The committee will meet again next month in the capital to discuss the new plan." * 2


def title_of(first_line: str, name: str = "story-4f2a.txt") -> str:
    assert len(first_line) > 120  # the rule under test is the long-line one
    return article_from_text(first_line + "\nالفقرة الثانية.\n", name).title


def test_arabic_first_sentence_without_its_full_stop():
    first = "أعلنت الحكومة خطة جديدة لدعم المزارعين في المناطق الريفية."
    assert title_of(first + AR_REST) == first[:-1]


def test_arabic_question_mark_ends_and_stays():
    first = "هل تنجح الخطة الجديدة في خفض الأسعار؟"
    assert title_of(first + AR_REST) == first


def test_urdu_full_stop_ends_a_sentence():
    first = "کمیٹی نے نئے منصوبے کی منظوری دے دی۔"
    assert title_of(first + AR_REST) == first[:-1]


def test_exclamation_and_ellipsis_end_a_sentence():
    assert title_of("Prices fell again!" + EN_REST) == "Prices fell again!"
    assert title_of("And then the lights went out…" + EN_REST) == "And then the lights went out…"


@pytest.mark.parametrize("end", [".", "!", "?", "…", "؟", "۔", "...", "?!"])
def test_each_sentence_end(end):
    first = "انتهت الجملة الأولى هنا" + end
    title = title_of(first + AR_REST)
    assert title == (first[:-1] if end in (".", "۔") else first)


def test_a_decimal_point_does_not_end_the_sentence():
    first = "ارتفع معدل النمو إلى 3.2% خلال الربع الأول من العام الجاري."
    assert title_of(first + AR_REST) == first[:-1]
    first = "Growth rose to 3.2 percent in the first quarter of 2024."
    assert title_of(first + EN_REST) == first[:-1]


def test_abbreviation_dots_do_not_end_the_sentence():
    first = "Dr. Lane told U.S. officials that exports had doubled."
    assert title_of(first + EN_REST) == first[:-1]
    first = "قال د. سامر إن الصادرات تضاعفت هذا العام."
    assert title_of(first + AR_REST) == first[:-1]
    first = "e.g. this line goes on after the abbreviation. Then it stops."
    assert title_of(first + EN_REST) == "e.g. this line goes on after the abbreviation"


def test_closing_quotes_belong_to_the_sentence():
    first = "قال الوزير: «لن نتراجع عن القرار.»"
    assert title_of(first + AR_REST) == first
    first = 'The minister said "we will not back down."'
    assert title_of(first + EN_REST) == first


def _is_cut_at_a_word(title: str, line: str) -> None:
    assert title.endswith("…") and len(title) <= CUT
    kept = title[:-1]
    assert line.startswith(kept)
    rest = line[len(kept) :]
    assert rest[0] in " ،,", rest[:5]  # the cut is at a word's end, never inside a word
    assert not kept.endswith(("،", ",", " "))


def test_a_first_sentence_too_long_is_cut_at_a_word_with_an_ellipsis():
    # The shape of a scraped lede: one sentence of about 200 characters, with commas.
    line = (
        "أكدت وزيرة الصناعة - سلمى راشد، أن الحكومة ماضية في خطتها لتنويع مصادر الدخل، "
        "التي تشمل تطوير الموانئ وتوسيع المناطق الحرة وتشجيع الاستثمار الأجنبي المباشر، "
        "وذلك خلال مؤتمر صحفي عقد اليوم الثلاثاء 12 مارس 2024."
    )
    title = title_of(line + AR_REST)
    _is_cut_at_a_word(title, line)
    assert title.startswith("أكدت وزيرة الصناعة - سلمى راشد، أن الحكومة")


def test_a_line_with_no_sentence_end_is_cut_at_a_word():
    line = ("كلمة " * 40).strip()
    title = title_of(line)
    _is_cut_at_a_word(title, line)
    assert title == " ".join(["كلمة"] * 16) + "…"  # 79 characters and the ellipsis
    line = " ".join(f"word{i}" for i in range(40))
    _is_cut_at_a_word(title_of(line), line)


def test_a_line_with_no_space_is_cut_between_letters_not_inside_their_marks():
    assert title_of("x" * 121) == "x" * (CUT - 1) + "…"
    # Every letter carries a fatha: a cut never leaves a letter without its mark.
    line = "بَ" * 70
    title = title_of(line)
    assert title == "بَ" * 39 + "…"


def test_a_long_line_without_letters_or_digits_falls_back_to_the_file_name():
    assert title_of("-" * 130, "d41d8cd98f00b204.txt") == "d41d8cd98f00b204"


def test_a_short_first_line_is_still_the_whole_title():
    line = "First sentence. Second sentence of the same short line."
    assert article_from_text(line + "\nBody.\n", "f.txt").title == line


def test_a_long_markdown_heading_gets_the_same_rule():
    first = "Exports doubled in the first quarter."
    assert article_from_text("# " + first + EN_REST + "\nBody\n", "a.md").title == first[:-1]


def test_front_matter_title_wins_over_a_long_first_line():
    text = "---\ntitle: عنوان من البيانات\n---\n" + "جملة أولى قصيرة." + AR_REST + "\n"
    assert article_from_text(text, "f.txt").title == "عنوان من البيانات"


def test_the_listing_cat_header_and_exports_use_the_title(tmp_path, capsys):
    first = "Growth rose to 3.2 percent in the first quarter."
    path = tmp_path / "0c1e9a77b2d4.txt"
    text = first + EN_REST + "\nA second paragraph.\n"
    path.write_text(text, encoding="utf-8")
    expected = first[:-1]
    assert load_article(path).title == expected
    assert [e.title for e in scan_library(tmp_path)] == [expected]

    code, out, err = run_cli(
        capsys, "cat", "--header", "--width", "120", "--bidi", "terminal", str(path)
    )
    assert code == 0, err
    assert out.splitlines()[0] == expected

    sidecar = open_sidecar(path, text)
    sidecar.save(sidecar.annotations.with_annotations([make_annotation(text, 0, 6, tags=["x"])]))
    code, out, err = run_cli(capsys, "export", str(path), "--format", "jsonl")
    assert code == 0, err
    assert [json.loads(line)["title"] for line in out.splitlines()] == [expected]


@pytest.mark.parametrize("size", [121, 1000, 100_000])
def test_the_title_is_short_whatever_the_line_length(size):
    line = ("abc " * size)[:size]
    assert len(title_of(line)) <= CUT
