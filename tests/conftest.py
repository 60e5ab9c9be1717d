"""Shared fixtures: runs are deterministic and never touch the user's real config."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    # Recovery files and caches go to the user's data folders: never the real ones.
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    import os

    from reader.terminal import is_detection_variable

    # What the terminal running the suite is must not change what hamish detects.
    for name in [*os.environ]:
        if name == "COLUMNS" or is_detection_variable(name):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture(autouse=True)
def _ticking_clock():
    """Timestamps from a clock that starts at 2024-01-01 and ticks one second per reading."""
    from datetime import UTC, datetime, timedelta

    from annotations.model import set_clock

    start = datetime(2024, 1, 1, tzinfo=UTC)
    ticks = iter(range(10**9))
    set_clock(lambda: start + timedelta(seconds=next(ticks)))
    yield
    set_clock(None)
