"""SIGKILL the real ``hamish`` TUI while it saves: the sidecar on disk stays whole.

The reader runs as its console script in a pseudo-terminal (100x30, xterm-256color),
with HOME and the XDG folders inside ``tmp_path``. Each round opens one Arabic article
whose sidecar already holds thousands of annotations (so one save takes tens of ms),
tags one span after another with a tagset key, and kills the process the moment a
save's temporary file (``.NAME.annotations.json.XXXXXXXX.tmp``, annotations/store.py)
appears beside the sidecar. After each kill the whole file is checked; at the end the
reader must open the article again and quit cleanly.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from annotations import make_annotation, open_sidecar

if os.name != "posix":  # pragma: no cover - the test needs a pseudo-terminal
    pytest.skip("needs a POSIX pseudo-terminal", allow_module_level=True)

import fcntl
import struct
import termios

ROUNDS = 8
MIN_HITS = 4  # rounds killed between a save's temporary file and its rename
SEEDED = 4000  # annotations in the sidecar before the first round
ROUND_LIMIT = 6.0  # seconds: a round that saw no temporary file kills anyway
KEY_GAP = 0.03  # seconds between key groups

DOWN = b"\x1b[B"
# Right-to-left text: left moves forward, so shift+left extends the selection forward.
SELECT_FORWARD = b"\x1b[1;2D"
TAG_KEY = b"1"  # the tagset below gives `claim` the key 1


def hamish_command() -> list[str]:
    """The installed console script beside this interpreter, or the module entry point."""
    script = Path(sys.executable).with_name("hamish")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "reader"]


class Terminal:
    """A process in a pseudo-terminal whose output is drained by a background thread."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.master = master
        self.output = bytearray()
        self._lock = threading.Lock()
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                close_fds=True,
                start_new_session=True,
            )
        finally:
            os.close(slave)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the process and its terminal are gone
                return
            if not data:
                return
            with self._lock:
                self.output.extend(data)

    def screen(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def send(self, data: bytes) -> None:
        try:
            os.write(self.master, data)
        except OSError:
            pass  # the process just died; the caller notices

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self._reader.join(timeout=5)
        os.close(self.master)


@contextmanager
def terminal(argv: list[str], env: dict[str, str]) -> Iterator[Terminal]:
    term = Terminal(argv, env)
    try:
        yield term
    finally:
        term.close()


def temporaries(folder: Path, sidecar: Path) -> set[str]:
    """The names of save temporaries of ``sidecar`` in ``folder`` right now."""
    prefix = f".{sidecar.name}."
    with os.scandir(folder) as entries:
        return {e.name for e in entries if e.name.startswith(prefix) and e.name.endswith(".tmp")}


def identity(path: Path) -> tuple[int, int]:
    """Which file is at ``path``: a save renames a new one over it."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def records(sidecar: Path) -> dict[str, dict[str, Any]]:
    """The annotations of the sidecar on disk, whole, by id."""
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    found = {record["id"]: record for record in data["annotations"]}
    assert len(found) == len(data["annotations"]), "duplicate ids in the sidecar"
    return found


def article_text() -> tuple[str, list[str]]:
    lines = [
        f"الجملة رقم {n} تقول إن الاجتماع انتهى دون اتفاق واضح بين الطرفين." for n in range(1, 301)
    ]
    return "اختبار الحفظ أثناء القتل\n\n" + "\n\n".join(lines) + "\n", lines


def test_sigkill_during_tui_saves_never_breaks_or_loses_the_sidecar(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    text, lines = article_text()
    article = library / "article.txt"
    article.write_text(text, encoding="utf-8")
    (library / "hamish.toml").write_text('[[tags]]\nname = "claim"\nkey = "1"\n', encoding="utf-8")
    seeds = []
    for n in range(SEEDED):
        start = text.index(lines[n % len(lines)]) + (n // len(lines)) % 20
        seeds.append(make_annotation(text, start, start + 4 + n % 7, tags=["claim"], author="seed"))
    sidecar = open_sidecar(article, text)
    sidecar.save(sidecar.annotations.with_annotations(seeds))
    path = sidecar.path
    seeded = records(path)
    assert len(seeded) == SEEDED

    home = tmp_path / "home"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    for name in ("COLUMNS", "LINES", "NO_COLOR", "TEXTUAL"):
        env.pop(name, None)
    argv = [*hamish_command(), str(article)]
    rng = random.Random(11)
    keys = [DOWN, SELECT_FORWARD * 3, TAG_KEY]

    hits = 0
    previous = len(seeded)
    for round_number in range(ROUNDS):
        before = temporaries(library, path)
        # Let a few saves finish (each a new file renamed over the sidecar), then kill the
        # process as soon as the next save's temporary file exists.
        arm_after = rng.randint(1, 3)
        stamp = identity(path)
        saves = 0
        hit = False
        with terminal(argv, env) as term:
            started = time.monotonic()
            # Without a temporary file in sight, kill at a random moment anyway.
            deadline = started + ROUND_LIMIT + rng.uniform(0.0, 0.5)
            next_key = started + 0.5
            step = 0
            while time.monotonic() < deadline:
                if saves >= arm_after and temporaries(library, path) - before:
                    os.kill(term.process.pid, signal.SIGKILL)
                    hit = True
                    break
                now_stamp = identity(path)
                if now_stamp != stamp:
                    stamp = now_stamp
                    saves += 1
                assert term.process.poll() is None, (
                    f"round {round_number}: hamish ended by itself "
                    f"({term.process.returncode}): {term.screen()[-2000:]!r}"
                )
                now = time.monotonic()
                if now >= next_key:
                    term.send(keys[step % len(keys)])
                    step += 1
                    next_key = now + KEY_GAP
                time.sleep(0.001)
            term.kill()
            assert term.process.returncode == -signal.SIGKILL

        # The whole file on disk, after the kill.
        assert path.is_file() and not path.is_symlink()
        after = records(path)  # parses as JSON, one record per id
        reopened = open_sidecar(article, text)
        assert not reopened.read_only, reopened.read_only
        for record in after.values():
            assert text[record["start"] : record["end"]] == record["quote"], record
        missing = seeded.keys() - after.keys()
        assert not missing, f"round {round_number}: {len(missing)} seeded annotations lost"
        changed = [key for key, record in seeded.items() if after[key] != record]
        assert not changed, f"round {round_number}: seeded annotations changed: {changed[:3]}"
        # Each save seen to finish added at least one annotation: none of them is lost.
        assert len(after) >= previous + saves, f"round {round_number}: saved annotations lost"
        previous = len(after)
        leftovers = temporaries(library, path) - before
        # The kill came before the rename: that save's temporary file is still there.
        hits += hit and bool(leftovers)
        print(
            f"round {round_number}: hit={hit} saves={saves} annotations={len(after)} "
            f"leftovers={len(leftovers)} t={time.monotonic() - started:.2f}"
        )

    assert previous > len(seeded), "no annotation made in the TUI was ever saved"
    assert hits >= MIN_HITS, f"only {hits} of {ROUNDS} kills landed during a save"

    # The reader opens the article again, editable, and quits cleanly.
    with terminal(argv, env) as term:
        time.sleep(1.5)
        assert term.process.poll() is None, term.screen()[-2000:]
        screen = term.screen().decode("utf-8", "replace")
        # The status line of an open, writable session (a read-only one says why).
        assert "● saved · article.txt" in screen, screen[-2000:]
        assert "read-only" not in screen and "recovery file" not in screen
        term.send(b"q")  # an article opened directly: back = quit
        try:
            code = term.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"q did not quit: {term.screen()[-2000:]!r}")
        assert code == 0, term.screen()[-2000:]
    assert records(path) == after
