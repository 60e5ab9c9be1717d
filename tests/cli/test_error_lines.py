"""Error lines follow the --bidi rule too: laid out on a terminal, logical in a pipe."""

from __future__ import annotations

import os
import pty
import subprocess

from reader.text.render import visual_oneline
from tests.cli.terminals import HAMISH, environment

NAME = "تقرير الوزارة.txt"
MESSAGE = f"{NAME}: no such file or folder"


def test_an_error_line_in_a_pipe_is_logical(tmp_path):
    done = subprocess.run(
        [*HAMISH, "stats", NAME], cwd=tmp_path, env=environment(), capture_output=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.decode("utf-8") == f"hamish: {MESSAGE}\n"


def test_an_error_line_on_a_terminal_is_laid_out(tmp_path):
    master, slave = pty.openpty()
    try:
        done = subprocess.run(
            [*HAMISH, "stats", NAME],
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=slave,
            check=False,
            timeout=60,
        )
        os.close(slave)
        written = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end is closed: all was read
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(master)
    assert done.returncode == 2
    shown = written.decode("utf-8").replace("\r\n", "\n")
    assert shown == f"hamish: {visual_oneline(MESSAGE)[0]}\n"
    assert NAME not in shown  # not the logical letters: shaped and reordered
