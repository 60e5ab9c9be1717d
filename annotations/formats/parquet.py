"""Apache Parquet for DuckDB, Polars, pandas and Spark: a folder of two tables.

``write_parquet(documents, folder)`` writes ``folder/spans.parquet`` (one row per span)
and ``folder/articles.parquet`` (one row per exported article), each made beside its
name and renamed over it at the end, so a failed export leaves the old files as they
were. Columns of ``spans.parquet``:

=================  ==================  ===================================================
column             type                value
=================  ==================  ===================================================
path               string              the article's path as exported (join key)
title              string
source             string (null)
date               string (null)       the article's date as its front matter gives it
published          date32 (null)       that date's day when it starts ``YYYY-MM-DD``
url                string (null)       the front matter's ``url``
sha256             string              of the article's text
id                 string              the annotation's id
start, end         int64               code points into the full decoded text, end exclusive
start_utf16,       int64               the same in UTF-16 code units (JavaScript, the JVM:
end_utf16                              Spark's ``substring`` counts code points, Java's
                                       ``String`` UTF-16 units)
quote              string              exactly ``text[start:end]``
quote_folded       string (null)       the quote as hamish's search folds it (null when
                                       the command line did not pass ``fold``)
tags               list<string>        in the annotation's order
note, author       string
created, modified  string              ISO 8601 UTC as in the sidecar
                                       (``CAST(created AS TIMESTAMPTZ)`` in DuckDB)
status             string              anchored or moved
review             string              accepted, rejected or unreviewed
reviewed_by        string (null)
reviewed_at        string (null)
=================  ==================  ===================================================

``articles.parquet``: ``path, title, source, date, published, url, sha256, tags
(list<string>), note, state (to do / in progress / done), state_by, state_at,
annotations`` (how many exported).

Only annotations with a place in the text are rows (``ExportDocument.spans``): orphans
and annotations whose quote is not at their offsets are left out with a warning, so
every row's offsets slice the text to its quote. Relations are not exported (warning).

The folding is the reader's (``reader/text/fold.py``), which ``annotations`` may not
import: the command line passes it as ``fold`` (text → folded text). Rows are written
in row groups of :data:`ROW_GROUP` spans as they come: one article, and at most one row
group, is in memory at a time. pyarrow is imported on first use (the ``parquet`` extra:
``pip install 'hamish[parquet]'``).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.errors import HamishError
from annotations.formats.base import ExportDocument, ExportReport
from annotations.formats.offsets import astral_positions, utf16_converter
from annotations.store import file_mode_for

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ARTICLES_FILE", "ROW_GROUP", "SPANS_FILE", "published_day", "write_parquet"]

SPANS_FILE = "spans.parquet"
ARTICLES_FILE = "articles.parquet"
#: Spans a row group holds (the writer's buffer).
ROW_GROUP = 50_000
INSTALL_HINT = "--format parquet needs pyarrow: pip install 'hamish[parquet]'"

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![\d])")


def published_day(value: str | None) -> Date | None:
    """The day an article's ``date`` names when it starts ``YYYY-MM-DD``, else None."""
    if not value:
        return None
    match = _ISO_DAY.match(value.strip())
    if match is None:
        return None
    try:
        return Date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 2024-02-30
        return None


def _schemas() -> tuple[pa.Schema, pa.Schema]:
    import pyarrow as pa

    text, optional = pa.string(), pa.string()
    tags = pa.list_(pa.string())
    document = [
        pa.field("path", text, nullable=False),
        pa.field("title", text, nullable=False),
        pa.field("source", optional),
        pa.field("date", optional),
        pa.field("published", pa.date32()),
        pa.field("url", optional),
        pa.field("sha256", text, nullable=False),
    ]
    spans = pa.schema(
        [
            *document,
            pa.field("id", text, nullable=False),
            pa.field("start", pa.int64(), nullable=False),
            pa.field("end", pa.int64(), nullable=False),
            pa.field("start_utf16", pa.int64(), nullable=False),
            pa.field("end_utf16", pa.int64(), nullable=False),
            pa.field("quote", text, nullable=False),
            pa.field("quote_folded", optional),
            pa.field("tags", tags, nullable=False),
            pa.field("note", text, nullable=False),
            pa.field("author", text, nullable=False),
            pa.field("created", text, nullable=False),
            pa.field("modified", text, nullable=False),
            pa.field("status", text, nullable=False),
            pa.field("review", text, nullable=False),
            pa.field("reviewed_by", optional),
            pa.field("reviewed_at", optional),
        ]
    )
    articles = pa.schema(
        [
            *document,
            pa.field("tags", tags, nullable=False),
            pa.field("note", text, nullable=False),
            pa.field("state", text, nullable=False),
            pa.field("state_by", optional),
            pa.field("state_at", optional),
            pa.field("annotations", pa.int64(), nullable=False),
        ]
    )
    return spans, articles


