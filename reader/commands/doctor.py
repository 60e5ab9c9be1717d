"""`hamish doctor`: what hamish detected of the terminal, a self-test of the bidi modes,
and saving the mode that reads right (``hamish doctor --use self|terminal``)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from rich.cells import cell_len

from reader.commands.output import logical_text
from reader.settings import (
    BIDI_MODES,
    SettingsError,
    chosen_bidi,
    config_path,
    load_settings,
    save_settings,
)
from reader.terminal import (
    BDSM_EXPLICIT,
    BDSM_IMPLICIT,
    MULTIPLEXERS,
    QUERY_TIMEOUT,
    Detection,
    TerminalReply,
    colour_support,
    detect_terminal,
    laid_out_by_hamish,
    locale_name,
    query_terminal,
)
from reader.text.layout import LayoutOptions, layout_paragraph
from reader.text.sanitize import sanitize

if TYPE_CHECKING:
    from reader.terminal import OutputMode
    from reader.text.layout import BidiMode

__all__ = [
    "SAMPLE",
    "SAMPLE_CELLS",
    "USE_CHOICES",
    "DoctorFacts",
    "gather_facts",
    "sample_line",
    "save_choice",
    "write_doctor",
]

#: The self-test's line: joining letters, a lam-alef, digits, brackets (mirrored) and a
#: colon, so a wrong mode shows at a glance (letters apart, words or digits reversed).
SAMPLE = "هامش يقرأ الأخبار: 3 مقالات (2024)"
SAMPLE_CELLS = 40
#: What ``--use`` saves: a mode for the screen, or ``auto`` (forget it: hamish picks).
USE_CHOICES = (*BIDI_MODES, "auto")
UseChoice = Literal["self", "terminal", "auto"]
_SELF_TEST: tuple[OutputMode, ...] = ("self", "terminal", "logical")
_BORDER = "\u2502"  # │


@dataclass(frozen=True, slots=True)
class DoctorFacts:
    detection: Detection
    query: str  # what became of the XTVERSION/DA2 query, for the report
    locale: tuple[str, str]  # (name, the variable that set it)
    encoding: str
    colours: tuple[str, str]
    chosen: BidiMode | None  # the mode config.toml names
    config: Path
    config_problem: str | None = None  # config.toml cannot be used: why


def gather_facts(
    environ: Mapping[str, str] | None = None,
    *,
    query: bool = True,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> DoctorFacts:
    """Everything the report says; the terminal is asked only if ``query`` and it is one."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    reply: TerminalReply | None = None
    if not query:
        asked = "not asked (--no-query)"
    elif not (_isatty(stdin) and _isatty(stdout)):
        asked = "not asked (stdin or stdout is not a terminal)"
    else:
        reply = query_terminal(stdin=stdin, stdout=stdout)
        asked = "answered" if reply else f"no answer within {QUERY_TIMEOUT:g} s"
    try:
        chosen, problem = chosen_bidi(), None
    except SettingsError as error:  # the doctor reports it instead of failing on it
        chosen, problem = None, str(error)
    return DoctorFacts(
        detection=detect_terminal(environ, reply),
        query=asked,
        locale=locale_name(environ),
        encoding=getattr(stdout, "encoding", None) or "unknown",
        colours=colour_support(environ),
        chosen=chosen,
        config=config_path(),
        config_problem=problem,
    )


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def sample_line(mode: OutputMode) -> str:
    """:data:`SAMPLE` as ``mode`` writes it, in :data:`SAMPLE_CELLS` cells (self: the
    engine's line, right-aligned; terminal and logical: the logical text)."""
    if mode == "self":
        (line,) = layout_paragraph(SAMPLE, LayoutOptions(width=SAMPLE_CELLS)).lines
        shown = line.text
    else:
        shown = logical_text(SAMPLE)
    return shown + " " * max(SAMPLE_CELLS - cell_len(shown), 0)


def _reorders(found: Detection) -> str:
    if found.kind is None:
        return "unknown (taken as no)"
    return {
        "yes": "yes",
        "no": "no",
        "if enabled": "only if turned on in its settings (off by default)",
    }[found.reorders]


