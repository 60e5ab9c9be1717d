"""The reader warns once, at start, on a terminal known to scramble right-to-left text."""

from __future__ import annotations

import io
import sys

import pytest

from reader.tui.app import HamishApp
from tests.paths import SAMPLES
from tests.paths import run_cli as run


@pytest.fixture
def notices(monkeypatch):
    said: list[str | None] = []
    monkeypatch.setattr(HamishApp, "run", lambda self: said.append(self.notice))
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())
    return said


def test_kitty_with_its_default_gets_a_notice_pointing_at_doctor(capsys, notices, monkeypatch):
    monkeypatch.setenv("KITTY_WINDOW_ID", "1")
    monkeypatch.setenv("TERM", "xterm-kitty")
    code, _, err = run(capsys, str(SAMPLES))
    assert code == 0, err
    (notice,) = notices
    assert notice is not None and "hamish doctor" in notice and "force_ltr yes" in notice


@pytest.mark.parametrize("flag", [["--bidi", "self"], ["--bidi", "terminal"]])
def test_a_mode_the_user_chose_gets_no_notice(capsys, notices, monkeypatch, flag):
    monkeypatch.setenv("KITTY_WINDOW_ID", "1")
    monkeypatch.setenv("TERM", "xterm-kitty")
    code, _, err = run(capsys, str(SAMPLES), *flag)
    assert code == 0, err
    assert notices == [None]


def test_a_terminal_that_does_no_bidi_gets_no_notice(capsys, notices):
    code, _, err = run(capsys, str(SAMPLES))  # TERM=xterm-256color, nothing else detected
    assert code == 0, err
    assert notices == [None]


async def test_the_notice_is_a_toast_once():
    notice = "kitty reorders right-to-left text itself: run `hamish doctor`"
    app = HamishApp(SAMPLES / "ar_economy.txt", notice=notice)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert len(shown) == 1 and "hamish doctor" in str(shown[0])
