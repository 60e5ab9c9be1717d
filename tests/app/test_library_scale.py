"""The library screen with 300 articles: rows streamed in batches, only the rows drawn laid
out, the filter on titles and tags, and a reopen served by the catalog index."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reader.library import catalog_index
from reader.settings import Settings
from reader.tui.app import HamishApp
from reader.tui.screens import library as library_screen
from reader.tui.screens.library import LibraryTable

COUNT = 300


@pytest.fixture
def big_library(tmp_path: Path) -> Path:
    root = tmp_path / "big"
    root.mkdir()
    past = time.time() - 3600
    for i in range(COUNT):
        title = f"خبر رقم {i:03d}" + (" عن الاقتصاد" if i % 7 == 0 else "")
        path = root / f"a{i:03d}.txt"
        path.write_text(f"{title}\nنص الخبر {i}.\n", encoding="utf-8")
        os.utime(path, (past, past))
    return root


async def test_rows_stream_in_and_only_drawn_rows_are_laid_out(big_library, monkeypatch):
    laid_out: list[str] = []
    real_cells = library_screen.row_cells

    def counting(entry, widths):
        laid_out.append(entry.path.name)
        return real_cells(entry, widths)

    monkeypatch.setattr(library_screen, "row_cells", counting)
    monkeypatch.setattr(catalog_index, "BATCH", 100)
    shown_per_batch: list[int] = []
    real_stream = library_screen.LibraryScreen._stream

    def stream(self, batch):
        real_stream(self, batch)
        shown_per_batch.append(self.query_one(LibraryTable).row_count)

    monkeypatch.setattr(library_screen.LibraryScreen, "_stream", stream)
    async with HamishApp(big_library, Settings()).run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        table = pilot.app.screen.query_one(LibraryTable)
        assert shown_per_batch == [100, 200, 300]  # each batch added below the others
        assert table.row_count == COUNT
        # Only what is on screen was laid out, once each: not 300 rows, not three times.
        assert 0 < len(laid_out) <= table.size.height
        assert len(laid_out) == len(set(laid_out))
        assert laid_out[0] == "a000.txt"

        laid_out.clear()
        for key in "الاقتصاد":
            await pilot.press(key)
        await pilot.pause()
        expected = [f"a{i:03d}.txt" for i in range(COUNT) if i % 7 == 0]
        assert table.row_count == len(expected)
        keys = [table.coordinate_to_cell_key((y, 0)).row_key.value for y in range(table.row_count)]
        assert [Path(str(k)).name for k in keys] == expected
        assert len(laid_out) <= table.size.height  # the matches drawn, nothing more
        first_title = str(table.get_row_at(0)[0])
        assert "ﺍﻻﻗﺘﺼﺎﺩ"[::-1] in first_title  # shaped, in visual order

        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == COUNT


async def test_a_reopen_is_listed_from_the_index(big_library, monkeypatch):
    async with HamishApp(big_library, Settings()).run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        first = list(pilot.app.screen.entries)
    summarised: list[Path] = []
    real = catalog_index.summarise_entry

    def counting(path, root, annotations_dir):
        summarised.append(path)
        return real(path, root, annotations_dir)

    monkeypatch.setattr(catalog_index, "summarise_entry", counting)
    async with HamishApp(big_library, Settings()).run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen.entries == first
        assert pilot.app.screen.query_one(LibraryTable).row_count == COUNT
    assert summarised == []
