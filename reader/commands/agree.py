"""`hamish agree`: agreement between the analysts who annotated the same articles.

The figures are :mod:`annotations.agreement`'s (units, categories and rules in its
docstring and docs/team.md, "Agreement"); here the articles are read (re-anchored, as
export reads them) and the result is written as a table, with bars for ``--chart``.
Author names and tags may be Arabic: every one goes out through
:mod:`reader.commands.output`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotations.agreement import Agreement, CodedDocument, agreement
from annotations.errors import HamishError
from reader.commands.output import cells, column, one_line
from reader.library.corpus import iter_documents
from reader.terminal import OutputMode

BAR = "█"  # as `hamish stats --chart` draws
NAME_CELLS = 24  # the widest author or tag column on a terminal (longer names end in …)
FIGURE_CELLS = 11  # "F1 overlap" and a space fit (a figure is at most "-0.25")
MIN_AUTHORS = 2  # agreement is between two analysts at least


@dataclass(frozen=True, slots=True)
class AgreeResult:
    agreement: Agreement
    problems: tuple[str, ...]


def run_agree(
    paths: Iterable[str],
    *,
    authors: Sequence[str] | None = None,
    tag_prefix: str | None = None,
    annotations_dir: str | None = None,
) -> AgreeResult:
    """Read the articles under ``paths`` that have sidecars and compute the figures.

    Fewer than two authors (given or found) is a usage error (one line, exit 2).
    """
    problems: list[str] = []
    documents = [
        CodedDocument(doc.path, doc.text, doc.annotations.annotations)
        for doc in iter_documents(paths, annotations_dir=annotations_dir, problems=problems)
    ]
    result = agreement(documents, authors=authors, tag_prefix=tag_prefix)
    if len(result.authors) < MIN_AUTHORS:
        found = ", ".join(result.authors) or "none"
        raise HamishError(f"agree needs annotations by two authors at least (found: {found})")
    return AgreeResult(result, tuple(problems))


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _bar(value: float | None, room: int) -> str:
    """Bars from 0 to 1 (a negative κ draws none)."""
    if value is None or value <= 0:
        return ""
    return " " + BAR * max(1, round(min(value, 1.0) * room))


def render_agreement(
    result: Agreement, *, chart: bool = False, width: int = 80, mode: OutputMode = "self"
) -> str:
    """The figures as a table in ``mode``: one row a pair, then the overall figures, then
    one row a tag; with ``chart``, each pair's κ and each tag's overlap F1 as a bar."""
    cap = NAME_CELLS if mode == "self" else 10_000
    names = [p.a for p in result.pairs] + [p.b for p in result.pairs]
    name_width = min(max([cells(one_line(n, mode, cap)) for n in names] + [6]), cap)
    tag_width = min(max([cells(one_line(t, mode, cap)) for t in result.per_tag] + [3]), cap)

    def numbers(*values: str) -> str:
        return "".join(f"{v:>{FIGURE_CELLS}}" for v in values)

    lines = [f"{len(result.authors)} authors, {result.articles} articles with two of them or more"]
    lines.append("")
    head = f"  {'author':<{name_width}}  {'author':<{name_width}}"
    lines.append(head + numbers("F1 exact", "F1 overlap", "κ", "units"))
    room = max(width - len(head) - 4 * FIGURE_CELLS - 1, 10)
    for pair in result.pairs:
        line = f"  {column(pair.a, name_width, mode)}  {column(pair.b, name_width, mode)}"
        line += numbers(
            _figure(pair.spans.f1_exact),
            _figure(pair.spans.f1_overlap),
            _figure(pair.kappa),
            str(pair.n),
        )
        if chart:
            line += _bar(pair.kappa, room)
        lines.append(line)
    lines.append(
        f"  {'all pairs':<{2 * name_width + 2}}"
        + numbers(_figure(result.spans.f1_exact), _figure(result.spans.f1_overlap))
    )
    lines.append("")
    lines.append(f"Fleiss' κ {_figure(result.fleiss_kappa)} on {result.fleiss_n} units")
    lines.append(
        f"Krippendorff's α {_figure(result.alpha)} nominal, {_figure(result.alpha_masi)} MASI "
        f"on {result.alpha_n} units"
    )
    if result.per_tag:
        lines.append("")
        tag_head = f"  {'tag':<{tag_width}}"
        lines.append(tag_head + numbers("F1 exact", "F1 overlap", "spans"))
        tag_room = max(width - len(tag_head) - 3 * FIGURE_CELLS - 1, 10)
        for tag, counts in result.per_tag.items():
            line = f"  {column(tag, tag_width, mode)}" + numbers(
                _figure(counts.f1_exact), _figure(counts.f1_overlap), str(counts.a + counts.b)
            )
            if chart:
                line += _bar(counts.f1_overlap, tag_room)
            lines.append(line)
    if result.warnings:
        lines.append("")
        lines.extend(f"warning: {one_line(w, mode, direction='ltr')}" for w in result.warnings)
    return "\n".join(lines) + "\n"
