"""Agreement between analysts who annotated the same articles (``hamish agree``).

Pure: annotations and article texts in, figures out (docs/team.md, "Agreement").

Who took part
    An author took part in an article when at least one of their annotations is in its
    sidecar (any tag, any status). An author who never opened an article is missing
    there, not "in disagreement": pairs use the articles both took part in, Fleiss' κ
    those all took part in, Krippendorff's α those at least two took part in (with the
    others missing, which α allows).

Spans
    An annotation counts once per tag it carries (under ``tag_prefix`` when one is
    given; an annotation without tags counts as :data:`UNTAGGED` when no prefix is
    given). Orphaned annotations count for taking part but have no span. Exact: the
    other author has the same start, end and tag. Overlap: the other author has a span
    of the same tag sharing at least one character. F1 is ``2PR/(P+R)`` with one author's
    spans as reference; with exact matching it is ``2|A∩B|/(|A|+|B|)``. Overall and per
    tag figures pool the counts of every pair (micro-average).

Units and categories (κ and α)
    A unit is a token (a run of non-whitespace characters, Python's ``str.split`` rule:
    ZWNJ stays inside a Persian word) that overlaps a span of at least one author in
    play: of the pair for Cohen's κ, of all authors for Fleiss' κ and α. An author's
    category on a unit is the *set* of their tags on spans overlapping it; the empty set
    is the category :data:`NO_TAG`. Tokens nobody annotated are not units: counting them
    as agreeing "no tag" would inflate every coefficient.

The κ formulas are written out here (they equal scikit-learn's ``cohen_kappa_score``
and statsmodels' ``fleiss_kappa``, which the tests check); α comes from the
``krippendorff`` package, nominal and with the MASI distance between tag sets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotations.model import Annotation

__all__ = [
    "NO_TAG",
    "UNTAGGED",
    "Agreement",
    "CodedDocument",
    "PairAgreement",
    "SpanCounts",
    "agreement",
    "category_label",
    "cohen_kappa",
    "fleiss_kappa",
    "masi_distance",
]

UNTAGGED = "(untagged)"  # the tag of an annotation without tags (as `hamish stats` calls it)
NO_TAG = "(no tag)"  # the category of a unit an author put no tag on
TOKEN_RE = re.compile(r"\S+")  # a unit: str.split's words (ZWNJ is not whitespace)
FEW_UNITS = 30  # INCEpTION's warning: under 30 items a coefficient says little
DOMINANT_SHARE = 0.85  # INCEpTION's skew warning: one label on more than 85% of ratings
# A pair loses more than half of its span agreement when boundaries must match exactly:
# the analysts agree on what, not on where (a guideline on boundaries is missing).
BOUNDARY_LOSS = 0.5

Category = frozenset[str]


@dataclass(frozen=True, slots=True)
class CodedDocument:
    """One article: a key naming it (its path), its text and every annotation on it."""

    key: str
    text: str
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    tag: str


@dataclass(frozen=True, slots=True)
class SpanCounts:
    """Span matches between authors a and b: spans of each, exact matches (the same on
    both sides), a's spans overlapped by b's and b's overlapped by a's."""

    a: int = 0
    b: int = 0
    exact: int = 0
    overlap_a: int = 0
    overlap_b: int = 0

    def __add__(self, other: SpanCounts) -> SpanCounts:
        return SpanCounts(
            self.a + other.a,
            self.b + other.b,
            self.exact + other.exact,
            self.overlap_a + other.overlap_a,
            self.overlap_b + other.overlap_b,
        )

    @property
    def f1_exact(self) -> float | None:
        """``2|A∩B|/(|A|+|B|)``; None when neither side has a span."""
        total = self.a + self.b
        return 2 * self.exact / total if total else None

    @property
    def f1_overlap(self) -> float | None:
        """F1 of overlap matching (recall: a's spans overlapped, precision: b's)."""
        if not self.a + self.b:
            return None
        recall = self.overlap_a / self.a if self.a else 0.0
        precision = self.overlap_b / self.b if self.b else 0.0
        both = recall + precision
        return 2 * precision * recall / both if both else 0.0


@dataclass(frozen=True, slots=True)
class PairAgreement:
    a: str
    b: str
    spans: SpanCounts
    kappa: float | None  # Cohen's κ; None when undefined (one category only, or no units)
    n: int  # units of the pair's κ
    per_tag: Mapping[str, SpanCounts]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "f1_exact": self.spans.f1_exact,
            "f1_overlap": self.spans.f1_overlap,
            "kappa": self.kappa,
            "n": self.n,
            "spans": {"a": self.spans.a, "b": self.spans.b},
        }


@dataclass(frozen=True, slots=True)
class Agreement:
    authors: tuple[str, ...]
    articles: int  # articles with at least two of the authors
    pairs: tuple[PairAgreement, ...]
    spans: SpanCounts  # every pair pooled
    per_tag: Mapping[str, SpanCounts]  # every pair pooled
    fleiss_kappa: float | None
    fleiss_n: int
    alpha: float | None  # Krippendorff's α, nominal (a tag set is one category)
    alpha_masi: float | None  # Krippendorff's α with the MASI distance between tag sets
    alpha_n: int
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "authors": list(self.authors),
            "articles": self.articles,
            "pairs": [pair.to_json() for pair in self.pairs],
            "f1_exact": self.spans.f1_exact,
            "f1_overlap": self.spans.f1_overlap,
            "fleiss_kappa": self.fleiss_kappa,
            "fleiss_n": self.fleiss_n,
            "alpha": self.alpha,
            "alpha_masi": self.alpha_masi,
            "alpha_n": self.alpha_n,
            "per_tag": {
                tag: {"f1_exact": c.f1_exact, "f1_overlap": c.f1_overlap, "a": c.a, "b": c.b}
                for tag, c in self.per_tag.items()
            },
            "warnings": list(self.warnings),
        }


def category_label(category: Category) -> str:
    """A tag set as one word for people: ``a + b``, or :data:`NO_TAG`."""
    return " + ".join(sorted(category)) or NO_TAG


def author_of(annotation: Annotation) -> str:
    return annotation.author or "(unknown)"  # as `hamish stats` counts it


def _in_prefix(tag: str, prefix: str | None) -> bool:
    if prefix is None:
        return True
    prefix = prefix.rstrip("/")
    return tag == prefix or tag.startswith(prefix + "/")  # export --tag's rule


def _spans(annotations: Iterable[Annotation], prefix: str | None) -> frozenset[_Span]:
    spans: set[_Span] = set()
    for annotation in annotations:
        if annotation.status == "orphaned" or annotation.end <= annotation.start:
            continue
        tags = annotation.tags or (() if prefix is not None else (UNTAGGED,))
        for tag in tags:
            if _in_prefix(tag, prefix):
                spans.add(_Span(annotation.start, annotation.end, tag))
    return frozenset(spans)


def _overlaps(span: _Span, others: Iterable[_Span]) -> bool:
    return any(o.tag == span.tag and o.start < span.end and span.start < o.end for o in others)


def _span_counts(a: frozenset[_Span], b: frozenset[_Span]) -> SpanCounts:
    return SpanCounts(
        a=len(a),
        b=len(b),
        exact=len(a & b),
        overlap_a=sum(_overlaps(s, b) for s in a),
        overlap_b=sum(_overlaps(s, a) for s in b),
    )


def _per_tag(a: frozenset[_Span], b: frozenset[_Span]) -> dict[str, SpanCounts]:
    tags = {s.tag for s in a} | {s.tag for s in b}
    return {
        tag: _span_counts(
            frozenset(s for s in a if s.tag == tag), frozenset(s for s in b if s.tag == tag)
        )
        for tag in tags
    }


def _units(
    text: str, coded: Mapping[str, frozenset[_Span]], authors: Sequence[str]
) -> list[dict[str, Category]]:
    """Each unit of ``text`` for ``authors``: every author's tag set on it."""
    units: list[dict[str, Category]] = []
    spans = [s for author in authors for s in coded[author]]
    if not spans:
        return units
    for token in TOKEN_RE.finditer(text):
        start, end = token.span()
        if not any(s.start < end and start < s.end for s in spans):
            continue
        units.append(
            {
                author: frozenset(s.tag for s in coded[author] if s.start < end and start < s.end)
                for author in authors
            }
        )
    return units


