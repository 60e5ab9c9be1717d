"""The article body: a Line API ScrollView over :class:`DocumentLayout`.

The view never computes an offset itself: the layout's cell map says which code
points each cell shows. The cursor is a logical offset (the start of a cell); a
selection is the logical range between the anchor's cell and the cursor's cell
(as browsers do), drawn on exactly the cells whose offsets fall in it — in mixed
text that may be several visual pieces.

Width: the text is laid out to the columns really there for it — the scrollable
region, less the vertical scrollbar and padding, less a one-cell gutter each side
when there is room — and laid out again whenever that changes (a resize, the
scrollbar appearing or going, the panel opening, a new reading width), keeping the
cursor's row where it was. The virtual width is the laid-out width, so there is no
horizontal scrollbar unless a single cell is wider than the view.

Blank rows between paragraphs and around headings (``VisualLine.spacing``) show no
offset: cursor moves step over them and a click on one counts as on the line above.

Memory: the document keeps the cells of ``CACHE_SCREENS`` screens of rows (and at least
the paragraphs of one screen and a few more), whatever the article's size; every other
paragraph is one row count (reader/text/document.py). ``G`` lays out the last paragraph
only, so it reaches the last line before the background layout has measured the rest;
pressed on a preview of a large article, the cursor goes on to the real end when the
rest arrives (:meth:`ArticleView.replace_text`).

Highlights: an annotation's cells take its first tag's colour as their background,
with black or white text, whichever contrasts more. A cell under more than one tag —
an annotation with several tags, or annotations that overlap — is underlined and
striped: its background cycles through the colours of every tag on it, innermost
annotation first, :data:`STRIPE_CELLS` columns a colour (the terminal shows each cell
where hamish puts it, so stripes need no bidi from it and never move the text, unlike
inserted markers, which would shift every offset of the cell map). The selection is the
body's own colours swapped (its text colour as background, bold), a style no tag colour
gives. On a 16-colour terminal the tagset's colours, in tagset order, each take the
nearest unused one of :data:`TAG_BACKGROUNDS_16`, so distinct tags stay distinct
(:func:`sixteen_color_backgrounds`).

Authors: with the author filter ``distinct`` (reader/tui/session.py's AuthorFilter), the
other authors' annotations are drawn without a background: their tag colour as the text
colour, underlined, so mine stand out and theirs stay readable; a cell under one of mine
takes my colours. A filter that hides an author's annotations does not draw them.

Conflicts: an annotation a git merge left in conflict (docs/sidecar.md) is drawn black on
amber and underlined, over its tag colours (the panel's badge colours): a cell that
needs a decision stands out from every tag.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

# The palettes Rich matches a colour against when it downgrades to 16 colours (no public
# name: taking a colour from them makes Rich send exactly that colour's number).
from rich._palettes import STANDARD_PALETTE, WINDOWS_PALETTE
from rich.color import Color, ColorParseError, ColorTriplet
from rich.palette import Palette
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.script import EXPLICIT_BIDI_CONTROL_RE
from reader.keys import Scope
from reader.settings import Settings
from reader.text.document import DocumentLayout
from reader.text.layout import Cell, LayoutOptions, VisualLine
from reader.text.paragraphs import Paragraph
from reader.text.sanitize import BIDI_MARKERS
from reader.text.structure import is_markdown
from reader.tui.keys import bindings

if TYPE_CHECKING:
    from annotations.tagset import Tagset
    from reader.tui.screens.article import ArticleScreen

# The narrowest column that keeps its gutter: a narrower view gives the gutter to the text.
MIN_COLUMN = 10
GUTTER = 1  # blank columns each side of the reading column, when there is room
# The rows of laid-out paragraphs a view keeps, in screens (of at least 24 rows): the
# one shown and two pages above and below it, so page keys and scrolling back and forth
# draw without laying out again; the cursor's or a match's paragraph off screen fits in
# them too. At 24 rows and 80 columns that is at most some 10,000 cells, about 2.5 MB,
# whatever the article's size (it was all of the article's cells: ~90 bytes a byte).
CACHE_SCREENS = 5
# Paragraphs kept, whatever their rows, beyond one per row of the screen (the cursor's,
# a match's): every paragraph on screen stays cached while the screen is drawn.
CACHE_EXTRA_PARAGRAPHS = 4
_MARKER_SYMBOLS = frozenset(BIDI_MARKERS.values())
_DEFAULT_SETTINGS = Settings()
# Columns of one colour in the stripes of a cell under several tags: two, so each colour
# shows as a band wider than one letter, and a two-tag word of three letters shows both.
STRIPE_CELLS = 2
# The backgrounds a tag may take on a 16-colour terminal: every hue at both intensities.
# Not 0 (black: the body's background), nor 7, 8, 15 (the greys and white: what several
# distinct tag colours all collapse to, and the selection's swapped look), so the first
# twelve colours of a tagset never share a background or look like the selection.
TAG_BACKGROUNDS_16 = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14)
# Rich's names of the colour systems with 16 colours, and the palette each one draws from.
_SIXTEEN_COLOR_PALETTES = {"standard": STANDARD_PALETTE, "windows": WINDOWS_PALETTE}
# A highlight's background when the theme gives none (never in Textual's themes): blue.
_DEFAULT_HIGHLIGHT = ColorTriplet(0, 0, 170)
_BLACK = ColorTriplet(0, 0, 0)
_WHITE = ColorTriplet(255, 255, 255)


def _luminance(color: ColorTriplet) -> float:
    """WCAG 2 relative luminance (0 black … 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.red) + 0.7152 * channel(color.green) + 0.0722 * channel(color.blue)
    )


