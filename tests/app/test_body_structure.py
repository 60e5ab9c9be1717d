"""The article body in a pilot: blank rows between paragraphs, headings set apart, bidi markers
drawn (issue 10, parts 6 and 7, in the body).

Blank rows show no offset: the cursor steps over them and a click on one counts as on
the line above. Headings are bold (a Markdown heading's '#' dim); each explicit bidi
control is a marker cell in the warning style, and the setting turns markers off.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from reader.library.article import split_paragraphs
from reader.settings import Settings
from reader.text.layout import LayoutOptions
from reader.text.sanitize import BIDI_MARKERS
from reader.tui.app import HamishApp
from reader.tui.widgets.article_view import ArticleView

FIRST = "قال الوزير إن الأمن مستتب في العاصمة وإن الاقتصاد سينمو بنسبة كبيرة هذا العام."
SECOND = "وأضاف أن الحكومة ستعلن خطة جديدة لدعم الأسر خلال الأسابيع المقبلة في مؤتمر صحفي."
HEADING = "خطة الحكومة الجديدة"
THIRD = "The plan was welcomed by the opposition, which had asked for it for two years."
TEXT = "\n".join(["عنوان المقال", FIRST, SECOND, HEADING, THIRD]) + "\n"


class ViewApp(App[None]):
    def __init__(self, text: str = TEXT, **view_options) -> None:
        super().__init__()
        self.text = text
        self.view_options = view_options

    def compose(self) -> ComposeResult:
        yield ArticleView(
            self.text,
            split_paragraphs(self.text),
            LayoutOptions(),
            reading_width=40,
            id="view",
            **self.view_options,
        )

    def on_mount(self) -> None:
        self.query_one(ArticleView).focus()


def rows_of(view: ArticleView):
    return [view.document.line(y) for y in range(view.document.line_count)]


def row_of(view: ArticleView, offset: int) -> int:
    return view.document.locate(offset)[0]


async def test_the_setting_puts_a_blank_row_between_paragraphs():
    async with ViewApp(paragraph_spacing=True).run_test(size=(60, 40)) as pilot:
        view = pilot.app.query_one(ArticleView)
        assert view.document.options.paragraph_spacing
        spacing = [y for y, line in enumerate(rows_of(view)) if line.spacing]
        assert len(spacing) == 4  # before each paragraph but the first
        for y in spacing:
            assert view.render_line(y - int(view.scroll_offset.y)).text.strip() == ""
    async with ViewApp(paragraph_spacing=False).run_test(size=(60, 40)) as pilot:
        view = pilot.app.query_one(ArticleView)
        # Only the heading is set apart: before it and after it.
        spacing = [line.paragraph for line in rows_of(view) if line.spacing]
        assert spacing == [3, 4]


async def test_down_and_up_step_over_blank_rows():
    async with ViewApp(paragraph_spacing=True).run_test(size=(60, 40)) as pilot:
        view = pilot.app.query_one(ArticleView)
        visited = [view.cursor]
        for _ in range(view.document.line_count):
            await pilot.press("down")
            visited.append(view.cursor)
        rows = [row_of(view, offset) for offset in visited]
        assert not any(view.document.line(r).spacing for r in rows)
        text_rows = [y for y, line in enumerate(rows_of(view)) if not line.spacing]
        # Every row with text is visited, in order, and no other.
        assert sorted(set(rows)) == text_rows
        assert rows[-1] == text_rows[-1]
        for _ in range(view.document.line_count):
            await pilot.press("up")
            assert not view.document.line(row_of(view, view.cursor)).spacing
        assert row_of(view, view.cursor) == 0


async def test_page_down_never_stops_on_a_blank_row():
    text = "\n".join(f"فقرة رقم {i} من المقال، وهي قصيرة." for i in range(60)) + "\n"
    async with ViewApp(text, paragraph_spacing=True).run_test(size=(60, 15)) as pilot:
        view = pilot.app.query_one(ArticleView)
        for _ in range(8):
            await pilot.press("pagedown")
            assert not view.document.line(row_of(view, view.cursor)).spacing
        for _ in range(8):
            await pilot.press("pageup")
            assert not view.document.line(row_of(view, view.cursor)).spacing
        assert view.cursor == 0


async def test_left_past_the_end_of_a_paragraph_goes_to_the_next_one():
    async with ViewApp(paragraph_spacing=True).run_test(size=(60, 40)) as pilot:
        view = pilot.app.query_one(ArticleView)
        first_line = view.document.locate(TEXT.index(FIRST))[1]
        last_cell = max(first_line.cells, key=lambda c: c.start)
        last_of_title = view.document.locate(0)[1]
        view.move_to(max(c.start for c in last_of_title.cells))
        await pilot.press("left")  # RTL: left is forward
        assert view.cursor == TEXT.index(FIRST)
        await pilot.press("right")  # and back over the blank row
        assert view.cursor == max(c.start for c in last_of_title.cells)
        assert last_cell.start > view.cursor


async def test_a_click_on_a_blank_row_counts_as_on_the_line_above():
    async with ViewApp(paragraph_spacing=True).run_test(size=(60, 40)) as pilot:
        view = pilot.app.query_one(ArticleView)
        blank = next(y for y, line in enumerate(rows_of(view)) if line.spacing)
        above = view.document.line(blank - 1)
        x = view.margin + above.cells[-1].col
        await pilot.click(view, offset=(x, blank))
        assert view.cursor == above.cells[-1].start
        assert row_of(view, view.cursor) == blank - 1
        # A drag from the title across the blank row into the lede selects logically.
        start_x = view.margin + above.cells[-1].col
        lede_row = blank + 1
        lede = view.document.line(lede_row)
        await pilot.mouse_down(view, offset=(start_x, blank - 1))
        await pilot.hover(view, offset=(x, blank))
        await pilot.hover(view, offset=(view.margin + lede.cells[-1].col, lede_row))
        await pilot.mouse_up(view, offset=(view.margin + lede.cells[-1].col, lede_row))
        assert view.selection is not None
        assert view.selection.start == above.cells[-1].start
        assert view.selection.end == lede.cells[-1].end


async def test_headings_are_bold_and_markdown_marks_dim(tmp_path):
    async with ViewApp(paragraph_spacing=False).run_test(size=(60, 40)) as pilot:
        view = pilot.app.query_one(ArticleView)
        row = row_of(view, TEXT.index(HEADING))
        strip = view.render_line(row)
        styled = [s for s in strip if s.text.strip()]
        assert styled and all(s.style and s.style.bold for s in styled)
        body = view.render_line(row_of(view, TEXT.index(THIRD)))
        assert not any(s.style and s.style.bold for s in body if s.text.strip())
    text = "أول فقرة في المقال هنا.\n\n## عنوان فرعي\nنص بعد العنوان.\n"
    async with ViewApp(text, markdown=True).run_test(size=(60, 20)) as pilot:
        view = pilot.app.query_one(ArticleView)
        heading = view.document.heading(2)
        assert heading is not None and heading.level == 2
        strip = view.render_line(row_of(view, text.index("##")))
        marks = [s for s in strip if s.text == "#"]
        words = [s for s in strip if s.text.strip() and s.text != "#"]
        assert len(marks) == 2 and all(not s.style.bold for s in marks)
        assert words and all(s.style.bold for s in words)
        mark_color = marks[0].style.color
        assert mark_color is not None and mark_color != words[0].style.color


async def test_markdown_is_known_from_the_screens_file(library):
    async with HamishApp(library / "ar_frontmatter.md", Settings()).run_test(
        size=(100, 30)
    ) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = pilot.app.screen.query_one(ArticleView)
        assert view.document.options.markdown
        found = [i for i in range(len(view.document.paragraphs)) if view.document.heading(i)]
        assert [view.text[view.document.paragraphs[i].start :][:2] for i in found] == ["##"]


async def test_bidi_markers_are_drawn_in_their_style_and_the_setting_hides_them(library):
    path: Path = library / "mixed_controls.txt"
    text = path.read_text(encoding="utf-8")
    controls = [i for i, c in enumerate(text) if c in BIDI_MARKERS]
    assert len(controls) == 3  # RLO in the file name, LRI … PDI
    async with HamishApp(path, Settings()).run_test(size=(100, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = pilot.app.screen.query_one(ArticleView)
        marker_style = view.get_component_rich_style("article-view--bidi-marker")
        for offset in controls:
            row, line = view.document.locate(offset)
            cell = next(c for c in line.cells if c.start <= offset < c.end)
            assert cell.text == BIDI_MARKERS[text[offset]]
            assert row < view.size.height  # the article fits: no scrolling
            strip = view.render_line(row)
            drawn = [s for s in strip if s.text == cell.text]
            assert drawn and drawn[0].style.bgcolor == marker_style.bgcolor
            for segment in strip:
                assert not any(c in BIDI_MARKERS for c in segment.text)  # never sent raw
    async with HamishApp(path, Settings(bidi_markers=False)).run_test(size=(100, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = pilot.app.screen.query_one(ArticleView)
        assert not view.document.options.bidi_markers
        shown = "".join(view.render_line(y).text for y in range(view.size.height))
        assert not any(m in shown for m in BIDI_MARKERS.values())
        # The override is honoured as before, with no sign of it: the rest of its
        # paragraph reads reversed right after "invoice".
        assert "invoice" in shown and "invoice\u21c7" not in shown


async def test_a_marker_is_selected_with_its_control(library):
    path: Path = library / "mixed_controls.txt"
    async with HamishApp(path, Settings()).run_test(size=(100, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        view = pilot.app.screen.query_one(ArticleView)
        start = view.text.index("invoice")
        view.select(start, start + len("invoice\u202efdp.exe"))
        assert view.selected_text == "invoice\u202efdp.exe"
        _, line = view.document.locate(start)
        selected = [c for c in line.cells if view.selection.start <= c.start < view.selection.end]
        assert "\u21c7" in [c.text for c in selected]