def cohen_kappa(first: Sequence[Category], second: Sequence[Category]) -> float | None:
    """Cohen's κ of two raters' categories on the same units; None when undefined."""
    n = len(first)
    if not n:
        return None
    observed = sum(x == y for x, y in zip(first, second, strict=True)) / n
    left, right = Counter(first), Counter(second)
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    if expected == 1:
        return None  # one category only: κ is 0/0
    return (observed - expected) / (1 - expected)


def fleiss_kappa(units: Sequence[Counter[Category]]) -> float | None:
    """Fleiss' κ of units each rated by the same number of raters (category counts)."""
    if not units:
        return None
    raters = sum(units[0].values())
    if raters < 2:
        return None
    n = len(units)
    totals: Counter[Category] = Counter()
    for unit in units:
        totals.update(unit)
    agreement = sum(
        (sum(c * c for c in unit.values()) - raters) / (raters * (raters - 1)) for unit in units
    )
    observed = agreement / n
    expected = sum((t / (n * raters)) ** 2 for t in totals.values())
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def masi_distance(first: Category, second: Category) -> float:
    """MASI (Passonneau 2006): ``1 - J·M``, J the Jaccard index, M 1 for equal sets, 2/3
    when one holds the other, 1/3 when they only intersect, 0 when disjoint. Two empty
    sets are equal (distance 0); an empty and a non-empty set are disjoint (1)."""
    if first == second:
        return 0.0
    common = first & second
    if not common:
        return 1.0
    jaccard = len(common) / len(first | second)
    monotonicity = 2 / 3 if first <= second or second <= first else 1 / 3
    return 1 - jaccard * monotonicity


