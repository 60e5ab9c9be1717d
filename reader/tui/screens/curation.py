"""The article screen in curation mode (``hamish curate FILE``, the palette's "Curate this
article"): a lead goes through the disagreements of the article's authors and turns them
into the curator's annotations (docs/team.md, "Curation").

A disagreement (:func:`reader.tui.session.find_disagreements`) is a group of overlapping
annotations of the analysts that is not the same for all of them. ``]`` and ``[`` go from
one to the next; the curation panel above the status line stacks each author's version
(numbered, the author, the quote, the tags), every row laid out by the engine. Then:

- a digit accepts that author's version: their annotations there, copied as the curator's;
- ``=`` accepts the majority (``curate --auto majority``'s rule on that disagreement);
- ``+`` accepts all agreeing: every span all the authors marked alike, in the whole
  article (``curate --auto unanimous``);
- editing is the article's keys: select and ``t`` (or a tagset key) makes a curator's
  annotation of the selection, made from the analysts' annotations it overlaps.

Every result is an annotation of the curator (the session's author: ``--curator``, else the
settings' author) with ``curated_from``, the ids it was made from; each is one undo step,
saved like any edit; the analysts' annotations are never changed. The body draws the
others' annotations in their distinct style (underlined), the curator's as usual. The
digits are the curation's here: a tagset's digit keys tag through ``t`` or the palette.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.widgets import Static

from reader.keys import Scope, in_scope
from reader.tui import display
from reader.tui.display import isolate
from reader.tui.keys import bindings
from reader.tui.screens.article import ArticleScreen

if TYPE_CHECKING:
    from annotations import Annotation, AnnotationSet
    from reader.tui.session import AnnotationSession, Disagreement

#: The quote of a version as the panel shows it (the rest of the row is author and tags).
QUOTE_CELLS = 28
#: The author's name on a version's row.
AUTHOR_CELLS = 12
#: At most this many rows of versions (more authors: the rest are counted on one row).
VERSION_ROWS = 6
#: The characters the curation keys take from a tagset on this screen (reader/keys.py).
CURATION_CHARACTERS = frozenset(
    key for row in in_scope(Scope.CURATION) for key in row.keys if len(key) == 1
)


def version_rows(disagreement: Disagreement, rows: int = VERSION_ROWS) -> list[str]:
    """The logical rows of the versions of ``disagreement``: ``1 rana: «quote» [tags]``,
    one a row per annotation (an author's second one unnumbered), each value an isolate."""
    out: list[str] = []
    for number, version in enumerate(disagreement.versions, start=1):
        who = isolate(display.clip(version.author or "(unknown)", AUTHOR_CELLS))
        if not version.annotations:
            out.append(f"{number} {who}: (marked nothing here)")
            continue
        for i, annotation in enumerate(version.annotations):
            head = f"{number} {who}" if i == 0 else " " * (len(str(number)) + 1) + "…"
            out.append(f"{head}: {_about_version(annotation)}")
    if len(out) > rows:
        out[rows - 1 :] = [f"… {len(out) - rows + 1} more rows"]
    return out


def _about_version(annotation: Annotation) -> str:
    quote = isolate(display.clip(annotation.quote, QUOTE_CELLS))
    tags = ", ".join(isolate(tag) for tag in annotation.tags) or "(no tags)"
    return f"«{quote}» {annotation.start}–{annotation.end} [{tags}]"


def _overlap(annotation: Annotation, start: int, end: int) -> bool:
    """Whether ``annotation`` shares a character with ``text[start:end]`` (an empty range
    counts as its one offset)."""
    return annotation.start < max(end, start + 1) and start < max(
        annotation.end, annotation.start + 1
    )


class CurationScreen(ArticleScreen):
    """One article's disagreements, to be curated into the curator's annotations."""

    DEFAULT_CSS = """
    CurationScreen #curation {
        height: auto;
        max-height: 9;
        padding: 0 1;
        background: $boost;
        border-top: solid $primary;
    }
    """

    KEY_SCOPE = Scope.CURATION
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(
        self, path: Path, *, curator: str, standalone: bool = False, at: int | None = None
    ) -> None:
        super().__init__(path, standalone=standalone, at=at)
        self.curator = curator
        self.disagreements: list[Disagreement] = []
        self.current: int | None = None  # index in ``disagreements`` of the one shown

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if widget.id == "status":
                yield Static("", id="curation", markup=False)
            yield widget

    def session_author(self) -> str:
        return self.curator

    def _session_opened(
        self, article: object, session: AnnotationSession | None, problem: str | None
    ) -> None:
        if session is not None:
            session.curating = self._sources_at
            session.set_author_filter("distinct")  # the curator's layer stands out
        super()._session_opened(article, session, problem)  # type: ignore[arg-type]
        if self.session is not None and self.disagreements:
            self._show(0)

    # -- what is curated ------------------------------------------------------------
    def _sources_at(self, start: int, end: int) -> list[str]:
        """The analysts' placed annotations ``text[start:end]`` overlaps: a curator's edit
        there is made from them (over none, it is the curator's own, without origins)."""
        session = self.session
        if session is None:
            return []
        return [
            a.id
            for a in session.annotations.annotations
            if a.author != self.curator and a.status != "orphaned" and _overlap(a, start, end)
        ]

    def curated(self, disagreement: Disagreement) -> list[Annotation]:
        """The curator's annotations made from ``disagreement`` or lying over it."""
        session = self.session
        if session is None:
            return []
        sources = set(disagreement.source_ids)
        return [
            a
            for a in session.annotations.annotations
            if a.author == self.curator
            and (
                sources.intersection(a.curated_from)
                or (a.status != "orphaned" and _overlap(a, disagreement.start, disagreement.end))
            )
        ]

    def _annotations_changed(self, annotations: AnnotationSet) -> None:
        from reader.tui.session import find_disagreements

        previous = self._current()
        self.disagreements = find_disagreements(annotations, self.curator)
        if previous is not None:  # the same one (by where it starts), or the next
            self.current = next(
                (i for i, d in enumerate(self.disagreements) if d.start >= previous.start), None
            )
        super()._annotations_changed(annotations)
        self._render_panel()

    def _current(self) -> Disagreement | None:
        if self.current is None or self.current >= len(self.disagreements):
            return None
        return self.disagreements[self.current]

    # -- the panel ------------------------------------------------------------------
    def _render_panel(self) -> None:
        panels = self.query("#curation")
        if not panels:
            return
        width = max(self.size.width - 2, 20)
        options = display.options_of(self)
        rows = [self._title()]
        current = self._current()
        if current is not None:
            rows += version_rows(current)
            rows.append(self._hint(current))
        text = Text("\n").join(
            display.line(row, width, direction="ltr", options=options) for row in rows
        )
        panels.first(Static).update(text)

    def _title(self) -> str:
        curator = isolate(self.curator)
        if not self.disagreements:
            return f"Curating as {curator}: no disagreements (+ accepts all agreeing)"
        current = self._current()
        if current is None:
            return f"Curating as {curator}: {len(self.disagreements)} disagreements (] to start)"
        done = self.curated(current)
        state = f" · ◆ curated ({len(done)})" if done else ""
        number = (self.current or 0) + 1
        return (
            f"Curating as {curator}: disagreement {number}/{len(self.disagreements)}, "
            f"{current.start}–{current.end}{state}"
        )

    def _hint(self, current: Disagreement) -> str:
        from reader.tui.session import majority_version

        count = len(current.versions)
        numbers = "1" if count == 1 else f"1–{min(count, 9)}"
        majority = majority_version(current)
        said = "no majority" if majority is None else f"= majority {majority[0]}–{majority[1]}"
        return f"{numbers} accept · {said} · + all agreeing · select, t: edit · ] [ move"

    # -- keys -----------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if event.character in CURATION_CHARACTERS:
            return  # the curation's binding, not a tagset key (module docstring)
        super().on_key(event)

    def _show(self, index: int) -> None:
        self.current = index
        view = self.view
        if view is not None:
            view.move_to(self.disagreements[index].start)
            view.scroll_to_cursor()
        self._render_panel()

    def action_next_disagreement(self) -> None:
        view = self.view
        if not self.disagreements or view is None:
            display.notify(self, "No disagreements in this article", timeout=2)
            return
        after = [i for i, d in enumerate(self.disagreements) if d.start > view.cursor]
        if not after:
            display.notify(self, "The last disagreement", timeout=2)
            return
        self._show(after[0])

    def action_previous_disagreement(self) -> None:
        view = self.view
        if not self.disagreements or view is None:
            display.notify(self, "No disagreements in this article", timeout=2)
            return
        before = [i for i, d in enumerate(self.disagreements) if d.start < view.cursor]
        if not before:
            display.notify(self, "The first disagreement", timeout=2)
            return
        self._show(before[-1])

    def _accepting(self) -> tuple[AnnotationSession, Disagreement] | None:
        session = self._editable()
        current = self._current()
        if session is None:
            return None
        if current is None:
            display.notify(self, "Go to a disagreement first (])", severity="warning")
            return None
        return session, current

    def action_accept(self, number: int) -> None:
        """Accept version ``number`` (1-based) of the disagreement shown."""
        found = self._accepting()
        if found is None:
            return
        session, current = found
        if not 1 <= number <= len(current.versions):
            display.notify(self, f"No version {number} here", severity="warning")
            return
        version = current.versions[number - 1]
        who = isolate(version.author)
        if not version.annotations:
            display.notify(self, f"{who} marked nothing here: nothing to accept", timeout=3)
            return
        with session.saving_in_background():
            added = session.curate(
                version.annotations, current.source_ids, f"accept {version.author}'s version"
            )
        self._after_accept(added, f"{who}'s version")

    def action_accept_majority(self) -> None:
        from annotations import make_annotation
        from reader.tui.session import majority_version

        found = self._accepting()
        if found is None:
            return
        session, current = found
        majority = majority_version(current)
        if majority is None:
            display.notify(self, "No majority here: accept one version or edit", timeout=3)
            return
        start, end, tags = majority
        chosen = make_annotation(session.text, start, end, tags=tags)
        with session.saving_in_background():
            added = session.curate([chosen], current.source_ids, "accept the majority")
        self._after_accept(added, "the majority")

    def action_accept_agreeing(self) -> None:
        """Every span all the authors marked alike, in the whole article (unanimous)."""
        from reader.commands.curate import plan_curation

        session = self._editable()
        if session is None:
            return
        plan = plan_curation(session.text, session.annotations, "unanimous", curator=self.curator)
        if not plan.added:
            display.notify(self, "Nothing all the authors agree on is left to accept", timeout=3)
            return
        with session.saving_in_background():
            session.add_many(plan.added, "accept all agreeing")
        count = len(plan.added)
        self._after_edit(f"Accepted {count} agreed span{'s' if count != 1 else ''} (u to undo)")

    def _after_accept(self, added: int, what: str) -> None:
        if not added:
            display.notify(self, f"Already curated: {what} is the curator's already", timeout=3)
            return
        self._after_edit(f"Accepted {what} (u to undo)")
        if self.current is not None and self.current + 1 < len(self.disagreements):
            self._show(self.current + 1)
        else:
            self._render_panel()
