"""`hamish agree` on sidecars the store wrote next to copies of the sample articles.

Two analysts (one with an Arabic name, as a team in Cairo would write it) tag the same
words of two articles; a third tags only one. The figures themselves are checked against
the reference libraries in tests/unit/test_agreement.py; here, what reaches the user.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from annotations import make_annotation, open_sidecar
from reader.library.article import load_article
from tests.paths import ROOT, SAMPLES
from tests.paths import run_cli as run

SARA = "سارة"
SARA_SHAPED = "ﺓﺭﺎﺳ"  # laid out: shaped, in visual order
PERSON = "شخص"  # an Arabic tag
PERSON_SHAPED = "ﺺﺨﺷ"


def _words(text: str, first: int, count: int) -> tuple[int, int]:
    """The offsets of ``count`` whitespace-separated words from word ``first`` (0-based)."""
    tokens = list(re.finditer(r"\S+", text))
    return tokens[first].start(), tokens[first + count - 1].end()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    for name in ("ar_politics.txt", "ar_economy.txt"):
        shutil.copy(SAMPLES / name, folder / name)

    def annotate(name: str, *spans: tuple[str, int, int, tuple[str, ...]]) -> None:
        path = folder / name
        text = load_article(path).text
        sidecar = open_sidecar(path, text)
        annotations = sidecar.annotations
        for author, word, count, tags in spans:
            start, end = _words(text, word, count)
            annotations = annotations.added(
                make_annotation(text, start, end, tags=tags, author=author)
            )
        sidecar.save(annotations)

    annotate(
        "ar_politics.txt",
        (SARA, 0, 2, (PERSON,)),
        ("omar", 0, 2, (PERSON,)),  # exact
        (SARA, 4, 2, ("place",)),
        ("omar", 5, 2, ("place",)),  # overlapping
        ("lina", 0, 1, (PERSON,)),
    )
    annotate(
        "ar_economy.txt",
        (SARA, 1, 1, ("org",)),  # org only by sara
        ("omar", 1, 1, (PERSON,)),
    )
    return folder


def test_json_pairs_per_tag_and_coefficients(capsys, library: Path) -> None:
    code, out, err = run(capsys, "agree", "--json", "--authors", f"omar,{SARA}", str(library))
    assert (code, err) == (0, "")
    data = json.loads(out)
    # Units: politics tokens 0, 1 (person), 4, 5, 6 (place); economy token 1.
    omar = [PERSON, PERSON, "(no tag)", "place", "place", PERSON]
    sara = [PERSON, PERSON, "place", "place", "(no tag)", "org"]
    assert data["pairs"] == [
        {
            "a": "omar",
            "b": SARA,
            "f1_exact": pytest.approx(2 * 1 / 6),
            "f1_overlap": pytest.approx(2 / 3),
            "kappa": pytest.approx(cohen_kappa_score(omar, sara)),
            "n": 6,
            "spans": {"a": 3, "b": 3},
        }
    ]
    assert data["authors"] == ["omar", SARA]
    assert data["per_tag"] == {
        "org": {"f1_exact": 0.0, "f1_overlap": 0.0, "a": 0, "b": 1},
        "place": {"f1_exact": 0.0, "f1_overlap": 1.0, "a": 1, "b": 1},
        PERSON: {
            "f1_exact": pytest.approx(2 / 3),
            "f1_overlap": pytest.approx(2 / 3),
            "a": 2,
            "b": 1,
        },
    }
    assert data["fleiss_n"] == data["alpha_n"] == 6
    assert data["alpha"] is not None and data["fleiss_kappa"] is not None
    assert f"omar and {SARA}: only 6 units, too few for a reliable κ" in data["warnings"]


def test_every_author_by_default_and_the_missing_one_left_out(capsys, library: Path) -> None:
    code, out, _ = run(capsys, "agree", "--json", str(library))
    assert code == 0
    data = json.loads(out)
    assert data["authors"] == ["lina", "omar", SARA]
    pairs = {(p["a"], p["b"]): p["n"] for p in data["pairs"]}
    # lina took part in politics only: her pairs have its units (the tokens either of
    # the two tagged there: 0, 1 and the place words), none of economy's.
    assert pairs == {("lina", "omar"): 4, ("lina", SARA): 4, ("omar", SARA): 6}
    assert data["fleiss_n"] == 5  # politics only: tokens 0, 1, 4, 5, 6
    assert data["alpha_n"] == 6


def test_table_lays_out_arabic_names_and_tags_with_bars(capsys, library: Path) -> None:
    code, out, _ = run(
        capsys, "agree", "--chart", "--bidi", "self", "--authors", f"omar,{SARA}", str(library)
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2 authors, 2 articles with two of them or more"
    assert lines[2].split() == ["author", "author", "F1", "exact", "F1", "overlap", "κ", "units"]
    kappa = cohen_kappa_score(
        [PERSON, PERSON, "-", "place", "place", PERSON],
        [PERSON, PERSON, "place", "place", "-", "org"],
    )
    row = lines[3].split()
    assert row[:6] == ["omar", SARA_SHAPED, "0.33", "0.67", f"{kappa:.2f}", "6"]
    assert row[6].strip("█") == "" and row[6]  # a bar for κ
    assert lines[4].split() == ["all", "pairs", "0.33", "0.67"]
    assert lines[6].startswith("Fleiss' κ ") and lines[6].endswith(" on 6 units")
    assert "Krippendorff's α" in lines[7] and "MASI" in lines[7]
    assert lines[9].split() == ["tag", "F1", "exact", "F1", "overlap", "spans"]
    tags = [line.split() for line in lines[10:13]]
    assert [t[:4] for t in tags] == [
        ["org", "0.00", "0.00", "1"],
        ["place", "0.00", "1.00", "2"],
        [PERSON_SHAPED, "0.67", "0.67", "3"],
    ]
    assert SARA not in out and PERSON not in out  # never the raw logical strings
    assert any(line.startswith("warning: ") for line in lines)


def test_logical_text_for_a_pipe(capsys, library: Path) -> None:
    code, out, _ = run(
        capsys, "agree", "--bidi", "logical", "--authors", f"omar,{SARA}", str(library)
    )
    assert code == 0
    assert f"  omar    {SARA}  " in out and "█" not in out
    assert f"  {PERSON}  " in out


def test_tag_prefix(capsys, library: Path) -> None:
    code, out, _ = run(capsys, "agree", "--json", "--tag-prefix", "place", str(library))
    assert code == 0
    data = json.loads(out)
    assert list(data["per_tag"]) == ["place"]
    pair = next(p for p in data["pairs"] if (p["a"], p["b"]) == ("omar", SARA))
    assert (pair["f1_exact"], pair["f1_overlap"], pair["n"]) == (0.0, 1.0, 3)


def test_one_author_is_a_one_line_error(capsys, library: Path) -> None:
    code, out, err = run(capsys, "agree", "--authors", "omar", str(library))
    assert (code, out) == (2, "")
    assert err == "hamish: agree needs annotations by two authors at least (found: omar)\n"
    code, _, err = run(capsys, "agree", str(library / "missing"))
    assert code == 2 and err.count("\n") == 1 and "no such file or folder" in err


def test_a_corrupt_sidecar_is_reported_and_left_alone(capsys, library: Path) -> None:
    shutil.copy(SAMPLES / "fa_culture.txt", library / "fa_culture.txt")
    broken = library / "fa_culture.txt.annotations.json"
    broken.write_text("{not json", encoding="utf-8")
    code, out, err = run(capsys, "agree", "--json", "--authors", f"omar,{SARA}", str(library))
    assert code == 2
    assert json.loads(out)["pairs"][0]["n"] == 6  # the other articles still count
    assert err.startswith("hamish: ") and "fa_culture.txt.annotations.json" in err
    assert err.count("\n") == 1
    assert broken.read_text(encoding="utf-8") == "{not json"


def test_agree_never_loads_textual(library: Path) -> None:
    probe = (
        "import sys; from reader.cli import main\n"
        "try:\n    main(['agree', '--json', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "assert 'textual' not in sys.modules, 'textual loaded'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(library)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["authors"] == ["lina", "omar", SARA]
