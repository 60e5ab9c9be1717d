"""`--format inception`: UIMA CAS XMI through dkpro-cassis, read back with cassis itself
(covered text, UTF-16 offsets in the file), and imported back whole."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar, sidecar_path
from annotations.model import ArticleState, Review, make_relation
from reader.library.article import load_article
from tests.cli.corpora import span_of
from tests.paths import run_cli as run

cassis = pytest.importorskip("cassis")

# An emoji before every span (UTF-16 offsets differ), CRLF line ends, overlapping and
# multi-tag spans, Arabic tags and notes, a quote inside a word (spaCy must widen it).
CRLF = (
    "---\r\ntitle: تصريح الوزير\r\nsource: وكالة\r\ndate: 2024-04-03\r\n"
    "url: https://example.com/a\r\n---\r\n"
    "😀 قال الوزير: «الاقتصاد سينمو 3%» اليوم.\r\n"
    "𝐀 وأكد أن والاقتصاد بخير، رغم «الأزمة».\r\n"
)
CP1256 = "قال المتحدث إن الحكومة ستعمل على خفض الأسعار.\n"


def build_corpus(root: Path) -> dict[str, list]:
    """Two articles with sidecars (see above); returns each article's annotations."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "crlf.txt").write_bytes(CRLF.encode("utf-8"))
    (root / "cp1256.txt").write_bytes(CP1256.encode("cp1256"))
    made: dict[str, list] = {}
    for name, spans in {
        "crlf.txt": [
            ("الاقتصاد سينمو 3%", 0, ("quote", "موضوع/اقتصاد"), "رقم رسمي"),  # multi-tag
            ("الوزير: «الاقتصاد", 0, ("speaker/official",), ""),  # overlaps the quote
            ("الاقتصاد", 1, ("موضوع",), "داخل كلمة"),  # inside والاقتصاد
            ("الأزمة", 0, (), ""),  # untagged
            ("اليوم.\r\n𝐀 وأكد", 0, ("عبر السطر",), "سطران"),  # crosses CRLF
        ],
        "cp1256.txt": [("المتحدث", 0, ("speaker",), "ملاحظة"), ("خفض الأسعار", 0, ("x",), "")],
    }.items():
        path = root / name
        text = load_article(path).text
        sidecar = open_sidecar(path, text)
        state = sidecar.annotations
        annotations = []
        for index, (quote, nth, tags, note) in enumerate(spans):
            start, end = span_of(text, quote, nth)
            a = make_annotation(
                text,
                start,
                end,
                tags=tags,
                note=note,
                author="rana",
                created=f"2024-04-0{index + 1}T09:00:00Z",
                modified=f"2024-04-0{index + 1}T10:00:00Z",
                review=Review("accepted", "lina", "2024-05-01T00:00:00Z") if index == 0 else None,
            )
            annotations.append(a)
            state = state.added(a)
        if len(annotations) > 1:
            state = state.related(
                make_relation(annotations[1].id, annotations[0].id, "said", author="rana")
            )
        state = replace(
            state,
            document=replace(
                state.document,
                tags=("مقال", "economy"),
                note="ملاحظة المقال",
                state=ArticleState("done", "lina", "2024-05-02T00:00:00Z"),
            ),
        )
        sidecar.save(state)
        made[name] = annotations
    return made


def sidecar_state(path: Path):
    return open_sidecar(path, load_article(path).text).annotations


def whole(a) -> tuple:
    """Every field an annotation has (compared field by field after a round trip)."""
    return (
        a.id, a.start, a.end, a.quote, a.prefix, a.suffix, a.tags, a.note, a.author,
        a.created, a.modified, a.status, a.review, dict(a.extra),
    )  # fmt: skip


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> dict[str, list]:
    monkeypatch.chdir(tmp_path)
    return build_corpus(Path("lib"))


def _load(folder: Path, name: str):
    ts = cassis.load_typesystem((folder / "TypeSystem.xml").read_text(encoding="utf-8"))
    xmi = (folder / f"{name}.xmi").read_text(encoding="utf-8")
    return cassis.load_cas_from_xmi(xmi, typesystem=ts), xmi


