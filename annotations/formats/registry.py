"""Every export and import format, one entry each: the command line is built from here.

An entry names the format's module and its writer and reader functions (imported only
when the format is used, so that ``hamish cat`` does not load seven formats), where the
writer writes (:data:`OutputKind`), what the reader reads (:data:`InputKind`) and the
format's own options. ``hamish export`` and ``hamish import`` take their ``--format``
choices and format options from :data:`FORMATS`, and pass each format only the options
it declares (the others are ignored). Offset units are named in
:mod:`annotations.formats.offsets` only.

Adding a format: write ``annotations/formats/<name>.py`` with
``write_<name>(documents, out, **options) -> ExportReport`` (``out`` is a text stream,
a folder or a file path, as its ``output`` says) and/or ``read_<name>(source, **options)
-> Iterator[ImportedAnnotation]`` (``source`` as its ``input`` says); then add one
:class:`Format` to :data:`FORMATS`, its options' ``flag`` spelling the functions' keyword
arguments (``--as-annotations`` is ``as_annotations=``). Nothing else changes: the CLI,
its help and ``tests/cli/test_registry.py`` follow the entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from annotations.errors import HamishError
from annotations.formats.offsets import OFFSET_UNITS

if TYPE_CHECKING:  # the command line imports this module at start-up: keep it light
    from annotations.formats.base import ExportReport, ImportedAnnotation

__all__ = [
    "FORMATS",
    "CommandOption",
    "Format",
    "FormatOption",
    "InputKind",
    "Operation",
    "OutputKind",
    "command_options",
    "export_formats",
    "get_format",
    "import_formats",
]

#: Where a writer writes: a text stream (stdout, or the ``-o`` file), a folder of files
#: (``-o`` required), or one file it opens itself with files beside it (``-o`` required);
#: ``binary``: a binary stream (the ``-o`` file, replaced whole, or stdout when it is not
#: a terminal).
OutputKind = Literal["stream", "folder", "file", "binary"]
#: What a reader is given: the path itself (a folder or a file it opens), the file's
#: text, or that text's lines split on ``\n`` only.
InputKind = Literal["path", "text", "lines"]
Operation = Literal["export", "import"]

# The entries are NamedTuples rather than dataclasses: every command imports this module
# at start-up, and a NamedTuple class costs a tenth of a frozen dataclass to create.


class FormatOption(NamedTuple):
    """An option of a format's writer or reader, as the command line offers it."""

    flag: str  # "--excel"; its keyword argument is the flag's words joined by "_"
    help: str  # without the format's name: the command line puts the names in front
    choices: tuple[str, ...] = ()  # none: an on/off flag
    default: str | None = None

    @property
    def keyword(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


class Format(NamedTuple):
    """One format: what it can do, where its code is, its options."""

    name: str
    module: str  # imported on first use
    writer: str | None = None  # function names in ``module``; None: cannot export/import
    reader: str | None = None
    output: OutputKind = "stream"
    newline: str | None = None  # how a stream's -o file is opened (csv frames its own rows)
    input: InputKind = "path"
    export_options: tuple[FormatOption, ...] = ()
    import_options: tuple[FormatOption, ...] = ()

    @property
    def can_export(self) -> bool:
        return self.writer is not None

    @property
    def can_import(self) -> bool:
        return self.reader is not None

    def options(self, operation: Operation) -> tuple[FormatOption, ...]:
        return self.export_options if operation == "export" else self.import_options

    def chosen(self, operation: Operation, given: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments of ``operation`` from the command line's ``given`` values."""
        return {o.keyword: given[o.keyword] for o in self.options(operation)}

    def load_writer(self) -> Callable[..., ExportReport]:
        if self.writer is None:
            raise ValueError(f"{self.name} cannot be exported")
        writer: Callable[..., ExportReport] = getattr(import_module(self.module), self.writer)
        return writer

    def load_reader(self) -> Callable[..., Iterator[ImportedAnnotation]]:
        if self.reader is None:
            raise ValueError(f"{self.name} cannot be imported")
        reader: Callable[..., Iterator[ImportedAnnotation]] = getattr(
            import_module(self.module), self.reader
        )
        return reader

    def read(self, source: str | Path, **options: Any) -> list[ImportedAnnotation]:
        """Every annotation in the file (or folder) ``source``.

        A file that cannot be read as this format raises :class:`HamishError`, one line
        naming the file as given.
        """
        reader = self.load_reader()
        path = Path(source)
        try:
            if self.input == "path":
                return list(reader(path, **options))
            text = path.read_text(encoding="utf-8-sig")
            if self.input == "lines":
                # Split on "\n" only: JSON strings may hold U+2028 and U+2029 raw.
                return list(reader(text.split("\n"), **options))
            return list(reader(text, **options))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise HamishError(f"{source}: cannot read as {self.name}: {error}") from None
        except RecursionError:  # JSON nested deeper than Python's parser can follow
            raise HamishError(f"{source}: cannot read as {self.name}: nested too deeply") from None


FORMATS: tuple[Format, ...] = (
    Format(
        "jsonl",
        "annotations.formats.jsonl",
        writer="write_jsonl",
        reader="read_jsonl",
        input="lines",
    ),
    Format(
        "csv",
        "annotations.formats.csv_format",
        writer="write_csv",
        newline="",
        export_options=(
            FormatOption("--excel", "write a BOM so spreadsheets show Arabic."),
            FormatOption("--raw", "do not neutralise cells that look like formulas."),
        ),
    ),
    Format(
        "w3c",
        "annotations.formats.w3c",
        writer="write_w3c",
        reader="read_w3c",
        input="text",
        export_options=(
            FormatOption("--collection", "one AnnotationCollection instead of JSONL."),
        ),
    ),
    Format(
        "doccano",
        "annotations.formats.doccano",
        writer="write_doccano",
        reader="read_doccano",
        input="lines",
        export_options=(
            FormatOption("--offsets", "offset unit.", choices=OFFSET_UNITS, default="utf16"),
            FormatOption(
                "--doccano-single-label",
                "one label per span, no overlaps (a default doccano project); reports the rest.",
            ),
        ),
        import_options=(
            FormatOption(
                "--offsets", "offset unit of the file.", choices=OFFSET_UNITS, default="utf16"
            ),
        ),
    ),
    Format(
        "conll",
        "annotations.formats.conll",
        writer="write_conll",
        export_options=(
            FormatOption(
                "--conll-comments",
                "document fields as '# key = value' lines (spacy convert misreads them).",
            ),
        ),
    ),
    Format(
        "brat",
        "annotations.formats.brat",
        writer="write_brat",
        reader="read_brat",
        output="folder",
    ),
    Format(
        "labelstudio",
        "annotations.formats.labelstudio",
        writer="write_labelstudio",
        reader="read_labelstudio",
        output="file",
        export_options=(FormatOption("--as-annotations", "as annotations, not predictions."),),
    ),
    Format(
        "inception",
        "annotations.formats.inception",
        writer="write_inception",
        reader="read_inception",
        output="folder",
    ),
    Format(
        "spacy",
        "annotations.formats.spacy_docbin",
        writer="write_spacy",
        reader="read_spacy",
        output="file",
    ),
    Format("xlsx", "annotations.formats.xlsx", writer="write_xlsx", output="binary"),
    Format("parquet", "annotations.formats.parquet", writer="write_parquet", output="folder"),
)


def export_formats() -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.can_export)


def import_formats() -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if f.can_import)


