"""hamish annotations: the model, sidecar store, re-anchoring, history and tagsets.

No Textual here: scripts and other tools can read and write hamish sidecars with
this package alone::

    from annotations import open_sidecar, make_annotation

    text = open("x.txt", encoding="utf-8").read()
    sidecar = open_sidecar("x.txt", text)          # loads x.txt.annotations.json, re-anchored
    note = make_annotation(text, 10, 42, tags=["quote"], author="analyst")
    sidecar.save(sidecar.annotations.added(note))  # atomic, locked, merged with others' changes
"""

# Names load on first use (PEP 562): `import annotations.script` from the layout engine
# must not pull in the store, tagsets and anchoring; `from annotations import X` works as
# before. The TYPE_CHECKING block gives type checkers the same names.

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotations.anchoring import Anchor, anchor
    from annotations.errors import HamishError
    from annotations.history import Change, History, Step, respan
    from annotations.merge import merge_sets
    from annotations.model import (
        FORMAT,
        RELATION_KEYS,
        STATUSES,
        VERSION,
        Annotation,
        AnnotationSet,
        DocumentInfo,
        Relation,
        Status,
        context,
        default_author,
        make_annotation,
        make_relation,
        new_id,
        set_clock,
        text_sha256,
        utc_now,
    )
    from annotations.schema import sidecar_schema
    from annotations.sidecar import ParsedSidecar, parse_sidecar, read_sidecar
    from annotations.store import (
        SIDECAR_SUFFIX,
        Sidecar,
        SidecarError,
        SidecarReadOnly,
        SidecarWriteError,
        atomic_write,
        canonical_json,
        open_sidecar,
        reanchor_set,
        sidecar_path,
    )
    from annotations.tagset import (
        RelationType,
        TagDef,
        Tagset,
        TagsetError,
        find_tagset,
        load_tagset,
    )
    from annotations.validate import SidecarInvalid, validate_sidecar

_WHERE = {
    "Anchor": "annotations.anchoring",
    "Annotation": "annotations.model",
    "AnnotationSet": "annotations.model",
    "Change": "annotations.history",
    "DocumentInfo": "annotations.model",
    "FORMAT": "annotations.model",
    "HamishError": "annotations.errors",
    "History": "annotations.history",
    "ParsedSidecar": "annotations.sidecar",
    "RELATION_KEYS": "annotations.model",
    "Relation": "annotations.model",
    "RelationType": "annotations.tagset",
    "SIDECAR_SUFFIX": "annotations.store",
    "STATUSES": "annotations.model",
    "Sidecar": "annotations.store",
    "SidecarError": "annotations.store",
    "SidecarInvalid": "annotations.validate",
    "SidecarReadOnly": "annotations.store",
    "SidecarWriteError": "annotations.store",
    "Status": "annotations.model",
    "Step": "annotations.history",
    "TagDef": "annotations.tagset",
    "Tagset": "annotations.tagset",
    "TagsetError": "annotations.tagset",
    "VERSION": "annotations.model",
    "anchor": "annotations.anchoring",
    "atomic_write": "annotations.store",
    "canonical_json": "annotations.store",
    "context": "annotations.model",
    "default_author": "annotations.model",
    "find_tagset": "annotations.tagset",
    "load_tagset": "annotations.tagset",
    "make_annotation": "annotations.model",
    "make_relation": "annotations.model",
    "merge_sets": "annotations.merge",
    "new_id": "annotations.model",
    "open_sidecar": "annotations.store",
    "parse_sidecar": "annotations.sidecar",
    "read_sidecar": "annotations.sidecar",
    "reanchor_set": "annotations.store",
    "respan": "annotations.history",
    "set_clock": "annotations.model",
    "sidecar_path": "annotations.store",
    "sidecar_schema": "annotations.schema",
    "text_sha256": "annotations.model",
    "utc_now": "annotations.model",
    "validate_sidecar": "annotations.validate",
}

__all__ = [
    "FORMAT",
    "RELATION_KEYS",
    "SIDECAR_SUFFIX",
    "STATUSES",
    "VERSION",
    "Anchor",
    "Annotation",
    "AnnotationSet",
    "Change",
    "DocumentInfo",
    "HamishError",
    "History",
    "ParsedSidecar",
    "Relation",
    "RelationType",
    "Sidecar",
    "SidecarError",
    "SidecarInvalid",
    "SidecarReadOnly",
    "SidecarWriteError",
    "Status",
    "Step",
    "TagDef",
    "Tagset",
    "TagsetError",
    "anchor",
    "atomic_write",
    "canonical_json",
    "context",
    "default_author",
    "find_tagset",
    "load_tagset",
    "make_annotation",
    "make_relation",
    "merge_sets",
    "new_id",
    "open_sidecar",
    "parse_sidecar",
    "read_sidecar",
    "reanchor_set",
    "respan",
    "set_clock",
    "sidecar_path",
    "sidecar_schema",
    "text_sha256",
    "utc_now",
    "validate_sidecar",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        # A submodule not imported yet (``annotations.store`` after ``import annotations``).
        try:
            return importlib.import_module(f"annotations.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"annotations.{name}":
                raise
            raise AttributeError(f"module 'annotations' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
