"""Tests for reader.library.article (DESIGN §2.1): decoding, offsets, front matter, heuristics."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reader.library.article as article_mod
from reader.library.article import (
    ARTICLE_SUFFIXES,
    Article,
    ArticleError,
    Paragraph,
    article_from_text,
    decode_bytes,
    guess_direction,
    guess_language,
    load_article,
    split_paragraphs,
)

ARABIC = (
    "أعلنت وزارة الصحة في بيان صدر صباح اليوم عن ارتفاع عدد المصابين بالفيروس إلى أكثر من ألف "
    "حالة، مؤكدة أن الفرق الطبية تعمل على مدار الساعة لاحتواء الوضع في المحافظات الشمالية. "
    "وقال المتحدث باسم الوزارة إن المستشفيات استقبلت خلال الأيام الماضية أعدادا كبيرة من المرضى، "
    "وإن الحكومة خصصت ميزانية إضافية لشراء المعدات والأدوية اللازمة."
)
PERSIAN = (
    "وزارت امور خارجه ایران روز یکشنبه اعلام کرد که گفتگوهای هسته‌ای با کشورهای اروپایی در هفته "
    "آینده در ژنو از سر گرفته خواهد شد. سخنگوی این وزارتخانه گفت که پیشنهادهای تازه‌ای روی میز "
    "است و چند کارشناس برای بررسی آنها به پایتخت سفر کرده‌اند."
)
URDU = (
    "وزیر اعظم نے آج اسلام آباد میں ایک اہم اجلاس کی صدارت کی جس میں ملک کی معاشی صورتحال پر "
    "تفصیلی غور کیا گیا۔ اجلاس میں بتایا گیا کہ مہنگائی کی شرح میں کمی ہوئی ہے اور بیرونی "
    "سرمایہ کاری بڑھ رہی ہے، تاہم ٹیکس وصولی کا ہدف ابھی تک پورا نہیں ہو سکا۔"
)
HEBREW = (
    "משרד הבריאות הודיע היום כי מספר המאושפזים ירד בשבוע האחרון, וכי בתי החולים חוזרים "
    "לפעילות שגרתית. לדברי המשרד, ההנחיות החדשות ייכנסו לתוקף בתחילת החודש הבא."
)
ENGLISH = (
    "The health ministry said on Sunday that the number of patients in hospital fell last week, "
    "and that clinics across the north of the country are returning to their normal schedule."
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def lines_of(text: str, paragraphs: list[Paragraph]) -> list[str]:
    return [text[p.start : p.end] for p in paragraphs]


# ---------------------------------------------------------------------------------------------
# split_paragraphs


def test_split_paragraphs_lf_and_empty_lines():
    text = "one\n\ntwo\nthree\n"
    paras = split_paragraphs(text)
    assert paras == [
        Paragraph(0, 0, 3),
        Paragraph(1, 4, 4),
        Paragraph(2, 5, 8),
        Paragraph(3, 9, 14),
    ]
    assert lines_of(text, paras) == ["one", "", "two", "three"]


def test_split_paragraphs_crlf_counts_two_characters():
    text = "ab\r\n\r\ncd\r\n"
    paras = split_paragraphs(text)
    assert paras == [Paragraph(0, 0, 2), Paragraph(1, 4, 4), Paragraph(2, 6, 8)]
    assert lines_of(text, paras) == ["ab", "", "cd"]


def test_split_paragraphs_cr_and_u2029_and_mixed():
    text = "a\rb\u2029c\r\nd\ne"
    paras = split_paragraphs(text)
    assert [(p.start, p.end) for p in paras] == [(0, 1), (2, 3), (4, 5), (7, 8), (9, 10)]
    assert lines_of(text, paras) == ["a", "b", "c", "d", "e"]
    # U+2028 (line separator) is not a paragraph break.
    assert split_paragraphs("x\u2028y") == [Paragraph(0, 0, 3)]


def test_split_paragraphs_edge_cases():
    assert split_paragraphs("") == []
    assert split_paragraphs("\n") == [Paragraph(0, 0, 0)]
    assert split_paragraphs("\n\n") == [Paragraph(0, 0, 0), Paragraph(1, 1, 1)]
    assert split_paragraphs("abc") == [Paragraph(0, 0, 3)]
    assert split_paragraphs("abc\n\n") == [Paragraph(0, 0, 3), Paragraph(1, 4, 4)]


def test_split_paragraphs_range_offsets_are_absolute():
    text = "head\nx\r\ny\nTAIL"
    paras = split_paragraphs(text, 5, 10)
    assert paras == [Paragraph(0, 5, 6), Paragraph(1, 8, 9)]
    # A \r\n cut by `end` leaves a lone \r.
    assert split_paragraphs(text, 5, 7) == [Paragraph(0, 5, 6)]
    with pytest.raises(ValueError):
        split_paragraphs(text, 3, 2)


def reference_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character-by-character reference for split_paragraphs."""
    spans = []
    pos = i = start
    while i < end:
        ch = text[i]
        if ch in "\n\r\u2029":
            spans.append((pos, i))
            i += 2 if ch == "\r" and i + 1 < end and text[i + 1] == "\n" else 1
            pos = i
        else:
            i += 1
    if pos < end:
        spans.append((pos, end))
    return spans


