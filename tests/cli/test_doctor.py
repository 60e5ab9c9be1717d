"""`hamish doctor`: what it detected, the self-test line in each mode, and `--use`."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest

from reader.commands.doctor import SAMPLE, SAMPLE_CELLS
from reader.settings import Settings, chosen_bidi, config_path, load_settings, save_settings
from reader.terminal import BDSM_EXPLICIT, BDSM_IMPLICIT, is_detection_variable
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.render import visual_oneline
from tests.cli.terminals import environment, on_pty
from tests.paths import ROOT
from tests.paths import run_cli as run

KITTY_ANSWER = b"\x1bP>|kitty(0.26.5)\x1b\\\x1b[>1;4000;29c"


@pytest.fixture(autouse=True)
def _no_terminal_of_ours(monkeypatch):
    """In-process runs see no trace of the terminal the tests run in."""
    for name in list(os.environ):
        if is_detection_variable(name):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def _rows(out: str) -> dict[str, str]:
    """The report's `label  value` rows."""
    rows = {}
    for line in out.splitlines():
        if line.startswith("  ") and len(line) > 21 and line[2] != " " and line[21] != " ":
            rows[line[2:21].rstrip()] = line[21:]
    return rows


def _self_test(out: str) -> dict[str, str]:
    """Each self-test row's sample, between its borders, by mode."""
    samples = {}
    for line in out.splitlines():
        label, bar, rest = line.partition("\u2502")
        if bar and label.strip() in ("self", "terminal", "logical"):
            samples[label.strip()] = rest.split("\u2502")[0]
    return samples


def test_the_self_test_shows_each_mode_in_its_own_form(capsys):
    code, out, err = run(capsys, "doctor")
    assert code == 0, err
    samples = _self_test(out)
    assert list(samples) == ["self", "terminal", "logical"]
    # self: the engine's line, shaped and reordered, right-aligned in its cells.
    (line,) = layout_paragraph(SAMPLE, LayoutOptions(width=SAMPLE_CELLS)).lines
    assert samples["self"] == line.text
    assert samples["self"].endswith(visual_oneline(SAMPLE)[0])
    assert samples["self"].startswith(" ") and SAMPLE not in samples["self"]
    assert "\ufefb" in samples["self"] or "\ufef7" in samples["self"]  # lam-alef, joined
    # terminal and logical: the logical text as it is, padded on its end.
    assert samples["terminal"].rstrip() == SAMPLE == samples["logical"].rstrip()
    assert "hamish doctor --use self" in out and "hamish doctor --use terminal" in out


def test_the_report_says_what_was_detected(capsys, monkeypatch):
    monkeypatch.setenv("KITTY_WINDOW_ID", "1")
    monkeypatch.setenv("TERM", "xterm-kitty")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.setenv("LC_ALL", "ar_EG.UTF-8")
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    rows = _rows(out)
    assert rows["terminal program"] == "kitty (KITTY_WINDOW_ID=1)"
    assert rows["XTVERSION/DA2"] == "not asked (stdin or stdout is not a terminal)"
    assert rows["TERM"] == "xterm-kitty"
    assert rows["tmux/screen"] == "none"
    assert rows["locale"].startswith("ar_EG.UTF-8 (LC_ALL)")
    assert rows["colours"] == "24-bit (COLORTERM=truecolor)"
    assert rows["reorders by itself"] == "yes"
    assert rows["BDSM"].startswith("no")
    assert "force_ltr yes" in out and "kitty.conf" in out  # how to set it
    assert "bidi on this terminal now: terminal (hamish's pick for kitty;" in out


