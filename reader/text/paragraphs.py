"""Paragraphs: an article's text split on its line breaks, each with its start offset.

The layout engine lays out one paragraph at a time (DESIGN §3 step 1); every command
and the reader split the same way, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotations.script import PARAGRAPH_BREAK_RE, PARAGRAPH_BREAKS

__all__ = ["Paragraph", "split_paragraphs"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int  # 0-based among the body's paragraphs
    start: int  # offset of the first character
    end: int  # offset just past the last character (line break excluded)


# Breaks other than \n and \r: without them (and with every \r in a \r\n) the fast
# path below splits on \n alone.
_OTHER_BREAKS = tuple(sorted(PARAGRAPH_BREAKS - {"\n", "\r"}))


def split_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """Split text[start:end] on its paragraph breaks: \\n, \\r\\n, \\r and U+2029.

    Every line is a paragraph, an empty line is an empty paragraph (start == end).  A final
    line break does not start a new empty paragraph, and an empty range has no paragraphs.
    Offsets are absolute in ``text``.  A ``\\r\\n`` straddling ``end`` counts as a lone ``\\r``.
    """
    n = len(text)
    if end is None:
        end = n
    if not 0 <= start <= end <= n:
        raise ValueError(f"invalid range [{start}:{end}] for a text of length {n}")
    paragraphs: list[Paragraph] = []
    pos = start
    crs = text.count("\r", start, end)
    others = any(text.find(c, start, end) >= 0 for c in _OTHER_BREAKS)
    if not others and crs == text.count("\r\n", start, end):
        # Fast path for the usual files: only \n or \r\n line breaks.
        while (lf := text.find("\n", pos, end)) >= 0:
            line_end = lf - 1 if crs and lf > pos and text[lf - 1] == "\r" else lf
            paragraphs.append(Paragraph(len(paragraphs), pos, line_end))
            pos = lf + 1
    else:
        for m in PARAGRAPH_BREAK_RE.finditer(text, start, end):
            paragraphs.append(Paragraph(len(paragraphs), pos, m.start()))
            pos = m.end()
    if pos < end:
        paragraphs.append(Paragraph(len(paragraphs), pos, end))
    return paragraphs