def krippendorff_alpha(units: Sequence[Counter[Category]], *, masi: bool = False) -> float | None:
    """Krippendorff's α of units with any number of ratings (missing ones left out),
    computed by the ``krippendorff`` package; None when undefined (one value only)."""
    domain = sorted({c for unit in units for c in unit}, key=lambda c: sorted(c))
    if len(domain) < 2 or not any(sum(u.values()) >= 2 for u in units):
        return None
    import numpy as np  # heavy: only when α is computed
    from krippendorff import alpha

    index = {c: i for i, c in enumerate(domain)}
    counts = np.zeros((len(units), len(domain)), dtype=np.int64)
    for row, unit in enumerate(units):
        for category, count in unit.items():
            counts[row, index[category]] = count
    if masi:
        table = np.array([[masi_distance(x, y) for y in domain] for x in domain])

        def level(v1: Any, v2: Any, i1: Any, i2: Any, n_v: Any, dtype: Any = np.float64) -> Any:
            return table[i1, i2].astype(dtype)

        value = alpha(value_counts=counts, level_of_measurement=level)
    else:
        value = alpha(value_counts=counts, level_of_measurement="nominal")
    result = float(value)
    return None if result != result else result  # nan: no disagreement was possible


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def agreement(
    documents: Iterable[CodedDocument],
    *,
    authors: Sequence[str] | None = None,
    tag_prefix: str | None = None,
) -> Agreement:
    """Every figure for ``authors`` (default: every author found) on ``documents``."""
    docs = list(documents)
    present: list[dict[str, frozenset[_Span]]] = []  # per document: author → spans
    for doc in docs:
        by_author: dict[str, list[Annotation]] = {}
        for annotation in doc.annotations:
            by_author.setdefault(author_of(annotation), []).append(annotation)
        present.append({a: _spans(anns, tag_prefix) for a, anns in by_author.items()})
    found = sorted({a for coded in present for a in coded})
    chosen = tuple(authors) if authors else tuple(found)
    warnings: list[str] = [
        f"author {a} has no annotations in these articles" for a in chosen if a not in found
    ]

    pairs: list[PairAgreement] = []
    pooled = SpanCounts()
    pooled_tags: dict[str, SpanCounts] = {}
    for a, b in combinations(chosen, 2):
        counts = SpanCounts()
        tags: dict[str, SpanCounts] = {}
        first: list[Category] = []
        second: list[Category] = []
        for doc, coded in zip(docs, present, strict=True):
            if a not in coded or b not in coded:
                continue
            counts += _span_counts(coded[a], coded[b])
            for tag, c in _per_tag(coded[a], coded[b]).items():
                tags[tag] = tags.get(tag, SpanCounts()) + c
            for unit in _units(doc.text, coded, (a, b)):
                first.append(unit[a])
                second.append(unit[b])
        pair = PairAgreement(a, b, counts, cohen_kappa(first, second), len(first), _sorted(tags))
        pairs.append(pair)
        pooled += counts
        for tag, c in tags.items():
            pooled_tags[tag] = pooled_tags.get(tag, SpanCounts()) + c
        if pair.n < FEW_UNITS:
            warnings.append(f"{a} and {b}: only {pair.n} units, too few for a reliable κ")
        if pair.kappa is None and pair.n:
            warnings.append(f"{a} and {b}: κ is undefined (both used one category only)")
        f1o, f1e = counts.f1_overlap, counts.f1_exact
        if f1o and f1e is not None and 1 - f1e / f1o > BOUNDARY_LOSS:
            warnings.append(
                f"{a} and {b}: high boundary disagreement (F1 {_share(f1e)} exact, "
                f"{_share(f1o)} with overlap)"
            )

    fleiss_units: list[Counter[Category]] = []
    alpha_units: list[Counter[Category]] = []
    articles = 0
    for doc, coded in zip(docs, present, strict=True):
        taking_part = [a for a in chosen if a in coded]
        if len(taking_part) < 2:
            continue
        articles += 1
        units = _units(doc.text, coded, taking_part)
        alpha_units.extend(Counter(unit.values()) for unit in units)
        if len(taking_part) == len(chosen):
            fleiss_units.extend(Counter(unit.values()) for unit in units)
    if len(chosen) > 2 and len(fleiss_units) < FEW_UNITS:
        warnings.append(f"only {len(fleiss_units)} units all authors rated: Fleiss' κ says little")
    ratings: Counter[Category] = Counter()
    for rated in alpha_units:
        ratings.update(rated)
    total = sum(ratings.values())
    for category, count in ratings.most_common(1):
        if count / total > DOMINANT_SHARE:
            warnings.append(
                f"{category_label(category)} is {count / total:.0%} of the ratings: with one "
                "category this common, κ and α swing on a few units"
            )
    return Agreement(
        authors=chosen,
        articles=articles,
        pairs=tuple(pairs),
        spans=pooled,
        per_tag=_sorted(pooled_tags),
        fleiss_kappa=fleiss_kappa(fleiss_units),
        fleiss_n=len(fleiss_units),
        alpha=krippendorff_alpha(alpha_units),
        alpha_masi=krippendorff_alpha(alpha_units, masi=True),
        alpha_n=len(alpha_units),
        warnings=tuple(warnings),
    )


def _sorted(tags: Mapping[str, SpanCounts]) -> dict[str, SpanCounts]:
    return {tag: tags[tag] for tag in sorted(tags)}
