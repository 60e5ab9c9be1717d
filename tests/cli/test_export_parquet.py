"""`hamish export --format parquet -o DIR` (issue 14, item 3): spans.parquet and
articles.parquet that pyarrow, pandas, DuckDB and Polars read, every span slicing its
article's text in code points and in UTF-16 units, on the corpus of
test_export_xlsx.py (emoji before the spans, CRLF, Windows-1256, overlaps, multi-tag
spans, Arabic tags and notes, a review, an article state, an orphan, a relation)."""

from __future__ import annotations

import builtins
from datetime import date
from pathlib import Path

import pytest

from reader.text.fold import fold
from tests.cli.test_export_xlsx import Corpus, build_corpus, expected_documents
from tests.paths import run_cli as run

pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch) -> Corpus:
    monkeypatch.chdir(tmp_path)
    return build_corpus(tmp_path)


def utf16(text: str, index: int) -> int:
    """UTF-16 units before code point ``index``, counted independently of hamish."""
    return len(text[:index].encode("utf-16-le")) // 2


def expected(corpus: Corpus) -> tuple[list[dict], list[dict]]:
    spans, articles = [], []
    for path, article, annotated in expected_documents(corpus):
        day = article.date and date.fromisoformat(article.date[:10])
        meta = {
            "path": path,
            "title": article.title,
            "source": article.source,
            "date": article.date,
            "published": day or None,
            "url": article.meta.get("url"),
            "sha256": annotated.document.sha256,
        }
        placed = [a for a in annotated.annotations if a.status != "orphaned"]
        info = annotated.document
        articles.append(
            {
                **meta,
                "tags": list(info.tags),
                "note": info.note,
                "state": info.progress,
                "state_by": info.state.by if info.state else None,
                "state_at": info.state.at if info.state else None,
                "annotations": len(placed),
            }
        )
        text = article.text
        for a in placed:
            spans.append(
                {
                    **meta,
                    "id": a.id,
                    "start": a.start,
                    "end": a.end,
                    "start_utf16": utf16(text, a.start),
                    "end_utf16": utf16(text, a.end),
                    "quote": a.quote,
                    "quote_folded": fold(a.quote).text,
                    "tags": list(a.tags),
                    "note": a.note,
                    "author": a.author,
                    "created": a.created,
                    "modified": a.modified,
                    "status": a.status,
                    "review": a.review_state,
                    "reviewed_by": a.review.by if a.review else None,
                    "reviewed_at": a.review.at if a.review else None,
                }
            )
    return spans, articles


def export(capsys, *args: str) -> str:
    code, out, err = run(capsys, "export", "lib", "--format", "parquet", *args)
    assert code == 0, err
    assert out == ""
    return err


def test_pyarrow_reads_whole_records_and_every_span_slices_in_both_units(capsys, corpus):
    err = export(capsys, "-o", "out")
    assert "lib/crlf.txt: 1 orphaned annotations not exported" in err
    assert "lib/emoji.md: 1 relations not exported (parquet has no relations" in err
    assert "10 records from 4 articles → out" in err
    assert sorted(p.name for p in (corpus.root / "out").iterdir()) == [
        "articles.parquet",
        "spans.parquet",
    ]
    spans, articles = expected(corpus)
    table = pq.read_table(corpus.root / "out" / "spans.parquet")
    assert table.to_pylist() == spans
    assert pq.read_table(corpus.root / "out" / "articles.parquet").to_pylist() == articles
    assert str(table.schema.field("tags").type) == "list<element: string>"
    assert str(table.schema.field("published").type) == "date32[day]"
    texts = {path: article.text for path, article, _ in expected_documents(corpus)}
    for row in spans:
        text = texts[row["path"]]
        assert text[row["start"] : row["end"]] == row["quote"]
        units = text.encode("utf-16-le")
        quote = units[2 * row["start_utf16"] : 2 * row["end_utf16"]].decode("utf-16-le")
        assert quote == row["quote"]
    emoji = [row for row in spans if row["path"] == "lib/emoji.md"]
    assert all(row["end_utf16"] - row["end"] == 4 for row in emoji)  # 😀 (title), 😀👍🏽
    multi = next(row for row in spans if row["quote"] == "الاقتصاد سينمو 18%")
    assert multi["tags"] == ["اقتباس", "speaker/official"] and multi["review"] == "accepted"
    assert multi["url"] == "https://example.com/news/النمو?id=7"


