"""The ``hamish`` command line (DESIGN section 2.4): click declarations, nothing more.

Each command's work is done in ``reader/commands/`` (cat, check, stats, search, export,
importing) or, for ``open``, by the TUI; the export and import formats, their choices and
options come from :mod:`annotations.formats.registry`. Every error for the user is a
:class:`HamishError`, which :func:`main` turns into one line on stderr and its exit code.

Commands that do not open the TUI never import Textual: keep imports inside the
commands and light at module level.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar, cast, get_args

import click

from annotations.errors import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, HamishError
from annotations.formats.registry import (
    CommandOption,
    Operation,
    command_options,
    export_formats,
    get_format,
    import_formats,
)

if TYPE_CHECKING:
    from annotations.model import Status
    from reader.commands.doctor import UseChoice
    from reader.settings import Settings
    from reader.terminal import BidiChoice, OutputMode
    from reader.text.layout import BidiMode, Direction

Decorated = TypeVar("Decorated", bound=Callable[..., Any])


class OwnedChoice(click.Choice[str]):
    """A choice among values another module owns, asked of ``load`` when click first
    needs them (to check a value or to show help).

    Start-up stays light: ``hamish --help`` and ``hamish export`` import neither the
    annotation model nor the stats command only to list their values, and a command
    given the option imports the owner anyway.
    """

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._values: tuple[str, ...] | None = None
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        if self._values is None:
            self._values = tuple(self._load())
        return self._values

    @choices.setter
    def choices(self, _given: tuple[str, ...]) -> None:
        pass  # click's constructor sets them; the owner decides


def _statuses() -> tuple[str, ...]:
    from annotations.model import STATUSES

    return STATUSES


def _review_filters() -> tuple[str, ...]:
    from annotations.model import REVIEW_FILTERS

    return REVIEW_FILTERS


def _stats_sections() -> tuple[str, ...]:
    from reader.commands.stats import SECTIONS

    return SECTIONS


def _directions() -> tuple[str, ...]:
    from reader.text.bidi_levels import Direction

    return get_args(Direction)


def _bidi_modes() -> tuple[str, ...]:
    from reader.text.layout import BidiMode

    return get_args(BidiMode)


def _bidi_choices() -> tuple[str, ...]:
    from reader.terminal import BidiChoice

    return get_args(BidiChoice)


def _saved_bidi_choices() -> tuple[str, ...]:
    from reader.commands.doctor import USE_CHOICES

    return USE_CHOICES


_BIDI_HELP = (
    "Who lays out right-to-left text. self: hamish shapes and reorders; terminal: logical "
    "text for a terminal that reorders itself; logical: logical text, for pipes and files; "
    "auto: on a terminal, the mode saved by `hamish doctor --use` or the one that reads "
    "right there, piped or redirected, {piped}."
)


def bidi_option(*, page: bool) -> Callable[[Decorated], Decorated]:
    """``--bidi auto|self|terminal|logical`` (the values are :mod:`reader.terminal`'s)."""
    piped = "self (a page laid out for reading)" if page else "logical"
    return click.option(
        "--bidi",
        type=OwnedChoice(_bidi_choices),
        default="auto",
        show_default=True,
        help=_BIDI_HELP.format(piped=piped),
    )


def _output_mode(
    bidi: BidiChoice, *, page: bool = False, stream: TextIO | None = None
) -> OutputMode:
    """The mode to write ``stream`` (stdout) in for ``--bidi bidi`` (config.toml read only
    if needed)."""
    from reader.terminal import resolve_bidi

    def chosen() -> BidiMode | None:
        from reader.settings import chosen_bidi

        return chosen_bidi()

    return resolve_bidi(bidi, sys.stdout if stream is None else stream, page=page, chosen=chosen)


@contextmanager
def _laid_out(mode: OutputMode) -> Iterator[None]:
    """Around output in ``mode``: BDSM explicit where hamish's own layout would be
    reordered again by the terminal."""
    from reader.terminal import explicit_bidi, laid_out_by_hamish

    with explicit_bidi(sys.stdout, laid_out_by_hamish(mode, sys.stdout)):
        yield


class _ReaderGone(Exception):
    """The reader of stdout went away (`hamish cat x | head`): the command ends quietly."""


@contextmanager
def _reader_may_leave() -> Iterator[None]:
    # click's Command.main catches EPIPE even without standalone mode (and exits 1),
    # so it is turned into an exception of ours before click can see it.
    try:
        yield
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        raise _ReaderGone from None


def _author_name(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An author name given on the command line, stored in sidecars and shown by every
    reader: refused when it holds a control or an explicit bidi control (an escape
    sequence, an override that would reorder what is shown after it)."""
    from annotations.script import TERMINAL_UNSAFE_RE

    if value is not None and TERMINAL_UNSAFE_RE.search(value):
        raise click.BadParameter("a name cannot hold control or bidi control characters")
    return value


annotations_dir_option = click.option(
    "--annotations-dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Sidecars live in this folder (mirroring the library) instead of next to the articles.",
)


class DefaultToOpen(click.Group):
    """`hamish [PATH]` opens the reader; `hamish COMMAND …` runs a command."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _reader_may_leave():  # `hamish --help | head -1`
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _reader_may_leave():  # every command's output, and its --help
            return super().invoke(ctx)

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
    type=OwnedChoice(_directions),
    default="auto",
    show_default=True,
    help="Paragraph direction; auto finds it per paragraph.",
)
@bidi_option(page=True)
@click.option("--no-harakat", is_flag=True, help="Hide Arabic and Hebrew vowel marks.")
@click.option("--header", is_flag=True, help="Show title, source and date above the body.")
@click.option("--json", "as_json", is_flag=True, help="Print every visual line with its cell map.")
def cat_command(
    file: str,
    width: int | None,
    direction: Direction,
    bidi: BidiChoice,
    no_harakat: bool,
    header: bool,
    as_json: bool,
) -> None:
    """Print FILE laid out for this terminal: shaped, reordered, wrapped, aligned.

    Piped (`hamish cat FILE | less`) it stays this page; `--bidi logical` prints the
    same lines in logical order, unshaped and without alignment padding.
    """
    from reader.commands.cat import write_cat

    mode = _output_mode(bidi, page=True)
    if as_json and mode == "logical":
        raise click.UsageError("--json describes a layout: use --bidi self or terminal")
    # An OSError out of write_cat is its output's: reading the article raises ArticleError.
    with _writing_stdout():
        write_cat(
            file,
            out=_json_escaping(sys.stdout) if as_json else sys.stdout,
            warn=_warn,
            width=width,
            direction=direction,
            bidi=mode,
            harakat=not no_harakat,
            header=header,
            as_json=as_json,
        )


@cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--fix", is_flag=True, help="Write re-anchored offsets and statuses back (atomically, merged)."
)
@click.option(
    "--list",
    "listing",
    is_flag=True,
    help="Name each moved, changed and orphaned annotation with its quote (and old wording).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (with the list).")
