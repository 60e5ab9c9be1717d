"""Y copies the annotation under the cursor as the quote card `hamish report` writes."""

from __future__ import annotations

from annotations import make_annotation, open_sidecar, sidecar_path
from reader.commands.report import quote_card
from reader.library.article import load_article
from reader.settings import Settings
from reader.tui.app import HamishApp
from tests.app.pilots import open_article

QUOTE = "الأمن الغذائي"


async def test_y_copies_the_quote_card_of_the_annotation_under_the_cursor(library):
    path = library / "ar_economy.txt"
    sidecar_path(path).unlink()
    text = path.read_text(encoding="utf-8")
    start = text.index(QUOTE)
    annotation = make_annotation(
        text, start, start + len(QUOTE), tags=["quote", "موضوع/أمن"], note="ملاحظة"
    )
    sidecar = open_sidecar(path, text)
    sidecar.save(sidecar.annotations.added(annotation))
    copied: list[str] = []
    async with HamishApp(path, Settings(author="rana")).run_test(size=(100, 30)) as pilot:
        pilot.app.copy_to_clipboard = copied.append  # what OSC 52 would send
        _screen, view = await open_article(pilot)
        view.move_to(0)  # nothing here: a warning, nothing copied
        await pilot.press("Y")
        assert copied == []
        view.move_to(start + 3)
        await pilot.press("Y")
        await pilot.pause()
    card = quote_card(annotation, load_article(path))
    assert copied == [card]
    assert QUOTE in card and "موضوع/أمن" in card and "ملاحظة" in card
