"""Odd files in a library: a FIFO named like an article never blocks a command.

Each command runs as a process with a timeout: before the fix, opening the FIFO
blocked until a writer came, for ever.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading

import pytest

from annotations import AnnotationSet, canonical_json, make_annotation
from tests.cli.terminals import HAMISH, environment

TEXT = "خبر عاجل\nقال الوزير إن الاقتصاد ينمو بسرعة.\n"


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "library"
    (folder / "sub").mkdir(parents=True)
    (folder / "real.txt").write_text(TEXT, encoding="utf-8")
    os.mkfifo(folder / "stuck.txt")
    os.mkfifo(folder / "sub" / "also_stuck.md")
    os.symlink(folder / "stuck.txt", folder / "link_to_stuck.txt")
    # A sidecar beside the FIFO: check and export open the article of every sidecar.
    for name in ("real.txt", "stuck.txt"):
        sidecar = AnnotationSet.empty(name, TEXT).added(
            make_annotation(TEXT, TEXT.index("الوزير"), TEXT.index(" إن"), tags=["quote"])
        )
        (folder / f"{name}.annotations.json").write_text(canonical_json(sidecar), encoding="utf-8")
    return folder


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*HAMISH, *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "--json"], 0),
        (["stats", "--json"], 0),
        (["search", "--json"], 0),
        (["export", "--format", "jsonl"], 0),
    ],
)
def test_a_fifo_in_a_folder_walk_is_skipped(library, args, code):
    if args[0] == "search":
        done = _run(*args, str(library), "الوزير")
    else:
        done = _run(*args, str(library))
    assert done.returncode == code, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8")
    assert "stuck" not in out
    if args[0] == "export":
        assert [json.loads(line)["document"].endswith("real.txt") for line in out.splitlines()] == [
            True
        ]
    if args[0] == "stats":
        assert json.loads(out)["articles"] == 1
    if args[0] == "search":
        assert json.loads(out.splitlines()[0])["path"].endswith("real.txt")


def test_find_articles_skips_non_regular_files_but_keeps_links_and_broken_links(library):
    from reader.library.find import find_articles

    (library / "alias.txt").symlink_to(library / "real.txt")
    (library / "gone.txt").symlink_to(library / "missing.txt")
    found = [p.relative_to(library).as_posix() for p, _ in find_articles([library])]
    assert found == ["alias.txt", "gone.txt", "real.txt"]
    listed = [
        p.relative_to(library).as_posix() for p, _ in find_articles([library], non_regular=True)
    ]
    assert listed == [
        "alias.txt",
        "gone.txt",
        "link_to_stuck.txt",
        "real.txt",
        "stuck.txt",
        "sub/also_stuck.md",
    ]


def test_a_fifo_named_explicitly_is_read(library):
    fifo = library / "stuck.txt"

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as pipe:
            pipe.write(TEXT)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    done = _run("search", "--json", str(fifo), "الوزير")
    writer.join(timeout=10)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8").splitlines()[0])["path"].endswith("stuck.txt")


def test_a_utf8_text_with_a_few_nuls_is_refused_as_binary_not_read_as_utf16(tmp_path):
    from reader.library.article import ArticleError, decode_bytes

    # Read as UTF-16 these bytes are CJK-looking mojibake ("䠀敬汯⁷潲汤…"), all printable.
    text = "Hello world\nsecond line\n" * 20
    data = b"H\x00" + text.encode("utf-8")[1:] + b" "
    assert data.count(0) == 1 and len(data) % 2 == 0
    with pytest.raises(ArticleError, match="binary file"):
        decode_bytes(data, "nuls.txt")
    path = tmp_path / "nuls.txt"
    path.write_bytes(data)
    done = _run("cat", "--bidi", "logical", str(path))
    assert done.returncode == 2
    assert "binary file (NUL bytes), not an article" in done.stderr.decode("utf-8")
    assert done.stdout == b""
    # Real UTF-16 without a byte-order mark is still read, Arabic (NULs at spaces) included.
    arabic = "\n".join(["قال الوزير إن الاقتصاد ينمو بسرعة كبيرة هذا العام."] * 12) + "\n"
    for sample in (text, arabic):
        assert decode_bytes(sample.encode("utf-16-le"))[:2] == (sample, "utf-16-le")
        assert decode_bytes(sample.encode("utf-16-be"))[:2] == (sample, "utf-16-be")
