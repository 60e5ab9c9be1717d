"""The ``hamish`` command line (DESIGN section 2.4).

Commands that do not open the TUI never import Textual: keep imports inside the
commands and light at module level.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from annotations.errors import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, HamishError

annotations_dir_option = click.option(
    "--annotations-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Sidecars live in this folder (mirroring the library) instead of next to the articles.",
)


class DefaultToOpen(click.Group):
    """`hamish [PATH]` opens the reader; `hamish COMMAND …` runs a command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = [a for a in args if a != "--debug"]
        if not rest or (
            rest[0] not in self.commands and rest[0] not in ("-h", "--help", "--version")
        ):
            args = ["open", *args] if "--debug" not in args[:1] else ["--debug", "open", *args[1:]]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToOpen, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="hamish", prog_name="hamish")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """hamish (هامش): read and annotate right-to-left news articles in the terminal."""
    ctx.obj = {"debug": debug}


@cli.command("cat")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--width",
    type=click.IntRange(min=1),
    help="Line width in cells [default: terminal's, 80 when not a terminal].",
)
@click.option(
    "--direction",
    type=click.Choice(["auto", "rtl", "ltr"]),
    default="auto",
    show_default=True,
    help="Paragraph direction; auto finds it per paragraph.",
)
@click.option(
    "--bidi",
    type=click.Choice(["self", "terminal"]),
    default="self",
    show_default=True,
    help="self: hamish shapes and reorders; terminal: send logical text for a bidi terminal.",
)
@click.option("--no-harakat", is_flag=True, help="Hide Arabic and Hebrew vowel marks.")
@click.option("--header", is_flag=True, help="Show title, source and date above the body.")
@click.option("--json", "as_json", is_flag=True, help="Print every visual line with its cell map.")
def cat_command(
    file: str,
    width: int | None,
    direction: str,
    bidi: str,
    no_harakat: bool,
    header: bool,
    as_json: bool,
) -> None:
    """Print FILE laid out for this terminal: shaped, reordered, wrapped, aligned."""
    from reader.library.article import ArticleError, load_article
    from reader.terminal import explicit_bidi, output_width, terminal_reorders
    from reader.text.layout import LayoutOptions
    from reader.text.render import body_lines, header_texts

    try:
        article = load_article(file)
    except ArticleError as error:
        raise HamishError(str(error)) from None
    if article.encoding_detected:
        click.echo(f"hamish: {file}: not UTF-8; decoded as {article.encoding}", err=True)
    options = LayoutOptions(
        width=width or output_width(),
        direction=direction,  # type: ignore[arg-type]
        fallback_rtl=article.direction == "rtl",
        harakat=not no_harakat,
        bidi=bidi,  # type: ignore[arg-type]
    )
    heading = (
        header_texts(article.title, article.source, article.date, article.direction, options)
        if header
        else []
    )
    lines = body_lines(article.text, article.paragraphs(), options)
    out = sys.stdout
    if as_json:
        document: dict[str, Any] = {
            "file": file,
            "width": options.width,
            "encoding": article.encoding,
            "body_start": article.body_start,
        }
        if header:
            document["header"] = heading
        document["lines"] = [
            {
                "paragraph": line.paragraph,
                "rtl": line.rtl,
                "text": line.text,
                "cells": [
                    {"col": c.col, "width": c.width, "text": c.text, "offsets": list(c.offsets)}
                    for c in line.cells
                ],
            }
            for line in lines
        ]
        out.write(json.dumps(document, ensure_ascii=False) + "\n")
        return
    reorders = bidi == "self" and out.isatty() and terminal_reorders()
    with explicit_bidi(out, reorders):
        for text in heading:
            out.write(text + "\n")
        for line in lines:
            out.write(line.text + "\n")


@cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--fix", is_flag=True, help="Write re-anchored offsets and statuses back (atomically, merged)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@annotations_dir_option
def check_command(
    paths: tuple[str, ...], fix: bool, as_json: bool, annotations_dir: str | None
) -> None:
    """Validate and re-anchor the sidecars of PATHS (files or folders); report orphans.

    Exit 0 when every annotation is anchored or moved, 1 when something is orphaned
    or invalid, 2 when an article or path cannot be read.
    """
    from reader.commands.check import check_paths, render_report

    _require_paths(paths)
    report = check_paths(paths, fix=fix, annotations_dir=annotations_dir)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_report(report))
    raise click.exceptions.Exit(report.exit_code)