@click.option(
    "--resolve",
    type=click.Choice(["ours", "theirs"]),
    help="Settle every conflict a git merge left in PATHS: keep ours or theirs.",
)
@bidi_option(page=False)
@annotations_dir_option
def check_command(
    paths: tuple[str, ...],
    fix: bool,
    listing: bool,
    as_json: bool,
    resolve: str | None,
    bidi: BidiChoice,
    annotations_dir: str | None,
) -> None:
    """Validate and re-anchor the sidecars of PATHS (files or folders); report orphans.

    Moved: the same words found elsewhere; changed: placed on words edited since they
    were tagged (the tagged wording is kept). Exit 0 when every annotation is placed
    (anchored, moved or changed), 1 when something is orphaned or invalid, 2 when an
    article or path cannot be read. An annotation a git merge left in conflict is listed
    with both versions (and exits 1) until --resolve keeps one.
    """
    from reader.commands.check import check_paths, render_report

    _require_paths(paths)
    if resolve is not None:
        from reader.commands.check import Side, render_resolved, resolve_paths

        side: Side = "theirs" if resolve == "theirs" else "ours"
        settled = resolve_paths(paths, side, annotations_dir=annotations_dir)
        mode = _output_mode(bidi)
        with _laid_out(mode):
            _print(render_resolved(settled, side, mode), end="")
        raise click.exceptions.Exit(settled.exit_code)
    report = check_paths(paths, fix=fix, annotations_dir=annotations_dir)
    if as_json:
        _print(_json_text(report.to_json(), indent=2))
    else:
        mode = _output_mode(bidi)
        with _laid_out(mode):
            _print(render_report(report, mode, listing=listing), end="")
    raise click.exceptions.Exit(report.exit_code)


def format_options(operation: Operation) -> Callable[[Decorated], Decorated]:
    """The options of every format of ``operation``, declared from the registry."""

    def declare(command: Decorated) -> Decorated:
        for entry in reversed(command_options(operation)):  # click lists the last added first
            command = _click_option(entry)(command)
        return command

    return declare


def _click_option(entry: CommandOption) -> Callable[[Decorated], Decorated]:
    option = entry.option
    if not option.choices:
        return click.option(option.flag, is_flag=True, help=entry.help)
    return click.option(
        option.flag,
        type=click.Choice(list(option.choices)),
        default=option.default,
        show_default=option.default is not None,
        help=entry.help,
    )


