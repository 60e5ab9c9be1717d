"""Big articles: peak memory and time for generated 10 MB and 50 MB Arabic articles.

    python benchmarks/big_article.py [--quick] [--pairs N] [--sizes 10,50]

Every case runs in a child process of its own (this script with ``--child``), which
reports its own seconds (after its imports) and its peak resident memory
(VmHWM from /proc/self/status; ``ru_maxrss`` would count the parent's memory at fork).
Cases:

- ``cat``: ``hamish cat --bidi self --width 80`` of the file to /dev/null (the command's
  own function, streaming paragraph by paragraph), against the naive recipe
  ``get_display(reshape(paragraph))`` per paragraph, written as it goes; alternated pair
  by pair (``pairs.py``). Targets (DESIGN §6): ≤ 3× the naive time, ≤ 3× the file size
  in memory.
- ``cat --json``: the same file's cell map, streamed (its peak memory; no baseline).
- ``tui``: the reader opened headless on the file (``App.run_test``, 100×30): the first
  screen, ``G`` as soon as the view is there (before the background layout ends), then
  a search for a word that is only in the last paragraph; it checks that the cursor
  reached the last line and then the match. Target: peak ≤ 400 MB at 50 MB.

``--quick`` runs the 10 MB article only, one pair, no warm-up (under 30 s on a quiet
2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairs import compare, report  # noqa: E402

#: A word only the last paragraph holds: the TUI case searches for it.
LAST_WORD = "الختاميّة"
MB = 1_000_000


def generated_article(size: int, seed: int = 7) -> str:
    """About ``size`` bytes of UTF-8 Arabic news prose (benchmarks/layout.py's); the last
    paragraph holds LAST_WORD."""
    from layout import generated_article as prose  # not in the children: what they import

    body = prose(size, seed, measure=lambda paragraph: len(paragraph.encode("utf-8")))
    return f"{body}\nوفي الكلمة {LAST_WORD} قال الوزير إن العمل مستمر.\n"


# -- the children ---------------------------------------------------------------------


def _peak_kb() -> int:
    """The process's peak resident memory, in kB: VmHWM (its own address space's).

    ``ru_maxrss`` of a child counts the parent's resident size at fork (Linux keeps it
    across exec), so it is only the fallback where /proc is missing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_cat(path: str, as_json: bool) -> dict[str, object]:
    from reader.commands.cat import write_cat

    start = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as out:
        write_cat(path, out=out, warn=lambda _: None, width=80, bidi="self", as_json=as_json)
    return {"seconds": time.perf_counter() - start}


def child_naive(path: str) -> dict[str, object]:
    import arabic_reshaper
    from bidi import get_display

    from reader.library.article import load_article

    start = time.perf_counter()
    article = load_article(path)
    text = article.text
    with open(os.devnull, "w", encoding="utf-8") as out:
        for p in article.paragraphs():
            out.write(get_display(arabic_reshaper.reshape(text[p.start : p.end])) + "\n")
    return {"seconds": time.perf_counter() - start}


def child_tui(path: str) -> dict[str, object]:
    import asyncio

    from reader.settings import Settings
    from reader.tui.app import HamishApp
    from reader.tui.widgets.article_view import ArticleView

    result: dict[str, object] = {}

    async def run() -> None:
        start = time.perf_counter()
        async with HamishApp(Path(path), Settings()).run_test(size=(100, 30)) as pilot:
            screen = pilot.app.screen
            while not screen.query(ArticleView):
                await pilot.pause(0.02)
            view = screen.query_one(ArticleView)
            result["first_screen"] = time.perf_counter() - start
            await pilot.press("G")
            while getattr(screen, "partial", False):
                await pilot.pause(0.05)
            result["exact_at_G"] = view.document.exact
            text = view.text
            result["G_at_end"] = view.cursor == view.document.end
            result["G_seconds"] = time.perf_counter() - start
            await pilot.press("/")
            await pilot.pause()
            # Typed at once: a pilot's key waits for an idle screen, which the background
            # layout's timer makes a long wait (an artefact of the pilot, not a delay).
            screen.search_box.value = LAST_WORD
            await pilot.press("enter")
            while not view.matches:
                await pilot.pause(0.05)
            await pilot.pause()
            result["match_at"] = view.cursor
            result["match_right"] = view.cursor == text.rindex(LAST_WORD)
            result["exact_at_search"] = view.document.exact
            result["cached_rows"] = view.document.cached_rows
            result["cached_paragraphs"] = view.document.cached_paragraphs
            result["seconds"] = time.perf_counter() - start

    asyncio.run(run())
    return result


def _child(case: str, path: str) -> None:
    if case == "cat":
        result = child_cat(path, as_json=False)
    elif case == "json":
        result = child_cat(path, as_json=True)
    elif case == "naive":
        result = child_naive(path)
    else:
        result = child_tui(path)
    result["peak_kb"] = _peak_kb()
    print(json.dumps(result))


# -- the parent -----------------------------------------------------------------------


def run_case(case: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", case, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 MB only, one pair")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--sizes", default="10,50", help="sizes in MB, comma-separated")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    sizes = [10] if args.quick else [int(s) for s in args.sizes.split(",")]
    pairs = 1 if args.quick else args.pairs
    with tempfile.TemporaryDirectory() as folder:
        for mb in sizes:
            path = Path(folder) / f"article_{mb}mb.txt"
            path.write_text(generated_article(mb * MB), encoding="utf-8")
            size_mb = path.stat().st_size / MB
            peaks: dict[str, list[int]] = {"cat": [], "naive": []}

            def side(case: str, path: Path = path, peaks: dict[str, list[int]] = peaks):
                def run() -> float:
                    result = run_case(case, path)
                    peaks[case].append(int(str(result["peak_kb"])))
                    return float(str(result["seconds"]))

                return run

            result = compare(side("cat"), side("naive"), pairs=pairs, warmup=not args.quick)
            print(report(f"cat, {mb} MB", result, target=3.0))
            cat_mb = max(peaks["cat"]) / 1000
            print(
                f"  cat peak {cat_mb:.0f} MB = {cat_mb / size_mb:.2f}x the file "
                f"(target <= 3x {'ok' if cat_mb <= 3 * size_mb else 'MISSED'}); "
                f"naive peak {max(peaks['naive']) / 1000:.0f} MB"
            )
            js = run_case("json", path)
            json_mb = int(str(js["peak_kb"])) / 1000
            print(
                f"  cat --json: {float(str(js['seconds'])):.1f} s, peak {json_mb:.0f} MB "
                f"= {json_mb / size_mb:.2f}x the file"
            )
            tui = run_case("tui", path)
            tui_mb = int(str(tui["peak_kb"])) / 1000
            verdict = "ok" if tui_mb <= 400 else "MISSED"
            print(
                f"  tui: first screen {float(str(tui['first_screen'])):.2f} s, G at the end "
                f"{tui['G_at_end']} (layout exact then: {tui['exact_at_G']}), search found "
                f"the last paragraph's word {tui['match_right']} (layout exact then: "
                f"{tui['exact_at_search']}), {float(str(tui['seconds'])):.1f} s in all; "
                f"peak {tui_mb:.0f} MB (target <= 400 MB {verdict}); cache "
                f"{tui['cached_paragraphs']} paragraphs, {tui['cached_rows']} rows"
            )


if __name__ == "__main__":
    main()
