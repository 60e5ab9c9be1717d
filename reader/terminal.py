"""Facts about the terminal that hamish writes to (no Textual here).

Which program it is (from the environment it gives its shell and, when ``hamish doctor``
asks, its XTVERSION and DA2 answers), whether it reorders right-to-left text by itself,
whether it honours ECMA-48 BDSM (so that hamish can switch that off), and from these which
``--bidi`` mode reads right there.

The modes (``--bidi``):

- ``self``: hamish shapes and reorders (for a terminal that does no bidi; on one that does
  and honours BDSM, hamish switches the terminal's bidi off while it writes);
- ``terminal``: logical, unshaped text, for a terminal that reorders and shapes itself;
- ``logical``: the text in logical order for pipes, files and clipboards (no shaping, no
  alignment padding);
- ``auto``: on a terminal, the mode saved in ``config.toml`` (``hamish doctor --use``), else
  the one that reads right on the detected terminal; piped or redirected, ``logical``, except
  for a page laid out for reading (``hamish cat``), which stays ``self``.

Every mode is sanitized: control characters never reach the terminal or the pipe raw.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from reader.text.layout import BidiMode

__all__ = [
    "BDSM_EXPLICIT",
    "BDSM_IMPLICIT",
    "KINDS",
    "MULTIPLEXERS",
    "QUERY_TIMEOUT",
    "BidiChoice",
    "Detection",
    "OutputMode",
    "TerminalKind",
    "TerminalReply",
    "colour_support",
    "detect_terminal",
    "explicit_bidi",
    "honours_bdsm",
    "is_detection_variable",
    "known_to_scramble",
    "laid_out_by_hamish",
    "locale_name",
    "output_width",
    "parse_reply",
    "query_terminal",
    "resolve_bidi",
    "terminal_reorders",
]

# ECMA-48 BDSM (Bi-Directional Support Mode): "explicit" tells a bidi-capable
# terminal not to reorder what we already reordered; "implicit" is its default.
BDSM_EXPLICIT = "\x1b[8l"
BDSM_IMPLICIT = "\x1b[8h"

#: What ``--bidi`` accepts on every text command.
BidiChoice = Literal["auto", "self", "terminal", "logical"]
#: What a command writes once ``auto`` is resolved.
OutputMode = Literal["self", "terminal", "logical"]
#: What a terminal does with right-to-left text by default ("if enabled": an option, off
#: unless the user turned it on).
Reorders = Literal["no", "yes", "if enabled"]


# --------------------------------------------------------------------------------------------
# What each terminal does


@dataclass(frozen=True, slots=True)
class TerminalKind:
    """A terminal program and what it does with right-to-left text."""

    key: str
    name: str
    reorders: Reorders  # by default
    bdsm: bool  # honours BDSM explicit mode (CSI 8 l): hamish can switch its bidi off
    advice: str  # one line for `hamish doctor`


_KITTY_ADVICE = (
    "kitty's default `force_ltr no` shows each right-to-left word right to left itself, "
    "so hamish's own layout (self) reads reversed there. Best: add `force_ltr yes` to "
    "~/.config/kitty/kitty.conf (reload with ctrl+shift+f5, or restart kitty) and pick self; "
    "with kitty's default, terminal reads right to left, left-aligned, and may split "
    "lam-alef."
)

KINDS: dict[str, TerminalKind] = {
    kind.key: kind
    for kind in (
        TerminalKind(
            "vte",
            "VTE",
            "yes",
            True,
            "VTE (GNOME Terminal, Tilix, Terminator, …) 0.58 or later reorders by itself; "
            "hamish switches that off (BDSM) while it writes, so self reads right.",
        ),
        TerminalKind(
            "vte-old",
            "VTE",
            "no",
            False,
            "VTE before 0.58 does no bidi: self reads right.",
        ),
        TerminalKind(
            "konsole",
            "Konsole",
            "yes",
            False,
            "Konsole reorders right-to-left text itself (its profile's Bi-Directional text "
            "rendering option) and cannot be told not to from outside: keep it on and pick "
            "terminal, or turn it off and pick self.",
        ),
        TerminalKind(
            "mlterm",
            "mlterm",
            "yes",
            False,
            "mlterm reorders and shapes right-to-left text itself: pick terminal, or turn "
            "its bidi off and pick self.",
        ),
        TerminalKind(
            "mintty",
            "mintty",
            "yes",
            True,
            "mintty reorders by itself; hamish switches that off (BDSM) while it writes, "
            "so self reads right.",
        ),
        TerminalKind("kitty", "kitty", "yes", False, _KITTY_ADVICE),
        TerminalKind(
            "wezterm",
            "WezTerm",
            "if enabled",
            False,
            "WezTerm reorders only with `config.bidi_enabled = true`: with it off (the "
            "default) pick self, with it on pick terminal.",
        ),
        TerminalKind(
            "iterm2",
            "iTerm2",
            "if enabled",
            False,
            "iTerm2 (3.5 or later) reorders right-to-left text only when its bidirectional "
            "text setting is on: then pick terminal, else self.",
        ),
        TerminalKind(
            "apple",
            "Apple Terminal",
            "yes",
            False,
            "Terminal.app always reorders and shapes right-to-left text and cannot be told "
            "not to: pick terminal.",
        ),
        TerminalKind(
            "windows-terminal",
            "Windows Terminal",
            "no",
            False,
            "Windows Terminal does no bidi: self reads right.",
        ),
        TerminalKind("foot", "foot", "no", False, "foot does no bidi: self reads right."),
        TerminalKind(
            "alacritty", "Alacritty", "no", False, "Alacritty does no bidi: self reads right."
        ),
        TerminalKind("xterm", "xterm", "no", False, "xterm does no bidi: self reads right."),
    )
}

#: Multiplexers: they draw the screen for the terminal outside, which may still reorder
#: it, and do not pass BDSM on, so hamish cannot switch the outer terminal's bidi off.
MULTIPLEXERS = {"tmux": "tmux", "screen": "GNU screen"}

# XTVERSION names (lower case, up to the version) and DA2 first parameters we know.
_XTVERSION_NAMES = {
    "kitty": "kitty",
    "wezterm": "wezterm",
    "foot": "foot",
    "xterm": "xterm",
    "iterm2": "iterm2",
    "mintty": "mintty",
    "konsole": "konsole",
    "alacritty": "alacritty",
    "mlterm": "mlterm",
    "vte": "vte",
    "tmux": "tmux",
    "screen": "screen",
}
# DA2 first parameters: VTE answers 65 (with its VTE_VERSION), mintty 77 ('M'), GNU screen
# 83 ('S'), tmux 84 ('T'); the others answer numbers many terminals share.
_DA2_IDS = {65: "vte", 77: "mintty", 83: "screen", 84: "tmux"}

_VTE_WITH_BIDI = 5800  # VTE_VERSION of VTE 0.58, the first with bidi (and BDSM)

# Every variable :func:`detect_terminal` reads (and prefixes of families of them).
_VARIABLES = (
    "TERM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "LC_TERMINAL",
    "LC_TERMINAL_VERSION",
    "ITERM_SESSION_ID",
    "KITTY_WINDOW_ID",
    "KITTY_PID",
    "VTE_VERSION",
    "KONSOLE_VERSION",
    "MLTERM",
    "WT_SESSION",
    "ALACRITTY_WINDOW_ID",
    "ALACRITTY_SOCKET",
    "XTERM_VERSION",
    "TMUX",
    "STY",
)
_PREFIXES = ("WEZTERM_",)


def is_detection_variable(name: str) -> bool:
    """Whether detection reads the environment variable ``name`` (tests clear them all)."""
    return name in _VARIABLES or name.startswith(_PREFIXES)


@dataclass(frozen=True, slots=True)
class TerminalReply:
    """What the terminal answered: XTVERSION's text (``kitty(0.26.5)``), DA2's numbers."""

    version_text: str | None = None
    da2: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    """What hamish knows of the terminal: the program, TERM, a multiplexer, the evidence."""

    kind: TerminalKind | None
    version: str | None = None
    term: str | None = None
    multiplexer: str | None = None  # a key of MULTIPLEXERS
    multiplexer_version: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def program(self) -> str:
        if self.kind is None:
            return "unknown"
        return f"{self.kind.name} {self.version}" if self.version else self.kind.name

    @property
    def reorders(self) -> Reorders:
        """What the terminal that draws does with right-to-left text by default."""
        return self.kind.reorders if self.kind else "no"

    @property
    def bdsm(self) -> bool:
        """Whether BDSM reaches a terminal that honours it (a multiplexer drops it)."""
        return bool(self.kind and self.kind.bdsm and self.multiplexer is None)

    @property
    def recommended(self) -> BidiMode:
        """The mode that reads right here by default: ``terminal`` where the terminal
        reorders and cannot be told not to, else ``self``."""
        return "terminal" if self.reorders == "yes" and not self.bdsm else "self"


def _version_of_vte(value: str) -> str:
    """``VTE_VERSION`` 7600 is VTE 0.76."""
    number = int(value) if value.isdigit() else 0
    return f"{number // 10000}.{number // 100 % 100}" if number else value


def _version_of_konsole(value: str) -> str:
    """``KONSOLE_VERSION`` 230804 is Konsole 23.08.04."""
    if value.isdigit() and len(value) == 6:
        return f"{value[:2]}.{value[2:4]}.{value[4:]}"
    return value


_XTVERSION_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_-]*)[\s(]*([^()\s]*)\)?")


def _from_xtversion(text: str) -> tuple[str | None, str | None]:
    """(kind key or multiplexer, version) from an XTVERSION answer such as ``foot(1.16.2)``."""
    m = _XTVERSION_RE.match(text)
    if not m:
        return None, None
    return _XTVERSION_NAMES.get(m.group(1).lower()), m.group(2) or None


def _from_environment(env: Mapping[str, str]) -> tuple[str | None, str | None, str]:
    """(kind key, version, evidence) of the terminal emulator, from its environment.

    The most specific evidence first: a terminal started from another inherits the
    other's variables (``VTE_VERSION`` in an Alacritty opened from GNOME Terminal), but
    ``TERM`` and the program's own variables are set by the terminal that draws.
    """
    term = env.get("TERM", "")
    program = env.get("TERM_PROGRAM", "")
    program_version = env.get("TERM_PROGRAM_VERSION") or None
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty":
        return "kitty", None, "KITTY_WINDOW_ID" if env.get("KITTY_WINDOW_ID") else "TERM"
    wezterm = sorted(name for name in env if name.startswith("WEZTERM_"))
    if program == "WezTerm" or term == "wezterm" or wezterm:
        version = program_version if program == "WezTerm" else None
        return "wezterm", version, "TERM_PROGRAM" if program == "WezTerm" else wezterm[0]
    if program == "iTerm.app":
        return "iterm2", program_version, "TERM_PROGRAM"
    if env.get("LC_TERMINAL") == "iTerm2" or env.get("ITERM_SESSION_ID"):
        evidence = "LC_TERMINAL" if env.get("LC_TERMINAL") else "ITERM_SESSION_ID"
        return "iterm2", env.get("LC_TERMINAL_VERSION") or None, evidence
    if program == "Apple_Terminal":
        return "apple", program_version, "TERM_PROGRAM"
    if program == "mintty" or term.startswith("mintty"):
        return "mintty", program_version, "TERM_PROGRAM" if program == "mintty" else "TERM"
    if term in ("foot", "foot-extra") or term.startswith("foot-"):
        return "foot", None, "TERM"
    if term == "alacritty" or env.get("ALACRITTY_WINDOW_ID") or env.get("ALACRITTY_SOCKET"):
        return "alacritty", None, "TERM" if term == "alacritty" else "ALACRITTY_WINDOW_ID"
    if env.get("MLTERM") or term.startswith("mlterm"):
        return "mlterm", env.get("MLTERM") or None, "MLTERM" if env.get("MLTERM") else "TERM"
    if env.get("KONSOLE_VERSION"):
        return "konsole", _version_of_konsole(env["KONSOLE_VERSION"]), "KONSOLE_VERSION"
    if env.get("VTE_VERSION"):
        value = env["VTE_VERSION"]
        modern = not value.isdigit() or int(value) >= _VTE_WITH_BIDI
        return ("vte" if modern else "vte-old"), _version_of_vte(value), "VTE_VERSION"
    if env.get("WT_SESSION"):
        return "windows-terminal", None, "WT_SESSION"
    if env.get("XTERM_VERSION"):
        return "xterm", _from_xtversion(env["XTERM_VERSION"])[1], "XTERM_VERSION"
    return None, None, ""


def _multiplexer_from_environment(env: Mapping[str, str]) -> tuple[str | None, str | None, str]:
    term = env.get("TERM", "")
    if env.get("TMUX") or env.get("TERM_PROGRAM") == "tmux":
        version = env.get("TERM_PROGRAM_VERSION") if env.get("TERM_PROGRAM") == "tmux" else None
        return "tmux", version or None, "TMUX" if env.get("TMUX") else "TERM_PROGRAM"
    if env.get("STY"):
        return "screen", None, "STY"
    if term.startswith("tmux"):
        return "tmux", None, "TERM"
    if term.startswith("screen"):
        return "screen", None, "TERM"
    return None, None, ""


def detect_terminal(
    environ: Mapping[str, str] | None = None, reply: TerminalReply | None = None
) -> Detection:
    """What the terminal is, from ``environ`` (default: ``os.environ``) and, if given,
    its answer to :func:`query_terminal` (which wins: it is the terminal speaking)."""
    env = os.environ if environ is None else environ
    key, version, why = _from_environment(env)
    evidence = [f"{why}={env[why]}" if why in env else why] if key else []
    mux, mux_version, mux_why = _multiplexer_from_environment(env)
    if mux:
        evidence.append(f"{mux_why}={env[mux_why]}" if mux_why != "TMUX" else "TMUX")
    if reply is not None:
        answered, answered_version = (None, None)
        if reply.version_text:
            answered, answered_version = _from_xtversion(reply.version_text)
            evidence.append(f"XTVERSION: {reply.version_text}")
        if reply.da2 is not None:
            evidence.append("DA2: " + ";".join(map(str, reply.da2)))
            if answered is None and reply.da2:
                answered = _DA2_IDS.get(reply.da2[0])
                if answered == "vte" and len(reply.da2) > 1:
                    answered_version = _version_of_vte(str(reply.da2[1]))
                    if reply.da2[1] < _VTE_WITH_BIDI:
                        answered = "vte-old"
                elif answered is not None:
                    answered_version = None
        if answered in MULTIPLEXERS:
            mux, mux_version = answered, answered_version or mux_version
        elif answered is not None and mux is None:  # inside a multiplexer, it answers
            key, version = answered, answered_version or (version if key == answered else None)
    return Detection(
        kind=KINDS.get(key) if key else None,
        version=version,
        term=env.get("TERM") or None,
        multiplexer=mux,
        multiplexer_version=mux_version,
        evidence=tuple(evidence),
    )


def terminal_reorders(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the terminal reorders right-to-left text by itself by default (VTE, Konsole,
    mlterm, mintty, kitty, Apple Terminal)."""
    return detect_terminal(environ).reorders == "yes"


