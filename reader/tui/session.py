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

import os
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from annotations import (
    Annotation,
    AnnotationSet,
    Change,
    History,
    Sidecar,
    SidecarError,
    Step,
    make_annotation,
    open_sidecar,
    respan,
)
from annotations.model import text_sha256
from annotations.store import reanchor_set
from annotations.tagset import Tagset, TagsetError, normalize_tag
from reader.library.article import Article, ArticleError, load_article
from reader.tagsets import find_reader_tagset, reader_tagset_report

RECENT_LIMIT = 12

ChangeListener = Callable[[AnnotationSet], None]
#: CURSOR_WORDS characters at the cursor are looked for in a reloaded text, to keep it there.
CURSOR_WORDS = 24


@dataclass(frozen=True, slots=True)
class SaveState:
    """What the status line says about saving."""

    saved: bool
    message: str  # "saved", "read-only: …", "not saved: …"


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a stat says of the article file: cheap to compare every poll, no read."""

    size: int
    mtime_ns: int
    inode: int  # an editor that saves by rename gives a new file, maybe with the same size


def file_stamp(path: Path) -> FileStamp | None:
    """The stamp of ``path``; None if it cannot be stat'ed (gone, for now)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return FileStamp(info.st_size, info.st_mtime_ns, info.st_ino)


@dataclass(frozen=True, slots=True)
class Reanchored:
    """What following the article to a new text did to its annotations."""

    moved: int = 0  # the same words, found at other offsets
    changed: int = 0  # placed again on words that were edited
    orphaned: int = 0  # not found in the new text (newly orphaned)

    @classmethod
    def between(cls, before: AnnotationSet, after: AnnotationSet) -> Reanchored:
        old = before.by_id()
        moved = changed = orphaned = 0
        for annotation in after.annotations:
            was = old.get(annotation.id)
            if was is None:
                continue
            if annotation.status == "orphaned":
                orphaned += was.status != "orphaned"
            elif annotation.quote != was.quote:
                changed += 1
            elif (annotation.start, annotation.end) != (was.start, was.end) or (
                was.status == "orphaned"
            ):
                moved += 1
        return cls(moved, changed, orphaned)

    def describe(self) -> str:
        """E.g. "2 annotations moved, 1 orphaned"; "" when none did anything."""
        counts = [
            (count, what)
            for count, what in (
                (self.moved, "moved"),
                (self.changed, "placed on changed words"),
                (self.orphaned, "orphaned"),
            )
            if count
        ]
        if not counts:
            return ""
        first, what = counts[0]
        noun = "annotation" if first == 1 else "annotations"
        return ", ".join([f"{first} {noun} {what}"] + [f"{n} {w}" for n, w in counts[1:]])


