"""Key to screen update in the reader: many annotations vs none, during a save vs outside.

    python benchmarks/latency.py [--quick]

Runs the real ``HamishApp`` headless (``App.run_test``) on a generated Arabic article.
One measurement: press ``down`` (moves the cursor) and wait until the view's cursor moved
and the status line says the new offset, after the screen's refresh. Pairs
(benchmarks/pairs.py, median ratio and min–max):

* 10,000 annotations vs none (target <= 2x), and 200 vs none;
* a key pressed while a save of 10,000 annotations runs in the background vs the same
  key outside it (target <= 2x).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pairs import compare, report  # noqa: E402
from store import build  # noqa: E402


async def _open(path: Path):  # type: ignore[no-untyped-def]
    from reader.settings import Settings
    from reader.tui.app import HamishApp

    app = HamishApp(path, Settings(author="bench"))
    return app


async def _key_times(path: Path, keys: int, during_save: bool) -> list[float]:
    """Seconds from each key press to the screen showing its effect."""
    from reader.tui.screens.article import ArticleScreen
    from reader.tui.widgets.article_view import ArticleView

    app = await _open(path)
    times: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.02)
            screen = pilot.app.screen
            if isinstance(screen, ArticleScreen) and screen.session is not None:
                break
        screen = pilot.app.screen
        assert isinstance(screen, ArticleScreen) and screen.session is not None
        view = screen.query_one(ArticleView)
        session = screen.session
        for n in range(keys):
            if during_save:
                # An edit that changes nothing on screen but starts a full save.
                with session.saving_in_background():
                    session.set_document(note=f"note {n}")
                await pilot.pause(0.01)  # the worker has started writing
            before = view.cursor
            start = time.perf_counter()
            await pilot.press("down")
            while view.cursor == before or f"offset {view.cursor}" not in screen._status:
                await pilot.pause(0)
            await pilot.pause()  # the refresh that paints it
            times.append(time.perf_counter() - start)
            if during_save:
                while session.saving:
                    await pilot.pause(0.01)
        await pilot.app.workers.wait_for_complete()
    return times


def measure(path: Path, keys: int, during_save: bool = False) -> float:
    times = asyncio.run(_key_times(path, keys, during_save))
    return sorted(times)[len(times) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few pairs (< 30 s)")
    args = parser.parse_args()
    pairs, keys = (2, 3) if args.quick else (7, 10)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        articles = {}
        for count in (0, 200, 10_000):
            where = root / str(count)
            where.mkdir()
            articles[count], _text = build(where, max(count, 1))
            if count == 0:
                articles[count].with_name(articles[count].name + ".annotations.json").unlink()
        none = articles[0]
        for count in (200, 10_000):
            result = compare(
                lambda c=count: measure(articles[c], keys),
                lambda: measure(none, keys),
                pairs=pairs,
                warmup=False,
            )
            print(report(f"key, {count:,} vs 0 annotations", result, target=2.0))
        big = articles[10_000]
        result = compare(
            lambda: measure(big, keys, during_save=True),
            lambda: measure(big, keys),
            pairs=pairs,
            warmup=False,
        )
        print(report("key during a save vs outside (10,000)", result, target=2.0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
