"""Crash safety and concurrency of sidecar saves, with real processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotations import make_annotation, open_sidecar
from tests.paths import ROOT

TEXT = (
    "بيان الحكومة: " + " ".join(f"الفقرة {i} تتحدث عن الأمن والاقتصاد." for i in range(200)) + "\n"
)

SAVER = """
import sys
from annotations import make_annotation, open_sidecar
article, text = sys.argv[1], open(sys.argv[1], encoding="utf-8").read()
sidecar = open_sidecar(article, text)
i = 0
print("ready", flush=True)
while True:
    i += 1
    start = (i * 7) % (len(text) - 20)
    new = make_annotation(text, start, start + 10, tags=[f"t{i}"])
    annotations = sidecar.annotations.added(new)
    if len(annotations) > 40:  # keep files changing in size both ways
        annotations = annotations.with_annotations(annotations.annotations[-5:])
    sidecar.save(annotations)
"""


def test_sigkill_during_saves_leaves_old_or_new_never_half(tmp_path: Path):
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    rng = random.Random(4)
    sidecar = article.with_name("a.txt.annotations.json")
    for _round in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(article)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        if sidecar.exists():
            data = json.loads(sidecar.read_text(encoding="utf-8"))  # always parses
            for entry in data["annotations"]:
                assert TEXT[entry["start"] : entry["end"]] == entry["quote"]
            assert not open_sidecar(article, TEXT).read_only
    assert sidecar.exists()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # A kill between mkstemp and rename can leave a temp file; it is never the sidecar.
    assert all(name.startswith(".a.txt.annotations.json.") for name in leftovers)


def _add_many(article: str, worker: int, count: int) -> None:
    text = Path(article).read_text(encoding="utf-8")
    sidecar = open_sidecar(article, text)
    for i in range(count):
        start = (worker * 100 + i * 3) % (len(text) - 10)
        annotation = make_annotation(
            text, start, start + 5, tags=[f"w{worker}"], note=f"{worker}-{i}"
        )
        sidecar.save(sidecar.annotations.added(annotation))


def test_several_processes_adding_at_once_lose_nothing(tmp_path: Path):
    article = tmp_path / "b.txt"
    article.write_text(TEXT, encoding="utf-8")
    workers, each = 4, 15
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_add_many, args=(str(article), w, each)) for w in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    final = open_sidecar(article, TEXT).annotations
    notes = sorted(a.note for a in final.annotations)
    assert notes == sorted(f"{w}-{i}" for w in range(workers) for i in range(each))
