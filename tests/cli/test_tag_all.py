"""`hamish tag-all QUERY --tag T PATHS…` (issue 13, item 3): every folded match in a
corpus tagged, each sidecar saved through the store; a corrupt sidecar is left as it is
(exit 2), a dry run writes nothing, a second run adds nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar, sidecar_path
from reader.library.article import load_article
from tests.paths import run_cli as run

NAME = "الرئيس"
ONE = "قال الرئيس إن الحكومة ستعمل. وأكد الرَّئيس أن الأمر مهم.\n"  # with a shadda: folded
TWO = "# عنوان\n\nغادر الرئيس القاعة.\n"
NONE = "لا شيء هنا.\n"
CORRUPT = b'{"version": 1, "annotations": [\n'


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_text(ONE, encoding="utf-8")
    (folder / "sub" / "two.md").write_text(TWO, encoding="utf-8")
    (folder / "none.txt").write_text(NONE, encoding="utf-8")
    return folder


def records(path: Path) -> list[dict]:
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))["annotations"]


def starts(text: str, needle: str, count: int) -> list[int]:
    found, at = [], -1
    for _ in range(count):
        at = text.index(needle, at + 1)
        found.append(at)
    return found


def test_every_match_in_every_article_is_tagged_with_whole_records(corpus, capsys):
    code, out, err = run(capsys, "tag-all", NAME, "--tag", "speaker", "--tag", "person",
                         "--author", "rana", "--bidi", "logical", str(corpus))  # fmt: skip
    assert code == 0, err
    one, two = corpus / "one.txt", corpus / "sub" / "two.md"
    first, second = records(one)
    assert (first["start"], first["end"], first["quote"]) == (4, 10, NAME)
    shadda = ONE.index("الرَّئيس")
    assert (second["start"], second["end"]) == (shadda, shadda + len("الرَّئيس"))
    assert second["quote"] == "الرَّئيس"
    for record in (first, second):
        assert record["tags"] == ["speaker", "person"]
        assert record["author"] == "rana"
        assert record["status"] == "anchored"
        assert record["prefix"] == ONE[: record["start"]][-len(record["prefix"]) :]
        assert {"id", "created", "modified", "suffix", "note"} <= set(record)
    text = load_article(two).text
    (only,) = records(two)
    assert text[only["start"] : only["end"]] == NAME
    assert not sidecar_path(corpus / "none.txt").exists()  # no match: nothing written
    assert f"{one}: added 2" in out
    assert f"{two}: added 1" in out
    assert "added 3 annotations in 2 articles" in out
    # The whole sidecar is the store's: it loads back as it was written.
    assert len(open_sidecar(one, ONE).annotations) == 2
    # Again: every match is already tagged so, nothing is added.
    code, out, _ = run(capsys, "tag-all", NAME, "--tag", "person", "--tag", "speaker",
                       "--bidi", "logical", str(corpus))  # fmt: skip
    assert code == 0
    assert f"{one}: added 0 (2 already tagged)" in out
    assert len(records(one)) == 2


def test_a_corrupt_sidecar_is_left_byte_identical_and_the_exit_is_2(corpus, capsys):
    broken = corpus / "broken.txt"
    broken.write_text(f"{NAME} هنا.\n", encoding="utf-8")
    sidecar_path(broken).write_bytes(CORRUPT)
    code, out, err = run(capsys, "tag-all", NAME, "--tag", "speaker", "--bidi", "logical",
                         str(corpus))  # fmt: skip
    assert code == 2
    assert sidecar_path(broken).read_bytes() == CORRUPT
    (warning,) = [line for line in err.splitlines() if "broken.txt" in line]
    assert "skipped" in warning
    assert len(records(corpus / "one.txt")) == 2  # the others were still tagged
    assert "1 skipped" in out


def test_a_dry_run_prints_what_it_would_add_and_writes_nothing(corpus, capsys):
    one = corpus / "one.txt"
    text = ONE
    sidecar = open_sidecar(one, text)
    sidecar.save(sidecar.annotations.added(make_annotation(text, 0, 3, tags=["claim"])))
    before = sidecar_path(one).read_bytes()
    code, out, _ = run(capsys, "tag-all", NAME, "--tag", "speaker", "--dry-run", "--bidi",
                       "logical", str(corpus))  # fmt: skip
    assert code == 0
    assert sidecar_path(one).read_bytes() == before
    assert not sidecar_path(corpus / "sub" / "two.md").exists()
    lines = out.splitlines()
    assert f"{one}: would add 2" in lines
    at = starts(text, NAME, 1)[0]
    assert f"  {at}–{at + len(NAME)} {NAME}" in lines
    assert "would add 3 annotations in 2 articles" in lines


def test_a_strict_tagset_refuses_an_unknown_tag_per_article(corpus, capsys):
    (corpus / "sub" / "hamish.toml").write_text(
        'strict = true\n[[tags]]\nname = "speaker"\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "tag-all", NAME, "--tag", "person", "--bidi", "logical",
                       str(corpus))  # fmt: skip
    assert code == 2
    assert "not in the strict tagset" in err
    assert not sidecar_path(corpus / "sub" / "two.md").exists()
    assert len(records(corpus / "one.txt")) == 2  # outside that folder: tagged


def test_a_query_of_only_harakat_is_refused_before_anything(corpus, capsys):
    code, _, err = run(capsys, "tag-all", "\u064e\u064e", "--tag", "x", str(corpus))
    assert code == 2
    assert "empty once folded" in err
    assert not sidecar_path(corpus / "one.txt").exists()


def test_tag_all_never_imports_textual(corpus):
    probe = (
        "import sys\n"
        "from reader.cli import main\n"
        "try:\n"
        f"    main(['tag-all', {NAME!r}, '--tag', 'x', '--dry-run', {str(corpus)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
