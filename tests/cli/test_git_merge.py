"""Sidecars in git: `hamish git-setup`, `hamish merge-driver` run by a real `git merge`,
conflicts listed and settled by `hamish check`, and what git does without the driver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import AnnotationSet, canonical_json, make_annotation, open_sidecar
from annotations.sidecar import parse_sidecar
from reader.library.article import load_article
from tests.paths import SAMPLES
from tests.paths import run_cli as run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ARTICLE = "politics.txt"
SIDECAR = ARTICLE + ".annotations.json"


@pytest.fixture(autouse=True)
def _git_environment(monkeypatch):
    """git with no user or system config but a committer, and this hamish on PATH (git
    runs the driver by its name)."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.org")
    bin_folder = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bin_folder + os.pathsep + os.environ.get("PATH", ""))


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60)
    if check:
        assert done.returncode == 0, done.stderr
    return done


class Repo:
    """A repository holding one article and its sidecar, annotated by the store."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.article = top / ARTICLE
        self.sidecar = top / SIDECAR
        self.text = load_article(self.article).text

    def words(self, n: int) -> tuple[int, int]:
        """The offsets of the article's n-th word of four letters or more."""
        import re

        found = [m.span() for m in re.finditer(r"\w{4,}", self.text)]
        return found[n]

    def save(self, change) -> None:
        sidecar = open_sidecar(self.article, self.text)
        sidecar.save(change(sidecar.annotations))

    def commit(self, message: str) -> None:
        git(self.top, "add", "-A")
        git(self.top, "commit", "-q", "-m", message)

    def state(self) -> AnnotationSet:
        parsed = parse_sidecar(self.sidecar.read_bytes(), ARTICLE, name=SIDECAR)
        assert parsed.problem is None and parsed.annotations is not None
        return parsed.annotations


def add(repo: Repo, n: int, annotation_id: str, tags: list[str]):
    start, end = repo.words(n)
    return lambda s: s.added(
        make_annotation(repo.text, start, end, tags=tags, author="a", id=annotation_id)
    )


def edit(annotation_id: str, **changes):
    return lambda s: s.replaced(s.get(annotation_id).edited(**changes))


def delete(annotation_id: str):
    return lambda s: s.removed(annotation_id)


def two_branches(tmp_path: Path, *, driver: bool) -> Repo:
    """main and `lina` from one base (annotations x, y, z, w); each branch then adds,
    edits and deletes in the sidecar. main is checked out."""
    top = tmp_path / "library"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    shutil.copy(SAMPLES / "ar_politics.txt", top / ARTICLE)
    (top / ".gitignore").write_text(".*.lock\n", encoding="utf-8")
    repo = Repo(top)
    if driver:
        code, _, err = run_quiet("git-setup", str(top))
        assert code == 0, err
    for n, name in enumerate("xyzw"):
        repo.save(add(repo, n, name, ["base"]))
    repo.commit("base")
    git(top, "branch", "lina")
    # ours (main): adds o, edits x and w, deletes y (which lina leaves alone)
    repo.save(add(repo, 4, "o", ["ours"]))
    repo.save(edit("x", tags=("ours",)))
    repo.save(edit("w", tags=("w-ours",)))
    repo.save(delete("y"))
    repo.commit("main's work")
    git(top, "checkout", "-q", "lina")
    # theirs (lina): adds t, edits x differently and z, deletes w (which main edited)
    repo.save(add(repo, 5, "t", ["theirs"]))
    repo.save(edit("x", tags=("theirs",), note="checked twice"))
    repo.save(edit("z", note="lina's note"))
    repo.save(delete("w"))
    repo.commit("lina's work")
    git(top, "checkout", "-q", "main")
    return repo


_capsys = None


def run_quiet(*args: str) -> tuple[int, str, str]:
    assert _capsys is not None
    return run(_capsys, *args)


