"""An article's annotations while it is open: edits, undo/redo, autosave, outside changes.

No Textual here: the article screen drives it, tests drive it directly. Every edit
goes through :class:`annotations.History` (so it can be undone) and is saved at once
through the sidecar store (atomic, locked, merged). A failed save keeps the work in
memory, marks the session unsaved with the reason, and the next edit tries again.

Changes flow one way: after every edit, undo, redo, retry and merged outside change the
session calls its ``on_change`` listener with the new annotations; the article screen
turns that into one message that the view and the panel each handle.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from annotations import (
    Annotation,
    AnnotationSet,
    History,
    Sidecar,
    SidecarError,
    make_annotation,
    open_sidecar,
    respan,
)
from annotations.tagset import Tagset, TagsetError, normalize_tag
from reader.tagsets import find_reader_tagset, reader_tagset_report

RECENT_LIMIT = 12

ChangeListener = Callable[[AnnotationSet], None]


@dataclass(frozen=True, slots=True)
class SaveState:
    """What the status line says about saving."""

    saved: bool
    message: str  # "saved", "read-only: …", "not saved: …"


class AnnotationSession:
    """The open article's annotations and everything that changes them."""

    def __init__(
        self,
        article_path: Path,
        text: str,
        *,
        author: str,
        annotations_dir: Path | None = None,
        library_root: Path | None = None,
        tagset: Tagset | None = None,
        on_change: ChangeListener | None = None,
    ) -> None:
        self.text = text
        self.author = author
        self.on_change = on_change
        self.sidecar: Sidecar = open_sidecar(
            article_path, text, annotations_dir=annotations_dir, library_root=library_root
        )
        self.tagset_problems: list[str] = []
        if tagset is None:
            try:
                tagset = find_reader_tagset(article_path)
            except TagsetError as error:
                # A broken tagset must not stop annotating: keep its valid entries, say why.
                tagset, problems = reader_tagset_report(error.path)
                self.tagset_problems = [str(p) for p in problems] or [str(error)]
        self.tagset = tagset
        self.history = History()
        self.recent: list[str] = []
        self.state = SaveState(
            saved=self.sidecar.read_only is None,
            message=f"read-only: {self.sidecar.read_only}" if self.sidecar.read_only else "saved",
        )
        self._index()

    # -- reading -------------------------------------------------------------
    @property
    def annotations(self) -> AnnotationSet:
        return self.sidecar.annotations

    @property
    def read_only(self) -> str | None:
        return self.sidecar.read_only

    def _index(self) -> None:
        placed = [a for a in self.annotations.annotations if a.status != "orphaned"]
        self._placed = placed
        self._starts = [a.start for a in placed]

    def at(self, offset: int) -> list[Annotation]:
        """Placed annotations covering ``offset``, innermost (shortest) first."""
        hits = [
            a
            for a in self._placed[: bisect_right(self._starts, offset)]
            if a.start <= offset < a.end
        ]
        return sorted(hits, key=lambda a: (a.end - a.start, a.start, a.id))

    def next_after(self, offset: int) -> Annotation | None:
        for annotation in self._placed:
            if annotation.start > offset:
                return annotation
        return None

    def previous_before(self, offset: int) -> Annotation | None:
        found = None
        for annotation in self._placed:
            if annotation.start >= offset:
                break
            found = annotation
        return found

    # -- tags ----------------------------------------------------------------
    def check_tags(self, tags: Iterable[str]) -> tuple[list[str], str | None]:
        """Normalised tags, or the reason one of them is refused."""
        result = []
        for tag in tags:
            name = normalize_tag(tag)
            problem = self.tagset.check_tag(name)
            if problem:
                return [], problem
            if name not in result:
                result.append(name)
        return result, None

    def _remember(self, tags: Iterable[str]) -> None:
        for tag in tags:
            if tag in self.recent:
                self.recent.remove(tag)
            self.recent.insert(0, tag)
        del self.recent[RECENT_LIMIT:]

    def tag_choices(self) -> list[str]:
        """Recently used tags first, then the tagset, then tags already in this article."""
        seen = dict.fromkeys(self.recent)
        seen.update(dict.fromkeys(self.tagset.names()))
        for annotation in self.annotations.annotations:
            seen.update(dict.fromkeys(annotation.tags))
        seen.update(dict.fromkeys(self.annotations.document.tags))
        return list(seen)

    # -- edits (each one is undoable, saved and reported) ---------------------
    def _changed(self) -> None:
        self._index()
        if self.on_change is not None:
            self.on_change(self.annotations)

    def _commit(self, state: AnnotationSet) -> AnnotationSet:
        if self.read_only:
            self.state = SaveState(False, f"read-only: {self.read_only}")
            raise SidecarError(self.read_only)
        try:
            self.sidecar.save(state)
            self.state = SaveState(True, "saved")
        except SidecarError as error:
            self.sidecar.annotations = state  # keep the work; the next edit saves again
            self.state = SaveState(False, f"not saved: {error}")
        self._changed()
        return self.sidecar.annotations

    def add(self, start: int, end: int, tags: Iterable[str] = (), note: str = "") -> Annotation:
        tags, problem = self.check_tags(tags)
        if problem:
            raise ValueError(problem)
        annotation = make_annotation(
            self.text, start, end, tags=tags, note=note, author=self.author
        )
        self._commit(self.history.add(self.annotations, annotation))
        self._remember(tags)
        return annotation

    def set_tags(self, annotation_id: str, tags: Iterable[str]) -> None:
        tags, problem = self.check_tags(tags)
        if problem:
            raise ValueError(problem)
        self._commit(self.history.edit(self.annotations, annotation_id, "tags", tags=tuple(tags)))
        self._remember(tags)

    def set_note(self, annotation_id: str, note: str) -> None:
        self._commit(self.history.edit(self.annotations, annotation_id, "note", note=note))

    def respan(self, annotation_id: str, start: int, end: int) -> None:
        """Move an annotation to ``text[start:end]`` (also re-attaches an orphan)."""
        changes = respan(self.text, start, end)
        self._commit(self.history.edit(self.annotations, annotation_id, "span", **changes))

    def delete(self, annotation_id: str) -> None:
        self._commit(self.history.delete(self.annotations, annotation_id))

    def set_document(self, *, tags: Iterable[str] | None = None, note: str | None = None) -> None:
        if tags is not None:
            tags, problem = self.check_tags(tags)
            if problem:
                raise ValueError(problem)
            self._remember(tags)
        self._commit(self.history.set_document(self.annotations, tags=tags, note=note))

    def undo(self) -> str | None:
        state, step = self.history.undo(self.annotations)
        if step is None:
            return None
        self._commit(state)
        return step.label

    def redo(self) -> str | None:
        state, step = self.history.redo(self.annotations)
        if step is None:
            return None
        self._commit(state)
        return step.label

    def retry_save(self) -> None:
        if not self.state.saved and not self.read_only:
            self._commit(self.annotations)

    def refresh(self) -> bool:
        """Merge changes saved by someone else since we last read; True if any."""
        try:
            changed = self.sidecar.refresh()
        except SidecarError as error:
            self.state = SaveState(False, f"not read: {error}")
            return False
        if changed:
            if self.read_only:
                self.state = SaveState(False, f"read-only: {self.read_only}")
            self._changed()
        return changed
