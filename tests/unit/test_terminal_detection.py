"""reader/terminal.py: which terminal this is, what it does with RTL text, which --bidi
mode reads right there, and the XTVERSION/DA2 query (skipped without a tty)."""

from __future__ import annotations

import io
import os
import pty
import termios
import threading
import time

import pytest

from reader.terminal import (
    DA2_QUERY,
    XTVERSION_QUERY,
    TerminalReply,
    colour_support,
    detect_terminal,
    is_detection_variable,
    known_to_scramble,
    locale_name,
    parse_reply,
    query_terminal,
    resolve_bidi,
    terminal_reorders,
)

TMUX = "/tmp/tmux-1000/default,4242,0"

# environment -> (program, multiplexer, reorders, BDSM honoured, the mode that reads right)
TABLE = [
    ({}, ("unknown", None, "no", False, "self")),
    ({"TERM": "xterm-256color"}, ("unknown", None, "no", False, "self")),
    ({"TERM": "xterm", "XTERM_VERSION": "XTerm(379)"}, ("xterm 379", None, "no", False, "self")),
    ({"VTE_VERSION": "7600", "TERM": "xterm-256color"}, ("VTE 0.76", None, "yes", True, "self")),
    ({"VTE_VERSION": "5202"}, ("VTE 0.52", None, "no", False, "self")),
    ({"KONSOLE_VERSION": "230804"}, ("Konsole 23.08.04", None, "yes", False, "terminal")),
    ({"MLTERM": "3.9.3", "TERM": "xterm"}, ("mlterm 3.9.3", None, "yes", False, "terminal")),
    (
        {"TERM_PROGRAM": "mintty", "TERM_PROGRAM_VERSION": "3.6.4"},
        ("mintty 3.6.4", None, "yes", True, "self"),
    ),
    ({"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"}, ("kitty", None, "yes", False, "terminal")),
    ({"TERM": "xterm-kitty"}, ("kitty", None, "yes", False, "terminal")),  # over ssh
    (
        {"TERM_PROGRAM": "WezTerm", "TERM_PROGRAM_VERSION": "20240203", "WEZTERM_PANE": "0"},
        ("WezTerm 20240203", None, "if enabled", False, "self"),
    ),
    (
        {"WEZTERM_EXECUTABLE": "/usr/bin/wezterm-gui"},
        ("WezTerm", None, "if enabled", False, "self"),
    ),
    (
        {"TERM_PROGRAM": "iTerm.app", "TERM_PROGRAM_VERSION": "3.5.0"},
        ("iTerm2 3.5.0", None, "if enabled", False, "self"),
    ),
    (
        {"LC_TERMINAL": "iTerm2", "LC_TERMINAL_VERSION": "3.4.19"},
        ("iTerm2 3.4.19", None, "if enabled", False, "self"),
    ),
    (
        {"TERM_PROGRAM": "Apple_Terminal", "TERM_PROGRAM_VERSION": "453"},
        ("Apple Terminal 453", None, "yes", False, "terminal"),
    ),
    ({"WT_SESSION": "5b3c-11ee"}, ("Windows Terminal", None, "no", False, "self")),
    ({"TERM": "foot"}, ("foot", None, "no", False, "self")),
    ({"TERM": "foot-extra"}, ("foot", None, "no", False, "self")),
    ({"TERM": "alacritty"}, ("Alacritty", None, "no", False, "self")),
    (
        {"ALACRITTY_WINDOW_ID": "94", "TERM": "xterm-256color"},
        ("Alacritty", None, "no", False, "self"),
    ),
    # A terminal started from another inherits its variables; TERM is the drawing one's.
    ({"VTE_VERSION": "7600", "TERM": "alacritty"}, ("Alacritty", None, "no", False, "self")),
    ({"VTE_VERSION": "7600", "KITTY_WINDOW_ID": "3"}, ("kitty", None, "yes", False, "terminal")),
    # Multiplexers: the outer terminal still reorders, and BDSM does not get through.
    (
        {
            "TMUX": TMUX,
            "TERM": "tmux-256color",
            "TERM_PROGRAM": "tmux",
            "TERM_PROGRAM_VERSION": "3.3a",
            "VTE_VERSION": "7600",
        },
        ("VTE 0.76", "tmux", "yes", False, "terminal"),
    ),
    ({"TMUX": TMUX, "TERM": "screen-256color"}, ("unknown", "tmux", "no", False, "self")),
    ({"STY": "4242.pts-0.host", "TERM": "screen"}, ("unknown", "screen", "no", False, "self")),
    ({"TERM": "screen.xterm-256color"}, ("unknown", "screen", "no", False, "self")),
    ({"TMUX": TMUX, "WT_SESSION": "x"}, ("Windows Terminal", "tmux", "no", False, "self")),
]