@pytest.fixture(autouse=True)
def _keep_capsys(capsys):
    global _capsys
    _capsys = capsys
    yield
    _capsys = None


def test_git_merge_with_the_driver_merges_by_id_and_keeps_a_conflict(tmp_path):
    repo = two_branches(tmp_path, driver=True)
    ours_before = repo.state()
    theirs_before = AnnotationSet.from_json(
        json.loads(git(repo.top, "show", f"lina:{SIDECAR}").stdout)
    )
    merged = git(repo.top, "merge", "--no-edit", "lina", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "1 annotation changed on both sides kept in conflict" in merged.stderr
    assert git(repo.top, "status", "--porcelain").stdout == ""  # committed, nothing left
    state = repo.state()
    assert repo.sidecar.read_text(encoding="utf-8") == canonical_json(state)  # canonical
    assert [a.id for a in state.annotations] == ["x", "z", "w", "o", "t"]  # y deleted
    assert state.get("o") == ours_before.get("o")
    assert state.get("t") == theirs_before.get("t")
    assert state.get("z") == theirs_before.get("z")  # changed on lina's side only
    assert state.get("w") == ours_before.get("w")  # lina's delete loses to main's edit
    x = state.get("x")
    assert x.tags == ("ours",) and x.note == ""
    assert x.conflict == theirs_before.get("x")  # their whole version, under `conflict`

    code, out, _ = run_quiet("check", str(repo.top))
    assert code == 1
    conflict_lines = [line for line in out.splitlines() if line.startswith("conflict:")]
    quote = x.quote
    assert conflict_lines == [
        f'conflict: {SIDECAR}: x «{quote}»: ours [ours] | theirs [theirs] "checked twice"'
    ]
    assert out.splitlines()[-1].endswith(", 1 in conflict (hamish check --resolve ours|theirs)")
    code, out, _ = run_quiet("check", "--json", str(repo.top))
    entry = json.loads(out)["files"][0]["conflicts"]
    assert [
        (c["id"], c["ours"]["tags"], c["theirs"]["tags"], c["theirs"]["note"]) for c in entry
    ] == [("x", ["ours"], ["theirs"], "checked twice")]

    code, out, _ = run_quiet("check", "--resolve", "theirs", str(repo.article))
    assert (code, out) == (0, f"{repo.sidecar}: 1 conflict resolved (theirs)\n")
    settled = repo.state().get("x")
    assert settled.conflict is None
    assert (settled.tags, settled.note, settled.start, settled.end) == (
        ("theirs",),
        "checked twice",
        x.start,
        x.end,
    )
    assert [a.id for a in repo.state().annotations] == ["x", "z", "w", "o", "t"]
    code, out, _ = run_quiet("check", str(repo.top))
    assert code == 0 and "conflict" not in out


def test_without_the_driver_git_breaks_the_sidecar(tmp_path):
    repo = two_branches(tmp_path, driver=False)
    merged = git(repo.top, "merge", "--no-edit", "lina", check=False)
    assert merged.returncode == 1
    assert f"CONFLICT (content): Merge conflict in {SIDECAR}" in merged.stdout
    raw = repo.sidecar.read_bytes()
    assert b"<<<<<<< HEAD" in raw and b">>>>>>> lina" in raw
    parsed = parse_sidecar(raw, ARTICLE, name=SIDECAR)
    assert parsed.annotations is None and "not valid JSON" in parsed.problem
    code, out, _ = run_quiet("check", str(repo.top))
    assert code == 1 and f"error: {SIDECAR}: not valid JSON" in out


def test_a_corrupt_side_makes_git_report_a_conflict_and_nothing_is_written(tmp_path):
    repo = two_branches(tmp_path, driver=True)
    git(repo.top, "checkout", "-q", "lina")
    repo.sidecar.write_text('{"format": "hamish-annotations", ', encoding="utf-8")
    repo.commit("broken")
    git(repo.top, "checkout", "-q", "main")
    ours = repo.sidecar.read_bytes()
    merged = git(repo.top, "merge", "--no-edit", "lina", check=False)
    assert merged.returncode == 1
    assert f"{SIDECAR} (theirs): not valid JSON" in merged.stderr
    assert git(repo.top, "diff", "--name-only", "--diff-filter=U").stdout == f"{SIDECAR}\n"
    assert repo.sidecar.read_bytes() == ours  # the driver wrote nothing


def versions(tmp_path: Path) -> tuple[Path, Path, Path, AnnotationSet]:
    text = load_article(SAMPLES / "ar_politics.txt").text
    base = AnnotationSet.empty(ARTICLE, text).added(
        make_annotation(text, 0, 4, tags=["b"], author="a", id="k")
    )
    files = []
    for name, state in (("base", base), ("ours", base.removed("k")), ("theirs", base)):
        path = tmp_path / name
        path.write_text(canonical_json(state), encoding="utf-8")
        files.append(path)
    return files[0], files[1], files[2], base


def test_a_newer_version_side_exits_non_zero_and_writes_nothing(tmp_path):
    base, ours, theirs, _ = versions(tmp_path)
    newer = json.loads(theirs.read_text(encoding="utf-8"))
    newer["version"] = 2
    theirs.write_text(json.dumps(newer), encoding="utf-8")
    before = ours.read_bytes()
    code, out, err = run_quiet("merge-driver", str(base), str(ours), str(theirs), SIDECAR)
    assert code == 1 and out == ""
    assert f"{SIDECAR} (theirs): written by a newer hamish (format version 2)" in err
    assert ours.read_bytes() == before


def test_the_driver_alone_applies_the_rules_and_an_empty_base_means_no_ancestor(tmp_path):
    base, ours, theirs, state = versions(tmp_path)
    code, _, err = run_quiet("merge-driver", str(base), str(ours), str(theirs))
    assert (code, err) == (0, "")
    assert ours.read_text(encoding="utf-8") == canonical_json(state.removed("k"))  # deleted
    base.write_bytes(b"")  # both branches added the sidecar: both sides' annotations kept
    ours.write_text(canonical_json(state.removed("k")), encoding="utf-8")
    code, _, _ = run_quiet("merge-driver", str(base), str(ours), str(theirs))
    assert code == 0 and ours.read_text(encoding="utf-8") == canonical_json(state)


def test_git_setup_is_idempotent_and_keeps_the_attributes_there(tmp_path):
    top = tmp_path / "repo"
    (top / "sub").mkdir(parents=True)
    git(top, "init", "-q")
    (top / ".gitattributes").write_text("*.txt text eol=lf", encoding="utf-8")
    code, out, _ = run_quiet("git-setup", str(top / "sub"))
    assert code == 0
    assert out.splitlines()[0].endswith("/.gitattributes: *.annotations.json merge=hamish (added)")
    expected = "*.txt text eol=lf\n*.annotations.json merge=hamish\n"
    assert (top / ".gitattributes").read_text(encoding="utf-8") == expected
    config = git(top, "config", "--local", "--get-regexp", r"^merge\.hamish\.").stdout
    assert config.splitlines() == [
        "merge.hamish.name hamish: merge annotation sidecars by annotation id",
        "merge.hamish.driver hamish merge-driver %O %A %B %P",
    ]
    attribute = git(top, "check-attr", "merge", "--", "sub/a.txt.annotations.json").stdout
    assert attribute == "sub/a.txt.annotations.json: merge: hamish\n"
    code, out, _ = run_quiet("git-setup", str(top))
    assert code == 0 and "(already there)" in out and "(already registered)" in out
    assert (top / ".gitattributes").read_text(encoding="utf-8") == expected


def test_git_setup_outside_a_repository_is_one_line_and_exit_2(tmp_path):
    code, out, err = run_quiet("git-setup", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.strip().endswith(f"{tmp_path}: not in a git repository (with a work tree)")
