"""Where the reader left each article: the cursor and the top of the screen, per article.

No Textual here: the article screen asks :meth:`Positions.get` when an article opens and
calls :meth:`Positions.remember` when it is left (back to the library, the next article,
quitting).

One small JSON file in the user's state folder (``platformdirs.user_state_path("hamish")
/ "positions.json"``), keyed by the article's resolved absolute path, most recently left
last, at most :data:`POSITIONS_LIMIT` articles. Not in the library and not in the sidecar:
a position is one reader's, on one machine (two analysts reading one shared library each
keep their own), it changes every time an article is left, and it is no annotation data
to merge, export or review. It is written atomically (a temporary file renamed over it);
a file that cannot be read or parsed is treated as empty (positions are a convenience,
never a reason to refuse to open an article), and one that cannot be written is left
as it was.

The format (version 1)::

    {"version": 1, "positions": {"/abs/path/article.txt": {"cursor": 120, "top": 80}}}

``cursor`` is the cursor's offset into the article's text, ``top`` the offset at the start
of the top row shown: both are offsets, not rows, so they hold at any window width. An
article that changed since is clamped to its new length by the view.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from annotations.store import atomic_write

__all__ = [
    "POSITIONS_FILE",
    "POSITIONS_LIMIT",
    "POSITIONS_VERSION",
    "Position",
    "Positions",
    "positions_path",
]

APP_NAME = "hamish"
POSITIONS_FILE = "positions.json"
#: The articles remembered: the last this many left. A reader's working set is a few
#: hundred articles; at about 100 bytes an entry the file stays near 100 KB, read and
#: written whole in a few milliseconds on the UI thread.
POSITIONS_LIMIT = 1_000
#: Of the file's format: a file of another version is treated as empty (and replaced).
POSITIONS_VERSION = 1
#: A file larger than this is not read (not ours, or damaged): far above LIMIT entries.
POSITIONS_MAX_BYTES = 4_000_000


def positions_path() -> Path:
    """The positions file: in the user's state folder (per reader, per machine)."""
    import platformdirs  # only a reader that opens an article pays for it

    return platformdirs.user_state_path(APP_NAME) / POSITIONS_FILE


def article_key(article: Path) -> str:
    """The key of ``article``: its resolved absolute path (a symlink or ``./`` opens the
    same article's position)."""
    path = Path(article).absolute()
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a symlink loop: the path as given
        return str(path)


@dataclass(frozen=True, slots=True)
class Position:
    """Where an article was left: the cursor's offset and the offset of the top row."""

    cursor: int
    top: int

    def to_json(self) -> dict[str, int]:
        return {"cursor": self.cursor, "top": self.top}


def _position(value: object) -> Position | None:
    """A stored entry as a :class:`Position`; None for anything malformed."""
    if not isinstance(value, dict):
        return None
    cursor, top = value.get("cursor"), value.get("top")
    if type(cursor) is not int or type(top) is not int or cursor < 0 or top < 0:
        return None
    return Position(cursor, top)


class Positions:
    """The positions file: read whole, changed, written whole (atomically)."""

    def __init__(self, path: Path | None = None, *, limit: int = POSITIONS_LIMIT) -> None:
        self.path = path if path is not None else positions_path()
        self.limit = limit

    def _read(self) -> dict[str, Position]:
        """Every stored position, least recently left first; {} if the file is missing,
        unreadable, too large, not JSON or of another version."""
        try:
            if os.stat(self.path).st_size > POSITIONS_MAX_BYTES:
                return {}
            data = json.loads(self.path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("version") != POSITIONS_VERSION:
            return {}
        stored = data.get("positions")
        if not isinstance(stored, dict):
            return {}
        found = {}
        for key, value in stored.items():
            position = _position(value)
            if isinstance(key, str) and position is not None:
                found[key] = position
        return found

    def get(self, article: Path) -> Position | None:
        """Where ``article`` was left, or None (never left, forgotten, or no readable file)."""
        return self._read().get(article_key(article))

    def remember(self, article: Path, position: Position) -> bool:
        """Keep ``position`` for ``article`` as the most recent; the oldest beyond the limit
        are forgotten. Read again just before writing, so that another reader's positions
        (of other articles) are kept. False when the file cannot be written (it is left
        as it was)."""
        stored = self._read()
        key = article_key(article)
        stored.pop(key, None)
        stored[key] = position
        kept = list(stored.items())[-self.limit :] if self.limit > 0 else []
        data = {
            "version": POSITIONS_VERSION,
            "positions": {key: value.to_json() for key, value in kept},
        }
        try:
            # ASCII, escapes and all: a file name that is not UTF-8 (a lone surrogate in
            # its str) round-trips through the escape instead of making the file unreadable.
            encoded = json.dumps(data, separators=(",", ":")).encode("ascii")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, encoded)
        except OSError:
            return False
        return True
