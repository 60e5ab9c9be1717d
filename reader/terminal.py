"""Facts about the terminal that hamish writes to (no Textual here)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# ECMA-48 BDSM (Bi-Directional Support Mode): "explicit" tells a bidi-capable
# terminal not to reorder what we already reordered; "implicit" is its default.
BDSM_EXPLICIT = "\x1b[8l"
BDSM_IMPLICIT = "\x1b[8h"


def terminal_reorders(environ: dict[str, str] | None = None) -> bool:
    """Whether the terminal does bidi on its own (VTE, Konsole, mlterm, mintty)."""
    env = os.environ if environ is None else environ
    return bool(
        env.get("VTE_VERSION")
        or env.get("KONSOLE_VERSION")
        or env.get("MLTERM")
        or env.get("TERM_PROGRAM") == "mintty"
    )


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
