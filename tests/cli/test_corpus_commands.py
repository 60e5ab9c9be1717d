"""`hamish stats` and `hamish search` on the sample library (known fixtures)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.paths import SAMPLES
from tests.paths import run_cli as run


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "library"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_stats_counts_by_tag_prefix_author_article(capsys, library):
    code, out, _ = run(capsys, "stats", "--json", str(library))
    assert code == 0
    stats = json.loads(out)
    assert (
        stats["articles"] == 11 and stats["annotated_articles"] == 2 and stats["annotations"] == 8
    )
    assert stats["by_tag"] == {
        "quote": 5,
        "claim": 3,
        "speaker/official": 3,
        "topic/economy": 1,
        "topic/security": 1,
        "speaker/opposition": 1,
    }
    assert stats["by_prefix"] == {"speaker": 4, "topic": 2}
    assert stats["by_author"] == {"hamish-samples": 8}
    assert set(stats["by_article"].values()) == {4}


def test_stats_chart_shows_bars_and_arabic_tags_shaped(capsys, library):
    from annotations import make_annotation, open_sidecar
    from reader.library.article import load_article

    path = library / "fa_culture.txt"
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    sidecar.save(sidecar.annotations.added(make_annotation(text, 0, 5, tags=["موضوع/انتخابات"])))
    # Captured output is not a terminal, which gets logical text: ask for the shaped page.
    code, out, _ = run(capsys, "stats", "--by", "tag", "--chart", "--bidi", "self", str(library))
    assert code == 0
    assert "█" in out and "by author" not in out
    assert "ﺕﺎﺑﺎﺨﺘﻧﺍ/ﻉﻮﺿﻮﻣ" in out  # shaped and in visual order
    assert "موضوع/انتخابات" not in out  # never the raw logical string


def test_search_finds_folded_arabic_in_text_and_annotations(capsys, library):
    code, out, _ = run(capsys, "search", "--json", str(library), "الامن")
    assert code == 0
    hits = [json.loads(line) for line in out.splitlines()]
    text = (library / "ar_economy.txt").read_text(encoding="utf-8")
    text_hits = [h for h in hits if h["kind"] == "text"]
    assert text_hits and all(text[h["offset"] : h["end"]] == h["match"] for h in text_hits)
    assert all("الأمن" in h["match"] or "الامن" in h["match"] for h in text_hits)
    assert any(h["kind"] == "quote" for h in hits)
    line = text_hits[0]["line"]
    assert text.splitlines()[line - 1].find(text_hits[0]["match"]) >= 0


def test_search_plain_output_is_file_line_offset(capsys, library):
    code, out, _ = run(capsys, "search", str(library / "en_markets.txt"), "CHIPMAKER")
    assert code == 0
    first = out.splitlines()[0]
    path, line, offset, _ = first.split(":", 3)
    assert path.endswith("en_markets.txt") and int(line) >= 1
    text = (library / "en_markets.txt").read_text(encoding="utf-8")
    assert text[int(offset) : int(offset) + 9].lower() == "chipmaker"


def test_search_nothing_found_exits_1(capsys, library):
    code, out, _ = run(capsys, "search", str(library), "zzzzqqq")
    assert code == 1 and out == ""


def test_missing_path_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "stats", str(tmp_path / "nope"))
    assert code == 2 and "no such file or folder" in err
