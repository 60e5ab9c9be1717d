"""Sidecar load + save against plain json.load + json.dump, measured in the same process.

    python benchmarks/store.py [--annotations 10000] [--pairs 7] [--quick]

Builds an Arabic article and a sidecar with N annotations, then times hamish's
``open_sidecar`` (read, validate, build the model, check every quote against the
text) plus ``Sidecar.save`` (canonical JSON, lock, re-read, atomic write with fsync)
against ``json.load`` + ``json.dump(indent=2, ensure_ascii=False)`` of the same
file, pair by pair (benchmarks/pairs.py). DESIGN section 6 targets a ratio of at most 3.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from layout import generated_article  # noqa: E402
from pairs import compare, report  # noqa: E402

from annotations import AnnotationSet, make_annotation, open_sidecar  # noqa: E402

TAGS = ["quote", "speaker/official", "claim", "topic/security", "topic/economy", "موضوع/أمن"]


def build(folder: Path, count: int) -> tuple[Path, str]:
    text = generated_article(max(200_000, count * 60))
    article = folder / "article.txt"
    article.write_text(text, encoding="utf-8")
    state = AnnotationSet.empty(article.name, text)
    step = (len(text) - 100) // count
    annotations = []
    for i in range(count):
        start = i * step
        annotations.append(
            make_annotation(
                text,
                start,
                start + 20 + i % 60,
                tags=TAGS[i % 3 : i % 3 + 2],
                note="ملاحظة" if i % 4 == 0 else "",
                author="bench",
            )
        )
    sidecar = open_sidecar(article, text)
    sidecar.save(state.with_annotations(annotations))
    return article, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="2,000 annotations, 3 pairs")
    args = parser.parse_args()
    if args.quick:
        args.annotations, args.pairs = 2_000, 3
    with tempfile.TemporaryDirectory() as folder:
        article, text = build(Path(folder), args.annotations)
        path = article.with_name(article.name + ".annotations.json")
        plain = Path(folder) / "plain.json"

        def baseline() -> None:
            with path.open(encoding="utf-8") as handle:
                data = json.load(handle)
            with plain.open("w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)

        def hamish() -> None:
            sidecar = open_sidecar(article, text)
            sidecar.save()

        result = compare(hamish, baseline, pairs=args.pairs)
        size = path.stat().st_size
        label = f"load+save, {args.annotations:,} ann. ({size / 1e6:.1f} MB)"
        print(report(label, result, target=3.0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
