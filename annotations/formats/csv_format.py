"""CSV for spreadsheets: one row per annotation and tag.

Columns (a header row first)::

    document,title,source,date,sha256,id,start,end,quote,tag,note,author,created,modified,status

- One row per annotation **and** tag: an annotation with three tags gives three rows
  (the other columns repeated), an untagged one a single row with an empty ``tag``.
  ``ExportReport.records`` counts these rows (not the header).
- **Every** annotation is exported, orphaned ones too, with their ``status`` and last
  offsets (filter the ``status`` column to keep placed spans). ``start``/``end`` are
  code points into the article's full decoded text, end exclusive.
- RFC 4180 framing by :mod:`csv` (``QUOTE_MINIMAL``, ``\\r\\n`` after each record):
  cells with commas, quotes or line breaks are quoted, so notes with newlines and
  quotes with ``\\r\\n`` survive. Open the output with ``newline=""`` so that nothing
  translates the line endings.
- UTF-8. With ``excel=True`` a byte order mark (U+FEFF) is written first, which
  Excel and LibreOffice need to read the file as UTF-8 (and show Arabic) when it is
  opened by double-click.
- Formula injection (OWASP "CSV Injection"): unless ``raw=True``, a text cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  apostrophe, so ``=SUM(A1)`` is exported as ``'=SUM(A1)`` and ``-5%`` as ``'-5%``;
  spreadsheets then show it as text. The integer ``start``/``end`` columns are never
  changed. ``raw=True`` writes the cells exactly (for programs, not spreadsheets).
- ``None`` (no source or date) is written as an empty cell.
- Relations are not exported (a row is one annotation, with no column that could name
  another): a warning per article that has some; the JSON Lines export keeps them.

There is no CSV importer: the JSON Lines export is the format to read back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from annotations.formats.base import ExportDocument, ExportReport

COLUMNS = (
    "document",
    "title",
    "source",
    "date",
    "sha256",
    "id",
    "start",
    "end",
    "quote",
    "tag",
    "note",
    "author",
    "created",
    "modified",
    "status",
)

_RISKY = "=+-@\t\r"


def neutralise(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would take it for a formula."""
    return "'" + value if value and value[0] in _RISKY else value


def _keep(value: str) -> str:
    return value


def write_csv(
    documents: Iterable[ExportDocument],
    out: IO[str],
    *,
    excel: bool = False,
    raw: bool = False,
) -> ExportReport:
    """Write the header and one row per annotation and tag of every document to ``out``."""
    report = ExportReport()
    if excel:
        out.write("\ufeff")
    # Rows go to a buffer written out once per document: one write call per document,
    # not per row, whatever ``out`` is.
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    out.write(buffer.getvalue())
    cell = _keep if raw else neutralise
    risky = "" if raw else _RISKY  # nothing is risky in raw mode
    untagged = ("",)
    for doc in documents:
        report.documents += 1
        doc.relations_dropped(report, format="csv")
        annotations = doc.annotations.annotations
        if not annotations:
            continue
        document_cells = (
            cell(doc.path),
            cell(doc.title or ""),
            cell(doc.source or ""),
            cell(doc.date or ""),
            cell(doc.sha256),
        )
        rows = []
        for a in annotations:
            # neutralise() inline: 50,000 annotations make 400,000 cells, and the call
            # would be a tenth of the export. The status is one of STATUSES (validated).
            quote, note, author, created, modified = (
                "'" + v if v and v[0] in risky else v
                for v in (a.quote, a.note, a.author, a.created, a.modified)
            )
            head = (*document_cells, cell(a.id), a.start, a.end, quote)
            tail = (note, author, created, modified, a.status)
            for tag in a.tags or untagged:
                rows.append((*head, "'" + tag if tag[:1] in risky and tag else tag, *tail))
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        out.write(buffer.getvalue())
        report.records += len(rows)
    return report
