"""Sidecar files: where they live, how they are read, and saves that never lose data.

A save writes a temporary file in the same folder, flushes, fsyncs and renames it
over the sidecar, under a lock; if the sidecar changed on disk since this process
read it, the two versions are merged by id first (:mod:`annotations.merge`). A
sidecar that does not parse, breaks the format, belongs to another article or was
written by a newer hamish is never overwritten: it is opened read-only with the
reason. A failed save raises :class:`SidecarWriteError` and changes nothing in
memory, so the caller keeps the work.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from annotations.anchoring import Stored, anchor_all
from annotations.merge import merge_sets
from annotations.model import AnnotationSet, context, text_sha256
from annotations.sidecar import (
    SidecarError,
    SidecarReadOnly,
    SidecarWriteError,
    parse_sidecar,
    read_sidecar_bytes,
)
from annotations.validate import SidecarInvalid, validate_sidecar

__all__ = [
    "LOCK_TIMEOUT",
    "SIDECAR_SUFFIX",
    "STALE_TEMPORARY_AGE",
    "DiskChange",
    "DiskStamp",
    "Sidecar",
    "SidecarError",
    "SidecarReadOnly",
    "SidecarWriteError",
    "atomic_write",
    "canonical_json",
    "disk_stamp",
    "file_mode_for",
    "open_sidecar",
    "reanchor_set",
    "remove_stale_temporaries",
    "sidecar_path",
]

SIDECAR_SUFFIX = ".annotations.json"
LOCK_TIMEOUT = 10.0


def sidecar_path(
    article: str | Path,
    annotations_dir: str | Path | None = None,
    library_root: str | Path | None = None,
) -> Path:
    """Where the annotations of ``article`` live (DESIGN §2.2).

    Next to the article as ``NAME.annotations.json``; with ``annotations_dir`` (for
    read-only archives), at ``DIR/<path relative to the library>.annotations.json``.
    """
    article = Path(article)
    if annotations_dir is None:
        return article.with_name(article.name + SIDECAR_SUFFIX)
    root = Path(library_root) if library_root is not None else article.parent
    try:
        relative = article.resolve().relative_to(root.resolve())
    except ValueError:
        relative = Path(article.name)
    return Path(annotations_dir) / relative.with_name(relative.name + SIDECAR_SUFFIX)


def canonical_json(annotations: AnnotationSet) -> str:
    """The sidecar text: readable Arabic, 2-space indent, stable order, final newline."""
    return _dumps(annotations.to_json())


def _dumps(data: dict[str, object]) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\\n"``, faster.

    The standard library encodes with ``indent`` in pure Python (a save of 10,000
    annotations spent most of its time there). The same bytes come from writing the
    layout here and each string with the C string encoder that ``json.dumps`` itself
    uses; any other value (a float, nested data in a key hamish does not know) goes
    through ``json.dumps`` with the same options, its lines indented to where it sits.
    So NaN and infinity are refused (ValueError) and lone surrogates pass through to
    the UTF-8 encode, which refuses them, exactly as before. ``tests/unit/
    test_canonical_writer.py`` checks byte equality with ``json.dumps`` on generated data.
    """
    return _value(data, "\n") + "\n"


_encode_string = json.encoder.encode_basestring  # the C one when the accelerator is there


def _fallback(value: object, newline: str) -> str:
    # allow_nan=False: a NaN would make a file no JSON reader opens (validation says why).
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    return text.replace("\n", newline) if newline != "\n" else text


#: The keys of an annotation as ``Annotation.to_json`` writes them (without the optional ones).
_ANNOTATION_KEYS = (
    "id", "start", "end", "quote", "prefix", "suffix", "tags",
    "note", "author", "created", "modified", "status",
)  # fmt: skip
_ANNOTATION_TEMPLATE = (
    "{\n      " + ",\n      ".join(f'"{key}": %s' for key in _ANNOTATION_KEYS) + "%s\n    }"
)


