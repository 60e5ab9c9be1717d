"""Export speed and memory on a generated corpus, against a json-only baseline in one run.

    python benchmarks/export.py [--articles 1000] [--annotations 50]

The baseline only loads each sidecar with ``json`` and writes the same records with
``json.dumps``; hamish also decodes each article, validates and re-anchors its
sidecar and converts to the format. Prints annotations per second for jsonl and
csv, the ratio to the baseline (DESIGN target <= 2x) and the peak memory of each
run (tracemalloc), which must stay flat as the corpus grows: exports stream.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from layout import WORDS  # noqa: E402

from annotations import AnnotationSet, canonical_json, make_annotation  # noqa: E402
from annotations.formats.csv_format import write_csv  # noqa: E402
from annotations.formats.jsonl import write_jsonl  # noqa: E402
from reader.library.corpus import iter_documents  # noqa: E402
from reader.library.find import find_articles  # noqa: E402

TAGS = ["quote", "speaker/official", "claim", "topic/security", "topic/economy"]


def build(folder: Path, articles: int, per_article: int) -> None:
    rng = random.Random(3)
    for n in range(articles):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(6)]
        text = f"خبر رقم {n}\n" + "\n".join(paragraphs) + "\n"
        path = folder / f"{n // 100:02d}" / f"article_{n:05d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        state = AnnotationSet.empty(path.name, text)
        for _ in range(per_article):
            start = rng.randrange(0, len(text) - 40)
            state = state.added(
                make_annotation(
                    text, start, start + rng.randint(5, 35), tags=rng.sample(TAGS, 2), author="b"
                )
            )
        path.with_name(path.name + ".annotations.json").write_text(
            canonical_json(state), encoding="utf-8"
        )


def baseline(folder: Path, out: io.TextIOBase) -> int:
    count = 0
    for article, _ in find_articles([folder]):
        with open(
            article.with_name(article.name + ".annotations.json"), encoding="utf-8"
        ) as handle:
            data = json.load(handle)
        for record in data["annotations"]:
            out.write(
                json.dumps({**record, "document": article.as_posix()}, ensure_ascii=False) + "\n"
            )
            count += 1
    return count


class Sink(io.TextIOBase):
    """Counts what is written and keeps none of it (so peak memory is the exporter's)."""

    written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


def measure(run) -> tuple[float, int, int]:
    """Time one run (untraced), then trace a second one for its peak memory."""
    start = time.perf_counter()
    count = run(Sink())
    seconds = time.perf_counter() - start
    tracemalloc.start()
    run(Sink())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, count, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder, args.articles, args.annotations)
        base_s, base_n, base_peak = measure(lambda out: baseline(folder, out))
        print(
            f"baseline json    {base_n / base_s:10,.0f} annotations/s  "
            f"peak {base_peak / 1e6:6.1f} MB"
        )
        for name, writer in (("jsonl", write_jsonl), ("csv", write_csv)):
            seconds, _, peak = measure(
                lambda out, w=writer: w(iter_documents([str(folder)]), out).records
            )
            rate = base_n / seconds
            print(
                f"hamish {name:<9} {rate:10,.0f} annotations/s  peak {peak / 1e6:6.1f} MB  "
                f"ratio {seconds / base_s:.2f}x baseline (target <= 2)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
