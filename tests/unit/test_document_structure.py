"""DocumentLayout's rows with paragraph spacing and headings: blank rows show no offset, every
offset of the body is still in exactly one cell, and headings are found once per article."""

from __future__ import annotations

import pytest

from reader.library.article import load_article
from reader.text.document import DocumentLayout, Heading
from reader.text.layout import LayoutOptions
from reader.text.paragraphs import split_paragraphs
from reader.text.render import body_lines
from reader.text.structure import is_markdown
from tests.paths import SAMPLES

LEDE = "قال الوزير إن الأمن مستتب في العاصمة، وإن الاقتصاد سينمو بنسبة 3.2% في العام المقبل."
BODY = "وأضاف أن الحكومة ستعلن خطة جديدة لدعم الأسر ذات الدخل المحدود خلال الأسابيع المقبلة."
TEXT = "\n".join(["عنوان المقال هنا", LEDE, "خطة الحكومة", BODY, "", BODY]) + "\n"


def document(text: str = TEXT, **options) -> DocumentLayout:
    options.setdefault("width", 30)
    return DocumentLayout(text, split_paragraphs(text), LayoutOptions(**options))


def rows(doc: DocumentLayout):
    """Every row, once every paragraph is laid out (line counts are estimates until then)."""
    doc.layout_some(seconds=60)
    return [doc.line(y) for y in range(doc.line_count)]


def test_a_blank_row_between_paragraphs_but_not_next_to_an_empty_line():
    doc = document(paragraph_spacing=True)
    lines = rows(doc)
    spacing = [line for line in lines if line.spacing]
    # Before the lede, the heading, the body after it: not around the empty paragraph.
    assert [line.paragraph for line in spacing] == [1, 2, 3]
    for line in spacing:
        assert line.cells == () and line.start == line.end
    empty = [line for line in lines if not line.spacing and not line.cells]
    assert [line.paragraph for line in empty] == [4]


def test_without_spacing_only_the_heading_is_set_apart():
    doc = document(paragraph_spacing=False)
    assert doc.heading(2) == Heading(2, TEXT.index("خطة الحكومة"))
    assert [line.paragraph for line in rows(doc) if line.spacing] == [2, 3]


@pytest.mark.parametrize("spacing", [True, False])
@pytest.mark.parametrize("width", [1, 7, 30, 200])
def test_every_offset_of_the_body_is_in_exactly_one_cell(spacing, width):
    doc = document(width=width, paragraph_spacing=spacing, bidi_markers=True)
    offsets = [o for line in rows(doc) for cell in line.cells for o in cell.offsets]
    body = [o for p in doc.paragraphs for o in range(p.start, p.end)]
    assert sorted(offsets) == body
    assert doc.exact and doc.line_count == len(rows(doc))


def test_locate_and_snap_never_land_on_a_blank_row():
    doc = document(paragraph_spacing=True)
    for offset in range(len(TEXT)):
        row, line = doc.locate(offset)
        assert not line.spacing and doc.line(row) == line
    first_of_body = TEXT.index(BODY)
    row, _ = doc.locate(first_of_body)
    assert doc.line(row - 1).spacing
    assert doc.text_row(row - 1, 1) == row and doc.text_row(row - 1, -1) == row - 2
    assert doc.text_row(doc.line_count, 1) is None


def test_estimates_count_the_blank_rows_and_become_exact():
    doc = document(paragraph_spacing=True)
    estimate = doc.line_count
    assert doc.line(estimate + 50) is None
    doc.layout_some(seconds=10)
    assert doc.exact
    assert abs(doc.line_count - estimate) <= len(doc.paragraphs)
    assert doc.line_count == len(rows(doc))


def test_a_new_width_keeps_the_headings_and_the_spacing():
    doc = document(paragraph_spacing=True)
    wider = doc.with_width(80)
    assert wider.heading(2) == doc.heading(2)
    assert [line.paragraph for line in rows(wider) if line.spacing] == [1, 2, 3]


def test_markdown_headings_and_their_marks():
    text = "---\ntitle: x\n---\n\nأول سطر\nثاني سطر\n\n## عنوان فرعي\nنص بعده.\n"
    body_start = text.index("\n\n") + 1
    doc = DocumentLayout(
        text,
        split_paragraphs(text, body_start),
        LayoutOptions(width=40, paragraph_spacing=True, markdown=True),
    )
    index = next(i for i, p in enumerate(doc.paragraphs) if text[p.start : p.end].startswith("##"))
    heading = doc.heading(index)
    assert heading == Heading(2, text.index("عنوان"))
    # Consecutive Markdown lines are one paragraph: no row between them; the heading's
    # row after it is there.
    spaced = [line.paragraph for line in rows(doc) if line.spacing]
    assert spaced == [index + 1]
    # In a .txt file, '#' is text, and the same line is no heading.
    plain = DocumentLayout(text, doc.paragraphs, LayoutOptions(width=40))
    assert plain.heading(index) is None


@pytest.mark.parametrize(
    ("name", "headings"),
    [
        ("ar_economy.txt", ["إعلان مرتقب قبل الـــقـــمة الاقتصادية"]),
        ("ar_politics.txt", ["رئيس المجلس: «خطوة نحو لامركزية حقيقية»"]),
        ("ar_frontmatter.md", ["## مزارعون يطالبون بدعم النقل المبرّد"]),
        ("fa_culture.txt", ["بخش ویژه\u200cی کتاب\u200cهای گویا"]),
        ("ur_sports.txt", ["کپتان کا بیان"]),
        ("he_tech.txt", ["מחיר וזמינות"]),
        ("en_markets.txt", ["Retail investors buy the dip"]),
        ("en_quoting_arabic.txt", []),
        ("mixed_controls.txt", []),  # its tab-separated timetable row is not a heading
    ],
)
def test_the_samples_subheadings_and_nothing_else(name, headings):
    article = load_article(SAMPLES / name)
    doc = DocumentLayout(
        article.text,
        article.paragraphs(),
        LayoutOptions(width=60, markdown=is_markdown(article.path)),
    )
    found = [article.text[p.start : p.end] for i, p in enumerate(doc.paragraphs) if doc.heading(i)]
    assert found == headings


@pytest.mark.parametrize("spacing", [True, False])
def test_the_rows_with_text_are_the_lines_cat_prints(spacing):
    """Spacing and headings add rows only: the lines with text are `hamish cat`'s."""
    article = load_article(SAMPLES / "ar_economy.txt")
    options = LayoutOptions(width=72, fallback_rtl=True)
    plain = body_lines(article.text, article.paragraphs(), options)
    doc = DocumentLayout(
        article.text,
        article.paragraphs(),
        LayoutOptions(width=72, fallback_rtl=True, paragraph_spacing=spacing),
    )
    shown = rows(doc)
    assert [line for line in shown if not line.spacing] == plain
    assert len(shown) > len(plain)  # the heading's rows at least
