"""`hamish export`: the annotations of a corpus, streamed to one format's writer.

``--review accepted|rejected|unreviewed`` (repeatable) keeps the annotations of those
review states only, after the other filters; a relation with an end left out is then
left out by the formats that have relations, as for any other filter. ``--curated``
keeps the annotations a curator made (those with ``curated_from``, ``hamish curate``)
only, the same way.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from annotations.errors import EXIT_OK, EXIT_PROBLEM, HamishError
from annotations.formats.base import ExportDocument, ExportReport, replacing
from annotations.formats.registry import Format
from annotations.model import REVIEW_FILTERS
from reader.library.corpus import Filters, iter_documents

__all__ = ["ExportResult", "run_export"]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export did: the writer's report, and articles or sidecars it skipped."""

    report: ExportReport
    problems: tuple[str, ...]
    output: str | None  # the -o file or folder; None (or "") for stdout

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEM if self.problems else EXIT_OK

    def messages(self) -> list[str]:
        """The lines for stderr: warnings, then (with ``-o``) what was written where."""
        lines = [f"warning: {warning}" for warning in (*self.report.warnings, *self.problems)]
        if self.output:
            lines.append(
                f"{self.report.records} records from {self.report.documents} articles "
                f"→ {self.output}"
            )
        return lines


def _binary_stdout(fmt: Format, stdout: TextIO) -> BinaryIO:
    """The bytes under ``stdout`` for a binary format: a pipe or a file, never a terminal
    (nor a stream with no file under it, such as a test's capture): exit 2."""
    try:
        stdout.fileno()
        refused = stdout.isatty()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        refused = True
    if refused:
        raise HamishError(
            f"--format {fmt.name} writes a binary file: give -o FILE.{fmt.name} "
            "(or pipe it), not a terminal"
        )
    stdout.flush()
    buffer: BinaryIO = stdout.buffer
    return buffer


def _helpers(writer: Any) -> dict[str, Any]:
    """What the reader gives a writer that ``annotations`` cannot import: ``fold``
    (search folding, for parquet's folded quotes), when the writer takes it."""
    if "fold" not in inspect.signature(writer).parameters:
        return {}
    from reader.text.fold import fold

    def folded(text: str) -> str:
        return fold(text).text

    return {"fold": folded}


def reviewed_only(
    documents: Iterable[ExportDocument], review: Collection[str]
) -> Iterator[ExportDocument]:
    """``documents`` with only the annotations whose review state is in ``review``
    (:data:`annotations.model.REVIEW_FILTERS`); every document is kept (it counts)."""
    unknown = set(review) - set(REVIEW_FILTERS)
    if unknown:
        raise HamishError(
            f"--review {sorted(unknown)[0]}: expected one of {', '.join(REVIEW_FILTERS)}"
        )
    for doc in documents:
        annotations = doc.annotations.annotations
        kept = [a for a in annotations if a.review_state in review]
        if len(kept) != len(annotations):
            doc = replace(doc, annotations=doc.annotations.with_annotations(kept))
        yield doc


def curated_only(documents: Iterable[ExportDocument]) -> Iterator[ExportDocument]:
    """``documents`` with only their curated annotations (with ``curated_from``); every
    document is kept (it counts)."""
    for doc in documents:
        annotations = doc.annotations.annotations
        kept = [a for a in annotations if a.curated_from]
        if len(kept) != len(annotations):
            doc = replace(doc, annotations=doc.annotations.with_annotations(kept))
        yield doc


def run_export(
    paths: Iterable[str],
    fmt: Format,
    *,
    output: str | None,
    stdout: TextIO,
    filters: Filters,
    options: Mapping[str, Any] | None = None,
    annotations_dir: str | None = None,
    review: Collection[str] = (),
    curated: bool = False,
) -> ExportResult:
    """Export the annotations of ``paths`` as ``fmt`` to ``output`` (else to ``stdout``).

    ``options`` are the format's keyword arguments (see ``Format.chosen``). A format that
    writes a folder or a file of its own needs ``output``. An output that cannot be
    written raises :class:`HamishError`, one line; so does a path that is not there.
    ``review`` (when not empty) keeps the annotations of those review states only
    (:func:`reviewed_only`); ``curated`` keeps the curated ones only (:func:`curated_only`).
    """
    problems: list[str] = []
    documents = iter_documents(
        paths, annotations_dir=annotations_dir, filters=filters, problems=problems
    )
    if review:
        documents = reviewed_only(documents, review)
    if curated:
        documents = curated_only(documents)
    if fmt.output in ("folder", "file") and not output:
        raise HamishError(f"--format {fmt.name} needs -o (a {fmt.output})")
    writer = fmt.load_writer()
    arguments = {**(options or {}), **_helpers(writer)}
    try:
        if not output and fmt.output == "binary":
            report = writer(documents, _binary_stdout(fmt, stdout), **arguments)
        elif not output:
            report = writer(documents, stdout, **arguments)
            stdout.flush()
        elif fmt.output == "binary":
            with replacing(Path(output), binary=True) as binary:
                report = writer(documents, binary, **arguments)
        elif fmt.output == "stream":
            with replacing(Path(output), newline=fmt.newline) as out:
                report = writer(documents, out, **arguments)
        else:
            report = writer(documents, Path(output), **arguments)  # brat makes its folder
    except OSError as error:
        if not output and isinstance(error, BrokenPipeError):
            raise  # the reader of stdout went away (`| head`): the command line ends quietly
        where = output or "stdout"
        raise HamishError(f"{where}: cannot write: {error.strerror or error}") from None
    return ExportResult(report, tuple(problems), output)
