"""Undo and redo of annotation edits, as a pure component the UI drives.

Each step records, per annotation and per relation it touched, the value before and
after (``None`` for "did not exist"), the document's tags and note before and
after, and the article's state (to do, in progress, done) before and after. A review
is an annotation change like any other (accepting a moved annotation also changes its
status: one undo gives both back). Deleting an annotation with relations is one step
holding both, so that one undo brings the annotation and its relations back together.
Undo applies the inverse to the *current* set, so changes merged in from another analyst
in the meantime are left alone.
The caller saves after undo/redo like after any edit, so an undo after a save is saved
too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotations.model import (
    Annotation,
    AnnotationSet,
    ArticleState,
    Progress,
    Relation,
    ReviewState,
    context,
)


@dataclass(frozen=True, slots=True)
class Change:
    before: Annotation | None
    after: Annotation | None


@dataclass(frozen=True, slots=True)
class RelationChange:
    before: Relation | None
    after: Relation | None


@dataclass(frozen=True, slots=True)
class StateChange:
    """The article's state (``document.state``) before and after (``None``: never set)."""

    before: ArticleState | None
    after: ArticleState | None


@dataclass(frozen=True, slots=True)
class Step:
    """One user action: what it changed, and a label for the status line."""

    label: str
    changes: tuple[Change, ...] = ()
    document_before: tuple[tuple[str, ...], str] | None = None
    document_after: tuple[tuple[str, ...], str] | None = None
    relation_changes: tuple[RelationChange, ...] = ()
    state_change: StateChange | None = None  # None: the step leaves the article's state

    def inverse(self) -> Step:
        return Step(
            label=self.label,
            changes=tuple(Change(c.after, c.before) for c in self.changes),
            document_before=self.document_after,
            document_after=self.document_before,
            relation_changes=tuple(
                RelationChange(c.after, c.before) for c in self.relation_changes
            ),
            state_change=(
                None
                if self.state_change is None
                else StateChange(self.state_change.after, self.state_change.before)
            ),
        )


def _apply(annotations: AnnotationSet, step: Step) -> AnnotationSet:
    result = annotations
    for change in step.changes:
        if change.before is not None:
            result = result.removed(change.before.id)
        if change.after is not None:
            result = result.replaced(change.after)
    if step.relation_changes:
        # Annotations first: a relation put back by an undo finds its ends again. The
        # set's own checks (no dangling, no duplicate link) are for new links drawn by a
        # user, not for a step replayed on a set another analyst may have changed.
        relations = result.relations_by_id()
        for relation_change in step.relation_changes:
            if relation_change.before is not None:
                relations.pop(relation_change.before.id, None)
            if relation_change.after is not None:
                relations[relation_change.after.id] = relation_change.after
        result = result.with_relations(relations.values())
    if step.document_after is not None:
        tags, note = step.document_after
        result = result.with_document(tags=tags, note=note)
    if step.state_change is not None:
        result = result.with_document(state=step.state_change.after)
    return result


