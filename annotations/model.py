"""The annotation model: small immutable values mirroring sidecar version 1 (DESIGN §2.2).

Offsets are code points into the article's full decoded text, 0-based, end
exclusive. Unknown keys (from a newer hamish or another tool) ride along in
``extra`` so that a save never drops them.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Generic, Literal, Self, TypeVar, get_args

FORMAT = "hamish-annotations"
VERSION = 1
#: Where an annotation stands against its article's text (DESIGN §2.2).
Status = Literal["anchored", "moved", "orphaned"]
STATUSES: tuple[Status, ...] = get_args(Status)
#: What a reviewer is told of an annotation: its status, with ``moved`` split into the
#: same words found elsewhere (``moved``) and edited words (``changed``).
Placement = Literal["anchored", "moved", "changed", "orphaned"]
PLACEMENTS: tuple[Placement, ...] = get_args(Placement)
#: A reviewer's verdict on an annotation (docs/sidecar.md, "Review").
ReviewState = Literal["accepted", "rejected"]
REVIEW_STATES: tuple[ReviewState, ...] = get_args(ReviewState)
#: What the review filters (exports, the panel) call an annotation nobody reviewed: a
#: word of its own, never stored (an unreviewed annotation has no ``review``).
UNREVIEWED = "unreviewed"
#: The review filter's choices: a verdict, or none yet.
REVIEW_FILTERS: tuple[str, ...] = (*REVIEW_STATES, UNREVIEWED)
#: Where the work on an article stands (``document.state``, docs/sidecar.md).
Progress = Literal["to do", "in progress", "done"]
PROGRESSES: tuple[Progress, ...] = get_args(Progress)
#: An article whose sidecar sets no state has not been started: most of a new corpus.
DEFAULT_PROGRESS: Progress = "to do"
CONTEXT_CHARS = 32
#: An annotation's optional ``curated_from`` (docs/sidecar.md, "Curation"): the ids of the
#: annotations a curator's annotation was made from. Kept in ``extra`` under this key, so
#: it is written exactly where a hamish that predates it writes it (an unknown key).
CURATED_FROM = "curated_from"

ANNOTATION_KEYS = (
    "id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "tags",
    "note",
    "author",
    "created",
    "modified",
    "status",
    "original_quote",
    "review",
    "conflict",
)
DOCUMENT_KEYS = ("file", "sha256", "length", "tags", "note", "state")
#: The keys of a review (an annotation's ``review``) and of an article state
#: (``document.state``): the verdict or state, who gave it, when.
MARK_KEYS = ("state", "by", "at")
RELATION_KEYS = ("id", "type", "from", "to", "author", "created", "modified")
#: ``relations`` is an optional version-1 addition (docs/sidecar.md): a hamish that
#: predates it keeps it as an unknown top-level key, which is why it is written where
#: such a key is, in sorted order after ``annotations``.
TOP_KEYS = ("format", "version", "document", "annotations", "relations")

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_SORT_KEY = attrgetter("start", "end", "id")  # Annotation.sort_key, without a call per item
_RELATION_SORT_KEY = attrgetter("id")
_ANNOTATION_KEY_SET = frozenset(ANNOTATION_KEYS)
_DOCUMENT_KEY_SET = frozenset(DOCUMENT_KEYS)
_RELATION_KEY_SET = frozenset(RELATION_KEYS)
_MARK_KEY_SET = frozenset(MARK_KEYS)
_TOP_KEY_SET = frozenset(TOP_KEYS)

# The clock is a seam: tests set a fixed one for deterministic timestamps.
Clock = Callable[[], datetime]
_clock: Clock = lambda: datetime.now(UTC)  # noqa: E731


def set_clock(clock: Clock | None) -> None:
    """Replace the clock used for timestamps (``None`` restores the real one)."""
    global _clock
    _clock = clock or (lambda: datetime.now(UTC))


def utc_now() -> str:
    """The current time as ISO 8601 UTC with a ``Z``, to the second."""
    return _clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    """A new annotation id: 16 random hex digits, unique in practice, never reused."""
    return secrets.token_hex(8)


def default_author() -> str:
    """The login name, used when settings name no author."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def text_sha256(text: str) -> str:
    """The sidecar's document hash: SHA-256 of the decoded text as UTF-8."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """(prefix, suffix): up to CONTEXT_CHARS characters around ``text[start:end]``."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping)) if mapping else _EMPTY


