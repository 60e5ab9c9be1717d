"""User settings: ``config.toml`` in the platform's config folder; command-line flags win.

The file is plain TOML with top-level keys only::

    author = "رنا"
    bidi = "self"            # or "terminal": let a bidi-capable terminal reorder; when the
                             # file names none, --bidi auto picks per terminal (hamish doctor)
    theme = "textual-dark"
    harakat = true           # false hides Arabic and Hebrew vowel marks
    reading_width = 80       # 20..400 columns
    direction = "auto"       # or "rtl", "ltr"
    paragraph_spacing = true # a blank row between paragraphs (headings are set apart anyway)
    bidi_markers = true      # show bidi embeddings, overrides, isolates as marker cells
    trim_punctuation = false # true: a selection (mouse or w/s/p/" keys) also loses the
                             # punctuation at its ends (« » " . ، ؟ …), not only blanks
    author_filter = "all"    # whose annotations the reader shows: all, distinct (the
                             # others' in a distinct style), mine, others, or an author's
                             # name (e.g. "gold": only the curator's)

A missing file means the defaults; unknown keys are ignored (a newer hamish may add some);
a known key with a bad value is an error naming the file and the key.  Nothing here
imports Textual, so a theme name is not checked against the installed themes.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotations.errors import HamishError
from annotations.script import SPLITLINES_BREAK_RE, TERMINAL_UNSAFE_RE

if TYPE_CHECKING:  # the layout engine is not loaded to read settings
    from reader.text.bidi_levels import Direction
    from reader.text.layout import BidiMode

__all__ = [
    "Settings",
    "SettingsError",
    "chosen_bidi",
    "config_path",
    "load_settings",
    "save_settings",
    "with_overrides",
]

APP_NAME = "hamish"
CONFIG_FILE = "config.toml"

BIDI_MODES = ("self", "terminal")
DIRECTIONS = ("auto", "rtl", "ltr")
#: The reader's author filters (``author_filter``, ``--author-filter``, the palette): all
#: (everyone's alike), distinct (everyone's, the other authors' in a distinct style), mine
#: (``author``'s only), others (all but mine); any other value is one author's name, whose
#: annotations alone are shown (an author named like a word is not reachable: rare).
AUTHOR_FILTER_WORDS = ("all", "distinct", "mine", "others")
MIN_WIDTH = 20
MAX_WIDTH = 400


class SettingsError(HamishError):
    """A settings file or value that cannot be used: one line naming the file and key."""


@dataclass(frozen=True, slots=True)
class Settings:
    author: str | None = None  # None: the login name (see resolved_author)
    bidi: BidiMode = "self"  # "self": hamish reorders; "terminal": the terminal does
    theme: str | None = None  # a Textual theme name, e.g. "textual-dark"; None: the default
    harakat: bool = True  # show Arabic/Hebrew vowel marks
    reading_width: int = 80  # maximum width of the reading column, MIN_WIDTH..MAX_WIDTH
    direction: Direction = "auto"  # "auto" (per paragraph), "rtl" or "ltr"
    paragraph_spacing: bool = True  # a blank row between the article's paragraphs
    bidi_markers: bool = True  # a visible marker for each bidi embedding/override/isolate
    # Selections are always trimmed of blanks; this takes the punctuation at their ends off
    # too (off by default: a sentence selected keeps its full stop, an abbreviation its dot).
    trim_punctuation: bool = False
    author_filter: str = "all"  # one of AUTHOR_FILTER_WORDS, or an author's name

    def resolved_author(self) -> str:
        """The author recorded on new annotations: the setting, else the login name."""
        if self.author:
            return self.author
        from annotations.model import default_author

        return default_author()


_DEFAULTS = Settings()


def config_path() -> Path:
    """Where the settings live, e.g. ``~/.config/hamish/config.toml`` on Linux."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILE


# --------------------------------------------------------------------------------------------
# Validation


