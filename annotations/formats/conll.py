"""CoNLL-style BIO tagging over whitespace tokens (for training sequence taggers).

Export only (there is no importer: tokens lose the offsets and the notes). Tokens have
no links either: relations are not exported, with a warning per article that has some. For each
article::

    # document = news/2024/x.txt
    # title = …
    # source = …
    # date = …
    # sha256 = …
    قال	O
    وزير	B-speaker/official
    المالية	I-speaker/official
    <blank line after each paragraph>

- Tokens are maximal runs of non-whitespace (Python's ``\\S+``, so ZWNJ and other
  format characters stay inside words), in text order, one ``TOKEN<TAB>TAG`` a line.
- Paragraphs are hamish's: lines split on ``\\n``, ``\\r\\n``, ``\\r`` and U+2029.
  Each paragraph with tokens ends with a blank line; empty paragraphs write nothing,
  so articles and paragraphs are separated by exactly one blank line.
- A token is inside an annotation when their characters overlap (a token only
  partly annotated is wholly labelled). Its tag is ``B-<label>`` for the first
  token of the annotation, ``I-<label>`` for the next ones, ``O`` outside. The label
  is the annotation's first tag, or ``span`` when it has none; whitespace inside a
  label becomes ``_`` (the columns are separated by whitespace in many readers).
- BIO cannot nest: when annotations share a token, the longest (in characters) is
  kept, then the earliest, and the others are dropped with a report warning
  ``"<path>: N overlapping annotations flattened"`` (N = annotations dropped).
- Only placed annotations are used (not orphans, which are reported as warnings,
  nor annotations whose quote is not at their offsets). Comment values have their
  line breaks and tabs turned into spaces (``# date =`` when there is none).
  ``ExportReport.records`` counts the annotations tagged.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import IO, Any

from annotations.formats.base import ExportDocument, ExportReport
from annotations.script import PARAGRAPH_BREAK_RE

UNTAGGED = "span"

_TOKEN = re.compile(r"\S+")
_LINE_BREAK = PARAGRAPH_BREAK_RE  # hamish's paragraphs
_WHITESPACE = re.compile(r"\s+")


def _comment(value: Any) -> str:
    return _WHITESPACE.sub(" ", str(value)).strip() if value is not None else ""


def _label(tags: tuple[str, ...]) -> str:
    return _WHITESPACE.sub("_", tags[0].strip()) if tags else UNTAGGED


def write_conll(documents: Iterable[ExportDocument], out: IO[str]) -> ExportReport:
    """Write BIO-tagged tokens of every document to ``out``."""
    report = ExportReport()
    for doc in documents:
        report.documents += 1
        doc.relations_dropped(report, format="conll")
        text = doc.text
        lines = [f"# {key} = {_comment(value)}".rstrip() for key, value in doc.fields.items()]

        matches = list(_TOKEN.finditer(text))
        starts = [m.start() for m in matches]
        ends = [m.end() for m in matches]
        tags: list[str | None] = [None] * len(matches)

        # Placed annotations, longest first then earliest, each claiming its tokens
        # unless a kept one holds any of them already.
        candidates = [a for a in doc.spans(report) if a.start < a.end]
        candidates.sort(key=lambda a: (a.start - a.end, a.start, a.end, a.id))
        dropped = 0
        for a in candidates:
            first = bisect_right(ends, a.start)  # the first token ending after the start
            last = bisect_left(starts, a.end)  # past the last token starting before the end
            if first >= last:
                continue  # only whitespace annotated: no token to tag
            if any(tag is not None for tag in tags[first:last]):
                dropped += 1
                continue
            label = _label(a.tags)
            tags[first] = "B-" + label
            if last - first > 1:
                tags[first + 1 : last] = ["I-" + label] * (last - first - 1)
            report.records += 1
        if dropped:
            report.warnings.append(f"{doc.path}: {dropped} overlapping annotations flattened")

        # Tokens, with a blank line wherever a line break separates two of them.
        breaks = [m.start() for m in _LINE_BREAK.finditer(text)]
        next_break = 0
        for index, match in enumerate(matches):
            start = starts[index]
            if next_break < len(breaks) and breaks[next_break] < start:
                next_break = bisect_left(breaks, start, next_break)
                if index:
                    lines.append("")
            lines.append(f"{match.group()}\t{tags[index] or 'O'}")
        # End the last line, then a blank line closes the paragraph and the document.
        lines += ("", "")
        out.write("\n".join(lines))
    return report
