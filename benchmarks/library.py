"""The library listing at 1k, 5k and 20k articles (``--quick``: 1k only).

Generated corpora (2–20 KB of Arabic text, 30% with sidecars of 20–100 annotations),
made once into a temporary folder, their files dated an hour back (an archive, not files
being written). Measured pair by pair (pairs.py), the headless scan functions directly:

* first rows: time to the first batch of a cold scan (no index), in seconds;
* full listing cold (``scan_catalog`` with no index) vs a json-only scan of the same
  files (each article's head read and decoded, each sidecar read with ``json``): ≤ 3×;
* warm reopen (``scan_catalog`` with the index) vs the cold listing: ≤ 0.2×;
* a filter keystroke at the largest size: the library screen's filter path (the sorted
  entries filtered by their folded text) and the rows built for the table, ≤ 100 ms.

    python benchmarks/library.py [--quick]
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pairs import compare, report

WORDS = (
    "الحكومة المجلس البلدي الاقتصاد أعلن وزير المالية الأسبوع المقبل الأحياء الشرقية "
    "شبكة المياه صيانة ثلاثة أسابيع على الأقل مؤتمر صحفي العاصمة الانتخابات البرلمان "
    "الأسعار ارتفاع انخفاض التضخم البنك المركزي الفائدة المستثمرين السوق إلى في من عن"
).split()
TAGS = ["quote", "topic/economy", "topic/politics", "person", "place", "claim", "source"]


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _sidecar(name: str, text: str, rng: random.Random, count: int) -> dict[str, object]:
    annotations = []
    for _ in range(count):
        start = rng.randrange(0, max(1, len(text) - 40))
        end = start + rng.randrange(5, 40)
        annotations.append(
            {
                "id": f"{rng.getrandbits(64):016x}",
                "start": start,
                "end": end,
                "quote": text[start:end],
                "prefix": text[max(0, start - 16) : start],
                "suffix": text[end : end + 16],
                "tags": rng.sample(TAGS, rng.randrange(1, 3)),
                "note": "",
                "author": "bench",
                "created": "2024-01-01T00:00:00Z",
                "modified": "2024-01-01T00:00:00Z",
                "status": "anchored",
            }
        )
    return {
        "format": "hamish-annotations",
        "version": 1,
        "document": {
            "file": name,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "length": len(text),
            "tags": ["topic/economy"],
            "note": "",
        },
        "annotations": annotations,
    }


def generate(folder: Path, count: int, seed: int = 12) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    past = time.time() - 3600
    for i in range(count):
        sub = folder / f"desk{i % 20:02d}"
        sub.mkdir(exist_ok=True)
        name = f"article_{i:05d}.txt"
        size = rng.randrange(2_000, 20_000)
        paragraphs = [_paragraph(rng, rng.randrange(6, 14))]  # the title line
        while sum(len(p.encode()) for p in paragraphs) < size:
            paragraphs.append(_paragraph(rng, rng.randrange(30, 80)))
        text = "\n\n".join(paragraphs) + "\n"
        path = sub / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (past, past))
        if rng.random() < 0.3:
            side = sub / (name + ".annotations.json")
            data = _sidecar(name, text, rng, rng.randrange(20, 101))
            side.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            os.utime(side, (past, past))
    return folder


def json_only_scan(root: Path) -> int:
    """The baseline: every article's head read and decoded, every sidecar json-loaded."""
    seen = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".annotations.json"):
                with open(path, encoding="utf-8") as f:
                    seen += len(json.load(f)["annotations"])
            else:
                with open(path, "rb") as f:
                    seen += len(f.read(256 * 1024).decode("utf-8", errors="replace"))
    return seen


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [1_000] if quick else [1_000, 5_000, 20_000]
    pairs = 3 if quick else 5
    work = Path(tempfile.mkdtemp(prefix="hamish-library-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # the index in a throwaway cache
    from reader.library.cache import library_cache_folder
    from reader.library.catalog_index import INDEX_NAME, scan_catalog

    try:
        last_entries = []
        for size in sizes:
            root = generate(work / f"lib{size}", size)
            index = library_cache_folder(root) / INDEX_NAME

            def drop_index(index: Path = index) -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{index}{suffix}").unlink(missing_ok=True)

            def cold(root: Path = root, drop=drop_index) -> float:
                drop()
                start = time.perf_counter()
                for _batch in scan_catalog(root):
                    pass
                return time.perf_counter() - start

            def first_rows(root: Path = root, drop=drop_index) -> float:
                drop()
                start = time.perf_counter()
                scan = scan_catalog(root)
                next(scan)
                took = time.perf_counter() - start
                scan.close()
                return took

            def warm(root: Path = root) -> None:
                for _batch in scan_catalog(root):
                    pass

            firsts = sorted(first_rows() for _ in range(3))
            print(f"{size} articles: first rows {firsts[1] * 1000:.0f} ms (target ≤ 1000 ms)")
            print(
                report(
                    f"{size} cold listing vs json-only",
                    compare(cold, lambda r=root: json_only_scan(r) and None, pairs=pairs),
                    target=3.0,
                )
            )
            cold()  # the index for the warm runs
            print(
                report(f"{size} warm reopen vs cold", compare(warm, cold, pairs=pairs), target=0.2)
            )
            last_entries = [e for batch in scan_catalog(root) for e in batch]
        filter_keystroke(last_entries)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def filter_keystroke(entries: list) -> None:
    """The screen's filter path on ``entries``, timed per keystroke of a typed query."""
    from reader.text.fold import fold

    ordered = sorted(entries, key=lambda e: e.relative.casefold())
    times = []
    query = "الاقتصاد"
    for n in range(1, len(query) + 1):
        start = time.perf_counter()
        needle = fold(query[:n]).text
        kept = [e for e in ordered if needle in e.folded]
        keys = [str(e.path) for e in kept]  # what set_rows keys on
        times.append(time.perf_counter() - start)
        assert len(keys) == len(kept)
    times.sort()
    print(
        f"filter keystroke at {len(entries)}: median {times[len(times) // 2] * 1000:.1f} ms, "
        f"max {times[-1] * 1000:.1f} ms (target ≤ 100 ms)"
    )


if __name__ == "__main__":
    main()