def get_format(name: str) -> Format:
    """The format called ``name``; ``KeyError`` when there is none."""
    for entry in FORMATS:
        if entry.name == name:
            return entry
    raise KeyError(name)


class CommandOption(NamedTuple):
    """One format option of ``hamish export`` or ``hamish import``, and the formats taking it."""

    option: FormatOption
    formats: tuple[str, ...]

    @property
    def help(self) -> str:
        return f"{', '.join(self.formats)}: {self.option.help}"


def command_options(operation: Operation) -> tuple[CommandOption, ...]:
    """The format options of one command, each flag once: on/off flags, then options
    taking a value, each in the order of :data:`FORMATS`.

    Formats may share a flag (it is declared once, its help names them all) only if they
    declare it alike: anything else is a mistake in :data:`FORMATS`, a ``ValueError``.
    """
    by_flag: dict[str, CommandOption] = {}
    for entry in FORMATS:
        for option in entry.options(operation):
            known = by_flag.get(option.flag)
            if known is None:
                by_flag[option.flag] = CommandOption(option, (entry.name,))
            elif known.option == option:
                by_flag[option.flag] = CommandOption(option, (*known.formats, entry.name))
            else:
                raise ValueError(
                    f"{operation} option {option.flag}: {entry.name} declares it unlike "
                    f"{', '.join(known.formats)}"
                )
    return tuple(sorted(by_flag.values(), key=lambda entry: bool(entry.option.choices)))
