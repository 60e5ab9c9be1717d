"""spaCy: a ``DocBin`` (``.spacy`` file) of tokenised articles with their spans, and back.

spaCy is an optional extra (``pip install 'hamish[spacy]'``); without it the export and
the import stop with one line saying so (exit 2) and write nothing.

Export
    ``hamish export … --format spacy -o corpus.spacy`` writes one ``Doc`` per article,
    its text the article's exactly (so ``Span.start_char``/``end_char`` are hamish's code
    points), tokenised by ``spacy.blank("xx")``: the multilingual tokenizer splits Arabic
    and Latin punctuation (``،`` ``؟`` ``«»``) alike, so a mixed corpus gets one
    tokenisation; the tokens are stored in the file, so the ``Language`` that reads it
    does not change them. Per ``Doc``:

    - ``doc.spans["hamish"]``: one ``Span`` per annotation and tag (label = the tag; an
      untagged annotation has label ``""``; ``span.id_`` = the hamish id), overlaps and
      nesting kept;
    - ``doc.ents``: the tagged spans that overlap no other span (an annotation with two
      tags overlaps itself, so it is only in ``doc.spans``);
    - ``doc.user_data["hamish"]``: ``document`` (the article's path), ``title``,
      ``source``, ``date``, ``url``, ``sha256``, ``document_tags``, ``document_note``,
      ``document_state``, ``annotations`` (per annotation: ``id``, ``start``, ``end``,
      ``span_start``, ``span_end``, ``tags``, ``note``, ``author``, ``created``,
      ``modified``, ``review``) and ``relations`` (as in the sidecar; spaCy has none).

    spaCy spans are whole tokens: a span that does not fall on token boundaries (half a
    word, ``الاقتصاد`` inside ``والاقتصاد``) is widened with ``Doc.char_span(...,
    alignment_mode="expand")``, with a warning naming it; ``start``/``end`` in
    ``user_data`` keep the exact offsets, ``span_start``/``span_end`` the widened ones.
    A span with no token in it (only spaces) is left out, with a warning. The file is
    written whole at the end (a ``DocBin`` is built in memory) beside ``-o`` and renamed
    over it.

Import
    :func:`read_spacy` reads a ``DocBin``: the spans of ``doc.spans["hamish"]`` (else
    ``doc.ents``), those with the same ``span.id_`` (else the same characters) one
    annotation, their labels its tags in order. A span still where the export put it
    gets back its exact offsets and fields from ``user_data``; a span added or moved in
    spaCy is imported at its characters. The article is ``user_data["hamish"]["document"]``;
    a ``Doc`` without one cannot be placed (``ValueError``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotations.errors import HamishError
from annotations.formats.base import (
    ExportDocument,
    ExportReport,
    ImportedAnnotation,
    ImportedRelation,
    write_replacing,
)

__all__ = ["LANGUAGE", "SPAN_KEY", "USER_DATA_KEY", "read_spacy", "write_spacy"]

SPAN_KEY = "hamish"
USER_DATA_KEY = "hamish"
LANGUAGE = "xx"  # spaCy's multilingual blank pipeline: its tokenizer only

_INSTALL = "pip install 'hamish[spacy]' (or pip install spacy)"


def _spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise HamishError(f"--format spacy needs spaCy: {_INSTALL}") from None
    return spacy


def _short(text: str) -> str:
    return " ".join(text[:40].split())


# --------------------------------------------------------------------------- writing


def write_spacy(documents: Iterable[ExportDocument], target: Path) -> ExportReport:
    """Write every document as one ``Doc`` of a ``DocBin`` at ``target`` (see the module
    docstring); ``report.records`` counts exported annotations."""
    spacy = _spacy()
    from spacy.tokens import DocBin

    target = Path(target)
    if target.is_dir():
        raise HamishError(f"{target}: is a folder (--format spacy writes one .spacy file)")
    nlp = spacy.blank(LANGUAGE)
    docbin = DocBin(store_user_data=True)
    report = ExportReport()
    for document in documents:
        report.documents += 1
        doc, exported = _doc(nlp, document, report)
        docbin.add(doc)
        report.records += exported
    try:
        data = docbin.to_bytes()
    except (ValueError, TypeError, UnicodeError) as error:
        raise HamishError(f"{target}: cannot write the DocBin: {error}") from None
    write_replacing(target, data)
    return report


def _doc(nlp: Any, document: ExportDocument, report: ExportReport) -> tuple[Any, int]:
    doc = nlp.make_doc(document.text)
    spans = []
    records = []
    exported: set[str] = set()
    for a in document.spans(report):
        span_range: tuple[int, int] | None = None
        for label in a.tags or ("",):
            span = doc.char_span(a.start, a.end, label=label, span_id=a.id)
            if span is None:
                span = doc.char_span(
                    a.start, a.end, label=label, span_id=a.id, alignment_mode="expand"
                )
                if span is not None and span_range is None:
                    report.warnings.append(
                        f"{document.path}: annotation {a.id} «{_short(a.quote)}» expanded to "
                        f"spaCy tokens «{_short(span.text)}»"
                    )
            if span is None or not len(span):
                report.warnings.append(
                    f"{document.path}: annotation {a.id} «{_short(a.quote)}» covers no spaCy "
                    "token; not exported"
                )
                break
            spans.append(span)
            span_range = (span.start_char, span.end_char)
        if span_range is None:
            continue
        exported.add(a.id)
        records.append(
            {
                "id": a.id,
                "start": a.start,
                "end": a.end,
                "span_start": span_range[0],
                "span_end": span_range[1],
                "tags": list(a.tags),
                "note": a.note,
                "author": a.author,
                "created": a.created,
                "modified": a.modified,
                "review": a.review.to_json() if a.review is not None else None,
            }
        )
    doc.spans[SPAN_KEY] = spans
    doc.ents = _alone([s for s in spans if s.label_])
    info = document.annotations.document
    relations = document.relations_between(exported, report, format="spacy")
    doc.user_data[USER_DATA_KEY] = {
        **document.fields,
        "url": document.url,
        "document_tags": list(info.tags),
        "document_note": info.note,
        "document_state": info.state.to_json() if info.state is not None else None,
        "annotations": records,
        "relations": [r.to_json() for r in relations],
    }
    return doc, len(records)


def _alone(spans: list[Any]) -> list[Any]:
    """The spans that share no token with another span (what ``doc.ents`` can hold)."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    alone = []
    for index, span in enumerate(ordered):
        before = ordered[index - 1] if index else None
        after = ordered[index + 1] if index + 1 < len(ordered) else None
        if before is not None and before.end > span.start:
            continue
        if after is not None and after.start < span.end:
            continue
        # an earlier, longer span may reach past the one just before
        if any(other.end > span.start for other in ordered[: max(index - 1, 0)]):
            continue
        alone.append(span)
    return alone


