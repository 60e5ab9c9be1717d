"""`hamish stats` counts the article-level tags and notes (the sidecar's ``document``).

Sidecars are written by the store (``open_sidecar(...).save``) next to copies of the
sample articles, so the counts come from real files on disk, read by the one parser.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from reader.library.article import load_article
from tests.paths import SAMPLES
from tests.paths import run_cli as run

ECONOMY = "topic/economy"
ELECTIONS = "موضوع/انتخابات"  # an Arabic article tag: laid out, never raw, on a terminal


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Four articles: two with article tags (one also with an annotation and a note), one
    with a note only, one with a sidecar without article tags, the rest untouched."""
    folder = tmp_path / "library"
    folder.mkdir()
    for name in (
        "ar_politics.txt",
        "fa_culture.txt",
        "he_tech.txt",
        "en_markets.txt",
        "ur_sports.txt",
    ):
        shutil.copy(SAMPLES / name, folder / name)

    def save(
        name: str, *, tags: tuple[str, ...] = (), note: str = "", annotate: bool = False
    ) -> None:
        path = folder / name
        text = load_article(path).text
        sidecar = open_sidecar(path, text)
        annotations = sidecar.annotations.with_document(tags=tags, note=note)
        if annotate:
            annotations = annotations.added(make_annotation(text, 0, 5, tags=["quote"]))
        sidecar.save(annotations)

    save("ar_politics.txt", tags=(ELECTIONS, ECONOMY), note="مقال مهم", annotate=True)
    save("fa_culture.txt", tags=(ELECTIONS,))
    save("he_tech.txt", note="לבדוק שוב")
    save("en_markets.txt", annotate=True)
    return folder


def test_by_article_tag_counts_articles_per_article_tag(capsys, library: Path) -> None:
    on_disk = json.loads((library / "ar_politics.txt.annotations.json").read_text("utf-8"))
    assert on_disk["document"]["tags"] == [ELECTIONS, ECONOMY]
    code, out, _ = run(capsys, "stats", "--json", "--by", "article-tag", str(library))
    assert code == 0
    assert json.loads(out) == {
        "articles": 5,
        "annotated_articles": 2,
        "annotations": 2,
        "tagged_articles": 2,
        "noted_articles": 2,
        "by_article_tag": {ELECTIONS: 2, ECONOMY: 1},
        "problems": [],
    }


def test_article_tags_stay_out_of_the_annotation_counts(capsys, library: Path) -> None:
    code, out, _ = run(capsys, "stats", "--json", str(library))
    stats = json.loads(out)
    assert code == 0
    assert stats["by_tag"] == {"quote": 2}  # the annotations' tags only
    assert stats["by_article_tag"] == {ELECTIONS: 2, ECONOMY: 1}
    assert set(stats) >= {"by_prefix", "by_author", "by_article", "by_status"}


def test_plain_output_lists_article_tags_laid_out(capsys, library: Path) -> None:
    code, out, _ = run(capsys, "stats", "--by", "article-tag", "--bidi", "self", str(library))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "5 articles, 2 annotated, 2 annotations; 2 with article tags, 2 with an article note"
    )
    assert lines[2] == "by article-tag:"
    rows = [line.split() for line in lines[3:]]
    assert rows == [["ﺕﺎﺑﺎﺨﺘﻧﺍ/ﻉﻮﺿﻮﻣ", "2"], [ECONOMY, "1"]]  # shaped, in visual order
    assert ELECTIONS not in out  # never the raw logical string
    # Logical text for a pipe: the tag as stored, so grep finds it.
    code, out, _ = run(capsys, "stats", "--by", "article-tag", "--bidi", "terminal", str(library))
    assert code == 0 and f"  {ELECTIONS}  2" in out


def test_a_tag_written_twice_counts_its_article_once(capsys, library: Path) -> None:
    path = library / "ur_sports.txt"
    sidecar = path.with_name(path.name + ".annotations.json")
    text = load_article(path).text
    open_sidecar(path, text).save(
        open_sidecar(path, text).annotations.with_document(tags=(ECONOMY,))
    )
    record = json.loads(sidecar.read_text("utf-8"))
    record["document"]["tags"] = [ECONOMY, ECONOMY]  # as another tool might write it
    sidecar.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    code, out, _ = run(capsys, "stats", "--json", "--by", "article-tag", str(library))
    stats = json.loads(out)
    assert code == 0 and stats["problems"] == []
    assert stats["by_article_tag"] == {ELECTIONS: 2, ECONOMY: 2} and stats["tagged_articles"] == 3


def test_no_article_tags_prints_no_section(capsys, tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "en_markets.txt", tmp_path / "en_markets.txt")
    code, out, _ = run(capsys, "stats", "--by", "article-tag", str(tmp_path))
    assert code == 0
    assert out == "1 articles, 0 annotated, 0 annotations\n"
