"""Start-up and opening times, as ratios measured in the same run (DESIGN section 6).

    python benchmarks/startup.py [--repeat 5]

Each case runs in a fresh Python process, headless; the time is from starting the
process to its first frame, as the child reports it (it may then take longer to
shut down): for the bare app, after its first refresh; for hamish, when the first
line of the article body is drawn (annotations load just after it):

- bare:       a Textual app that shows one Static (the baseline)
- hamish 3KB: `hamish FILE` on a 3 KB sample article        target <= 1.3x bare
- hamish 10MB: `hamish FILE` on a generated 10 MB article   target <= 1.5x hamish 3KB
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hamish")
    def on_mount(self):
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        import sys, time
        print(time.time(), file=sys.stderr, flush=True)
        self.exit()
Bare().run(headless=True)
"""

HAMISH = """
import sys, time
from pathlib import Path
import reader.tui.widgets.article_view as article_view
from reader.tui.app import HamishApp
from reader.settings import Settings
render_line = article_view.ArticleView.render_line
def first_render(self, y):
    # The first line of the article body being drawn: its first frame.
    if not getattr(article_view, "drawn", False):
        article_view.drawn = True
        print(time.time(), file=sys.stderr, flush=True)
        self.app.call_after_refresh(self.app.exit)
    return render_line(self, y)
article_view.ArticleView.render_line = first_render
HamishApp(Path(sys.argv[1]), Settings()).run(headless=True)
"""


def timed(script: str, *args: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.time()
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        first_frame = float(done.stderr.strip().splitlines()[-1])
        best = min(best, first_frame - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from layout import generated_article

    small = ROOT / "sample_articles" / "ar_politics.txt"
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.txt"
        big.write_text(generated_article(10_000_000), encoding="utf-8")
        bare = timed(BARE, repeat=args.repeat)
        hamish_small = timed(HAMISH, str(small), repeat=args.repeat)
        hamish_big = timed(HAMISH, str(big), repeat=args.repeat)
    startup = hamish_small / bare
    opening = hamish_big / hamish_small
    rows = [
        ("bare Textual app, first frame", bare, ""),
        (
            "hamish FILE (3 KB), first frame",
            hamish_small,
            f"ratio {startup:.2f}x bare (target <= 1.3)",
        ),
        (
            "hamish FILE (10 MB), first frame",
            hamish_big,
            f"ratio {opening:.2f}x 3 KB (target <= 1.5)",
        ),
    ]
    for label, seconds, note in rows:
        print(f"{label:<34} {seconds * 1000:7.0f} ms  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