_FOLDER_FORMATS = ", ".join(f.name for f in export_formats() if f.output == "folder")


@cli.command("git-setup")
@click.argument("repo", required=False, default=".", type=click.Path(path_type=str))
def git_setup_command(repo: str) -> None:
    """Make git merge the sidecars of the repository at REPO (default: here) by annotation id.

    Adds `*.annotations.json merge=hamish` to .gitattributes (commit it) and registers
    `hamish merge-driver` in the repository's .git/config (once per clone). Running it
    again changes nothing.
    """
    from reader.commands.git_setup import ATTRIBUTE_LINE, DRIVER, git_setup

    done = git_setup(repo)
    top = one_line_path(done.top)
    attributes = "added" if done.attributes_added else "already there"
    config = "registered" if done.config_changed else "already registered"
    _print(f"{top}/.gitattributes: {ATTRIBUTE_LINE} ({attributes})")
    _print(f"{top}/.git/config: merge.hamish.driver = {DRIVER} ({config})")


def one_line_path(path: Path) -> str:
    """A path for a line of output: laid out logically, controls shown."""
    from reader.commands.output import logical_text

    return logical_text(str(path))


@cli.command("merge-driver")
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("path", required=False)
def merge_driver_command(base: Path, ours: Path, theirs: Path, path: str | None) -> None:
    """git's merge driver for sidecars (run by git: %O %A %B %P; see hamish git-setup).

    Merges by annotation id and writes the result to OURS; two different changes of one
    annotation are kept as a conflict (hamish check lists them). Exit 0 when merged, 1
    (nothing written, git reports a conflict) when a side is not a sidecar it can write.
    """
    from reader.commands.merge_driver import merge_files

    result = merge_files(base, ours, theirs, path)
    if result.conflicts:
        count = len(result.conflicts)
        name = one_line_path(Path(path) if path else ours)
        _warn(
            f"{name}: {count} {'annotation' if count == 1 else 'annotations'} changed on both "
            "sides kept in conflict (hamish check --resolve ours|theirs)"
        )


@cli.command("export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice([f.name for f in export_formats()]),
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help=f"File (or folder for {_FOLDER_FORMATS}); default stdout.",
)
@click.option("--tag", help="Only annotations with this tag or under this tag prefix.")
@click.option("--author", help="Only annotations by this author.")
@click.option("--status", type=OwnedChoice(_statuses), help="Only this status.")
@click.option(
    "--review",
    "reviews",
    multiple=True,
    type=OwnedChoice(_review_filters),
    help="Only annotations of this review state (repeatable).",
)
@click.option("--curated", is_flag=True, help="Only curated annotations (hamish curate).")
@format_options("export")
@annotations_dir_option
def export_command(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    tag: str | None,
    author: str | None,
    status: Status | None,
    reviews: tuple[str, ...],
    curated: bool,
    annotations_dir: str | None,
    **given: Any,
) -> None:
    """Export the annotations of PATHS (files or folders) for other tools."""
    from reader.commands.export import run_export
    from reader.library.corpus import Filters

    _require_paths(paths)
    entry = get_format(fmt)
    # To a terminal the records are for reading: what it would obey in the data is shown
    # (sanitized), never sent. A pipe or a file gets the data exactly.
    shown = sys.stdout.isatty() and not output
    result = run_export(
        paths,
        entry,
        output=output,
        stdout=_controls_shown(sys.stdout) if shown else sys.stdout,
        filters=Filters(tag=tag, author=author, status=status),
        options=entry.chosen("export", given),
        annotations_dir=annotations_dir,
        review=reviews,
        curated=curated,
    )
    for line in result.messages():
        _warn(line)
    raise click.exceptions.Exit(result.exit_code)


def _require_paths(paths: Iterable[str]) -> None:
    """Refuse a missing path before any output is written (one line, exit 2)."""
    for path in paths:
        if not Path(path).exists():
            raise HamishError(f"{path}: no such file or folder")


def _warn(line: str) -> None:
    _say(line)


