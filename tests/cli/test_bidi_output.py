"""`--bidi auto|self|terminal|logical`: logical text into pipes, the engine's layout on a
terminal that needs it, `cat` a page even when piped (the real `hamish`, in subprocesses)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotations import make_annotation, open_sidecar
from annotations.script import BREAKABLE_SPACES
from reader.library.article import load_article
from reader.terminal import BDSM_EXPLICIT, BDSM_IMPLICIT
from reader.text.render import visual_oneline
from tests.cli.terminals import environment, on_pty, piped
from tests.paths import ROOT, SAMPLES
from tests.paths import run_cli as run

GOLDEN = ROOT / "tests" / "data" / "golden"
TAG = "اقتباس"  # an Arabic tag
NOTE = "ملاحظة المحلل"
WORD = "الأمن"  # a word of ar_economy.txt
ARTICLE = "مقال.txt"  # an Arabic file name
PRESENTATION_FORMS = [chr(c) for c in range(0xFB50, 0xFE00)] + [
    chr(c) for c in range(0xFE70, 0xFF00)
]


def _shaped(text: str) -> str:
    return visual_oneline(text)[0]


def _has_presentation_forms(text: str) -> bool:
    return any(c in text for c in PRESENTATION_FORMS)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The samples, plus an Arabic-named article whose annotation has an Arabic tag and
    note, and a tagset that names an Arabic tag twice (so `check` reports it)."""
    folder = tmp_path / "library"
    shutil.copytree(SAMPLES, folder)
    path = folder / ARTICLE
    shutil.copy(SAMPLES / "ar_economy.txt", path)
    text = load_article(path).text
    start = text.index(WORD)
    sidecar = open_sidecar(path, text)
    annotation = make_annotation(text, start, start + len(WORD), tags=[TAG], note=NOTE)
    sidecar.save(sidecar.annotations.added(annotation))
    tagset = (folder / "hamish.toml").read_text(encoding="utf-8")
    tagset += f'\n[[tags]]\nname = "{TAG}"\n\n[[tags]]\nname = "{TAG}"\n'
    (folder / "hamish.toml").write_text(tagset, encoding="utf-8")
    return folder


@pytest.fixture
def env() -> dict[str, str]:
    return environment()


# -- piped: logical text that grep finds ------------------------------------------------------


def test_stats_piped_into_grep_finds_an_arabic_tag_and_word(library, env):
    code, out = piped(["stats", str(library)], ["grep", "-F", TAG], env)
    assert code == 0
    # The `by tag` row: the tag as in the sidecar, padded on its logical end to the
    # column of the longest tag.
    pad = " " * (len("speaker/opposition") - len(TAG))
    assert out.splitlines() == [f"  {TAG}{pad}  1"]
    code, out = piped(["stats", str(library)], ["grep", "-F", "مقال"], env)
    assert code == 0 and f"{library / ARTICLE}" in out  # the `by article` row
    assert not _has_presentation_forms(out)


def test_search_piped_into_grep_finds_an_arabic_tag_and_word(library, env):
    code, out = piped(["search", str(library), TAG], ["grep", "-F", TAG], env)
    assert code == 0
    assert out == f"{library / ARTICLE}:9:{_offset(library)}: [annotation tag] {TAG}\n"
    code, out = piped(["search", str(library / ARTICLE), "الامن"], ["grep", "-F", WORD], env)
    assert code == 0 and out
    text = load_article(library / ARTICLE).text
    for line in out.splitlines():
        context = line.split(": ", 1)[1].removeprefix("[annotation quote] ")
        assert context.lstrip("…") in " ".join(text.split())  # the file's own text, in order
    assert not _has_presentation_forms(out)


def test_check_piped_into_grep_finds_an_arabic_tag_and_word(library, env):
    code, out = piped(["check", str(library)], ["grep", "-F", "مقال"], env)
    assert code == 0
    (row,) = out.splitlines()
    assert row.startswith(str(library / ARTICLE))
    assert row.split()[1:] == ["1", "1", "0", "0", "0", "0"]
    code, out = piped(["check", str(library)], ["grep", "-F", TAG], env)
    assert code == 0 and f"duplicate tag name '{TAG}'" in out
    assert not _has_presentation_forms(out)


def _offset(library: Path) -> int:
    return load_article(library / ARTICLE).text.index(WORD)