def contrast_ratio(a: ColorTriplet, b: ColorTriplet) -> float:
    """WCAG 2 contrast ratio of two colours (1 … 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_text(background: ColorTriplet) -> ColorTriplet:
    """Black or white, whichever contrasts more with ``background`` (at least 4.58:1)."""
    if contrast_ratio(background, _BLACK) >= contrast_ratio(background, _WHITE):
        return _BLACK
    return _WHITE


def _distance(a: ColorTriplet, b: ColorTriplet) -> float:
    """How far apart two colours look ("redmean": RGB weighted by how red they are)."""
    mean_red = (a.red + b.red) / 2
    dr, dg, db = a.red - b.red, a.green - b.green, a.blue - b.blue
    return (
        (2 + mean_red / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean_red) / 256) * db * db
    ) ** 0.5


def sixteen_color_palette(color_system: str | None) -> Palette | None:
    """The palette of a 16-colour terminal, by Rich's name of its colour system (a
    console's ``color_system``); None for one with more colours (or none)."""
    return _SIXTEEN_COLOR_PALETTES.get(color_system or "")


def sixteen_color_backgrounds(
    colors: Sequence[ColorTriplet], palette: Palette = STANDARD_PALETTE
) -> list[int]:
    """The 16-colour background (a colour number) of each of ``colors``, in order: each
    takes the nearest of :data:`TAG_BACKGROUNDS_16` that an earlier one has not taken;
    only when all twelve are taken do colours share (the nearest again). Whatever else
    shows tag colours (a legend) passes the tagset's colours in its order and gets the
    body's choices."""
    free = list(TAG_BACKGROUNDS_16)
    chosen: list[int] = []
    for color in colors:
        candidates = free or list(TAG_BACKGROUNDS_16)
        best = min(candidates, key=lambda number: _distance(color, palette[number]))
        chosen.append(best)
        if best in free:
            free.remove(best)
    return chosen


#: An annotation in conflict (a git merge's): black on amber, underlined, over its tag
#: colours, as the panel's badge (10:1); by number, not a theme's tone of a name. Not bold:
#: xterm and others draw bold black as bright black (grey), 4:1 on amber.
CONFLICT_STYLE = Style(color="#000000", bgcolor="#ffaf00", underline=True)


@dataclass(frozen=True, slots=True)
class Highlight:
    """An annotated range to draw: its first tag's colour (None: the default highlight)
    and the colours of its other tags (distinct from ``color`` and each other)."""

    start: int
    end: int
    color: str | None
    key: str
    more_colors: tuple[str | None, ...] = ()
    other: bool = False  # another author's, drawn in their distinct style (see the module)
    conflict: bool = False  # a git merge left it in conflict: drawn apart (see the module)

    @property
    def colors(self) -> tuple[str | None, ...]:
        return (self.color, *self.more_colors)