def _bdsm(found: Detection) -> str:
    if found.kind is not None and found.kind.bdsm and found.multiplexer:
        name = MULTIPLEXERS[found.multiplexer]
        return f"not through {name} ({name} does not pass it on to {found.kind.name})"
    if found.bdsm:
        return "yes: hamish switches the terminal's own bidi off while it writes"
    if found.reorders == "no":
        return "not needed (the terminal does no bidi)" if found.kind else "unknown"
    return "no: hamish cannot switch the terminal's own bidi off"


def _report(facts: DoctorFacts) -> list[str]:
    found = facts.detection
    evidence = "; ".join(found.evidence) or "nothing in the environment names it"
    mux = "none"
    if found.multiplexer:
        mux = MULTIPLEXERS[found.multiplexer]
        if found.multiplexer_version:
            mux += f" {found.multiplexer_version}"
        mux += "; the terminal outside it draws, and may still reorder"
    locale, why = facts.locale
    utf8 = facts.encoding.lower().replace("-", "") in ("utf8",)
    rows = [
        ("terminal program", f"{found.program} ({evidence})"),
        ("XTVERSION/DA2", facts.query),
        ("TERM", found.term or "(unset)"),
        ("tmux/screen", mux),
        ("locale", f"{locale} ({why}); output encoding {facts.encoding}"),
        ("colours", "{} ({})".format(*facts.colours)),
        ("reorders by itself", _reorders(found)),
        ("BDSM", _bdsm(found)),
    ]
    if facts.config_problem:
        rows.append(("settings", f"cannot be used: {facts.config_problem}"))
    lines = ["hamish doctor: what hamish knows of this terminal", ""]
    lines += [f"  {label:<19}{sanitize(value)}" for label, value in rows]
    if found.kind is not None:
        lines += ["", f"  {found.kind.advice}"]
    if found.multiplexer and found.reorders == "yes":
        lines.append(
            f"  Inside {MULTIPLEXERS[found.multiplexer]}, {found.kind.name if found.kind else ''} "
            "still reorders what it draws and hamish's BDSM does not reach it: pick terminal, "
            "or turn the outer terminal's bidi off and pick self."
        )
    if not utf8:
        lines.append(
            "  The output encoding is not UTF-8: Arabic cannot be written. Use a UTF-8 "
            "locale (e.g. LANG=C.UTF-8)."
        )
    return lines


def write_doctor(out: TextIO, facts: DoctorFacts) -> None:
    """The report, the self-test (one line a mode, labelled) and how to save a choice."""
    for line in _report(facts):
        out.write(line + "\n")
    out.write(
        "\nSelf-test: the same Arabic line in each mode. The one that reads right starts at\n"
        "the right edge, its letters joined, with (2024) in that order:\n\n"
    )
    for mode in _SELF_TEST:
        row = f"  {mode:<10}{_BORDER}{sample_line(mode)}{_BORDER}"
        if mode == "logical":
            row += "  what pipes and files get"
        if laid_out_by_hamish(mode, out):  # as hamish writes it there: BDSM around it
            out.write(BDSM_EXPLICIT + row + "\n" + BDSM_IMPLICIT)
        else:
            out.write(row + "\n")
    found = facts.detection
    if facts.chosen is not None:
        now = f"{facts.chosen} (saved in {facts.config})"
    else:
        where = found.kind.name if found.kind else "an unknown terminal"
        now = f"{found.recommended} (hamish's pick for {where}; {facts.config} names none)"
    out.write(
        f"\nbidi on this terminal now: {sanitize(now)}\n"
        "Save the mode that reads right:  hamish doctor --use self   or   "
        "hamish doctor --use terminal\n"
        "(hamish doctor --use auto forgets it. Pipes and files get logical text whatever\n"
        "the mode, except hamish cat, which stays its page.)\n"
    )


def save_choice(mode: UseChoice, path: Path | None = None) -> str:
    """Save ``mode`` as the ``bidi`` setting (``auto``: remove it) and say so in one line."""
    target = config_path() if path is None else path
    settings = load_settings(target)
    if mode == "auto":
        save_settings(dataclasses.replace(settings, bidi="self"), target)  # the default: unsaid
        return (
            f"{sanitize(str(target))}: no bidi mode saved; on a terminal, cat, search, stats "
            "and check pick one for it, and the reader lays text out itself (self)"
        )
    save_settings(dataclasses.replace(settings, bidi=mode), target, keep=("bidi",))
    return (
        f'{sanitize(str(target))}: saved bidi = "{mode}"; the reader and, on a terminal, '
        "cat, search, stats and check use it"
    )
