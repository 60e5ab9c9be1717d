"""INCEpTION (and any UIMA tool): UIMA CAS XMI written and read through dkpro-cassis.

Export
    ``hamish export … --format inception -o FOLDER`` writes ``FOLDER/NAME.xmi`` per article
    (``NAME`` is :attr:`ExportDocument.name`) and ``FOLDER/TypeSystem.xml``, each file
    written beside and renamed into place. A folder, not a zip: INCEpTION imports XMI
    documents one by one (format "UIMA CAS XMI (XML 1.0)"), and ``zip -j x.zip FOLDER/*``
    makes the zip of a bulk upload when wanted. The CAS holds:

    - the article text exactly as the sofa string (``\\r`` kept, as ``&#13;``);
    - ``de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData`` over the whole
      text (``documentTitle``, ``documentId`` = NAME, ``documentUri`` = the article's
      path), the document annotation INCEpTION and DKPro Core read;
    - ``webanno.custom.HamishArticle`` (a ``uima.cas.AnnotationBase``, no span): the
      article's ``path``, ``source``, ``date``, ``url``, ``sha256``, ``tags`` (a string
      array), ``note`` and progress (``state``, ``stateBy``, ``stateAt``);
    - ``webanno.custom.Hamish``, an INCEpTION custom span layer: one span per annotation
      and tag (an annotation with two tags is two spans over the same text, in tag order;
      an untagged one is one span without ``label``), string features ``label`` (the tag),
      ``note``, ``hamishId``, ``author``, ``created``, ``modified``, ``reviewState``,
      ``reviewBy``, ``reviewAt``;
    - ``webanno.custom.HamishRelation``, a relation layer on it (INCEpTION's convention:
      ``Governor`` the source's first span, ``Dependent`` the target's, the relation over
      the target's text): ``label`` (the type), ``hamishId``, ``author``, ``created``,
      ``modified``.

Offsets
    UIMA counts UTF-16 code units (Java strings): in the XMI an emoji before a span moves
    it by two, not one. cassis converts both ways (code points in Python, UTF-16 in the
    file), so every span's covered text in the CAS is exactly the annotation's quote.

Text that XML 1.0 cannot hold (C0 controls other than tab and line ends, lone
surrogates) makes that article's XMI impossible: it is left out with a warning.

Import
    :func:`read_inception` reads such a folder, one ``.xmi`` (with ``TypeSystem.xml``
    beside it) or a zip of them (an INCEpTION document export). A type named ``Hamish``
    in any namespace is the span layer (``custom.Hamish`` of newer INCEpTION releases
    too); spans with the same ``hamishId`` (else the same offsets) are one annotation,
    their labels its tags in file order. Types the type system does not know are skipped
    (cassis's lenient mode), so an XMI holding INCEpTION's own layers reads. The document
    is ``HamishArticle.path``, else ``DocumentMetaData.documentTitle`` (INCEpTION puts the
    document's name there), else the file's name.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
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

# cassis ships no type information: its objects are ``Any`` here.
Cas = Any
TypeSystem = Any

__all__ = [
    "ARTICLE_TYPE",
    "METADATA_TYPE",
    "RELATION_TYPE",
    "SPAN_TYPE",
    "TYPESYSTEM_FILE",
    "read_inception",
    "typesystem",
    "write_inception",
]

SPAN_TYPE = "webanno.custom.Hamish"
RELATION_TYPE = "webanno.custom.HamishRelation"
ARTICLE_TYPE = "webanno.custom.HamishArticle"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
TYPESYSTEM_FILE = "TypeSystem.xml"

_STRING = "uima.cas.String"
_SPAN_FEATURES = (
    "label",
    "note",
    "hamishId",
    "author",
    "created",
    "modified",
    "reviewState",
    "reviewBy",
    "reviewAt",
)
_RELATION_FEATURES = ("label", "hamishId", "author", "created", "modified")
_ARTICLE_FEATURES = (
    "path",
    "source",
    "date",
    "url",
    "sha256",
    "note",
    "state",
    "stateBy",
    "stateAt",
)
_METADATA_FEATURES = ("documentTitle", "documentId", "documentUri")


def _cassis() -> Any:
    try:
        import cassis  # type: ignore[import-untyped]
    except ImportError:  # a core dependency: only a broken install lacks it
        raise HamishError(
            "--format inception needs dkpro-cassis: pip install dkpro-cassis"
        ) from None
    return cassis


def typesystem() -> TypeSystem:
    """The type system of hamish's CAS (see the module docstring)."""
    cassis = _cassis()
    ts = cassis.TypeSystem()
    metadata = ts.create_type(METADATA_TYPE, supertypeName="uima.tcas.DocumentAnnotation")
    for name in _METADATA_FEATURES:
        ts.create_feature(metadata, name, _STRING)
    article = ts.create_type(
        ARTICLE_TYPE,
        supertypeName="uima.cas.AnnotationBase",
        description="hamish: the article's own fields, tags and note",
    )
    for name in _ARTICLE_FEATURES:
        ts.create_feature(article, name, _STRING)
    ts.create_feature(article, "tags", "uima.cas.StringArray", elementType=_STRING)
    span = ts.create_type(SPAN_TYPE, description="hamish: one annotation and tag")
    for name in _SPAN_FEATURES:
        ts.create_feature(span, name, _STRING)
    relation = ts.create_type(RELATION_TYPE, description="hamish: a typed relation")
    ts.create_feature(relation, "Governor", SPAN_TYPE)
    ts.create_feature(relation, "Dependent", SPAN_TYPE)
    for name in _RELATION_FEATURES:
        ts.create_feature(relation, name, _STRING)
    return ts


