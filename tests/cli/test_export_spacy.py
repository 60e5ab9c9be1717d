"""`--format spacy`: a DocBin read back with spaCy itself (spans in doc.spans["hamish"],
overlaps kept, doc.ents where nothing overlaps, user_data), and imported back whole."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from annotations import sidecar_path
from annotations.model import text_sha256
from reader.library.article import load_article
from tests.cli.test_export_inception import build_corpus, sidecar_state, whole
from tests.paths import run_cli as run

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> dict[str, list]:
    monkeypatch.chdir(tmp_path)
    return build_corpus(Path("lib"))


def _docs(path: str) -> dict[str, object]:
    docs = DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab)
    return {doc.user_data["hamish"]["document"]: doc for doc in docs}


def test_spans_tokens_ents_and_user_data_as_spacy_reads_them(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "spacy", "-o", "corpus.spacy")
    assert code == 0, err
    assert "7 records from 2 articles" in err
    inside = corpus["crlf.txt"][2]  # الاقتصاد inside والاقتصاد: widened to the token
    assert f"annotation {inside.id} «الاقتصاد» expanded to spaCy tokens «والاقتصاد»" in err
    docs = _docs("corpus.spacy")
    assert sorted(docs) == ["lib/cp1256.txt", "lib/crlf.txt"]
    for name, made in corpus.items():
        doc = docs[f"lib/{name}"]
        text = load_article(Path("lib") / name).text
        assert doc.text == text  # CRLF, emoji and cp1256-decoded text exactly
        spans = [(s.start_char, s.end_char, s.text, s.label_, s.id_) for s in doc.spans["hamish"]]
        expected = []
        for a in made:
            start, end = a.start, a.end
            if a is inside:
                start = text.rindex("والاقتصاد", 0, a.end)
            for tag in a.tags or ("",):
                expected.append((start, end, text[start:end], tag, a.id))
        assert sorted(spans) == sorted(expected)
        for start, end, quote, *_ in spans:
            assert text[start:end] == quote  # code points, the Doc's own unit
        meta = doc.user_data["hamish"]
        assert (meta["document"], meta["sha256"]) == (f"lib/{name}", text_sha256(text))
        assert list(meta["document_tags"]) == ["مقال", "economy"]
        assert meta["document_note"] == "ملاحظة المقال"
        assert meta["document_state"]["state"] == "done"
        records = {r["id"]: r for r in meta["annotations"]}
        assert set(records) == {a.id for a in made}
        for a in made:
            record = records[a.id]
            assert (record["start"], record["end"], list(record["tags"]), record["note"]) == (
                a.start, a.end, list(a.tags), a.note,
            )  # fmt: skip
            assert (record["author"], record["created"], record["modified"]) == (
                a.author, a.created, a.modified,
            )  # fmt: skip
        assert [(r["type"], r["from"], r["to"]) for r in meta["relations"]] == [
            ("said", made[1].id, made[0].id)
        ]
    crlf = docs["lib/crlf.txt"]
    # ents: tagged spans overlapping nothing (not the two-tag quote, not the overlap).
    assert [(e.text, e.label_) for e in crlf.ents] == [
        ("اليوم.\r\n𝐀 وأكد", "عبر السطر"), ("والاقتصاد", "موضوع"),
    ]  # fmt: skip
    assert crlf.user_data["hamish"]["url"] == "https://example.com/a"
    cp1256 = docs["lib/cp1256.txt"]
    assert [(e.text, e.label_) for e in cp1256.ents] == [
        ("المتحدث", "speaker"), ("خفض الأسعار", "x"),
    ]  # fmt: skip


def test_export_then_import_reproduces_every_annotation_whole(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "spacy", "-o", "corpus.spacy")
    assert code == 0, err
    before = {name: sidecar_state(Path("lib") / name) for name in corpus}
    for name in corpus:
        sidecar_path(Path("lib") / name).unlink()
    code, out, err = run(capsys, "import", "--format", "spacy", "--root", "lib", "corpus.spacy")
    assert code == 0, err + out
    assert "imported 7 annotations into 2 articles" in out
    for name in corpus:
        after = sidecar_state(Path("lib") / name)
        assert [whole(a) for a in after.annotations] == [whole(a) for a in before[name].annotations]
        assert [(r.id, r.type, r.source, r.target, r.author) for r in after.relations] == [
            (r.id, r.type, r.source, r.target, r.author) for r in before[name].relations
        ]
        assert (after.document.tags, after.document.note) == (
            ("مقال", "economy"), "ملاحظة المقال",
        )  # fmt: skip
    code, out, _ = run(capsys, "import", "--format", "spacy", "--root", "lib", "corpus.spacy")
    assert code == 0 and "imported 0 annotations" in out


def test_a_span_added_in_spacy_is_imported_at_its_characters(capsys, corpus):
    code, _, err = run(capsys, "export", "lib", "--format", "spacy", "-o", "corpus.spacy")
    assert code == 0, err
    docs = list(DocBin().from_disk("corpus.spacy").get_docs(spacy.blank("xx").vocab))
    for doc in docs:
        if doc.user_data["hamish"]["document"] == "lib/cp1256.txt":
            start = doc.text.index("الحكومة")
            added = doc.char_span(start, start + len("الحكومة"), label="مؤسسة")
            doc.spans["hamish"] = [*doc.spans["hamish"], added]
    DocBin(store_user_data=True, docs=docs).to_disk("edited.spacy")
    code, out, err = run(capsys, "import", "--format", "spacy", "--root", "lib", "edited.spacy")
    assert code == 0, err
    assert "imported 1 annotations" in out
    quotes = {(a.quote, a.tags) for a in sidecar_state(Path("lib/cp1256.txt")).annotations}
    assert ("الحكومة", ("مؤسسة",)) in quotes


def test_without_spacy_the_export_says_how_to_install_it_and_writes_nothing(
    capsys, corpus, monkeypatch
):
    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    code, _, err = run(capsys, "export", "lib", "--format", "spacy", "-o", "corpus.spacy")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "pip install 'hamish[spacy]'" in err
    assert not Path("corpus.spacy").exists() and not list(Path().glob(".corpus.spacy*"))


def test_a_file_that_is_no_docbin_is_one_line_and_exit_2(capsys, corpus):
    Path("bad.spacy").write_bytes(b"not a docbin")
    code, _, err = run(capsys, "import", "--format", "spacy", "--root", "lib", "bad.spacy")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "not a spaCy DocBin" in err