def _common_prefix(a: str, b: str, limit: int) -> int:
    """How many leading characters ``a`` and ``b`` share (at most ``limit``): O(n) compares."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    """How many trailing characters ``a`` and ``b`` share (at most ``limit``)."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def follow_offset(old: str, new: str, offset: int) -> int:
    """Where ``offset`` into ``old`` is in ``new``: beside the same words if that is cheap.

    Before the first difference it stays; after the last it shifts by the change in
    length; inside the edited stretch the words at it are looked for, nearest first,
    else it goes to the start of the edit.
    """
    shortest = min(len(old), len(new))
    prefix = _common_prefix(old, new, shortest)
    if offset <= prefix:
        return min(offset, len(new))
    suffix = _common_suffix(old, new, shortest - prefix)
    if offset >= len(old) - suffix:
        return offset + len(new) - len(old)
    words = old[offset : offset + CURSOR_WORDS]
    after = new.find(words, prefix) if words else -1
    before = new.rfind(words, 0, offset + len(words)) if words else -1
    found = [at for at in (before, after) if at >= 0]
    return min(found, key=lambda at: abs(at - offset)) if found else prefix


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
        self.article_path = article_path
        # Edits that no save has written yet (a failed save): quitting asks first.
        self.unsaved_changes = False
        self.recovery_folder: Path | None = None  # None: the user data folder's
        self.recovery_problem: str | None = None  # why the recovery copy was not written
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
        # The article file as ``text`` was read from it (taken when the session opens,
        # just after the article loaded): a different stamp sends the poll to read it.
        self._stamp = file_stamp(article_path)
        self._sha = text_sha256(text)
        #: Told (the new article, what moved) when the session follows the article to a
        #: new text, e.g. by the article screen, which lays the view out again.
        self.on_reload: Callable[[Article, Reanchored], None] | None = None

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
        state = self._follow_article(state)
        try:
            self.sidecar.save(state)
            self.state = SaveState(True, "saved")
        except SidecarError as error:
            self.sidecar.annotations = state  # keep the work; the next edit saves again
            self.state = SaveState(False, f"not saved: {error}")
            self._save_failed()
        else:
            self._saved()
        self._changed()
        return self.sidecar.annotations

    # -- recovery (reader/recovery.py): unsaved work survives a quit or a crash --------
    def _save_failed(self) -> None:
        """Keep the unsaved annotations in the recovery file (the next open offers it)."""
        from reader.recovery import RecoveryError, write_recovery

        self.unsaved_changes = True
        try:
            write_recovery(self.article_path, self.annotations, self.recovery_folder)
            self.recovery_problem = None
        except RecoveryError as error:
            self.recovery_problem = str(error)

    def _saved(self) -> None:
        """Everything is in the sidecar: a recovery file left by a failed save goes."""
        self._forget_recovery()

    def discard_unsaved(self) -> None:
        """The user gave up the unsaved edits (on quit): no recovery file is kept."""
        self._forget_recovery()

    def _forget_recovery(self) -> None:
        from reader.recovery import RecoveryError, remove_recovery

        self.unsaved_changes = False
        try:
            remove_recovery(self.article_path, self.recovery_folder)
            self.recovery_problem = None
        except RecoveryError as error:
            self.recovery_problem = str(error)

    def restore(self, recovered: AnnotationSet) -> None:
        """Merge annotations from a recovery file into the session and save (undoable)."""
        from reader.recovery import merge_recovered

        current = self.annotations
        merged = merge_recovered(current, recovered)
        before = current.by_id()
        changes = tuple(
            Change(before.get(annotation.id), annotation)
            for annotation in merged.annotations
            if before.get(annotation.id) != annotation
        )
        document = (current.document.tags, current.document.note)
        step = Step("restore", changes, document, (merged.document.tags, merged.document.note))
        self._commit(self.history.record(current, step))

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

    # -- the article's own file: it may change on disk while it is open ----------
    def article_changed(self) -> FileStamp | None:
        """The article file's stamp if it is not the one our text was read with: a stat only.

        None when it is the same, or when the file cannot be stat'ed (keep the text shown).
        """
        stamp = file_stamp(self.article_path)
        return None if stamp is None or stamp == self._stamp else stamp

    def changed_article(self) -> Article | None:
        """The article as it now is on disk, or None if its text is still ours.

        Reads and decodes the whole file (raises :class:`ArticleError`): call it only when
        :meth:`article_changed` says so; safe in a worker thread (it changes nothing).
        """
        article = load_article(self.article_path)
        return None if text_sha256(article.text) == self._sha else article

    def keep_stamp(self, stamp: FileStamp) -> None:
        """The file was touched or rewritten with the same text: poll against ``stamp``."""
        self._stamp = stamp

    def reload(self, article: Article, stamp: FileStamp | None) -> Reanchored | None:
        """Follow the article to ``article``'s text (read with the file at ``stamp``).

        The annotations are re-anchored to the new text and saved (when the sidecar exists
        or there is work to save), so no offset into the old text is written from now on.
        None if the text is ours already (nothing happens).
        """
        if text_sha256(article.text) == self._sha:
            if stamp is not None:
                self._stamp = stamp
            return None
        summary = self._retext(article, stamp)
        if not self.read_only and (
            self.sidecar.exists or self.annotations.annotations or not self.state.saved
        ):
            self._commit(self.annotations)
        else:
            self._changed()
        return summary

    def _retext(self, article: Article, stamp: FileStamp | None) -> Reanchored:
        before = self.annotations
        self.text = article.text
        self._sha = text_sha256(article.text)
        self._stamp = stamp if stamp is not None else file_stamp(self.article_path)
        summary = Reanchored.between(before, self.sidecar.retext(article.text))
        self._index()
        if self.on_reload is not None:
            self.on_reload(article, summary)
        return summary

    def _follow_article(self, state: AnnotationSet) -> AnnotationSet:
        """``state``, made to fit the article as it is on disk before it is saved.

        A file that changed since the last poll is read now (at most one read per change),
        and ``state`` re-anchored to it: an edit made on the old text lands where its
        words are. Then any placed annotation whose quote is not at its offsets (an undo
        bringing back one from before a reload) is re-anchored, so nothing saved points
        into a text that is gone.
        """
        stamp = self.article_changed()
        if stamp is not None:
            try:
                article = self.changed_article()
            except ArticleError:
                article = None  # unreadable: keep the text we have until the file changes
            if article is None:
                self._stamp = stamp
            else:
                self.sidecar.annotations = state
                self._retext(article, stamp)
                state = self.sidecar.annotations
        text = self.text
        if any(
            a.status != "orphaned" and text[a.start : a.end] != a.quote for a in state.annotations
        ):
            state = reanchor_set(state, text)
        return state

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
