"""UAX #9 rules L1 and L2 for one line: the part of reordering python-bidi keeps private.

Levels come from :mod:`reader.text.bidi_levels` for the whole paragraph; these
functions work on a line's slice of them, so lines keep the paragraph's context.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.text.bidi_levels import REMOVED_BY_X9

# L1: whitespace, isolate formatting characters and X9-removed characters that end
# a line, or precede a segment/paragraph separator, go to the paragraph level.
TRAILING_RESET = frozenset({"WS", "FSI", "LRI", "RLI", "PDI"}) | REMOVED_BY_X9
_SEPARATORS = frozenset({"S", "B"})


def line_levels(classes: Sequence[str], levels: Sequence[int], base_level: int) -> list[int]:
    """Apply rule L1 to one line's classes and levels; return the new levels."""
    result = list(levels)
    trailing = True
    for i in range(len(result) - 1, -1, -1):
        bidi_class = classes[i]
        if bidi_class in _SEPARATORS:
            result[i] = base_level
            trailing = True
        elif bidi_class in TRAILING_RESET:
            if trailing:
                result[i] = base_level
        else:
            trailing = False
    return result


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: the logical indices of ``levels`` in visual order, left to right.

    From the highest level down to the lowest odd level, every maximal run at that
    level or higher is reversed.
    """
    order = list(range(len(levels)))
    if not order:
        return order
    highest = max(levels)
    lowest = min(levels)
    if highest == lowest:
        return order[::-1] if highest % 2 else order
    lowest_odd = lowest if lowest % 2 else lowest + 1
    current = list(levels)
    n = len(order)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < n:
            if current[i] < level:
                i += 1
                continue
            j = i
            while j < n and current[j] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            current[i:j] = current[i:j][::-1]
            i = j
    return order
