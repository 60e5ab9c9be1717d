"""Exports to other tools' formats, and imports back (one module a format)."""

from annotations.formats.base import (
    ExportDocument,
    ExportReport,
    ImportedAnnotation,
    codepoint_offset,
    utf16_offset,
)

__all__ = [
    "ExportDocument",
    "ExportReport",
    "ImportedAnnotation",
    "codepoint_offset",
    "utf16_offset",
]