def _mark_json(state: str, by: str, at: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"state": state, "by": by, "at": at}
    for key in sorted(extra):
        data[key] = extra[key]
    return data


_State = TypeVar("_State", bound=str)


@dataclass(frozen=True, slots=True)
class _Mark(Generic[_State]):
    """A state someone set, and when: the one shape of an annotation's review and an
    article's state (``state``, ``by``, ``at``, and the keys hamish does not know, which
    ride in ``extra``)."""

    state: _State
    by: str = ""
    at: str = ""  # ISO 8601 UTC, like ``modified``
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not isinstance(self.extra, MappingProxyType) or not _MARK_KEY_SET.isdisjoint(self.extra):
            object.__setattr__(self, "extra", _frozen(_extra(self.extra, _MARK_KEY_SET)))

    def to_json(self) -> dict[str, Any]:
        return _mark_json(self.state, self.by, self.at, self.extra)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """From a validated ``review`` or ``document.state`` object (see
        :mod:`annotations.validate`)."""
        return cls(
            data["state"], data.get("by", ""), data.get("at", ""), _extra(data, _MARK_KEY_SET)
        )


@dataclass(frozen=True, slots=True)
class Review(_Mark[ReviewState]):
    """A reviewer's verdict on an annotation: ``accepted`` or ``rejected``, by whom, when.

    Stored as the annotation's optional ``review`` (docs/sidecar.md); keys of it hamish
    does not know ride in ``extra``, like an annotation's.
    """


@dataclass(frozen=True, slots=True)
class ArticleState(_Mark[Progress]):
    """Where the work on an article stands (to do, in progress, done), set by whom, when.

    Stored as the sidecar's optional ``document.state``; absent means :data:`DEFAULT_PROGRESS`.
    """


