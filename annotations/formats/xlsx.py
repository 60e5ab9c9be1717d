"""Excel workbooks (``.xlsx``) for spreadsheets: one row per annotation, every cell text.

Two sheets (a header row first in each):

- ``annotations``: one row per annotation (tags in one cell, one a line)::

      path, title, source, date, url, id, start, end, quote, tags, note, author,
      created, modified, status, review, reviewed_by, reviewed_at

  Every annotation is exported, orphaned ones too (with their ``status`` and last
  offsets), as in the CSV export. ``start``/``end`` are code points into the article's
  full decoded text, end exclusive: the only number cells.
- ``articles``: one row per exported article::

      path, title, source, date, url, tags, note, state, state_by, state_at, annotations

Every other cell is written as a **text** cell (``write_string``): nothing is guessed, so
``18%``, ``=SUM(1)``, ``2024-01-01``, ``+123`` and ``00123`` stay exactly as typed, and
no formula is ever stored (no ``'`` guard is needed, unlike CSV). Characters XML cannot
hold (a carriage return, C0 controls) are stored as OOXML's ``_xHHHH_`` escapes, which
Excel and LibreOffice decode (openpyxl hands them over undecoded: use
``openpyxl.utils.escape.unescape``). A cell holds at most 32,767 characters
(Excel's limit): a longer value is cut there, with a warning.

Both sheets are right-to-left (column A on the right) when the exported quotes and
titles have more right-to-left letters (Arabic script, Hebrew, Syriac, Thaana, N'Ko)
than Latin ones. The header row is frozen and has an autofilter.

Rows are written as they come (xlsxwriter's constant-memory mode): one article is in
memory at a time. ``url`` is the article's front-matter ``url``. Relations are not
exported (a row is one annotation): a warning per article that has some.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from annotations.formats.base import ExportDocument, ExportReport
from annotations.script import (
    ARABIC_LETTER_RE,
    HEBREW_LETTER_RE,
    LATIN_LETTER_RE,
    OTHER_RTL_LETTER_RE,
)

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

__all__ = ["ANNOTATION_COLUMNS", "ARTICLE_COLUMNS", "MAX_CELL", "rtl_letters", "write_xlsx"]

ANNOTATION_COLUMNS = (
    "path",
    "title",
    "source",
    "date",
    "url",
    "id",
    "start",
    "end",
    "quote",
    "tags",
    "note",
    "author",
    "created",
    "modified",
    "status",
    "review",
    "reviewed_by",
    "reviewed_at",
)
ARTICLE_COLUMNS = (
    "path",
    "title",
    "source",
    "date",
    "url",
    "tags",
    "note",
    "state",
    "state_by",
    "state_at",
    "annotations",
)
#: The most characters an Excel cell holds.
MAX_CELL = 32767
# Column widths in characters (the rest take the default): quotes and notes are read.
_WIDTHS = {"path": 24, "title": 30, "quote": 50, "tags": 20, "note": 40}


def rtl_letters(text: str) -> int:
    """How many more right-to-left letters than Latin ones ``text`` has (negative: fewer)."""
    if text.isascii():
        return -len(LATIN_LETTER_RE.findall(text))
    rtl = (
        len(ARABIC_LETTER_RE.findall(text))
        + len(HEBREW_LETTER_RE.findall(text))
        + len(OTHER_RTL_LETTER_RE.findall(text))
    )
    return rtl - len(LATIN_LETTER_RE.findall(text))


class _Sheet:
    """One worksheet written row after row, text cells but for the given number columns."""

    def __init__(
        self,
        sheet: Worksheet,
        columns: tuple[str, ...],
        numbers: frozenset[str],
        report: ExportReport,
    ) -> None:
        self.sheet = sheet
        self.row = 0
        self.report = report
        self.numeric = tuple(name in numbers for name in columns)
        self.long_cells = 0
        for column, name in enumerate(columns):
            if name in _WIDTHS:
                sheet.set_column(column, column, _WIDTHS[name])
        for column, name in enumerate(columns):
            sheet.write_string(0, column, name)
        self.row = 1
        sheet.freeze_panes(1, 0)
        self.columns = len(columns)

    def write(self, values: Iterable[Any]) -> None:
        sheet, row = self.sheet, self.row
        for column, (value, numeric) in enumerate(zip(values, self.numeric, strict=True)):
            if numeric:
                sheet.write_number(row, column, value)
            elif value:
                if len(value) > MAX_CELL:
                    self.long_cells += 1
                sheet.write_string(row, column, value)  # cuts at MAX_CELL, returns -2
        self.row += 1

    def finish(self, name: str) -> None:
        self.sheet.autofilter(0, 0, max(self.row - 1, 0), self.columns - 1)
        if self.long_cells:
            self.report.warnings.append(
                f"xlsx: {self.long_cells} cells of sheet {name} cut at {MAX_CELL} characters "
                "(Excel's limit); the jsonl export keeps them whole"
            )


def write_xlsx(
    documents: Iterable[ExportDocument],
    out: IO[bytes],
) -> ExportReport:
    """Write the workbook of ``documents`` to the binary stream ``out``.

    ``out`` need not be seekable (a pipe): the workbook is then made in memory first.
    """
    import xlsxwriter  # lazily: `hamish export --format csv` never loads it

    report = ExportReport()
    target: IO[bytes] = out if _seekable(out) else io.BytesIO()
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False},
    )
    header = workbook.add_format({"bold": True})
    annotations_sheet = workbook.add_worksheet("annotations")
    articles_sheet = workbook.add_worksheet("articles")
    for sheet in (annotations_sheet, articles_sheet):
        sheet.set_row(0, None, header)
    spans = _Sheet(annotations_sheet, ANNOTATION_COLUMNS, frozenset({"start", "end"}), report)
    articles = _Sheet(articles_sheet, ARTICLE_COLUMNS, frozenset({"annotations"}), report)
    direction = 0  # RTL letters minus Latin ones, over the quotes and titles
    for doc in documents:
        report.documents += 1
        doc.relations_dropped(report, format="xlsx")
        url = doc.url or ""
        info = doc.annotations.document
        state = info.state
        annotations = doc.annotations.annotations
        articles.write(
            (
                doc.path,
                doc.title or "",
                doc.source or "",
                doc.date or "",
                url,
                "\n".join(info.tags),
                info.note,
                info.progress,
                state.by if state is not None else "",
                state.at if state is not None else "",
                len(annotations),
            )
        )
        direction += rtl_letters(doc.title or "")
        document_cells = (doc.path, doc.title or "", doc.source or "", doc.date or "", url)
        for a in annotations:
            review = a.review
            spans.write(
                (
                    *document_cells,
                    a.id,
                    a.start,
                    a.end,
                    a.quote,
                    "\n".join(a.tags),
                    a.note,
                    a.author,
                    a.created,
                    a.modified,
                    a.status,
                    a.review_state,
                    review.by if review is not None else "",
                    review.at if review is not None else "",
                )
            )
            direction += rtl_letters(a.quote)
        report.records += len(annotations)
    if direction > 0:
        annotations_sheet.right_to_left()
        articles_sheet.right_to_left()
    spans.finish("annotations")
    articles.finish("articles")
    workbook.close()
    if target is not out:
        out.write(target.getvalue())  # type: ignore[attr-defined]
    out.flush()
    return report


def _seekable(out: IO[bytes]) -> bool:
    try:
        return out.seekable()
    except (AttributeError, ValueError, OSError):
        return False
