"""The tagset of a library folder: ``hamish.toml`` and its ``[[tags]]``.

A library folder may hold a ``hamish.toml`` such as::

    strict = true          # tags outside the tagset are refused (default: false)

    [[tags]]
    name = "speaker/official"   # a hierarchy with "/"; Arabic names are fine
    key = "o"                   # optional one-character shortcut in the reader
    color = "#3a7bd5"           # optional: a colour name or #rrggbb (the reader checks it)
    description = "A government spokesperson or minister"

``tags`` may also be an inline array (``tags = [{name = "a"}, {name = "b"}]``).

Relation types (links between two annotations, ``said``: speaker → quote) sit next to the
tags, in ``[[relations]]`` entries with a ``name`` and an optional ``description``; the
name follows the tag-name rules, and ``strict`` holds for them too::

    [[relations]]
    name = "said"
    description = "The source annotation (a speaker) said the target (a quote)"

Every problem is a :class:`TagsetError` carrying the file and line number. ``tomllib`` gives no
positions for values, so the lines are found by a small scanner over the source text (string
contents and comments masked out first, so a ``[[tags]]`` inside a multi-line string or a
comment is never mistaken for a header).

Decisions worth knowing:

* Tag names are stored normalised (:func:`normalize_tag`); lookups normalise their argument.
  Names are case-sensitive: ``Quote`` and ``quote`` are different tags.
* A strict tagset accepts exactly the names it defines; an ancestor such as ``speaker`` is
  accepted only if it is itself a tag.
* Unknown top-level settings are ignored (``hamish.toml`` may grow other sections), except
  near-misses of ``tags``/``strict`` such as ``[[tag]]``, which would silently lose every tag.
* The core reserves no key and knows no colours: the caller passes the keys its program
  binds (``reserved``, key -> what it does) and a colour check. The reader's are in
  :mod:`reader.tagsets`; ``hamish.toml`` read without them accepts any key and colour.
* A problem drops only the field it is in, never the tag: a reserved, duplicate or
  unprintable key leaves the tag without a key, a colour the check refuses leaves it without
  a colour, a description that is not a string leaves it without one, an unknown field is
  ignored. So with ``strict = true`` a tag with a bad key can still be applied. Only an
  entry without a usable name (missing, invalid, or a duplicate, reported against the later
  entry) is dropped, as there is no tag to keep; its key is then not taken either.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from types import MappingProxyType
from typing import Any

from annotations.errors import HamishError
from annotations.script import BIDI_CONTROLS

__all__ = [
    "MAX_TAG_LENGTH",
    "TAGSET_FILE",
    "ColorCheck",
    "RelationType",
    "TagDef",
    "Tagset",
    "TagsetError",
    "find_tagset",
    "find_tagset_file",
    "load_tagset",
    "load_tagset_report",
    "normalize_tag",
    "validate_tag_name",
]

TAGSET_FILE = "hamish.toml"

# A colour check: None if the colour may be used, else the whole one-line message for it.
ColorCheck = Callable[[str], str | None]

_NOTHING_RESERVED: Mapping[str, str] = MappingProxyType({})

MAX_TAG_LENGTH = 100

TAG_FIELDS = ("name", "key", "color", "description")
RELATION_FIELDS = ("name", "description")
_SETTINGS = ("tags", "strict", "relations")


class TagsetError(HamishError):
    """One problem in a tagset file; ``str(e)`` is one line: ``'PATH:LINE: message'``.

    ``line`` is None when the problem has no line (the file cannot be read); ``str(e)`` is then
    ``'PATH: message'``.
    """

    path: Path
    line: int | None
    message: str

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        message = " ".join(message.splitlines())
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.message = message

    def __reduce__(self) -> tuple[type[TagsetError], tuple[Path, int | None, str]]:
        return (type(self), (self.path, self.line, self.message))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class TagDef:
    """One tag of a tagset. ``name`` is normalised when it comes from a file."""

    name: str
    key: str | None = None
    color: str | None = None
    description: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The name split on ``/``: ``("speaker", "official")``."""
        return tuple(self.name.split("/"))

    def is_under(self, prefix: str) -> bool:
        """True if ``prefix`` is this tag's name or one of its ancestors.

        ``"speaker"`` covers ``"speaker/official"`` but ``"speak"`` does not; a trailing ``/`` is
        ignored and an empty prefix covers every tag.
        """
        wanted = normalize_tag(prefix).rstrip("/")
        if not wanted:
            return True
        want = tuple(wanted.split("/"))
        return self.parts[: len(want)] == want