@dataclass(frozen=True, slots=True)
class Annotation:
    """One highlighted span with its tags and note."""

    id: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    author: str = ""
    created: str = ""
    modified: str = ""
    status: Status = "anchored"
    # The wording as it was tagged, kept when re-anchoring placed the annotation on words
    # that were edited since ("" when the quote is still the tagged wording): for media
    # monitoring a silently edited quote is itself a finding (docs/sidecar.md).
    original_quote: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    # A reviewer's verdict (None: not reviewed). It stays through later edits: a
    # ``modified`` after ``review.at`` tells the annotation changed since it was reviewed.
    review: Review | None = None
    # The other side's version of the annotation, left by a git merge in which both sides
    # changed it differently (``hamish merge-driver``; docs/sidecar.md, "Conflicts"): this
    # one is ours, kept until ``hamish check --resolve`` picks a side. Never nested.
    conflict: Annotation | None = None

    def __post_init__(self) -> None:
        if type(self.tags) is not tuple:
            object.__setattr__(self, "tags", tuple(self.tags))
        if self.original_quote and self.original_quote == self.quote:
            object.__setattr__(self, "original_quote", "")  # the text went back: nothing to keep
        if not isinstance(self.extra, MappingProxyType) or not _ANNOTATION_KEY_SET.isdisjoint(
            self.extra
        ):
            # A known field is never taken from ``extra``: it could not be told apart on disk.
            object.__setattr__(self, "extra", _frozen(_extra(self.extra, _ANNOTATION_KEY_SET)))

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.id)

    @property
    def changed(self) -> bool:
        """Whether the words under the annotation were edited since they were tagged."""
        return bool(self.original_quote)

    @property
    def placement(self) -> Placement:
        """Where the annotation stands for a reviewer, one of :data:`PLACEMENTS`.

        ``changed`` (placed, on edited words) is told apart from ``moved`` (the same
        words, found elsewhere); an orphan is ``orphaned`` whatever its history.
        """
        if self.status == "orphaned":
            return "orphaned"
        return "changed" if self.original_quote else self.status

    @property
    def curated_from(self) -> tuple[str, ...]:
        """The ids this annotation was curated from (``()``: not a curator's annotation)."""
        ids = self.extra.get(CURATED_FROM)
        return tuple(ids) if isinstance(ids, list | tuple) else ()

    @property
    def review_state(self) -> str:
        """The review filter's word for the annotation: a verdict or :data:`UNREVIEWED`."""
        return self.review.state if self.review is not None else UNREVIEWED

    @property
    def reviewed_since_modified(self) -> bool:
        """Whether the review is of the annotation as it is (no edit after the verdict)."""
        return self.review is not None and self.review.at >= self.modified

    def edited(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` and a fresh ``modified`` time."""
        return replace(self, modified=utc_now(), **changes)

    def with_review(self, state: ReviewState, by: str) -> Annotation:
        """A copy reviewed ``state`` by ``by`` now.

        Accepting a ``moved`` or ``changed`` annotation accepts its new place: the status
        becomes ``anchored`` and ``original_quote`` is dropped (the edited wording is what
        the reviewer accepted); that is an edit, so ``modified`` is the review's time too.
        An orphan has no place to accept and stays ``orphaned``; a rejection changes
        nothing but the review.
        """
        if state not in REVIEW_STATES:
            raise ValueError(f"a review is one of {', '.join(REVIEW_STATES)}, not {state!r}")
        review = Review(state, by, utc_now())
        if state == "accepted" and self.status != "orphaned":
            if self.status == "moved" or self.original_quote:
                return replace(
                    self, review=review, status="anchored", original_quote="", modified=review.at
                )
        return replace(self, review=review)

    def without_review(self) -> Annotation:
        """A copy with no review (its status is not given back: undo does that)."""
        return replace(self, review=None)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "tags": list(self.tags),
            "note": self.note,
            "author": self.author,
            "created": self.created,
            "modified": self.modified,
            "status": self.status,
        }
        if self.original_quote:  # optional: a sidecar without changed wording stays as it was
            data["original_quote"] = self.original_quote
        if self.review is None and self.conflict is None:
            for key in sorted(self.extra):
                data[key] = self.extra[key]
            return data
        # ``review`` and ``conflict`` are optional version-1 additions: written where a
        # hamish that predates them writes an unknown key (sorted among the others), so
        # both write the same bytes.
        rest = dict(self.extra)
        if self.review is not None:
            rest["review"] = self.review.to_json()
        if self.conflict is not None:
            rest["conflict"] = self.conflict.to_json()
        for key in sorted(rest):
            data[key] = rest[key]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Annotation:
        """From a validated sidecar entry (see :mod:`annotations.validate`)."""
        get = data.get  # positional, in field order: this runs for every stored annotation
        return cls(
            data["id"],
            data["start"],
            data["end"],
            data["quote"],
            get("prefix", ""),
            get("suffix", ""),
            tuple(get("tags", ())),
            get("note", ""),
            get("author", ""),
            get("created", ""),
            get("modified", ""),
            get("status", "anchored"),
            get("original_quote", ""),
            _extra(data, _ANNOTATION_KEY_SET),
            Review.from_json(data["review"]) if "review" in data else None,
            Annotation.from_json(data["conflict"]) if "conflict" in data else None,
        )


def _extra(data: Mapping[str, Any], known: frozenset[str]) -> Mapping[str, Any]:
    """Keys of ``data`` that hamish does not know (kept and written back on save)."""
    if known.issuperset(data):
        return _EMPTY
    return {k: v for k, v in data.items() if k not in known}


def make_annotation(
    text: str,
    start: int,
    end: int,
    *,
    tags: Iterable[str] = (),
    note: str = "",
    author: str | None = None,
    id: str | None = None,
    created: str | None = None,
    modified: str | None = None,
    original_quote: str = "",
    extra: Mapping[str, Any] | None = None,
    review: Review | None = None,
) -> Annotation:
    """A new annotation of ``text[start:end]``: the one constructor of annotations.

    What the text decides is always computed here, never taken from the caller: the
    quote, its context (prefix and suffix) and the status (``anchored``: the quote is at
    its offsets by construction). ``id``, ``created``, ``modified`` and
    ``original_quote`` (the wording once tagged) keep what an import carries (default: a
    new id, now, none), as does ``review`` (a verdict an export carried); ``extra`` holds
    keys hamish does not know (a known
    field in it is dropped, see :class:`Annotation`). Tags are de-duplicated, in order.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}..{end} is outside the text (length {len(text)})")
    prefix, suffix = context(text, start, end)
    now = utc_now()
    created = created or now
    return Annotation(
        id=id or new_id(),
        start=start,
        end=end,
        quote=text[start:end],
        prefix=prefix,
        suffix=suffix,
        tags=tuple(dict.fromkeys(tags)),
        note=note,
        author=default_author() if author is None else author,
        created=created,
        modified=modified or (now if created == now else created),
        original_quote=original_quote,
        extra=extra or _EMPTY,
        review=review,
    )


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed, directed link between two annotations of one article (``said``: speaker → quote).

    ``source`` and ``target`` are annotation ids (``from`` and ``to`` on disk). A relation
    whose end is not in the set is *dangling*: it is kept and written back, never dropped,
    and reported (:attr:`AnnotationSet.dangling_relations`, ``hamish check``): the end may
    come back with a merge or an undo.
    """

    id: str
    type: str
    source: str
    target: str
    author: str = ""
    created: str = ""
    modified: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not isinstance(self.extra, MappingProxyType) or not _RELATION_KEY_SET.isdisjoint(
            self.extra
        ):
            object.__setattr__(self, "extra", _frozen(_extra(self.extra, _RELATION_KEY_SET)))

    @property
    def ends(self) -> tuple[str, str]:
        return (self.source, self.target)

    def edited(self, **changes: Any) -> Relation:
        """A copy with ``changes`` and a fresh ``modified`` time."""
        return replace(self, modified=utc_now(), **changes)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "from": self.source,
            "to": self.target,
            "author": self.author,
            "created": self.created,
            "modified": self.modified,
        }
        for key in sorted(self.extra):
            data[key] = self.extra[key]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Relation:
        """From a validated sidecar entry (see :mod:`annotations.validate`)."""
        return cls(
            id=data["id"],
            type=data["type"],
            source=data["from"],
            target=data["to"],
            author=data.get("author", ""),
            created=data.get("created", ""),
            modified=data.get("modified", ""),
            extra=_extra(data, _RELATION_KEY_SET),
        )


def make_relation(
    source: str,
    target: str,
    type: str,
    *,
    author: str | None = None,
    id: str | None = None,
    created: str | None = None,
    modified: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Relation:
    """A new relation ``source --type--> target`` (annotation ids): the one constructor.

    A relation of an annotation to itself, or with an empty type, is refused
    (``ValueError``): no tool that has relations can show one.
    """
    if not type:
        raise ValueError("a relation needs a type")
    if not source or not target:
        raise ValueError("a relation needs two annotation ids")
    if source == target:
        raise ValueError(f"a relation links two annotations, not {source} to itself")
    now = utc_now()
    created = created or now
    return Relation(
        id=id or new_id(),
        type=type,
        source=source,
        target=target,
        author=default_author() if author is None else author,
        created=created,
        modified=modified or (now if created == now else created),
        extra=extra or _EMPTY,
    )


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the sidecar says about its article, and the article's own tags and note."""

    file: str
    sha256: str
    length: int
    tags: tuple[str, ...] = ()
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    state: ArticleState | None = None  # None: never set, i.e. DEFAULT_PROGRESS

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", tuple(self.tags))
        if not isinstance(self.extra, MappingProxyType) or not _DOCUMENT_KEY_SET.isdisjoint(
            self.extra
        ):
            object.__setattr__(self, "extra", _frozen(_extra(self.extra, _DOCUMENT_KEY_SET)))

    @classmethod
    def for_text(cls, file: str, text: str) -> DocumentInfo:
        return cls(file=file, sha256=text_sha256(text), length=len(text))

    @property
    def progress(self) -> Progress:
        """Where the work on the article stands: its state, else :data:`DEFAULT_PROGRESS`."""
        return self.state.state if self.state is not None else DEFAULT_PROGRESS

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "sha256": self.sha256,
            "length": self.length,
            "tags": list(self.tags),
            "note": self.note,
        }
        # ``state`` is an optional version-1 addition, placed like an unknown key (see
        # Annotation.to_json) and absent when never set.
        rest = dict(self.extra)
        if self.state is not None:
            rest["state"] = self.state.to_json()
        for key in sorted(rest):
            data[key] = rest[key]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentInfo:
        return cls(
            file=data["file"],
            sha256=data["sha256"],
            length=data["length"],
            tags=tuple(data.get("tags", ())),
            note=data.get("note", ""),
            extra=_extra(data, _DOCUMENT_KEY_SET),
            state=ArticleState.from_json(data["state"]) if "state" in data else None,
        )


@dataclass(frozen=True, slots=True)
class AnnotationSet:
    """A document's annotations, sorted by (start, end, id), ids unique; and the relations
    between them, sorted by id, ids unique (a namespace of their own)."""

    document: DocumentInfo
    annotations: tuple[Annotation, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    version: int = VERSION
    relations: tuple[Relation, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.annotations, key=_SORT_KEY))  # Annotation.sort_key
        ids = [a.id for a in ordered]
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"duplicate annotation id: {', '.join(duplicates)}")
        object.__setattr__(self, "annotations", ordered)
        if self.relations:
            relations = tuple(sorted(self.relations, key=_RELATION_SORT_KEY))
            relation_ids = [r.id for r in relations]
            if len(set(relation_ids)) != len(relation_ids):
                duplicates = sorted({i for i in relation_ids if relation_ids.count(i) > 1})
                raise ValueError(f"duplicate relation id: {', '.join(duplicates)}")
            object.__setattr__(self, "relations", relations)
        elif type(self.relations) is not tuple:
            object.__setattr__(self, "relations", ())
        if not isinstance(self.extra, MappingProxyType) or not _TOP_KEY_SET.isdisjoint(self.extra):
            object.__setattr__(self, "extra", _frozen(_extra(self.extra, _TOP_KEY_SET)))

    def __len__(self) -> int:
        return len(self.annotations)

    def get(self, annotation_id: str) -> Annotation | None:
        for annotation in self.annotations:
            if annotation.id == annotation_id:
                return annotation
        return None

    def by_id(self) -> dict[str, Annotation]:
        return {a.id: a for a in self.annotations}

    def with_annotations(self, annotations: Iterable[Annotation]) -> AnnotationSet:
        return replace(self, annotations=tuple(annotations))

    def added(self, annotation: Annotation) -> AnnotationSet:
        return self.with_annotations((*self.annotations, annotation))

    def removed(self, annotation_id: str) -> AnnotationSet:
        """The set without the annotation; its relations stay (dangling, see :meth:`deleted`)."""
        return self.with_annotations(a for a in self.annotations if a.id != annotation_id)

    def deleted(self, annotation_id: str) -> AnnotationSet:
        """The set without the annotation and without every relation it is an end of."""
        relations = self.relations_of(annotation_id)
        result = self.removed(annotation_id)
        if relations:
            gone = {r.id for r in relations}
            result = result.with_relations(r for r in self.relations if r.id not in gone)
        return result

    def replaced(self, annotation: Annotation) -> AnnotationSet:
        """The set with the annotation of the same id replaced (or added)."""
        others = (a for a in self.annotations if a.id != annotation.id)
        return self.with_annotations((*others, annotation))

    def with_document(self, **changes: Any) -> AnnotationSet:
        return replace(self, document=replace(self.document, **changes))

    # -- review and progress -----------------------------------------------
    def reviewed(self, annotation_id: str, state: ReviewState, by: str) -> AnnotationSet:
        """The set with the annotation reviewed ``state`` by ``by`` now
        (:meth:`Annotation.with_review`: accepting a moved one accepts its new place).

        Raises ``ValueError`` when there is no such annotation or no such verdict.
        """
        current = self.get(annotation_id)
        if current is None:
            raise ValueError(f"no annotation {annotation_id} to review")
        return self.replaced(current.with_review(state, by))

    def unreviewed(self, annotation_id: str) -> AnnotationSet:
        """The set with the annotation's review withdrawn (nothing when it has none)."""
        current = self.get(annotation_id)
        if current is None or current.review is None:
            return self
        return self.replaced(current.without_review())

    def with_progress(self, state: Progress, by: str) -> AnnotationSet:
        """The set with the article marked ``state`` by ``by`` now (``document.state``)."""
        if state not in PROGRESSES:
            raise ValueError(f"an article is {', '.join(PROGRESSES)}, not {state!r}")
        return self.with_document(state=ArticleState(state, by, utc_now()))

    def review_counts(self) -> dict[str, int]:
        """How many annotations are accepted, rejected and unreviewed (every key present)."""
        counts = dict.fromkeys(REVIEW_FILTERS, 0)
        for annotation in self.annotations:
            counts[annotation.review_state] += 1
        return counts

    # -- relations ---------------------------------------------------------
    def relation(self, relation_id: str) -> Relation | None:
        for relation in self.relations:
            if relation.id == relation_id:
                return relation
        return None

    def relations_by_id(self) -> dict[str, Relation]:
        return {r.id: r for r in self.relations}

    def relations_of(self, annotation_id: str) -> tuple[Relation, ...]:
        """The relations ``annotation_id`` is the source or the target of, by id: what a
        delete of that annotation would take with it ("it has N relations: delete them too?")."""
        return tuple(r for r in self.relations if annotation_id in (r.source, r.target))

    def with_relations(self, relations: Iterable[Relation]) -> AnnotationSet:
        return replace(self, relations=tuple(relations))

    def related(self, relation: Relation) -> AnnotationSet:
        """The set with ``relation`` added, or replacing the relation of its id.

        Raises ``ValueError`` when an end is not an annotation of the set (a new relation
        is never dangling), or when the same link (type, source, target) already exists
        under another id.
        """
        ids = {a.id for a in self.annotations}
        for end in relation.ends:
            if end not in ids:
                raise ValueError(f"no annotation {end} to relate")
        for other in self.relations:
            if other.id != relation.id and (other.type, *other.ends) == (
                relation.type,
                *relation.ends,
            ):
                raise ValueError(
                    f"{relation.source} is already '{relation.type}' of {relation.target}"
                )
        others = (r for r in self.relations if r.id != relation.id)
        return self.with_relations((*others, relation))

    def unrelated(self, relation_id: str) -> AnnotationSet:
        """The set without the relation ``relation_id``."""
        return self.with_relations(r for r in self.relations if r.id != relation_id)

    @property
    def dangling_relations(self) -> tuple[Relation, ...]:
        """Relations an end of which is not in the set (kept, written back, reported)."""
        if not self.relations:
            return ()
        ids = {a.id for a in self.annotations}
        return tuple(r for r in self.relations if r.source not in ids or r.target not in ids)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": self.version,
            "document": self.document.to_json(),
            "annotations": [a.to_json() for a in self.annotations],
        }
        # Where an older hamish writes it (an unknown key, in sorted order among the
        # others), so that old and new write the same bytes; absent when empty, so that
        # a sidecar without relations is unchanged.
        top = dict(self.extra)
        if self.relations:
            top["relations"] = [r.to_json() for r in self.relations]
        for key in sorted(top):
            data[key] = top[key]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnnotationSet:
        """From validated sidecar data (see :func:`annotations.validate.validate_sidecar`)."""
        return cls(
            document=DocumentInfo.from_json(data["document"]),
            annotations=tuple(Annotation.from_json(a) for a in data["annotations"]),
            extra=_extra(data, _TOP_KEY_SET),
            version=data["version"],
            relations=tuple(Relation.from_json(r) for r in data.get("relations", ())),
        )

    @classmethod
    def empty(cls, file: str, text: str) -> AnnotationSet:
        return cls(document=DocumentInfo.for_text(file, text))
