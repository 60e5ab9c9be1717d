"""The ``hamish`` command line (DESIGN section 2.4).

Commands that do not open the TUI never import Textual: keep imports inside the
commands and light at module level.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2


class HamishError(Exception):
    """An error for the user: one line, no traceback, an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


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
    from reader.article import ArticleError, load_article
    from reader.render import article_lines, header_texts
    from reader.terminal import explicit_bidi, output_width, terminal_reorders
    from reader.text.layout import LayoutOptions

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
    heading = header_texts(article, options) if header else []
    lines = article_lines(article, options)
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
@click.option(
    "--annotations-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Read sidecars from this folder instead of next to the articles.",
)
def check_command(
    paths: tuple[str, ...], fix: bool, as_json: bool, annotations_dir: str | None
) -> None:
    """Validate and re-anchor the sidecars of PATHS (files or folders); report orphans.

    Exit 0 when every annotation is anchored or moved, 1 when something is orphaned
    or invalid, 2 when an article or path cannot be read.
    """
    from reader.check import check_paths, render_report

    report = check_paths(paths, fix=fix, annotations_dir=annotations_dir)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_report(report))
    raise click.exceptions.Exit(report.exit_code)


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
@click.option(
    "--annotations-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Keep sidecars in this folder (for read-only archives).",
)
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
        from reader.article import ArticleError, load_article

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

    from reader.app import HamishApp
    from reader.terminal import BDSM_IMPLICIT, explicit_bidi, terminal_reorders

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