@dataclass(frozen=True, slots=True)
class RelationType:
    """One relation type of a tagset (``said``, ``about``, ``source-of``), name normalised."""

    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Tagset:
    """The tags of a library, in file order. An empty, non-strict tagset allows any valid tag.

    ``relations`` are the relation types, in file order; as for tags, a strict tagset
    accepts only those, a loose one any valid name.
    """

    tags: tuple[TagDef, ...] = ()
    strict: bool = False
    path: Path | None = None
    relations: tuple[RelationType, ...] = ()
    _by_name: dict[str, TagDef] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _by_key: dict[str, TagDef] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if not isinstance(self.tags, tuple):
            object.__setattr__(self, "tags", tuple(self.tags))
        if not isinstance(self.relations, tuple):
            object.__setattr__(self, "relations", tuple(self.relations))
        for tag in self.tags:
            self._by_name.setdefault(tag.name, tag)
            if tag.key is not None:
                self._by_key.setdefault(tag.key, tag)

    def __iter__(self) -> Iterator[TagDef]:
        return iter(self.tags)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def get(self, name: str) -> TagDef | None:
        """The tag called ``name`` (normalised first), or None."""
        tag = self._by_name.get(name)
        if tag is None:
            tag = self._by_name.get(normalize_tag(name))
        return tag

    def by_key(self, key: str) -> TagDef | None:
        """The tag whose shortcut is ``key``, or None."""
        return self._by_key.get(key)

    def names(self) -> list[str]:
        """Every tag name, in file order."""
        return [tag.name for tag in self.tags]

    def prefixes(self) -> list[str]:
        """Every proper ancestor path of every tag, sorted: ``["speaker", "topic"]``."""
        found: set[str] = set()
        for tag in self.tags:
            parts = tag.parts
            for i in range(1, len(parts)):
                found.add("/".join(parts[:i]))
        return sorted(found)

    def check_tag(self, name: str) -> str | None:
        """None if ``name`` may be used; else a one-line reason.

        The reason is an invalid name, or a name outside a strict tagset. ``name`` is normalised
        before the membership test, so callers should store ``normalize_tag(name)``.
        """
        normalized = normalize_tag(name)
        reason = _character_problem(name) or validate_tag_name(normalized)
        if reason is not None:
            return f"invalid tag name {name!r}: {reason}"
        if self.strict and normalized not in self._by_name:
            where = f" ({self.path})" if self.path is not None else ""
            message = f"tag {normalized!r} is not in the strict tagset{where}"
            close = difflib.get_close_matches(normalized, self.names(), n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
            return message
        return None

    def relation_names(self) -> list[str]:
        """Every relation type's name, in file order."""
        return [relation.name for relation in self.relations]

    def relation_type(self, name: str) -> RelationType | None:
        """The relation type called ``name`` (normalised first), or None."""
        wanted = normalize_tag(name)
        for relation in self.relations:
            if relation.name == wanted:
                return relation
        return None

    def check_relation(self, name: str) -> str | None:
        """None if ``name`` may be used as a relation type; else a one-line reason (as
        :meth:`check_tag`: an invalid name, or one outside a strict tagset)."""
        normalized = normalize_tag(name)
        reason = _character_problem(name) or validate_tag_name(normalized)
        if reason is not None:
            return f"invalid relation type {name!r}: {reason}"
        if self.strict and self.relation_type(normalized) is None:
            where = f" ({self.path})" if self.path is not None else ""
            message = f"relation type {normalized!r} is not in the strict tagset{where}"
            close = difflib.get_close_matches(normalized, self.relation_names(), n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
            return message
        return None

    def color_of(self, name: str) -> str | None:
        """The tag's own colour, else the colour of its nearest ancestor that is a tag."""
        parts = normalize_tag(name).split("/")
        for i in range(len(parts), 0, -1):
            tag = self._by_name.get("/".join(parts[:i]))
            if tag is not None and tag.color:
                return tag.color
        return None

    def first_color(self, tags: Iterable[str]) -> str | None:
        """The colour of something tagged ``tags``: that of the first tag that has one."""
        for name in tags:
            color = self.color_of(name)
            if color:
                return color
        return None


# --------------------------------------------------------------------------- tag names


def normalize_tag(name: str) -> str:
    """NFC; strip the whole name and each ``/``-part; collapse inner whitespace to one space."""
    name = unicodedata.normalize("NFC", name)
    return "/".join(" ".join(part.split()) for part in name.split("/"))


def _character_problem(name: str) -> str | None:
    for ch in name:
        if ch in BIDI_CONTROLS:
            return f"contains the bidi control character U+{ord(ch):04X} ({unicodedata.name(ch)})"
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return f"contains the control character U+{ord(ch):04X}"
    return None


def validate_tag_name(name: str) -> str | None:
    """None if ``name`` is a valid tag name, else a short reason.

    Refused: an empty name, an empty (or blank) part (``a//b``, ``/a``, ``a/``), control
    characters (including U+2028/2029), bidi control characters (U+202A–202E, U+2066–2069,
    U+200E/200F and U+061C ARABIC LETTER MARK), more than :data:`MAX_TAG_LENGTH` characters.
    ZWJ/ZWNJ are allowed: Persian spelling needs them.
    """
    if not name.strip():
        return "empty"
    problem = _character_problem(name)
    if problem is not None:
        return problem
    if any(not part.strip() for part in name.split("/")):
        return "empty part (look for '//' or a '/' at the start or end)"
    if len(name) > MAX_TAG_LENGTH:
        return f"longer than {MAX_TAG_LENGTH} characters ({len(name)})"
    return None


# --------------------------------------------------------------------------- loading


def _tagset_file(folder_or_file: str | Path) -> Path:
    path = Path(folder_or_file)
    return path / TAGSET_FILE if path.is_dir() else path


def load_tagset(
    folder_or_file: str | Path,
    *,
    reserved: Mapping[str, str] = _NOTHING_RESERVED,
    check_color: ColorCheck | None = None,
) -> Tagset:
    """Load ``folder/hamish.toml`` (or the file given); raise the first :class:`TagsetError`.

    A missing file gives an empty, non-strict tagset. ``reserved`` maps each key the program
    binds to what it does (a tag key among them is refused: "key 'd' is used by the reader
    (delete); choose another"); ``check_color`` judges each colour (None: any is accepted).
    """
    tagset, errors = load_tagset_report(folder_or_file, reserved=reserved, check_color=check_color)
    if errors:
        raise errors[0]
    return tagset


def find_tagset_file(start: str | Path) -> Path | None:
    """The first ``hamish.toml`` in ``start`` (or its folder, if a file) and its parents.

    The walk stops after the filesystem root or a folder containing ``.git``: None if no
    file was found there. The reader and ``hamish check`` both find the tagset this way.
    """
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    while True:
        candidate = folder / TAGSET_FILE
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def find_tagset(
    start: str | Path,
    *,
    reserved: Mapping[str, str] = _NOTHING_RESERVED,
    check_color: ColorCheck | None = None,
) -> Tagset:
    """The tagset of :func:`find_tagset_file` (empty if there is none).

    A file that is found but broken raises :class:`TagsetError`. ``reserved`` and
    ``check_color`` are as for :func:`load_tagset`.
    """
    found = find_tagset_file(start)
    if found is None:
        return Tagset()
    return load_tagset(found, reserved=reserved, check_color=check_color)


def load_tagset_report(
    path: str | Path,
    *,
    reserved: Mapping[str, str] = _NOTHING_RESERVED,
    check_color: ColorCheck | None = None,
) -> tuple[Tagset, list[TagsetError]]:
    """Collect every problem instead of raising at the first (for ``hamish check``).

    The tagset keeps the entries that have no problem; errors are in line order.
    ``reserved`` and ``check_color`` are as for :func:`load_tagset`.
    """
    file = _tagset_file(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return Tagset(), []
    except OSError as exc:
        return Tagset(path=file), [TagsetError(file, None, f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return Tagset(path=file), [TagsetError(file, line, f"not valid UTF-8 (byte 0x{bad})")]
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Tagset(path=file), [_syntax_error(file, text, exc)]
    return _build(file, text, data, reserved, check_color)


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _syntax_error(file: Path, text: str, exc: tomllib.TOMLDecodeError) -> TagsetError:
    message = str(exc)
    line: int | None = None
    column: int | None = None
    if (found := _AT_LINE.search(message)) is not None:
        line, column = int(found[1]), int(found[2])
        message = message[: found.start()]
    elif (found := _AT_END.search(message)) is not None:
        line = text.count("\n") + 1
        message = message[: found.start()]
    line = getattr(exc, "lineno", None) or line
    column = getattr(exc, "colno", None) or column
    message = getattr(exc, "msg", None) or message
    where = f" (column {column})" if column else ""
    return TagsetError(file, line, f"TOML syntax error: {message}{where}")


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return "a date/time"
    return type(value).__name__


def _build(
    file: Path,
    text: str,
    data: dict[str, Any],
    reserved: Mapping[str, str],
    check_color: ColorCheck | None,
) -> tuple[Tagset, list[TagsetError]]:
    builder = _Builder(file, _Locator(text), reserved, check_color)
    strict = builder.settings(data)
    entries = data.get("tags", [])
    if not isinstance(entries, list):
        builder.add(
            builder.where.top_line("tags"),
            f"tags must be an array of tables ([[tags]] entries), not {_type_name(entries)}",
        )
        entries = []
    tags = [tag for index, entry in enumerate(entries) if (tag := builder.entry(index, entry))]
    relation_entries = data.get("relations", [])
    if not isinstance(relation_entries, list):
        builder.add(
            builder.where.top_line("relations"),
            "relations must be an array of tables ([[relations]] entries), "
            f"not {_type_name(relation_entries)}",
        )
        relation_entries = []
    relations = [
        relation
        for index, entry in enumerate(relation_entries)
        if (relation := builder.relation_entry(index, entry))
    ]
    errors = sorted(builder.errors, key=lambda e: e.line or 0)
    return Tagset(tags=tuple(tags), strict=strict, path=file, relations=tuple(relations)), errors


@dataclass(frozen=True, slots=True)
class _EntryNames:
    """How the errors about an entry's name call the entry and the name."""

    entry: str  # "tag entry has no name"
    what: str  # "invalid tag name …", "duplicate tag name …"


_TAG_NAMES = _EntryNames("tag", "tag name")
_RELATION_NAMES = _EntryNames("relation", "relation type")


class _Builder:
    """Checks the parsed TOML entry by entry, collecting errors with their lines."""

    def __init__(
        self,
        file: Path,
        where: _Locator,
        reserved: Mapping[str, str],
        check_color: ColorCheck | None,
    ) -> None:
        self.file = file
        self.where = where
        self.reserved = reserved
        self.check_color = check_color
        self.errors: list[TagsetError] = []
        self.first_name: dict[str, int | None] = {}
        self.first_key: dict[str, tuple[int | None, str]] = {}
        self.first_relation: dict[str, int | None] = {}

    def add(self, line: int | None, message: str) -> None:
        self.errors.append(TagsetError(self.file, line, message))

    def settings(self, data: dict[str, Any]) -> bool:
        for setting in data:
            if setting in _SETTINGS:
                continue
            close = difflib.get_close_matches(setting.lower(), _SETTINGS, n=1, cutoff=0.75)
            if close:
                self.add(
                    self.where.top_line(setting),
                    f"unknown setting {setting!r}; did you mean {close[0]!r}?",
                )
        strict = data.get("strict", False)
        if not isinstance(strict, bool):
            self.add(
                self.where.top_line("strict"),
                f"strict must be true or false, not {_type_name(strict)}",
            )
            return False
        return strict

    def entry(self, index: int, entry: object) -> TagDef | None:
        """The entry's TagDef without the fields that have a problem (each one reported), or
        None if it has no usable name."""
        if not isinstance(entry, dict):
            self.add(
                self.where.entry_line(index),
                f"tag entry {index + 1} must be a table, not {_type_name(entry)}",
            )
            return None

        def line_of(name: str) -> int | None:
            return self.where.field_line(index, name)

        for unknown in entry:
            if unknown not in TAG_FIELDS:
                self.add(line_of(unknown), _unknown_field_message(unknown))
        name = self._unique_name(
            entry, line_of, self.where.entry_line(index), _TAG_NAMES, self.first_name
        )
        key = self._key(entry, line_of, name)
        color = self._color(entry, line_of)
        description = self._description(entry, line_of)
        if name is None:
            return None
        return TagDef(name=name, key=key, color=color, description=description)

    def relation_entry(self, index: int, entry: object) -> RelationType | None:
        """The ``[[relations]]`` entry's type, or None if it has no usable name (reported);
        like a tag, a bad description or an unknown field drops only itself."""
        if not isinstance(entry, dict):
            self.add(
                self.where.relation_line(index),
                f"relation entry {index + 1} must be a table, not {_type_name(entry)}",
            )
            return None

        def line_of(name: str) -> int | None:
            return self.where.relation_field_line(index, name)

        for unknown in entry:
            if unknown not in RELATION_FIELDS:
                message = f"unknown field {unknown!r} in a relation entry"
                close = difflib.get_close_matches(unknown.lower(), RELATION_FIELDS, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(
                    line_of(unknown), message + (hint or f"; allowed: {', '.join(RELATION_FIELDS)}")
                )
        description = self._description(entry, line_of)
        name = self._unique_name(
            entry, line_of, self.where.relation_line(index), _RELATION_NAMES, self.first_relation
        )
        if name is None:
            return None
        return RelationType(name=name, description=description)

    def _color(self, entry: dict[str, Any], line_of: Callable[[str], int | None]) -> str | None:
        """The entry's colour, or None if it has none or it is refused (and reported)."""
        color = entry.get("color")
        if color is None:
            return None
        if not isinstance(color, str):
            self.add(line_of("color"), f"color must be a string, not {_type_name(color)}")
            return None
        color = color.strip()
        problem = self.check_color(color) if self.check_color is not None else None
        if problem is not None:
            self.add(line_of("color"), problem)
            return None
        return color or None

    def _description(self, entry: dict[str, Any], line_of: Callable[[str], int | None]) -> str:
        """The entry's description; one that is not a string is reported and dropped."""
        description = entry.get("description", "")
        if isinstance(description, str):
            return description
        self.add(
            line_of("description"),
            f"description must be a string, not {_type_name(description)}",
        )
        return ""

    def _unique_name(
        self,
        entry: dict[str, Any],
        line_of: Callable[[str], int | None],
        entry_line: int | None,
        names: _EntryNames,
        first_seen: dict[str, int | None],
    ) -> str | None:
        """The entry's normalized name, or None if it has none, it is not a valid tag name,
        or an earlier entry of ``first_seen`` (name: its line) has it: each one reported.
        The one rule of a tag's and a relation type's name."""
        if "name" not in entry:
            self.add(entry_line, f"{names.entry} entry has no name")
            return None
        raw = entry["name"]
        if not isinstance(raw, str):
            self.add(line_of("name"), f"name must be a string, not {_type_name(raw)}")
            return None
        name = normalize_tag(raw)
        reason = _character_problem(raw) or validate_tag_name(name)
        if reason is not None:
            self.add(line_of("name"), f"invalid {names.what} {raw!r}: {reason}")
            return None
        if name in first_seen:
            first = first_seen[name]
            at = f" (first at line {first})" if first is not None else ""
            self.add(line_of("name"), f"duplicate {names.what} {name!r}{at}")
            return None
        first_seen[name] = line_of("name")
        return name

    def _key(
        self, entry: dict[str, Any], line_of: Callable[[str], int | None], name: str | None
    ) -> str | None:
        key = entry.get("key")
        if key is None:
            return None
        line = line_of("key")
        if not isinstance(key, str):
            self.add(line, f"key must be a one-character string, not {_type_name(key)}")
        elif len(key) != 1:
            self.add(line, f"key must be a single character, not {key!r}")
        elif unicodedata.category(key)[0] in "CZ" and key != " ":
            self.add(line, f"key {key!r} is not a printable character")
        elif key in self.reserved:
            does = self.reserved[key]
            self.add(line, f"key {key!r} is used by the reader ({does}); choose another")
        elif key in self.first_key:
            first, owner = self.first_key[key]
            at = f"line {first}, " if first is not None else ""
            self.add(line, f"duplicate key {key!r} (first at {at}tag {owner!r})")
        elif name is not None:  # a dropped entry takes no key away from a later one
            self.first_key[key] = (line, name)
            return key
        return None


def _unknown_field_message(field_name: str) -> str:
    message = f"unknown field {field_name!r} in a tag entry"
    if field_name in _SETTINGS:
        return f"{message} (top-level settings such as {field_name} go before the first [[tags]])"
    close = difflib.get_close_matches(field_name.lower(), TAG_FIELDS, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; allowed: {', '.join(TAG_FIELDS)}"


# --------------------------------------------------------------------------- line finding

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_KEY = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_INLINE_KEY = re.compile(rf"[{{,]\s*({_KEY})[ \t]*=")


def _mask(src: str) -> tuple[str, list[int]]:
    """Mask string contents (as ``x``) and comments (as spaces), keeping length and newlines.

    Also return the bracket depth before each position (``[``/``{`` open, ``]``/``}`` close,
    a closing bracket counts as inside).
    """
    n = len(src)
    out = list(src)
    depth = [0] * (n + 1)
    level = 0
    i = 0
    while i < n:
        ch = src[i]
        depth[i] = level
        if ch == "#":
            end = src.find("\n", i)
            end = n if end < 0 else end
        elif ch in "\"'":
            end = _string_end(src, i)
        else:
            if ch in "[{":
                level += 1
            elif ch in "]}":
                level -= 1
            i += 1
            continue
        fill = " " if ch == "#" else "x"
        for k in range(i, end):
            depth[k] = level
            if src[k] not in "\r\n" and (ch == "#" or i < k < end - 1):
                out[k] = fill
        i = end
    depth[n] = level
    return "".join(out), depth


def _string_end(src: str, i: int) -> int:
    """The position after the string that starts at ``src[i]`` (valid TOML assumed)."""
    n = len(src)
    quote = src[i]
    escapes = quote == '"'
    if src.startswith(quote * 3, i):
        j = i + 3
        while j < n:
            if escapes and src[j] == "\\":
                j += 2
            elif src.startswith(quote * 3, j):
                run = 3
                while run < 5 and j + run < n and src[j + run] == quote:
                    run += 1
                return j + run
            else:
                j += 1
        return n
    j = i + 1
    while j < n and src[j] not in (quote, "\n"):
        j += 2 if escapes and src[j] == "\\" else 1
    return min(j + 1, n)


def _key_path(text: str) -> tuple[str, ...] | None:
    """The dotted key path of TOML key text (``a."b.c"`` → ``("a", "b.c")``)."""
    try:
        node: Any = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        ((key, node),) = node.items()
        path.append(key)
    return tuple(path) or None


@dataclass
class _EntryLoc:
    line: int
    fields: dict[str, int] = field(default_factory=dict)


class _Locator:
    """Lines of top-level settings, of each ``tags`` entry and of the fields inside it."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.masked, self.depth = _mask(src)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", src)]
        self.top: dict[str, int] = {}
        self.entries: list[_EntryLoc] = []
        self.relation_entries: list[_EntryLoc] = []  # of [[relations]], as entries of [[tags]]
        self._scan()

    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def top_line(self, key: str) -> int | None:
        return self.top.get(key)

    def entry_line(self, index: int) -> int | None:
        if index < len(self.entries):
            return self.entries[index].line
        return self.top.get("tags")

    def field_line(self, index: int, name: str) -> int | None:
        if index < len(self.entries):
            entry = self.entries[index]
            return entry.fields.get(name, entry.line)
        return self.top.get("tags")

    def relation_line(self, index: int) -> int | None:
        if index < len(self.relation_entries):
            return self.relation_entries[index].line
        return self.top.get("relations")

    def relation_field_line(self, index: int, name: str) -> int | None:
        if index < len(self.relation_entries):
            entry = self.relation_entries[index]
            return entry.fields.get(name, entry.line)
        return self.top.get("relations")

    def _statements(self) -> Iterator[tuple[int, str, int, int]]:
        """(line, kind, start, end) of each line that starts at depth 0 outside strings.

        ``kind`` is ``"array"`` (``[[x]]``), ``"table"`` (``[x]``) or ``"key"`` (``x = ...``).
        """
        masked = self.masked
        for number, start in enumerate(self.line_starts, 1):
            end = masked.find("\n", start)
            end = len(masked) if end < 0 else end
            pos = start
            while pos < end and masked[pos] in " \t\r":
                pos += 1
            if pos == end or self.depth[pos] != 0:
                continue
            if masked.startswith("[[", pos):
                yield number, "array", pos + 2, masked.find("]]", pos + 2, end)
            elif masked[pos] == "[":
                yield number, "table", pos + 1, masked.find("]", pos + 1, end)
            elif (eq := masked.find("=", pos, end)) >= 0:
                yield number, "key", pos, eq

    def _scan(self) -> None:
        context: tuple[str, ...] = ()
        entry: _EntryLoc | None = None
        arrays = {"tags": self.entries, "relations": self.relation_entries}
        for number, kind, start, end in self._statements():
            if end < 0:
                continue
            path = _key_path(self.src[start:end].strip())
            if path is None:
                continue
            if kind == "key":
                if context == ():
                    self.top.setdefault(path[0], number)
                    if len(path) == 1 and path[0] in arrays:
                        self._scan_inline_array(end + 1, arrays[path[0]])
                elif len(context) == 1 and context[0] in arrays and entry is not None:
                    entry.fields.setdefault(path[0], number)
                continue
            # A table header.
            self.top.setdefault(path[0], number)
            if kind == "array" and len(path) == 1 and path[0] in arrays:
                entry = _EntryLoc(number)
                arrays[path[0]].append(entry)
            elif path[0] in arrays and len(path) > 1 and entry is not None:
                entry.fields.setdefault(path[1], number)
            else:
                entry = None
            context = path

    def _scan_inline_array(self, pos: int, entries: list[_EntryLoc] | None = None) -> None:
        masked, depth = self.masked, self.depth
        while pos < len(masked) and masked[pos] in " \t":
            pos += 1
        if pos >= len(masked) or masked[pos] != "[":
            return
        starts: list[int] = []
        expect = True
        k = pos + 1
        while k < len(masked) and depth[k] >= 1:
            ch = masked[k]
            if depth[k] == 1:
                if ch == "]":
                    break
                if ch == ",":
                    expect = True
                elif expect and not ch.isspace():
                    starts.append(k)
                    expect = False
            k += 1
        bounds = [*starts, k]
        for begin, stop in itertools.pairwise(bounds):
            loc = _EntryLoc(self.line_at(begin))
            if masked[begin] == "{":
                for found in _INLINE_KEY.finditer(masked, begin, stop):
                    if depth[found.start(1)] != 2:
                        continue
                    key_path = _key_path(self.src[found.start(1) : found.end(1)])
                    if key_path is not None:
                        loc.fields.setdefault(key_path[0], self.line_at(found.start(1)))
            (self.entries if entries is None else entries).append(loc)
