"""A copy of the sample library with fixed modification times, for app tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.paths import SAMPLES

FIXED_TIME = 1_712_131_200  # 2024-04-03 08:00 UTC


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(SAMPLES, folder)
    for path in folder.rglob("*"):
        os.utime(path, (FIXED_TIME, FIXED_TIME))
    return folder