def test_piped_output_is_sanitized(tmp_path, env):
    folder = tmp_path / "lib"
    folder.mkdir()
    path = folder / "x\x1b[2J.txt"  # a hostile file name
    shutil.copy(SAMPLES / "ar_economy.txt", path)
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    hostile = "وسم\x1b]0;title\x07\u202e"
    sidecar.save(
        sidecar.annotations.added(make_annotation(text, 0, 4, tags=[hostile[:3]], note=hostile))
    )
    for args in (["stats", str(folder)], ["check", str(folder)], ["search", str(folder), "وسم"]):
        code, out = piped(args, ["cat"], env)
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, args
        assert "\u241b" in out, args  # ESC shown as a visible symbol


# -- on a terminal: the engine's layout --------------------------------------------------------


def test_stats_on_a_terminal_is_shaped(library, env):
    code, out = on_pty(["stats", "--by", "tag", str(library)], env)
    assert code == 0
    assert _shaped(TAG) in out and TAG not in out
    assert BDSM_EXPLICIT not in out  # xterm-256color does no bidi


def test_search_on_a_terminal_is_shaped(library, env):
    code, out = on_pty(["search", str(library), TAG], env)
    assert code == 0
    # The pytest path is long: the context may take a row of its own, so no row wraps.
    head, context = f":{_offset(library)}: [annotation tag]", _shaped(TAG)
    assert f"{head} {context}" in out or f"{head}\n  {context}" in out
    assert _shaped(str(library / ARTICLE)) in out and ARTICLE not in out


def test_check_on_a_terminal_is_shaped(library, env):
    code, out = on_pty(["check", str(library)], env)
    assert code == 1  # the duplicate tag
    assert _shaped(str(library / ARTICLE)) in out and ARTICLE not in out
    assert _shaped(f"duplicate tag name '{TAG}' (first at line") in out


def test_a_terminal_that_reorders_gets_bdsm_around_hamishs_layout(library):
    env = environment(VTE_VERSION="7600")
    code, out = on_pty(["stats", "--by", "tag", str(library)], env)
    assert code == 0
    assert out.startswith(BDSM_EXPLICIT) and out.endswith(BDSM_IMPLICIT)
    assert _shaped(TAG) in out


def test_bdsm_is_not_sent_where_it_is_not_honoured(library):
    for variables in ({"KITTY_WINDOW_ID": "1"}, {"VTE_VERSION": "7600", "TMUX": "/tmp/t,1,0"}):
        args = ["stats", "--by", "tag", "--bidi", "self", str(library)]
        code, out = on_pty(args, environment(**variables))
        assert code == 0 and _shaped(TAG) in out
        assert BDSM_EXPLICIT not in out and BDSM_IMPLICIT not in out, variables


def test_a_terminal_that_reorders_without_bdsm_gets_logical_text(library):
    env = environment(KONSOLE_VERSION="230804")
    code, out = on_pty(["stats", "--by", "tag", str(library)], env)
    assert code == 0
    assert TAG in out and BDSM_EXPLICIT not in out and not _has_presentation_forms(out)


def test_bidi_flag_wins_over_the_terminal_and_the_pipe(library, env):
    code, out = on_pty(["stats", "--by", "tag", "--bidi", "logical", str(library)], env)
    assert code == 0 and TAG in out and not _has_presentation_forms(out)
    code, out = piped(["stats", "--by", "tag", "--bidi", "self", str(library)], ["cat"], env)
    assert code == 0 and _shaped(TAG) in out and TAG not in out


def test_json_is_logical_whatever_the_mode(library, env):
    code, out = on_pty(["stats", "--json", "--bidi", "self", str(library)], env)
    assert code == 0 and json.loads(out)["by_tag"][TAG] == 1


# -- cat: a page even when piped; --bidi logical gives its lines in logical order -------------


@pytest.mark.parametrize("name", ["ar_economy.txt", "en_quoting_arabic.txt", "he_tech.txt"])
def test_cat_piped_keeps_its_laid_out_page(name, env):
    args = ["cat", "--header", "--width", "72", str(SAMPLES / name)]
    golden = (GOLDEN / f"{name}.w72.txt").read_text(encoding="utf-8")
    assert piped(args, ["cat"], env) == (0, golden)
    assert on_pty(args, env) == (0, golden)  # the same page on a terminal that does no bidi


def test_cat_on_a_vte_terminal_is_the_same_page_in_bdsm_explicit_mode(env):
    path = SAMPLES / "ar_economy.txt"
    golden = (GOLDEN / "ar_economy.txt.w72.txt").read_text(encoding="utf-8")
    code, out = on_pty(
        ["cat", "--header", "--width", "72", str(path)], {**env, "VTE_VERSION": "7600"}
    )
    assert (code, out) == (0, BDSM_EXPLICIT + golden + BDSM_IMPLICIT)