def test_every_span_covers_its_quote_in_cassis_and_in_utf16_in_the_file(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "inception", "-o", "out")
    assert code == 0, err
    assert "7 records from 2 articles" in err
    folder = Path("out")
    assert sorted(p.name for p in folder.iterdir()) == [
        "TypeSystem.xml", "lib__cp1256.xmi", "lib__crlf.xmi",
    ]  # fmt: skip
    for name, made in corpus.items():
        cas, xmi = _load(folder, f"lib__{Path(name).stem}")
        text = load_article(Path("lib") / name).text
        assert cas.sofa_string == text  # CRLF kept (&#13;), cp1256 decoded
        spans = cas.select("webanno.custom.Hamish")
        expected = [
            (a.start, a.end, a.quote, tag, a.note or None, a.id, a.author, a.created, a.modified)
            for a in made
            for tag in a.tags or (None,)
        ]
        got = [
            (s.begin, s.end, s.get_covered_text(), s.label, s.note, s.hamishId, s.author,
             s.created, s.modified)
            for s in spans
        ]  # fmt: skip
        assert sorted(got, key=str) == sorted(expected, key=str)
        # The file itself counts UTF-16 units: each begin/end slices the UTF-16 text.
        units = text.encode("utf-16-le")
        raw = re.findall(r'<custom:Hamish [^>]*begin="(\d+)" end="(\d+)"', xmi)
        assert len(raw) == len(expected)
        quotes = sorted(units[2 * int(b) : 2 * int(e)].decode("utf-16-le") for b, e in raw)
        assert quotes == sorted(e[2] for e in expected)
        if name == "crlf.txt":
            assert any(int(b) != s.begin for (b, _), s in zip(raw, spans, strict=True))
        meta = cas.select("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")
        assert [(m.documentUri, m.begin, m.end) for m in meta] == [(f"lib/{name}", 0, len(text))]
        (article,) = cas.select("webanno.custom.HamishArticle")
        assert (article.path, list(article.tags.elements), article.note, article.state) == (
            f"lib/{name}", ["مقال", "economy"], "ملاحظة المقال", "done",
        )  # fmt: skip
        first = made[0]
        assert {s.reviewState for s in spans if s.hamishId == first.id} == {"accepted"}
        (relation,) = cas.select("webanno.custom.HamishRelation")
        assert (relation.label, relation.Governor.hamishId, relation.Dependent.hamishId) == (
            "said", made[1].id, first.id,
        )  # fmt: skip
    crlf_cas, _ = _load(folder, "lib__crlf")
    (article,) = crlf_cas.select("webanno.custom.HamishArticle")
    assert (article.url, article.source, article.date) == (
        "https://example.com/a", "وكالة", "2024-04-03",
    )  # fmt: skip


def _round_trip(capsys, corpus, source: str) -> None:
    before = {name: sidecar_state(Path("lib") / name) for name in corpus}
    for name in corpus:
        sidecar_path(Path("lib") / name).unlink()
    code, out, err = run(capsys, "import", "--format", "inception", "--root", "lib", source)
    assert code == 0, err + out
    assert "imported 7 annotations into 2 articles" in out
    for name in corpus:
        after = sidecar_state(Path("lib") / name)
        assert [whole(a) for a in after.annotations] == [whole(a) for a in before[name].annotations]
        assert [(r.id, r.type, r.source, r.target) for r in after.relations] == [
            (r.id, r.type, r.source, r.target) for r in before[name].relations
        ]
        document = after.document
        assert (document.tags, document.note) == (("مقال", "economy"), "ملاحظة المقال")
        assert document.state is not None and document.state.state == "done"
    code, out, _ = run(capsys, "import", "--format", "inception", "--root", "lib", source)
    assert code == 0 and "imported 0 annotations" in out


def test_export_then_import_reproduces_every_annotation_whole(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "inception", "-o", "out")
    assert code == 0, err
    _round_trip(capsys, corpus, "out")


def test_a_zip_of_the_folder_imports_too(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "inception", "-o", "out")
    assert code == 0, err
    with zipfile.ZipFile("out.zip", "w") as archive:
        for path in Path("out").iterdir():
            archive.write(path, path.name)
    shutil.rmtree("out")
    _round_trip(capsys, corpus, "out.zip")


def test_a_file_that_is_no_xmi_is_one_line_and_exit_2(capsys, corpus, tmp_path):
    bad = Path("bad")
    bad.mkdir()
    (bad / "x.xmi").write_text("<not xmi", encoding="utf-8")
    code, _, err = run(capsys, "import", "--format", "inception", "--root", "lib", "bad")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "cannot read as inception" in err
    for name in corpus:  # nothing was written
        assert sidecar_path(Path("lib") / name).is_file()


def test_csv_export_loads_neither_cassis_nor_spacy(corpus):
    code = (
        "import sys; from reader.cli import main\n"
        "try:\n    main(['export', 'lib', '--format', 'csv', '-o', 'x.csv'])\n"
        "except SystemExit: pass\n"
        "assert 'cassis' not in sys.modules and 'spacy' not in sys.modules, 'loaded'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=".",
        env={"PYTHONPATH": str(root), "HOME": str(Path.cwd())},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_control_xml_cannot_hold_is_written_as_a_replacement_not_the_article_dropped(
    capsys, tmp_path
):
    library = tmp_path / "lib"
    library.mkdir()
    path = library / "a.txt"
    path.write_text("The market rose.\x0c\nThe market fell.\n", encoding="utf-8")
    text = load_article(path).text
    first, second = (m.start() for m in re.finditer("market", text))
    sidecar = open_sidecar(path, text)
    sidecar.save(
        sidecar.annotations.with_annotations(
            [
                make_annotation(text, first, first + 6, tags=["m"], note="a\x0bnote"),
                make_annotation(text, second, second + 6, tags=["m"]),
            ]
        )
    )
    out_dir = tmp_path / "inc"
    code, _, err = run(capsys, "export", str(library), "--format", "inception", "-o", str(out_dir))
    assert code == 0, err
    assert "characters XML cannot hold (controls) written as U+FFFD" in err
    (xmi,) = (tmp_path / "inc").glob("*.xmi")
    with open(tmp_path / "inc" / "TypeSystem.xml", "rb") as f:
        ts = cassis.load_typesystem(f)
    with open(xmi, "rb") as f:
        cas = cassis.load_cas_from_xmi(f, typesystem=ts)
    assert cas.sofa_string == text.replace("\x0c", "\ufffd")  # one code point for one
    spans = sorted(cas.select("webanno.custom.Hamish"), key=lambda s: s.begin)
    assert [(s.begin, s.end, s.get_covered_text()) for s in spans] == [
        (first, first + 6, "market"),
        (second, second + 6, "market"),
    ]
    assert spans[0].note == "a\ufffdnote"
