"""An article's annotations while it is open: edits, undo/redo, autosave, outside changes.

No Textual here: the article screen drives it, tests drive it directly. Every edit
goes through :class:`annotations.History` (so it can be undone) and is saved at once
through the sidecar store (atomic, locked, merged). A failed save keeps the work in
memory, marks the session unsaved with the reason, and the next edit tries again.

Saves in the background: the session's state in memory is the truth and an edit changes
it at once. Called directly, an edit saves before it returns; inside
:meth:`AnnotationSession.saving_in_background` (the article screen's keys), with a
``background`` runner set, it only asks for a save: one save runs at a time in a worker
thread, and the edits made while it runs are folded into one next save of the latest
state. The :class:`annotations.Sidecar` is used under one lock, by one thread at a time.

Changes flow one way: after every edit, undo, redo, retry and merged outside change the
session calls its ``on_change`` listener with the new annotations; the article screen
turns that into one message that the view and the panel each handle.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotations import (
    Annotation,
    AnnotationSet,
    Change,
    History,
    Relation,
    Sidecar,
    SidecarError,
    Step,
    make_annotation,
    make_relation,
    open_sidecar,
    respan,
)
from annotations.merge import merge_sets
from annotations.model import CURATED_FROM, Progress, ReviewState, text_sha256
from annotations.store import DiskChange, reanchor_set
from annotations.tagset import Tagset, TagsetError, normalize_tag
from reader.commands.curate import MIN_AUTHORS, agreed_tags
from reader.library.article import Article, ArticleError, load_article
from reader.tagsets import find_reader_tagset, reader_tagset_report

if TYPE_CHECKING:
    from reader.commands.check import Side

RECENT_LIMIT = 12

ChangeListener = Callable[[AnnotationSet], None]
#: Runs a job in a worker thread; the job returns what to call back on the UI thread.
BackgroundRunner = Callable[[Callable[[], Callable[[], None]]], None]
#: CURSOR_WORDS characters at the cursor are looked for in a reloaded text, to keep it there.
CURSOR_WORDS = 24


@dataclass(frozen=True, slots=True)
class AuthorFilter:
    """Whose annotations the reader shows, and how (reader.settings.AUTHOR_FILTER_WORDS).

    ``choice`` is ``all``, ``distinct``, ``mine``, ``others`` or an author's name; ``me``
    is the session's author (settings' ``author``). A hidden annotation is not drawn, not
    listed, and not under the cursor for the keys (nothing acts on what is not shown).
    """

    choice: str = "all"
    me: str = ""

    def shows(self, annotation: Annotation) -> bool:
        choice = self.choice
        if choice in ("all", "distinct"):
            return True
        if choice == "mine":
            return annotation.author == self.me
        if choice == "others":
            return annotation.author != self.me
        return annotation.author == choice

    def distinct(self, annotation: Annotation) -> bool:
        """Whether ``annotation`` is drawn in the other authors' style."""
        return self.choice == "distinct" and annotation.author != self.me

    @property
    def label(self) -> str:
        """What the status line and the panel say of the filter ("": everyone's alike)."""
        return {
            "all": "",
            "distinct": "others' distinct",
            "mine": "mine only",
            "others": "others' only",
        }.get(self.choice, f"{self.choice}'s only")


#: Fewer authors than this on an article disagree on nothing: ``curate --auto``'s rule.
MIN_CURATION_AUTHORS = MIN_AUTHORS


@dataclass(frozen=True, slots=True)
class Version:
    """One author's version of a disagreement: their annotations in it, in text order."""

    author: str
    annotations: tuple[Annotation, ...]

    @property
    def spans(self) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
        """(start, end, tags) of each annotation: what two versions agree on or not."""
        return tuple((a.start, a.end, a.tags) for a in self.annotations)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Overlapping annotations of an article's authors that are not the same for all of
    them (docs/team.md, "Curation"): some marked it and others did not, or with other
    boundaries or other tags. ``versions`` has one entry per author of the article (the
    curator left out), sorted by author; an author who marked nothing there has none."""

    start: int  # the first offset any version covers
    end: int
    versions: tuple[Version, ...]

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The analysts' annotations in it, sorted: a curator's ``curated_from``."""
        return tuple(sorted(a.id for v in self.versions for a in v.annotations))


