"""Export speed and memory on a generated corpus, against a json-only baseline in one run.

    python benchmarks/export.py [--quick] [--articles 1000] [--annotations 50] [--pairs 7]

The baseline only loads each sidecar with ``json`` and writes the same records with
``json.dumps``; hamish also decodes each article, validates and re-anchors its
sidecar and converts to the format. The two alternate pair by pair
(benchmarks/pairs.py); it prints the median ratio and its min–max for jsonl and csv
(DESIGN target <= 2x), and the peak memory of one traced run of each (tracemalloc),
which must stay flat as the corpus grows: exports stream.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from layout import WORDS  # noqa: E402
from pairs import compare, report  # noqa: E402

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


def peak_memory(run) -> int:
    """The peak traced memory of one run (tracemalloc slows it: not timed)."""
    tracemalloc.start()
    run(Sink())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="200 articles, 3 pairs")
    args = parser.parse_args()
    articles = 200 if args.quick else args.articles
    pairs = 3 if args.quick else args.pairs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder, articles, args.annotations)
        records = baseline(folder, Sink())
        print(
            f"{articles} articles, {records:,} annotations; baseline json peak "
            f"{peak_memory(lambda out: baseline(folder, out)) / 1e6:.1f} MB"
        )
        for name, writer in (("jsonl", write_jsonl), ("csv", write_csv)):

            def hamish(w=writer) -> None:
                w(iter_documents([str(folder)]), Sink())

            def json_only() -> None:
                baseline(folder, Sink())

            result = compare(hamish, json_only, pairs=pairs)
            peak = peak_memory(lambda out, w=writer: w(iter_documents([str(folder)]), out))
            print(report(f"export {name} vs json-only", result, target=2.0), end="")
            print(f"  peak {peak / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
