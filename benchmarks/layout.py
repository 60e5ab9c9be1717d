"""Layout speed against the naive recipe, pair by pair in one process.

    python benchmarks/layout.py [--quick] [--width 80] [--pairs 9]

For the bundled sample set and for a generated 1 MB Arabic article, it times
hamish's layout of every paragraph (levels, shaping with a map, wrapping, per-line
reordering, the cell map) against the naive and wrong
``get_display(arabic_reshaper.reshape(paragraph))`` on the same paragraphs,
alternating the two (benchmarks/pairs.py), and prints the median ratio and its
min–max. DESIGN section 6 targets a ratio of at most 2. Each hamish run starts with
an empty word-shape cache: it only reuses what the same run shaped before.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

import arabic_reshaper
from bidi import get_display

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pairs import compare, report  # noqa: E402

from reader.library.article import load_article, split_paragraphs  # noqa: E402
from reader.text.layout import LayoutOptions, layout_paragraph  # noqa: E402
from reader.text.shaping import clear_caches  # noqa: E402

TARGET = 2.0
WORDS = (
    "قال الرئيس إن الحكومة ستواصل العمل على تعزيز الأمن والاستقرار في المنطقة "
    "وأضاف أن الاقتصاد الوطني سجل نموا بنسبة خلال العام الماضي مع ارتفاع أسعار النفط "
    "وأكد الوزير لا بديل عن الحوار بين الأطراف السلام الإقليمي ممكن إن شاء الله "
    "البنك المركزي الصادرات الواردات الاستثمار التضخم الموازنة العامة المؤتمر الصحفي"
).split()
EXTRAS = ["2024", "4.5%", "2023-2024", "(IMF)", "«السلام»", "OPEC+", "12:30", "عُقِدَ", "الـــقـــمة"]


def generated_article(
    size: int = 1_000_000, seed: int = 7, *, measure: Callable[[str], int] = len
) -> str:
    """About ``size`` (characters, or what ``measure`` counts) of Arabic news prose:
    paragraphs of 40–120 words, with digits, Latin, brackets, harakat and tatweel."""
    rng = random.Random(seed)
    paragraphs = []
    total = 0
    while total < size:
        words = [
            rng.choice(EXTRAS) if rng.random() < 0.08 else rng.choice(WORDS)
            for _ in range(rng.randint(40, 120))
        ]
        paragraph = " ".join(words) + "."
        paragraphs.append(paragraph)
        total += measure(paragraph) + 1
    return "\n".join(paragraphs)


def paragraphs_of(text: str) -> list[tuple[int, str]]:
    return [(p.start, text[p.start : p.end]) for p in split_paragraphs(text)]


def sample_paragraphs() -> list[tuple[int, str]]:
    samples: list[tuple[int, str]] = []
    for path in sorted((ROOT / "sample_articles").glob("*.*")):
        if path.suffix in (".txt", ".md") and path.name != "README.md":
            samples.extend(paragraphs_of(load_article(path).text))
    return samples


def measure(
    name: str, paragraphs: list[tuple[int, str]], width: int, pairs: int, rounds: int = 1
) -> float:
    """``rounds`` passes over ``paragraphs`` per run, each hamish pass from empty caches."""
    options = LayoutOptions(width=width, fallback_rtl=True)

    def naive() -> None:
        for _ in range(rounds):
            for _, text in paragraphs:
                get_display(arabic_reshaper.reshape(text))

    def hamish() -> None:
        for _ in range(rounds):
            clear_caches()
            for start, text in paragraphs:
                layout_paragraph(text, options, start)

    result = compare(hamish, naive, pairs=pairs)
    chars = sum(len(t) for _, t in paragraphs) * rounds
    print(report(f"{name} ({chars:,} chars)", result, target=TARGET))
    return result.median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=80)
    parser.add_argument("--pairs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="3 pairs (under 30 s)")
    args = parser.parse_args()
    pairs = 3 if args.quick else args.pairs
    # The samples take milliseconds: 20 passes a run, so timer noise is small.
    measure("layout, sample_articles (20 passes)", sample_paragraphs(), args.width, pairs, 20)
    measure("layout, generated 1 MB Arabic", paragraphs_of(generated_article()), args.width, pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
