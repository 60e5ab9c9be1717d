"""Running the real ``hamish`` as a user does: piped into another program, or on a
pseudo-terminal (optionally one that answers XTVERSION/DA2 like a given terminal)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from reader.terminal import DA2_QUERY, is_detection_variable

_INSTALLED = Path(sys.executable).with_name("hamish")
HAMISH = [str(_INSTALLED)] if _INSTALLED.exists() else [sys.executable, "-m", "reader"]


def environment(**variables: str) -> dict[str, str]:
    """This process's environment (HOME and XDG_CONFIG_HOME isolated by conftest) with no
    trace of the terminal the tests run in, plus ``variables``."""
    env = {name: value for name, value in os.environ.items() if not is_detection_variable(name)}
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    env["LANG"] = "C.UTF-8"
    env.pop("LC_ALL", None)
    env.pop("LC_CTYPE", None)
    env.update(variables)
    return env


def piped(args: list[str], into: list[str], env: dict[str, str]) -> tuple[int, str]:
    """``hamish ARGS | INTO``: (INTO's exit code, its output)."""
    assert shutil.which(into[0]), f"{into[0]} is not installed"
    hamish = subprocess.Popen([*HAMISH, *args], stdout=subprocess.PIPE, env=env)
    assert hamish.stdout is not None
    try:
        done = subprocess.run(
            into, stdin=hamish.stdout, capture_output=True, timeout=60, check=False
        )
    finally:
        hamish.stdout.close()
        hamish.wait(timeout=60)
    return done.returncode, done.stdout.decode("utf-8")


def on_pty(
    args: list[str],
    env: dict[str, str],
    *,
    columns: int = 100,
    answer: bytes | None = None,
    timeout: float = 60,
) -> tuple[int, str]:
    """Run ``hamish ARGS`` with stdin and stdout on a pseudo-terminal of ``columns``:
    (exit code, what it wrote, with the terminal's CR LF as LF). With ``answer``, the
    terminal answers its XTVERSION/DA2 query with those bytes."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    process = subprocess.Popen(
        [*HAMISH, *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env
    )
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    answered = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the program closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if answer is not None and not answered and DA2_QUERY in output:
                os.write(master, answer)
                answered = True
        code = process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
        assert process.stderr is not None
        process.stderr.close()
    return code, output.decode("utf-8").replace("\r\n", "\n")
