"""Start-up of whole processes to their first frame, pair by pair (DESIGN section 6).

    python benchmarks/startup.py [--quick] [--pairs 9]

Every run is a fresh process on a pseudo-terminal of 100x30 (a real terminal for
Textual, not headless), timed from just before it is spawned to its first frame, as
the child reports it (it then exits): for the bare app, after its first refresh; for
hamish, when the first line of the article body is drawn. hamish is the real console
script (``hamish FILE``: the CLI, settings and all), with a ``sitecustomize`` put on
its PYTHONPATH that reports the first drawn line and nothing else.

- bare Textual app showing one Static  (the baseline)
- ``hamish FILE`` on a 3 KB sample article   target <= 1.3x bare
- ``hamish FILE`` on a generated 10 MB one   target <= 1.5x the 3 KB one
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pairs import compare, report  # noqa: E402

BARE = """
import os, time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hamish")
    def on_mount(self):
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        with open(os.environ["FIRST_FRAME_FILE"], "w") as out:
            out.write(repr(time.time()))
        self.exit()
Bare().run()
"""

# On hamish's PYTHONPATH only: patch ArticleView once its module is imported.
SITECUSTOMIZE = """
import importlib.abc, os, sys, time

class _Patch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "reader.tui.widgets.article_view":
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module
        def patched(module):
            exec_module(module)
            render_line = module.ArticleView.render_line
            def first_render(self, y):
                if not getattr(module, "_drawn", False):
                    module._drawn = True
                    with open(os.environ["FIRST_FRAME_FILE"], "w") as out:
                        out.write(repr(time.time()))
                    self.app.call_after_refresh(self.app.exit)
                return render_line(self, y)
            module.ArticleView.render_line = first_render
        spec.loader.exec_module = patched
        return spec

if os.environ.get("FIRST_FRAME_FILE"):
    sys.meta_path.insert(0, _Patch())
"""


def hamish_command(module: bool) -> list[str]:
    if module:
        return [sys.executable, "-m", "reader"]
    script = Path(sys.executable).parent / "hamish"
    if script.exists():
        return [str(script)]
    found = shutil.which("hamish")
    return [found] if found else [sys.executable, "-m", "reader"]


def first_frame(command: list[str], env: dict[str, str], scratch: Path) -> float:
    """Spawn ``command`` on a new pty; the seconds from spawn to its first frame."""
    report_file = scratch / "first_frame"
    report_file.unlink(missing_ok=True)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    child_env = {**env, "FIRST_FRAME_FILE": str(report_file)}

    def drain() -> None:  # what the child draws; a full pty would block it
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.time()
    child = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=child_env, cwd=scratch
    )
    os.close(slave)
    try:
        child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    reader.join(timeout=5)
    if not report_file.exists():
        raise RuntimeError(f"{command}: exited with {child.returncode} before a first frame")
    return float(report_file.read_text()) - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="3 pairs, no 10 MB case")
    parser.add_argument("--module", action="store_true", help="time python -m reader FILE")
    args = parser.parse_args()
    pairs = 3 if args.quick else args.pairs
    from layout import generated_article

    small = ROOT / "sample_articles" / "ar_politics.txt"
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        hook = scratch / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        home = scratch / "home"
        home.mkdir()
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
        }
        env.pop("PYTHONPATH", None)
        # As installed, hamish's modules have their bytecode (pip compiles it), as Textual's
        # do here: an environment that forbids writing it (PYTHONDONTWRITEBYTECODE) would
        # time compiling hamish's source at every start instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        import compileall

        for package in ("reader", "annotations"):
            compileall.compile_dir(ROOT / package, quiet=1)
        hamish_env = {**env, "PYTHONPATH": str(hook)}
        hamish = hamish_command(args.module)

        def run(command: list[str], run_env: dict[str, str]) -> Callable[[], float]:
            return lambda: first_frame(command, run_env, scratch)

        bare = run([sys.executable, "-c", BARE], env)
        hamish_small = run([*hamish, str(small)], hamish_env)
        print(f"hamish is {' '.join(hamish)}; {pairs} pairs, each run a whole process")
        result = compare(hamish_small, bare, pairs=pairs)
        print(report("hamish FILE (3 KB) vs bare Textual", result, target=1.3))
        if not args.quick:
            big = scratch / "big.txt"
            big.write_text(generated_article(10_000_000), encoding="utf-8")
            hamish_big = run([*hamish, str(big)], hamish_env)
            result = compare(hamish_big, hamish_small, pairs=pairs)
            print(report("hamish FILE (10 MB) vs (3 KB)", result, target=1.5))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
