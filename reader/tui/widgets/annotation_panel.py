"""The annotations panel: every annotation in text order, orphans last, and a filter.

Opening the panel (`a`) puts the focus on its list, so Up/Down, Enter and the panel's
keys work at once; `/` there goes to the filter, Enter in the filter back to the list.
The filter keeps an annotation when its folded text (:func:`reader.text.fold.fold`: no
harakat or tatweel, one alef, case-insensitive) contains the folded query anywhere in a
tag name, the note or the quote — so ``امن`` finds the quote ``الأمن`` and ``econ`` the
tag ``topic/economy``. Whitespace runs count as one space on both sides. A review state's
whole word (``accepted``, ``rejected``, ``unreviewed``) also keeps the annotations in that
state (as the library's filter does with an article's state): part of it (``re``) would
match nearly every annotation through ``unreviewed``.

An annotation in conflict (a git merge's, docs/sidecar.md) shows a ``⚠ conflict`` badge
and, under ours, the other side's tags, quote (when it differs) and note; a curator's
annotation (``curated_from``) shows ``◆ curated``; the title counts both.

Each annotation shows its review: ``✓ accepted`` or ``✗ rejected`` beside its tags (and
``edited since`` when it changed after the verdict); the title counts them.

Under each annotation, one line a relation it is an end of: ``→ said «quote»`` for one it
is the source of (the quote is the target's), ``← said «quote»`` for one it is the
target of; a relation whose other end is gone says so. On such a line Enter goes to the
annotation it names, ``d`` deletes the relation (not the annotation) and ``t`` changes
its type (the relation-type picker; one undo step). On an annotation's line ``t`` is the
article's: it tags the highlighted annotation.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from reader.keys import Scope
from reader.text.fold import fold
from reader.text.render import visual_oneline
from reader.tui import display
from reader.tui.display import isolate
from reader.tui.keys import bindings

if TYPE_CHECKING:
    from annotations import Annotation, AnnotationSet, Relation
    from reader.text.layout import LayoutOptions
    from reader.tui.screens.article import ArticleScreen
    from reader.tui.session import AuthorFilter

PANEL_WIDTH = 44
#: How a review shows beside the tags: (mark and word, style). A badge, its own letters on
#: its own background: coloured letters alone (green on the list's colours) vanish on the
#: highlighted row, whose background is the theme's accent (cyan on 16 colours). Colours
#: by number, not ANSI names (which Textual paints in its theme's tones: white on "red"
#: is 2.4:1): black on light green and white on dark red keep at least 7:1 in truecolor,
#: and on 16 colours, where they become bright green (10) and red (1).
REVIEW_SHOWN = {
    "accepted": ("✓ accepted", "bold #000000 on #5fd75f"),
    "rejected": ("✗ rejected", "bold #ffffff on #af0000"),
}
#: An annotation a git merge left in conflict (docs/sidecar.md): its badge, and under it
#: the other side's version (``ctrl+o`` keeps ours, ``ctrl+t`` theirs). Black on amber: 10:1.
CONFLICT_SHOWN = (" ⚠ conflict ", "#000000 on #ffaf00")  # not bold: the body's reason
#: A curator's annotation (one with ``curated_from``): what the curator kept or changed.
CURATED_SHOWN = ("◆ curated", "bold")
MARK_GAP = "  "  # between the tags and each mark beside them (unstyled: no badge edge)
#: A relation line's option id: this prefix, the relation's id, the annotation it is
#: listed under (a relation is listed under both its ends, and option ids are unique).
#: A NUL never occurs in an annotation id (hex digits, or the validated id of an import).
RELATION_OPTION = "\x00relation:"
RELATION_INDENT = "  "  # a relation line sits under its annotation, indented
#: A dangling relation's line in place of the quote (short: it fits beside a long type).
DANGLING = "(other end gone)"


def folded_for_filter(text: str) -> str:
    """``text`` as the filter compares it: NFC, whitespace runs as one space, folded."""
    return fold(" ".join(unicodedata.normalize("NFC", text).split())).text


def filter_haystack(annotation: Annotation) -> str:
    """What the filter searches in ``annotation``: its tags, note and quote, folded, one a
    line (a line break is never in a folded query, so no match spans two of them)."""
    return "\n".join(
        folded_for_filter(part) for part in (*annotation.tags, annotation.note, annotation.quote)
    )


def annotation_label(annotation: Annotation, width: int = PANEL_WIDTH - 8) -> Text:
    """Quote (shaped, ordered, truncated), tags and status, note preview."""
    quote, rtl = visual_oneline(annotation.quote, width)
    label = Text(quote, justify="right" if rtl else "left", no_wrap=True)
    tags = ", ".join(annotation.tags) or "(no tags)"
    # Beside the tags: where it stands (moved, orphaned…) and its review, never cut.
    marks: list[tuple[str, str]] = []
    placement = annotation.placement
    if placement != "anchored":
        marks.append((f"[{placement}]", "red" if placement == "orphaned" else "yellow"))
    if annotation.conflict is not None:
        marks.append(CONFLICT_SHOWN)
    if annotation.curated_from:
        marks.append(CURATED_SHOWN)
    review = annotation.review
    if review is not None:
        shown, style = REVIEW_SHOWN[review.state]
        if not annotation.reviewed_since_modified:
            shown += ", edited since"  # the verdict is of an earlier version
        marks.append((f" {shown} ", style))  # a blank each side: the badge's edges
    room = width - max(10, sum(display.width_of(MARK_GAP + mark) for mark, _ in marks))
    shown_tags, _ = visual_oneline(tags, max(room, 4))
    meta = Text("\n")
    meta.append(shown_tags, style="bold")
    for mark, style in marks:
        meta.append(MARK_GAP)
        meta.append(mark, style=style)
    label.append_text(meta)
    if annotation.original_quote:
        # The wording that was tagged, under the current one: an edited quote is a finding.
        was, was_rtl = visual_oneline(annotation.original_quote, width - 5)
        line = Text("\n")
        line.append_text(
            Text.assemble(("was: ", "dim"), (was, "yellow"), justify="right" if was_rtl else "left")
        )
        label.append_text(line)
    if annotation.note:
        note, note_rtl = visual_oneline(annotation.note, width)
        label.append("\n")
        label.append_text(Text(note, style="italic dim", justify="right" if note_rtl else "left"))
    theirs = annotation.conflict
    if theirs is not None:
        # The other branch's version under ours: its tags, its note, its quote if it moved.
        their_tags, _ = visual_oneline(", ".join(theirs.tags) or "(no tags)", width - 8)
        line = Text("\n")
        line.append_text(Text.assemble(("theirs: ", "bold yellow"), (their_tags, "bold")))
        label.append_text(line)
        if theirs.quote != annotation.quote:
            quote, quote_rtl = visual_oneline(theirs.quote, width - 2)
            label.append("\n")
            label.append_text(Text(quote, style="yellow", justify="right" if quote_rtl else "left"))
        if theirs.note:
            note, note_rtl = visual_oneline(theirs.note, width - 2)
            label.append("\n")
            label.append_text(
                Text(note, style="italic yellow", justify="right" if note_rtl else "left")
            )
    return label


def relation_option_id(relation_id: str, annotation_id: str) -> str:
    return f"{RELATION_OPTION}{relation_id}:{annotation_id}"


def parse_option_id(option_id: str) -> tuple[str, str | None]:
    """(annotation id, relation id or None) of a panel option: a relation line names the
    annotation it is listed under."""
    if not option_id.startswith(RELATION_OPTION):
        return option_id, None
    relation_id, _, annotation_id = option_id.removeprefix(RELATION_OPTION).partition(":")
    return annotation_id, relation_id


def relation_text(
    relation: Relation, annotation_id: str, others: dict[str, Annotation], width: int
) -> str:
    """The logical text of ``relation``'s line under ``annotation_id``: arrow, type and
    the other end's quote, each isolated, the quote cut to what ``width`` leaves."""
    outgoing = relation.source == annotation_id
    arrow = "→" if outgoing else "←"
    other = others.get(relation.target if outgoing else relation.source)
    head = f"{arrow} {isolate(relation.type)} "
    if other is None:
        return head + DANGLING
    room = width - len(RELATION_INDENT) - display.width_of(head) - 2  # the indent, «»
    return f"{head}«{isolate(display.clip(other.quote, room))}»"