# --------------------------------------------------------------------------- writing


def write_inception(documents: Iterable[ExportDocument], folder: Path) -> ExportReport:
    """Write ``folder/NAME.xmi`` per document and ``folder/TypeSystem.xml``.

    ``report.records`` counts exported annotations (not spans).
    """
    cassis = _cassis()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise HamishError(f"{folder}: not a folder (--format inception writes a folder)")
    folder.mkdir(parents=True, exist_ok=True)
    ts = typesystem()
    report = ExportReport()
    for document in documents:
        report.documents += 1
        cas, exported = _cas(cassis, ts, document, report)
        try:
            xmi = cas.to_xmi()
        except ValueError:  # lxml: text that XML 1.0 cannot hold (a form feed, a control)
            # Each such character becomes U+FFFD, one code point for one: every offset
            # holds; only a span over one of them no longer covers its quote exactly.
            cas, exported = _cas(cassis, ts, _xml_safe_document(document), report)
            try:
                xmi = cas.to_xmi()
            except ValueError as error:
                report.warnings.append(f"{document.path}: not exported to inception: {error}")
                continue
            report.warnings.append(
                f"{document.path}: characters XML cannot hold (controls) written as U+FFFD"
            )
        write_replacing(folder / f"{document.name}.xmi", xmi.encode("utf-8"))
        report.records += exported
    write_replacing(folder / TYPESYSTEM_FILE, ts.to_xml().encode("utf-8"))
    return report


# What XML 1.0 refuses (its Char production): the C0 controls but tab, line feed and
# carriage return, the surrogates, U+FFFE and U+FFFF.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_XML_RE.sub("\ufffd", value)
    if isinstance(value, tuple):
        return tuple(_xml_safe(v) for v in value)
    return value


def _xml_safe_document(document: ExportDocument) -> ExportDocument:
    """``document`` with every character XML 1.0 refuses written as U+FFFD, in its text and
    in every string of its annotations and article fields (offsets unchanged)."""
    annotations = document.annotations
    safe_annotations = [
        replace(a, **{f.name: _xml_safe(getattr(a, f.name)) for f in fields(a)})
        for a in annotations.annotations
    ]
    info = annotations.document
    safe_info = replace(info, tags=_xml_safe(info.tags), note=_xml_safe(info.note))
    return replace(
        document,
        text=_xml_safe(document.text),
        title=_xml_safe(document.title),
        source=_xml_safe(document.source),
        date=_xml_safe(document.date),
        annotations=replace(annotations, document=safe_info, annotations=tuple(safe_annotations)),
    )


