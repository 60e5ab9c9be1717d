"""What the terminal is sent for each character of untrusted article text.

C0/C1 controls and ESC would move the cursor, clear the screen or set the title;
bidi controls would make a bidi-capable terminal reorder a second time (or reverse
the rest of the screen). None of them is ever sent: controls become visible
symbols, format characters become zero-width (their code points still belong to a
cell, so offsets stay exact).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from annotations.script import BIDI_CONTROLS, C0_CONTROLS, C1_CONTROLS, HARAKAT

__all__ = ["REPLACEMENT", "display_char", "is_harakah", "is_mark", "sanitize"]

REPLACEMENT = "\ufffd"

_SPECIAL = {
    "\t": " ",  # a tab shows as one space; tab stops mean nothing in a reflowed column
    "\x7f": "\u2421",  # ␡
    "\u2028": "\u21b5",  # ↵ line separator inside a paragraph
}


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
