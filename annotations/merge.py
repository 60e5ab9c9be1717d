"""Three-way merge of annotation sets by id (DESIGN §5).

``base`` is the sidecar as this process last read or wrote it, ``ours`` what it
wants to save, ``theirs`` what is on disk now (another analyst, a script, a
``git pull``). Both sides' additions are kept; a change on one side wins over no
change on the other; a delete wins only over an unmodified annotation; when both
sides changed the same annotation, the later ``modified`` wins (ours on a tie).
Relations merge by their own id under the same rules. An annotation's review merges on
its own (a verdict on one side and an edit on the other are both kept): when both sides
reviewed it differently the later ``at`` wins, and a verdict given wins over one
withdrawn. The article's state (``document.state``) merges the same way. A merge can
leave a relation dangling (one side deleted an annotation, the other linked it): it is kept, never
dropped, and reported (``AnnotationSet.dangling_relations``, ``hamish check``).

With ``conflicts=True`` (``hamish merge-driver``, a git merge: nobody is there to see the
choice) two sides that changed the same annotation differently are not settled by time:
the result is our version with theirs under its ``conflict`` (docs/sidecar.md,
"Conflicts"), for ``hamish check --resolve`` to settle. What "changed" means there leaves
out the review (merged on its own, as always) and an earlier conflict (kept unless a side
changed it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from annotations.model import Annotation, AnnotationSet, ArticleState, Relation, Review

T = TypeVar("T")


def _pick(base: T | None, ours: T | None, theirs: T | None) -> T | None:
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    return None  # both changed, differently


_Item = TypeVar("_Item", Annotation, Relation)


def _merge_item(base: _Item | None, ours: _Item | None, theirs: _Item | None) -> _Item | None:
    """One annotation's (or relation's) merge: the module's rules."""
    if ours is None and theirs is None:
        return None
    if base is not None:
        if ours is None:  # we deleted it
            return None if theirs == base else theirs
        if theirs is None:  # they deleted it
            return None if ours == base else ours
    if ours is None or theirs is None:  # added on one side only
        return ours or theirs
    picked = _pick(base, ours, theirs)
    if picked is not None:
        return picked
    return theirs if theirs.modified > ours.modified else ours


_Mark = TypeVar("_Mark", Review, ArticleState)


def _merge_mark(base: _Mark | None, ours: _Mark | None, theirs: _Mark | None) -> _Mark | None:
    """A review's (or the article state's) merge: see the module docstring."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    if ours is None or theirs is None:  # one withdrew it, the other gave another
        return ours or theirs
    return theirs if theirs.at > ours.at else ours


def _bare(annotation: Annotation) -> Annotation:
    """The annotation's own fields: without its review and its conflict."""
    if annotation.review is None and annotation.conflict is None:
        return annotation
    return replace(annotation, review=None, conflict=None)


def _merge_in_conflict(base: Annotation | None, ours: Annotation, theirs: Annotation) -> Annotation:
    """Both sides kept the annotation: a change on one side wins over none on the other;
    changed on both, differently, it is ours with theirs as its ``conflict``."""
    body = _pick(_bare(base) if base is not None else None, _bare(ours), _bare(theirs))
    conflict = _pick(base.conflict if base is not None else None, ours.conflict, theirs.conflict)
    if body is None:
        body, conflict = _bare(ours), replace(theirs, conflict=None)
    elif conflict is None:  # both changed an earlier conflict differently: ours
        conflict = ours.conflict
    return replace(body, conflict=conflict)


def _merge_annotation(
    base: Annotation | None,
    ours: Annotation | None,
    theirs: Annotation | None,
    conflicts: bool = False,
) -> Annotation | None:
    """:func:`_merge_item` (or, with ``conflicts``, :func:`_merge_in_conflict` when both
    sides kept it), with the review merged on its own when both sides kept it."""
    if conflicts and ours is not None and theirs is not None:
        merged: Annotation | None = _merge_in_conflict(base, ours, theirs)
    else:
        merged = _merge_item(base, ours, theirs)
    if merged is None or ours is None or theirs is None:
        return merged
    review = _merge_mark(base.review if base is not None else None, ours.review, theirs.review)
    return merged if merged.review == review else replace(merged, review=review)


def _merge_mapping(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    merged = dict(theirs)
    for key in set(base) | set(ours):
        if ours.get(key, _MISSING) != base.get(key, _MISSING):
            if key in ours:
                merged[key] = ours[key]
            else:
                merged.pop(key, None)
    return merged


_MISSING = object()


def merge_sets(
    base: AnnotationSet | None,
    ours: AnnotationSet,
    theirs: AnnotationSet,
    *,
    conflicts: bool = False,
) -> AnnotationSet:
    """Merge ``ours`` and ``theirs`` relative to their common ``base``; with ``conflicts``,
    two different changes of one annotation are kept as a conflict (module docstring)."""
    base_by_id = base.by_id() if base is not None else {}
    ours_by_id = ours.by_id()
    theirs_by_id = theirs.by_id()
    merged = [
        annotation
        for annotation_id in dict.fromkeys([*base_by_id, *ours_by_id, *theirs_by_id])
        if (
            annotation := _merge_annotation(
                base_by_id.get(annotation_id),
                ours_by_id.get(annotation_id),
                theirs_by_id.get(annotation_id),
                conflicts,
            )
        )
        is not None
    ]
    relations = _one_per_link(
        _merge_by_id(
            base.relations_by_id() if base is not None else {},
            ours.relations_by_id(),
            theirs.relations_by_id(),
        )
    )
    base_doc = base.document if base is not None else theirs.document
    tags = _pick(base_doc.tags, ours.document.tags, theirs.document.tags)
    if tags is None:  # both changed the article's tags: keep every tag either side has
        tags = tuple(dict.fromkeys((*ours.document.tags, *theirs.document.tags)))
    note = _pick(base_doc.note, ours.document.note, theirs.document.note)
    if note is None:
        note = ours.document.note
    document = replace(
        ours.document,
        tags=tags,
        note=note,
        state=_merge_mark(base_doc.state, ours.document.state, theirs.document.state),
        extra=_merge_mapping(
            dict(base_doc.extra), dict(ours.document.extra), dict(theirs.document.extra)
        ),
    )
    extra = _merge_mapping(
        dict(base.extra) if base is not None else {}, dict(ours.extra), dict(theirs.extra)
    )
    return AnnotationSet(
        document=document,
        annotations=tuple(merged),
        extra=extra,
        version=ours.version,
        relations=tuple(relations),
    )


def _merge_by_id(
    base: dict[str, _Item], ours: dict[str, _Item], theirs: dict[str, _Item]
) -> list[_Item]:
    merged = []
    for item_id in dict.fromkeys([*base, *ours, *theirs]):
        result = _merge_item(base.get(item_id), ours.get(item_id), theirs.get(item_id))
        if result is not None:
            merged.append(result)
    return merged


def _one_per_link(relations: list[Relation]) -> list[Relation]:
    """The relations with one per link (type, from, to): two analysts who drew the same
    link each under a new id get it once, the first created (then the lower id) kept."""
    kept: dict[tuple[str, str, str], Relation] = {}
    for relation in sorted(relations, key=lambda r: (r.created, r.id)):
        kept.setdefault((relation.type, relation.source, relation.target), relation)
    return list(kept.values())