def tag_colors(tagset: Tagset, tags: Sequence[str]) -> tuple[str | None, ...]:
    """The distinct colours of ``tags`` in their order (None for a tag with none); at least
    one (an annotation without tags shows the default highlight)."""
    colors = tuple(dict.fromkeys(tagset.color_of(tag) for tag in tags))
    return colors or (None,)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class ArticleView(ScrollView, can_focus=True):
    """Shaped, reordered, wrapped article text with a cursor, a selection and search marks."""

    COMPONENT_CLASSES = {
        "article-view--highlight",
        "article-view--overlap",
        "article-view--cursor",
        "article-view--selection",
        "article-view--match",
        "article-view--match-current",
        "article-view--heading",
        "article-view--heading-mark",
        "article-view--bidi-marker",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
    }
    ArticleView > .article-view--highlight {
        background: $secondary 45%;
    }
    ArticleView > .article-view--overlap {
        text-style: underline;
    }
    ArticleView > .article-view--cursor {
        background: $accent;
        color: $background;
        text-style: bold;
    }
    ArticleView > .article-view--selection {
        background: $foreground;
        color: $surface;
        text-style: bold;
    }
    ArticleView > .article-view--match {
        background: $warning 35%;
    }
    ArticleView > .article-view--match-current {
        background: $warning;
        color: $background;
    }
    ArticleView > .article-view--heading {
        text-style: bold;
    }
    ArticleView > .article-view--heading-mark {
        color: $foreground-muted;
        text-style: not bold;
    }
    ArticleView > .article-view--bidi-marker {
        background: $error;
        color: $background;
        text-style: bold;
    }
    """

    KEY_SCOPE = Scope.VIEW
    BINDINGS = bindings(KEY_SCOPE)

    class CursorMoved(Message):
        """The cursor moved to ``offset``."""

        def __init__(self, view: ArticleView, offset: int) -> None:
            super().__init__()
            self.view = view
            self.offset = offset

    class SelectionChanged(Message):
        """The selection changed; ``selection`` is None when cleared."""

        def __init__(self, view: ArticleView, selection: Span | None) -> None:
            super().__init__()
            self.view = view
            self.selection = selection

    def __init__(
        self,
        text: str,
        paragraphs: Sequence[Paragraph],
        options: LayoutOptions,
        *,
        reading_width: int = 80,
        paragraph_spacing: bool | None = None,
        bidi_markers: bool | None = None,
        markdown: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``paragraph_spacing`` and ``bidi_markers`` None: the app's settings (or their
        defaults); ``markdown`` None: from the screen's ``path`` (an ``.md`` file)."""
        super().__init__(name=name, id=id, classes=classes)
        self.text = text
        self.reading_width = reading_width
        self._paragraph_spacing = paragraph_spacing
        self._bidi_markers = bidi_markers
        self._markdown = markdown
        self._options = options  # as given: the view adds width, spacing, markers, markdown
        self.document = DocumentLayout(text, paragraphs, self._full_options(reading_width))
        self._at_bottom = False  # the cursor went to the end with G (and stays there)
        self._rows_shown = 0  # the view's height at the last layout (0: not shown yet)
        self.cursor = self.document.start
        self.selection_anchor: int | None = None  # where a growing selection started
        self.selecting = False  # `v` mode: movement extends the selection
        self._fixed: Span | None = None  # a selection ended with `v`: stays while the cursor moves
        self._goal_col: int | None = None
        self._dragging = False
        self.highlights: list[Highlight] = []
        self._highlight_starts: list[int] = []
        self._longest_highlight = 0
        self._highlight_styles: dict[str | None, Style] = {}
        self._sixteen: dict[str | None, ColorTriplet] | None = None  # None: not worked out yet
        # The tagset's colours in its order: on 16 colours they share out the backgrounds.
        self.tagset_colors: tuple[str, ...] = ()
        self.matches: list[Span] = []
        self._match_starts: list[int] = []
        self.current_match: int | None = None

    # -- options ----------------------------------------------------------------
    def _settings(self) -> Settings:
        try:
            settings = getattr(self.app, "settings", None)
        except RuntimeError:  # Textual's NoActiveAppError: built outside an app
            settings = None
        return settings if isinstance(settings, Settings) else _DEFAULT_SETTINGS

    def _is_markdown(self) -> bool:
        if self._markdown is not None:
            return self._markdown
        if not self.is_attached:
            return False
        path = getattr(self.screen, "path", None)
        return path is not None and is_markdown(path)

    def _full_options(self, width: int) -> LayoutOptions:
        """The given options with the width and the view's own settings."""
        settings = self._settings()
        spacing, markers = self._paragraph_spacing, self._bidi_markers
        return replace(
            self._options,
            width=width,
            paragraph_spacing=settings.paragraph_spacing if spacing is None else spacing,
            bidi_markers=settings.bidi_markers if markers is None else markers,
            markdown=self._is_markdown(),
        )

    # -- geometry -------------------------------------------------------------
    @property
    def text_width(self) -> int:
        """The columns really there for text: the view less padding and scrollbars."""
        return self.scrollable_content_region.width

    @property
    def column_width(self) -> int:
        """The width to lay the text out to, now (the reading width if it fits)."""
        available = self.text_width
        if available <= 0:  # not on screen yet
            return max(self.reading_width, 1)
        room = available - 2 * GUTTER
        if room < MIN_COLUMN:
            room = available
        return max(min(self.reading_width, room), 1)

    @property
    def margin(self) -> int:
        """Blank columns left of the laid-out column (centred in the space there is)."""
        return max((self.text_width - self.document.width) // 2, 0)

    def _cursor_was_shown(self) -> bool:
        """Whether the cursor's row was on screen at the last layout (before a resize)."""
        height = self._rows_shown or self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        row, _ = self.document.locate(self.cursor)
        return top <= row < top + height

    def _anchor(self) -> tuple[int, int] | None:
        """An offset to keep in place across a re-layout, and its row on screen: the
        cursor if it was on screen (kept on the screen there is now), else the first
        offset of the top row."""
        height = self.scrollable_content_region.height
        if height <= 0:
            return None
        top = int(self.scroll_offset.y)
        if self._cursor_was_shown():
            row, _ = self.document.locate(self.cursor)
            return self.cursor, min(row - top, height - 1)
        text_row = self.document.text_row(top, 1)
        line = self.document.line(text_row) if text_row is not None else None
        if text_row is None or line is None:
            return None
        return line.start, text_row - top

    def _relayout(self, document: DocumentLayout) -> None:
        """Show ``document`` instead, keeping the anchor's row where it is on screen."""
        anchor = self._anchor()
        self.document = document
        self.cursor = document.snap(self.cursor)
        self._update_virtual_size()
        if anchor is not None:
            offset, screen_row = anchor
            row, _ = document.locate(document.snap(offset))
            self.scroll_to(y=max(row - screen_row, 0), animate=False, immediate=True)
        self.refresh()

    def _new_document(
        self, text: str, paragraphs: Sequence[Paragraph], options: LayoutOptions
    ) -> DocumentLayout:
        """A document for this view: its cache sized to the view's height."""
        height = max(self.scrollable_content_region.height, 24)
        return DocumentLayout(
            text,
            paragraphs,
            options,
            cache_rows=CACHE_SCREENS * height,
            cache_paragraphs=height + CACHE_EXTRA_PARAGRAPHS,
        )

    def _size_cache(self) -> None:
        """Size the document's cache to the view's height now (see ``CACHE_SCREENS``)."""
        height = max(self.scrollable_content_region.height, 24)
        self.document.cache_rows = CACHE_SCREENS * height
        self.document.cache_paragraphs = height + CACHE_EXTRA_PARAGRAPHS

    def _update_virtual_size(self) -> None:
        size = Size(self.document.width, self.document.line_count)
        if self.virtual_size != size:
            self.virtual_size = size

    def _sync_layout(self) -> None:
        """Lay out again if the width there is for text has changed."""
        width = self.column_width
        self._size_cache()
        if width != self.document.width:
            self._relayout(self.document.with_width(width))
        else:
            if self._cursor_was_shown():  # a shorter view: keep the cursor in it
                self.scroll_to_cursor()
            self._update_virtual_size()
        self._rows_shown = self.scrollable_content_region.height

    def on_mount(self) -> None:
        # The app's settings and the screen's file are known now: take them in.
        options = self._full_options(self.column_width)
        if options != self.document.options:
            self._relayout(self._new_document(self.text, self.document.paragraphs, options))

    def on_resize(self, event: events.Resize) -> None:
        self._sync_layout()
        self.refresh()

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # The scrollbar takes columns from the text (or gives them back): no Resize
        # event says so, as the widget's size is the same.
        if self.is_mounted:
            self._sync_layout()

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        if self.is_mounted:
            self._sync_layout()

    def set_options(self, options: LayoutOptions, reading_width: int | None = None) -> None:
        """New display settings (harakat, bidi mode, width): re-lay out, keep the cursor."""
        if reading_width is not None:
            self.reading_width = reading_width
        self._options = options
        document = self._new_document(
            self.text, self.document.paragraphs, self._full_options(self.column_width)
        )
        self._relayout(document)
        self.scroll_to_cursor()

    def replace_text(self, text: str, paragraphs: Sequence[Paragraph]) -> None:
        """The same article, more of it (a full load after a preview): cursor and scroll stay.

        A cursor sent to the end with ``G`` goes on to the new end.
        """
        self.text = text
        self.document = self._new_document(text, paragraphs, self.document.options)
        if self._at_bottom:
            self.move_to(self.document.end)
            self._at_bottom = True
            return
        self.cursor = self.document.snap(self.cursor)
        self._update_virtual_size()
        self.refresh()

    def layout_in_background(self, seconds: float = 0.01) -> bool:
        """Make more line counts exact for about ``seconds``; True while some remain."""
        row_before, _ = self.document.locate(self.cursor)
        top_offset = row_before - int(self.scroll_offset.y)
        more = self.document.layout_some(seconds)
        if self.virtual_size.height != self.document.line_count:
            self._update_virtual_size()
            row, _ = self.document.locate(self.cursor)
            self.scroll_to(y=max(row - top_offset, 0), animate=False, immediate=True)
            self.refresh()
        return more

    # -- rendering ------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # Never paint a layout made for another width (a resize not yet handled).
        if self.column_width != self.document.width:
            self._sync_layout()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        line = self.document.line(int(self.scroll_offset.y) + y)
        if line is None or line.spacing:
            return Strip.blank(width, base)
        margin = self.margin
        segments: list[Segment] = []
        selection = self.selection
        cursor_style = self.get_component_rich_style("article-view--cursor")
        if not line.cells:
            if line.start == self.cursor and self.has_focus:
                edge = margin + (self.document.width - 1 if line.rtl else 0)
                segments = [Segment(" " * edge, base), Segment(" ", base + cursor_style)]
                return Strip(segments).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        selection_style = self.get_component_rich_style("article-view--selection")
        match_style = self.get_component_rich_style("article-view--match")
        current_style = self.get_component_rich_style("article-view--match-current")
        current = self.matches[self.current_match] if self.current_match is not None else None
        # Its attributes only: the component's style carries the view's colours too, which
        # would paint over the tag colours it is added to.
        overlap_style = self.get_component_rich_style("article-view--overlap").without_color
        heading = self.document.heading(line.paragraph)
        line_style = base
        if heading is not None:
            line_style = base + self.get_component_rich_style("article-view--heading")
            mark_style = self.get_component_rich_style("article-view--heading-mark")
        markers = self.document.options.bidi_markers
        marker_style = self.get_component_rich_style("article-view--bidi-marker")
        segments.append(Segment(" " * (margin + line.cells[0].col), base))
        for cell in line.cells:
            if not cell.width:
                continue
            style: Style = line_style
            if heading is not None and cell.start < heading.text_start:
                style = style + mark_style
            if markers and cell.text[0] in _MARKER_SYMBOLS and self._is_marker(cell):
                style = style + marker_style
            covering = self._highlights_of(cell)
            if covering:
                # The innermost (shortest) annotation's tags first, then the outer ones';
                # under several tags the cell is underlined and its colour is its stripe's.
                mine = [h for h in covering if not h.other]
                if mine:
                    covering = mine
                colors = list(dict.fromkeys(c for h in covering for c in h.colors))
                stripe = (cell.col // STRIPE_CELLS) % len(colors)
                if mine:
                    style = style + self._highlight_style(colors[stripe])
                else:
                    style = style + self._other_style(colors[stripe])
                if len(covering) > 1 or len(colors) > 1:
                    style = style + overlap_style
                if any(h.conflict for h in covering):
                    style = style + CONFLICT_STYLE
            match = self._match_of(cell)
            if match is not None:
                style = style + (current_style if match == current else match_style)
            if (
                selection is not None
                and selection.start <= cell.start
                and cell.end <= selection.end
            ):
                style = style + selection_style
            if cell.start == self.cursor and self.has_focus:
                style = style + cursor_style
            segments.append(Segment(cell.text, style))
        return Strip(segments).adjust_cell_length(width, base)

    def _is_marker(self, cell: Cell) -> bool:
        """Whether ``cell`` is a bidi control's marker (not the same symbol in the text)."""
        return EXPLICIT_BIDI_CONTROL_RE.search(self.text, cell.start, cell.end) is not None

    def on_article_screen_annotations_changed(
        self, message: ArticleScreen.AnnotationsChanged
    ) -> None:
        """Draw the open article's annotations; an orphan has no place in the text."""
        tagset = message.tagset
        self.tagset_colors = tuple(dict.fromkeys(tag.color for tag in tagset if tag.color))
        highlights = []
        authors = message.authors
        for a in message.annotations.annotations:
            if a.status != "orphaned" and (authors is None or authors.shows(a)):
                first, *more = tag_colors(tagset, a.tags)
                other = authors is not None and authors.distinct(a)
                conflict = a.conflict is not None
                highlights.append(
                    Highlight(a.start, a.end, first, a.id, tuple(more), other, conflict)
                )
        self.set_highlights(highlights)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self.highlights = sorted(highlights, key=lambda h: (h.start, h.end))
        self._highlight_starts = [h.start for h in self.highlights]
        self._longest_highlight = max((h.end - h.start for h in self.highlights), default=0)
        self._highlight_styles = {}
        self._sixteen = None
        self.refresh()

    def _highlights_of(self, cell: Cell) -> list[Highlight]:
        if not self.highlights:
            return []
        upto = bisect_right(self._highlight_starts, cell.start)
        since = bisect_left(self._highlight_starts, cell.start - self._longest_highlight)
        hits = [h for h in self.highlights[since:upto] if cell.end <= h.end]
        return sorted(hits, key=lambda h: h.end - h.start)

    def _highlight_style(self, color: str | None) -> Style:
        """The background and text of a cell highlighted in ``color`` (None: the theme's)."""
        style = self._highlight_styles.get(color)
        if style is None:
            if self._sixteen is None:
                self._sixteen = self._sixteen_colors()
            mapped = self._sixteen.get(color)
            background = Color.from_triplet(mapped) if mapped else self._parse_color(color)
            text = readable_text(background.get_truecolor())
            style = Style(bgcolor=background, color=Color.from_triplet(text))
            self._highlight_styles[color] = style
        return style

    def _other_style(self, color: str | None) -> Style:
        """Another author's annotation under the filter ``distinct``: no background, the
        colour ``color`` would give as its text colour, underlined."""
        background = self._highlight_style(color).bgcolor
        return Style(color=background, underline=True)

    def _parse_color(self, color: str | None) -> Color:
        """``color`` as Rich's; the theme's highlight for None or a colour Rich cannot parse."""
        if color is not None:
            try:
                return Color.parse(color)
            except ColorParseError:
                pass
        default = self.get_component_rich_style("article-view--highlight").bgcolor
        return default if default is not None else Color.from_triplet(_DEFAULT_HIGHLIGHT)

    def _sixteen_colors(self) -> dict[str | None, ColorTriplet]:
        """On a 16-colour terminal, the background each colour of the tagset (and the
        default highlight, last) is drawn with; elsewhere nothing (colours as they are)."""
        try:
            palette = sixteen_color_palette(self.app.console.color_system)
        except RuntimeError:  # no app: not drawn on a terminal yet
            palette = None
        if palette is None:
            return {}
        colors: list[str | None] = [*self.tagset_colors, None]
        triplets = [self._parse_color(color).get_truecolor() for color in colors]
        numbers = sixteen_color_backgrounds(triplets, palette)
        return {color: palette[number] for color, number in zip(colors, numbers, strict=True)}

    def _match_of(self, cell: Cell) -> Span | None:
        if not self.matches:
            return None
        i = bisect_right(self._match_starts, cell.start) - 1
        if i >= 0 and self.matches[i].start <= cell.start < self.matches[i].end:
            return self.matches[i]
        return None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- cursor and selection -------------------------------------------------
    @property
    def selection(self) -> Span | None:
        """The selected logical range, snapped to whole cells, or None."""
        if self._fixed is not None:
            return self._fixed
        if self.selection_anchor is None:
            return None
        low, high = sorted((self.selection_anchor, self.cursor))
        end_cell = self.document.cell_at(high)
        end = end_cell.end if end_cell is not None else high
        if end <= low:
            return None
        return Span(self.document.snap(low), end)

    @property
    def selected_text(self) -> str:
        selection = self.selection
        return "" if selection is None else self.text[selection.start : selection.end]

    def _cell_index(self, line: VisualLine, offset: int) -> int | None:
        for i, cell in enumerate(line.cells):
            if cell.start <= offset < cell.end:
                return i
        return None

    def move_to(self, offset: int, extend: bool = False, *, keep_goal: bool = False) -> None:
        """Put the cursor on ``offset`` (snapped to its cell); ``extend`` keeps the anchor."""
        had_selection = self.selection
        self._at_bottom = False
        if extend or self.selecting:
            self._fixed = None
            if self.selection_anchor is None:
                self.selection_anchor = self.cursor
        else:
            self.selection_anchor = None
        self.cursor = self.document.snap(max(self.document.start, min(offset, len(self.text))))
        if not keep_goal:
            self._goal_col = None
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))
        if self.selection != had_selection:
            self.post_message(self.SelectionChanged(self, self.selection))

    def select(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` (snapped to cells), cursor on its last cell."""
        self._fixed = None
        self.selecting = False
        self.selection_anchor = self.document.snap(start)
        last = self.document.snap(max(end - 1, start))
        self.cursor = last
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.SelectionChanged(self, self.selection))

    def clear_selection(self) -> bool:
        """Drop the selection; True if there was one."""
        had = self.selection_anchor is not None or self.selecting or self._fixed is not None
        self.selection_anchor = None
        self.selecting = False
        self._fixed = None
        if had:
            self.refresh()
            self.post_message(self.SelectionChanged(self, None))
        return had

    def scroll_to_cursor(self) -> None:
        row, _ = self.document.locate(self.cursor)
        self._update_virtual_size()
        top = int(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _target(self, how: str, extend: bool = False) -> int:
        document = self.document
        row, line = document.locate(self.cursor)
        index = self._cell_index(line, self.cursor)
        if how in ("left", "right"):
            step = -1 if how == "left" else 1
            if index is not None and 0 <= index + step < len(line.cells):
                return line.cells[index + step].start
            # Past the edge: forward in reading order goes to the next line.
            forward = (how == "left") == line.rtl
            step = 1 if forward else -1
            neighbour_row = document.text_row(row + step, step)
            neighbour = document.line(neighbour_row) if neighbour_row is not None else None
            if neighbour is None:
                return self.cursor
            if not neighbour.cells:
                return neighbour.start
            cells = sorted(neighbour.cells, key=lambda c: c.start)
            return cells[0].start if forward else cells[-1].start
        if how in ("up", "down", "page_up", "page_down"):
            height = max(self.scrollable_content_region.height - 1, 1)
            delta = {"up": -1, "down": 1, "page_up": -height, "page_down": height}[how]
            if self._goal_col is None:
                cell = line.cells[index] if index is not None else None
                self._goal_col = cell.col if cell else (self.document.width - 1 if line.rtl else 0)
            target_row = max(0, min(row + delta, document.line_count - 1))
            # A blank row shows no offset: go on past it, or back if nothing is beyond.
            step = 1 if delta > 0 else -1
            found = document.text_row(target_row, step)
            if found is None:
                found = document.text_row(target_row, -step)
            target = document.line(found) if found is not None else None
            if target is None:
                return self.cursor
            return _cell_near(target, self._goal_col)
        if how in ("word_left", "word_right"):
            forward = (how == "word_left") == line.rtl
            if not forward:
                return document.previous_word(self.cursor)
            if extend or self.selecting:
                return document.word_end_after(self.cursor)  # whole words, not the next letter
            return document.next_word(self.cursor)
        if how == "line_start":
            return line.start
        if how == "line_end":
            starts = [c.start for c in line.cells if c.text.strip()] or [line.start]
            return max(starts)
        if how == "top":
            return document.start
        if how == "bottom":
            return document.end
        raise ValueError(how)

    def action_move(self, how: str, extend: bool = False) -> None:
        keep_goal = how in ("up", "down", "page_up", "page_down")
        self.move_to(self._target(how, extend), extend, keep_goal=keep_goal)
        self._at_bottom = how == "bottom" and not (extend or self.selecting)

    def action_toggle_selecting(self) -> None:
        if self.selecting:
            # The selection ends here and stays (for tagging) while the cursor moves on.
            self.selecting = False
            self._fixed = self.selection
            self.selection_anchor = None
        else:
            self.selecting = True
            self._fixed = None
            self.selection_anchor = self.cursor
            self.refresh()
            self.post_message(self.SelectionChanged(self, self.selection))

    def action_copy(self) -> None:
        text = self.selected_text
        if not text:
            self.notify("Nothing selected", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {len(text)} characters (OSC 52)", timeout=3)

    # -- mouse ------------------------------------------------------------------
    def offset_at(self, x: int, y: int) -> int | None:
        """The logical offset of the cell under widget coordinates (x, y).

        A blank row between paragraphs counts as the line above it.
        """
        row = int(self.scroll_offset.y) + y
        line = self.document.line(row)
        if line is not None and line.spacing:
            found = self.document.text_row(row, -1)
            if found is None:
                found = self.document.text_row(row, 1)
            line = self.document.line(found) if found is not None else None
        if line is None:
            return None
        if not line.cells:
            return line.start
        return _cell_near(line, x - self.margin)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is None:
            return
        self.focus()
        self.selecting = False
        self._fixed = None
        self.move_to(offset)
        self.selection_anchor = self.cursor
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self.offset_at(event.x, max(event.y, 0))
        if offset is not None and offset != self.cursor:
            self.move_to(offset, extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        if self.selection_anchor == self.cursor:
            self.selection_anchor = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2:
            offset = self.offset_at(event.x, event.y)
            if offset is not None:
                start, end = self.document.word_at(offset)
                if end > start:
                    self.select(start, end)

    # -- search -------------------------------------------------------------------
    def set_matches(self, matches: list[tuple[int, int]]) -> None:
        self.matches = [Span(s, e) for s, e in matches]
        self._match_starts = [m.start for m in self.matches]
        self.current_match = None
        self.refresh()

    def goto_match(self, forward: bool = True) -> int | None:
        """Move to the next (or previous) match from the cursor; its index, or None."""
        if not self.matches:
            return None
        if forward:
            i = bisect_right(self._match_starts, self.cursor)
            i = 0 if i >= len(self.matches) else i
        else:
            i = bisect_right(self._match_starts, self.cursor - 1) - 1
            if (
                self.current_match is not None
                and self.matches[self.current_match].start == self.cursor
            ):
                i = self.current_match - 1
            i = len(self.matches) - 1 if i < 0 else i
        self.current_match = i
        self.move_to(self.matches[i].start)
        return i


def _cell_near(line: VisualLine, col: int) -> int:
    """The start offset of the cell at column ``col`` of ``line`` (or the nearest one)."""
    if not line.cells:
        return line.start
    visible = [c for c in line.cells if c.width] or list(line.cells)
    for cell in visible:
        if cell.col <= col < cell.col + cell.width:
            return cell.start
    if col < visible[0].col:
        return visible[0].start
    return visible[-1].start
