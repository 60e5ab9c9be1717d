"""Code-point indexes and UTF-16 offsets: the one converter between them.

hamish counts code points (Python string indexes). JavaScript tools (doccano, older
Label Studio releases) and the JVM (INCEpTION) count UTF-16 code units, in which a
character outside the Basic Multilingual Plane (an *astral* character: emoji, 𝐀)
counts two: a surrogate pair. Every conversion between the two units goes through
this module.

Policy for a UTF-16 offset inside a surrogate pair (between the two units of an
astral character, where no code-point index exists): **a span never cuts a
character and never shrinks.** A start inside a pair moves back to the start of
that character (``side="start"``); an end inside a pair moves forward past it
(``side="end"``, the default). Offsets before the text clamp to 0 and offsets past
it to ``len(text)``. The adjustment is silent, unless the converter is built with
``strict=True``: then such an offset raises :class:`ValueError` (``"offset 5 splits
a surrogate pair"``, ``"offset 99 is outside the text (42 UTF-16 units)"``) instead.
Readers of formats whose own tools never split a pair (doccano) are strict, since a
split offset there means the file was made for another text.

Speed: a converter is built once per text and used for all of its offsets. Text
without astral characters (most articles) is recognised by one C-speed pass, and
its converters cost O(1) an offset; otherwise the astral positions are found once
and each offset costs a binary search over them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Literal

__all__ = [
    "OFFSET_UNITS",
    "OffsetUnit",
    "Side",
    "astral_positions",
    "check_unit",
    "codepoint_converter",
    "codepoint_offset",
    "has_astral",
    "utf16_converter",
    "utf16_offset",
]

OffsetUnit = Literal["utf16", "codepoint"]
#: The units a format's offsets can be counted in, as the command line names them.
OFFSET_UNITS: tuple[OffsetUnit, ...] = ("utf16", "codepoint")


def check_unit(offsets: str) -> None:
    """Raise ``ValueError`` unless ``offsets`` names one of :data:`OFFSET_UNITS`."""
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"offsets must be one of {', '.join(OFFSET_UNITS)}, not {offsets!r}")


Side = Literal["start", "end"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def has_astral(text: str) -> bool:
    """Whether ``text`` has a character outside the BMP (two UTF-16 units)."""
    # Encoding a string without astral characters to UTF-16 is a copy, far faster than
    # any search; "surrogatepass" lets a lone surrogate count as the one unit it is.
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def astral_positions(text: str) -> tuple[int, ...]:
    """The code-point indexes of ``text``'s astral characters, ascending."""
    if not has_astral(text):
        return ()
    return tuple([match.start() for match in _ASTRAL.finditer(text)])


def _same(index: int) -> int:
    return index


def utf16_converter(astral: Sequence[int]) -> Callable[[int], int]:
    """Code-point index → UTF-16 offset, for the text whose :func:`astral_positions` these are."""
    if not astral:
        return _same

    def to_utf16(index: int) -> int:
        return index + bisect_left(astral, index)  # each astral character before adds one

    return to_utf16


def codepoint_converter(
    text: str,
    astral: Sequence[int] | None = None,
    *,
    side: Side = "end",
    strict: bool = False,
) -> Callable[[int], int]:
    """UTF-16 offset → code-point index in ``text`` (see the module docstring's policy).

    ``astral`` is ``astral_positions(text)`` when the caller has it already. ``side``
    says where an offset inside a surrogate pair goes; ``strict=True`` raises
    ``ValueError`` for it, and for an offset outside the text, instead.
    """
    if astral is None:
        astral = astral_positions(text)
    length = len(text)
    total = length + len(astral)  # the text's length in UTF-16 units

    def outside(units: int) -> ValueError:
        return ValueError(f"offset {units} is outside the text ({total} UTF-16 units)")

    if not astral:

        def same_in_text(units: int) -> int:
            if 0 <= units <= length:
                return units
            if strict:
                raise outside(units)
            return 0 if units < 0 else length

        return same_in_text

    starts = [index + before for before, index in enumerate(astral)]  # UTF-16 offset of each
    inside_pair_step = 0 if side == "start" else 1

    def to_codepoint(units: int) -> int:
        if not 0 <= units <= total:
            if strict:
                raise outside(units)
            return 0 if units < 0 else length
        before = bisect_left(starts, units)  # astral characters starting before ``units``
        if before and starts[before - 1] + 1 == units:  # inside the last one's pair
            if strict:
                raise ValueError(f"offset {units} splits a surrogate pair")
            return units - before + inside_pair_step
        return units - before

    return to_codepoint


def utf16_offset(text: str, index: int) -> int:
    """The UTF-16 offset of code point ``index`` in ``text`` (one offset; see the converters)."""
    return utf16_converter(astral_positions(text))(index)


def codepoint_offset(text: str, units: int, *, side: Side = "end") -> int:
    """The code-point index of UTF-16 offset ``units`` in ``text``, by the module's policy."""
    return codepoint_converter(text, side=side)(units)
