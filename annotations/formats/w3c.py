"""W3C Web Annotation Data Model (JSON-LD), as JSON Lines or one AnnotationCollection.

Export
    Only placed annotations (status ``anchored`` or ``moved``) are exported: an
    orphan has no place to select. Skipped orphans, and annotations whose quote is
    not at their offsets, are counted in the report's warnings. Each annotation::

        {
          "@context": "http://www.w3.org/ns/anno.jsonld",
          "id": "urn:hamish:<sha256 of the article>:<annotation id>",
          "type": "Annotation",
          "motivation": "commenting" | "tagging" | "highlighting",
          "created": "2024-04-03T09:12:44Z", "modified": "…",
          "creator": {"type": "Person", "name": "<author>"},
          "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "<tag>"},   (per tag)
            {"type": "TextualBody", "purpose": "commenting", "value": "<note>",
             "format": "text/plain"},                                         (if a note)
            {"type": "TextualBody", "purpose": "assessing", "value": "accepted",
             "creator": {"type": "Person", "name": "<reviewer>"},
             "created": "<review time>"}                                  (if reviewed)
          ],
          "target": {
            "source": "<front-matter url>" | "urn:hamish:sha256:<sha256 of the article>",
            "selector": [
              {"type": "TextQuoteSelector", "exact": "…", "prefix": "…", "suffix": "…"},
              {"type": "TextPositionSelector", "start": 21, "end": 54}
            ],
            "hamish": {"document": "<article path>", "title": …, "source": …, "date": …,
                       "sha256": …, ["url": …,] "document_tags": […], "document_note": "…",
                       ["document_state": {"state", "by", "at"}]}
          }
        }

    A relation whose two ends are exported follows its document's annotations as a
    *linking* annotation whose targets are the two annotations (a relation with an end
    not exported is left out, with a warning)::

        {
          "@context": "http://www.w3.org/ns/anno.jsonld",
          "id": "urn:hamish:<sha256>:relation:<relation id>",
          "type": "Annotation",
          "motivation": "linking",
          "created": "…", "modified": "…", "creator": {"type": "Person", "name": "…"},
          "body": [{"type": "TextualBody", "purpose": "tagging", "value": "<type>"}],
          "target": ["urn:hamish:<sha256>:<from id>", "urn:hamish:<sha256>:<to id>"],
          "hamish": {"from": "urn:hamish:<sha256>:<from id>",
                     "to": "urn:hamish:<sha256>:<to id>", "document": "<article path>"}
        }

    ``target`` lists the source first, but a JSON-LD array has no order, so the direction
    is also in ``hamish`` (``from``/``to``), which JSON consumers read and a JSON-LD
    processor drops, as for the annotations' ``hamish`` object.

    Decisions:

    - ``motivation`` is ``commenting`` when there is a note, else ``tagging`` when
      there are tags, else ``highlighting`` (no ``body`` at all then). Each body
      carries its own ``purpose``, so nothing is lost when both exist.
    - A review is an ``assessing`` body (the model's purpose for a judgement of the
      annotation) whose value is the verdict, ``accepted`` or ``rejected``, with the
      reviewer as the body's ``creator`` and the time as its ``created``.
    - ``created``/``modified``/``creator`` are omitted when empty; ``prefix`` and
      ``suffix`` of the quote selector likewise.
    - ``TextPositionSelector`` counts code points: the model's "characters", and
      hamish's own offsets (0-based, end exclusive, line endings as in the file).
    - The annotation id is a URN made of the article's SHA-256 and the hamish id
      (percent-encoded), unique across articles and stable across exports.
    - The target's ``source`` is an absolute IRI, so that RDF gets the article itself and
      not an IRI made up from a relative path: the article's front-matter ``url`` when it
      has one (the article on the web), else ``urn:hamish:sha256:<sha256 of its text>``,
      the same wherever and whenever that text is exported (an edited article gets a new
      one, as its annotation ids do). A ``file:`` IRI was not chosen: it would name one
      machine's folders.
    - The document fields: the article path (as the user named the file), title, source,
      date, SHA-256, url and the article's own tags, note and state have no term in the
      anno.jsonld context; rather than a second context they ride in a plain
      ``"hamish"`` object inside ``target``. JSON consumers (and :func:`read_w3c`)
      read it; a JSON-LD processor drops the undefined key on expansion, which
      leaves a valid Web Annotation.
    - The context: ``@context`` names ``ANNO_CONTEXT``; the same document ships in this
      package (``anno.jsonld``, :func:`anno_context`), so that a consumer offline can
      expand the annotations with a document loader that serves it.

    ``collection=False`` (default): JSON Lines, one complete annotation (with its own
    ``@context``) per line. ``collection=True``: one JSON document, an
    ``AnnotationCollection`` whose embedded ``first`` ``AnnotationPage`` holds all
    ``items`` (without per-item ``@context``, as in the specification's examples)
    and whose ``total`` is written last, so that it is streamed annotation by
    annotation. The collection needs an IRI: ``collection_id`` or a fresh
    ``urn:uuid:``; the page is ``<collection id>#page1``.

    U+0085, U+2028 and U+2029 (allowed raw inside JSON strings) are written as
    ``\\u`` escapes, so that the lines are the same to every splitter
    (``str.splitlines``, JavaScript); so are DEL, the C1 and the bidi controls, which a
    terminal showing the file would obey (``escape_for_terminals``).
    ``ExportReport.records`` counts annotations written.

Import
    :func:`read_w3c` takes the text of a file (or its lines) holding JSON Lines of
    annotations, one annotation, a JSON array of them, an ``AnnotationPage`` or an
    ``AnnotationCollection`` with embedded pages (a page given only by IRI cannot be
    followed and raises ``ValueError``). Tags come from bodies whose purpose is
    ``tagging``, the note from ``commenting`` bodies (or ``bodyValue``); a body
    without purpose counts as a tag when the annotation's motivation is
    ``tagging``, else as note text; an ``assessing`` body whose value is ``accepted`` or
    ``rejected`` is the review (in the record's ``extra["review"]``, which ``hamish
    import`` restores), another ``assessing`` body note text. Offsets come from a
    ``TextPositionSelector`` (``None`` without one), the quote from a
    ``TextQuoteSelector`` (``""`` without one). The article is the target's
    ``hamish.document`` (as hamish writes it), else its ``source``; the ``hamish`` object's
    other keys go to the record's ``extra`` as ``document_*`` keys (``document_tags``,
    ``document_note`` and ``document_state`` are the article's own, which ``hamish import``
    gives back to the article). An annotation with several targets
    yields one imported annotation each.
    A ``linking`` annotation whose targets are two annotation IRIs (as hamish writes
    relations) becomes a relation between the annotations of those ids in the same input
    (direction from ``hamish.from``/``to``, else the target order; type from its
    ``tagging`` body, else ``related``); one naming an annotation not in the input is
    left out.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import IO, Any, TypeGuard
from urllib.parse import quote as percentencode_json
from urllib.parse import unquote

from annotations.formats.base import (
    ExportDocument,
    ExportReport,
    ImportedAnnotation,
    ImportedRelation,
    encode_json,
    escape_for_terminals,
)
from annotations.model import REVIEW_STATES

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The target ``source`` of an article without a front-matter ``url``.
SOURCE_URN_PREFIX = "urn:hamish:sha256:"
#: The file in this package holding the JSON-LD context ``ANNO_CONTEXT`` names.
CONTEXT_FILE = "anno.jsonld"


def anno_context() -> dict[str, Any]:
    """The W3C Web Annotation JSON-LD context document (``{"@context": …}``) shipped with
    hamish, for JSON-LD processors that must not (or cannot) fetch ``ANNO_CONTEXT``."""
    from importlib.resources import files

    data: dict[str, Any] = json.loads(
        files("annotations.formats").joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    )
    return data


_HAMISH_ID = re.compile(r"urn:hamish:[0-9a-fA-F]*:(.+)")


# --------------------------------------------------------------------------------------------
# Export


def write_w3c(
    documents: Iterable[ExportDocument],
    out: IO[str],
    *,
    collection: bool = False,
    collection_id: str | None = None,
) -> ExportReport:
    """Write Web Annotations for the placed annotations of every document to ``out``."""
    report = ExportReport()
    encode = encode_json
    written = 0  # items: annotations, then linking annotations (the collection's total)
    if collection:
        collection_id = collection_id or f"urn:uuid:{uuid.uuid4()}"
        out.write(
            "{"
            f'"@context": {encode(ANNO_CONTEXT)}, "id": {encode(collection_id)}, '
            '"type": "AnnotationCollection", "label": "hamish annotations", '
            f'"first": {{"id": {encode(collection_id + "#page1")}, '
            '"type": "AnnotationPage", "startIndex": 0, "items": ['
        )
    for doc in documents:
        report.documents += 1
        annotations = doc.spans(report)
        if not annotations:
            continue
        hamish = _document_object(doc)
        prefix = f"urn:hamish:{doc.sha256}:"
        context = not collection
        source = source_iri(doc)
        items = [encode(_annotation(a, source, prefix, hamish, context)) for a in annotations]
        relations = doc.relations_between((a.id for a in annotations), report, format="w3c")
        items += [encode(_linking(r, doc.path, prefix, context)) for r in relations]
        if collection:
            chunk = (",\n" if written else "\n") + ",\n".join(items)
        else:
            chunk = "\n".join(items) + "\n"
        out.write(escape_for_terminals(chunk))
        report.records += len(annotations)
        written += len(items)
    if collection:
        out.write(("\n" if written else "") + f']}}, "total": {written}}}\n')
    return report


def source_iri(doc: ExportDocument) -> str:
    """The target's ``source``: the article's front-matter ``url`` when it has one, else
    ``urn:hamish:sha256:<sha256 of the text>`` (stable wherever and whenever the same text
    is exported; see the module docstring)."""
    return doc.url or f"{SOURCE_URN_PREFIX}{doc.sha256}"


def _document_object(doc: ExportDocument) -> dict[str, Any]:
    """The ``hamish`` object of every target of the document (see the module docstring)."""
    return {**doc.fields, **doc.article_keys()}


def _iri(id_prefix: str, identifier: str) -> str:
    """An annotation's (or relation's) IRI: the hamish id after the article's prefix."""
    if identifier.isalnum() and identifier.isascii():
        return id_prefix + identifier
    return id_prefix + percentencode_json(identifier, safe="")