def test_pandas_duckdb_and_polars_read_the_same_rows(capsys, corpus):
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    polars = pytest.importorskip("polars")
    export(capsys, "-o", "out")
    spans, articles = expected(corpus)
    spans_file = str(corpus.root / "out" / "spans.parquet")
    articles_file = str(corpus.root / "out" / "articles.parquet")

    frame = pandas.read_parquet(spans_file)
    assert frame["quote"].tolist() == [row["quote"] for row in spans]
    assert [list(tags) for tags in frame["tags"]] == [row["tags"] for row in spans]
    assert frame["start_utf16"].tolist() == [row["start_utf16"] for row in spans]

    assert polars.read_parquet(spans_file).to_dicts() == spans
    assert polars.read_parquet(articles_file).to_dicts() == articles

    connection = duckdb.connect()
    relation = connection.sql(f"SELECT * FROM read_parquet('{spans_file}')")
    rows = [dict(zip(relation.columns, values, strict=True)) for values in relation.fetchall()]
    assert rows == spans
    # The query docs/exports.md shows: quotes per tag per source per week.
    weekly = connection.sql(
        f"""
        SELECT tag, source, date_trunc('week', published)::DATE AS week, count(*) AS quotes
        FROM read_parquet('{spans_file}'), unnest(tags) AS t(tag)
        WHERE published IS NOT NULL
        GROUP BY ALL ORDER BY week, source, quotes DESC, tag
        """
    ).fetchall()
    monday = date(2024, 4, 1)
    assert weekly == [
        (tag, "وكالة الأنباء", monday, 1)
        for tag in sorted(["+figure", "-5%", "date", "speaker/official", "اقتباس", "رقم"])
    ]
    per_article = connection.sql(
        f"SELECT a.path, a.tags, count(s.id) FROM read_parquet('{articles_file}') a "
        f"LEFT JOIN read_parquet('{spans_file}') s USING (path) GROUP BY ALL ORDER BY a.path"
    ).fetchall()
    assert per_article == [(a["path"], a["tags"], a["annotations"]) for a in articles]


def test_a_second_export_replaces_both_files_and_a_file_is_not_a_folder(capsys, corpus):
    export(capsys, "-o", "out")
    export(capsys, "--tag", "رقم", "-o", "out")
    table = pq.read_table(corpus.root / "out" / "spans.parquet")
    assert table.column("quote").to_pylist() == ["سينمو 18%"]
    assert len(pq.read_table(corpus.root / "out" / "articles.parquet")) == 4
    assert sorted(p.name for p in (corpus.root / "out").iterdir()) == [
        "articles.parquet",
        "spans.parquet",
    ]  # no temporaries left
    (corpus.root / "file").write_text("x")
    code, _, err = run(capsys, "export", "lib", "--format", "parquet", "-o", "file")
    assert code == 2 and "file: is a file; --format parquet writes a folder" in err
    code, _, err = run(capsys, "export", "lib", "--format", "parquet")
    assert code == 2 and "--format parquet needs -o (a folder)" in err


def test_a_failed_export_leaves_the_old_files(capsys, corpus, monkeypatch):
    export(capsys, "-o", "out")
    before = {p.name: p.read_bytes() for p in (corpus.root / "out").iterdir()}
    import annotations.formats.parquet as parquet

    def broken(value):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parquet, "published_day", broken)
    code, _, err = run(capsys, "export", "lib", "--format", "parquet", "-o", "out")
    assert code == 2 and "out: cannot write: No space left on device" in err
    assert {p.name: p.read_bytes() for p in (corpus.root / "out").iterdir()} == before


def test_without_pyarrow_one_line_says_how_to_install_and_nothing_is_written(
    capsys, corpus, monkeypatch
):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.split(".")[0] == "pyarrow":
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    code, _, err = run(capsys, "export", "lib", "--format", "parquet", "-o", "new")
    assert code == 2
    assert err == "hamish: --format parquet needs pyarrow: pip install 'hamish[parquet]'\n"
    assert not (corpus.root / "new").exists()


def test_the_files_spark_reads_are_plain_parquet(capsys, corpus):
    """Spark reads ``spans.parquet`` as is: no pandas metadata it would need, standard
    logical types only (string, int64, date32, list<string>)."""
    export(capsys, "-o", "out")
    for name in ("spans.parquet", "articles.parquet"):
        schema = pq.read_schema(corpus.root / "out" / name)
        assert not (schema.metadata or {}).get(b"pandas")
        assert {str(field.type) for field in schema} <= {
            "string",
            "int64",
            "date32[day]",
            "list<element: string>",
        }