def _annotations(items: list[object]) -> str:
    """The ``annotations`` list, at its place in the sidecar: one template an annotation."""
    if not items:
        return "[]"
    encode = _encode_string
    parts = []
    for item in items:
        if type(item) is dict:
            keys = tuple(item)
            simple = keys[:12] == _ANNOTATION_KEYS and len(keys) <= 13
            tags = item.get("tags")
            if (
                simple
                and type(item["start"]) is int
                and type(item["end"]) is int
                and type(tags) is list
            ):
                try:
                    if tags:
                        shown = (
                            "[\n        "
                            + ",\n        ".join([encode(tag) for tag in tags])
                            + "\n      ]"
                        )
                    else:
                        shown = "[]"
                    rest = ""
                    if len(keys) == 13:
                        last = keys[12]
                        rest = f",\n      {encode(last)}: {_value(item[last], _INNER)}"
                    parts.append(
                        _ANNOTATION_TEMPLATE
                        % (
                            encode(item["id"]),
                            int.__repr__(item["start"]),
                            int.__repr__(item["end"]),
                            encode(item["quote"]),
                            encode(item["prefix"]),
                            encode(item["suffix"]),
                            shown,
                            encode(item["note"]),
                            encode(item["author"]),
                            encode(item["created"]),
                            encode(item["modified"]),
                            encode(item["status"]),
                            rest,
                        )
                    )
                    continue
                except TypeError:  # a value that is not a string: the general way
                    pass
        parts.append(_value(item, "\n    "))
    return "[\n    " + ",\n    ".join(parts) + "\n  ]"


_INNER = "\n      "  # where an annotation's keys start


def _value(value: object, newline: str) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it where its lines start with ``newline``."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)  # type: ignore[arg-type]
    if kind is int:
        return int.__repr__(value)
    if kind is list:
        items: list[object] = value  # type: ignore[assignment]
        if not items:
            return "[]"
        inner = newline + "  "
        if all(type(item) is str for item in items):
            parts = [_encode_string(item) for item in items]  # type: ignore[arg-type]
        else:
            parts = [_value(item, inner) for item in items]
        return "[" + inner + ("," + inner).join(parts) + newline + "]"
    if kind is dict:
        mapping: dict[object, object] = value  # type: ignore[assignment]
        if not mapping:
            return "{}"
        if not all(type(key) is str for key in mapping):
            return _fallback(value, newline)  # json.dumps's own key conversions
        inner = newline + "  "
        fields = [
            _encode_string(key)  # type: ignore[arg-type]
            + ": "
            + (
                _annotations(item)
                if key == "annotations" and newline == "\n" and type(item) is list
                else _value(item, inner)
            )
            for key, item in mapping.items()
        ]
        return "{" + inner + ("," + inner).join(fields) + newline + "}"
    return _fallback(value, newline)


def _writable(annotations: AnnotationSet, path: Path) -> bytes:
    """The bytes of ``annotations`` as a sidecar, checked to be one hamish can open again.

    Raises :class:`SidecarWriteError` instead of writing a file the validator would refuse
    (every later open would be read-only) or one that is not UTF-8 (a lone surrogate).
    """
    data = annotations.to_json()
    try:
        validate_sidecar(data)
        return _dumps(data).encode("utf-8")
    except SidecarInvalid as error:
        raise SidecarWriteError(
            f"{path}: would not be a valid sidecar ({error}); not saved"
        ) from None
    except UnicodeEncodeError:
        raise SidecarWriteError(f"{path}: text that is not valid Unicode; not saved") from None
    except RecursionError:
        raise SidecarWriteError(f"{path}: data nested too deeply; not saved") from None
    except ValueError:  # NaN or infinity in a key hamish does not know
        raise SidecarWriteError(f"{path}: holds NaN or infinity, not JSON; not saved") from None


