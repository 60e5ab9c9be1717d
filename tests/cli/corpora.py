"""Helpers the export and import tests share to build their corpora."""

from __future__ import annotations


def span_of(text: str, quote: str, nth: int = 0) -> tuple[int, int]:
    """The code point offsets of the ``nth`` (from 0) occurrence of ``quote`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)
