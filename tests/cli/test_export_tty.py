"""`hamish export` to a terminal shows the data's controls instead of sending them (issue 11
item 8); to a pipe the data goes exactly as it is."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from annotations.formats.registry import export_formats
from annotations.script import TERMINAL_UNSAFE
from reader.library.article import load_article
from tests.cli.terminals import HAMISH, environment, on_pty

# Written for this test: an article whose quote carries what a terminal would obey.
TITLE = "\x1b]2;pwned\x07"  # OSC: retitle the window
CSI = "\x9b31m"  # C1 CSI: red from here on
RLO = "\u202e"  # reverses what follows on the line
QUOTE = f"قال الوزير {TITLE}إن الخطة {CSI}ستنجح{RLO} هذا العام"
TEXT = f"بيان\n\n{QUOTE} وفق المصادر.\n"
TAG = "claim\x1b[2J"  # ESC [ 2 J clears the screen

STREAMED = [f.name for f in export_formats() if f.output == "stream"]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    article = tmp_path / "hostile.txt"
    article.write_text(TEXT, encoding="utf-8")
    text = load_article(article).text
    sidecar = open_sidecar(article, text)
    start = text.index(QUOTE)
    annotation = make_annotation(
        text, start, start + len(QUOTE), tags=[TAG], note=f"ملاحظة {TITLE}", author="r"
    )
    sidecar.save(sidecar.annotations.added(annotation))
    return tmp_path


@pytest.mark.parametrize("fmt", STREAMED)
def test_on_a_terminal_nothing_is_obeyed(library, fmt):
    code, out = on_pty(["export", "--format", fmt, str(library)], environment())
    assert code == 0, out
    unsafe = sorted({f"U+{ord(c):04X}" for c in out if c in TERMINAL_UNSAFE and c != "\r"})
    assert unsafe == []
    assert "ستنجح" in out  # the data is there, shown
    if fmt in ("csv", "conll"):  # written as text, not as JSON escapes
        assert "\u241b" in out  # ESC shown as ␛


@pytest.mark.parametrize("fmt", ["csv", "conll"])
def test_piped_the_data_is_exact(library, fmt):
    done = subprocess.run(
        [*HAMISH, "export", "--format", fmt, str(library)],
        capture_output=True,
        env=environment(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    out = done.stdout.decode("utf-8")
    assert "\x1b[2J" in out  # a script gets what the file holds (here in a tag)
    if fmt == "conll":  # split into tokens, every character still there
        assert "\x1b _ _ " in out and "\n] _ _ " in out and "\npwned _ _ " in out
        assert "\n\x07 _ _ " in out
    else:
        assert "\x1b]2;pwned\x07" in out
