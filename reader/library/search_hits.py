"""Where a folded needle is in one article: the hits `hamish search` prints, as plain rows.

Two places make them: the search, from an article's real text read again (the index said
it holds the needle), and the index's worker processes, from the text they have just read
and folded (a first search then reads nothing twice). So the rules live here, once:

- a text hit is a span of :func:`reader.text.fold.find_folded` that starts in the body
  (not in the front matter), with its line (paragraph, 1-based) and up to
  :data:`CONTEXT` characters each side of it within its line, flattened;
- an annotation hit is a field (quote, note, tag) whose folded value holds the needle,
  at the annotation's offsets and line, the field's value flattened as its context.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from reader.text.fold import Folded, find_folded

__all__ = ["CONTEXT", "HitRow", "annotation_hit_rows", "text_hit_rows"]

#: Characters of context each side of a match.
CONTEXT = 30

#: (line, start, end, kind, match, context, annotation id or None): a hit without its path.
HitRow = tuple[int, int, int, str, str, str, str | None]


def snippet(text: str, paragraph: int, start: int, end: int) -> str:
    """The match with up to CONTEXT characters each side, within its line (which starts
    at ``paragraph``)."""
    following = text.find("\n", end)
    stop = len(text) if following < 0 else following
    left = max(paragraph, start - CONTEXT)
    piece = text[left : min(stop, end + CONTEXT)].rstrip("\r")
    return " ".join((("…" if left > paragraph else "") + piece).split())


def _paragraph_starts(text: str) -> list[int] | None:
    """The paragraphs' starts, or None when every break is a lone \\n (then lines are counted)."""
    if "\r" in text or "\u2029" in text:
        from reader.text.paragraphs import split_paragraphs

        return [p.start for p in split_paragraphs(text)]
    return None


def text_hit_rows(text: str, folded: Folded, needle: str, body_start: int) -> list[HitRow]:
    """The text hits of ``needle`` (folded) in ``text`` (folded as ``folded``)."""
    spans = find_folded(folded, needle, text)
    if not spans:
        return []
    rows: list[HitRow] = []
    starts = _paragraph_starts(text)
    line, counted = 1, 0  # lines before offset `counted` (when every break is \n)
    for start, end in spans:
        if start < body_start:
            continue
        if starts is None:
            line += text.count("\n", counted, start)
            counted = start
            paragraph = text.rfind("\n", 0, start) + 1
        else:
            line = bisect_right(starts, start)
            paragraph = starts[line - 1]
        context = snippet(text, paragraph, start, end)
        rows.append((line, start, end, "text", text[start:end], context, None))
    return rows


def annotation_hit_rows(annotations: Iterable[Sequence[Any]], needle: str) -> list[HitRow]:
    """The annotation hits of ``needle`` (folded) in the fields of ``annotations``, each
    ``(id, start, end, line, [(kind, value, folded value), …])`` as the index keeps it."""
    rows: list[HitRow] = []
    for id_, start, end, line, fields in annotations:
        for kind, value, folded_value in fields:
            if needle in folded_value:
                rows.append((line, start, end, kind, value, " ".join(value.split()), id_))
    return rows
