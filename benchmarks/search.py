"""`hamish search` from its index against `grep -r -F` (and `rg -F`, if installed).

    python benchmarks/search.py [--quick] [--articles N] [--pairs N] [--keep DIR]

Generates a corpus of Arabic articles (20,000; ``--quick``: 2,000) of 2–20 KB in 20
folders, 10% of them with a sidecar of 5–30 annotations, and times whole processes pair
by pair (benchmarks/pairs.py), each reading its whole output through a pipe (GNU grep
stops at the first match when its output is /dev/null):

- the first search, which builds the index (the cache is emptied before each run),
  against grep: target <= 10x;
- a search with the index warm against grep: target <= 2x (aim: faster);
- the same with a query found in nearly every article (no target: the work is then
  proportional to the hits, grep's to the bytes).

The query is ``الأمن``; the text also has ``الامن``, ``الإمن``, ``الأَمْن``, ``الـأمن``
(alef without hamza, wrong hamza, harakat, tatweel), which grep misses and hamish finds:
the counts are printed. The index lives in a temporary XDG_CACHE_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pairs import compare, report  # noqa: E402

QUERY = "الأمن"
COMMON = "الحكومة"
VARIANTS = ["الأمن", "الامن", "الإمن", "الأَمْن", "الـأمن", "والأمن"]
WORDS = (
    "قال وزير الاقتصاد إن الحكومة ستعلن خطة جديدة لدعم الشركات الصغيرة في المدن والقرى "
    "وأضاف أن البنك المركزي يراقب الأسعار والتضخم عن كثب خلال الأشهر المقبلة بينما أكد "
    "مسؤولون في البرلمان ضرورة الإصلاح الإداري وتحسين الخدمات العامة للمواطنين في كل "
    "المحافظات والمناطق الحدودية ونقلت وكالة الأنباء عن مصادر مطلعة أن المفاوضات مستمرة "
    "منذ أسابيع دون نتيجة واضحة"
).split()
TAGS = ["quote", "claim", "speaker/official", "موضوع/أمن", "موضوع/اقتصاد"]


def generate(folder: Path, count: int, seed: int = 12) -> None:
    from annotations import make_annotation, open_sidecar

    rng = random.Random(seed)
    for i in range(count):
        size = rng.randint(1_000, 10_000)  # characters: 2-20 KB of UTF-8 Arabic
        topical = rng.random() < 0.06  # the query's word is in about 6% of the articles
        lines, total = [], 0
        while total < size:
            words = [rng.choice(WORDS) for _ in range(rng.randint(15, 60))]
            if topical and rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), rng.choice(VARIANTS))
            line = " ".join(words) + "."
            lines.append(line)
            total += len(line) + 1
        sub = folder / f"desk{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"article{i:05d}.txt"
        text = "\n".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")
        if rng.random() < 0.10:
            sidecar = open_sidecar(path, text)
            annotations = []
            for _ in range(rng.randint(5, 30)):
                start = rng.randrange(0, len(text) - 60)
                note = "ملاحظة عن الامن" if rng.random() < 0.1 else ""
                tags = rng.sample(TAGS, 2)
                annotations.append(
                    make_annotation(text, start, start + rng.randint(5, 50), tags=tags, note=note)
                )
            sidecar.save(sidecar.annotations.with_annotations(annotations))


def run_piped(argv: list[str], env: dict[str, str]) -> bytes:
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 articles, fewer pairs")
    parser.add_argument("--articles", type=int)
    parser.add_argument("--pairs", type=int)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args()
    count = args.articles or (2_000 if args.quick else 20_000)
    pairs = args.pairs or (3 if args.quick else 7)

    work = Path(tempfile.mkdtemp(prefix="hamish-search-"))
    corpus = args.keep or work / "corpus"
    cache = work / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "LC_ALL": "C.UTF-8"}
    # As installed, hamish's modules have their bytecode (pip compiles it): an environment
    # that forbids writing it would time compiling hamish's source at every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import compileall

    for package in ("reader", "annotations"):
        compileall.compile_dir(ROOT / package, quiet=1)
    try:
        marker = corpus / f".generated-{count}"
        if not marker.exists():
            shutil.rmtree(corpus, ignore_errors=True)
            print(f"generating {count} articles in {corpus} …", flush=True)
            generate(corpus, count)
            marker.write_text("", encoding="utf-8")
        size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
        sidecars = sum(1 for _ in corpus.rglob("*.annotations.json"))
        print(f"{count} articles, {size / 1e6:.0f} MB, {sidecars} sidecars")

        hamish = [sys.executable, "-m", "reader", "search"]
        grep = ["grep", "-r", "-F"]
        rg = shutil.which("rg")

        def cold() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            run_piped([*hamish, str(corpus), QUERY], env)

        def warm(query: str) -> None:
            run_piped([*hamish, str(corpus), query], env)

        def grepped(query: str) -> None:
            run_piped([*grep, query, str(corpus)], env)

        def rged(query: str) -> None:
            run_piped([rg or "rg", "-F", "--no-heading", "-n", query, str(corpus)], env)

        target = {"first": 10.0, "warm": 2.0}
        lines = [
            report(
                "first search (index build) vs grep",
                compare(cold, lambda: grepped(QUERY), pairs=max(2, pairs // 2)),
                target=target["first"],
            )
        ]
        warm(QUERY)
        lines.append(
            report(
                f"warm, {QUERY} vs grep -r -F",
                compare(lambda: warm(QUERY), lambda: grepped(QUERY), pairs=pairs),
                target=target["warm"],
            )
        )
        if rg:
            lines.append(
                report(
                    f"warm, {QUERY} vs rg -F",
                    compare(lambda: warm(QUERY), lambda: rged(QUERY), pairs=pairs),
                    target=target["warm"],
                )
            )
        lines.append(
            report(
                f"warm, {COMMON} (in ~every article) vs grep",
                compare(lambda: warm(COMMON), lambda: grepped(COMMON), pairs=max(2, pairs // 2)),
            )
        )
        for line in lines:
            print(line)

        hits = [
            json.loads(line)
            for line in run_piped([*hamish, "--json", str(corpus), QUERY], env).splitlines()
        ]
        text_hits = [h for h in hits if h["kind"] == "text"]
        grep_lines = run_piped([*grep, "-o", QUERY, str(corpus)], env).splitlines()
        missed = [h for h in text_hits if QUERY not in h["match"]]
        forms = sorted({h["match"] for h in missed})
        print(
            f"{QUERY}: hamish {len(text_hits)} text hits + {len(hits) - len(text_hits)} in "
            f"annotations; grep -o {len(grep_lines)} matches; folded matches grep misses: "
            f"{len(missed)} ({', '.join(forms)})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