def _cas(
    cassis: Any, ts: TypeSystem, document: ExportDocument, report: ExportReport
) -> tuple[Cas, int]:
    text = document.text
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = text
    cas.sofa_mime = "text/plain"
    info = document.annotations.document
    cas.add(
        ts.get_type(METADATA_TYPE)(
            begin=0,
            end=len(text),
            documentTitle=document.title,
            documentId=document.name,
            documentUri=document.path,
        )
    )
    strings = ts.get_type("uima.cas.StringArray")
    cas.add(
        ts.get_type(ARTICLE_TYPE)(
            path=document.path,
            source=document.source,
            date=document.date,
            url=document.url,
            sha256=document.sha256,
            note=info.note or None,
            tags=strings(elements=list(info.tags)),
            state=info.state.state if info.state else None,
            stateBy=(info.state.by or None) if info.state else None,
            stateAt=(info.state.at or None) if info.state else None,
        )
    )
    span_type = ts.get_type(SPAN_TYPE)
    first: dict[str, Any] = {}  # annotation id -> its first span (a relation's end)
    exported = 0
    for a in document.spans(report):
        review = a.review
        fields = {
            "note": a.note or None,
            "hamishId": a.id,
            "author": a.author or None,
            "created": a.created or None,
            "modified": a.modified or None,
            "reviewState": review.state if review else None,
            "reviewBy": (review.by or None) if review else None,
            "reviewAt": (review.at or None) if review else None,
        }
        for label in a.tags or (None,):
            span = span_type(begin=a.start, end=a.end, label=label, **fields)
            cas.add(span)
            first.setdefault(a.id, span)
        exported += 1
    relation_type = ts.get_type(RELATION_TYPE)
    for r in document.relations_between(first, report, format="inception"):
        target = first[r.target]
        cas.add(
            relation_type(
                begin=target.begin,
                end=target.end,
                Governor=first[r.source],
                Dependent=target,
                label=r.type,
                hamishId=r.id,
                author=r.author or None,
                created=r.created or None,
                modified=r.modified or None,
            )
        )
    return cas, exported


# --------------------------------------------------------------------------- reading


def read_inception(source: Path) -> Iterator[ImportedAnnotation]:
    """Yield the annotations of every XMI in ``source`` (see the module docstring)."""
    cassis = _cassis()
    source = Path(source)
    for name, xmi, ts_xml in _sources(source):
        try:
            ts = cassis.load_typesystem(ts_xml.decode("utf-8")) if ts_xml else typesystem()
            cas = cassis.load_cas_from_xmi(xmi.decode("utf-8"), typesystem=ts, lenient=True)
        except HamishError:
            raise
        except Exception as error:  # lxml and cassis raise many kinds for a bad file
            raise ValueError(f"{name}: not a UIMA CAS XMI: {error}") from None
        yield from _annotations(cas, name)


def _typesystem_name(names: Iterable[str]) -> str | None:
    for name in names:
        if Path(name).name.lower() == TYPESYSTEM_FILE.lower():
            return name
    return None


def _sources(source: Path) -> Iterator[tuple[str, bytes, bytes | None]]:
    """(name, XMI bytes, type system bytes or None) for each XMI of the folder, file or zip."""
    if source.is_dir():
        ts_name = _typesystem_name(p.name for p in source.iterdir())
        ts_xml = (source / ts_name).read_bytes() if ts_name else None
        xmis = sorted(source.glob("*.xmi"))
        if not xmis:
            raise ValueError("no .xmi files in the folder")
        for path in xmis:
            yield path.name, path.read_bytes(), ts_xml
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            member_name = _typesystem_name(names)
            ts_xml = archive.read(member_name) if member_name else None
            members = sorted(n for n in names if n.lower().endswith(".xmi"))
            if not members:
                raise ValueError("no .xmi files in the zip")
            for member in members:
                yield Path(member).name, archive.read(member), ts_xml
    else:
        ts_name = _typesystem_name(p.name for p in source.parent.iterdir())
        ts_xml = (source.parent / ts_name).read_bytes() if ts_name else None
        yield source.name, source.read_bytes(), ts_xml