def _say(line: str) -> None:
    """One line on stderr, as the ``--bidi auto`` rule says for it: laid out by the engine
    on a terminal that does no bidi, logical (and sanitized) in a pipe or a log file.

    Messages carry file names, tags and quotes: Arabic in them must read right, and
    nothing in them may reach the terminal raw.
    """
    from reader.commands.output import one_line

    mode: OutputMode
    try:
        mode = _output_mode("auto", stream=sys.stderr)
    except Exception:  # a broken settings file must not hide the error being reported
        mode = "logical"
    click.echo(f"hamish: {one_line(line, mode, direction='ltr')}", err=True)


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice([f.name for f in import_formats()]),
    help="Input format.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="Library folder the records' article paths are relative to.",
)
@format_options("import")
@click.option("--author", help="Author for records that name none.", callback=_author_name)
@annotations_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_command(
    files: tuple[str, ...],
    fmt: str,
    root: str,
    author: str | None,
    annotations_dir: str | None,
    as_json: bool,
    **given: Any,
) -> None:
    """Merge annotations from other tools' FILES into the articles' sidecars."""
    from reader.commands.importing import ImportReport, import_records
    from reader.settings import load_settings

    entry = get_format(fmt)
    options = entry.chosen("import", given)
    author = author or load_settings().resolved_author()
    total = ImportReport()
    for name in files:
        records = entry.read(name, **options)
        total.add(
            import_records(records, root=Path(root), author=author, annotations_dir=annotations_dir)
        )
    if as_json:
        _print(_json_text(total.to_json(), indent=2))
    else:
        for problem in total.problems:
            _warn(problem)
        _print(
            f"imported {total.added} annotations into {total.documents} articles "
            f"({total.duplicates} already there, {len(total.problems)} problems), "
            f"{total.relations} relations ({total.duplicate_relations} already there)"
        )
    if total.problems:
        raise click.exceptions.Exit(EXIT_PROBLEM)


