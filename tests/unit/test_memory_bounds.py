"""Big articles in bounded memory: the document's cache of laid-out paragraphs stays a few
screens whatever the article's length, the background layout measures without keeping
cells, search folds a piece at a time, and `hamish cat` streams paragraph by paragraph
with the same bytes as the whole-document recipe it replaced."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

import reader.commands.cat as cat_module
import reader.text.document as document_module
from reader.commands.cat import write_cat
from reader.library.article import load_article
from reader.text.document import DocumentLayout
from reader.text.fold import find_all, fold
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.paragraphs import split_paragraphs
from reader.text.render import body_lines, header_layout, header_rule, header_texts

WORDS = (
    "قال الرئيس إن الحكومة ستواصل العمل على تعزيز الأمن والاستقرار في المنطقة وأضاف "
    "أن الاقتصاد الوطني سجل نموا بنسبة خلال العام الماضي عُقِدَ الـــقـــمة (IMF) 2024 «السلام»"
).split()


def article_text(size: int, seed: int = 3) -> str:
    """About ``size`` characters of Arabic prose, paragraphs of 5-150 words, a few empty."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        if rng.random() < 0.03:
            paragraphs.append("")
        else:
            paragraphs.append(" ".join(rng.choices(WORDS, k=rng.randint(5, 150))) + ".")
        total += len(paragraphs[-1]) + 1
    return "\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def big() -> str:
    return article_text(2_500_000)


def test_reading_a_big_article_end_to_end_keeps_a_few_screens_of_cells(big):
    options = LayoutOptions(width=72, paragraph_spacing=True)
    doc = DocumentLayout(big, split_paragraphs(big), options, cache_rows=120, cache_paragraphs=28)
    screen = 24
    tallest = 0
    peak_rows = peak_paragraphs = peak_cells = 0
    y = 0
    while y < doc.line_count:  # page by page, every row drawn, as a reader would scroll
        for row in range(y, y + screen):
            line = doc.line(row)
            if row == y + screen // 2 and line is not None and line.cells:
                # What is shown is the engine's own cell map of that paragraph.
                p = doc.paragraphs[line.paragraph]
                fresh = layout_paragraph(big[p.start : p.end], options, p.start, p.index)
                assert line in fresh.lines
                tallest = max(tallest, len(fresh.lines))
        peak_rows = max(peak_rows, doc.cached_rows)
        peak_paragraphs = max(peak_paragraphs, doc.cached_paragraphs)
        if y % (screen * 50) == 0:
            peak_cells = max(peak_cells, doc.cached_cells)
        y += screen * 7  # and a jump ahead, so the walk stays short
    assert len(doc.paragraphs) > 2000
    # The cache holds its row budget, or its fewest paragraphs when they are taller
    # (a paragraph here is at most 150 words: 30 lines of 72 cells).
    assert tallest <= 30
    assert peak_rows <= max(doc.cache_rows, doc.cache_paragraphs * 30)
    assert peak_paragraphs <= max(doc.cache_paragraphs, doc.cache_rows)
    assert peak_cells <= peak_rows * options.width
    # The old cache kept every paragraph it had laid out (here hundreds).
    assert doc.laid_out > 10 * doc.cached_paragraphs


def test_background_layout_measures_every_paragraph_and_keeps_no_cells(big):
    text = big[: big.index("\n", 600_000) + 1]
    options = LayoutOptions(width=60, paragraph_spacing=True)
    doc = DocumentLayout(text, split_paragraphs(text), options)
    doc.line(0)  # the first screen
    shown = doc.cached_paragraphs
    assert not doc.exact
    while doc.layout_some(seconds=0.05):
        pass
    assert doc.exact and doc.laid_out == len(doc.paragraphs)
    assert doc.cached_paragraphs == shown  # measuring kept nothing
    # The counts it kept are the exact rows: every paragraph's lines and blank rows.
    rows = sum(
        len(layout_paragraph(text[p.start : p.end], options, p.start, p.index).lines)
        + doc.spacing_rows(p.index)
        for p in doc.paragraphs
    )
    assert doc.line_count == rows
    last = doc.line(doc.line_count - 1)
    assert last is not None and last.paragraph == len(doc.paragraphs) - 1