def relation_label(
    relation: Relation,
    annotation_id: str,
    others: dict[str, Annotation],
    width: int = PANEL_WIDTH - 8,
    options: LayoutOptions | None = None,
) -> Text:
    """A relation line, laid out by the engine (a left-to-right line: the Arabic quote
    shaped and in its order inside its isolate); dangling ones in red."""
    text = relation_text(relation, annotation_id, others, width)
    other = others.get(relation.target if relation.source == annotation_id else relation.source)
    style = "red" if other is None else "cyan"
    # The indent outside the layout: a laid-out line is flattened, leading blanks and all.
    line = Text(RELATION_INDENT, no_wrap=True)
    line.append_text(
        display.line(
            text, width - len(RELATION_INDENT), direction="ltr", style=style, options=options
        )
    )
    return line


class AnnotationPanel(Vertical):
    """Toggle with `a` (the list has the focus at once). Enter jumps to an annotation; on
    an orphan, R re-attaches it to the current selection and d deletes it; `/` filters."""

    DEFAULT_CSS = f"""
    AnnotationPanel {{
        dock: right;
        width: {PANEL_WIDTH};
        border-left: solid $primary;
        background: $panel;
    }}
    AnnotationPanel #panel-title {{
        height: 1;
        padding: 0 1;
        text-style: bold;
    }}
    AnnotationPanel #panel-filter {{
        height: 3;
    }}
    AnnotationPanel OptionList {{
        height: 1fr;
    }}
    """

    KEY_SCOPE = Scope.PANEL
    BINDINGS = bindings(KEY_SCOPE)

    class Jump(Message):
        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class Delete(Message):
        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class Reattach(Message):
        def __init__(self, annotation_id: str) -> None:
            super().__init__()
            self.annotation_id = annotation_id

    class Unrelate(Message):
        """Delete the relation ``relation_id`` (``d`` on a relation line)."""

        def __init__(self, relation_id: str) -> None:
            super().__init__()
            self.relation_id = relation_id

    class Retype(Message):
        """Pick another type for the relation ``relation_id`` (``t`` on a relation line)."""

        def __init__(self, relation_id: str) -> None:
            super().__init__()
            self.relation_id = relation_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.annotations: AnnotationSet | None = None
        self.authors: AuthorFilter | None = None  # whose are listed (None: everyone's)
        # Folded tags, note and quote by annotation id, with the annotation they were made
        # from (a changed annotation is a new object): a keystroke folds only the query.
        self._haystacks: dict[str, tuple[Annotation, str]] = {}

    def compose(self) -> ComposeResult:
        from reader.tui.widgets.rtl_input import RtlInput  # the panel opens after the first frame

        yield Static("Annotations", id="panel-title")
        yield RtlInput(placeholder="filter: tag, note or quote…", id="panel-filter")
        yield OptionList(id="panel-list")

    def on_article_screen_annotations_changed(
        self, message: ArticleScreen.AnnotationsChanged
    ) -> None:
        self.annotations = message.annotations
        self.authors = message.authors
        ids = {a.id for a in message.annotations.annotations}
        self._haystacks = {k: v for k, v in self._haystacks.items() if k in ids}
        self._refill()

    def on_mount(self) -> None:
        self._refill()
        # Opened to be used: the list takes the focus (no Tab), so its keys work at once.
        self.query_one("#panel-list", OptionList).focus()

    @property
    def filter_text(self) -> str:
        """What is typed in the filter, as typed."""
        return self.query_one("#panel-filter", Input).value

    def _haystack(self, annotation: Annotation) -> str:
        cached = self._haystacks.get(annotation.id)
        if cached is None or cached[0] is not annotation:
            cached = (annotation, filter_haystack(annotation))
            self._haystacks[annotation.id] = cached
        return cached[1]

    def shown_annotations(self) -> list[Annotation]:
        """The annotations the list shows: those the filter lets through, in text order."""
        if self.annotations is None:
            return []
        from annotations.model import REVIEW_FILTERS

        needle = folded_for_filter(self.filter_text)
        state = needle if needle in REVIEW_FILTERS else None
        authors = self.authors
        items = [
            a
            for a in self.annotations.annotations
            if (authors is None or authors.shows(a))
            and (not needle or a.review_state == state or needle in self._haystack(a))
        ]
        # Text order, orphans (no place in the text any more) at the end.
        return sorted(items, key=lambda a: (a.status == "orphaned", a.start, a.end, a.id))

    def _refill(self) -> None:
        options = self.query_one("#panel-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        items = self.shown_annotations()
        entries: list[Option] = []
        annotations = self.annotations
        relations = annotations.relations if annotations is not None else ()
        by_id = annotations.by_id() if annotations is not None and relations else {}
        layout = display.options_of(self)
        authors = self.authors
        for annotation in items:
            label = annotation_label(annotation)
            if authors is not None and authors.label and annotation.author:
                # Whose it is, under a filter by author (shaped and sanitized as a quote is).
                by, _ = visual_oneline(annotation.author, PANEL_WIDTH - 12)
                label.append_text(Text.assemble("\n", ("by ", "dim"), (by, "dim")))
            if authors is not None and authors.distinct(annotation):
                label.stylize("italic dim")  # another author's, as the body draws it apart
            entries.append(Option(label, id=annotation.id))
            for relation in relations:
                if annotation.id in relation.ends:
                    label = relation_label(relation, annotation.id, by_id, options=layout)
                    entries.append(Option(label, id=relation_option_id(relation.id, annotation.id)))
        options.add_options(entries)
        orphans = sum(a.status == "orphaned" for a in items)
        title = f"Annotations ({len(items)})" + (f" · {orphans} orphaned" if orphans else "")
        if relations:
            dangling = len(annotations.dangling_relations) if annotations is not None else 0
            title += f" · {len(relations)} rel." + (f", {dangling} dangling" if dangling else "")
        if authors is not None and authors.label:
            title += f" · {authors.label}"
        conflicts = sum(a.conflict is not None for a in items)
        if conflicts:
            title += f" · ⚠{conflicts}"
        curated = sum(bool(a.curated_from) for a in items)
        if curated:
            title += f" · ◆{curated}"
        accepted = sum(a.review_state == "accepted" for a in items)
        rejected = sum(a.review_state == "rejected" for a in items)
        if accepted or rejected:
            title += f" · ✓{accepted} ✗{rejected}"
        self.query_one("#panel-title", Static).update(Text(title))
        if entries:
            options.highlighted = min(highlighted or 0, len(entries) - 1)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#panel-list", OptionList).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#panel-filter", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not event.option.id:
            return
        annotation_id, relation_id = parse_option_id(event.option.id)
        if relation_id is not None:
            # A relation line: go to the annotation it names (its other end), if there.
            annotations = self.annotations
            relation = annotations.relation(relation_id) if annotations is not None else None
            if relation is None:
                return
            other = relation.target if relation.source == annotation_id else relation.source
            if annotations is None or annotations.get(other) is None:
                return
            annotation_id = other
        self.post_message(self.Jump(annotation_id))

    def _highlighted_option(self) -> str | None:
        options = self.query_one("#panel-list", OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    @property
    def highlighted_id(self) -> str | None:
        """The highlighted annotation (on a relation line: the one it is listed under)."""
        option = self._highlighted_option()
        return parse_option_id(option)[0] if option else None

    @property
    def highlighted_relation(self) -> str | None:
        """The relation of the highlighted line, or None on an annotation's line."""
        option = self._highlighted_option()
        return parse_option_id(option)[1] if option else None

    def select(self, annotation_id: str) -> None:
        options = self.query_one("#panel-list", OptionList)
        try:
            options.highlighted = options.get_option_index(annotation_id)
        except OptionDoesNotExist:  # not listed (filtered out): the highlight stays
            return

    def action_delete(self) -> None:
        """Delete the highlighted relation, or the highlighted annotation."""
        relation_id = self.highlighted_relation
        if relation_id is not None:
            self.post_message(self.Unrelate(relation_id))
        elif self.highlighted_id:
            self.post_message(self.Delete(self.highlighted_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # t is the panel's only on a relation line: elsewhere it goes on to the article's
        # t (a binding whose check fails is passed over for the next one up the chain).
        if action == "retype":
            return self.highlighted_relation is not None
        return True

    def action_retype(self) -> None:
        relation_id = self.highlighted_relation
        if relation_id is not None:
            self.post_message(self.Retype(relation_id))

    def action_reattach(self) -> None:
        if self.highlighted_id:
            self.post_message(self.Reattach(self.highlighted_id))