@pytest.mark.parametrize(("env", "expected"), TABLE, ids=lambda v: str(v)[:60])
def test_detection_table(env, expected):
    found = detect_terminal(env)
    assert (found.program, found.multiplexer, found.reorders, found.bdsm, found.recommended) == (
        expected
    )
    assert found.term == (env.get("TERM") or None)
    if found.kind is not None:
        assert found.evidence  # the report says what it was found by


def test_every_variable_detection_reads_is_known_to_the_tests():
    for env, _ in TABLE:
        for name in env:
            assert is_detection_variable(name), name
    assert not is_detection_variable("HOME")


# reply -> (program, multiplexer)
REPLIES = [
    ({}, TerminalReply("kitty(0.26.5)", (1, 4000, 29)), ("kitty 0.26.5", None)),
    ({"VTE_VERSION": "7600"}, TerminalReply("foot(1.16.2)", (1, 11602, 0)), ("foot 1.16.2", None)),
    (
        {},
        TerminalReply("WezTerm 20230712-072601-f4abf8fd"),
        ("WezTerm 20230712-072601-f4abf8fd", None),
    ),
    ({}, TerminalReply("XTerm(390)", (41, 390, 0)), ("xterm 390", None)),
    ({}, TerminalReply(None, (65, 7600, 1)), ("VTE 0.76", None)),
    ({}, TerminalReply(None, (65, 5400, 1)), ("VTE 0.54", None)),
    ({}, TerminalReply(None, (77, 30604, 0)), ("mintty", None)),
    ({}, TerminalReply(None, (1, 4000, 29)), ("unknown", None)),
    # In tmux, tmux answers: the terminal outside is still the environment's.
    (
        {"TMUX": TMUX, "KITTY_WINDOW_ID": "1"},
        TerminalReply("tmux 3.3a", (84, 0, 0)),
        ("kitty", "tmux"),
    ),
    ({}, TerminalReply(None, (84, 0, 0)), ("unknown", "tmux")),
    ({}, TerminalReply(None, (83, 40900, 0)), ("unknown", "screen")),
]


@pytest.mark.parametrize(("env", "reply", "expected"), REPLIES, ids=lambda v: str(v)[:50])
def test_the_terminals_answer_wins_over_its_environment(env, reply, expected):
    found = detect_terminal(env, reply)
    assert (found.program, found.multiplexer) == expected
    if reply.version_text:
        assert f"XTVERSION: {reply.version_text}" in found.evidence


def test_old_vte_by_its_answer_does_no_bidi():
    assert detect_terminal({}, TerminalReply(None, (65, 5400, 1))).reorders == "no"
    assert detect_terminal({}, TerminalReply(None, (65, 7600, 1))).bdsm


def test_terminal_reorders_covers_the_new_terminals():
    assert terminal_reorders({"KITTY_WINDOW_ID": "1"})
    assert terminal_reorders({"TERM_PROGRAM": "Apple_Terminal"})
    assert not terminal_reorders({"TERM_PROGRAM": "WezTerm"})  # only with bidi_enabled
    assert not terminal_reorders({"VTE_VERSION": "5202"})


def test_known_to_scramble_hints_point_at_doctor():
    kitty = known_to_scramble({"KITTY_WINDOW_ID": "1"})
    assert kitty is not None and "hamish doctor" in kitty and "force_ltr yes" in kitty
    assert "\n" not in kitty
    konsole = known_to_scramble({"KONSOLE_VERSION": "230804"})
    assert konsole is not None and konsole.startswith("Konsole") and "force_ltr" not in konsole
    apple = known_to_scramble({"TERM_PROGRAM": "Apple_Terminal"})
    assert apple is not None and "hamish doctor" in apple
    in_tmux = known_to_scramble({"VTE_VERSION": "7600", "TMUX": TMUX})
    assert in_tmux is not None and "tmux" in in_tmux
    # What reads right: no hint.
    assert known_to_scramble({"VTE_VERSION": "7600"}) is None  # BDSM switches VTE's bidi off
    assert known_to_scramble({"TERM_PROGRAM": "mintty"}) is None
    assert known_to_scramble({"TERM": "xterm-256color", "XTERM_VERSION": "XTerm(379)"}) is None
    assert known_to_scramble({"TERM_PROGRAM": "WezTerm"}) is None
    assert known_to_scramble({}) is None  # unknown: nothing to say
    assert known_to_scramble({"KITTY_WINDOW_ID": "1"}, "terminal") is None
    # terminal mode on a terminal that does no bidi reads reversed.
    xterm = known_to_scramble({"XTERM_VERSION": "XTerm(379)"}, "terminal")
    assert xterm is not None and "--bidi terminal" in xterm
    # A mode the user chose in config.toml is not second-guessed.
    assert known_to_scramble({"KITTY_WINDOW_ID": "1"}, chosen=True) is None


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def _never() -> None:
    raise AssertionError("config.toml was read for a stream that is not a terminal")


@pytest.mark.parametrize("requested", ["self", "terminal", "logical"])
def test_an_explicit_mode_is_kept_everywhere(requested):
    for tty in (True, False):
        assert resolve_bidi(requested, _Stream(tty), chosen=_never, environ={}) == requested