def _placed_votes(annotations: Iterable[Annotation], curator: str) -> list[Annotation]:
    return sorted(
        (a for a in annotations if a.status != "orphaned" and a.author != curator),
        key=lambda a: (a.start, a.end, a.id),
    )


def find_disagreements(annotations: AnnotationSet, curator: str) -> list[Disagreement]:
    """The article's disagreements in text order (:class:`Disagreement`).

    The analysts' placed annotations are grouped by overlap (a chain of overlapping
    annotations is one group, whoever made them); a group is a disagreement unless every
    author of the article has the same (start, end, tags) in it. The curator's own
    annotations never vote; with fewer than :data:`MIN_CURATION_AUTHORS` authors there is
    nothing to disagree on.
    """
    placed = _placed_votes(annotations.annotations, curator)
    authors = sorted({a.author for a in placed})
    if len(authors) < MIN_CURATION_AUTHORS:
        return []
    groups: list[list[Annotation]] = []
    reach = -1
    for annotation in placed:
        # An empty span overlaps nothing: it is its own group (at its offset).
        if groups and annotation.start < reach and annotation.end > annotation.start:
            groups[-1].append(annotation)
            reach = max(reach, annotation.end)
        else:
            groups.append([annotation])
            reach = annotation.end
    found = []
    for group in groups:
        versions = tuple(
            Version(author, tuple(a for a in group if a.author == author)) for author in authors
        )
        if len({v.spans for v in versions}) == 1:
            continue  # everyone marked exactly the same thing
        found.append(Disagreement(group[0].start, max(a.end for a in group), versions))
    return found


