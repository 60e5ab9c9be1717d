"""`hamish search` answers from its index: the same lines as a full read, kept up to date."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.library.article import load_article
from reader.library.find import find_articles
from reader.library.search_index import index_path
from reader.text.fold import find_all, fold
from tests.paths import SAMPLES
from tests.paths import run_cli as run

QUERY = "الامن"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(SAMPLES, folder)
    return folder


def expected_text_lines(root: Path, query: str) -> list[str]:
    """``FILE:LINE:OFFSET: CONTEXT`` of every text match, from the real texts (as grep
    prints its lines: one a match, logical order)."""
    lines = []
    for path, _ in find_articles([root]):
        article = load_article(path)
        text = article.text
        for start, end in find_all(fold(text), query, text):
            if start < article.body_start:
                continue
            line = text.count("\n", 0, start) + 1
            paragraph = text.rfind("\n", 0, start) + 1
            stop = text.find("\n", end)
            stop = len(text) if stop < 0 else stop
            left = max(paragraph, start - 30)
            piece = ("…" if left > paragraph else "") + text[left : min(stop, end + 30)]
            lines.append(f"{path.as_posix()}:{line}:{start}: {' '.join(piece.split())}")
    return lines


def test_plain_hits_are_the_lines_a_full_read_gives_cold_and_warm(capsys, library):
    code, cold, _ = run(capsys, "search", str(library), QUERY)
    assert code == 0 and index_path(library).is_file()
    code, warm, _ = run(capsys, "search", str(library), QUERY)
    assert code == 0 and warm == cold
    text_lines = [line for line in warm.splitlines() if "[annotation " not in line]
    assert text_lines == expected_text_lines(library, QUERY)
    assert any("[annotation quote]" in line for line in warm.splitlines())


def test_json_records_are_whole_and_exact(capsys, library):
    run(capsys, "search", "--json", str(library), QUERY)
    code, out, _ = run(capsys, "search", "--json", str(library), QUERY)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert records and all(
        set(r)
        == {"path", "line", "offset", "end", "kind", "match", "context", "annotation", "display"}
        for r in records
    )
    for record in records:
        text = load_article(record["path"]).text
        assert fold(text[record["offset"] : record["end"]]).text == fold(QUERY).text or (
            record["kind"] != "text" and fold(QUERY).text in fold(record["match"]).text
        )


def test_an_edited_article_is_searched_as_it_is_now(capsys, library):
    run(capsys, "search", str(library), QUERY)
    article = library / "en_markets.txt"
    article.write_text("Nothing about it here.\nبل عن الأمن فقط.\n", encoding="utf-8")
    code, out, _ = run(capsys, "search", str(library), QUERY)
    assert code == 0
    assert f"{article.as_posix()}:2:29: بل عن الأمن فقط." in out.splitlines()
    article.unlink()
    _, out, _ = run(capsys, "search", str(library), QUERY)
    assert "en_markets.txt" not in out


def test_a_corrupt_or_unwritable_index_changes_nothing_in_the_output(
    capsys, library, tmp_path, monkeypatch
):
    _, expected, _ = run(capsys, "search", str(library), QUERY)
    where = index_path(library)
    for suffix in ("-wal", "-shm"):
        Path(f"{where}{suffix}").unlink(missing_ok=True)
    where.write_bytes(b"\x00garbage" * 1000)
    code, out, err = run(capsys, "search", str(library), QUERY)
    assert (code, out, err) == (0, expected, "")
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    code, out, err = run(capsys, "search", str(library), QUERY)
    assert (code, out, err) == (0, expected, "")