@cli.command("stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--by",
    "sections",
    multiple=True,
    type=OwnedChoice(_stats_sections),
    help=(
        "Which counts (repeatable); default all. article-tag counts articles by their own "
        "tags, state by where their work stands; review counts annotations by review state."
    ),
)
@click.option("--chart", is_flag=True, help="Draw horizontal bars.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@bidi_option(page=False)
@annotations_dir_option
def stats_command(
    paths: tuple[str, ...],
    sections: tuple[str, ...],
    chart: bool,
    as_json: bool,
    bidi: BidiChoice,
    annotations_dir: str | None,
) -> None:
    """Count annotations by tag, tag prefix, author, article, status and review state, and
    articles by article tag and state (to do, in progress, done); the totals count the
    articles with article tags and with a note."""
    from reader.commands.stats import SECTIONS, corpus_stats, render_stats
    from reader.terminal import output_width

    _require_paths(paths)
    stats = corpus_stats(paths, annotations_dir=annotations_dir)
    chosen = sections or SECTIONS
    if as_json:
        _print(_json_text(stats.to_json(chosen), indent=2))
    else:
        mode = _output_mode(bidi)
        with _laid_out(mode):
            _print(
                render_stats(stats, chosen, chart=chart, width=output_width(), mode=mode), end=""
            )
    if stats.problems:
        raise click.exceptions.Exit(EXIT_PROBLEM)


@cli.command("agree")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--authors",
    help="Comma-separated authors to compare (default: every author in the sidecars).",
)
@click.option("--tag-prefix", help="Only tags equal to this tag or under this prefix.")
@click.option("--chart", is_flag=True, help="Bars: each pair's κ and each tag's overlap F1.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@bidi_option(page=False)
@annotations_dir_option
def agree_command(
    paths: tuple[str, ...],
    authors: str | None,
    tag_prefix: str | None,
    chart: bool,
    as_json: bool,
    bidi: BidiChoice,
    annotations_dir: str | None,
) -> None:
    """Agreement between the authors who annotated the same articles: span F1 (exact and
    overlapping boundaries) per pair and per tag, Cohen's κ per pair, Fleiss' κ and
    Krippendorff's α (nominal and MASI) over tokens; units in docs/team.md."""
    from reader.commands.agree import render_agreement, run_agree
    from reader.terminal import output_width

    _require_paths(paths)
    named = (a.strip() for a in (authors or "").split(","))
    chosen = list(dict.fromkeys(a for a in named if a)) or None  # a name twice is one author
    result = run_agree(
        paths, authors=chosen, tag_prefix=tag_prefix, annotations_dir=annotations_dir
    )
    if as_json:
        _print(_json_text(result.agreement.to_json(), indent=2))
    else:
        mode = _output_mode(bidi)
        with _laid_out(mode):
            _print(
                render_agreement(result.agreement, chart=chart, width=output_width(), mode=mode),
                end="",
            )
    for problem in result.problems:
        _warn(problem)
    if result.problems:  # an article or sidecar that cannot be read: left out, and said
        raise click.exceptions.Exit(EXIT_USAGE)


@cli.command("tag-all")
@click.argument("query")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--tag", "tags", multiple=True, required=True, help="A tag to apply (repeatable).")
@click.option("--dry-run", is_flag=True, help="Print what would be added; write nothing.")
@click.option("--author", help="Your name on the new annotations.", callback=_author_name)
@bidi_option(page=False)
@annotations_dir_option
def tag_all_command(
    query: str,
    paths: tuple[str, ...],
    tags: tuple[str, ...],
    dry_run: bool,
    author: str | None,
    bidi: BidiChoice,
    annotations_dir: str | None,
) -> None:
    """Tag every Arabic-folded match of QUERY in the articles under PATHS.

    Matches already annotated with exactly these tags are skipped. Each sidecar is saved
    as the reader saves it (merged, atomic); an article whose sidecar is corrupt or newer,
    or cannot be read, is skipped with a warning, and the exit code is then 2.
    """
    from reader.commands.output import one_line
    from reader.commands.tag_all import tag_all
    from reader.settings import load_settings

    _require_paths(paths)
    report = tag_all(
        query,
        tags,
        paths,
        author=author or load_settings().resolved_author(),
        dry_run=dry_run,
        annotations_dir=annotations_dir,
    )
    mode = _output_mode(bidi)
    with _laid_out(mode):
        for line in report.lines():
            text = line.lstrip(" ")  # a dry run's annotations are indented under their article
            _print(line[: len(line) - len(text)] + one_line(text, mode, direction="ltr"))
    for problem in report.skipped:
        _warn(problem)
    raise click.exceptions.Exit(report.exit_code)


def _curation_rules() -> tuple[str, ...]:
    from reader.commands.curate import RULES

    return RULES


@cli.command("curate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--auto",
    "rule",
    type=OwnedChoice(_curation_rules),
    help="Pre-merge: the spans the authors agree on, by this rule (without it: curate one "
    "FILE in the reader).",
)
@click.option(
    "--curator",
    help="The curator's author name [default: gold with --auto, else settings' author].",
    callback=_author_name,
)
@click.option("--dry-run", is_flag=True, help="Print what would be added; write nothing.")
@bidi_option(page=False)
@annotations_dir_option
def curate_command(
    paths: tuple[str, ...],
    rule: str | None,
    curator: str | None,
    dry_run: bool,
    bidi: BidiChoice,
    annotations_dir: str | None,
) -> None:
    """Pre-merge the articles under PATHS into a curator's (gold) annotations.

    A span (exact offsets) marked by more than half of an article's authors (majority)
    or by all of them (unanimous) becomes an annotation of the curator with the tags that
    pass the same rule and curated_from (its sources' ids); the analysts' annotations are
    untouched, and spans already curated are skipped. Saved as the reader saves (merged,
    atomic); a corrupt or newer sidecar is skipped with a warning, and the exit code is 2.

    Without --auto, curate FILE opens it in the reader's curation mode: the disagreements
    one by one (] and [), a digit accepts an author's version, = the majority, + all
    agreeing, or select and tag (docs/team.md, "Curation").
    """
    if curator is not None and not curator.strip():
        raise HamishError("--curator: give a name")
    if rule is None:
        _curate_in_reader(paths, curator, dry_run, annotations_dir)
        return
    from reader.commands.curate import DEFAULT_CURATOR, curate_auto
    from reader.commands.output import one_line

    _require_paths(paths)
    curator = curator or DEFAULT_CURATOR
    report = curate_auto(
        paths,
        rule,  # type: ignore[arg-type]  # OwnedChoice gave one of RULES
        curator=curator,
        dry_run=dry_run,
        annotations_dir=annotations_dir,
    )
    mode = _output_mode(bidi)
    with _laid_out(mode):
        for line in report.lines():
            _print(one_line(line, mode, direction="ltr"))
    for problem in report.skipped:
        _warn(problem)
    raise click.exceptions.Exit(report.exit_code)


def _curate_in_reader(
    paths: tuple[str, ...], curator: str | None, dry_run: bool, annotations_dir: str | None
) -> None:
    """``hamish curate FILE``: the reader on FILE in curation mode (the settings' author the
    curator unless --curator names one); the same start as ``hamish open FILE``."""
    if len(paths) != 1:
        raise HamishError("curate without --auto: give one FILE (or --auto RULE PATHS…)")
    if dry_run:
        raise HamishError("--dry-run: only with --auto")
    target = Path(paths[0])
    if not target.is_file():
        raise HamishError(f"{paths[0]}: not a file (curate without --auto opens one article)")
    from reader.library.article import load_article
    from reader.settings import load_settings

    load_article(target)  # fail here with one line rather than inside the TUI
    settings = load_settings()
    _run_reader(target, settings, annotations_dir, curator or settings.resolved_author())


def _run_reader(
    target: Path, settings: Settings, annotations_dir: str | None, curator: str
) -> None:
    """The reader on ``target`` in curation mode (reader/__main__.py's launch_reader)."""
    from reader.__main__ import launch_reader
    from reader.settings import chosen_bidi

    folder = Path(annotations_dir) if annotations_dir else None
    launch_reader(target, settings, folder, chosen=chosen_bidi() is not None, curator=curator)


# newsboat's title or description may begin with "-": taken as arguments, not options.
@cli.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
@click.option(
    "--into",
    "library",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="The library folder the articles are written into.",
)
@click.option("--update", is_flag=True, help="Refetch a page already there; re-anchor its notes.")
@click.option(
    "--force",
    is_flag=True,
    help="With --update: rewrite even when the new text would orphan annotations.",
)
@click.option("--feed", "feed", is_flag=True, help="ARGS are RSS or Atom feeds (URLs or files).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --feed: only entries dated on or after this day (YYYY-MM-DD).",
)
@click.option("--limit", type=click.IntRange(min=1), help="With --feed: at most N entries a feed.")
@click.option(
    "--newsboat",
    is_flag=True,
    help="ARGS are newsboat's bookmark-cmd arguments: URL, title, description, feed title.",
)
@annotations_dir_option
def add_command(
    args: tuple[str, ...],
    library: str,
    update: bool,
    force: bool,
    feed: bool,
    since: Any,
    limit: int | None,
    newsboat: bool,
    annotations_dir: str | None,
) -> None:
    """Add news pages to the library as Markdown articles with front matter.

    ARGS are URLs, HTML files or - (stdin: an HTML page, or URLs one a line; with no
    ARGS, stdin when it is not a terminal). Prints the path of each article written. A
    page already in the library (same URL or same text) is not added again; --update
    refetches it and, if its text changed, rewrites it and re-anchors its annotations.
    """
    from reader.commands.add import (
        AddReport,
        Source,
        add_feed,
        add_sources,
        newsboat_source,
        sources_from_stdin,
    )

    if feed and update:
        raise click.UsageError("--update works on pages, not with --feed")
    if force and not update:
        raise click.UsageError("--force works with --update")
    if (since or limit) and not feed:
        raise click.UsageError("--since and --limit work with --feed")
    if feed and newsboat:
        raise click.UsageError("--feed and --newsboat cannot be used together")
    into = Path(library)
    progress = _add_progress() if sys.stderr.isatty() else None
    if feed:
        if not args:
            raise click.UsageError("--feed needs a feed URL or file")
        report = AddReport()
        for name in args:
            try:
                one = add_feed(
                    name,
                    into,
                    since=since.date() if since else None,
                    limit=limit,
                    annotations_dir=annotations_dir,
                    progress=progress,
                )
            except HamishError as error:
                report.failed.append(str(error))
                continue
            for key in ("added", "updated", "already", "notes", "failed"):
                getattr(report, key).extend(getattr(one, key))
    else:
        if newsboat:
            sources = [newsboat_source(args)]
        elif not args or args == ("-",):
            if not args and sys.stdin.isatty():
                raise click.UsageError("give a URL, an HTML file or -, or URLs on stdin")
            sources = sources_from_stdin(sys.stdin.buffer.read())
        else:
            sources = [Source(a, is_url=a.startswith(("http://", "https://"))) for a in args]
        if not sources:
            raise click.UsageError("no URLs on stdin")
        report = add_sources(
            sources,
            into,
            update=update,
            force=force,
            annotations_dir=annotations_dir,
            progress=progress,
        )
    if progress is not None:
        click.echo("", err=True)
    mode = _output_mode("auto")
    from reader.commands.output import one_line

    for path in report.added:
        _print(one_line(str(path), mode, direction="ltr"))
    for line in report.notes + report.already + report.failed:
        _say(line)
    if feed or len(report.added) + len(report.already) + len(report.failed) > 1:
        _say(report.summary())
    raise click.exceptions.Exit(report.exit_code)


def _add_progress() -> Callable[[int, int], None]:
    """A one-line progress bar on stderr, redrawn in place (only on a terminal)."""

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        click.echo(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}", err=True, nl=False)

    return show


#: Hits written at once when stdout is not a terminal.
SEARCH_CHUNK = 256


@cli.command("search")
@click.argument("args", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON lines.")
@bidi_option(page=False)
@annotations_dir_option
def search_command(
    args: tuple[str, ...], as_json: bool, bidi: BidiChoice, annotations_dir: str | None
) -> None:
    """Search PATHS… for QUERY (the last argument), Arabic-aware, in text and annotations.

    Each hit prints as FILE:LINE:OFFSET with its context. Exit 1 when nothing is found.
    """
    import gc

    from reader.commands.search import search_corpus

    # A search makes and drops ~10^5 small objects (hits, annotation lists); the cyclic
    # collector's passes over them cost as much as the search, and nothing here makes
    # cycles worth collecting before the process ends.
    gc.disable()
    *paths, query = args
    _require_paths(paths)
    problems: list[str] = []
    found = 0
    from reader.terminal import output_width

    mode: OutputMode = "logical" if as_json else _output_mode(bidi)
    # On a terminal a laid-out hit fits one row: wrapped by the terminal, it would read
    # end first. Piped, lines are as long as they are.
    width = output_width() if sys.stdout.isatty() else None
    # Piped, lines go out in chunks (thousands of hits: one write each is a tenth of the
    # time); on a terminal each hit shows as it is found.
    chunk = 1 if width is not None else SEARCH_CHUNK
    lines: list[str] = []
    with _laid_out(mode):
        for hit in search_corpus(
            paths or ["."], query, annotations_dir=annotations_dir, problems=problems
        ):
            found += 1
            lines.append(_json_text(hit.to_json()) if as_json else hit.render(mode, width))
            if len(lines) >= chunk:
                _print("\n".join(lines))
                lines.clear()
        if lines:
            _print("\n".join(lines))
    for problem in problems:
        _warn(f"warning: {problem}")
    if not found:
        raise click.exceptions.Exit(EXIT_PROBLEM)


@cli.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--tag", help="Only quotes with this tag or under this tag prefix.")
@click.option(
    "--by",
    "group_by",
    type=click.Choice(["article", "tag"]),
    default="article",
    show_default=True,
    help="Group the quotes by article or by tag.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "csl-json"]),
    default="markdown",
    show_default=True,
    help="Markdown, HTML, or CSL-JSON for Zotero and other reference managers.",
)
@click.option("-o", "--output", type=click.Path(path_type=str), help="File; default stdout.")
@annotations_dir_option
def report_command(
    paths: tuple[str, ...],
    tag: str | None,
    group_by: str,
    fmt: str,
    output: str | None,
    annotations_dir: str | None,
) -> None:
    """Quotes from PATHS with their tags, notes and citations (docs/report.md)."""
    from annotations.formats.base import write_replacing
    from reader.commands.report import build_report, collect_quotes
    from reader.library.corpus import Filters, iter_documents

    _require_paths(paths)
    problems: list[str] = []
    documents = iter_documents(
        paths, annotations_dir=annotations_dir, filters=Filters(tag=tag), problems=problems
    )
    text = build_report(collect_quotes(documents, tag), fmt, group_by, tag)
    if output:
        try:
            # As the exports write: atomic for a file, straight into a FIFO or a device.
            write_replacing(Path(output), text.encode("utf-8", "surrogatepass"))
        except OSError as error:
            raise HamishError(f"{output}: cannot write: {error.strerror or error}") from None
    elif sys.stdout.isatty():
        _print(_controls_shown_text(text), end="")
    else:
        _print(text, end="")
    for problem in problems:
        _warn(problem)
    raise click.exceptions.Exit(EXIT_PROBLEM if problems else EXIT_OK)


def _controls_shown_text(text: str) -> str:
    from reader.commands.output import controls_shown

    return controls_shown(text)


@cli.command("doctor")
@click.option(
    "--use",
    type=OwnedChoice(_saved_bidi_choices),
    help="Save this bidi mode (the one whose self-test line reads right) to config.toml; "
    "auto forgets the choice.",
)
@click.option("--no-query", is_flag=True, help="Do not ask the terminal its name (XTVERSION, DA2).")
def doctor_command(use: UseChoice | None, no_query: bool) -> None:
    """Say what hamish detected of this terminal and show each bidi mode on an Arabic line.

    Then `hamish doctor --use self` (or `terminal`) saves the one that reads right.
    """
    from reader.commands.doctor import gather_facts, save_choice, write_doctor

    if use is not None:
        _print(save_choice(use))
        return
    facts = gather_facts(query=not no_query)
    with _writing_stdout():
        write_doctor(sys.stdout, facts)


@cli.command("open", hidden=True)
@click.argument("path", required=False, default=".", type=click.Path(path_type=str))
@click.option("--bidi", type=OwnedChoice(_bidi_modes), help="Who reorders RTL text.")
@click.option("--direction", type=OwnedChoice(_directions), help="Paragraph direction.")
@click.option("--harakat/--no-harakat", default=None, help="Show or hide vowel marks.")
@click.option(
    "--width", "reading_width", type=click.IntRange(20, 400), help="Reading column width."
)
@click.option("--theme", help="A Textual theme name, e.g. textual-light.")
@click.option("--author", help="Your name on new annotations.", callback=_author_name)
@click.option(
    "--author-filter",
    help="Whose annotations to show: all, distinct (others' underlined), mine, others, "
    "or an author's name.",
)
@click.option(
    "--paragraph-spacing/--no-paragraph-spacing",
    default=None,
    help="A blank row between paragraphs [default: on].",
)
@annotations_dir_option
def open_command(
    path: str,
    bidi: BidiMode | None,
    direction: Direction | None,
    harakat: bool | None,
    reading_width: int | None,
    theme: str | None,
    author: str | None,
    author_filter: str | None,
    paragraph_spacing: bool | None,
    annotations_dir: str | None,
) -> None:
    """Open the reader on PATH: a library folder or one article (default: .)."""
    from reader.settings import chosen_bidi, load_settings, with_overrides

    target = Path(path)
    if not target.exists():
        raise HamishError(f"{path}: no such file or folder")
    if target.is_file():
        from reader.library.article import load_article

        load_article(target)  # fail here with one line rather than inside the TUI
    settings = with_overrides(
        load_settings(),
        bidi=bidi,
        direction=direction,
        harakat=harakat,
        reading_width=reading_width,
        theme=theme,
        author=author,
        author_filter=author_filter,
        paragraph_spacing=paragraph_spacing,
    )
    # The user chose the mode (a flag, or `hamish doctor --use`): no warning about it.
    chosen = bidi is not None or chosen_bidi() is not None
    from reader.__main__ import launch_reader

    launch_reader(
        target, settings, Path(annotations_dir) if annotations_dir else None, chosen=chosen
    )


def main(argv: list[str] | None = None, *, run: Callable[[], Any] | None = None) -> None:
    """Entry point: run the CLI, turning errors into one line and an exit code.

    A reader of stdout that goes away (`hamish export … | head`) ends any command
    quietly with exit 0; a stdout that cannot be written (a full disk) is an error.
    ``run`` stands for the command (reader/__main__.py's straight path to the reader
    hands its error over that way, to be told as ``hamish open`` tells it).
    """
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # Without standalone mode, click returns a command's Exit code instead of raising.
        code = run() if run else cli.main(args=args, prog_name="hamish", standalone_mode=False)
        _flush_stdout()  # what is still buffered goes now, where its errors are caught
    except click.exceptions.Exit as done:
        _exit(done.exit_code)
    except (_ReaderGone, BrokenPipeError):
        _silence_stdout()
        sys.exit(EXIT_OK)
    except click.Abort:
        click.echo("hamish: aborted", err=True)
        _exit(130)
    except click.ClickException as error:
        _say(error.format_message())
        _exit(EXIT_USAGE)
    except HamishError as error:
        if debug:
            raise
        _say(str(error))
        _exit(error.exit_code)
    except KeyboardInterrupt:
        _exit(130)
    except Exception as error:
        if debug:
            raise
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        _say(f"internal error: {message} (run with --debug for details)")
        _exit(EXIT_PROBLEM)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


@contextmanager
def _writing_stdout() -> Iterator[None]:
    """Around writes to stdout: one that fails (a full disk) is a :class:`HamishError`;
    ``BrokenPipeError`` (its reader went away) goes on to end the command quietly."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        _silence_stdout()  # else Python's own flush at exit fails again, with a traceback
        raise HamishError(f"stdout: cannot write: {error.strerror or error}") from None


def _json_text(value: Any, indent: int | None = None) -> str:
    """``value`` as readable JSON with C1 and bidi controls as ``\\u`` escapes."""
    from annotations.formats.base import dumps_for_terminals  # the core: not at start-up

    return dumps_for_terminals(value, indent=indent)


class _TransformedOut:
    """``out`` with every write passed through ``transform`` first: the JSON escapes of a
    command writing JSON text, or the controls shown of data written to a terminal."""

    def __init__(self, out: TextIO, transform: Callable[[str], str]) -> None:
        self._out = out
        self._transform = transform

    def write(self, text: str) -> int:
        return self._out.write(self._transform(text))

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, flush, encoding, …
        return getattr(self._out, name)


def _json_escaping(out: TextIO) -> TextIO:
    """``out`` for JSON text: C1 and bidi controls go as ``\\u`` escapes."""
    from annotations.formats.base import escape_for_terminals

    return cast("TextIO", _TransformedOut(out, escape_for_terminals))


def _controls_shown(out: TextIO) -> TextIO:
    """``out`` on a terminal for data written as it is: controls shown, not obeyed."""
    from reader.commands.output import controls_shown

    return cast("TextIO", _TransformedOut(out, controls_shown))


def _print(text: str, end: str = "\n") -> None:
    with _writing_stdout():
        sys.stdout.write(text + end)


def _flush_stdout() -> None:
    """Write out what stdout still buffers, with :func:`_writing_stdout`'s errors."""
    with _writing_stdout():
        sys.stdout.flush()


def _exit(code: int) -> NoReturn:
    """Exit with ``code`` after an error: output its reader can no longer take is dropped."""
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()
    sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout's file descriptor at the null device, so that what Python still
    buffers for it is dropped at exit instead of failing again."""
    import os

    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (tests capture it): nothing to flush
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
