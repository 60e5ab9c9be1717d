"""Recovery files: the annotations a failed save could not write, kept for the next open.

No Textual here: the annotation session writes one when a save fails and removes it
when a later save succeeds; the article screen asks :func:`read_recovery` when the
article opens and offers to restore it.

A recovery file is a whole sidecar (``canonical_json``), written atomically into
``platformdirs.user_data_path("hamish") / "recovery"`` under a name derived from the
article's absolute path (its SHA-256), so two articles of the same name in different
folders never share one. It is read back through the one sidecar parser
(:func:`annotations.parse_sidecar`) and re-anchored to the article's text as it is now.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from annotations import (
    AnnotationSet,
    atomic_write,
    canonical_json,
    merge_sets,
    parse_sidecar,
    reanchor_set,
)
from annotations.sidecar import SidecarError, read_sidecar_bytes
from annotations.store import SIDECAR_SUFFIX

__all__ = [
    "RECOVERY_FOLDER",
    "RecoveryError",
    "merge_recovered",
    "read_recovery",
    "recovery_folder",
    "recovery_path",
    "remove_recovery",
    "write_recovery",
]

APP_NAME = "hamish"
RECOVERY_FOLDER = "recovery"


class RecoveryError(Exception):
    """A recovery file that cannot be written or read: a one-line reason."""


def recovery_folder() -> Path:
    """Where recovery files live: the user data folder's ``recovery``."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / RECOVERY_FOLDER


def recovery_path(article: Path, folder: Path | None = None) -> Path:
    """The recovery file of ``article``: the SHA-256 of its absolute path, as a sidecar."""
    key = str(Path(article).absolute().resolve())
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
    return (folder or recovery_folder()) / f"{digest}{SIDECAR_SUFFIX}"


def write_recovery(article: Path, annotations: AnnotationSet, folder: Path | None = None) -> Path:
    """Keep ``annotations`` in ``article``'s recovery file (atomically); its path.

    Raises :class:`RecoveryError` when it cannot be written either (a full disk).
    """
    path = recovery_path(article, folder)
    try:
        data = canonical_json(annotations).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError) as error:
        raise RecoveryError(f"cannot keep a recovery copy: {error}") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as error:
        raise RecoveryError(
            f"cannot keep a recovery copy in {path.parent}: {error.strerror or error}"
        ) from None
    return path


def read_recovery(article: Path, text: str, folder: Path | None = None) -> AnnotationSet | None:
    """``article``'s recovered annotations re-anchored to ``text``; None: no recovery file.

    Raises :class:`RecoveryError` when the file is there but is not a sidecar hamish
    can open (the reason in one line).
    """
    path = recovery_path(article, folder)
    try:
        raw = read_sidecar_bytes(path, name=path.name)
    except SidecarError as error:
        raise RecoveryError(str(error)) from None
    if raw is None:
        return None
    parsed = parse_sidecar(raw, Path(article).name, name=path.name)
    if parsed.annotations is None or parsed.problem is not None:
        raise RecoveryError(parsed.problem or f"{path.name}: not a sidecar")
    return reanchor_set(parsed.annotations, text)


def remove_recovery(article: Path, folder: Path | None = None) -> bool:
    """Delete ``article``'s recovery file; True if there was one."""
    try:
        recovery_path(article, folder).unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise RecoveryError(f"cannot remove the recovery copy: {error.strerror or error}") from None
    return True


def merge_recovered(current: AnnotationSet, recovered: AnnotationSet) -> AnnotationSet:
    """``recovered`` merged into ``current`` by id: nothing in either is lost; where both
    hold one annotation edited differently, the later edit wins (as a merge on save)."""
    return merge_sets(None, current, recovered)