# --------------------------------------------------------------------------- reading


def read_spacy(source: Path) -> Iterator[ImportedAnnotation]:
    """Yield the annotations of every ``Doc`` in the ``DocBin`` at ``source``."""
    spacy = _spacy()
    from spacy.tokens import DocBin

    data = Path(source).read_bytes()
    try:
        docs = list(DocBin().from_bytes(data).get_docs(spacy.blank(LANGUAGE).vocab))
    except Exception as error:  # msgpack, zlib and spaCy raise many kinds for a bad file
        raise ValueError(f"not a spaCy DocBin: {type(error).__name__}: {error}") from None
    for number, doc in enumerate(docs, 1):
        yield from _annotations(doc, number)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _annotations(doc: Any, number: int) -> Iterator[ImportedAnnotation]:
    meta = doc.user_data.get(USER_DATA_KEY)
    meta = meta if isinstance(meta, dict) else {}
    document = meta.get("document")
    if not isinstance(document, str) or not document:
        raise ValueError(f"doc {number}: no article path in user_data['{USER_DATA_KEY}']")
    records = {
        r["id"]: r
        for r in meta.get("annotations") or ()
        if isinstance(r, dict) and isinstance(r.get("id"), str)
    }
    spans = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else list(doc.ents)
    first: dict[str, Any] = {}
    tags: dict[str, list[str]] = {}
    for span in spans:
        key = span.id_ or f"span:{span.start_char}:{span.end_char}"
        first.setdefault(key, span)
        labels = tags.setdefault(key, [])
        if span.label_ and span.label_ not in labels:
            labels.append(span.label_)
    outgoing: dict[str, list[ImportedRelation]] = {}
    for relation in meta.get("relations") or ():
        if not isinstance(relation, dict):
            continue
        source, target, kind = (_text(relation.get(k)) for k in ("from", "to", "type"))
        if not (source and target and kind):
            continue
        outgoing.setdefault(source, []).append(
            ImportedRelation(
                type=kind,
                target=target,
                id=_text(relation.get("id")) or None,
                author=_text(relation.get("author")),
                created=_text(relation.get("created")),
                modified=_text(relation.get("modified")),
            )
        )
    article: dict[str, Any] = {
        "document_tags": [t for t in meta.get("document_tags") or () if isinstance(t, str)],
        "document_note": _text(meta.get("document_note")),
    }
    if isinstance(meta.get("document_state"), dict):
        article["document_state"] = dict(meta["document_state"])
    text = doc.text
    for key, span in first.items():
        record = records.get(key)
        start, end = span.start_char, span.end_char
        extra: dict[str, Any] = dict(article)
        if record is not None and (record.get("span_start"), record.get("span_end")) == (
            start,
            end,
        ):
            start, end = record["start"], record["end"]  # exact, not widened to tokens
        if record is not None and isinstance(record.get("review"), dict):
            extra["review"] = dict(record["review"])
        record = record or {}
        yield ImportedAnnotation(
            document=document,
            start=start,
            end=end,
            quote=text[start:end],
            tags=tuple(tags[key]),
            note=_text(record.get("note")),
            author=_text(record.get("author")),
            created=_text(record.get("created")),
            modified=_text(record.get("modified")),
            id=key if not key.startswith("span:") else None,
            extra=extra,
            key=key,
            relations=tuple(outgoing.get(key, ())),
        )