@given(st.text(alphabet="ab\r\n\u2029\u2028 ", max_size=40), st.data())
def test_split_paragraphs_matches_reference(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    paras = split_paragraphs(text, start, end)
    assert [(p.start, p.end) for p in paras] == reference_split(text, start, end)
    assert [p.index for p in paras] == list(range(len(paras)))


# ---------------------------------------------------------------------------------------------
# Decoding


def test_utf8(tmp_path):
    text = "عنوان الخبر\nالسطر الثاني\n"
    art = load_article(write(tmp_path, "a.txt", text.encode("utf-8")))
    assert art.text == text
    assert art.encoding == "utf-8"
    assert art.encoding_detected is False
    assert art.body_start == 0
    assert art.paragraphs() == [Paragraph(0, 0, 11), Paragraph(1, 12, 24)]
    assert art.title == "عنوان الخبر"


def test_utf8_bom_excluded_from_text_and_offsets(tmp_path):
    text = "سطر أول\r\nسطر ثان"
    art = load_article(write(tmp_path, "bom.txt", codecs.BOM_UTF8 + text.encode("utf-8")))
    assert art.text == text
    assert not art.text.startswith("\ufeff")
    assert art.encoding == "utf-8-sig"
    assert art.encoding_detected is False
    assert art.paragraphs() == [Paragraph(0, 0, 7), Paragraph(1, 9, 16)]
    assert art.title == "سطر أول"


def test_utf8_bom_with_front_matter(tmp_path):
    text = "---\ntitle: عنوان\n---\nنص\n"
    art = load_article(write(tmp_path, "bomfm.md", codecs.BOM_UTF8 + text.encode("utf-8")))
    assert art.meta == {"title": "عنوان"}
    assert art.body_start == 21
    assert art.body == "نص\n"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(tmp_path, bom, codec):
    text = "خبر عاجل\r\n\r\nتفاصيل الخبر"
    art = load_article(write(tmp_path, "u16.txt", bom + text.encode(codec)))
    assert art.text == text
    assert art.encoding == codec
    assert art.encoding_detected is False
    assert art.paragraphs() == [Paragraph(0, 0, 8), Paragraph(1, 10, 10), Paragraph(2, 12, 24)]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(tmp_path, codec):
    text = ARABIC + "\n" + ENGLISH + "\n"
    art = load_article(write(tmp_path, "nobom.txt", text.encode(codec)))
    assert art.text == text
    assert art.encoding == codec
    assert art.encoding_detected is True


def test_utf16_without_bom_latin_text(tmp_path):
    text = "Hello world\nsecond line\n"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le", True)
    assert decode_bytes(text.encode("utf-16-be")) == (text, "utf-16-be", True)


def test_windows_1256_arabic_is_detected(tmp_path):
    text = (ARABIC + "\r\n\r\n" + ARABIC.replace("الصحة", "الداخلية") + "\r\n") * 2
    data = text.encode("cp1256")
    assert 900 <= len(data) <= 1500
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    art = load_article(write(tmp_path, "cp1256.txt", data))
    assert "1256" in art.encoding
    assert art.encoding == "windows-1256"
    assert art.encoding_detected is True
    assert art.text == text
    assert art.language == "ar"
    assert art.direction == "rtl"
    paras = art.paragraphs()
    assert lines_of(art.text, paras)[0] == ARABIC
    assert paras[1] == Paragraph(1, len(ARABIC) + 2, len(ARABIC) + 2)


def test_decode_bytes_plain():
    assert decode_bytes(b"") == ("", "utf-8", False)
    assert decode_bytes("أ\r\nب".encode()) == ("أ\r\nب", "utf-8", False)


def test_crlf_endings(tmp_path):
    text = "Title line\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n"
    art = load_article(write(tmp_path, "crlf.txt", text.encode("utf-8")))
    assert art.text == text  # \r\n kept, not normalised
    paras = art.paragraphs()
    assert [(p.start, p.end) for p in paras] == [(0, 10), (12, 28), (30, 30), (32, 49)]
    assert lines_of(art.text, paras) == ["Title line", "First paragraph.", "", "Second paragraph."]


def test_cr_endings(tmp_path):
    text = "Title\rBody one\r\rBody two"
    art = load_article(write(tmp_path, "cr.txt", text.encode("utf-8")))
    assert art.text == text
    paras = art.paragraphs()
    assert [(p.start, p.end) for p in paras] == [(0, 5), (6, 14), (15, 15), (16, 24)]
    assert art.title == "Title"


def test_u2029_paragraph_separator(tmp_path):
    text = "فقرة أولى\u2029فقرة ثانية\u2029"
    art = load_article(write(tmp_path, "ps.txt", text.encode("utf-8")))
    assert art.paragraphs() == [Paragraph(0, 0, 9), Paragraph(1, 10, 20)]


def test_empty_lines_are_empty_paragraphs(tmp_path):
    text = "a\n\n\nb\n"
    art = load_article(write(tmp_path, "e.txt", text.encode("utf-8")))
    assert art.paragraphs() == [
        Paragraph(0, 0, 1),
        Paragraph(1, 2, 2),
        Paragraph(2, 3, 3),
        Paragraph(3, 4, 5),
    ]


def test_empty_file(tmp_path):
    art = load_article(write(tmp_path, "empty.txt", b""))
    assert art.text == ""
    assert art.paragraphs() == []
    assert art.title == "empty"
    assert art.source is None
    assert art.language is None
    assert art.direction == "ltr"


# ---------------------------------------------------------------------------------------------
# Front matter


def test_front_matter(tmp_path):
    text = (
        "---\n"
        "title: عنوان من البيانات\n"
        "source: الجزيرة\n"
        "date: 2024-05-01\n"
        "url: https://example.com/a\n"
        "authors: [أحمد, سارة]\n"
        "tags: {topic: health}\n"
        "---\n"
        "السطر الأول من النص\n"
        "Source: ignored because front matter has one\n"
    )
    art = load_article(write(tmp_path, "fm.md", text.encode("utf-8")))
    assert art.meta == {
        "title": "عنوان من البيانات",
        "source": "الجزيرة",
        "date": "2024-05-01",
        "url": "https://example.com/a",
        "authors": ["أحمد", "سارة"],
        "tags": {"topic": "health"},
    }
    assert art.title == "عنوان من البيانات"
    assert art.source == "الجزيرة"
    assert art.date == "2024-05-01"
    expected_start = text.index("السطر")
    assert art.body_start == expected_start
    assert art.body == text[expected_start:]
    assert art.paragraphs()[0] == Paragraph(0, expected_start, expected_start + 19)
    assert art.warnings == ()


def test_front_matter_crlf(tmp_path):
    text = "---\r\ntitle: T\r\ndate: 2023-12-31 10:30:00\r\n---\r\nBody\r\nMore\r\n"
    art = load_article(write(tmp_path, "crlf.md", text.encode("utf-8")))
    assert art.meta == {"title": "T", "date": "2023-12-31T10:30:00"}
    assert art.date == "2023-12-31T10:30:00"
    assert art.body_start == 47  # "---\r\n" (5) + "title: T\r\n" (10) + date (27) + "---\r\n" (5)
    assert art.text[art.body_start :] == "Body\r\nMore\r\n"
    assert art.paragraphs() == [Paragraph(0, 47, 51), Paragraph(1, 53, 57)]


def test_front_matter_dot_closing_and_nested_dates():
    text = "---\nlanguage: FA\nevents:\n  - 2020-01-02\n...\nمتن"
    art = article_from_text(text, "x.md")
    assert art.meta == {"language": "FA", "events": ["2020-01-02"]}
    assert art.language == "fa"
    assert art.body_start == text.index("متن")
    assert art.date is None


def test_front_matter_closing_line_at_end_of_file():
    art = article_from_text("---\ntitle: Only\n---")
    assert art.meta == {"title": "Only"}
    assert art.body_start == 19
    assert art.body == ""
    assert art.paragraphs() == []


def test_empty_front_matter():
    art = article_from_text("---\n---\nBody", "e.md")
    assert art.meta == {}
    assert art.body_start == 8
    assert art.title == "Body"
    assert art.warnings == ()


def test_invalid_yaml_front_matter_stays_body(tmp_path):
    text = "---\ntitle: [unclosed\n---\nBody text\n"
    art = load_article(write(tmp_path, "bad.md", text.encode("utf-8")))
    assert art.meta == {}
    assert art.body_start == 0
    assert art.body == text
    assert len(art.warnings) == 1
    assert "invalid YAML" in art.warnings[0]
    assert "\n" not in art.warnings[0]
    assert lines_of(art.text, art.paragraphs()) == ["---", "title: [unclosed", "---", "Body text"]


def test_front_matter_not_a_mapping_stays_body():
    text = "---\n- a\n- b\n---\nBody\n"
    art = article_from_text(text, "list.md")
    assert art.meta == {}
    assert art.body_start == 0
    assert art.warnings == ("front matter ignored: YAML is a list, not a mapping",)


def test_no_front_matter_when_first_line_is_not_exactly_dashes():
    for text in (" ---\ntitle: x\n---\nb", "----\ntitle: x\n---\nb", "--- \ntitle: x\n---\nb"):
        art = article_from_text(text)
        assert art.meta == {}
        assert art.body_start == 0


# ---------------------------------------------------------------------------------------------
# Title and source heuristics


def test_title_short_first_nonblank_line(tmp_path):
    text = "\n  \n  انفجار في الميناء  \nنص الخبر\n"
    art = load_article(write(tmp_path, "story.txt", text.encode("utf-8")))
    assert art.title == "انفجار في الميناء"


def test_title_long_first_line_is_cut_at_a_word(tmp_path):
    # No sentence end in the long first line: its first words, cut with "…" (80 at most).
    text = ("كلمة " * 40).strip() + "\nسطر ثان\n"
    assert len(text.splitlines()[0]) > 120
    art = load_article(write(tmp_path, "long-story.txt", text.encode("utf-8")))
    assert art.title == " ".join(["كلمة"] * 16) + "…"


def test_title_limit_is_120_characters():
    assert article_from_text("x" * 120 + "\nbody", "f.txt").title == "x" * 120
    assert article_from_text("x" * 121 + "\nbody", "f.txt").title == "x" * 79 + "…"


def test_title_markdown_heading_marker_removed():
    assert article_from_text("## Headline ##\nBody", "a.md").title == "Headline"


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Source: Reuters", "Reuters"),
        ("SOURCE : Associated Press ", "Associated Press"),
        ("source:BBC", "BBC"),
        ("المصدر: الجزيرة", "الجزيرة"),
        ("المصدر : وكالة الأنباء", "وكالة الأنباء"),
        ("منبع: خبرگزاری ایسنا", "خبرگزاری ایسنا"),
        ("ماخذ: ڈان نیوز", "ڈان نیوز"),
        ("מקור: הארץ", "הארץ"),
        ("Source： NHK", "NHK"),
    ],
)
def test_source_trailing_line(line, source):
    text = f"Headline\nBody paragraph.\n{line}\n\n"
    assert article_from_text(text).source == source