def test_the_report_inside_tmux(capsys, monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")
    monkeypatch.setenv("TERM_PROGRAM", "tmux")
    monkeypatch.setenv("TERM_PROGRAM_VERSION", "3.3a")
    monkeypatch.setenv("VTE_VERSION", "7600")
    _, out, _ = run(capsys, "doctor")
    rows = _rows(out)
    assert rows["terminal program"].startswith("VTE 0.76")
    assert rows["tmux/screen"].startswith("tmux 3.3a")
    assert rows["BDSM"].startswith("not through tmux")
    assert "pick terminal" in out


def test_doctor_on_a_terminal_asks_it_its_name():
    # A terminal whose environment names nothing, answering as kitty does.
    code, out = on_pty(["doctor"], environment(), answer=KITTY_ANSWER)
    assert code == 0
    rows = _rows(out)
    assert rows["terminal program"] == "kitty 0.26.5 (XTVERSION: kitty(0.26.5); DA2: 1;4000;29)"
    assert rows["XTVERSION/DA2"] == "answered"


def test_doctor_on_a_terminal_that_does_not_answer_goes_on():
    code, out = on_pty(["doctor"], environment(), timeout=20)
    assert code == 0 and "no answer within" in _rows(out)["XTVERSION/DA2"]
    code, out = on_pty(["doctor", "--no-query"], environment(), timeout=20)
    assert code == 0 and _rows(out)["XTVERSION/DA2"] == "not asked (--no-query)"
    assert "\x1b[>q" not in out


def test_the_self_line_is_sent_as_hamish_sends_it_on_a_vte_terminal():
    code, out = on_pty(["doctor", "--no-query"], environment(VTE_VERSION="7600"))
    assert code == 0
    (line,) = [row for row in out.splitlines(keepends=True) if "\u2502" in row and "self" in row]
    assert line.startswith(BDSM_EXPLICIT)
    assert out.count(BDSM_EXPLICIT) == 1 and BDSM_IMPLICIT in out


@pytest.mark.parametrize("mode", ["self", "terminal"])
def test_use_saves_the_mode_and_load_settings_reads_it_back(capsys, mode):
    save_settings(Settings(author="رنا", reading_width=70))
    code, out, err = run(capsys, "doctor", "--use", mode)
    assert code == 0, err
    assert str(config_path()) in out and f'bidi = "{mode}"' in out
    assert tomllib.loads(config_path().read_text(encoding="utf-8"))["bidi"] == mode
    assert load_settings() == Settings(author="رنا", reading_width=70, bidi=mode)
    assert chosen_bidi() == mode
    code, out, _ = run(capsys, "doctor", "--use", "auto")  # forget it
    assert code == 0 and chosen_bidi() is None
    assert load_settings() == Settings(author="رنا", reading_width=70)


def test_use_refuses_a_mode_for_pipes(capsys):
    code, _, err = run(capsys, "doctor", "--use", "logical")
    assert code == 2 and "'self', 'terminal', 'auto'" in err
    assert not config_path().exists()


def test_the_saved_mode_is_what_auto_gives_on_a_terminal(capsys, tmp_path):
    env = environment()  # xterm-256color: hamish's own layout by default
    tag_line = "الأمن"
    library = tmp_path / "library"
    library.mkdir()
    (library / "a.txt").write_text(f"عنوان\n{tag_line} والاقتصاد\n", encoding="utf-8")
    args = ["search", str(library), tag_line]
    assert visual_oneline(tag_line)[0] in on_pty(args, env)[1]
    run(capsys, "doctor", "--use", "terminal")
    code, out = on_pty(args, env)
    assert code == 0 and f"{tag_line} والاقتصاد" in out  # logical, for the terminal to reorder
    assert run(capsys, "doctor", "--use", "self")[0] == 0
    assert visual_oneline(tag_line)[0] in on_pty(["search", "--bidi", "auto", *args[1:]], env)[1]


def test_doctor_does_not_import_textual():
    probe = (
        "import sys\nfrom reader.cli import main\n"
        "try:\n    main(['doctor', '--no-query'])\n"
        "except SystemExit as e:\n    assert e.code == 0\n"
        "assert 'textual' not in sys.modules, 'doctor imported textual'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert SAMPLE in done.stdout


def test_a_broken_config_is_reported_not_fatal(capsys):
    config_path().parent.mkdir(parents=True)
    config_path().write_text('bidi = "sideways"\n', encoding="utf-8")
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert _rows(out)["settings"].startswith("cannot be used: ")
    assert "key 'bidi'" in _rows(out)["settings"]
    assert _self_test(out)["logical"].rstrip() == SAMPLE
