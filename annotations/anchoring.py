"""Re-anchoring annotations in an article whose text changed since they were made.

An annotation stores offsets into the decoded text (code points, 0-based, end
exclusive, line endings as in the file), the quote ``text[start:end]`` and up to
:data:`CONTEXT_CHARS` characters of context on each side. :func:`anchor` finds the
passage again in a (possibly edited) text, or says it cannot. Attaching an
analyst's note to the wrong passage is worse than losing its position, so the
rule throughout is: never guess. A tie between candidates, a short quote without
supporting context or a loose approximate match gives ``"orphaned"`` with a
reason, keeping the old offsets and quote.

The search, in order, stopping at the first step that finds a clear winner:

1. the quote is still at its offsets and no other occurrence has clearly better
   context: ``"anchored"``;
2. exact occurrences of the quote, ranked by context agreement;
3. if there are none, the same with runs of whitespace collapsed on both sides
   (line-ending changes, re-wrapped text, doubled spaces), mapped back to offsets
   in the real text;
4. approximate occurrences (at most ``len(quote) // 8`` edits, exact ones included)
   found by the pigeonhole principle and verified with a bit-parallel edit-distance
   matcher (Myers 1999) over small windows, so nothing is quadratic in the text
   length. This step also runs when 2/3 found a tie or a winner whose context barely
   agrees: an edited passage (the annotated one, corrected) with clearly better
   context then wins; a tie stays a tie; a lone exact winner stays the winner.

Across a whole set of annotations (:func:`anchor_all`) one more step follows:

5. an annotation orphaned above (a tie in repetitive text, or a short quote without
   enough context) is placed where the *shift* of the text around it says, when the
   nearest placed annotations before and after it in the old text (or the document's
   ends: offset 0 stays 0, the old end becomes the new end) moved by the same amount
   ``d``: the text between them most likely moved by ``d`` too. It is placed at its
   old offsets plus ``d`` only if its quote is there exactly, no other occurrence has
   clearly better context (by :data:`MARGIN_CHARS`) and a short quote has supporting
   context there. Neighbours that disagree (an edit between them) leave it orphaned:
   the shift is evidence, never a guess.

Context agreement of a candidate counts the characters of the stored prefix that
match the text just before it, from the quote outward, plus those of the stored
suffix that match just after it, both compared with whitespace collapsed.

Pure standard library; no Textual.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from annotations.model import CONTEXT_CHARS, Status, context

__all__ = ["CONTEXT_CHARS", "Anchor", "Stored", "anchor", "anchor_all", "context"]


MAX_OCCURRENCES = 10_000
"""More exact occurrences than this and the quote is reported ambiguous, unexamined."""

MIN_UNSUPPORTED_LEN = 12
"""A quote this long occurring once is placed without supporting context; a shorter one
(a word like "في" or "said") needs :data:`SUPPORT`."""

SUPPORT = 0.5
"""Context agreement (share of the stored context) that lets a shorter quote be placed."""

MARGIN_CHARS = 3
"""A winner must beat the runner-up by this many characters of context agreement.

