"""Error lines follow the --bidi rule too: laid out on a terminal, logical in a pipe."""

from __future__ import annotations

import os
import pty
import subprocess

from reader.text.render import visual_oneline
from tests.cli.terminals import HAMISH, environment

NAME = "تقرير الوزارة.txt"
MESSAGE = f"{NAME}: no such file or folder"


def test_an_error_line_in_a_pipe_is_logical(tmp_path):
    done = subprocess.run(
        [*HAMISH, "stats", NAME], cwd=tmp_path, env=environment(), capture_output=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.decode("utf-8") == f"hamish: {MESSAGE}\n"


def test_an_error_line_on_a_terminal_is_laid_out(tmp_path):
    master, slave = pty.openpty()
    try:
        done = subprocess.run(
            [*HAMISH, "stats", NAME],
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=slave,
            check=False,
            timeout=60,
        )
        os.close(slave)
        written = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end is closed: all was read
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(master)
    assert done.returncode == 2
    shown = written.decode("utf-8").replace("\r\n", "\n")
    assert shown == f"hamish: {visual_oneline(MESSAGE, direction='ltr')[0]}\n"
    assert NAME not in shown  # not the logical letters: shaped and reordered


def test_an_english_message_keeps_its_order_around_an_arabic_name():
    from reader.commands.output import one_line

    shown = one_line("ملف_جديد.txt: no such file", "self", direction="ltr")
    assert shown.endswith(".txt: no such file")  # the name, then its suffix, then the reason


def test_piped_stats_keep_their_counts_in_one_column(tmp_path):
    import shutil

    from tests.paths import SAMPLES

    library = tmp_path / "a_library_with_a_long_folder_name_for_long_labels"
    shutil.copytree(SAMPLES, library)
    done = subprocess.run(
        [*HAMISH, "stats", "--by", "article", str(library)],
        env=environment(),
        capture_output=True,
        check=False,
    )
    rows = [r for r in done.stdout.decode("utf-8").splitlines() if r.startswith("  ")]
    assert len(rows) == 2 and all(len(r.split()[0]) > 40 for r in rows)  # wider than a cut
    assert len({r.rstrip().rfind(" ") for r in rows}) == 1  # counts end in one column


def test_search_hits_on_a_narrow_terminal_fit_one_row_each():
    from rich.cells import cell_len

    from tests.cli.terminals import on_pty
    from tests.paths import SAMPLES

    code, shown = on_pty(["search", str(SAMPLES), "الاقتصاد"], environment(), columns=60)
    rows = [row for row in shown.splitlines() if row]
    assert code == 0 and rows
    assert all(cell_len(row) <= 60 for row in rows), [r for r in rows if cell_len(r) > 60]
