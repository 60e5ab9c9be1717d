"""The format registry builds `hamish export` and `hamish import`: choices, options, dispatch."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

import annotations.formats.registry as registry
from annotations.errors import HamishError
from annotations.formats.offsets import OFFSET_UNITS
from annotations.formats.registry import FORMATS, Format, FormatOption, command_options
from reader.cli import cli
from reader.commands.export import run_export
from reader.library.corpus import Filters
from tests.cli.corpora import sample_library
from tests.paths import ROOT, SAMPLES
from tests.paths import run_cli as run

FORMATS_DIR = ROOT / "annotations" / "formats"
NOT_FORMATS = {"__init__", "base", "offsets", "registry"}


def params(command: str) -> dict[str, click.Parameter]:
    return {p.name: p for p in cli.commands[command].params if p.name}


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    return sample_library(tmp_path, monkeypatch)


# --------------------------------------------------------------------------- the CLI's shape


def test_format_choices_are_the_registry():
    export_choices = list(params("export")["fmt"].type.choices)
    import_choices = list(params("import")["fmt"].type.choices)
    assert export_choices == [f.name for f in FORMATS if f.can_export]
    assert import_choices == [f.name for f in FORMATS if f.can_import]
    # the formats hamish offers
    assert export_choices == [
        "jsonl", "csv", "w3c", "doccano", "conll", "brat", "labelstudio",
        "inception", "spacy", "xlsx", "parquet",
    ]  # fmt: skip
    assert set(import_choices) == {
        "jsonl", "w3c", "labelstudio", "doccano", "brat", "inception", "spacy",
    }  # fmt: skip


@pytest.mark.parametrize("operation", ["export", "import"])
def test_every_format_option_is_declared_as_the_registry_says(operation):
    declared = params(operation)
    for entry in command_options(operation):
        param = declared[entry.option.keyword]
        assert isinstance(param, click.Option)
        assert param.opts == [entry.option.flag]
        assert param.help == entry.help
        if entry.option.choices:
            assert list(param.type.choices) == list(entry.option.choices)
            assert param.default == entry.option.default
        else:
            assert param.is_flag


def test_the_help_texts_stay_as_they_were():
    helps = {
        "excel": "csv: write a BOM so spreadsheets show Arabic.",
        "raw": "csv: do not neutralise cells that look like formulas.",
        "collection": "w3c: one AnnotationCollection instead of JSONL.",
        "as_annotations": "labelstudio: as annotations, not predictions.",
        "offsets": "doccano: offset unit.",
        "output": "File (or folder for brat, inception, parquet); default stdout.",
    }
    export = params("export")
    assert {name: export[name].help for name in helps} == helps
    assert params("import")["offsets"].help == "doccano: offset unit of the file."
    assert params("import")["offsets"].default == "utf16"


def test_every_entry_resolves_to_functions_taking_its_options():
    for entry in FORMATS:
        assert entry.can_export or entry.can_import, entry.name
        for operation, load in (("export", entry.load_writer), ("import", entry.load_reader)):
            if not (entry.can_export if operation == "export" else entry.can_import):
                assert not entry.options(operation)
                with pytest.raises(ValueError, match=f"{entry.name} cannot be"):
                    load()
                continue
            function = load()
            keywords = inspect.signature(function).parameters
            for option in entry.options(operation):
                assert option.keyword in keywords, (entry.name, option.flag)
                if option.default is not None:  # the command line's default is the function's
                    assert keywords[option.keyword].default == option.default, entry.name


def test_every_format_module_is_registered():
    modules = {f.module: f for f in FORMATS}
    for path in sorted(FORMATS_DIR.glob("*.py")):
        if path.stem in NOT_FORMATS:
            continue
        entry = modules.get(f"annotations.formats.{path.stem}")
        assert entry is not None, f"{path.name} has no registry entry"
        source = path.read_text(encoding="utf-8")
        for function in ("write_", "read_"):
            named = entry.writer if function == "write_" else entry.reader
            if f"\ndef {function}" in source:
                assert named is not None and f"\ndef {named}(" in source, (path.name, function)


def test_start_up_imports_no_format_module():
    modules = [f.module for f in FORMATS]
    probe = (
        "import sys\n"
        "from reader.cli import main\n"
        "for args in (['cat', sys.argv[1]], ['export', '--help'], ['import', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        f"loaded = [m for m in {modules!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLES / "he_tech.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


# --------------------------------------------------------------------------- options at work


def export(capsys, library: Path, fmt: str, *args: str) -> tuple[int, str, str]:
    return run(capsys, "export", str(library), "--format", fmt, *args)


def test_options_of_other_formats_are_ignored(capsys, library):
    foreign = ["--excel", "--raw", "--collection", "--as-annotations", "--offsets", "codepoint"]
    plain = export(capsys, library, "jsonl")
    assert plain[0] == 0 and plain[1]
    assert export(capsys, library, "jsonl", *foreign) == plain
    csv_plain = export(capsys, library, "csv")
    csv_foreign = ["--collection", "--as-annotations", "--offsets", "codepoint"]
    assert export(capsys, library, "csv", *csv_foreign) == csv_plain
    # labelstudio's writer has an offsets argument of its own, but --offsets is doccano's
    assert export(capsys, library, "labelstudio", "-o", "a.json")[0] == 0
    assert export(capsys, library, "labelstudio", "-o", "b.json", "--offsets", "utf16")[0] == 0
    assert Path("a.json").read_bytes() == Path("b.json").read_bytes()


def test_options_reach_their_format(capsys, library):
    code, out, _ = export(capsys, library, "w3c", "--collection")
    assert code == 0 and json.loads(out)["type"] == "AnnotationCollection"
    code, out, _ = export(capsys, library, "csv", "--excel")
    assert code == 0 and out.startswith("\ufeff")
    assert export(capsys, library, "labelstudio", "-o", "t.json", "--as-annotations")[0] == 0
    tasks = json.loads(Path("t.json").read_text(encoding="utf-8"))
    assert all("annotations" in task and "predictions" not in task for task in tasks)
    code, out, _ = export(capsys, library, "doccano", "--offsets", "codepoint")
    assert code == 0
    assert {json.loads(line)["meta"]["offsets"] for line in out.splitlines()} == {"codepoint"}
    Path("cp.jsonl").write_text(out, encoding="utf-8")
    # import: --offsets reaches doccano's reader, whose default (utf16) refuses this file
    doccano = ["import", "--format", "doccano", "--root", str(library), "cp.jsonl"]
    code, _, err = run(capsys, *doccano)
    assert code == 2 and "written with offsets='codepoint'" in err
    code, out, err = run(capsys, *doccano, "--offsets", "codepoint")
    assert code == 0, err
    assert "8 already there" in out


@pytest.mark.parametrize(
    "entry", [f for f in FORMATS if f.output in ("folder", "file")], ids=lambda f: f.name
)
def test_formats_writing_their_own_files_need_an_output(capsys, library, entry):
    code, out, err = run(capsys, "export", str(library), "--format", entry.name)
    assert (code, out) == (2, "")
    assert err == f"hamish: --format {entry.name} needs -o (a {entry.output})\n"


DEEP = "[" * 20_000 + "]" * 20_000  # deeper than Python's recursion limit


@pytest.mark.parametrize("name", ["jsonl", "w3c", "doccano", "labelstudio"])
def test_json_nested_too_deeply_is_bad_input(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    Path("deep.json").write_text(DEEP + "\n", encoding="utf-8")
    message = rf"^deep\.json: cannot read as {name}: nested too deeply$"
    with pytest.raises(HamishError, match=message):
        registry.get_format(name).read("deep.json")


def test_import_of_json_nested_too_deeply_is_one_line(capsys, library):
    Path("deep.jsonl").write_text('{"document": "x.txt", "extra": ' + DEEP + "}\n")
    code, out, err = run(
        capsys, "import", "--format", "jsonl", "--root", str(library), "deep.jsonl"
    )
    assert (code, out, err) == (
        2,
        "",
        "hamish: deep.jsonl: cannot read as jsonl: nested too deeply\n",
    )


def test_an_unreadable_import_names_the_file_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bad.jsonl").write_text("{oops\n", encoding="utf-8")
    with pytest.raises(HamishError, match=r"^\./bad\.jsonl: cannot read as jsonl: line 1: "):
        registry.get_format("jsonl").read("./bad.jsonl")
    with pytest.raises(HamishError, match=r"^missing\.json: cannot read as labelstudio: "):
        registry.get_format("labelstudio").read("missing.json")


# --------------------------------------------------------------------------- the registry


def test_a_flag_shared_by_formats_is_declared_once(monkeypatch):
    unit = FormatOption("--unit", "the unit.", choices=("a", "b"), default="a")
    monkeypatch.setattr(
        registry,
        "FORMATS",
        (
            Format("one", "m1", writer="w", export_options=(FormatOption("--x", "x."), unit)),
            Format("two", "m2", writer="w", export_options=(unit,)),
        ),
    )
    options = command_options("export")
    assert [(o.option.flag, o.formats, o.help) for o in options] == [
        ("--x", ("one",), "one: x."),
        ("--unit", ("one", "two"), "one, two: the unit."),
    ]


def test_a_flag_declared_two_ways_is_a_mistake(monkeypatch):
    monkeypatch.setattr(
        registry,
        "FORMATS",
        (
            Format("one", "m1", writer="w", export_options=(FormatOption("--x", "x."),)),
            Format("two", "m2", writer="w", export_options=(FormatOption("--x", "other."),)),
        ),
    )
    with pytest.raises(ValueError, match="--x: two declares it unlike one"):
        command_options("export")


def test_get_format():
    assert registry.get_format("brat").output == "folder"
    assert registry.get_format("doccano").input == "lines"
    assert registry.get_format("xlsx").output == "binary"
    with pytest.raises(KeyError):
        registry.get_format("odt")


def test_offset_units_are_named_by_offsets_only():
    # An entry has no offset unit of its own: its --offsets option (and the writer's
    # default) says which unit it writes, and the units are the converter's.
    assert "offsets" not in Format._fields
    offset_options = [
        option
        for entry in FORMATS
        for operation in ("export", "import")
        for option in entry.options(operation)
        if option.flag == "--offsets"
    ]
    assert offset_options
    assert {option.choices for option in offset_options} == {OFFSET_UNITS}
    import annotations.formats.doccano as doccano

    assert not hasattr(doccano, "OFFSETS")


# --------------------------------------------------------------------------- writing to stdout


class _Broken:
    def __init__(self, error: OSError) -> None:
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        pass


def test_stdout_errors(library):
    jsonl = registry.get_format("jsonl")
    export = {"paths": [str(library)], "output": None, "filters": Filters()}
    with pytest.raises(BrokenPipeError):  # main() ends quietly on it, as for `cat | head`
        run_export(fmt=jsonl, stdout=_Broken(BrokenPipeError(32, "Broken pipe")), **export)
    with pytest.raises(HamishError, match=r"^stdout: cannot write: No space left on device$"):
        run_export(fmt=jsonl, stdout=_Broken(OSError(28, "No space left on device")), **export)