class _Invalid(ValueError):
    pass


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("expected a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Invalid("expected valid text (it has an unpaired surrogate)") from None
    return value


def _optional_name(value: Any) -> str | None:
    value = _text(value).strip()
    if SPLITLINES_BREAK_RE.search(value):  # no line break of any kind (NEL, U+2028, …)
        raise _Invalid("expected a single line")
    # A name goes into sidecars and onto every reader's screen: no escape sequence, no
    # override that would reorder what follows it.
    if TERMINAL_UNSAFE_RE.search(value):
        raise _Invalid("a name cannot hold control or bidi control characters")
    return value or None


def _choice(choices: tuple[str, ...]):
    def check(value: Any) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise _Invalid(f"expected one of {', '.join(choices)}")
        return value.strip().lower()

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("expected true or false")
    return value


def _width(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"expected an integer from {MIN_WIDTH} to {MAX_WIDTH}")
    if not MIN_WIDTH <= value <= MAX_WIDTH:
        raise _Invalid(f"expected an integer from {MIN_WIDTH} to {MAX_WIDTH}, got {value}")
    return value


def _author_filter(value: Any) -> str:
    return _optional_name(value) or "all"


_VALIDATORS = {
    "author": _optional_name,
    "bidi": _choice(BIDI_MODES),
    "theme": _optional_name,
    "harakat": _bool,
    "reading_width": _width,
    "direction": _choice(DIRECTIONS),
    "paragraph_spacing": _bool,
    "bidi_markers": _bool,
    "trim_punctuation": _bool,
    "author_filter": _author_filter,
}
assert set(_VALIDATORS) == {f.name for f in dataclasses.fields(Settings)}


def _one_line(s: str) -> str:
    return " ".join(str(s).split())


# --------------------------------------------------------------------------------------------
# Loading

_TOML_WHERE_RE = re.compile(r"^(?P<reason>.*?)\s*\(at line (?P<line>\d+), column \d+\)$", re.S)


def _toml_error(path: Path, error: tomllib.TOMLDecodeError, source: str) -> SettingsError:
    message = str(error)
    m = _TOML_WHERE_RE.match(message)
    if m:
        line, reason = int(m.group("line")), m.group("reason")
    elif message.endswith("(at end of document)"):
        line = source.count("\n") + (0 if source.endswith("\n") else 1)
        reason = message.removesuffix("(at end of document)").rstrip()
        line = max(line, 1)
    else:
        return SettingsError(_one_line(f"{path}: {message}"))
    return SettingsError(_one_line(f"{path}: line {line}: {reason}"))


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default: :func:`config_path`); defaults when it is missing.

    Raises :class:`SettingsError` for a file that cannot be read or parsed, or a bad value.
    """
    return Settings(**_file_values(path))


def chosen_bidi(path: Path | None = None) -> BidiMode | None:
    """The ``bidi`` mode the settings file names itself (``hamish doctor --use`` writes it),
    or None when it names none: ``--bidi auto`` then picks the mode for the terminal.

    Raises :class:`SettingsError` as :func:`load_settings` does.
    """
    chosen: BidiMode | None = _file_values(path).get("bidi")
    return chosen


def _file_values(path: Path | None) -> dict[str, Any]:
    """The checked values of the keys the settings file names."""
    path = config_path() if path is None else Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise SettingsError(f"{path}: is a folder, not a settings file") from None
    except OSError as e:
        raise SettingsError(_one_line(f"{path}: cannot read: {e.strerror or e}")) from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        raise _toml_error(path, e, source) from None
    values: dict[str, Any] = {}
    for key, check in _VALIDATORS.items():
        if key not in data:
            continue
        try:
            values[key] = check(data[key])
        except _Invalid as e:
            raise SettingsError(f"{path}: key '{key}': {e}") from None
    return values


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    """``settings`` with the given values (e.g. command-line flags); ``None`` values ignored.

    Raises :class:`SettingsError` for a bad value and ``TypeError`` for an unknown name.
    """
    values: dict[str, Any] = {}
    for key, value in overrides.items():
        if key not in _VALIDATORS:
            raise TypeError(f"unknown setting {key!r}")
        if value is None:
            continue
        try:
            values[key] = _VALIDATORS[key](value)
        except _Invalid as e:
            raise SettingsError(f"setting '{key}': {e}") from None
    return dataclasses.replace(settings, **values) if values else settings


# --------------------------------------------------------------------------------------------
# Saving


def _toml_value(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # JSON string escapes are valid TOML basic-string escapes; TOML also forbids a raw DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def format_settings(settings: Settings, keep: Collection[str] = ()) -> str:
    """The TOML text :func:`save_settings` writes: the values that differ from the defaults,
    and those named in ``keep`` even at their default (a choice the user made)."""
    lines = ["# hamish settings; see the README for the keys."]
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if value is None or (value == getattr(_DEFAULTS, f.name) and f.name not in keep):
            continue
        lines.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save_settings(
    settings: Settings, path: Path | None = None, *, keep: Collection[str] = ()
) -> None:
    """Write ``settings`` to ``path`` (default: :func:`config_path`), atomically.

    Only values that differ from the defaults are written, and the keys in ``keep`` (e.g.
    ``bidi``, so that :func:`chosen_bidi` finds a choice of the default mode); the folder is
    created.  The file is rewritten whole (comments and unknown keys in an older file are
    not kept).
    """
    path = config_path() if path is None else Path(path)
    for key, check in _VALIDATORS.items():
        value = getattr(settings, key)
        if value is None:
            continue
        try:
            check(value)
        except _Invalid as e:
            raise SettingsError(f"{path}: key '{key}': {e}; not saved") from None
    data = format_settings(settings, keep).encode("utf-8")
    from annotations.store import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as e:
        raise SettingsError(_one_line(f"{path}: cannot save: {e.strerror or e}")) from None
