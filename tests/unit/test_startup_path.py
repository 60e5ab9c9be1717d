"""`hamish FILE` goes straight to the reader (reader/__main__.py): no click, no command
tree, no headless command modules; everything else behaves as the CLI always did."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
ARTICLE = ROOT / "sample_articles" / "ar_politics.txt"

# Replace the app's run by a report of what is imported by then, then run the entry point.
PROBE = """
import sys
import reader.tui.app as app
def run(self, *args, **kwargs):
    names = ("click", "reader.cli", "reader.commands", "annotations.formats.registry")
    print(" ".join(n for n in names if n in sys.modules) or "none")
app.HamishApp.run = run
import reader.__main__ as entry
entry.main(sys.argv[1:])
"""


def _hamish(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.parametrize("target", [str(ARTICLE), str(ROOT / "sample_articles")])
def test_hamish_path_opens_the_reader_without_click_or_commands(target):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, target], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def test_the_straight_path_knows_every_command_of_the_cli():
    from reader.__main__ import COMMANDS, reader_target
    from reader.cli import cli

    assert set(cli.commands) == COMMANDS
    assert reader_target(["cat"]) is None  # the command, even with a file named cat
    assert reader_target(["--width", "60", str(ARTICLE)]) is None
    assert reader_target([str(ARTICLE)]) == ARTICLE
    assert reader_target([]) == Path(".")


def test_help_and_commands_behave_as_before():
    done = _hamish("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: hamish [OPTIONS] COMMAND [ARGS]...")
    done = _hamish("cat", str(ARTICLE))
    assert done.returncode == 0
    assert done.stdout.strip() and not done.stderr


def test_errors_are_one_line_with_the_clis_exit_codes(tmp_path):
    missing = _hamish("no-such-article.txt")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "hamish: no-such-article.txt: no such file or folder\n"
    unknown = _hamish("--no-such-option", str(ARTICLE))
    assert unknown.returncode == 2
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "no-such-option" in unknown.stderr
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\xff\xfe" * 100)
    unreadable = _hamish(str(binary))
    via_open = _hamish("open", str(binary))
    assert (unreadable.returncode, unreadable.stderr) == (via_open.returncode, via_open.stderr)
    assert unreadable.returncode != 0 and len(unreadable.stderr.splitlines()) == 1