def known_to_scramble(
    environ: Mapping[str, str] | None = None, mode: BidiMode = "self", *, chosen: bool = False
) -> str | None:
    """A one-line hint when right-to-left text in ``mode`` reads wrong on this terminal as
    far as hamish knows (None otherwise, and when the user ``chosen`` a mode already)."""
    if chosen:
        return None
    found = detect_terminal(environ)
    if found.kind is None:
        return None
    where = found.kind.name
    if found.multiplexer:
        where += f" (through {MULTIPLEXERS[found.multiplexer]})"
    if mode == "self" and found.reorders == "yes" and not found.bdsm:
        extra = " (or set `force_ltr yes` in kitty.conf)" if found.kind.key == "kitty" else ""
        return (
            f"{where} reorders right-to-left text itself, so hamish's layout may read "
            f"reversed: run `hamish doctor` to pick the mode that reads right{extra}"
        )
    if mode == "terminal" and found.reorders == "no":
        return (
            f"{where} does no bidi, so right-to-left text reads reversed with --bidi terminal: "
            "run `hamish doctor` to pick the mode that reads right"
        )
    return None


# --------------------------------------------------------------------------------------------
# The mode a command writes in


def resolve_bidi(
    requested: BidiChoice,
    stream: TextIO,
    *,
    page: bool = False,
    chosen: Callable[[], BidiMode | None] = lambda: None,
    environ: Mapping[str, str] | None = None,
) -> OutputMode:
    """The mode to write ``stream`` in for ``--bidi requested``.

    ``auto`` on a terminal: ``chosen()`` (the mode ``config.toml`` names, asked only then),
    else the detected terminal's :attr:`Detection.recommended`; piped or redirected:
    ``logical``, or ``self`` for a ``page`` laid out for reading (``hamish cat``).
    """
    if requested != "auto":
        return requested
    if not _isatty(stream):
        return "self" if page else "logical"
    saved = chosen()
    if saved is not None:
        return saved
    return detect_terminal(environ).recommended


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a file at all
        return False


