"""Where hamish keeps what it derives from a library (the catalog and the search index).

In the user's cache folder (``platformdirs.user_cache_path("hamish")``, i.e.
``$XDG_CACHE_HOME/hamish`` or ``~/.cache/hamish`` on Linux), one folder per library, named
by a hash of the library's resolved path plus its last component for a human reader:

    ~/.cache/hamish/libraries/<name>-<16 hex>/catalog.sqlite
    ~/.cache/hamish/libraries/<name>-<16 hex>/search.sqlite
    ~/.cache/hamish/libraries/<name>-<16 hex>/search-<16 hex>.folded  (its segments)

Why not a ``.hamish/`` folder inside the library: libraries are often read-only (an
archive opened with ``--annotations-dir``, a mounted share) or git repositories that a
team shares, where a derived, machine-specific binary file does not belong and would
conflict. A cache can be deleted at any time; everything in it is rebuilt from the
articles and sidecars. When the cache folder cannot be written, callers fall back to an
in-memory database for the run (never failing the listing or a search).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

__all__ = ["APP_NAME", "RACY_SECONDS", "is_busy", "library_cache_folder", "storable"]

APP_NAME = "hamish"
_UNSAFE = re.compile(r"[^\w.-]+")


def library_cache_folder(root: Path) -> Path:
    """The cache folder for the library at ``root`` (not created here)."""
    import platformdirs  # only the commands that keep a cache pay for it

    resolved = root.resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = _UNSAFE.sub("_", resolved.name)[:40] or "root"
    return platformdirs.user_cache_path(APP_NAME) / "libraries" / f"{name}-{digest}"


#: A stamp (size, mtime, inode) taken this soon after the file's last change is not trusted
#: by the catalog or the search index: a same-size rewrite within the file system's
#: timestamp granularity (FAT: 2 s) would keep it, so such a file is read again next time.
RACY_SECONDS = 2.0


# SQLite's "database is busy/locked" (another hamish holds it): never a reason to delete it.
_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (primary result codes)


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` says another connection holds the database (not that it is bad)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _BUSY_CODES


def storable(value: object) -> bool:
    """Whether ``value`` (a row's field) can go into SQLite: text must be valid UTF-8,
    which a file name holding undecodable bytes (surrogate escapes) is not."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