_RELATION_PART = "relation:"  # after the article's prefix in a relation's IRI


def _linking(relation: Any, path: str, id_prefix: str, context: bool) -> dict[str, Any]:
    """A relation as a linking annotation (see the module docstring)."""
    anno: dict[str, Any] = {"@context": ANNO_CONTEXT} if context else {}
    anno["id"] = _iri(id_prefix + _RELATION_PART, relation.id)
    anno["type"] = "Annotation"
    anno["motivation"] = "linking"
    _add_provenance(anno, relation.created, relation.modified, relation.author)
    anno["body"] = [{"type": "TextualBody", "purpose": "tagging", "value": relation.type}]
    source, target = _iri(id_prefix, relation.source), _iri(id_prefix, relation.target)
    anno["target"] = [source, target]
    anno["hamish"] = {"from": source, "to": target, "document": path}
    return anno


def _add_provenance(anno: dict[str, Any], created: str, modified: str, author: str) -> None:
    """An annotation's or a relation's W3C provenance: ``created``, ``modified`` and its
    ``creator`` (a Person), each only when known."""
    if created:
        anno["created"] = created
    if modified:
        anno["modified"] = modified
    if author:
        anno["creator"] = {"type": "Person", "name": author}


def _annotation(
    a: Any, path: str, id_prefix: str, hamish: dict[str, Any], context: bool
) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in a.tags
    ]
    if a.note:
        note = {"type": "TextualBody", "purpose": "commenting", "value": a.note}
        note["format"] = "text/plain"
        body.append(note)
    if a.review is not None:
        body.append(_assessing(a.review))
    anno: dict[str, Any] = {"@context": ANNO_CONTEXT} if context else {}
    anno["id"] = _iri(id_prefix, a.id)
    anno["type"] = "Annotation"
    anno["motivation"] = "commenting" if a.note else "tagging" if a.tags else "highlighting"
    _add_provenance(anno, a.created, a.modified, a.author)
    if body:
        anno["body"] = body
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": a.quote}
    if a.prefix:
        quote["prefix"] = a.prefix
    if a.suffix:
        quote["suffix"] = a.suffix
    anno["target"] = {
        "source": path,
        "selector": [quote, {"type": "TextPositionSelector", "start": a.start, "end": a.end}],
        "hamish": hamish,
    }
    return anno