STREAM_FORMATS = ("jsonl", "csv", "w3c", "doccano", "conll")
FOLDER_FORMATS = ("brat",)
FILE_FORMATS = ("labelstudio",)


def _annotation_filters(tag: str | None, author: str | None, status: str | None):
    from reader.library.corpus import Filters

    return Filters(tag=tag, author=author, status=status)


@cli.command("export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice([*STREAM_FORMATS, *FOLDER_FORMATS, *FILE_FORMATS]),
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="File (or folder for brat); default stdout.",
)
@click.option("--tag", help="Only annotations with this tag or under this tag prefix.")
@click.option("--author", help="Only annotations by this author.")
@click.option(
    "--status", type=click.Choice(["anchored", "moved", "orphaned"]), help="Only this status."
)
@click.option("--excel", is_flag=True, help="csv: write a BOM so spreadsheets show Arabic.")
@click.option("--raw", is_flag=True, help="csv: do not neutralise cells that look like formulas.")
@click.option("--collection", is_flag=True, help="w3c: one AnnotationCollection instead of JSONL.")
@click.option(
    "--as-annotations", is_flag=True, help="labelstudio: as annotations, not predictions."
)
@click.option(
    "--offsets",
    type=click.Choice(["utf16", "codepoint"]),
    default="utf16",
    show_default=True,
    help="doccano: offset unit.",
)
@annotations_dir_option
def export_command(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    tag: str | None,
    author: str | None,
    status: str | None,
    excel: bool,
    raw: bool,
    collection: bool,
    as_annotations: bool,
    offsets: str,
    annotations_dir: str | None,
) -> None:
    """Export the annotations of PATHS (files or folders) for other tools."""
    from pathlib import Path

    from reader.library.corpus import iter_documents
    from reader.library.find import LibraryError

    _require_paths(paths)
    problems: list[str] = []
    documents = iter_documents(
        paths,
        annotations_dir=annotations_dir,
        filters=_annotation_filters(tag, author, status),
        problems=problems,
    )
    if fmt in FOLDER_FORMATS + FILE_FORMATS and not output:
        raise HamishError(f"--format {fmt} needs -o (a {'folder' if fmt == 'brat' else 'file'})")
    try:
        if fmt == "brat":
            from annotations.formats.brat import write_brat

            folder = Path(output)
            folder.mkdir(parents=True, exist_ok=True)
            report = write_brat(documents, folder)
        elif fmt == "labelstudio":
            from annotations.formats.labelstudio import write_labelstudio

            report = write_labelstudio(documents, Path(output), as_annotations=as_annotations)
        else:
            writer = _stream_writer(
                fmt, excel=excel, raw=raw, collection=collection, offsets=offsets
            )
            if output:
                newline = "" if fmt == "csv" else None
                with open(output, "w", encoding="utf-8", newline=newline) as out:
                    report = writer(documents, out)
            else:
                report = writer(documents, sys.stdout)
                sys.stdout.flush()
    except LibraryError as error:
        raise HamishError(str(error)) from None
    except OSError as error:
        raise HamishError(f"{output}: cannot write: {error.strerror or error}") from None
    for warning in [*report.warnings, *problems]:
        click.echo(f"hamish: warning: {warning}", err=True)
    if output:
        click.echo(
            f"hamish: {report.records} records from {report.documents} articles → {output}",
            err=True,
        )
    if problems:
        raise click.exceptions.Exit(EXIT_PROBLEM)


def _require_paths(paths) -> None:
    """Refuse a missing path before any output is written (one line, exit 2)."""
    from pathlib import Path

    for path in paths:
        if not Path(path).exists():
            raise HamishError(f"{path}: no such file or folder")