def test_auto_piped_is_logical_and_a_page_stays_self():
    env = {"KITTY_WINDOW_ID": "1"}
    assert resolve_bidi("auto", _Stream(False), chosen=_never, environ=env) == "logical"
    assert resolve_bidi("auto", _Stream(False), page=True, chosen=_never, environ=env) == "self"


def test_auto_on_a_terminal_takes_the_saved_mode_else_what_reads_right_there():
    tty = _Stream(True)
    assert resolve_bidi("auto", tty, environ={"TERM": "xterm-256color"}) == "self"
    assert resolve_bidi("auto", tty, environ={"KITTY_WINDOW_ID": "1"}) == "terminal"
    assert resolve_bidi("auto", tty, environ={"VTE_VERSION": "7600"}) == "self"
    assert resolve_bidi("auto", tty, page=True, environ={"KONSOLE_VERSION": "230804"}) == (
        "terminal"
    )
    saved = lambda: "self"  # noqa: E731 - the user set kitty's force_ltr and saved self
    assert resolve_bidi("auto", tty, chosen=saved, environ={"KITTY_WINDOW_ID": "1"}) == "self"


def test_locale_and_colours():
    assert locale_name({"LANG": "ar_EG.UTF-8", "LC_CTYPE": "C.UTF-8"}) == ("C.UTF-8", "LC_CTYPE")
    assert locale_name({"LC_ALL": "fa_IR.UTF-8", "LANG": "C"}) == ("fa_IR.UTF-8", "LC_ALL")
    assert locale_name({}) == ("C", "default")
    assert colour_support({"TERM": "xterm-256color", "COLORTERM": "truecolor"})[0] == "24-bit"
    assert colour_support({"TERM": "xterm-256color"})[0] == "256"
    assert colour_support({"TERM": "xterm"})[0] == "16"
    assert colour_support({"TERM": "dumb"})[0] == "none"
    assert colour_support({"TERM": "xterm-256color", "NO_COLOR": "1"}) == (
        "none",
        "NO_COLOR is set",
    )


def test_parse_reply():
    reply = parse_reply(b"\x1bP>|kitty(0.26.5)\x1b\\\x1b[>1;4000;29c")
    assert reply == TerminalReply("kitty(0.26.5)", (1, 4000, 29))
    assert parse_reply(b"\x1b[>65;7600;1c") == TerminalReply(None, (65, 7600, 1))
    assert parse_reply(b"") == TerminalReply(None, None)
    # What a terminal answers is shown, so it is sanitized like article text.
    hostile = parse_reply(b"\x1bP>|evil\x1b]0;title\x07\x1b\\")
    assert hostile.version_text is not None and "\x1b" not in hostile.version_text


def test_the_query_is_skipped_without_a_tty():
    out = _Stream(False)
    started = time.monotonic()
    assert query_terminal(stdin=_Stream(False), stdout=out) is None
    assert query_terminal(stdin=_Stream(True), stdout=out) is None  # stdout a pipe
    assert out.getvalue() == ""  # nothing was sent
    read, write = os.pipe()
    with os.fdopen(read) as stdin, os.fdopen(write, "w") as pipe_out:
        assert query_terminal(stdin=stdin, stdout=pipe_out, timeout=5) is None
    assert time.monotonic() - started < 1  # never waited for an answer


def _pty_pair():
    master, slave = pty.openpty()
    stream = os.fdopen(slave, "w", encoding="utf-8")  # isatty() and fileno() are what count
    return master, stream


def test_the_query_reads_a_terminals_answer_and_restores_the_tty():
    master, tty = _pty_pair()
    asked = []

    def terminal() -> None:
        data = b""
        while DA2_QUERY not in data:
            data += os.read(master, 100)
        asked.append(data)
        os.write(master, b"\x1bP>|kitty(0.26.5)\x1b\\\x1b[>1;4000;29c")

    before = termios.tcgetattr(tty.fileno())
    answering = threading.Thread(target=terminal, daemon=True)
    answering.start()
    try:
        reply = query_terminal(stdin=tty, stdout=tty, timeout=5)
    finally:
        answering.join(5)
        after = termios.tcgetattr(tty.fileno())
        tty.close()
        os.close(master)
    assert asked == [XTVERSION_QUERY + DA2_QUERY]
    assert reply == TerminalReply("kitty(0.26.5)", (1, 4000, 29))
    assert after == before  # echo and line editing back as they were


def test_a_terminal_that_does_not_answer_is_not_waited_for():
    master, tty = _pty_pair()
    try:
        started = time.monotonic()
        assert query_terminal(stdin=tty, stdout=tty, timeout=0.2) is None
        assert time.monotonic() - started < 2
        assert os.read(master, 100) == XTVERSION_QUERY + DA2_QUERY
    finally:
        tty.close()
        os.close(master)