_ASSESSING = "assessing"  # the Web Annotation purpose of a review body


def _assessing(review: Any) -> dict[str, Any]:
    """A review as an ``assessing`` body (see the module docstring)."""
    body: dict[str, Any] = {"type": "TextualBody", "purpose": _ASSESSING, "value": review.state}
    if review.by:
        body["creator"] = {"type": "Person", "name": review.by}
    if review.at:
        body["created"] = review.at
    return body


def _review(body: dict[str, Any], value: str) -> dict[str, Any]:
    """An ``assessing`` body's verdict as a sidecar ``review`` object."""
    creator = body.get("creator")
    by = creator.get("name") if isinstance(creator, dict) else creator
    at = body.get("created")
    return {
        "state": value,
        "by": by if isinstance(by, str) else "",
        "at": at if isinstance(at, str) else "",
    }


# --------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True, slots=True)
class _Link:
    """A linking annotation read, before its ends are known to be in the input."""

    source: str  # the IRIs of the two annotations
    target: str
    type: str
    id: str | None
    author: str
    created: str
    modified: str


#: A linking annotation's relation type when it has no tagging body.
UNTYPED_RELATION = "related"


def read_w3c(text_or_lines: str | Iterable[str]) -> Iterator[ImportedAnnotation]:
    """Annotations from W3C Web Annotation JSON(-LD): JSON Lines, one document, or a list.

    Raises ``ValueError`` (``"line N: reason"`` for JSON Lines) on bad input. Linking
    annotations become the relations of the annotations they link, so every
    annotation is read before the first is yielded.
    """
    read: list[ImportedAnnotation] = []
    links: list[_Link] = []
    for item in _read_all(text_or_lines):
        if isinstance(item, _Link):
            links.append(item)
        else:
            read.append(item)
    if not links:
        yield from read
        return
    keys = {a.key for a in read if a.key is not None}
    outgoing: dict[str, list[ImportedRelation]] = {}
    for link in links:
        if link.source in keys and link.target in keys:
            outgoing.setdefault(link.source, []).append(
                ImportedRelation(
                    type=link.type,
                    target=link.target,
                    id=link.id,
                    author=link.author,
                    created=link.created,
                    modified=link.modified,
                )
            )
    for annotation in read:
        relations = outgoing.pop(annotation.key, None) if annotation.key is not None else None
        yield replace(annotation, relations=tuple(relations)) if relations else annotation


