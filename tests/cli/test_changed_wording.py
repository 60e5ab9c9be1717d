"""Issue 11 item 7: re-anchoring on edited words keeps the wording that was tagged, tells
"changed" from "moved", and `hamish check --list` / `--json` name each such annotation."""

from __future__ import annotations

import json
from pathlib import Path

from annotations import make_annotation, open_sidecar, sidecar_path
from annotations.model import Annotation
from reader.library.article import load_article
from tests.paths import run_cli as run

# Written for this test: three sentences of a made-up statement.
FIRST = "قال المتحدث باسم الوزارة إن المفاوضات مع الشركاء ستستأنف الأسبوع المقبل في العاصمة.\n"
SECOND = "وأضاف أن الحكومة لن تقبل بأي شروط مسبقة تفرضها الأطراف الأخرى على الاتفاق.\n"
THIRD = "وختم بأن اللجنة الفنية ستنشر تقريرها الكامل قبل نهاية الشهر الجاري.\n"

TAGGED = "الحكومة لن تقبل بأي شروط مسبقة"  # in SECOND
EDITED = "الحكومة لم تقبل بأي شروط مسبقة"  # one letter edited: "will not" became "did not"
MOVED = "اللجنة الفنية ستنشر تقريرها الكامل"  # in THIRD, left as it is


