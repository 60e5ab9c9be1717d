"""Pair-by-pair timing: the one way every benchmark here compares hamish with its baseline.

Best-of-N of sequential runs swings with the machine's load (another process, a cache
warming up). Alternating the two runs pair by pair exposes both to the same conditions,
and the median of the per-pair ratios is what holds from one run to the next:

    from pairs import compare, report
    result = compare(run_hamish, run_baseline, pairs=7)
    print(report("layout, samples", result, target=2.0))

``run_*`` take no argument and return the seconds they measured themselves (a child
process's own first-frame time, say), or None to be timed from the outside with
``time.perf_counter``. The first pair runs both once more beforehand, unmeasured (imports,
the file cache), unless ``warmup=False``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Comparison", "compare", "report"]

Run = Callable[[], "float | None"]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The per-pair seconds of both sides and the ratios hamish / baseline."""

    hamish: tuple[float, ...]
    baseline: tuple[float, ...]

    @property
    def ratios(self) -> tuple[float, ...]:
        return tuple(h / b for h, b in zip(self.hamish, self.baseline, strict=True))

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def low(self) -> float:
        return min(self.ratios)

    @property
    def high(self) -> float:
        return max(self.ratios)


def _timed(run: Run) -> float:
    start = time.perf_counter()
    measured = run()
    return measured if measured is not None else time.perf_counter() - start


def compare(hamish: Run, baseline: Run, *, pairs: int = 7, warmup: bool = True) -> Comparison:
    """Run ``baseline`` then ``hamish``, ``pairs`` times, alternating; swap the order
    every other pair so that neither always runs second (on a warmer cache)."""
    if warmup:
        _timed(baseline)
        _timed(hamish)
    ours: list[float] = []
    theirs: list[float] = []
    for n in range(pairs):
        if n % 2:
            ours.append(_timed(hamish))
            theirs.append(_timed(baseline))
        else:
            theirs.append(_timed(baseline))
            ours.append(_timed(hamish))
    return Comparison(tuple(ours), tuple(theirs))


def report(label: str, result: Comparison, *, target: float | None = None) -> str:
    """One line: medians of both sides, the median ratio and its min–max, the target."""
    ours = statistics.median(result.hamish) * 1000
    theirs = statistics.median(result.baseline) * 1000
    line = (
        f"{label:<40} {ours:9.1f} ms vs {theirs:9.1f} ms  "
        f"ratio {result.median:5.2f}x (min {result.low:.2f}, max {result.high:.2f})"
    )
    if target is not None:
        line += f"  target <= {target:g}x " + ("ok" if result.median <= target else "MISSED")
    return line