def _string(fs: Any, feature: str) -> str:
    if fs.type.get_feature(feature) is None:
        return ""
    value = getattr(fs, feature, None)
    return value if isinstance(value, str) else ""


def _named(cas: Cas, short: str) -> Any:
    """The type called ``short`` in any namespace (``webanno.custom.Hamish``,
    ``custom.Hamish``), or None."""
    for candidate in cas.typesystem.get_types():
        if candidate.name.rsplit(".", 1)[-1] == short:
            return candidate
    return None


def _article_fields(cas: Cas) -> dict[str, Any]:
    """The article's own tags, note and state (as ``hamish import`` takes them from a
    record's ``document_tags``, ``document_note``, ``document_state``)."""
    article = _named(cas, "HamishArticle")
    for fs in cas.select(article) if article is not None else ():
        fields: dict[str, Any] = {}
        tags = getattr(fs, "tags", None) if fs.type.get_feature("tags") is not None else None
        elements = getattr(tags, "elements", None) or []
        fields["document_tags"] = [t for t in elements if isinstance(t, str) and t]
        fields["document_note"] = _string(fs, "note")
        if _string(fs, "state"):
            fields["document_state"] = {
                "state": _string(fs, "state"),
                "by": _string(fs, "stateBy"),
                "at": _string(fs, "stateAt"),
            }
        return fields
    return {}


def _document_name(cas: Cas, name: str) -> str:
    article = _named(cas, "HamishArticle")
    for fs in cas.select(article) if article is not None else ():
        if _string(fs, "path"):
            return _string(fs, "path")
    metadata = _named(cas, "DocumentMetaData")
    if metadata is not None:
        for fs in cas.select(metadata):
            for feature in ("documentTitle", "documentId"):
                if _string(fs, feature):
                    return _string(fs, feature)
    return name.removesuffix(".xmi")


def _annotations(cas: Cas, name: str) -> Iterator[ImportedAnnotation]:
    text = cas.sofa_string or ""
    document = _document_name(cas, name)
    span_type = _named(cas, "Hamish")
    if span_type is None:
        return
    first: dict[str, Any] = {}  # group key -> its first span (the fields' carrier)
    tags: dict[str, list[str]] = {}
    key_of: dict[int, str] = {}  # id() of a span -> its group
    for span in cas.select(span_type):
        key = _string(span, "hamishId") or f"span:{span.begin}:{span.end}"
        first.setdefault(key, span)
        labels = tags.setdefault(key, [])
        label = _string(span, "label")
        if label and label not in labels:
            labels.append(label)
        key_of[id(span)] = key
    relations: dict[str, list[ImportedRelation]] = {}
    relation_type = _named(cas, "HamishRelation")
    for link in cas.select(relation_type) if relation_type is not None else ():
        source = key_of.get(id(getattr(link, "Governor", None)))
        target = key_of.get(id(getattr(link, "Dependent", None)))
        if source is None or target is None or not _string(link, "label"):
            continue
        relations.setdefault(source, []).append(
            ImportedRelation(
                type=_string(link, "label"),
                target=target,
                id=_string(link, "hamishId") or None,
                author=_string(link, "author"),
                created=_string(link, "created"),
                modified=_string(link, "modified"),
            )
        )
    article = _article_fields(cas)
    for key, span in first.items():
        extra: dict[str, Any] = dict(article)
        state = _string(span, "reviewState")
        if state:
            extra["review"] = {
                "state": state,
                "by": _string(span, "reviewBy"),
                "at": _string(span, "reviewAt"),
            }
        yield ImportedAnnotation(
            document=document,
            start=span.begin,
            end=span.end,
            quote=text[span.begin : span.end],
            tags=tuple(tags[key]),
            note=_string(span, "note"),
            author=_string(span, "author"),
            created=_string(span, "created"),
            modified=_string(span, "modified"),
            id=_string(span, "hamishId") or None,
            extra=extra,
            key=key,
            relations=tuple(relations.get(key, ())),
        )