def test_source_only_from_last_nonblank_line():
    assert article_from_text("Title\nSource: X\nMore text\n").source is None
    assert article_from_text("Title\nSource:\n").source is None
    assert article_from_text("Title\nResource: X\n").source is None


def test_source_with_crlf(tmp_path):
    text = "عنوان\r\nنص\r\nالمصدر: الجزيرة\r\n\r\n"
    art = load_article(write(tmp_path, "s.txt", text.encode("utf-8")))
    assert art.source == "الجزيرة"


# ---------------------------------------------------------------------------------------------
# Language and direction


@pytest.mark.parametrize(
    ("text", "language", "direction"),
    [
        (ARABIC, "ar", "rtl"),
        (PERSIAN, "fa", "rtl"),
        (URDU, "ur", "rtl"),
        (HEBREW, "he", "rtl"),
        (ENGLISH, "en", "ltr"),
        ("12345 67890\n", None, "ltr"),
    ],
)
def test_language_and_direction_guess(text, language, direction):
    art = article_from_text(text)
    assert art.language == language
    assert art.direction == direction
    assert guess_language(text) == language
    assert guess_direction(text) == direction


def test_arabic_with_some_english_is_arabic_rtl():
    art = article_from_text(ARABIC + " (Reuters, WHO) " + ARABIC)
    assert art.language == "ar"
    assert art.direction == "rtl"


