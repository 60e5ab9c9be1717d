"""Exports to other tools' formats, and imports back (one module a format).

:mod:`annotations.formats.registry` lists the formats (the command line is built from
it); :mod:`annotations.formats.offsets` converts between code points and UTF-16 units;
:mod:`annotations.formats.base` has what every format receives and yields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotations.formats.registry import (
    FORMATS,
    Format,
    FormatOption,
    export_formats,
    get_format,
    import_formats,
)

if TYPE_CHECKING:
    from annotations.formats.base import ExportDocument, ExportReport, ImportedAnnotation

__all__ = [
    "FORMATS",
    "ExportDocument",
    "ExportReport",
    "Format",
    "FormatOption",
    "ImportedAnnotation",
    "export_formats",
    "get_format",
    "import_formats",
]

_FROM_BASE = frozenset({"ExportDocument", "ExportReport", "ImportedAnnotation"})


def __getattr__(name: str) -> Any:
    # base.py is imported on first use: the command line imports this package at start-up
    # (for the registry), and most commands never export.
    if name in _FROM_BASE:
        from annotations.formats import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
