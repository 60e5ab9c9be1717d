"""Layout speed against the naive recipe, measured in the same process.

    python benchmarks/layout.py [--width 80] [--repeat 3]

For the bundled sample set and for a generated 1 MB Arabic article, it times
hamish's layout of every paragraph (levels, shaping with a map, wrapping, per-line
reordering, the cell map) against the naive and wrong
``get_display(arabic_reshaper.reshape(paragraph))`` on the same paragraphs, and
prints the ratio. DESIGN section 6 targets a ratio of at most 3.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import arabic_reshaper
from bidi import get_display

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.library.article import load_article, split_paragraphs  # noqa: E402
from reader.text.layout import LayoutOptions, layout_paragraph  # noqa: E402

WORDS = (
    "قال الرئيس إن الحكومة ستواصل العمل على تعزيز الأمن والاستقرار في المنطقة "
    "وأضاف أن الاقتصاد الوطني سجل نموا بنسبة خلال العام الماضي مع ارتفاع أسعار النفط "
    "وأكد الوزير لا بديل عن الحوار بين الأطراف السلام الإقليمي ممكن إن شاء الله "
    "البنك المركزي الصادرات الواردات الاستثمار التضخم الموازنة العامة المؤتمر الصحفي"
).split()
EXTRAS = ["2024", "4.5%", "2023-2024", "(IMF)", "«السلام»", "OPEC+", "12:30", "عُقِدَ", "الـــقـــمة"]


def generated_article(size: int = 1_000_000, seed: int = 7) -> str:
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
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


def paragraphs_of(text: str) -> list[tuple[int, str]]:
    return [(p.start, text[p.start : p.end]) for p in split_paragraphs(text)]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def compare(name: str, paragraphs: list[tuple[int, str]], width: int, repeat: int) -> float:
    options = LayoutOptions(width=width, fallback_rtl=True)

    def naive() -> None:
        for _, text in paragraphs:
            get_display(arabic_reshaper.reshape(text))

    def hamish() -> None:
        for start, text in paragraphs:
            layout_paragraph(text, options, start)

    naive_time = best_of(repeat, naive)
    hamish_time = best_of(repeat, hamish)
    chars = sum(len(t) for _, t in paragraphs)
    ratio = hamish_time / naive_time
    print(
        f"{name:<28} {chars:>9,} chars  naive {naive_time * 1000:8.1f} ms  "
        f"hamish {hamish_time * 1000:8.1f} ms  ratio {ratio:4.2f}x"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    samples: list[tuple[int, str]] = []
    for path in sorted((ROOT / "sample_articles").glob("*.*")):
        if path.suffix in (".txt", ".md") and path.name != "README.md":
            samples.extend(paragraphs_of(load_article(path).text))
    ratios = [
        compare("sample_articles (all)", samples, args.width, args.repeat),
        compare(
            "generated 1 MB Arabic", paragraphs_of(generated_article()), args.width, args.repeat
        ),
    ]
    print(f"target <= 3.00x: {'met' if max(ratios) <= 3 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
