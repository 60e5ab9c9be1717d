"""The command line takes its choices and exit codes from the modules that own them."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from typing import get_args

import annotations.errors as errors
import reader.commands
from annotations.model import STATUSES
from reader.cli import cli
from reader.commands.doctor import USE_CHOICES
from reader.commands.stats import SECTIONS
from reader.terminal import BidiChoice
from reader.text.bidi_levels import Direction
from reader.text.layout import BidiMode
from tests.paths import ROOT

OWNED_CHOICES = {
    # (command, parameter): the owner's values
    ("export", "status"): STATUSES,
    ("stats", "sections"): SECTIONS,
    ("cat", "direction"): get_args(Direction),
    ("cat", "bidi"): get_args(BidiChoice),
    ("stats", "bidi"): get_args(BidiChoice),
    ("search", "bidi"): get_args(BidiChoice),
    ("check", "bidi"): get_args(BidiChoice),
    ("doctor", "use"): USE_CHOICES,
    ("open", "direction"): get_args(Direction),
    ("open", "bidi"): get_args(BidiMode),
}

HEAVY_OWNERS = ["annotations.model", "reader.commands.stats", "reader.text.layout"]


def _choices(command: str, name: str) -> tuple[str, ...]:
    (param,) = [p for p in cli.commands[command].params if p.name == name]
    return tuple(param.type.choices)


def test_choices_are_the_owners_values():
    assert {key: _choices(*key) for key in OWNED_CHOICES} == OWNED_CHOICES


def test_choices_follow_their_owner():
    """Change an owner's values before the command line asks: its choices change too."""
    probe = (
        "import json, sys\n"
        "from typing import Literal\n"
        "import annotations.model, reader.commands.stats, reader.text.bidi_levels\n"
        "import reader.text.layout, reader.terminal\n"
        "annotations.model.STATUSES = ('s1', 's2')\n"
        "reader.commands.stats.SECTIONS = ('b1',)\n"
        "reader.text.bidi_levels.Direction = Literal['d1', 'd2']\n"
        "reader.text.layout.BidiMode = Literal['m1']\n"
        "reader.terminal.BidiChoice = Literal['c1']\n"
        "from reader.cli import cli\n"
        "params = {(c, p.name): list(p.type.choices) for c in ('export', 'stats', 'cat', 'open')\n"
        "          for p in cli.commands[c].params if hasattr(p.type, 'choices')}\n"
        "json.dump({f'{c} {n}': v for (c, n), v in params.items()}, sys.stdout)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    choices = json.loads(done.stdout)
    assert {key: choices[key] for key in ("export status", "stats sections")} == {
        "export status": ["s1", "s2"],
        "stats sections": ["b1"],
    }
    for command in ("cat", "open"):
        assert choices[f"{command} direction"] == ["d1", "d2"]
    assert choices["cat bidi"] == ["c1"]  # a text command's --bidi: auto|self|terminal|logical
    assert choices["open bidi"] == ["m1"]  # the reader's: self|terminal


def test_start_up_imports_no_owner_to_list_its_values():
    """`hamish --help`, and the help of commands without such options, stay light."""
    probe = (
        "import sys\n"
        "from reader.cli import main\n"
        "for args in (['--help'], ['import', '--help'], ['search', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        f"loaded = [m for m in {HEAVY_OWNERS!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_bad_choice_is_still_refused_by_name(capsys):
    from tests.paths import run_cli as run

    code, out, err = run(capsys, "export", ".", "--format", "jsonl", "--status", "bogus")
    assert (code, out) == (2, "")
    assert err == (
        "hamish: Invalid value for '--status': 'bogus' is not one of "
        "'anchored', 'moved', 'orphaned'.\n"
    )


def test_exit_codes_come_from_annotations_errors():
    """No command module names an exit code of its own (check had EXIT_UNREADABLE)."""
    owned = {name: getattr(errors, name) for name in errors.__all__ if name.startswith("EXIT_")}
    modules = ["reader.cli"] + [
        f"reader.commands.{m.name}" for m in pkgutil.iter_modules(reader.commands.__path__)
    ]
    for name in modules:
        module = importlib.import_module(name)
        named = {k: v for k, v in vars(module).items() if k.startswith("EXIT_")}
        assert named.items() <= owned.items(), name
