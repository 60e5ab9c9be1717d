"""Tagsets as the reader reads them: its own keys reserved, colours checked by Rich.

The core (:mod:`annotations.tagset`) knows neither the reader's keys nor Rich; the TUI and
``hamish check`` load tagsets through here, so both refuse the same keys and colours.
No Textual here (``hamish check`` is headless); Rich is imported when a colour is checked.
"""

from __future__ import annotations

from pathlib import Path

from annotations.tagset import (
    Tagset,
    TagsetError,
    find_tagset,
    load_tagset,
    load_tagset_report,
)
from reader.keys import reserved_keys

__all__ = ["color_problem", "find_reader_tagset", "load_reader_tagset", "reader_tagset_report"]


def color_problem(color: str) -> str | None:
    """None if Rich can draw ``color``, else the one-line message for the tagset's report."""
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return (
            f"color {color!r} is not a colour Rich understands "
            "(use a name such as 'red' or '#rrggbb')"
        )
    return None


def load_reader_tagset(folder_or_file: str | Path) -> Tagset:
    """:func:`annotations.tagset.load_tagset` with the reader's keys and colours."""
    return load_tagset(folder_or_file, reserved=reserved_keys(), check_color=color_problem)


def find_reader_tagset(start: str | Path) -> Tagset:
    """:func:`annotations.tagset.find_tagset` with the reader's keys and colours."""
    return find_tagset(start, reserved=reserved_keys(), check_color=color_problem)


def reader_tagset_report(path: str | Path) -> tuple[Tagset, list[TagsetError]]:
    """:func:`annotations.tagset.load_tagset_report` with the reader's keys and colours."""
    return load_tagset_report(path, reserved=reserved_keys(), check_color=color_problem)
