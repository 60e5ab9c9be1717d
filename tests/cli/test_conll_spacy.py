"""`hamish export --format conll` read back by spaCy (`spacy convert --converter ner`, and
`conll_ner_to_docs`) and by a CoNLL-2003 reader as Hugging Face's `conll2003` loads it.

The corpus (:func:`build_corpus`, shared with test_doccano_labels.py): a UTF-8 article
with CRLF line ends, YAML front matter, an emoji before the spans, a hashtag, a ``##``
token, Arabic punctuation, a multi-tag span, an overlapping span, Arabic tags and notes,
an annotation in the front matter; and a Windows-1256 article.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from reader.library.article import load_article
from tests.paths import run_cli as run


def needs_spacy():
    """spaCy, or a skip saying how to get it (it is in the test extra)."""
    return pytest.importorskip("spacy", reason="spaCy is in the test extra: pip install -e .[test]")


NEWS = (
    "---\r\ntitle: خبر عاجل\r\nsource: وكالة الأنباء\r\n---\r\n"
    "😀 قال توكاييف، #عاجل: «الاقتصاد سينمو 3%» اليوم.\r\n"
    "\r\n"
    "وأضاف الوزير ## أن النمو مستمر؛ هل يستمر؟ نعم!\r\n"
)
OLD_PARAGRAPH = (
    "أعلنت وزارة الصحة اليوم عن خطة جديدة لتحسين الخدمات في المستشفيات الحكومية، "
    "وقال المتحدث باسم الوزارة إن الخطة ستطبق خلال العام المقبل."
)
OLD = (OLD_PARAGRAPH + "\r\n\r\n") * 4

#: (article, quote, which occurrence, tags, note): the first is in the front matter.
SPANS = (
    ("news.txt", "عاجل", 0, ("عنوان",), ""),
    ("news.txt", "توكاييف", 0, ("متحدث/رسمي", "speaker"), "ملاحظة بالعربية"),
    ("news.txt", "#عاجل", 0, ("وسم",), ""),
    ("news.txt", "الاقتصاد سينمو 3%", 0, ("quote", "رقم"), "رقم رسمي"),
    ("news.txt", "سينمو 3%", 0, ("claim",), ""),  # inside the one above
    ("news.txt", "##", 0, ("رمز",), ""),
    ("news.txt", "النمو مستمر", 0, ("claim",), "تصريح"),
    ("old.txt", "المتحدث باسم الوزارة", 1, ("مصدر",), "من الأرشيف"),
)


def build_corpus(folder: Path) -> Path:
    """The corpus described above, annotated through the store, in ``folder``."""
    folder.mkdir(parents=True)
    (folder / "news.txt").write_bytes(NEWS.encode("utf-8"))
    (folder / "old.txt").write_bytes(OLD.encode("cp1256"))
    for name in ("news.txt", "old.txt"):
        path = folder / name
        article = load_article(path)
        text = article.text
        sidecar = open_sidecar(path, text)
        state = sidecar.annotations
        for article_name, quote, occurrence, tags, note in SPANS:
            if article_name != name:
                continue
            start = -1
            for _ in range(occurrence + 1):
                start = text.index(quote, start + 1)
            annotation = make_annotation(
                text, start, start + len(quote), tags=tags, note=note, author="rana"
            )
            state = state.added(annotation)
        sidecar.save(state)
    assert load_article(folder / "old.txt").encoding == "windows-1256"
    assert load_article(folder / "news.txt").text == NEWS  # CRLF kept
    return folder


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    build_corpus(tmp_path / "lib")
    monkeypatch.chdir(tmp_path)
    return Path("lib")


NEWS_WORDS = [
    [
        "😀",
        "قال",
        "توكاييف",
        "،",
        "#عاجل",
        ":",
        "«",
        "الاقتصاد",
        "سينمو",
        "3",
        "%",
        "»",
        *("اليوم", "."),
    ],
    ["وأضاف", "الوزير", "##", "أن", "النمو", "مستمر", "؛", "هل", "يستمر", "؟", "نعم", "!"],
]
NEWS_TAGS = [
    [
        "O",
        "O",
        "B-متحدث/رسمي",
        "O",
        "B-وسم",
        "O",
        "O",
        "B-quote",
        "I-quote",
        "I-quote",
        *("I-quote", "O", "O", "O"),
    ],
    ["O", "O", "B-رمز", "O", "B-claim", "I-claim", "O", "O", "O", "O", "O", "O"],
]
#: The entities spaCy must find in news.txt: (words, label), in text order.
NEWS_ENTITIES = [
    (["توكاييف"], "متحدث/رسمي"),
    (["#عاجل"], "وسم"),
    (["الاقتصاد", "سينمو", "3", "%"], "quote"),
    (["##"], "رمز"),
    (["النمو", "مستمر"], "claim"),
]


def old_words() -> list[str]:
    """old.txt's tokens by an independent rule (it has no marks, digits or hashtags)."""
    return re.findall(r"\w+|[^\w\s]", OLD)