@dataclass
class History:
    """Undo/redo stacks over an :class:`AnnotationSet`."""

    limit: int = 1000
    _undo: list[Step] = field(default_factory=list)
    _redo: list[Step] = field(default_factory=list)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def record(self, annotations: AnnotationSet, step: Step) -> AnnotationSet:
        """Apply a new step; it becomes undoable and the redo stack is cleared."""
        result = _apply(annotations, step)
        self._undo.append(step)
        del self._undo[: -self.limit]
        self._redo.clear()
        return result

    def undo(self, annotations: AnnotationSet) -> tuple[AnnotationSet, Step | None]:
        if not self._undo:
            return annotations, None
        step = self._undo.pop()
        self._redo.append(step)
        return _apply(annotations, step.inverse()), step

    def redo(self, annotations: AnnotationSet) -> tuple[AnnotationSet, Step | None]:
        if not self._redo:
            return annotations, None
        step = self._redo.pop()
        self._undo.append(step)
        return _apply(annotations, step), step

    # Convenience builders for the edits the reader offers.
    def add(self, annotations: AnnotationSet, annotation: Annotation) -> AnnotationSet:
        return self.record(annotations, Step("add", (Change(None, annotation),)))

    def delete(
        self, annotations: AnnotationSet, annotation_id: str, *, keep_relations: bool = False
    ) -> AnnotationSet:
        """Delete an annotation and, in the same step, the relations it is an end of.

        Ask :meth:`AnnotationSet.relations_of` first to tell the user how many go with it;
        ``keep_relations`` leaves them (dangling, reported by ``hamish check``).
        """
        current = annotations.get(annotation_id)
        if current is None:
            return annotations
        relations = () if keep_relations else annotations.relations_of(annotation_id)
        step = Step(
            "delete",
            (Change(current, None),),
            relation_changes=tuple(RelationChange(r, None) for r in relations),
        )
        return self.record(annotations, step)

    def relate(self, annotations: AnnotationSet, relation: Relation) -> AnnotationSet:
        """Add ``relation`` (see :func:`annotations.model.make_relation`) as one step.

        Raises ``ValueError`` (nothing recorded) as :meth:`AnnotationSet.related` does: an
        end that is not an annotation, a link that exists already.
        """
        annotations.related(relation)  # the checks, before anything is recorded
        before = annotations.relation(relation.id)
        return self.record(
            annotations, Step("relate", relation_changes=(RelationChange(before, relation),))
        )

    def unrelate(self, annotations: AnnotationSet, relation_id: str) -> AnnotationSet:
        """Remove the relation ``relation_id`` as one step (nothing when there is none)."""
        current = annotations.relation(relation_id)
        if current is None:
            return annotations
        return self.record(
            annotations, Step("unrelate", relation_changes=(RelationChange(current, None),))
        )

    def retype(self, annotations: AnnotationSet, relation_id: str, type: str) -> AnnotationSet:
        """Give the relation ``relation_id`` another type as one step (``modified`` now)."""
        current = annotations.relation(relation_id)
        if current is None or current.type == type:
            return annotations
        if not type:
            raise ValueError("a relation needs a type")
        updated = current.edited(type=type)
        annotations.related(updated)  # refuses a link that exists already under that type
        return self.record(
            annotations, Step("retype", relation_changes=(RelationChange(current, updated),))
        )

    def review(
        self, annotations: AnnotationSet, annotation_id: str, state: ReviewState, by: str
    ) -> AnnotationSet:
        """Accept or reject an annotation as one step (:meth:`AnnotationSet.reviewed`);
        its label is the verdict ("accept"/"reject"). Nothing when there is no such
        annotation; ``ValueError`` for a verdict that is not one."""
        current = annotations.get(annotation_id)
        if current is None:
            return annotations
        updated = current.with_review(state, by)
        label = "accept" if state == "accepted" else "reject"
        return self.record(annotations, Step(label, (Change(current, updated),)))

    def unreview(self, annotations: AnnotationSet, annotation_id: str) -> AnnotationSet:
        """Withdraw an annotation's review as one step (nothing when it has none)."""
        current = annotations.get(annotation_id)
        if current is None or current.review is None:
            return annotations
        return self.record(
            annotations, Step("unreview", (Change(current, current.without_review()),))
        )

    def set_progress(self, annotations: AnnotationSet, state: Progress, by: str) -> AnnotationSet:
        """Mark the article to do, in progress or done as one step
        (:meth:`AnnotationSet.with_progress`; ``ValueError`` for another word)."""
        before = annotations.document.state
        after = annotations.with_progress(state, by).document.state
        return self.record(annotations, Step("state", state_change=StateChange(before, after)))

    def edit(
        self, annotations: AnnotationSet, annotation_id: str, label: str = "edit", **changes: object
    ) -> AnnotationSet:
        """Change fields (tags, note, start/end/quote/prefix/suffix, status) of one annotation."""
        current = annotations.get(annotation_id)
        if current is None:
            return annotations
        updated = current.edited(**changes)
        return self.record(annotations, Step(label, (Change(current, updated),)))

    def set_document(
        self,
        annotations: AnnotationSet,
        *,
        tags: Iterable[str] | None = None,
        note: str | None = None,
    ) -> AnnotationSet:
        document = annotations.document
        before = (document.tags, document.note)
        after = (
            tuple(dict.fromkeys(tags)) if tags is not None else document.tags,
            note if note is not None else document.note,
        )
        return self.record(annotations, Step("document", (), before, after))


def respan(text: str, start: int, end: int) -> dict[str, object]:
    """Field changes moving an annotation to ``text[start:end]`` (for :meth:`History.edit`)."""
    prefix, suffix = context(text, start, end)
    return {
        "start": start,
        "end": end,
        "quote": text[start:end],
        "prefix": prefix,
        "suffix": suffix,
        "status": "anchored",
    }