def setup(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    article = tmp_path / "statement.txt"
    article.write_text(FIRST + SECOND + THIRD, encoding="utf-8")
    text = load_article(article).text
    sidecar = open_sidecar(article, text)
    state = sidecar.annotations
    ids = {}
    for name, words in (("tagged", TAGGED), ("moved", MOVED), ("lost", "المفاوضات مع الشركاء")):
        start = text.index(words)
        annotation = make_annotation(text, start, start + len(words), tags=["claim"], author="r")
        state = state.added(annotation)
        ids[name] = annotation.id
    sidecar.save(state)
    return article, ids


def edit(article: Path, new_text: str) -> str:
    article.write_text(new_text, encoding="utf-8")
    return load_article(article).text


def saved(article: Path) -> dict[str, dict]:
    data = json.loads(sidecar_path(article).read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in data["annotations"]}


def test_fix_keeps_the_tagged_wording_and_the_file_reopens(capsys, tmp_path):
    article, ids = setup(tmp_path)
    before = saved(article)
    # The first sentence is rewritten (its tagged words gone), the second edited inside the
    # quote, and a line inserted at the top moves everything.
    new = "تحديث: صححت هذه الفقرة.\n" + "قال المتحدث إن الجولة القادمة لم تحدد.\n"
    text = edit(article, new + SECOND.replace(TAGGED, EDITED) + THIRD)
    code, _, _ = run(capsys, "check", "--fix", str(article))
    assert code == 1  # one orphan
    after = saved(article)

    changed = after[ids["tagged"]]
    start = text.index(EDITED)
    expected = {
        **before[ids["tagged"]],
        "start": start,
        "end": start + len(EDITED),
        "quote": EDITED,
        "prefix": text[start - 32 : start],
        "suffix": text[start + len(EDITED) : start + len(EDITED) + 32],
        "status": "moved",
        "original_quote": TAGGED,
    }
    assert changed == expected  # the whole record: nothing else touched

    moved = after[ids["moved"]]
    assert moved["status"] == "moved" and moved["quote"] == MOVED
    assert "original_quote" not in moved  # same words, new place: no old wording to keep
    assert after[ids["lost"]]["status"] == "orphaned"
    assert "original_quote" not in after[ids["lost"]]

    reopened = open_sidecar(article, text)
    assert not reopened.read_only
    placements = {a.id: a.placement for a in reopened.annotations.annotations}
    assert placements == {ids["tagged"]: "changed", ids["moved"]: "moved", ids["lost"]: "orphaned"}


def test_a_second_edit_keeps_the_first_wording_and_going_back_drops_it(capsys, tmp_path):
    article, ids = setup(tmp_path)
    edit(article, FIRST + SECOND.replace(TAGGED, EDITED) + THIRD)
    assert run(capsys, "check", "--fix", str(article))[0] == 0
    again = EDITED.replace("بأي", "بأية")
    edit(article, FIRST + SECOND.replace(TAGGED, again) + THIRD)
    assert run(capsys, "check", "--fix", str(article))[0] == 0
    entry = saved(article)[ids["tagged"]]
    assert (entry["quote"], entry["original_quote"]) == (again, TAGGED)

    edit(article, FIRST + SECOND + THIRD)  # the edit was withdrawn
    assert run(capsys, "check", "--fix", str(article))[0] == 0
    entry = saved(article)[ids["tagged"]]
    assert entry["quote"] == TAGGED and "original_quote" not in entry
    assert entry["status"] == "moved"  # still flagged for review: it was seen changed


def test_check_list_names_each_moved_changed_and_orphaned_annotation(capsys, tmp_path):
    article, ids = setup(tmp_path)
    edit(article, "سطر جديد.\n" + SECOND.replace(TAGGED, EDITED) + THIRD)
    code, out, _ = run(capsys, "check", "--list", "--bidi", "logical", str(article))
    assert code == 1
    assert "1 sidecars, 3 annotations: 0 anchored, 1 moved, 1 changed, 1 orphaned" in out
    lines = out.splitlines()
    changed = next(i for i, line in enumerate(lines) if ids["tagged"] in line)
    assert lines[changed].split()[:1] == ["changed"]
    assert lines[changed + 1].strip() == f"«{EDITED}»"
    assert lines[changed + 2].strip() == f"was «{TAGGED}»"
    moved = next(i for i, line in enumerate(lines) if ids["moved"] in line)
    assert lines[moved].split()[:1] == ["moved"] and lines[moved + 1].strip() == f"«{MOVED}»"
    lost = next(i for i, line in enumerate(lines) if ids["lost"] in line)
    assert lines[lost].split()[:1] == ["orphaned"]
    assert lines[lost + 2].strip() == "(not found)"
    # Without --list the table alone, as before.
    _, plain, _ = run(capsys, "check", "--bidi", "logical", str(article))
    assert ids["tagged"] not in plain


def test_check_json_lists_them_whole(capsys, tmp_path):
    article, ids = setup(tmp_path)
    text = edit(article, "سطر جديد.\n" + SECOND.replace(TAGGED, EDITED) + THIRD)
    code, out, _ = run(capsys, "check", "--json", str(article))
    assert code == 1
    (entry,) = json.loads(out)["files"]
    assert (entry["anchored"], entry["moved"], entry["changed"], entry["orphaned"]) == (0, 1, 1, 1)
    flagged = {f["id"]: f for f in entry["flagged"]}
    start = text.index(EDITED)
    assert flagged[ids["tagged"]] == {
        "id": ids["tagged"],
        "placement": "changed",
        "status": "moved",
        "start": start,
        "end": start + len(EDITED),
        "quote": EDITED,
        "original_quote": TAGGED,
        "tags": ["claim"],
        "reason": None,
    }
    assert flagged[ids["lost"]]["reason"] == "not found"
    assert flagged[ids["moved"]]["original_quote"] is None
    assert json.loads(out)["totals"]["changed"] == 1


def test_the_field_is_optional_and_validated(tmp_path):
    article, _ids = setup(tmp_path)
    path = sidecar_path(article)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert all("original_quote" not in entry for entry in data["annotations"])  # not written empty
    data["annotations"][0]["original_quote"] = 5
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reopened = open_sidecar(article, load_article(article).text)
    assert "original_quote" in (reopened.read_only or "")  # refused with the path, not lost


def test_the_model_drops_an_original_equal_to_the_quote():
    kept = Annotation(id="a", start=0, end=3, quote="نعم", original_quote="لا")
    assert kept.changed and kept.placement == "changed"
    same = Annotation(id="b", start=0, end=3, quote="نعم", original_quote="نعم")
    assert not same.changed and same.placement == "anchored"
    assert "original_quote" not in same.to_json()


def test_jsonl_carries_the_tagged_wording_there_and_back(capsys, tmp_path):
    article, ids = setup(tmp_path)
    edit(article, FIRST + SECOND.replace(TAGGED, EDITED) + THIRD)
    assert run(capsys, "check", "--fix", str(article))[0] == 0
    before = saved(article)
    out = tmp_path / "tags.jsonl"
    assert run(capsys, "export", "--format", "jsonl", "-o", str(out), str(article))[0] == 0
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records[ids["tagged"]]["original_quote"] == TAGGED
    assert "original_quote" not in records[ids["moved"]]

    sidecar_path(article).unlink()
    code, _, _ = run(capsys, "import", "--format", "jsonl", "--root", str(tmp_path), str(out))
    assert code == 0
    after = saved(article)
    assert after[ids["tagged"]]["original_quote"] == TAGGED
    # Import computes the status from the text (the quote is at its offsets): the rest whole.
    assert {k: v for k, v in after[ids["tagged"]].items() if k != "status"} == {
        k: v for k, v in before[ids["tagged"]].items() if k != "status"
    }