class _Table:
    """Rows of one Parquet file, buffered by column and written a row group at a time."""

    def __init__(self, writer: Any, schema: pa.Schema) -> None:
        self.writer = writer
        self.schema = schema
        self.names = schema.names
        self.columns: list[list[Any]] = [[] for _ in self.names]

    def add(self, row: tuple[Any, ...]) -> None:
        for column, value in zip(self.columns, row, strict=True):
            column.append(value)
        if len(self.columns[0]) >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if not self.columns[0]:
            return
        batch = pa.RecordBatch.from_arrays(
            [
                pa.array(values, type=f.type)
                for values, f in zip(self.columns, self.schema, strict=True)
            ],
            schema=self.schema,
        )
        self.writer.write_batch(batch)
        self.columns = [[] for _ in self.names]


@contextmanager
def _replacing(target: Path) -> Iterator[str]:
    """A temporary path beside ``target`` that becomes ``target`` when the block succeeds."""
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield temporary
        # As formats.base.replacing: the old file's mode (else the umask's), synced first.
        os.chmod(temporary, file_mode_for(target))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_parquet(
    documents: Iterable[ExportDocument],
    folder: Path,
    *,
    fold: Callable[[str], str] | None = None,
) -> ExportReport:
    """Write ``folder/spans.parquet`` and ``folder/articles.parquet`` (the folder is made)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise HamishError(INSTALL_HINT) from None
    if folder.exists() and not folder.is_dir():
        raise HamishError(f"{folder}: is a file; --format parquet writes a folder")
    folder.mkdir(parents=True, exist_ok=True)
    spans_schema, articles_schema = _schemas()
    report = ExportReport()
    temporaries: list[tuple[str, Path]] = []
    with ExitStack() as stack:
        writers = []
        for name, schema in ((SPANS_FILE, spans_schema), (ARTICLES_FILE, articles_schema)):
            target = folder / name
            temporary = stack.enter_context(_replacing(target))
            temporaries.append((temporary, target))
            writer = pq.ParquetWriter(temporary, schema, compression="zstd")
            stack.callback(writer.close)  # before _replacing's chmod: closed in reverse
            writers.append(_Table(writer, schema))
        spans, articles = writers
        for doc in documents:
            report.documents += 1
            doc.relations_dropped(report, format="parquet")
            info = doc.annotations.document
            state = info.state
            document_cells = (
                doc.path,
                doc.title or "",
                doc.source,
                doc.date,
                published_day(doc.date),
                doc.url or None,
                doc.sha256,
            )
            placed = doc.spans(report)
            to_utf16 = utf16_converter(astral_positions(doc.text))
            for a in placed:
                review = a.review
                spans.add(
                    (
                        *document_cells,
                        a.id,
                        a.start,
                        a.end,
                        to_utf16(a.start),
                        to_utf16(a.end),
                        a.quote,
                        fold(a.quote) if fold is not None else None,
                        list(a.tags),
                        a.note,
                        a.author,
                        a.created,
                        a.modified,
                        a.status,
                        a.review_state,
                        review.by if review is not None else None,
                        review.at if review is not None else None,
                    )
                )
            articles.add(
                (
                    *document_cells,
                    list(info.tags),
                    info.note,
                    info.progress,
                    state.by if state is not None else None,
                    state.at if state is not None else None,
                    len(placed),
                )
            )
            report.records += len(placed)
        spans.flush()
        articles.flush()
    for temporary, target in temporaries:  # both written whole: now they replace the old
        os.replace(temporary, target)
    return report