def export(capsys, library: Path, *extra: str) -> tuple[str, str]:
    code, _, err = run(
        capsys, "export", str(library), "--format", "conll", "-o", "out.conll", *extra
    )
    assert code == 0, err
    return Path("out.conll").read_text(encoding="utf-8"), err


def test_spacy_reads_every_token_and_entity_and_nothing_else(capsys, library):
    needs_spacy()
    from spacy.training.converters import conll_ner_to_docs

    data, _ = export(capsys, library)
    docs = list(conll_ner_to_docs(data, no_print=True))
    assert len(docs) == 2
    news, old = docs
    assert [t.text for t in news] == [w for sentence in NEWS_WORDS for w in sentence]
    assert [[t.text for t in s] for s in news.sents] == NEWS_WORDS  # paragraphs are sentences
    assert [([t.text for t in e], e.label_) for e in news.ents] == NEWS_ENTITIES
    assert [t.text for t in old] == old_words()
    assert [(e.text, e.label_) for e in old.ents] == [("المتحدث باسم الوزارة", "مصدر")]
    # Every entity's tokens are its annotation's quote with the spaces taken out.
    quotes = {"".join(q.split()) for _, q, _, _, _ in SPANS}
    for doc in docs:
        for entity in doc.ents:
            assert "".join(t.text for t in entity) in quotes
    # No junk: no front matter, no comment, no field value became a token.
    words = {t.text for doc in docs for t in doc}
    assert not words & {"---", "title", "source", "#", "document", "=", "-DOCSTART-"}
    assert "خبر" not in words and "وكالة" not in words  # the front matter's title and source


def test_spacy_convert_command_line(capsys, library, tmp_path):
    spacy = needs_spacy()
    export(capsys, library)
    converted = tmp_path / "converted"
    converted.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "convert",
            "out.conll",
            str(converted),
            "--converter",
            "ner",
            "--file-type",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    (document,) = json.loads((converted / "out.json").read_text(encoding="utf-8"))
    news, old = document["paragraphs"]  # one per -DOCSTART- document
    sentences = [[t["orth"] for t in s["tokens"]] for s in news["sentences"]]
    assert sentences == NEWS_WORDS
    iob = [[t["ner"] for t in s["tokens"]] for s in news["sentences"]]
    biluo = [spacy.training.iob_to_biluo(tags) for tags in NEWS_TAGS]
    assert iob == biluo
    assert [t["orth"] for s in old["sentences"] for t in s["tokens"]] == old_words()


def conll2003(data: str) -> list[tuple[list[str], list[str]]]:
    """Sentences as Hugging Face's ``conll2003`` loader reads a file (first and fourth
    columns, ``-DOCSTART-`` lines and blank lines end a sentence)."""
    sentences, tokens, tags = [], [], []
    for line in data.splitlines(keepends=True):
        if line.startswith("-DOCSTART-") or line in ("", "\n"):
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        splits = line.split(" ")
        tokens.append(splits[0])
        tags.append(splits[3].rstrip())
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def test_a_conll2003_reader_gets_the_same_tokens_and_valid_bio(capsys, library):
    data, _ = export(capsys, library)
    sentences = conll2003(data)
    assert [s for s, _ in sentences[:2]] == NEWS_WORDS
    assert [t for _, t in sentences[:2]] == NEWS_TAGS
    assert [w for s, _ in sentences[2:] for w in s] == old_words()
    for _, tags in sentences:  # each I- continues a B- or I- of its label (seqeval's rule)
        for before, tag in zip(["O", *tags], tags, strict=False):
            if tag.startswith("I-"):
                assert before in ("B-" + tag[2:], tag)
    assert all(not line.startswith("#") or line.startswith("#عاجل") or line.startswith("## ")
               for line in data.splitlines())  # fmt: skip
    assert data.count("-DOCSTART- -X- O O\n\n") == 2


def test_what_one_label_a_token_leaves_out_is_named(capsys, library):
    _, err = export(capsys, library)
    assert (
        "lib/news.txt: conll has one label a token: left out 1 overlapping annotations "
        "(«سينمو 3%» claim) and 2 further tags (رقم ×1, speaker ×1)"
    ) in err
    assert "lib/news.txt: 1 annotations in the front matter not exported to conll" in err
    assert "6 records from 2 articles" in err  # 5 in news.txt, 1 in old.txt


def test_conll_comments_keep_the_document_fields(capsys, library):
    data, _ = export(capsys, library, "--conll-comments")
    head = data.split("\n")[:8]
    assert head[0] == "-DOCSTART- -X- O O"
    assert head[1:4] == [
        "# document = lib/news.txt",
        "# title = خبر عاجل",
        "# source = وكالة الأنباء",
    ]
    assert head[4] == "# date ="
    assert head[5].startswith("# sha256 = ") and head[6] == "" and head[7] == "😀 _ _ O"
