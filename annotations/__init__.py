"""hamish annotations: the model, sidecar store, re-anchoring, history and tagsets.

No Textual here: scripts and other tools can read and write hamish sidecars with
this package alone::

    from annotations import open_sidecar, make_annotation

    text = open("x.txt", encoding="utf-8").read()
    sidecar = open_sidecar("x.txt", text)          # loads x.txt.annotations.json, re-anchored
    note = make_annotation(text, 10, 42, tags=["quote"], author="analyst")
    sidecar.save(sidecar.annotations.added(note))  # atomic, locked, merged with others' changes
"""

from annotations.anchoring import Anchor, anchor
from annotations.errors import HamishError
from annotations.history import Change, History, Step, respan
from annotations.merge import merge_sets
from annotations.model import (
    FORMAT,
    STATUSES,
    VERSION,
    Annotation,
    AnnotationSet,
    DocumentInfo,
    Status,
    context,
    default_author,
    make_annotation,
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
from annotations.tagset import TagDef, Tagset, TagsetError, find_tagset, load_tagset
from annotations.validate import SidecarInvalid, validate_sidecar

__all__ = [
    "FORMAT",
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