def reanchor_set(annotations: AnnotationSet, text: str) -> AnnotationSet:
    """The set re-anchored to ``text`` (DESIGN §2.2 status), its document hash updated.

    Unchanged text (same hash) keeps every status; only an annotation whose quote is
    not at its offsets any more is looked for again. Changed text re-anchors all.
    """
    sha = text_sha256(text)
    unchanged = sha == annotations.document.sha256
    result = []
    changed = False
    if unchanged:  # only an annotation not at its offsets (a hand-edited sidecar) moves
        todo = [a for a in annotations.annotations if text[a.start : a.end] != a.quote]
    else:
        todo = list(annotations.annotations)
    # All at once: where neighbours moved tells where a tied one went (anchoring step 5).
    stored = [Stored(a.start, a.end, a.quote, a.prefix, a.suffix) for a in todo]
    placed = dict(
        zip(
            (a.id for a in todo),
            anchor_all(text, stored, None if unchanged else annotations.document.length),
            strict=True,
        )
    )
    for annotation in annotations.annotations:
        found = placed.get(annotation.id)
        if found is None:
            result.append(annotation)
            continue
        if found.status == "orphaned":
            updated = replace(annotation, status="orphaned")
        else:
            # "moved" stays until someone reviews it, even once the offsets hold again.
            status = "moved" if annotation.status == "moved" else found.status
            start, end = found.start, found.end
            prefix, suffix = context(text, start, end)
            # The wording first tagged is kept through every later edit (and dropped by
            # the model if the text goes back to it).
            original = annotation.original_quote
            if found.quote != annotation.quote and not original:
                original = annotation.quote
            updated = replace(
                annotation,
                start=start,
                end=end,
                quote=found.quote,
                prefix=prefix,
                suffix=suffix,
                status=status,
                original_quote=original,
            )
        changed = changed or updated != annotation
        result.append(updated)
    if unchanged and not changed and annotations.document.length == len(text):
        return annotations
    return replace(
        annotations.with_annotations(result),
        document=replace(annotations.document, sha256=sha, length=len(text)),
    )


@dataclass(frozen=True, slots=True)
class _Parsed:
    annotations: AnnotationSet
    problem: str | None = None  # why the file must not be overwritten
    reanchored: bool = False  # re-anchoring changed offsets or statuses


