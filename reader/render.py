"""An article laid out as visual lines: the body paragraph by paragraph, and its header."""

from __future__ import annotations

from dataclasses import replace

from reader.article import Article
from reader.text.layout import LayoutOptions, VisualLine, layout_paragraph


def article_lines(article: Article, options: LayoutOptions) -> list[VisualLine]:
    """Every visual line of the article's body, top to bottom."""
    text = article.text
    lines: list[VisualLine] = []
    for paragraph in article.paragraphs():
        laid_out = layout_paragraph(
            text[paragraph.start : paragraph.end], options, paragraph.start, paragraph.index
        )
        lines.extend(laid_out.lines)
    return lines


def header_texts(article: Article, options: LayoutOptions) -> list[str]:
    """Title, then source and date, laid out like the body, then a rule."""
    fields = [article.title]
    # Each field is its own bidi isolate (FSI … PDI), so an ISO date next to an
    # Arabic source keeps its own order instead of taking the source's direction.
    byline = " · ".join(f"\u2068{part}\u2069" for part in (article.source, article.date) if part)
    if byline:
        fields.append(byline)
    if options.direction == "auto":
        options = replace(options, direction=article.direction)
    texts = []
    for field in fields:
        for line in layout_paragraph(" ".join(field.split()), options).lines:
            texts.append(line.text)
    texts.append("\u2500" * options.width)
    return texts