def output_width(stream: TextIO | None = None, default: int = 80) -> int:
    """The terminal's width in cells, or ``default`` when not writing to a terminal."""
    stream = sys.stdout if stream is None else stream
    if stream.isatty():
        return shutil.get_terminal_size((default, 24)).columns
    return default


@contextmanager
def explicit_bidi(stream: TextIO, enabled: bool) -> Iterator[None]:
    """Switch a reordering terminal to BDSM explicit mode for the duration, then back."""
    if not enabled:
        yield
        return
    stream.write(BDSM_EXPLICIT)
    stream.flush()
    try:
        yield
    finally:
        stream.write(BDSM_IMPLICIT)
        stream.flush()


def honours_bdsm(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the terminal reorders by itself and lets hamish switch that off with BDSM
    explicit mode (VTE 0.58 or later, mintty; not through tmux or screen). Elsewhere the
    sequence is not sent: kitty, for one, logs it as a parse error."""
    return detect_terminal(environ).bdsm


def laid_out_by_hamish(mode: OutputMode, stream: TextIO) -> bool:
    """Whether to send BDSM explicit mode around output in ``mode``: hamish's own layout
    on a terminal that would reorder it again, and that honours BDSM."""
    return mode == "self" and _isatty(stream) and honours_bdsm()


# --------------------------------------------------------------------------------------------
# Asking the terminal (only `hamish doctor` does)

XTVERSION_QUERY = b"\x1b[>q"  # answered DCS > | name(version) ST by xterm, kitty, foot, …
DA2_QUERY = b"\x1b[>c"  # answered CSI > Pp ; Pv ; Pc c by nearly every terminal
QUERY_TIMEOUT = 0.5  # seconds: a terminal that has not answered by then is not waited for

_DCS_RE = re.compile(rb"(?:\x1bP|\x90)>\|(.*?)(?:\x1b\\|\x9c|\x07)", re.S)
_DA2_RE = re.compile(rb"(?:\x1b\[|\x9b)>([0-9;]*)c")


def parse_reply(data: bytes) -> TerminalReply:
    """The XTVERSION text and DA2 numbers in what the terminal sent back."""
    from reader.text.sanitize import sanitize

    version = _DCS_RE.search(data)
    da2 = _DA2_RE.search(data)
    return TerminalReply(
        version_text=sanitize(version.group(1).decode("utf-8", "replace")).strip() or None
        if version
        else None,
        da2=tuple(int(n) for n in da2.group(1).split(b";") if n) if da2 else None,
    )


def _in_background(fd: int) -> bool:
    """Whether we are a background job of the terminal ``fd`` (`hamish doctor &`): setting
    its modes or reading it would stop us (SIGTTOU, SIGTTIN)."""
    try:
        return os.tcgetpgrp(fd) != os.getpgrp()
    except OSError:  # not our controlling terminal: no job control applies
        return False


def query_terminal(
    timeout: float = QUERY_TIMEOUT, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> TerminalReply | None:
    """Ask the terminal for XTVERSION and DA2; None when stdin or stdout is not a terminal
    (nothing is sent then) or it did not answer within ``timeout`` seconds.

    The terminal answers in order, so DA2's answer (asked last, known to nearly every
    terminal) ends the wait; echo and line editing are off meanwhile and restored after.
    """
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    if not (_isatty(stdin) and _isatty(stdout)):
        return None
    try:
        import select
        import termios
        import time
    except ImportError:  # not a POSIX terminal (Windows)
        return None
    fd_in, fd_out = stdin.fileno(), stdout.fileno()
    if _in_background(fd_in):
        return None
    try:
        saved = termios.tcgetattr(fd_in)
    except termios.error:
        return None
    quiet = list(saved)
    quiet[3] = saved[3] & ~(termios.ICANON | termios.ECHO)  # lflag
    quiet[6] = list(saved[6])
    quiet[6][termios.VMIN] = 0
    quiet[6][termios.VTIME] = 0
    data = b""
    try:
        termios.tcsetattr(fd_in, termios.TCSANOW, quiet)
        stdout.flush()
        os.write(fd_out, XTVERSION_QUERY + DA2_QUERY)
        deadline = time.monotonic() + timeout
        while _DA2_RE.search(data) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd_in], [], [], left)
            if not ready:
                break
            chunk = os.read(fd_in, 1024)
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    finally:
        termios.tcsetattr(fd_in, termios.TCSANOW, saved)
    reply = parse_reply(data)
    return reply if reply.version_text or reply.da2 is not None else None


# --------------------------------------------------------------------------------------------
# Locale and colours (reported by `hamish doctor`)


def locale_name(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The character-type locale and the variable that sets it (LC_ALL, LC_CTYPE, LANG)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        if env.get(name):
            return env[name], name
    return "C", "default"


def colour_support(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(colours, why): what the environment says the terminal shows."""
    env = os.environ if environ is None else environ
    term = env.get("TERM", "")
    if "NO_COLOR" in env:
        return "none", "NO_COLOR is set"
    colorterm = env.get("COLORTERM", "").lower()
    if colorterm in ("truecolor", "24bit"):
        return "24-bit", f"COLORTERM={colorterm}"
    if term == "dumb" or not term:
        return "none", f"TERM={term or '(unset)'}"
    if "256color" in term or term in ("xterm-kitty", "wezterm", "foot", "alacritty"):
        return "256", f"TERM={term}"
    return "16", f"TERM={term}"
