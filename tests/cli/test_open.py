"""`hamish [PATH]`: argument handling, settings, and BDSM around the TUI (app not run)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

import reader.cli as cli_module
from reader.terminal import BDSM_EXPLICIT, BDSM_IMPLICIT, explicit_bidi, terminal_reorders
from tests.paths import ROOT, SAMPLES
from tests.paths import run_cli as run


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def launched(monkeypatch):
    """Replace the app's run with a recorder of what would be opened."""
    calls = []

    def fake_run(self):
        calls.append((self.target, self.settings, self.annotations_dir, sys.__stdout__.getvalue()))

    monkeypatch.setattr("reader.tui.app.HamishApp.run", fake_run)
    return calls


def test_path_opens_the_reader_with_settings_and_flags(capsys, launched, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('author = "رنا"\nharakat = false\nreading_width = 70\n', encoding="utf-8")
    monkeypatch.setattr("reader.settings.config_path", lambda: config)
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())
    code, _, err = run(capsys, str(SAMPLES), "--width", "90", "--bidi", "terminal")
    assert code == 0, err
    ((target, settings, annotations_dir, _),) = launched
    assert target == SAMPLES and annotations_dir is None
    assert (settings.author, settings.harakat, settings.reading_width, settings.bidi) == (
        "رنا",
        False,
        90,
        "terminal",
    )


def test_default_path_is_the_current_folder(capsys, launched, monkeypatch):
    monkeypatch.chdir(SAMPLES)
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())
    assert run(capsys)[0] == 0
    assert str(launched[0][0]) == "."


def test_bdsm_explicit_mode_around_the_app_on_reordering_terminals(capsys, launched, monkeypatch):
    fake = FakeTty()
    monkeypatch.setattr(sys, "__stdout__", fake)
    monkeypatch.setenv("VTE_VERSION", "7600")
    assert run(capsys, str(SAMPLES / "ar_economy.txt"))[0] == 0
    during = launched[0][3]
    assert during == BDSM_EXPLICIT  # sent before the app ran
    assert fake.getvalue() == BDSM_EXPLICIT + BDSM_IMPLICIT  # restored after it


def test_no_bdsm_on_plain_terminals_or_in_terminal_mode(capsys, launched, monkeypatch):
    fake = FakeTty()
    monkeypatch.setattr(sys, "__stdout__", fake)
    assert run(capsys, str(SAMPLES / "ar_economy.txt"))[0] == 0
    monkeypatch.setenv("VTE_VERSION", "7600")
    assert run(capsys, "--bidi", "terminal", str(SAMPLES / "ar_economy.txt"))[0] == 0
    assert fake.getvalue() == ""


def test_bdsm_is_restored_after_a_crash():
    stream = FakeTty()
    with pytest.raises(RuntimeError), explicit_bidi(stream, True):
        raise RuntimeError("boom")
    assert stream.getvalue() == BDSM_EXPLICIT + BDSM_IMPLICIT


def test_terminal_detection():
    assert terminal_reorders({"VTE_VERSION": "7200"})
    assert terminal_reorders({"KONSOLE_VERSION": "230804"})
    assert terminal_reorders({"TERM_PROGRAM": "mintty"})
    assert not terminal_reorders({"TERM": "xterm-256color"})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere/x.txt"], "no such file or folder"),
        ([str(ROOT / "tests" / "data" / "BidiCharacterTest.txt.gz")], "binary"),
        (["--bidi", "sideways", str(SAMPLES)], "sideways"),
    ],
)
def test_bad_paths_and_flags_are_one_line_exit_2(capsys, launched, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert launched == []


def test_bad_config_is_one_line_exit_2(capsys, launched, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('bidi = "sideways"\n', encoding="utf-8")
    monkeypatch.setattr("reader.settings.config_path", lambda: config)
    code, _, err = run(capsys, str(SAMPLES))
    assert code == 2 and "config.toml" in err and len(err.strip().splitlines()) == 1


def test_cli_commands_do_not_import_textual():
    probe = (
        "import sys\n"
        "from reader.cli import main\n"
        "for args in (['cat', sys.argv[1]], ['check', sys.argv[2]]):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLES / "he_tech.txt"), str(SAMPLES)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_help_lists_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "cat" in out and "check" in out
    assert cli_module.cli.commands["open"].hidden


def test_paragraph_spacing_flag_overrides_the_setting(capsys, launched, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("paragraph_spacing = true\n", encoding="utf-8")
    monkeypatch.setattr("reader.settings.config_path", lambda: config)
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())
    code, _, err = run(capsys, str(SAMPLES), "--no-paragraph-spacing")
    assert code == 0, err
    ((_, settings, _, _),) = launched
    assert settings.paragraph_spacing is False