@pytest.mark.parametrize("query", ["الامن", "قال الرئيس", "imf", "2024", "ة", "عقد", "."])
@pytest.mark.parametrize("chunk", [1, 997, 50_000])
def test_search_a_piece_at_a_time_finds_what_the_whole_fold_finds(big, query, chunk):
    text = big[:120_000]
    start = text.index("\n", 500) + 1  # a body after a head, as after front matter
    whole = [m for m in find_all(fold(text), query, text) if m[0] >= start]
    assert whole
    assert document_module.find_matches(text, query, start, chunk=chunk) == whole
    assert document_module.find_matches(text, query, start, chunk=chunk, limit=3) == whole[:3]


def test_search_of_a_query_with_a_line_break_spans_paragraphs():
    text = "أول سطر\nثاني سطر\n"
    assert document_module.find_matches(text, "سطر\nثاني", chunk=4) == [(4, 12)]


# -- hamish cat ---------------------------------------------------------------------


def _old_cat(path: Path, *, width: int, header: bool, as_json: bool, bidi: str = "self") -> str:
    """What `hamish cat` wrote before it streamed: every line laid out first, then the
    text, or the whole document through one json.dumps."""
    article = load_article(path)
    options = LayoutOptions(
        width=width,
        fallback_rtl=article.direction == "rtl",
        bidi="terminal" if bidi == "terminal" else "self",
    )
    if bidi == "logical":
        page = []
        if header:
            laid = header_layout(
                article.title, article.source, article.date, article.direction, options
            )
            page = [cat_module._logical_line(flat, line, True) for flat, line in laid]
            page.append(header_rule(options))
        lines = body_lines(article.text, article.paragraphs(), options)
        page += [cat_module._logical_line(article.text, line, True) for line in lines]
        return "".join(t + "\n" for t in page)
    heading = (
        header_texts(article.title, article.source, article.date, article.direction, options)
        if header
        else []
    )
    lines = body_lines(article.text, article.paragraphs(), options)
    if as_json:
        document = {
            "file": str(path),
            "width": width,
            "encoding": article.encoding,
            "body_start": article.body_start,
        }
        if header:
            document["header"] = heading
        document["lines"] = [
            {
                "paragraph": line.paragraph,
                "rtl": line.rtl,
                "text": line.text,
                "cells": [
                    {"col": c.col, "width": c.width, "text": c.text, "offsets": list(c.offsets)}
                    for c in line.cells
                ],
            }
            for line in lines
        ]
        return json.dumps(document, ensure_ascii=False) + "\n"
    return "".join(t + "\n" for t in heading) + "".join(line.text + "\n" for line in lines)


@pytest.fixture
def article_file(tmp_path, big) -> Path:
    path = tmp_path / "big.md"
    head = "---\ntitle: مقال طويل\nsource: وكالة\ndate: 2024-04-03\n---\n\n"
    path.write_text(head + big[:60_000] + "\n\n\u202eabc\u202c (2024)\n", encoding="utf-8")
    return path


class Recorder(io.StringIO):
    """An output that notes how many paragraphs were laid out at each write."""

    def __init__(self, laid_out: list[int]) -> None:
        super().__init__()
        self.laid_out = laid_out
        self.at_write: list[int] = []

    def write(self, s: str) -> int:
        self.at_write.append(self.laid_out[0])
        return super().write(s)


@pytest.mark.parametrize(
    ("bidi", "as_json"),
    [("self", False), ("self", True), ("terminal", False), ("terminal", True), ("logical", False)],
)
@pytest.mark.parametrize("header", [False, True])
def test_cat_streams_paragraph_by_paragraph_and_writes_the_same_bytes(
    article_file, monkeypatch, bidi, as_json, header
):
    laid_out = [0]
    real = cat_module.layout_paragraph

    def counting(*args, **kwargs):
        laid_out[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(cat_module, "layout_paragraph", counting)
    out = Recorder(laid_out)
    write_cat(
        str(article_file),
        out=out,
        warn=print,
        width=64,
        bidi=bidi,
        header=header,
        as_json=as_json,
    )
    paragraphs = len(load_article(article_file).paragraphs())
    assert laid_out[0] == paragraphs > 50
    # Written as it went: one write a paragraph, each after its own layout only.
    body_writes = [n for n in out.at_write if n > 0]
    assert body_writes[:paragraphs] == list(range(1, paragraphs + 1))
    old = _old_cat(article_file, width=64, header=header, as_json=as_json, bidi=bidi)
    assert out.getvalue() == old
    if as_json:
        assert json.loads(out.getvalue())["lines"]