def _digest(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.sha256(raw).hexdigest()


#: What a stat says of a sidecar file: size, modification time and inode. A save by
#: rename (hamish's, most editors') gives a new inode; an edit in place a new mtime.
DiskStamp = tuple[int, int, int]


def _stamp_of(info: os.stat_result) -> DiskStamp:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def disk_stamp(path: Path) -> DiskStamp | None:
    """The stamp of the file at ``path`` (a link followed); None if there is none."""
    try:
        return _stamp_of(os.stat(path))
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class DiskChange:
    """A version of the sidecar that another process saved, read but not merged yet."""

    since: str | None  # the digest of the version we knew when it was read
    digest: str | None  # None: the file was deleted
    stamp: DiskStamp | None
    parsed: _Parsed | None


class Sidecar:
    """The annotations of one article, as loaded, edited and saved by one process."""

    def __init__(self, path: Path, article_file: str, text: str) -> None:
        self.path = path
        self.article_file = article_file
        self.text = text
        self.read_only: str | None = None
        # The text changed since the sidecar was written, and re-anchoring moved or
        # orphaned something: a save (e.g. `hamish check --fix`) would record it.
        self.changed_on_load = False
        self._base: AnnotationSet | None = None
        self._disk_digest: str | None = None
        self._disk_stamp: DiskStamp | None = None  # the stat of the version we know
        self.merged_on_save = False  # the last save merged another process's changes
        self.annotations = AnnotationSet.empty(article_file, text)

    @property
    def exists(self) -> bool:
        return self._disk_digest is not None

    # -- reading -----------------------------------------------------------
    def _read_raw(self) -> bytes | None:
        return read_sidecar_bytes(self.path, name=self.path.name)  # named as the parser names it

    def _parse(self, raw: bytes) -> _Parsed:
        parsed = parse_sidecar(raw, self.article_file, name=self.path.name)
        if parsed.annotations is None:
            return _Parsed(AnnotationSet.empty(self.article_file, self.text), parsed.problem)
        current = reanchor_set(parsed.annotations, self.text)
        if parsed.problem is not None:  # a newer version, shown but never written
            return _Parsed(current, parsed.problem)
        return _Parsed(current, reanchored=current is not parsed.annotations)

    def load(self) -> AnnotationSet:
        """Read the sidecar (if any) and re-anchor it to the article's text."""
        stamp = disk_stamp(self.path)  # before the read: a change during it is seen later
        raw = self._read_raw()
        self._disk_digest = _digest(raw)
        self._disk_stamp = None if raw is None else stamp
        if raw is None:
            self.read_only = None
            self._base = None
            self.annotations = AnnotationSet.empty(self.article_file, self.text)
            return self.annotations
        parsed = self._parse(raw)
        self.read_only = parsed.problem
        self.changed_on_load = parsed.reanchored
        self._base = parsed.annotations
        self.annotations = parsed.annotations
        return self.annotations

    def disk_changed(self) -> bool:
        """Whether the file's stamp differs from the version we know: a stat, no read."""
        return disk_stamp(self.path) != self._disk_stamp

    def read_changes(self) -> DiskChange | None:
        """Another process's version of the file, read and parsed; None if it is ours.

        Nothing is read when the stamp is the one we know; a file touched without a change
        (same bytes) only updates the stamp. Changes nothing else: :meth:`take_changes`
        merges what this returns. Safe in a worker thread (with no other use of this
        object at the same time).
        """
        stamp = disk_stamp(self.path)
        if stamp == self._disk_stamp:
            return None
        raw = self._read_raw()
        digest = _digest(raw)
        if digest == self._disk_digest:
            self._disk_stamp = None if raw is None else stamp
            return None
        parsed = None if raw is None else self._parse(raw)
        return DiskChange(self._disk_digest, digest, stamp, parsed)

    def take_changes(self, change: DiskChange, ours: AnnotationSet) -> AnnotationSet | None:
        """``ours`` merged with ``change`` (which becomes the base of the next merge).

        None when ``change`` is stale (a save or another read came between): nothing is
        taken, and the next :meth:`read_changes` reads the file again.
        """
        if change.since != self._disk_digest:
            return None
        self._disk_digest = change.digest
        self._disk_stamp = change.stamp
        if change.parsed is None:  # deleted on disk: keep ours; the next save writes it again
            self._base = None
            self._disk_stamp = None
            self.annotations = ours
            return ours
        if change.parsed.problem:
            self.read_only = change.parsed.problem
            self.annotations = ours
            return ours
        merged = merge_sets(self._base, ours, change.parsed.annotations)
        self._base = change.parsed.annotations
        self.annotations = merged
        return merged

    def refresh(self) -> bool:
        """Merge changes another process saved since we last read; True if there were any."""
        change = self.read_changes()
        if change is None:
            return False
        self.take_changes(change, self.annotations)
        return True

    def retext(self, text: str) -> AnnotationSet:
        """Follow the article to ``text`` (its file changed on disk): re-anchor what we hold.

        The annotations in memory and the last version read from disk (the base of the next
        merge) are both re-anchored, so a later save merges like with like and stamps the
        new text's hash; a sidecar on disk is re-anchored to the new text when it is read.
        """
        if text == self.text:
            return self.annotations
        self.text = text
        if self._base is not None:
            self._base = reanchor_set(self._base, text)
        self.annotations = reanchor_set(self.annotations, text)
        return self.annotations

    # -- writing -----------------------------------------------------------
    def save(self, annotations: AnnotationSet | None = None) -> AnnotationSet:
        """Save ``annotations`` (default: the current ones), merged with any change on disk.

        Returns what was written, which becomes the current state.
        """
        if self.read_only:
            raise SidecarReadOnly(self.read_only)
        ours = self.annotations if annotations is None else annotations
        ours = replace(
            ours,
            document=replace(
                ours.document,
                file=self.article_file,
                sha256=text_sha256(self.text),
                length=len(self.text),
            ),
        )
        from filelock import FileLock, Timeout

        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Created here first: where it cannot be (a folder we may not write), the
            # reason is this OSError, not a lock that "times out" after LOCK_TIMEOUT.
            os.close(os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o666))
            lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT)
            with lock:
                merged = ours
                base = self._base
                # The file is read (and hashed) only when its stamp says it changed.
                stamp = disk_stamp(self.path)
                if stamp is not None and stamp == self._disk_stamp:
                    raw, digest = None, self._disk_digest
                else:
                    raw = self._read_raw()
                    digest = _digest(raw)
                self.merged_on_save = False
                if digest != self._disk_digest:
                    if raw is None:
                        base = None
                    else:
                        theirs = self._parse(raw)
                        if theirs.problem:
                            self.read_only = theirs.problem
                            raise SidecarReadOnly(theirs.problem)
                        merged = merge_sets(base, ours, theirs.annotations)
                        self.merged_on_save = True
                data = _writable(merged, self.path)
                target = _write_target(self.path)
                written = atomic_write(target, data)
                remove_stale_temporaries(target)
        except Timeout:
            raise SidecarWriteError(
                f"{self.path}: another process held the lock over {LOCK_TIMEOUT:.0f} s; not saved"
            ) from None
        except OSError as error:
            raise SidecarWriteError(
                f"{self.path}: cannot save: {error.strerror or error}"
            ) from None
        self._base = merged
        self._disk_digest = _digest(data)
        self._disk_stamp = _stamp_of(written)
        self.annotations = merged
        return merged


