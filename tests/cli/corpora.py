"""Helpers the export and import tests share to build their corpora."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.paths import SAMPLES


def sample_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample articles in ``tmp_path/library``, the working folder made
    ``tmp_path``: the relative path ``library`` names it, as a user would."""
    shutil.copytree(SAMPLES, tmp_path / "library")
    monkeypatch.chdir(tmp_path)
    return Path("library")


def span_of(text: str, quote: str, nth: int = 0) -> tuple[int, int]:
    """The code point offsets of the ``nth`` (from 0) occurrence of ``quote`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)
