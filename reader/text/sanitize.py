"""What the terminal is sent for each character of untrusted article text.

C0/C1 controls and ESC would move the cursor, clear the screen or set the title;
bidi controls would make a bidi-capable terminal reorder a second time (or reverse
the rest of the screen). None of them is ever sent: controls become visible
symbols, format characters become zero-width (their code points still belong to a
cell, so offsets stay exact). The reader may instead show each explicit bidi control
(embedding, override, isolate) as a marker of its own: :data:`BIDI_MARKERS`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from annotations.script import (
    BIDI_CONTROLS,
    C0_CONTROLS,
    C1_CONTROLS,
    EXPLICIT_BIDI_CONTROLS,
    HARAKAT,
)

__all__ = [
    "BIDI_MARKERS",
    "REPLACEMENT",
    "display_char",
    "has_bidi_overrides",
    "is_harakah",
    "is_mark",
    "marker_char",
    "sanitize",
]

REPLACEMENT = "\ufffd"

_SPECIAL = {
    "\t": " ",  # a tab shows as one space; tab stops mean nothing in a reflowed column
    "\x7f": "\u2421",  # ␡
    "\u2028": "\u21b5",  # ↵ line separator inside a paragraph
}


# The visible marker of each explicit bidi control, when markers are on (the reader's
# `bidi_markers` setting): an arrow the way the control pushes the text after it,
# doubled for an override (the strongest), dashed for an embedding, from a bar for an
# isolate; a tack for the pop of an embedding or override, an arrow down to a bar for
# the pop of an isolate. Each is one cell wide in every terminal (East Asian width N),
# is in DejaVu Sans Mono, and is not a mirrored character (rule L4 leaves it alone).
# The control itself is never sent.
BIDI_MARKERS: dict[str, str] = {
    "\u202a": "\u21e2",  # LRE left-to-right embedding: ⇢
    "\u202b": "\u21e0",  # RLE right-to-left embedding: ⇠
    "\u202c": "\u22a4",  # PDF pop directional formatting: ⊤
    "\u202d": "\u21c9",  # LRO left-to-right override: ⇉
    "\u202e": "\u21c7",  # RLO right-to-left override: ⇇
    "\u2066": "\u21a6",  # LRI left-to-right isolate: ↦
    "\u2067": "\u21a4",  # RLI right-to-left isolate: ↤
    "\u2068": "\u21f9",  # FSI first strong isolate: ⇹
    "\u2069": "\u21a7",  # PDI pop directional isolate: ↧
}
assert set(BIDI_MARKERS) == EXPLICIT_BIDI_CONTROLS


def marker_char(char: str) -> str:
    """What to send for ``char`` when bidi markers are shown: a marker or as usual."""
    marker = BIDI_MARKERS.get(char)
    return marker if marker is not None else display_char(char)


def has_bidi_overrides(text: str) -> bool:
    """Whether ``text`` holds an explicit bidi control (embedding, override or isolate).

    These are the characters the reader marks (U+202A-202E, U+2066-2069); an article
    that holds one may show text in an order that is not its logical order.
    """
    # One substring search per control is several times faster than a regex class over a
    # large article (the reader asks on every open).
    return any(control in text for control in EXPLICIT_BIDI_CONTROLS)


@lru_cache(maxsize=4096)
def display_char(char: str) -> str:
    """The text to send for ``char`` on its own ('' for an invisible character)."""
    special = _SPECIAL.get(char)
    if special is not None:
        return special
    if char in C0_CONTROLS:
        return chr(0x2400 + ord(char))  # Control Pictures: ␛ for ESC, ␇ for BEL, …
    if char in C1_CONTROLS:
        return REPLACEMENT  # CSI, OSC, …
    if char in BIDI_CONTROLS:
        return ""
    category = unicodedata.category(char)
    if category == "Cf":  # ZWJ, ZWNJ, ZWSP, word joiner, soft hyphen, BOM…
        return ""
    if category in ("Cs", "Co", "Cn"):
        return REPLACEMENT
    if category in ("Zl", "Zp"):
        return "\u21b5"
    return char


def sanitize(text: str) -> str:
    """``text`` made safe for the terminal, one character at a time (no layout)."""
    return "".join(display_char(c) for c in text)


@lru_cache(maxsize=4096)
def is_mark(char: str) -> bool:
    """A combining mark: zero width, drawn on the preceding base character."""
    return unicodedata.category(char) in ("Mn", "Me")


def is_harakah(char: str) -> bool:
    """An Arabic-script or Hebrew vowel/cantillation mark (hidden with --no-harakat)."""
    return char in HARAKAT