def _stream_writer(fmt: str, *, excel: bool, raw: bool, collection: bool, offsets: str):
    from functools import partial

    if fmt == "jsonl":
        from annotations.formats.jsonl import write_jsonl

        return write_jsonl
    if fmt == "csv":
        from annotations.formats.csv_format import write_csv

        return partial(write_csv, excel=excel, raw=raw)
    if fmt == "w3c":
        from annotations.formats.w3c import write_w3c

        return partial(write_w3c, collection=collection)
    if fmt == "doccano":
        from annotations.formats.doccano import write_doccano

        return partial(write_doccano, offsets=offsets)
    from annotations.formats.conll import write_conll

    return write_conll


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["jsonl", "w3c", "labelstudio", "doccano", "brat"]),
    help="Input format.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="Library folder the records' article paths are relative to.",
)
@click.option(
    "--offsets",
    type=click.Choice(["utf16", "codepoint"]),
    default="utf16",
    show_default=True,
    help="doccano: offset unit of the file.",
)
@click.option("--author", help="Author for records that name none.")
@annotations_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_command(
    files: tuple[str, ...],
    fmt: str,
    root: str,
    offsets: str,
    author: str | None,
    annotations_dir: str | None,
    as_json: bool,
) -> None:
    """Merge annotations from other tools' FILES into the articles' sidecars."""
    from pathlib import Path

    from reader.commands.importing import import_records
    from reader.settings import SettingsError, load_settings

    try:
        author = author or load_settings().resolved_author()
    except SettingsError as error:
        raise HamishError(str(error)) from None
    total = None
    for name in files:
        try:
            records = list(_read_records(fmt, Path(name), offsets))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise HamishError(f"{name}: cannot read as {fmt}: {error}") from None
        report = import_records(
            records, root=Path(root), author=author, annotations_dir=annotations_dir
        )
        if total is None:
            total = report
        else:
            total.added += report.added
            total.duplicates += report.duplicates
            total.documents += report.documents
            total.problems.extend(report.problems)
    assert total is not None
    if as_json:
        sys.stdout.write(json.dumps(total.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        for problem in total.problems:
            click.echo(f"hamish: {problem}", err=True)
        click.echo(
            f"imported {total.added} annotations into {total.documents} articles "
            f"({total.duplicates} already there, {len(total.problems)} problems)"
        )
    if total.problems:
        raise click.exceptions.Exit(EXIT_PROBLEM)


def _read_records(fmt: str, path, offsets: str):
    if fmt == "brat":
        from annotations.formats.brat import read_brat

        return read_brat(path)
    if fmt == "labelstudio":
        from annotations.formats.labelstudio import read_labelstudio

        return read_labelstudio(path)
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "jsonl":
        from annotations.formats.jsonl import read_jsonl

        return read_jsonl(text.split("\n"))  # JSON strings may hold U+2028/2029: not lines
    if fmt == "w3c":
        from annotations.formats.w3c import read_w3c

        return read_w3c(text)
    from annotations.formats.doccano import read_doccano

    return read_doccano(text.split("\n"), offsets=offsets)


@cli.command("stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--by",
    "sections",
    multiple=True,
    type=click.Choice(["tag", "prefix", "author", "article", "status"]),
    help="Which counts (repeatable); default all.",
)
@click.option("--chart", is_flag=True, help="Draw horizontal bars.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@annotations_dir_option
def stats_command(
    paths: tuple[str, ...],
    sections: tuple[str, ...],
    chart: bool,
    as_json: bool,
    annotations_dir: str | None,
) -> None:
    """Count annotations by tag, tag prefix, author, article and status."""
    from reader.commands.stats import SECTIONS, corpus_stats, render_stats
    from reader.library.find import LibraryError

    _require_paths(paths)
    from reader.terminal import output_width

    try:
        stats = corpus_stats(paths, annotations_dir=annotations_dir)
    except LibraryError as error:
        raise HamishError(str(error)) from None
    chosen = sections or SECTIONS
    if as_json:
        sys.stdout.write(json.dumps(stats.to_json(chosen), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_stats(stats, chosen, chart=chart, width=output_width()))
    if stats.problems:
        raise click.exceptions.Exit(EXIT_PROBLEM)


@cli.command("search")
@click.argument("args", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON lines.")
@annotations_dir_option
def search_command(args: tuple[str, ...], as_json: bool, annotations_dir: str | None) -> None:
    """Search PATHS… for QUERY (the last argument), Arabic-aware, in text and annotations.

    Each hit prints as FILE:LINE:OFFSET with its context. Exit 1 when nothing is found.
    """
    from reader.commands.search import search_corpus
    from reader.library.find import LibraryError
    from reader.text.sanitize import sanitize

    *paths, query = args
    _require_paths(paths)
    problems: list[str] = []
    found = 0
    try:
        for hit in search_corpus(
            paths or ["."], query, annotations_dir=annotations_dir, problems=problems
        ):
            found += 1
            if as_json:
                sys.stdout.write(json.dumps(hit.to_json(), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(sanitize(hit.render()) + "\n")
    except LibraryError as error:
        raise HamishError(str(error)) from None
    for problem in problems:
        click.echo(f"hamish: warning: {problem}", err=True)
    if not found:
        raise click.exceptions.Exit(EXIT_PROBLEM)


@cli.command("open", hidden=True)
@click.argument("path", required=False, default=".", type=click.Path(path_type=str))
@click.option("--bidi", type=click.Choice(["self", "terminal"]), help="Who reorders RTL text.")
@click.option("--direction", type=click.Choice(["auto", "rtl", "ltr"]), help="Paragraph direction.")
@click.option("--harakat/--no-harakat", default=None, help="Show or hide vowel marks.")
@click.option(
    "--width", "reading_width", type=click.IntRange(20, 400), help="Reading column width."
)
@click.option("--theme", help="A Textual theme name, e.g. textual-light.")
@click.option("--author", help="Your name on new annotations.")
@annotations_dir_option
def open_command(
    path: str,
    bidi: str | None,
    direction: str | None,
    harakat: bool | None,
    reading_width: int | None,
    theme: str | None,
    author: str | None,
    annotations_dir: str | None,
) -> None:
    """Open the reader on PATH: a library folder or one article (default: .)."""
    from pathlib import Path

    from reader.settings import SettingsError, load_settings, with_overrides

    target = Path(path)
    if not target.exists():
        raise HamishError(f"{path}: no such file or folder")
    if target.is_file():
        from reader.library.article import ArticleError, load_article

        try:  # fail here with one line rather than inside the TUI
            load_article(target)
        except ArticleError as error:
            raise HamishError(str(error)) from None
    try:
        settings = with_overrides(
            load_settings(),
            bidi=bidi,
            direction=direction,
            harakat=harakat,
            reading_width=reading_width,
            theme=theme,
            author=author,
        )
    except SettingsError as error:
        raise HamishError(str(error)) from None
    run_app(target, settings, Path(annotations_dir) if annotations_dir else None)


def run_app(target, settings, annotations_dir) -> None:
    """Run the TUI; around it, BDSM explicit mode on terminals that reorder by themselves."""
    import atexit

    from reader.terminal import BDSM_IMPLICIT, explicit_bidi, terminal_reorders
    from reader.tui.app import HamishApp

    stream = sys.__stdout__
    reorders = (
        settings.bidi == "self" and stream is not None and stream.isatty() and terminal_reorders()
    )
    if reorders:

        def restore() -> None:  # the terminal's own bidi, even if we die inside the app
            stream.write(BDSM_IMPLICIT)
            stream.flush()

        atexit.register(restore)
    with explicit_bidi(stream, reorders):
        HamishApp(target, settings, annotations_dir=annotations_dir).run()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning errors into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # Without standalone mode, click returns a command's Exit code instead of raising.
        code = cli.main(args=args, prog_name="hamish", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("hamish: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        click.echo(f"hamish: {error.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except HamishError as error:
        if debug:
            raise
        click.echo(f"hamish: {error}", err=True)
        sys.exit(error.exit_code)
    except BrokenPipeError:
        # The reader of our output went away (`hamish cat x | head`): not an error.
        _silence_stdout()
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        if debug:
            raise
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        click.echo(f"hamish: internal error: {message} (run with --debug for details)", err=True)
        sys.exit(EXIT_PROBLEM)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