def open_sidecar(
    article_path: str | Path,
    text: str,
    *,
    annotations_dir: str | Path | None = None,
    library_root: str | Path | None = None,
) -> Sidecar:
    """The sidecar of the article at ``article_path`` whose decoded text is ``text``, loaded."""
    article_path = Path(article_path)
    sidecar = Sidecar(
        sidecar_path(article_path, annotations_dir, library_root), article_path.name, text
    )
    sidecar.load()
    return sidecar


def _write_target(path: Path) -> Path:
    """Where a save of the sidecar at ``path`` writes: the file itself, or a link's target.

    A sidecar that is a symlink is written through to its target and the link stays a
    link: such a link is deliberate (sidecars kept in a synced or shared folder, or
    with the user's other notes), and renaming a new file over the link would silently
    fork the annotations from that copy. The write stays atomic: the temporary file
    is made beside the target and renamed over it. The lock stays beside the link,
    the name every hamish opening this article uses.
    """
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


# A temporary file older than this is a killed save's (a save takes well under a second).
STALE_TEMPORARY_AGE = 3600.0


def remove_stale_temporaries(path: Path, *, now: float | None = None) -> int:
    """Remove the temporary files of killed saves of ``path``; returns how many.

    They are the ``.NAME.XXXXXXXX.tmp`` files :func:`atomic_write` makes beside ``path``,
    regular files last modified over :data:`STALE_TEMPORARY_AGE` ago (a younger one may
    be another process's save in progress). Errors are ignored: a leftover is only litter.
    """
    pattern = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    cutoff = (time.time() if now is None else now) - STALE_TEMPORARY_AGE
    removed = 0
    try:
        with os.scandir(path.parent) as entries:
            candidates = [e for e in entries if pattern.fullmatch(e.name)]
    except OSError:
        return 0
    for entry in candidates:
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def atomic_write(path: Path, data: bytes) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new, never half.

    Returns the stat of the file written (taken before the rename, which keeps its size,
    mtime and inode): the stamp a poll compares with.
    """
    mode = file_mode_for(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(path.parent)
    return written


def file_mode_for(path: Path) -> int:
    """The permission bits a file written at ``path`` gets: those of the file it replaces,
    else what the umask leaves of 0o666 (as a plain ``open`` would)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