def _read_all(text_or_lines: str | Iterable[str]) -> Iterator[ImportedAnnotation | _Link]:
    if isinstance(text_or_lines, str):
        text = text_or_lines.removeprefix("\ufeff")
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            # Not one JSON document: JSON Lines (reported line by line below). Split on
            # "\n" only: U+2028 and friends may stand raw inside a JSON string.
            yield from _read_lines(text.split("\n"))
            return
        yield from _from_json(data, "")
        return
    yield from _read_lines(text_or_lines)


def _read_lines(lines: Iterable[str]) -> Iterator[ImportedAnnotation | _Link]:
    """JSON Lines, or a multi-line JSON document when the first line is not complete JSON."""
    iterator = iter(lines)
    first = True
    for number, line in enumerate(iterator, 1):
        if number == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            if not first:
                raise ValueError(f"line {number}: invalid JSON: {error.msg}") from None
            # The first non-blank line is not a whole JSON value: a pretty-printed or
            # multi-line document (such as a collection). Read the rest and parse it.
            whole = "".join(_ends_with_newline([line, *iterator]))
            try:
                data = json.loads(whole)
            except json.JSONDecodeError as whole_error:
                at = number + whole_error.lineno - 1
                raise ValueError(f"line {at}: invalid JSON: {whole_error.msg}") from None
            yield from _from_json(data, "")
            return
        first = False
        yield from _from_json(data, f"line {number}: ")


