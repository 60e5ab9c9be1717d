"""The one parser of sidecar files: bytes in, annotations and a verdict out.

Every reader of sidecars — the store (the reader and ``check``), the library listing,
``stats``, exports — goes through :func:`parse_sidecar`, so that they all agree on what a
file holds and on when it must not be overwritten. The policy (DESIGN §2.2, §5):

* not UTF-8, not JSON (or nested too deeply to parse), or breaking the format: no
  annotations, and a problem (the file is left untouched, opened read-only);
* a sidecar of another article (``document.file`` differs): no annotations, a problem;
* a newer format version: read as version 1 when it still validates as one (the
  annotations are shown and counted), else none; a problem either way (never written);
* otherwise the annotations as stored and no problem.

A relation whose end names no annotation (dangling) is no problem in this sense: the file
is valid and stays writable, the relation is kept in the set (and so written back) and
reported from it (``AnnotationSet.dangling_relations``, ``hamish check``), never dropped.

Parsing does not re-anchor: that needs the article's text (:func:`annotations.store.
reanchor_set`); the stored offsets and statuses are what a listing counts.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from annotations.errors import HamishError, one_line
from annotations.model import DEFAULT_PROGRESS, VERSION, AnnotationSet, text_sha256
from annotations.validate import SidecarInvalid, sidecar_version, unwritable, validate_sidecar

__all__ = [
    "ParsedSidecar",
    "SidecarError",
    "SidecarReadOnly",
    "SidecarSummary",
    "SidecarWriteError",
    "parse_sidecar",
    "read_sidecar",
    "read_sidecar_bytes",
    "read_sidecar_summary",
    "settled_annotations",
    "summarize_sidecar_bytes",
]

_UNTOUCHED = "left untouched (read-only)"


class SidecarError(HamishError):
    """A sidecar problem for the user: one line naming the file."""


class SidecarReadOnly(SidecarError):
    """Saving is refused: the sidecar on disk must not be overwritten."""


class SidecarWriteError(SidecarError):
    """The sidecar could not be written (permissions, disk full, lock timeout)."""


@dataclass(frozen=True, slots=True)
class ParsedSidecar:
    """What one sidecar file holds, as stored."""

    annotations: AnnotationSet | None  # None: nothing usable in the file
    problem: str | None = None  # one line: why the file must not be overwritten
    version: int | None = None  # the format version the file claims, when it is ours

    @property
    def count(self) -> int:
        """How many annotations the reader shows (and every command counts)."""
        return 0 if self.annotations is None else len(self.annotations)


def parse_sidecar(raw: bytes, article_file: str | None, *, name: str) -> ParsedSidecar:
    """Parse the bytes of a sidecar named ``name`` (for messages) of ``article_file``.

    With ``article_file`` None (a listing that does not know it), the file name in the
    sidecar is not checked.
    """
    checked = _checked(raw, article_file, name)
    if checked.data is None:
        return ParsedSidecar(None, checked.problem, checked.version)
    loaded = AnnotationSet.from_json(checked.data)
    if checked.problem is not None and checked.version is not None:
        loaded = replace(loaded, version=checked.version)  # newer: kept read-only
    return ParsedSidecar(loaded, checked.problem, checked.version)


@dataclass(frozen=True, slots=True)
class SidecarSummary:
    """What a listing shows of a sidecar: counts, tags and the article's state, the same
    verdict as the parser."""

    count: int  # the annotations the reader shows
    orphaned: int
    tags: tuple[tuple[str, ...], ...]  # each annotation's tags, then the document's
    problem: str | None = None
    state: str = DEFAULT_PROGRESS  # document.state's state (to do when not set or unusable)


def summarize_sidecar_bytes(raw: bytes, article_file: str | None, *, name: str) -> SidecarSummary:
    """:func:`parse_sidecar`'s counts, without building the annotations: a library
    listing reads every sidecar of the library and needs only these."""
    checked = _checked(raw, article_file, name)
    data = checked.data
    if data is None:
        return SidecarSummary(0, 0, (), checked.problem)
    entries = data["annotations"]
    tags = [tuple(entry.get("tags", ())) for entry in entries]
    tags.append(tuple(data["document"].get("tags", ())))
    orphaned = sum(1 for entry in entries if entry.get("status") == "orphaned")
    state = data["document"].get("state")  # validated: {"state": one of PROGRESSES, …}
    return SidecarSummary(
        len(entries),
        orphaned,
        tuple(tags),
        checked.problem,
        state["state"] if state is not None else DEFAULT_PROGRESS,
    )


def settled_annotations(
    raw: bytes, article_file: str | None, text: str, *, name: str
) -> list[dict[str, Any]] | None:
    """The validated annotation records of the sidecar ``raw``, in the model's order
    (start, end, id), when loading it for the article's ``text`` would change none of
    them: it parses with no problem, its document hash is the text's and every quote is at
    its offsets, so re-anchoring keeps the set as it is (store.reanchor_set). None
    otherwise: the caller loads it through the store. The search index reads thousands of
    sidecars and needs only their fields."""
    checked = _checked(raw, article_file, name)
    data = checked.data
    if data is None or checked.problem is not None:
        return None
    if data["document"].get("sha256") != text_sha256(text):
        return None
    entries: list[dict[str, Any]] = data["annotations"]
    if any(text[e["start"] : e["end"]] != e["quote"] for e in entries):
        return None
    return sorted(entries, key=lambda e: (e["start"], e["end"], e["id"]))


@dataclass(frozen=True, slots=True)
class _Checked:
    data: dict[str, Any] | None  # validated sidecar data (as version 1), or None
    problem: str | None = None
    version: int | None = None


def _checked(raw: bytes, article_file: str | None, name: str) -> _Checked:
    """The parser's policy (this module's docstring) on ``raw``: the validated data or why not."""
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_not_json)
    except UnicodeDecodeError:
        return _Checked(None, f"{name}: not UTF-8 text; {_UNTOUCHED}")
    except json.JSONDecodeError as error:
        reason = f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        return _Checked(None, one_line(f"{name}: {reason}; {_UNTOUCHED}"))
    except RecursionError:
        return _Checked(None, f"{name}: not valid JSON (nested too deeply); {_UNTOUCHED}")
    except ValueError as error:  # NaN/Infinity, or a number of thousands of digits
        reason = str(error).split(";")[0]
        return _Checked(None, one_line(f"{name}: not valid JSON ({reason}); {_UNTOUCHED}"))
    # JSON escapes can carry lone surrogates that UTF-8 cannot: such a file would open and
    # then refuse every save. Only a file with \\u escapes needs the check (hamish writes
    # none but for control characters), and one scan for them is cheap.
    if b"\\u" in raw:
        problem = unwritable(data)
        if problem is not None:
            return _Checked(None, f"{name}: {problem}; {_UNTOUCHED}", sidecar_version(data))
    version = sidecar_version(data)
    newer: str | None = None
    if version is not None and version > VERSION:
        newer = f"{name}: written by a newer hamish (format version {version}); opened read-only"
        data = {**data, "version": VERSION}
    try:
        validate_sidecar(data)
    except SidecarInvalid as error:
        return _Checked(None, newer or one_line(f"{name}: {error}; {_UNTOUCHED}"), version)
    except RecursionError:  # valid JSON nested deeper than validation can walk
        return _Checked(None, f"{name}: nested too deeply; {_UNTOUCHED}", version)
    document_file = data["document"]["file"]
    if article_file is not None and document_file != article_file:
        reason = f"belongs to '{document_file}', not '{article_file}'; {_UNTOUCHED}"
        return _Checked(None, one_line(f"{name}: {reason}"), version)
    return _Checked(data, newer, version)


def _not_json(constant: str) -> None:
    """Python's json reads NaN and Infinity, which are not JSON: written back, no other
    tool could read the file."""
    raise ValueError(f"{constant} is not a JSON number")


def read_sidecar_bytes(path: Path, *, name: str | None = None) -> bytes | None:
    """The bytes of the sidecar at ``path``; None when there is none.

    Raises :class:`SidecarError` (one line, naming the file as ``name``, default its
    path) when it exists but cannot be read.
    """
    label = str(path) if name is None else name
    try:
        # A FIFO or a device would block the reader (or never end): never opened.
        if not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():
            raise SidecarError(f"{label}: not a regular file, not a sidecar")
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise SidecarError(f"{label}: is a folder, not a sidecar") from None
    except OSError as error:
        raise SidecarError(one_line(f"{label}: cannot read: {error.strerror or error}")) from None


def read_sidecar(path: Path, article_file: str | None) -> ParsedSidecar | None:
    """Read and parse the sidecar at ``path``; None when there is none.

    A file that exists but cannot be read is a :class:`ParsedSidecar` with no
    annotations and the reason as its problem. Messages name the file as ``path.name``,
    like the parser's.
    """
    try:
        raw = read_sidecar_bytes(path, name=path.name)
    except SidecarError as error:
        return ParsedSidecar(None, str(error))
    if raw is None:
        return None
    return parse_sidecar(raw, article_file, name=path.name)


def read_sidecar_summary(path: Path, article_file: str | None) -> SidecarSummary | None:
    """:func:`read_sidecar`'s counts and verdict (:func:`summarize_sidecar_bytes`)."""
    try:
        raw = read_sidecar_bytes(path, name=path.name)
    except SidecarError as error:
        return SidecarSummary(0, 0, (), str(error))
    if raw is None:
        return None
    return summarize_sidecar_bytes(raw, article_file, name=path.name)
