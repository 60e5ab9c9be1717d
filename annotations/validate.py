"""Validation of sidecar data against version 1 of the format.

``annotations/schema/sidecar-v1.schema.json`` is the published JSON Schema; this
module checks the same rules by hand (fast enough for 10,000 annotations, no
jsonschema dependency at run time) plus the ones a schema cannot say: ``end`` within
the document's length (except for an orphan, whose last offsets may point into a longer
text it was in), ``quote`` as long as its span, ids unique (annotations' and relations',
each among their own), a ``review`` (on an annotation) and a ``state`` (on the
document) whose verdict or state is one hamish knows. A relation whose ``from`` or
``to`` names no annotation is valid: it is kept and reported, not refused
(``AnnotationSet.dangling_relations``). An annotation's ``conflict`` (a git merge's
other version of it) is an annotation entry of the same id with no conflict of its own.
:func:`unwritable` adds what JSON allows and UTF-8 does not (lone surrogates).
``tests/unit/test_sidecar_schema.py`` keeps the two in agreement.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from annotations.errors import HamishError
from annotations.model import FORMAT, PROGRESSES, REVIEW_STATES, STATUSES, VERSION

_SHA256 = re.compile(r"[0-9a-f]{64}")


class SidecarInvalid(HamishError, ValueError):
    """Sidecar data that breaks the format at ``path`` (a JSON path: ``$.annotations[3].end``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def __reduce__(self) -> tuple[type[SidecarInvalid], tuple[str, str]]:
        return (type(self), (self.path, self.message))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _expect_str(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise SidecarInvalid(path, f"expected a string, got {_kind(value)}")


def _expect_tags(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise SidecarInvalid(path, f"expected an array of strings, got {_kind(value)}")
    for i, tag in enumerate(value):
        if not isinstance(tag, str) or not tag:
            raise SidecarInvalid(f"{path}[{i}]", "expected a non-empty string")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if _is_int(value):
        return "an integer"
    return {dict: "an object", list: "an array", str: "a string", float: "a number"}.get(
        type(value), type(value).__name__
    )


def sidecar_version(data: Any) -> int | None:
    """The format version a parsed sidecar claims, if it looks like one of ours."""
    if isinstance(data, Mapping) and data.get("format") == FORMAT and _is_int(data.get("version")):
        return data["version"]
    return None


def validate_sidecar(data: Any) -> None:
    """Raise :class:`SidecarInvalid` at the first rule ``data`` breaks."""
    if not isinstance(data, dict):
        raise SidecarInvalid("$", f"expected an object, got {_kind(data)}")
    for key in ("format", "version", "document", "annotations"):
        if key not in data:
            raise SidecarInvalid("$", f"missing required key '{key}'")
    if data["format"] != FORMAT:
        raise SidecarInvalid("$.format", f"expected '{FORMAT}'")
    version = data["version"]
    if not _is_int(version) or version < 1:
        raise SidecarInvalid("$.version", "expected a positive integer")
    if version > VERSION:
        raise SidecarInvalid(
            "$.version", f"version {version} is newer than this hamish ({VERSION})"
        )
    length = _validate_document(data["document"])
    annotations = data["annotations"]
    if not isinstance(annotations, list):
        raise SidecarInvalid("$.annotations", f"expected an array, got {_kind(annotations)}")
    seen: set[str] = set()
    for i, entry in enumerate(annotations):
        _validate_annotation(entry, i, length, seen)
    if "relations" in data:
        _validate_relations(data["relations"])


def validate_annotation(entry: Any, length: int) -> None:
    """Raise :class:`SidecarInvalid` if one annotation entry (its JSON form) breaks the format.

    The same rules as inside :func:`validate_sidecar`, for an annotation about to be
    added (e.g. by an import): its path is ``$.annotations[0]``. The entry must also be
    writable (see :func:`unwritable`), keys it does not know included.
    """
    _validate_annotation(entry, 0, length, set())
    for key, value in entry.items():
        problem = unwritable({key: value})
        if problem is not None:
            shown = key.encode("utf-8", "backslashreplace").decode("utf-8")  # the key may be bad
            raise SidecarInvalid(f"$.annotations[0].{shown}", problem)


def unwritable(data: Any) -> str | None:
    """Why ``data`` (parsed JSON) cannot be written back as a sidecar's UTF-8 JSON, or None.

    Valid JSON can hold what UTF-8 cannot: a lone surrogate (a ``\\ud800`` escape), in a
    value or a key; Python's json reads NaN and Infinity, which are not JSON. A file
    nested deeper than Python's recursion limit could be read by a tool but not written
    back by ``json``.
    """
    try:
        json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return "has a lone surrogate (text that is not valid Unicode)"
    except RecursionError:
        return "is nested too deeply"
    except ValueError:  # allow_nan=False: JSON has no NaN or infinity
        return "holds NaN or infinity, which JSON cannot write"
    return None


def _validate_document(document: Any) -> int:
    path = "$.document"
    if not isinstance(document, dict):
        raise SidecarInvalid(path, f"expected an object, got {_kind(document)}")
    for key in ("file", "sha256", "length"):
        if key not in document:
            raise SidecarInvalid(path, f"missing required key '{key}'")
    _expect_str(document["file"], f"{path}.file")
    sha = document["sha256"]
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise SidecarInvalid(f"{path}.sha256", "expected 64 lowercase hex digits")
    length = document["length"]
    if not _is_int(length) or length < 0:
        raise SidecarInvalid(f"{path}.length", "expected an integer >= 0")
    if "tags" in document:
        _expect_tags(document["tags"], f"{path}.tags")
    if "note" in document:
        _expect_str(document["note"], f"{path}.note")
    if "state" in document:
        _validate_mark(document["state"], f"{path}.state", PROGRESSES)
    return length


_MARK_STRINGS = ("by", "at")


def _validate_mark(mark: Any, path: str, states: tuple[str, ...]) -> None:
    """An annotation's ``review`` or the document's ``state``: ``{state, by, at}``."""
    if type(mark) is not dict:
        raise SidecarInvalid(path, f"expected an object, got {_kind(mark)}")
    if "state" not in mark:
        raise SidecarInvalid(path, "missing required key 'state'")
    if mark["state"] not in states:
        raise SidecarInvalid(f"{path}.state", f"expected one of {', '.join(states)}")
    for key in _MARK_STRINGS:
        if key in mark and type(mark[key]) is not str:
            raise SidecarInvalid(f"{path}.{key}", f"expected a string, got {_kind(mark[key])}")


_OPTIONAL_STRINGS = ("prefix", "suffix", "note", "author", "created", "modified", "original_quote")


def _at(index: int, key: str) -> str:
    return f"$.annotations[{index}]" + (f".{key}" if key else "")


def _validate_annotation(entry: Any, index: int, length: int, seen: set[str]) -> None:
    # The success path builds no strings (and no closure): JSON paths only for an error.
    if type(entry) is not dict:
        raise SidecarInvalid(_at(index, ""), f"expected an object, got {_kind(entry)}")
    try:
        annotation_id, start, end, quote = entry["id"], entry["start"], entry["end"], entry["quote"]
    except KeyError as missing:
        raise SidecarInvalid(_at(index, ""), f"missing required key '{missing.args[0]}'") from None
    if type(annotation_id) is not str or not annotation_id:
        raise SidecarInvalid(_at(index, "id"), "expected a non-empty string")
    if annotation_id in seen:
        raise SidecarInvalid(_at(index, "id"), f"duplicate id '{annotation_id}'")
    seen.add(annotation_id)
    if type(start) is not int or start < 0:
        raise SidecarInvalid(_at(index, "start"), "expected an integer >= 0")
    if type(end) is not int or end < start:
        raise SidecarInvalid(_at(index, "end"), "expected an integer >= start")
    # An orphan keeps its last offsets, into the text as it was (DESIGN §2.2): after the
    # article was shortened they may lie past its end, and the file is still valid.
    if end > length and entry.get("status") != "orphaned":
        raise SidecarInvalid(_at(index, "end"), f"{end} is past the document's length {length}")
    if type(quote) is not str:
        raise SidecarInvalid(_at(index, "quote"), f"expected a string, got {_kind(quote)}")
    if len(quote) != end - start:
        raise SidecarInvalid(
            _at(index, "quote"), f"has {len(quote)} characters, the span {end - start}"
        )
    get = entry.get
    for key in _OPTIONAL_STRINGS:
        if type(get(key, "")) is not str:
            raise SidecarInvalid(_at(index, key), f"expected a string, got {_kind(get(key))}")
    if "tags" in entry:
        tags = entry["tags"]
        if type(tags) is not list:
            raise SidecarInvalid(
                _at(index, "tags"), f"expected an array of strings, got {_kind(tags)}"
            )
        for n, tag in enumerate(tags):
            if type(tag) is not str or not tag:
                raise SidecarInvalid(f"{_at(index, 'tags')}[{n}]", "expected a non-empty string")
    if entry.get("status", "anchored") not in STATUSES:
        raise SidecarInvalid(_at(index, "status"), f"expected one of {', '.join(STATUSES)}")
    if "review" in entry:
        _validate_mark(entry["review"], _at(index, "review"), REVIEW_STATES)
    if "curated_from" in entry:
        _validate_curated_from(entry["curated_from"], _at(index, "curated_from"))
    if "conflict" in entry:
        _validate_conflict(entry["conflict"], index, annotation_id)


def _validate_conflict(conflict: Any, index: int, annotation_id: str) -> None:
    """An annotation's ``conflict``: the other side's version of it, left by a git merge
    (docs/sidecar.md, "Conflicts"): an annotation entry of the same id, not itself in
    conflict. Its offsets are not held to this document's length: they are that side's,
    whose text may have been longer."""
    path = _at(index, "conflict")
    if type(conflict) is not dict:
        raise SidecarInvalid(path, f"expected an object, got {_kind(conflict)}")
    if "conflict" in conflict:
        raise SidecarInvalid(f"{path}.conflict", "a conflict's version has no conflict of its own")
    try:
        _validate_annotation(conflict, 0, _ANY_LENGTH, set())
    except SidecarInvalid as error:
        raise SidecarInvalid(path + error.path.removeprefix(_at(0, "")), error.message) from None
    if conflict["id"] != annotation_id:
        raise SidecarInvalid(f"{path}.id", f"expected the annotation's id '{annotation_id}'")


_ANY_LENGTH = 2**63  # a conflict's offsets are its own side's (see _validate_conflict)


def _validate_curated_from(ids: Any, path: str) -> None:
    """An annotation's ``curated_from``: the ids of the annotations it was curated from."""
    if type(ids) is not list or not ids:
        raise SidecarInvalid(path, f"expected a non-empty array of ids, got {_kind(ids)}")
    for n, item in enumerate(ids):
        if type(item) is not str or not item:
            raise SidecarInvalid(f"{path}[{n}]", "expected a non-empty string")


_RELATION_STRINGS = ("author", "created", "modified")


def _validate_relations(relations: Any) -> None:
    if not isinstance(relations, list):
        raise SidecarInvalid("$.relations", f"expected an array, got {_kind(relations)}")
    seen: set[str] = set()
    for index, entry in enumerate(relations):
        path = f"$.relations[{index}]"
        if type(entry) is not dict:
            raise SidecarInvalid(path, f"expected an object, got {_kind(entry)}")
        for key in ("id", "type", "from", "to"):
            if key not in entry:
                raise SidecarInvalid(path, f"missing required key '{key}'")
            value = entry[key]
            if type(value) is not str or not value:
                raise SidecarInvalid(f"{path}.{key}", "expected a non-empty string")
        if entry["id"] in seen:
            raise SidecarInvalid(f"{path}.id", f"duplicate id '{entry['id']}'")
        seen.add(entry["id"])
        for key in _RELATION_STRINGS:
            if key in entry and type(entry[key]) is not str:
                raise SidecarInvalid(f"{path}.{key}", f"expected a string, got {_kind(entry[key])}")