def _ends_with_newline(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line if line.endswith("\n") else line + "\n"


def _from_json(data: Any, where: str) -> Iterator[ImportedAnnotation | _Link]:
    try:
        yield from _walk(data)
    except ValueError as error:
        raise ValueError(f"{where}{error}") from None


def _types(value: Any) -> set[str]:
    types = value.get("type", value.get("@type")) if isinstance(value, dict) else None
    if isinstance(types, str):
        return {types}
    if isinstance(types, list):
        return {t for t in types if isinstance(t, str)}
    return set()


def _walk(data: Any) -> Iterator[ImportedAnnotation | _Link]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
        return
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object or array")
    types = _types(data)
    if "Annotation" in types:
        yield from _annotation_in(data)
    elif "AnnotationCollection" in types:
        page = data.get("first")
        if page is None:
            return
        while page is not None:
            if not isinstance(page, dict):
                raise ValueError("the collection's pages are not embedded (only their IRI)")
            yield from _page_items(page)
            page = page.get("next")
            if isinstance(page, str):
                raise ValueError("the collection's next page is not embedded (only its IRI)")
    elif "AnnotationPage" in types:
        yield from _page_items(data)
    else:
        raise ValueError("not an Annotation, AnnotationPage or AnnotationCollection")


def _page_items(page: dict[str, Any]) -> Iterator[ImportedAnnotation | _Link]:
    items = page.get("items", [])
    if not isinstance(items, list):
        raise ValueError("the page's 'items' is not a list")
    for item in items:
        yield from _walk(item)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _annotation_in(data: dict[str, Any]) -> Iterator[ImportedAnnotation | _Link]:
    identifier = data.get("id", data.get("@id"))
    hamish_id = None
    if isinstance(identifier, str) and (match := _HAMISH_ID.fullmatch(identifier)):
        hamish_id = unquote(match.group(1))
    motivations = {m for m in _as_list(data.get("motivation")) if isinstance(m, str)}
    tags: list[str] = []
    notes: list[str] = []
    review: dict[str, Any] | None = None
    if isinstance(data.get("bodyValue"), str):
        notes.append(data["bodyValue"])
    for body in _as_list(data.get("body")):
        if not isinstance(body, dict):
            continue  # a body given by IRI only (e.g. a tag's IRI): nothing to read
        value = body.get("value", body.get("rdf:value"))
        if not isinstance(value, str):
            continue
        purposes = {p for p in _as_list(body.get("purpose")) if isinstance(p, str)}
        if _ASSESSING in purposes and value in REVIEW_STATES and review is None:
            review = _review(body, value)
        elif "tagging" in purposes or (not purposes and motivations == {"tagging"}):
            tags.append(value)
        else:
            notes.append(value)
    creator = data.get("creator")
    if isinstance(creator, list):
        creator = creator[0] if creator else None
    if isinstance(creator, dict):
        author = creator.get("name") or creator.get("nickname") or ""
    else:
        author = creator if isinstance(creator, str) else ""
    targets = _as_list(data.get("target"))
    if not targets:
        raise ValueError("an annotation without target")
    if "linking" in motivations and len(targets) == 2 and all(isinstance(t, str) for t in targets):
        yield _link(data, identifier, targets, tags, author)
        return
    for target in targets:
        imported = _imported(target, data, hamish_id, tags, notes, author)
        if review is not None:
            imported = replace(imported, extra={**imported.extra, "review": review})
        yield imported


def _link(
    data: dict[str, Any], identifier: Any, targets: list[str], tags: list[str], author: Any
) -> _Link:
    """A linking annotation between two annotation IRIs (see the module docstring)."""
    source, target = targets
    hamish = data.get("hamish")
    if isinstance(hamish, dict) and {hamish.get("from"), hamish.get("to")} == {source, target}:
        source, target = hamish["from"], hamish["to"]
    relation_id = None
    if isinstance(identifier, str) and (match := _HAMISH_ID.fullmatch(identifier)):
        relation_id = unquote(match.group(1)).removeprefix(_RELATION_PART) or None
    created, modified = data.get("created"), data.get("modified")
    return _Link(
        source=source,
        target=target,
        type=tags[0] if tags else UNTYPED_RELATION,
        id=relation_id,
        author=author if isinstance(author, str) else "",
        created=created if isinstance(created, str) else "",
        modified=modified if isinstance(modified, str) else "",
    )


def _imported(
    target: Any,
    data: dict[str, Any],
    hamish_id: str | None,
    tags: list[str],
    notes: list[str],
    author: str,
) -> ImportedAnnotation:
    extra: dict[str, Any] = {}
    start = end = None
    quote = ""
    if isinstance(target, str):
        document = target
    elif isinstance(target, dict):
        source = target.get("source")
        if isinstance(source, dict):
            source = source.get("id", source.get("@id"))
        if not isinstance(source, str):
            raise ValueError("a target without 'source'")
        hamish = target.get("hamish")
        named = hamish.get("document") if isinstance(hamish, dict) else None
        document = named if isinstance(named, str) and named else source
        for selector in _selectors(target.get("selector")):
            kind = _types(selector)
            if "TextPositionSelector" in kind and start is None:
                s, e = selector.get("start"), selector.get("end")
                if not _integer(s) or not _integer(e):
                    raise ValueError("a TextPositionSelector without integer start and end")
                if not 0 <= s <= e:
                    raise ValueError(f"a TextPositionSelector from {s} to {e}")
                start, end = s, e
            elif "TextQuoteSelector" in kind and not quote:
                exact = selector.get("exact")
                if not isinstance(exact, str):
                    raise ValueError("a TextQuoteSelector without 'exact'")
                quote = exact
                for key in ("prefix", "suffix"):
                    if isinstance(selector.get(key), str):
                        extra[key] = selector[key]
        if isinstance(hamish, dict):
            # The article's fields: ``hamish import`` gives the article its own tags, note
            # and state back (``document_*``) and keeps none of them in an annotation.
            extra.update(
                (k if k.startswith("document_") else f"document_{k}", v)
                for k, v in hamish.items()
                if k != "document"
            )
    else:
        raise ValueError("a target that is neither an IRI nor an object")
    identifier = data.get("id", data.get("@id"))
    if hamish_id is None and isinstance(identifier, str):
        extra["w3c_id"] = identifier
    created, modified = data.get("created"), data.get("modified")
    return ImportedAnnotation(
        document=document,
        key=identifier if isinstance(identifier, str) else None,
        start=start,
        end=end,
        quote=quote,
        tags=tuple(dict.fromkeys(tags)),
        note="\n\n".join(notes),
        author=author if isinstance(author, str) else "",
        created=created if isinstance(created, str) else "",
        modified=modified if isinstance(modified, str) else "",
        id=hamish_id,
        extra=extra,
    )


def _integer(value: Any) -> TypeGuard[int]:
    """An integer in JSON (``true`` is a bool to Python, not an offset)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _selectors(value: Any) -> Iterator[dict[str, Any]]:
    """The target's own selectors (a ``refinedBy`` selector is relative to its parent's
    selection, not to the document, so it is not read)."""
    return (s for s in _as_list(value) if isinstance(s, dict))
