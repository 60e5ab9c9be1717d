"""`hamish export --format xlsx` (issue 14, item 2): a workbook that openpyxl and
LibreOffice read back exactly — every cell text (nothing guessed), one row per
annotation with the article's metadata, a right-to-left sheet for an Arabic corpus, a
second sheet of the articles' tags and notes, written atomically.

``corpus`` (also used by test_export_parquet.py) builds a library with an emoji before
the spans, CRLF line ends, a Windows-1256 file, overlapping and multi-tag spans, Arabic
tags and notes, values spreadsheets like to guess (``18%``, ``=SUM(1)``,
``2024-01-01``, ``+123``), a review, an article state, a relation and an orphan.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from annotations.errors import HamishError
from annotations.formats.registry import get_format
from annotations.model import Annotation, make_relation
from reader.commands.export import run_export
from reader.library.article import load_article
from reader.library.corpus import Filters
from tests.paths import ROOT
from tests.paths import run_cli as run

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.utils.escape import unescape  # noqa: E402  (after the skip)

EMOJI_ARTICLE = (
    "---\n"
    "title: 😀 الوزير يتحدث عن النمو\n"
    "source: وكالة الأنباء\n"
    "date: 2024-04-03\n"
    "url: https://example.com/news/النمو?id=7\n"
    "---\n"
    "😀👍🏽 قال الوزير: «الاقتصاد سينمو 18%» اليوم.\n"
    "وكتب أحدهم =SUM(1) و+123 في 2024-01-01 ثم _x0041_ بلا معنى.\n"
)
CRLF_ARTICLE = "عنوان الخبر\r\nقال المتحدث: نحن مستعدون\r\nللحوار مع الجميع.\r\n"
ENGLISH_ARTICLE = "Markets\n\nThe index fell -5% on Monday, traders said.\n"
GONE = "جملة ستحذف"


@dataclass(frozen=True)
class Corpus:
    root: Path  # the working directory; articles under root / "lib"
    paths: tuple[str, ...]  # the articles as exported ("lib/…"), in export order
    rtl: bool = True


def _annotate(path: Path, spans: list[dict], *, tags=(), note="", state=None, link=False):
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    annotations = sidecar.annotations
    made: list[Annotation] = []
    for n, span in enumerate(spans):
        quote = span["quote"]
        start = text.index(quote, span.get("after", 0))
        annotation = make_annotation(
            text,
            start,
            start + len(quote),
            tags=span.get("tags", ()),
            note=span.get("note", ""),
            author=span.get("author", "rana"),
            id=f"{path.stem[:8]}{n:08d}".replace("_", "x")[:16].ljust(16, "0"),
            created="2024-04-03T09:00:00Z",
            modified="2024-04-03T09:30:00Z",
        )
        annotations = annotations.added(annotation)
        if span.get("review"):
            annotations = annotations.reviewed(annotation.id, span["review"], "lina")
        made.append(annotation)
    if link:
        annotations = annotations.related(make_relation(made[0].id, made[1].id, "said"))
    annotations = annotations.with_document(tags=tuple(tags), note=note)
    if state:
        annotations = annotations.with_progress(state, "lina")
    sidecar.save(annotations)


def build_corpus(tmp_path: Path, *, arabic: bool = True) -> Corpus:
    lib = tmp_path / "lib"
    lib.mkdir()
    if not arabic:
        (lib / "en.txt").write_text(ENGLISH_ARTICLE, encoding="utf-8")
        _annotate(lib / "en.txt", [{"quote": "The index fell -5%", "tags": ["claim"]}])
        return Corpus(tmp_path, ("lib/en.txt",), rtl=False)
    (lib / "emoji.md").write_text(EMOJI_ARTICLE, encoding="utf-8")
    with open(lib / "crlf.txt", "w", encoding="utf-8", newline="") as out:
        out.write(CRLF_ARTICLE + GONE + "\r\n")
    shutil.copy(ROOT / "sample_articles" / "ar_windows1256.txt", lib / "cp1256.txt")
    (lib / "en.txt").write_text(ENGLISH_ARTICLE, encoding="utf-8")
    _annotate(
        lib / "emoji.md",
        [
            {"quote": "الاقتصاد سينمو 18%", "tags": ["اقتباس", "speaker/official"],
             "note": "رقم رسمي\nمن المؤتمر", "review": "accepted"},
            {"quote": "سينمو 18%", "tags": ["رقم"], "note": "=HYPERLINK(\"x\")"},  # overlaps
            {"quote": "18%", "tags": ["+figure"]},  # inside both
            {"quote": "=SUM(1)", "tags": ["-5%"], "author": "=evil()"},
            {"quote": "+123"},
            {"quote": "2024-01-01", "tags": ["date"], "review": "rejected"},
            {"quote": "_x0041_", "note": "_x000D_ literally"},
        ],
        tags=("بلد/مصر", "topic/economy"),
        note="مقال مهم\r\nللمتابعة",
        state="in progress",
        link=True,
    )  # fmt: skip
    _annotate(
        lib / "crlf.txt",
        [
            {"quote": "نحن مستعدون\r\nللحوار", "tags": ["خطاب"]},  # across a CRLF
            {"quote": GONE, "tags": ["قديم"]},
        ],
        state="done",
    )
    text = (lib / "crlf.txt").read_bytes().replace((GONE + "\r\n").encode(), b"")
    (lib / "crlf.txt").write_bytes(text)  # the second annotation is now an orphan
    cp1256 = load_article(lib / "cp1256.txt")
    assert cp1256.encoding.lower().replace("-", "").endswith("1256"), cp1256.encoding
    _annotate(
        lib / "cp1256.txt",
        [{"quote": "امتحانات الشهادة الثانوية", "tags": ["تعليم"], "note": "ويندوز"}],
        tags=("مصدر/محلي",),
    )
    _annotate(lib / "en.txt", [{"quote": "The index fell -5%", "tags": ["claim"]}])
    return Corpus(tmp_path, ("lib/cp1256.txt", "lib/crlf.txt", "lib/emoji.md", "lib/en.txt"))


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch) -> Corpus:
    monkeypatch.chdir(tmp_path)
    return build_corpus(tmp_path)


def expected_documents(corpus: Corpus) -> list[tuple[str, object, object]]:
    """(path, article, sidecar annotations) of each article, as export sees them."""
    result = []
    for path in corpus.paths:
        article = load_article(corpus.root / path)
        sidecar = open_sidecar(corpus.root / path, article.text)
        result.append((path, article, sidecar.annotations))
    return result


# --------------------------------------------------------------------------- reading back


def _cell(value):
    """A text cell as its writer meant it: OOXML ``_xHHHH_`` escapes decoded."""
    return unescape(value) if isinstance(value, str) else value


def read_sheets(path: Path) -> dict[str, list[dict]]:
    workbook = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in workbook:
        rows = list(sheet.iter_rows())
        header = [c.value for c in rows[0]]
        records = []
        for row in rows[1:]:
            record = {}
            for name, c in zip(header, row, strict=True):
                if c.value is None:
                    record[name] = ""
                elif isinstance(c.value, int):
                    assert name in ("start", "end", "annotations"), (name, c.value)
                    record[name] = c.value
                else:
                    assert c.data_type == "s", (name, c.value, c.data_type)  # a text cell
                    record[name] = _cell(c.value)
            records.append(record)
        sheets[sheet.title] = records
    return sheets


def expected_rows(corpus: Corpus) -> tuple[list[dict], list[dict]]:
    spans, articles = [], []
    for path, article, annotated in expected_documents(corpus):
        meta = {
            "path": path,
            "title": article.title,
            "source": article.source or "",
            "date": article.date or "",
            "url": article.meta.get("url", ""),
        }
        info = annotated.document
        state = info.state
        articles.append(
            {
                **meta,
                "tags": "\n".join(info.tags),
                "note": info.note,
                "state": info.progress,
                "state_by": state.by if state else "",
                "state_at": state.at if state else "",
                "annotations": len(annotated.annotations),
            }
        )
        for a in annotated.annotations:
            spans.append(
                {
                    **meta,
                    "id": a.id,
                    "start": a.start,
                    "end": a.end,
                    "quote": a.quote,
                    "tags": "\n".join(a.tags),
                    "note": a.note,
                    "author": a.author,
                    "created": a.created,
                    "modified": a.modified,
                    "status": a.status,
                    "review": a.review_state,
                    "reviewed_by": a.review.by if a.review else "",
                    "reviewed_at": a.review.at if a.review else "",
                }
            )
    return spans, articles


# --------------------------------------------------------------------------- tests


def test_every_row_is_the_whole_annotation_in_text_cells_on_a_right_to_left_sheet(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "-o", "out.xlsx")
    assert code == 0, err
    assert "relations not exported (xlsx has no relations" in err
    sheets = read_sheets(corpus.root / "out.xlsx")
    spans, articles = expected_rows(corpus)
    assert sheets["annotations"] == spans
    assert sheets["articles"] == articles
    assert len(spans) == 11 and "11 records from 4 articles → out.xlsx" in err
    # every quote slices its article's text (code points), orphans aside
    texts = {path: article.text for path, article, _ in expected_documents(corpus)}
    for row in sheets["annotations"]:
        if row["status"] != "orphaned":
            assert texts[row["path"]][row["start"] : row["end"]] == row["quote"]
    by_quote = {row["quote"]: row for row in sheets["annotations"]}
    for guessable in ("18%", "=SUM(1)", "+123", "2024-01-01", "_x0041_"):
        assert by_quote[guessable]["quote"] == guessable  # text, exactly as in the article
    assert by_quote["=SUM(1)"]["author"] == "=evil()"
    assert by_quote["نحن مستعدون\r\nللحوار"]["tags"] == "خطاب"  # the CRLF kept
    assert by_quote["جملة ستحذف"]["status"] == "orphaned"
    workbook = openpyxl.load_workbook(corpus.root / "out.xlsx")
    assert workbook.sheetnames == ["annotations", "articles"]
    for sheet in workbook:
        assert sheet.sheet_view.rightToLeft is True
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type in ("s", "n"), (c.coordinate, c.value)
                assert not (isinstance(c.value, str) and c.value.startswith("'"))
    # no formula anywhere in the file
    with zipfile.ZipFile(corpus.root / "out.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name


def test_an_english_corpus_gets_a_left_to_right_sheet(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = build_corpus(tmp_path, arabic=False)
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "-o", "en.xlsx")
    assert code == 0, err
    workbook = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert not workbook["annotations"].sheet_view.rightToLeft
    assert read_sheets(tmp_path / "en.xlsx")["annotations"] == expected_rows(corpus)[0]


def test_filters_apply_and_an_empty_export_is_a_workbook_with_headers(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "--tag", "رقم", "-o", "r.xlsx")
    assert code == 0, err
    sheets = read_sheets(corpus.root / "r.xlsx")
    assert [row["quote"] for row in sheets["annotations"]] == ["سينمو 18%"]
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "--tag", "none", "-o", "e.xlsx")
    assert code == 0, err
    sheets = read_sheets(corpus.root / "e.xlsx")
    assert sheets["annotations"] == [] and len(sheets["articles"]) == 4


def test_a_cell_longer_than_excel_holds_is_cut_with_a_warning(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    article = tmp_path / "lib" / "long.txt"
    article.write_text("قال الوزير كلاما طويلا.\n", encoding="utf-8")
    note = "ملاحظة " * 6000  # 42,000 characters
    _annotate(article, [{"quote": "الوزير", "note": note}])
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "-o", "long.xlsx")
    assert code == 0
    assert "xlsx: 1 cells of sheet annotations cut at 32767 characters" in err
    (row,) = read_sheets(tmp_path / "long.xlsx")["annotations"]
    assert row["note"] == note[:32767] and row["quote"] == "الوزير"


def test_a_pipe_gets_the_bytes_and_a_terminal_is_refused(corpus):
    piped = subprocess.run(
        [sys.executable, "-m", "reader", "export", "lib", "--format", "xlsx"],
        capture_output=True,
        cwd=corpus.root,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"PK\x03\x04")
    (corpus.root / "piped.xlsx").write_bytes(piped.stdout)
    assert read_sheets(corpus.root / "piped.xlsx")["annotations"] == expected_rows(corpus)[0]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    with pytest.raises(HamishError, match=r"writes a binary file: give -o FILE\.xlsx") as refused:
        run_export(["lib"], get_format("xlsx"), output=None, stdout=terminal, filters=Filters())
    assert refused.value.exit_code == 2
    assert terminal.getvalue() == ""


def test_a_real_terminal_is_refused_with_one_line(corpus):
    import os

    controller, terminal = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "export", "lib", "--format", "xlsx"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            cwd=corpus.root,
            check=False,
            timeout=60,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "hamish: --format xlsx writes a binary file: give -o FILE.xlsx (or pipe it), "
        "not a terminal\n"
    )


def test_a_failed_export_leaves_the_old_file_and_no_temporary(capsys, corpus, monkeypatch):
    target = corpus.root / "keep.xlsx"
    target.write_bytes(b"old")
    import annotations.formats.xlsx as xlsx

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx, "rtl_letters", broken)
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "-o", "keep.xlsx")
    assert code == 2
    assert "keep.xlsx: cannot write: No space left on device" in err
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in corpus.root.iterdir()) == ["keep.xlsx", "lib"]


def test_csv_export_never_imports_xlsxwriter_or_pyarrow(corpus):
    probe = (
        "import sys\n"
        "from reader.cli import main\n"
        "try:\n"
        "    main(['export', 'lib', '--format', 'csv', '-o', 'x.csv'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('xlsxwriter', 'pyarrow')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=corpus.root, check=True
    )
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Comma, double quote, UTF-8, line 1, standard cells, no language, quote text cells: no,
# detect numbers: yes, contents as shown: no (the values), formulas: no, trim spaces: no,
# every sheet (-1: one file each, NAME-SHEET.csv).
_CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_every_cell_back_exactly(capsys, corpus, tmp_path):
    code, _, err = run(capsys, "export", "lib", "--format", "xlsx", "-o", "out.xlsx")
    assert code == 0, err
    profile = tmp_path / "lo-profile"  # its own profile: no clash with a running office
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         _CSV_FILTER, "--outdir", str(tmp_path / "csv"), str(corpus.root / "out.xlsx")],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    spans, articles = expected_rows(corpus)
    crlf_cells = 0
    for sheet, expected in (("annotations", spans), ("articles", articles)):
        with open(tmp_path / "csv" / f"out-{sheet}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        # LibreOffice's cells hold paragraphs: a CR LF inside a cell comes back as one
        # LF (docs/exports.md says so). Everything else is exact: emoji, _x0041_, 18%,
        # =SUM(1), +123, 2024-01-01, Arabic, Windows-1256 text.
        crlf_cells += sum(str(v).count("\r\n") for row in expected for v in row.values())
        lf = [{k: str(v).replace("\r\n", "\n") for k, v in row.items()} for row in expected]
        assert rows == lf, sheet
    assert crlf_cells == 2  # the quote across a line end, the article note