def test_english_with_arabic_quote_is_ltr():
    art = article_from_text(ENGLISH + " «سلام» " + ENGLISH)
    assert art.language == "en"
    assert art.direction == "ltr"


def test_front_matter_language_wins():
    art = article_from_text("---\nlanguage: ur\n---\n" + ARABIC)
    assert art.language == "ur"
    assert art.direction == "rtl"


def test_language_guess_ignores_front_matter():
    art = article_from_text("---\ntitle: An English title for an Arabic text\n---\n" + ARABIC)
    assert art.language == "ar"
    assert art.direction == "rtl"


# ---------------------------------------------------------------------------------------------
# Refusals


def test_binary_file_refused(tmp_path):
    path = write(tmp_path, "x.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02")
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert str(info.value) == f"{path}: binary file (NUL bytes), not an article"


def test_control_characters_refused(tmp_path):
    path = write(tmp_path, "ctl.txt", b"text\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f more")
    with pytest.raises(ArticleError, match="binary file"):
        load_article(path)


def test_form_feed_and_tab_allowed(tmp_path):
    art = load_article(write(tmp_path, "ff.txt", b"a\tb\fc\n"))
    assert art.text == "a\tb\fc\n"


def test_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article("missing.txt")
    assert str(info.value) == "missing.txt: no such file"
    assert info.value.path == "missing.txt"
    assert info.value.reason == "no such file"