def majority_version(disagreement: Disagreement) -> tuple[int, int, tuple[str, ...]] | None:
    """``curate --auto majority``'s rule on one disagreement: the exact span marked by more
    than half of the article's authors (at least two), with the tags more than half of
    them gave it (:func:`reader.commands.curate.agreed_tags`); None when no span passes, or
    its tags pass nothing though some were given."""
    authors = len(disagreement.versions)
    needed = max(authors // 2 + 1, MIN_CURATION_AUTHORS)
    marked: dict[tuple[int, int], dict[str, list[Annotation]]] = {}
    for version in disagreement.versions:
        for annotation in version.annotations:
            by_author = marked.setdefault((annotation.start, annotation.end), {})
            by_author.setdefault(version.author, []).append(annotation)
    for (start, end), by_author in sorted(marked.items()):
        if len(by_author) < needed:
            continue
        agreed = tuple(agreed_tags(by_author, authors, "majority"))
        if not agreed and any(a.tags for group in by_author.values() for a in group):
            return None
        return start, end, agreed
    return None


@dataclass(frozen=True, slots=True)
class SaveState:
    """What the status line says about saving."""

    saved: bool
    message: str  # "saved", "saving…", "read-only: …", "not saved: …"
    saving: bool = False  # a save is under way (in the background)

    @property
    def failed(self) -> bool:
        """The last save failed, or saving is refused (read-only): the work is not on disk."""
        return not self.saved and not self.saving


SAVING = SaveState(False, "saving…", saving=True)


@dataclass(frozen=True, slots=True)
class _Finished:
    """What a background save did, waiting to be taken on the UI thread."""

    generation: int  # of the state it wrote
    snapshot: AnnotationSet
    merged: AnnotationSet | None  # what was written; None: failed, or nothing to write
    outside: bool  # the save merged another process's changes
    error: SidecarError | None  # why it failed


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
        # The truth in memory; the sidecar object is only used under ``_lock``.
        self._state: AnnotationSet = self.sidecar.annotations
        self._lock = threading.Lock()
        #: Set by the article screen: runs a save in a worker (see saving_in_background).
        self.background: BackgroundRunner | None = None
        #: Told the save state when a background save ends (the screen's status, a toast).
        self.on_saved: Callable[[SaveState], None] | None = None
        self._deferred = 0  # inside saving_in_background
        self._saving = False  # a background save runs, or its result is not taken yet
        self._finished: _Finished | None = None
        self._generation = 0  # counts the states committed
        self._written = 0  # the generation last written to disk
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
        self.author_filter = AuthorFilter(me=author)
        #: Set in curation mode: the analysts' annotation ids a new annotation of
        #: ``text[start:end]`` is made from (its ``curated_from``; none: not curated).
        self.curating: Callable[[int, int], Iterable[str]] | None = None
        self.recent: list[str] = []
        self.recent_relations: list[str] = []  # relation types, most recently used first
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
        return self._state

    @property
    def saving(self) -> bool:
        """A save runs in the background, or edits wait for the next one."""
        return self._saving or (self._written < self._generation and self.state.saving)

    @property
    def read_only(self) -> str | None:
        return self.sidecar.read_only

    def set_author_filter(self, choice: str) -> None:
        """Show ``choice``'s annotations only (:class:`AuthorFilter`): the keys then reach
        those only; the caller tells the view and the panel."""
        self.author_filter = AuthorFilter(choice, self.author)
        self._index()

    def authors(self) -> list[str]:
        """The authors of the article's annotations, sorted (for the palette's filters)."""
        return sorted({a.author for a in self.annotations.annotations})

    def _index(self) -> None:
        shows = self.author_filter.shows
        placed = [a for a in self.annotations.annotations if a.status != "orphaned" and shows(a)]
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

    # -- relation types ---------------------------------------------------------
    def check_relation_type(self, name: str) -> tuple[str, str | None]:
        """The normalised relation type, or the reason it is refused (strict tagset)."""
        problem = self.tagset.check_relation(name)
        return ("", problem) if problem else (normalize_tag(name), None)

    def relation_choices(self) -> list[str]:
        """Recently used relation types first, then the tagset's, then those in this article."""
        seen = dict.fromkeys(self.recent_relations)
        seen.update(dict.fromkeys(self.tagset.relation_names()))
        seen.update(dict.fromkeys(r.type for r in self.annotations.relations))
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
        self._state = state
        self._generation += 1
        if self.background is not None and self._deferred:
            self._save_later()
        else:
            self._save_now()
        self._changed()
        return self._state

    @contextmanager
    def saving_in_background(self) -> Iterator[None]:
        """Edits made inside only ask for a save, which runs in ``background``."""
        self._deferred += 1
        try:
            yield
        finally:
            self._deferred -= 1

    # -- saving ------------------------------------------------------------------
    def _save_now(self) -> None:
        """Write the current state before returning (waits for a save in the background)."""
        with self._lock:
            self._take_finished()
            generation, snapshot = self._generation, self._state
            if self._written >= generation:
                return  # a background save wrote this state already
            try:
                merged = self.sidecar.save(snapshot)
            except SidecarError as error:
                self._failed(error)
                return
            self._written = generation
        self._state = merged
        self.state = SaveState(True, "saved")
        self._saved()

    def _save_later(self) -> None:
        """Ask for a save: start one, or let the one under way start the next."""
        self.state = SAVING
        if self._saving:
            return  # folded into the next save, started when this one ends
        runner = self.background
        assert runner is not None
        self._saving = True
        generation, snapshot = self._generation, self._state
        runner(lambda: self._save_in_worker(generation, snapshot))

    def _save_in_worker(self, generation: int, snapshot: AnnotationSet) -> Callable[[], None]:
        """The worker's part: write ``snapshot``; returns what the UI thread does next."""
        with self._lock:
            if self._written >= generation:  # a save on the UI thread came first
                self._finished = _Finished(generation, snapshot, None, False, None)
                return self._background_done
            try:
                merged = self.sidecar.save(snapshot)
            except SidecarError as error:
                self._finished = _Finished(generation, snapshot, None, False, error)
            except Exception as error:  # any failure is a failed save, never a wedged one
                failure = SidecarError(f"{self.sidecar.path.name}: not saved: {error}")
                self._finished = _Finished(generation, snapshot, None, False, failure)
            else:
                self._written = generation
                outside = self.sidecar.merged_on_save
                self._finished = _Finished(generation, snapshot, merged, outside, None)
        return self._background_done

    def _background_done(self) -> None:
        """On the UI thread, after a background save: take its result, start the next."""
        self._take_finished()
        if self._saving:
            return
        if self._generation > self._written and self.state.saving:
            self._save_later()  # the edits made while it ran: one save of the latest
        if self.on_saved is not None:
            self.on_saved(self.state)

    def _take_finished(self) -> None:
        """Apply what the last background save did (on the UI thread, or under the lock)."""
        finished, self._finished = self._finished, None
        if finished is None:
            return
        self._saving = False
        if finished.error is not None:
            if finished.generation >= self._written:
                self._failed(finished.error)
            return
        merged = finished.merged
        if merged is not None and finished.outside:
            # another process's changes: merged into what we hold now
            if finished.generation == self._generation:
                self._state = merged
            else:
                self._state = merge_sets(finished.snapshot, self._state, merged)
            self._changed()
        if self._written >= self._generation:
            self.state = SaveState(True, "saved")
            self._saved()

    def _failed(self, error: SidecarError) -> None:
        self.state = SaveState(False, f"not saved: {error}")
        self._save_failed()  # keep the work; the next edit saves again

    def flush(self) -> None:
        """Wait for the save under way and write any edit made since (e.g. on quit)."""
        if self._saving or (self._written < self._generation and self.state.saving):
            self._save_now()

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
        sources = self.curating(start, end) if self.curating is not None else ()
        annotation = make_annotation(
            self.text,
            start,
            end,
            tags=tags,
            note=note,
            author=self.author,
            extra={CURATED_FROM: sorted(sources)} if sources else None,
        )
        self._commit(self.history.add(self.annotations, annotation))
        self._remember(tags)
        return annotation

    def add_many(self, annotations: Iterable[Annotation], label: str) -> None:
        """Add ``annotations`` (made for this text) as one undo step named ``label``."""
        from annotations.history import Change, Step

        added = tuple(annotations)
        if not added:
            return
        step = Step(label, tuple(Change(None, a) for a in added))
        self._commit(self.history.record(self.annotations, step))
        self._remember(tag for a in added for tag in a.tags)

    def curate(self, versions: Iterable[Annotation], sources: Iterable[str], label: str) -> int:
        """Copy ``versions`` (analysts' annotations) as the session author's (the
        curator's), each with ``curated_from`` = ``sources``, as one undo step; a copy of
        a span and tags the author already has is left out. How many were added."""
        ids = sorted(set(sources))
        have = {
            (a.start, a.end, a.tags)
            for a in self.annotations.annotations
            if a.author == self.author and a.status != "orphaned"
        }
        added = []
        for version in versions:
            if (version.start, version.end, version.tags) in have:
                continue
            have.add((version.start, version.end, version.tags))
            added.append(
                make_annotation(
                    self.text,
                    version.start,
                    version.end,
                    tags=version.tags,
                    note=version.note,
                    author=self.author,
                    extra={CURATED_FROM: ids or [version.id]},
                )
            )
        self.add_many(added, label)
        return len(added)

    def conflicts(self) -> list[Annotation]:
        """The annotations a git merge left in conflict (docs/sidecar.md), in text order."""
        return sorted(
            (a for a in self.annotations.annotations if a.conflict is not None),
            key=lambda a: a.sort_key,
        )

    def resolve_conflict(self, annotation_id: str, side: Side) -> Annotation | None:
        """Keep ``side``'s version of an annotation in conflict (``hamish check
        --resolve``'s rule, re-anchored on this text): one undo step. The annotation as it
        now is; None when it is not in conflict."""
        from reader.commands.check import resolved  # the one owner of the rule

        current = self.annotations.get(annotation_id)
        if current is None or current.conflict is None:
            return None
        one = self.annotations.with_annotations([resolved(current, side)])
        kept = reanchor_set(one, self.text).annotations[0]
        step = Step(f"keep {side}", (Change(current, kept),))
        self._commit(self.history.record(self.annotations, step))
        return self.annotations.get(annotation_id)

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

    def delete(self, annotation_id: str, *, with_relations: bool = True) -> None:
        """Delete an annotation and, in the same undo step, the relations it is an end of;
        ``with_relations=False`` leaves them dangling (kept, reported by ``hamish check``)."""
        self._commit(
            self.history.delete(self.annotations, annotation_id, keep_relations=not with_relations)
        )

    def relate(self, source_id: str, target_id: str, type: str) -> Relation:
        """Link two annotations with a relation of ``type`` (one undo step); raises
        ``ValueError`` for a type the tagset refuses, an end that is not an annotation,
        a link to itself, or a link that exists already."""
        name, problem = self.check_relation_type(type)
        if problem:
            raise ValueError(problem)
        relation = make_relation(source_id, target_id, name, author=self.author)
        self._commit(self.history.relate(self.annotations, relation))
        self._remember_relation(name)
        return relation

    def retype(self, relation_id: str, type: str) -> Relation | None:
        """Give the relation ``relation_id`` the type ``type`` (one undo step, ``modified``
        now); the relation as it now is, or None when there is no such relation. Its own
        type again changes nothing (no undo step, no save). Raises ``ValueError`` for a
        type the tagset refuses, or one that would make it a link that exists already."""
        current = self.annotations.relation(relation_id)
        if current is None:
            return None
        name, problem = self.check_relation_type(type)
        if problem:
            raise ValueError(problem)
        if name != current.type:
            self._commit(self.history.retype(self.annotations, relation_id, name))
        self._remember_relation(name)
        return self.annotations.relation(relation_id)

    def _remember_relation(self, name: str) -> None:
        if name in self.recent_relations:
            self.recent_relations.remove(name)
        self.recent_relations.insert(0, name)
        del self.recent_relations[RECENT_LIMIT:]

    def unrelate(self, relation_id: str) -> None:
        """Remove the relation ``relation_id`` (one undo step; nothing if there is none)."""
        if self.annotations.relation(relation_id) is not None:
            self._commit(self.history.unrelate(self.annotations, relation_id))

    def review(self, annotation_id: str, state: ReviewState | None) -> Annotation | None:
        """Accept (``"accepted"``) or reject (``"rejected"``) an annotation with the
        session's author as the reviewer, or withdraw its review (``None``): one undo step.
        Accepting a moved or changed annotation accepts its new place (the model does it).
        The annotation as it now is; None when there is no such annotation."""
        current = self.annotations.get(annotation_id)
        if current is None:
            return None
        if state is None:
            if current.review is None:
                return current  # nothing to withdraw: no step, no save
            self._commit(self.history.unreview(self.annotations, annotation_id))
        else:
            self._commit(self.history.review(self.annotations, annotation_id, state, self.author))
        return self.annotations.get(annotation_id)

    @property
    def progress(self) -> Progress:
        """Where the work on the article stands: to do, in progress or done."""
        return self.annotations.document.progress

    def set_progress(self, state: Progress) -> None:
        """Mark the article to do, in progress or done (by the session's author): one
        undo step, saved in the sidecar's ``document.state``."""
        self._commit(self.history.set_progress(self.annotations, state, self.author))

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
        if self.state.failed and not self.read_only:
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
        with self._lock:  # rare (the file changed on disk): waits for a save under way
            self.sidecar.annotations = self._state
            self._state = self.sidecar.retext(article.text)
        summary = Reanchored.between(before, self._state)
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
                self._state = state
                self._retext(article, stamp)
                state = self._state
        text = self.text
        if any(
            a.status != "orphaned" and text[a.start : a.end] != a.quote for a in state.annotations
        ):
            state = reanchor_set(state, text)
        return state

    def refresh(self) -> bool:
        """Merge changes saved by someone else since we last read; True if any.

        Reads only when the sidecar's stat changed. Blocks while a save runs: the article
        screen polls with :meth:`read_outside` in a worker and :meth:`take_outside`.
        """
        with self._lock:
            try:
                change = self.sidecar.read_changes()
            except SidecarError as error:
                self.state = SaveState(False, f"not read: {error}")
                return False
        return change is not None and self.take_outside(change)

    def sidecar_changed(self) -> bool:
        """Whether the sidecar's stat differs from the version we know (no read)."""
        return self.sidecar.disk_changed()

    def read_outside(self) -> DiskChange | None:
        """Another process's version of the sidecar, read and parsed, not merged: for a
        worker thread (waits for a save under way). Raises :class:`SidecarError`."""
        with self._lock:
            return self.sidecar.read_changes()

    def take_outside(self, change: DiskChange) -> bool:
        """Merge ``change`` (from :meth:`read_outside`) into the session; True if taken.

        Never waits: while a save holds the sidecar, or when ``change`` is stale, nothing
        is taken and the next poll reads again.
        """
        if not self._lock.acquire(blocking=False):
            return False
        try:
            merged = self.sidecar.take_changes(change, self._state)
        finally:
            self._lock.release()
        if merged is None:
            return False
        self._state = merged
        if self.read_only:
            self.state = SaveState(False, f"read-only: {self.read_only}")
        self._changed()
        return True
