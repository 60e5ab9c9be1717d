"""`hamish merge-driver BASE OURS THEIRS [PATH]`: git's merge driver for sidecars.

git runs it (``merge.hamish.driver = hamish merge-driver %O %A %B %P``, set by ``hamish
git-setup``) on each ``*.annotations.json`` both branches changed: ``BASE`` is the common
ancestor's version (an empty file when there is none), ``OURS`` the current branch's,
which the driver overwrites with the result, ``THEIRS`` the branch merged in, ``PATH``
the sidecar's name in the repository (for messages). The three are merged by annotation
id with :func:`annotations.merge.merge_sets`'s rules, conflicts kept
(docs/team.md, "Merge rules"): two different changes of one annotation leave ours with
theirs under its ``conflict`` (docs/sidecar.md, "Conflicts"), and the merge completes.

A side that is not a sidecar hamish can write (not JSON, breaking the format, a newer
format version) stops the driver before anything is written, with one line on stderr
and a non-zero exit: git then reports a conflict on the file and leaves ours in the
work tree, as it does for any merge it cannot make.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotations.errors import EXIT_PROBLEM, HamishError
from annotations.merge import merge_sets
from annotations.model import AnnotationSet
from annotations.sidecar import SidecarError, parse_sidecar, read_sidecar_bytes
from annotations.store import atomic_write, canonical_json
from annotations.validate import SidecarInvalid, validate_sidecar

__all__ = ["MergeRefused", "MergeResult", "merge_files"]


class MergeRefused(HamishError):
    """The driver will not merge: git must report a conflict (exit non-zero, nothing written)."""

    exit_code = EXIT_PROBLEM


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What the driver wrote to OURS."""

    merged: AnnotationSet
    conflicts: tuple[str, ...]  # ids of the annotations left in conflict by this merge


def merge_files(base: Path, ours: Path, theirs: Path, name: str | None = None) -> MergeResult:
    """Merge the sidecar versions at ``base``, ``ours`` and ``theirs``; write ``ours``.

    ``name`` is how messages call the sidecar (git's ``%P``; default: ``ours``'s path).
    Raises :class:`MergeRefused` (nothing written) when a side cannot be merged.
    """
    label = name or str(ours)
    base_set = _read(base, f"{label} (base)", empty_is_none=True)
    ours_set = _read(ours, f"{label} (ours)")
    theirs_set = _read(theirs, f"{label} (theirs)")
    assert ours_set is not None and theirs_set is not None  # empty_is_none only for the base
    before = {a.id for a in ours_set.annotations if a.conflict is not None}
    merged = merge_sets(base_set, ours_set, theirs_set, conflicts=True)
    data = merged.to_json()
    try:
        validate_sidecar(data)
        raw = canonical_json(merged).encode("utf-8")
    except SidecarInvalid as error:  # e.g. offsets of two texts: the article changed on a side
        raise MergeRefused(f"{label}: the merge would not be a valid sidecar ({error})") from None
    except (UnicodeEncodeError, ValueError):
        raise MergeRefused(f"{label}: the merge holds text JSON cannot write") from None
    try:
        atomic_write(ours, raw)
    except OSError as error:
        raise MergeRefused(f"{label}: cannot write: {error.strerror or error}") from None
    conflicts = tuple(
        a.id for a in merged.annotations if a.conflict is not None and a.id not in before
    )
    return MergeResult(merged, conflicts)


def _read(path: Path, label: str, *, empty_is_none: bool = False) -> AnnotationSet | None:
    """The sidecar version at ``path``, or :class:`MergeRefused` saying why it cannot merge."""
    try:
        raw = read_sidecar_bytes(path, name=label)
    except SidecarError as error:
        raise MergeRefused(str(error)) from None
    if raw is None:
        raise MergeRefused(f"{label}: no such file")
    if not raw.strip():
        if empty_is_none:  # git gives an empty base when both branches added the file
            return None
        raise MergeRefused(f"{label}: empty, not a sidecar")
    parsed = parse_sidecar(raw, None, name=label)
    if parsed.problem is not None or parsed.annotations is None:
        raise MergeRefused(parsed.problem or f"{label}: not a sidecar")
    return parsed.annotations