A shared space or punctuation mark next to the quote is common by chance; three or
more agreeing characters are not.
"""

MIN_FUZZY_LEN = 8
"""Shorter quotes (whitespace collapsed) are only looked for exactly."""

MAX_EDITS = 64
"""Cap on the edits allowed in an approximate match (``len(quote) // 8``, at least 1)."""

SIMILARITY_WEIGHT = 0.7
CONTEXT_WEIGHT = 0.3
NEUTRAL_CONTEXT = 0.5
"""Context agreement used when the annotation stored no context at all."""

WEAK_SCORE = 0.75
"""Approximate matches scoring below this are rejected (see :func:`_score`)."""

GRAM = 4
"""Length of the pigeonhole pieces (MIN_FUZZY_LEN // GRAM must exceed MIN_FUZZY_LEN // 8)."""

MAX_PIECE_HITS = 2_000
"""A pigeonhole piece occurring more often than this gives no useful candidates."""

MAX_FUZZY_CANDIDATES = 500
"""More approximate matches than this and the quote is reported ambiguous."""

MAX_FUZZY_SCAN = 400_000
"""Characters the approximate matcher may scan for one annotation."""

_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where an annotation is in the current text, or why it could not be placed.

    ``status`` is ``"anchored"`` (same offsets, same quote), ``"moved"`` (new offsets
    or a changed quote) or ``"orphaned"``. For anchored and moved,
    ``text[start:end] == quote``; for orphaned, start, end and quote are the old ones.
    ``score`` is the confidence of the match in 0..1 (1.0 anchored, 0.0 orphaned).
    """

    status: Status
    start: int
    end: int
    quote: str
    score: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Stored:
    """Where an annotation was last seen: its offsets, quote and stored context."""

    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


# --------------------------------------------------------------------------- helpers


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    edits: int
    agree: int  # characters of stored context that agree
    score: float


class _Context:
    """The stored context, whitespace collapsed, and how to compare it with the text."""

    __slots__ = ("prefix", "suffix", "total")

    def __init__(self, prefix: str, suffix: str) -> None:
        self.prefix = _collapse(prefix)
        self.suffix = _collapse(suffix)
        self.total = len(self.prefix) + len(self.suffix)

    def agreement(self, text: str, start: int, end: int) -> int:
        agree = 0
        if self.prefix:
            window = 4 * len(self.prefix) + 16
            before = _collapse(text[max(0, start - window) : start])
            agree += _common_suffix(self.prefix, before)
        if self.suffix:
            window = 4 * len(self.suffix) + 16
            after = _collapse(text[end : end + window])
            agree += _common_prefix(self.suffix, after)
        return agree

    def share(self, agree: int) -> float:
        return agree / self.total if self.total else NEUTRAL_CONTEXT

    def supports(self, agree: int) -> bool:
        return self.total > 0 and agree / self.total >= SUPPORT


def _collapse(s: str) -> str:
    return _WS.sub(" ", s)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def _find_all(haystack: str, needle: str, limit: int) -> tuple[list[int], bool]:
    """Start of every occurrence (overlapping ones too), and whether there were more."""
    found: list[int] = []
    i = haystack.find(needle)
    while i != -1:
        if len(found) == limit:
            return found, True
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found, False


@lru_cache(maxsize=2)
def _normalized(text: str) -> tuple[str, array]:
    """The text with whitespace runs collapsed to one space, and where each char came from.

    ``origin[i]`` is the offset in ``text`` where normalised character ``i`` starts;
    ``origin[len(norm)] == len(text)``, so ``text[origin[i]:origin[j]]`` is the real
    text behind ``norm[i:j]``. Cached for the last texts: re-anchoring a whole set of
    annotations normalises the article once.
    """
    parts: list[str] = []
    origin = array("q")
    pos = 0
    for run in _WS.finditer(text):
        a, b = run.span()
        if a > pos:
            parts.append(text[pos:a])
            origin.extend(range(pos, a))
        parts.append(" ")
        origin.append(a)
        pos = b
    if pos < len(text):
        parts.append(text[pos:])
        origin.extend(range(pos, len(text)))
    origin.append(len(text))
    return "".join(parts), origin


def _score(edits: int, length: int, share: float) -> float:
    """0.7 * similarity of the quote (1 - edits/length) + 0.3 * context agreement.

    An exact match with no agreeing context scores 0.7, with full context 1.0. An
    approximate match needs context to reach :data:`WEAK_SCORE`: the more edits, the
    more context (one edit in 40 characters needs ~23% agreement, the maximum of 12.5%
    edits ~46%).
    """
    similarity = 1.0 - edits / length if length else 1.0
    return min(1.0, max(0.0, SIMILARITY_WEIGHT * similarity + CONTEXT_WEIGHT * share))


def _myers(pattern: str, text: str, anchored: bool) -> list[int]:
    """Edit distances of ``pattern`` against ``text``, one per end position.

    ``result[j]`` is the smallest Levenshtein distance between ``pattern`` and
    ``text[i:j + 1]`` over all ``i`` (``anchored=False``, approximate search), or
    between ``pattern`` and ``text[:j + 1]`` (``anchored=True``). Myers' bit-vector
    algorithm (Hyyrö's formulation) on Python integers: a few big-int operations per
    text character, whatever the pattern length.
    """
    m = len(pattern)
    if m == 0:
        return [0 if not anchored else j + 1 for j in range(len(text))]
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    carry = 1 if anchored else 0
    pv, mv, score = mask, 0, m
    out: list[int] = []
    append = out.append
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = mv | (mask ^ (xh | pv))
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (mask ^ (xv | ph))
        mv = ph & xv
        append(score)
    return out


# --------------------------------------------------------------------------- decisions


class _Search:
    """One call of :func:`anchor`: the inputs and the shared ranking rules."""

    def __init__(
        self, text: str, start: int, end: int, quote: str, prefix: str, suffix: str
    ) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.quote = quote
        self.ctx = _Context(prefix, suffix)
        self.reason = ""  # the most informative reason seen so far, for orphaning
        self.tied = False  # whether some step found equally good candidates

    def candidate(self, start: int, end: int, edits: int, length: int) -> _Candidate:
        agree = self.ctx.agreement(self.text, start, end)
        return _Candidate(start, end, edits, agree, _score(edits, length, self.ctx.share(agree)))

    def orphan(self, reason: str) -> Anchor:
        return Anchor("orphaned", self.start, self.end, self.quote, 0.0, reason)

    def place(self, found: _Candidate) -> Anchor:
        quote = self.text[found.start : found.end]
        if (found.start, found.end) == (self.start, self.end) and quote == self.quote:
            return Anchor("anchored", found.start, found.end, quote, 1.0)
        return Anchor("moved", found.start, found.end, quote, round(found.score, 4))

    def tie(self, reason: str) -> None:
        self.reason = reason
        self.tied = True

    def note(self, reason: str) -> None:
        if reason and not self.reason:
            self.reason = reason

    def decide(
        self, candidates: list[_Candidate], length: int, max_edits: int, fuzzy: bool
    ) -> _Candidate | None:
        """The clear winner among ``candidates``, or None with the reason noted.

        The best score wins only if no other candidate comes within the margin of
        :data:`MARGIN_CHARS` characters of context agreement: ties are never broken by
        position. Nearness to the old offsets only orders candidates that are tied
        anyway, so that the reason is deterministic.
        """
        if not candidates:
            return None
        candidates.sort(key=lambda c: (-c.score, abs(c.start - self.start), c.start))
        best = candidates[0]
        if fuzzy and (best.edits > max_edits or best.score < WEAK_SCORE):
            self.note(f"weak match (score {best.score:.2f})")
            return None
        margin = CONTEXT_WEIGHT * MARGIN_CHARS / self.ctx.total if self.ctx.total else 1e-9
        rivals = sum(1 for c in candidates[1:] if best.score - c.score < margin - 1e-12)
        if rivals:
            self.tie(f"ambiguous: {rivals + 1} equally good matches")
            return None
        if length < MIN_UNSUPPORTED_LEN and not self.ctx.supports(best.agree):
            agrees = f"{best.agree}/{self.ctx.total}"
            self.note(f"weak match (context {agrees}): too short to place without context")
            return None
        return best


def anchor(
    text: str, start: int, end: int, quote: str, prefix: str = "", suffix: str = ""
) -> Anchor:
    """Find ``quote`` (last seen at ``start:end`` between ``prefix`` and ``suffix``) in ``text``.

    Returns ``"anchored"`` (same offsets), ``"moved"`` (new offsets and/or quote, with
    ``text[start:end] == quote``) or ``"orphaned"`` (old offsets and quote, and a
    reason: ``"not found"``, ``"ambiguous: N equally good matches"``, ``"weak match
    (score 0.61)"``...). Never raises for offsets that do not fit the text.
    """
    search = _Search(text, start, end, quote, prefix, suffix)
    in_range = 0 <= start <= end <= len(text)

    if not quote:
        if (
            in_range
            and start == end
            and start >= len(prefix)
            and text[start - len(prefix) : start] == prefix
            and text[end : end + len(suffix)] == suffix
        ):
            return Anchor("anchored", start, end, "", 1.0)
        return search.orphan("empty quote: its context is not at its offsets")

    # 1. Still where it was, and nothing contradicts it.
    if in_range and text[start:end] == quote and _stays(search):
        return Anchor("anchored", start, end, quote, 1.0)

    # 2. Exact occurrences. An exact match includes the exact whitespace, so the
    # quote's own length measures how specific it is.
    starts, more = _find_all(text, quote, MAX_OCCURRENCES)
    if more:
        return search.orphan(f"ambiguous: more than {MAX_OCCURRENCES} matches")
    if starts:
        candidates = [search.candidate(s, s + len(quote), 0, len(quote)) for s in starts]
        found = search.decide(candidates, len(quote), 0, fuzzy=False)
    else:
        # 3. Exact up to whitespace.
        norm, origin = _normalized(text)
        nquote = _collapse(quote)
        nstarts, more = _find_all(norm, nquote, MAX_OCCURRENCES)
        if more:
            return search.orphan(f"ambiguous: more than {MAX_OCCURRENCES} matches")
        candidates = [
            search.candidate(origin[s], origin[s + len(nquote)], 0, len(nquote)) for s in nstarts
        ]
        found = search.decide(candidates, len(nquote), 0, fuzzy=False)
    if found is not None and search.ctx.supports(found.agree):
        return search.place(found)
    exact = found  # a clear winner, but with little context agreement

    # 4. Approximate. Its candidates include the exact occurrences (no edits), so a tie
    # among those stays a tie, and an exact winner stays the winner, unless an edited
    # passage (the annotated one, corrected) has so much better context that it beats
    # them all. If that comparison is a tie, the exact winner was a guess.
    search.tied = False
    found = _approximate(search)
    if found is not None:
        return search.place(found)
    if exact is not None and not search.tied:
        return search.place(exact)
    return search.orphan(search.reason or "not found")


def anchor_all(text: str, stored: Sequence[Stored], old_length: int | None = None) -> list[Anchor]:
    """:func:`anchor` for each of ``stored`` (one article's annotations), then step 5.

    ``old_length`` is the length of the text they were last placed in (the sidecar's
    ``document.length``): its end is a fixed point for the shift, as its start is. The
    result is in the order of ``stored``.
    """
    found = [anchor(text, s.start, s.end, s.quote, s.prefix, s.suffix) for s in stored]
    if all(f.status != "orphaned" for f in found):
        return found
    # Exact placements only: an approximate one measures the edit, not the shift.
    points = [(0, 0)]
    points.extend(
        (s.start, f.start - s.start)
        for s, f in zip(stored, found, strict=True)
        if f.status != "orphaned" and f.quote == s.quote
    )
    if old_length is not None:
        points.append((old_length, len(text) - old_length))
    points.sort()
    olds = [old for old, _ in points]
    for i, (s, f) in enumerate(zip(stored, found, strict=True)):
        if f.status == "orphaned" and s.quote:
            shift = _agreed_shift(points, olds, s.start)
            if shift is not None:
                found[i] = _by_shift(text, s, shift) or f
    return found


def _agreed_shift(points: list[tuple[int, int]], olds: list[int], start: int) -> int | None:
    """The shift of the nearest placed points before and after ``start`` (old offsets),
    if they all agree; None if they disagree or one side has none."""
    before = bisect_right(olds, start) - 1
    after = bisect_left(olds, start)
    if before < 0 or after >= len(points):
        return None
    near = {shift for old, shift in points if old in (olds[before], olds[after])}
    return near.pop() if len(near) == 1 else None


def _by_shift(text: str, stored: Stored, shift: int) -> Anchor | None:
    """``stored`` placed at its old offsets plus ``shift``, if the text there says so."""
    start, quote = stored.start + shift, stored.quote
    end = start + len(quote)
    if start < 0 or text[start:end] != quote:
        return None
    ctx = _Context(stored.prefix, stored.suffix)
    agree = ctx.agreement(text, start, end)
    if len(quote) < MIN_UNSUPPORTED_LEN and not ctx.supports(agree):
        return None
    others, more = _find_all(text, quote, MAX_OCCURRENCES)
    if more or any(
        ctx.agreement(text, other, other + len(quote)) >= agree + MARGIN_CHARS
        for other in others
        if other != start
    ):
        return None
    status: Status = "anchored" if (start, end) == (stored.start, stored.end) else "moved"
    score = 1.0 if status == "anchored" else round(_score(0, len(quote), ctx.share(agree)), 4)
    return Anchor(status, start, end, quote, score)


def _stays(search: _Search) -> bool:
    """Whether the quote, found at its old offsets, should be taken to be still there.

    Yes if the context there agrees fully (or none was stored). Otherwise a short
    quote needs supporting context (a coincidental "في" at the old offsets is not the
    annotated one), and any quote yields to another occurrence whose context agrees
    clearly better (by :data:`MARGIN_CHARS`).
    """
    text, start, end, quote, ctx = search.text, search.start, search.end, search.quote, search.ctx
    own = ctx.agreement(text, start, end)
    if ctx.total == 0 or own == ctx.total:
        return True
    if len(quote) < MIN_UNSUPPORTED_LEN and not ctx.supports(own):
        return False
    others, more = _find_all(text, quote, MAX_OCCURRENCES)
    if more:
        return False
    return not any(
        s != start and ctx.agreement(text, s, s + len(quote)) >= own + MARGIN_CHARS for s in others
    )


def _approximate(search: _Search) -> _Candidate | None:
    nquote = _collapse(search.quote)
    m = len(nquote)
    if m < MIN_FUZZY_LEN:
        return None
    k = min(MAX_EDITS, max(1, m // 8))
    norm, origin = _normalized(search.text)

    windows = _candidate_windows(norm, nquote, k)
    if not windows:
        return None
    windows.sort()
    merged: list[list[int]] = []
    for a, b in windows:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])

    candidates: list[_Candidate] = []
    best_miss: tuple[int, int] | None = None  # (distance, end) of the closest rejected end
    budget = MAX_FUZZY_SCAN
    for a, b in merged:
        if budget <= 0:
            break
        b = min(b, a + budget)
        budget -= b - a
        distances = _myers(nquote, norm[a:b], anchored=False)
        j = 0
        while j < len(distances):
            if distances[j] > k:
                if best_miss is None or distances[j] < best_miss[0]:
                    best_miss = (distances[j], a + j + 1)
                j += 1
                continue
            run_end = j
            while run_end < len(distances) and distances[run_end] <= k:
                run_end += 1
            low = min(distances[j:run_end])
            ends = [a + i + 1 for i in range(j, run_end) if distances[i] == low]
            # One passage gives a run of at most 2k + 1 close ends, and its best
            # alignment is one candidate. A longer run is repetitive text (" The The
            # The"), where each best end may be a different occurrence.
            groups = [ends] if run_end - j <= 2 * k + 1 else [[end] for end in ends]
            if len(candidates) + len(groups) > MAX_FUZZY_CANDIDATES:
                search.tie(f"ambiguous: more than {MAX_FUZZY_CANDIDATES} approximate matches")
                return None
            for group in groups:
                found = _locate(search, norm, origin, nquote, group, k)
                if found is not None:
                    candidates.append(found)
            j = run_end
    # Nothing within k edits: the closest miss, if not far off, explains the orphaning.
    if not candidates and best_miss is not None and best_miss[0] <= 2 * k:
        found = _locate(search, norm, origin, nquote, [best_miss[1]], best_miss[0])
        if found is not None:
            candidates.append(found)
    return search.decide(candidates, m, k, fuzzy=True)


@lru_cache(maxsize=2)
def _gram_index(norm: str) -> dict[str, list[int]]:
    """Where each GRAM-character substring of ``norm`` starts."""
    index: dict[str, list[int]] = {}
    for i in range(len(norm) - GRAM + 1):
        gram = norm[i : i + GRAM]
        found = index.get(gram)
        if found is None:
            index[gram] = [i]
        else:
            found.append(i)
    return index


def _candidate_windows(norm: str, nquote: str, k: int) -> list[tuple[int, int]]:
    """Stretches of ``norm`` that may hold ``nquote`` with at most ``k`` edits.

    Pigeonhole filter: ``p > k`` disjoint 4-grams are taken from the quote, evenly
    spread; an edit spoils at most one of them, so a match keeps ``p - k`` intact, each
    found at its offset in the quote plus a shift of at most ``k``. Only where that
    many distinct pieces line up (within ``2k`` diagonals) is worth the edit-distance
    scan. Occurrences come from a 4-gram index of the text, built once per text. A
    piece found more than :data:`MAX_PIECE_HITS` times is not used and lowers the
    requirement by one.
    """
    m = len(nquote)
    index = _gram_index(norm)
    pieces = max(2, min(m // GRAM, k + 1 + k // 2))
    offsets = [i * (m - GRAM) // (pieces - 1) for i in range(pieces)]
    hits: list[tuple[int, int]] = []  # (diagonal: where the quote would start, piece)
    skipped = 0
    for piece, offset in enumerate(offsets):
        found = index.get(nquote[offset : offset + GRAM], ())
        if len(found) > MAX_PIECE_HITS:
            skipped += 1
            continue
        hits.extend((hit - offset, piece) for hit in found)
    need = max(1, pieces - k - skipped)
    hits.sort()
    windows: list[tuple[int, int]] = []
    seen: dict[int, int] = {}
    low = 0
    for diagonal, piece in hits:
        seen[piece] = seen.get(piece, 0) + 1
        while hits[low][0] < diagonal - 2 * k:
            gone = hits[low][1]
            seen[gone] -= 1
            if not seen[gone]:
                del seen[gone]
            low += 1
        if len(seen) >= need:
            windows.append((max(0, diagonal - 3 * k), min(len(norm), diagonal + m + 2 * k)))
    return windows


def _locate(
    search: _Search,
    norm: str,
    origin: array,
    nquote: str,
    ends: list[int],
    slack: int,
) -> _Candidate | None:
    """The best alignment ending at one of ``ends`` (normalised offsets), in real offsets.

    Starts come from matching the reversed quote backwards from each end. Among
    equally close alignments of this one passage, context agreement decides, then the
    length nearest the quote's.
    """
    m = len(nquote)
    reversed_quote = nquote[::-1]
    options: list[tuple[int, int, int]] = []  # (distance, start, end), normalised
    for end in ends:
        low = max(0, end - m - slack)
        distances = _myers(reversed_quote, norm[low:end][::-1], anchored=True)
        if not distances:
            continue
        best = min(distances)
        options.extend((best, end - i - 1, end) for i, d in enumerate(distances) if d == best)
    if not options:
        return None
    least = min(d for d, _, _ in options)
    choices = [
        (search.candidate(origin[s], origin[e], d, m), abs(e - s - m))
        for d, s, e in options
        if d == least
    ]
    choices.sort(key=lambda pair: (-pair[0].agree, pair[1], pair[0].start))
    return choices[0][0]