def test_folder_refused(tmp_path, monkeypatch):
    (tmp_path / "dir").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article("dir")
    assert str(info.value) == "dir: is a folder, not an article file"


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", b"hello")

    def deny(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    # The module's own name `open` shadows the builtin (tests run as root: chmod cannot).
    monkeypatch.setattr(article_mod, "open", deny, raising=False)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert str(info.value) == f"{path}: permission denied"


def test_too_large_small_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(article_mod, "MAX_ARTICLE_BYTES", 10)
    path = write(tmp_path, "big.txt", b"x" * 20)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert str(info.value) == f"{path}: file too large (20 bytes > 10 bytes)"
    # At the limit is fine.
    assert load_article(write(tmp_path, "ok.txt", b"y" * 10)).text == "y" * 10


def test_too_large_default_limit_message(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: no 300 MiB actually written
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article("huge.txt")
    assert str(info.value) == "huge.txt: file too large (300 MiB > 256 MiB)"


def test_undecodable_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "x.txt", bytes([0x80, 0xFF, 0xFE, 0x81]) * 10)
    with pytest.raises(ArticleError) as info:
        load_article("x.txt")
    assert str(info.value) == "x.txt: cannot decode: not UTF-8 and no encoding detected"


def test_invalid_utf16_after_bom():
    with pytest.raises(ArticleError, match="invalid UTF-16-LE after the byte-order mark"):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00b", "odd.txt")


def test_error_messages_are_one_line():
    with pytest.raises(ArticleError) as info:
        decode_bytes(b"\x00\x01\x02", "bad\nname.txt")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("bad\\nname.txt: ")


def test_other_extensions_are_not_refused(tmp_path):
    art = load_article(write(tmp_path, "notes.html", b"Plain text really\n"))
    assert art.title == "Plain text really"
    assert ARTICLE_SUFFIXES == (".txt", ".md")


# ---------------------------------------------------------------------------------------------
# Article object


def test_article_paragraphs_cached_and_copied():
    art = article_from_text("---\nx: 1\n---\na\nb\n", "p.md")
    first = art.paragraphs()
    first.clear()
    assert art.body_start == 13
    assert art.paragraphs() == [Paragraph(0, 13, 14), Paragraph(1, 15, 16)]
    assert art.paragraphs() is not art.paragraphs()


def test_article_is_frozen_and_hashable():
    art = article_from_text("Title\nbody", "t.txt")
    assert isinstance(art, Article)
    with pytest.raises(AttributeError):
        art.title = "other"  # type: ignore[misc]
    assert hash(art) == hash(article_from_text("Title\nbody", "t.txt"))
    assert art.path == Path("t.txt")
