"""`hamish cat`: golden outputs, the --json cell map contract, options and errors."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library.article import load_article
from tests.paths import ROOT, SAMPLES, sample_paths
from tests.paths import run_cli as run

GOLDEN = ROOT / "tests" / "data" / "golden"
UPDATE = os.environ.get("HAMISH_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("width", [40, 72])
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_golden_output(capsys, path: Path, width: int):
    code, out, _ = run(capsys, "cat", "--header", "--width", str(width), str(path))
    assert code == 0
    golden = GOLDEN / f"{path.name}.w{width}.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("bidi", ["self", "terminal"])
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_json_cell_map_covers_every_code_point_once(capsys, path: Path, bidi: str):
    code, out, _ = run(capsys, "cat", "--json", "--width", "60", "--bidi", bidi, str(path))
    assert code == 0
    document = json.loads(out)
    article = load_article(path)
    assert document["width"] == 60
    assert document["body_start"] == article.body_start
    seen: list[int] = []
    for line in document["lines"]:
        cells = line["cells"]
        if cells:
            assert line["text"] == " " * cells[0]["col"] + "".join(c["text"] for c in cells)
        for left, right in itertools.pairwise(cells):
            assert right["col"] == left["col"] + left["width"]
        for cell in cells:
            assert cell["offsets"] == sorted(cell["offsets"])
            seen.extend(cell["offsets"])
    text = article.text
    expected = [i for i in range(article.body_start, len(text)) if text[i] not in "\r\n\u2029"]
    assert sorted(seen) == expected


def test_json_cells_point_at_the_characters_they_show(capsys):
    path = SAMPLES / "en_quoting_arabic.txt"
    _, out, _ = run(capsys, "cat", "--json", "--width", "50", str(path))
    text = load_article(path).text
    checked = 0
    for line in json.loads(out)["lines"]:
        for cell in line["cells"]:
            if len(cell["offsets"]) == 1 and text[cell["offsets"][0]].isascii():
                char = text[cell["offsets"][0]]
                if char not in "()[]<>{}":  # mirrored inside RTL runs
                    assert cell["text"] == char
                    checked += 1
    assert checked > 500


def test_rtl_paragraph_lines_are_right_aligned_and_read_top_to_bottom(capsys):
    _, out, _ = run(capsys, "cat", "--json", "--width", "50", str(SAMPLES / "ar_economy.txt"))
    all_lines = json.loads(out)["lines"]
    longest = max(
        (line["paragraph"] for line in all_lines),
        key=lambda p: sum(line["paragraph"] == p for line in all_lines),
    )
    lines = [line for line in all_lines if line["paragraph"] == longest]
    assert len(lines) > 2 and all(line["rtl"] for line in lines)
    for line in lines:
        assert line["cells"][-1]["col"] + line["cells"][-1]["width"] == 50
    firsts = [min(o for c in line["cells"] for o in c["offsets"]) for line in lines]
    assert firsts == sorted(firsts)


def test_hostile_characters_are_shown_safely(capsys):
    code, out, _ = run(capsys, "cat", "--width", "300", str(SAMPLES / "mixed_controls.txt"))
    assert code == 0
    for forbidden in ("\x1b", "\x07", "\u202e", "\u2066", "\u2069", "\t"):
        assert forbidden not in out
    assert "\u241b[2J" in out  # ESC shown as a visible symbol
    assert "[red]not markup[/red]" in out


def test_markup_in_articles_is_plain_text(capsys):
    _, out, _ = run(capsys, "cat", "--width", "200", str(SAMPLES / "en_markets.txt"))
    assert "[bold]" in out


def test_no_harakat_hides_vowel_marks(capsys):
    path = str(SAMPLES / "ar_economy.txt")
    _, shown, _ = run(capsys, "cat", "--width", "80", path)
    _, hidden, _ = run(capsys, "cat", "--width", "80", "--no-harakat", path)
    assert "\u064f" in shown and "\u064f" not in hidden


def test_terminal_bidi_sends_logical_text(capsys):
    path = SAMPLES / "ar_politics.txt"
    _, out, _ = run(capsys, "cat", "--width", "10000", "--bidi", "terminal", str(path))
    assert out.splitlines()[0] == load_article(path).text.splitlines()[0]


def test_header_shows_front_matter_title_source_and_date(capsys):
    path = SAMPLES / "ar_frontmatter.md"
    article = load_article(path)
    _, out, _ = run(capsys, "cat", "--header", "--width", "120", "--bidi", "terminal", str(path))
    head = out.splitlines()
    assert head[0] == article.title
    assert article.date in head[1] and article.source in head[1]
    assert "---" not in "\n".join(head[:3])


def test_detected_encoding_is_reported(capsys):
    code, out, err = run(capsys, "cat", str(SAMPLES / "ar_windows1256.txt"))
    assert code == 0, err
    assert "1256" in err and out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "folder"),
        (
            lambda d: (d / "x.bin").write_bytes(b"\x7fELF\x00\x01\x02\x00" * 50) and d / "x.bin",
            "binary",
        ),
    ],
    ids=["missing", "folder", "binary"],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, make, message):
    code, out, err = run(capsys, "cat", str(make(tmp_path)))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    code, _, err = run(capsys, "cat", "--width", "0", "x.txt")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_python_dash_m_reader_and_no_textual_import(tmp_path):
    probe = (
        "import sys, runpy; sys.argv = ['hamish', 'cat', '--width', '30', sys.argv[1]];\n"
        "try:\n    runpy.run_module('reader', run_name='__main__')\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        "assert 'textual' not in sys.modules, 'cat imported textual'\n"
        "print('OK', file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLES / "he_tech.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stderr and done.stdout.strip()