def test_cat_on_a_konsole_terminal_is_logical_for_it_to_reorder(capsys, env):
    path = str(SAMPLES / "ar_economy.txt")
    _, expected, _ = run(capsys, "cat", "--width", "72", "--bidi", "terminal", path)
    assert on_pty(["cat", "--width", "72", path], {**env, "KONSOLE_VERSION": "230804"}) == (
        0,
        expected,
    )


def _logical_lines(capsys, path: Path, width: int, *extra: str) -> list[str]:
    code, out, err = run(
        capsys, "cat", "--bidi", "logical", "--width", str(width), *extra, str(path)
    )
    assert code == 0, err
    return out.splitlines()


def _self_ranges(capsys, path: Path, width: int, *extra: str) -> list[tuple[int, int]]:
    code, out, _ = run(capsys, "cat", "--json", "--width", str(width), *extra, str(path))
    assert code == 0
    ranges = []
    for line in json.loads(out)["lines"]:
        offsets = [o for cell in line["cells"] for o in cell["offsets"]]
        ranges.append((min(offsets), max(offsets) + 1) if offsets else (0, 0))
    return ranges


@pytest.mark.parametrize("name", ["ar_economy.txt", "en_quoting_arabic.txt", "ur_sports.txt"])
def test_cat_logical_breaks_where_self_breaks_in_logical_order(capsys, name):
    path = SAMPLES / name
    text = load_article(path).text
    lines = _logical_lines(capsys, path, 40)
    ranges = _self_ranges(capsys, path, 40)
    assert len(lines) == len(ranges)
    spaces = "".join(BREAKABLE_SPACES)
    for line, (start, end) in zip(lines, ranges, strict=True):
        assert line == text[start:end].rstrip(spaces)  # no padding, no reordering, no shaping
    assert not _has_presentation_forms("".join(lines))


def test_cat_logical_lines_rebuild_the_paragraphs(capsys):
    path = SAMPLES / "ar_politics.txt"
    article = load_article(path)
    lines = _logical_lines(capsys, path, 30)
    paragraphs = [article.text[p.start : p.end] for p in article.paragraphs()]
    rebuilt, current = [], []
    for line in lines:  # a paragraph's lines, joined at the spaces they broke after
        current.append(line)
        if " ".join(current) == " ".join(paragraphs[len(rebuilt)].split()):
            rebuilt.append(" ".join(current))
            current = []
    assert len(rebuilt) == len(paragraphs) and not current


def test_cat_logical_keeps_word_joiners_and_drops_controls(capsys):
    persian = _logical_lines(capsys, SAMPLES / "fa_culture.txt", 60)
    text = load_article(SAMPLES / "fa_culture.txt").text
    assert sum(line.count("\u200c") for line in persian) == text.count("\u200c")
    hostile = "\n".join(_logical_lines(capsys, SAMPLES / "mixed_controls.txt", 300))
    for forbidden in ("\x1b", "\x07", "\u202e", "\u2066", "\u2069", "\t"):
        assert forbidden not in hostile
    assert "\u241b[2J" in hostile


def test_cat_logical_header_and_harakat(capsys):
    path = SAMPLES / "ar_frontmatter.md"
    article = load_article(path)
    lines = _logical_lines(capsys, path, 200, "--header")
    assert lines[0] == article.title
    assert lines[1] == f"{article.source} · {article.date}"  # the isolates are not sent
    assert lines[2] == "\u2500" * 200
    economy = SAMPLES / "ar_economy.txt"
    shown = "\n".join(_logical_lines(capsys, economy, 80))
    hidden = "\n".join(_logical_lines(capsys, economy, 80, "--no-harakat"))
    assert "\u064f" in shown and "\u064f" not in hidden


def test_cat_json_describes_a_layout_not_logical_lines(capsys):
    code, out, err = run(capsys, "cat", "--json", "--bidi", "logical", str(SAMPLES / "he_tech.txt"))
    assert (code, out) == (2, "")
    assert "--json" in err and len(err.strip().splitlines()) == 1


def test_cat_keeps_its_old_choices_and_takes_the_new(capsys):
    path = str(SAMPLES / "he_tech.txt")
    _, default, _ = run(capsys, "cat", "--width", "50", path)
    _, chosen, _ = run(capsys, "cat", "--width", "50", "--bidi", "self", path)
    _, auto, _ = run(capsys, "cat", "--width", "50", "--bidi", "auto", path)
    assert default == chosen == auto  # not a terminal: a page laid out by hamish
    code, _, err = run(capsys, "cat", "--bidi", "sideways", path)
    assert code == 2 and "'auto', 'self', 'terminal', 'logical'" in err
