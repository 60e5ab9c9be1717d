"""annotations.agreement: the figures of `hamish agree` against the reference libraries.

Each fixture writes, by hand, the units (tokens inside someone's span) and every
author's category on each, as docs/team.md defines them; the module must find the same
units and give the figures scikit-learn's ``cohen_kappa_score``, statsmodels'
``fleiss_kappa`` and the ``krippendorff`` package (from its raw reliability matrix,
missing ratings as nan) give on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import permutations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotations import make_annotation
from annotations.agreement import (
    NO_TAG,
    CodedDocument,
    agreement,
    category_label,
    masi_distance,
)

WORDS = "الرئيس زار القاهرة أمس والتقى وزير الخارجية في مقر الوزارة ثم غادر".split()
TEXT = " ".join(WORDS)  # 12 tokens, 0..11


def span(first: int, last: int) -> tuple[int, int]:
    """Offsets from the start of token ``first`` to the end of token ``last``."""
    start = len(" ".join(WORDS[:first])) + (1 if first else 0)
    end = len(" ".join(WORDS[: last + 1]))
    return start, end


def ann(author: str, first: int, last: int, *tags: str, text: str = TEXT):
    start, end = span(first, last)
    return make_annotation(text, start, end, tags=tags, author=author)


def doc(key: str, *annotations) -> CodedDocument:
    return CodedDocument(key, TEXT, tuple(annotations))


def label(categories: Sequence[frozenset[str]]) -> list[str]:
    return [category_label(c) for c in categories]


P, L, G = frozenset({"PER"}), frozenset({"LOC"}), frozenset({"ORG"})
NONE: frozenset[str] = frozenset()

# Two authors, partial overlaps; ORG only by sara (a tag absent for one author).
PARTIAL = doc(
    "a.txt",
    ann("سارة", 0, 1, "PER"),
    ann("سارة", 4, 5, "LOC"),
    ann("سارة", 8, 8, "ORG"),
    ann("omar", 0, 1, "PER"),
    ann("omar", 5, 6, "LOC"),
    ann("omar", 8, 8, "PER"),
)
# The units of PARTIAL (tokens 0, 1, 4, 5, 6, 8), each author's category on each.
PARTIAL_SARA = [P, P, L, L, NONE, G]
PARTIAL_OMAR = [P, P, NONE, L, L, P]


def test_units_and_cohen_kappa_equal_scikit_learn_on_partial_overlaps() -> None:
    result = agreement([PARTIAL])
    (pair,) = result.pairs
    assert (pair.a, pair.b, pair.n) == ("omar", "سارة", 6)  # authors sorted
    expected = cohen_kappa_score(label(PARTIAL_OMAR), label(PARTIAL_SARA))
    assert pair.kappa == pytest.approx(expected)
    assert pair.kappa == pytest.approx(0.28)  # po 18/36, pe 11/36: 7/25
    # Spans: one exact (PER 0-1), two with overlap on each side (PER, LOC).
    assert (pair.spans.a, pair.spans.b, pair.spans.exact) == (3, 3, 1)
    assert pair.spans.f1_exact == pytest.approx(1 / 3)
    assert pair.spans.f1_overlap == pytest.approx(2 / 3)
    assert {t: (c.f1_exact, c.f1_overlap) for t, c in result.per_tag.items()} == {
        "LOC": (0.0, 1.0),
        "ORG": (0.0, 0.0),
        "PER": (pytest.approx(2 / 3), pytest.approx(2 / 3)),
    }
    # Two raters: Fleiss' κ and α on the same units as the pair.
    table, _ = aggregate_raters(np.array([label(PARTIAL_OMAR), label(PARTIAL_SARA)]).T)
    assert result.fleiss_kappa == pytest.approx(sm_fleiss_kappa(table, method="fleiss"))
    codes = {c: i for i, c in enumerate(sorted(set(label(PARTIAL_OMAR + PARTIAL_SARA))))}
    data = [[codes[c] for c in label(PARTIAL_OMAR)], [codes[c] for c in label(PARTIAL_SARA)]]
    nominal = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert result.alpha == pytest.approx(nominal)
    assert result.alpha_masi == pytest.approx(nominal)  # singletons and empty: MASI is 0/1
    assert result.alpha_n == result.fleiss_n == 6


def test_perfect_agreement_is_one_everywhere() -> None:
    same = [("PER", 0, 1), ("LOC", 2, 2), ("ORG", 5, 6)]
    annotations = [ann(who, a, b, t) for who in ("x", "y", "z") for t, a, b in same]
    result = agreement([doc("a.txt", *annotations)])
    assert [(p.a, p.b, p.kappa, p.spans.f1_exact, p.spans.f1_overlap) for p in result.pairs] == [
        ("x", "y", 1.0, 1.0, 1.0),
        ("x", "z", 1.0, 1.0, 1.0),
        ("y", "z", 1.0, 1.0, 1.0),
    ]
    assert (result.fleiss_kappa, result.alpha, result.alpha_masi) == (1.0, 1.0, 1.0)
    assert result.fleiss_n == 5


def test_no_agreement_equals_the_references() -> None:
    result = agreement([doc("a.txt", ann("a", 0, 2, "PER"), ann("b", 5, 7, "LOC"))])
    first, second = [P, P, P, NONE, NONE, NONE], [NONE, NONE, NONE, L, L, L]
    (pair,) = result.pairs
    assert pair.kappa == pytest.approx(cohen_kappa_score(label(first), label(second)))
    assert pair.kappa == pytest.approx(-1 / 3)
    assert (pair.spans.f1_exact, pair.spans.f1_overlap) == (0.0, 0.0)
    data = [[{"PER": 0, NO_TAG: 1, "LOC": 2}[c] for c in label(x)] for x in (first, second)]
    assert result.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )


def test_three_authors_with_one_missing_from_an_article() -> None:
    """Fleiss' κ uses the article all three took part in; α both, with nan for the
    author who did not take part in the second."""
    first = doc(
        "a.txt",
        ann("a", 0, 1, "PER"),
        ann("b", 0, 1, "PER"),
        ann("c", 0, 0, "PER"),
        ann("a", 3, 3, "LOC"),
        ann("c", 3, 4, "LOC"),
        ann("b", 9, 9, "ORG"),
    )
    second = doc("b.txt", ann("a", 2, 2, "LOC"), ann("b", 2, 3, "LOC"))
    result = agreement([first, second])
    # first: units 0, 1, 3, 4, 9; second: units 2, 3 (a and b only).
    a1, b1, c1 = [P, P, L, NONE, NONE], [P, P, NONE, NONE, G], [P, NONE, L, L, NONE]
    a2, b2 = [L, NONE], [L, L]
    table, _ = aggregate_raters(np.array([label(a1), label(b1), label(c1)]).T)
    assert result.fleiss_n == 5
    assert result.fleiss_kappa == pytest.approx(sm_fleiss_kappa(table, method="fleiss"))
    codes = {"PER": 0.0, "LOC": 1.0, "ORG": 2.0, NO_TAG: 3.0}
    data = [
        [codes[c] for c in label(a1 + a2)],
        [codes[c] for c in label(b1 + b2)],
        [codes[c] for c in label(c1)] + [np.nan, np.nan],
    ]
    assert result.alpha_n == 7
    assert result.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    # Pairs: (a, b) over both articles (units of a or b only), (a, c) and (b, c) the first.
    pairs = {(p.a, p.b): p for p in result.pairs}
    ab_a = [P, P, L, NONE, *a2]  # first: tokens 0, 1, 3, 9
    ab_b = [P, P, NONE, G, *b2]
    assert pairs["a", "b"].n == 6
    assert pairs["a", "b"].kappa == pytest.approx(cohen_kappa_score(label(ab_a), label(ab_b)))
    ac_a, ac_c = [P, P, L, NONE], [P, NONE, L, L]  # tokens 0, 1, 3, 4
    assert pairs["a", "c"].kappa == pytest.approx(cohen_kappa_score(label(ac_a), label(ac_c)))
    bc_b, bc_c = [P, P, NONE, NONE, G], [P, NONE, L, L, NONE]  # tokens 0, 1, 3, 4, 9
    assert pairs["b", "c"].kappa == pytest.approx(cohen_kappa_score(label(bc_b), label(bc_c)))


def _alpha_by_pairs(units: list[list[frozenset[str]]]) -> float:
    """Krippendorff's α with MASI, from its definition over pairable values (Do/De)."""
    values = [v for unit in units if len(unit) > 1 for v in unit]
    n = len(values)
    observed = sum(
        sum(masi_distance(x, y) for x, y in permutations(unit, 2)) / (len(unit) - 1)
        for unit in units
        if len(unit) > 1
    )
    expected = sum(masi_distance(x, y) for x, y in permutations(values, 2)) / (n - 1)
    return 1 - observed / expected


def test_masi_alpha_on_tag_sets_equals_its_definition() -> None:
    both = frozenset({"PER", "ORG"})
    result = agreement(
        [
            doc(
                "a.txt",
                ann("a", 0, 1, "PER", "ORG"),
                ann("b", 0, 1, "PER"),
                ann("a", 4, 4, "LOC"),
                ann("b", 4, 4, "LOC"),
                ann("b", 7, 7, "ORG"),
            )
        ]
    )
    units = [[both, P], [both, P], [L, L], [NONE, G]]
    assert result.alpha_masi == pytest.approx(_alpha_by_pairs(units))
    assert result.alpha_masi != pytest.approx(result.alpha)  # a partial match counts
    assert masi_distance(both, P) == pytest.approx(1 - 0.5 * 2 / 3)
    assert masi_distance(frozenset({"A", "B"}), frozenset({"B", "C"})) == pytest.approx(
        1 - 1 / 3 * 1 / 3
    )
    assert (masi_distance(NONE, NONE), masi_distance(NONE, P), masi_distance(P, L)) == (0, 1, 1)


def test_tag_prefix_keeps_only_the_tags_under_it() -> None:
    result = agreement(
        [
            doc(
                "a.txt",
                ann("a", 0, 1, "ner/PER", "topic"),
                ann("b", 0, 1, "ner/PER"),
                ann("b", 6, 6, "topic"),
                ann("a", 9, 9),  # no tags: out under a prefix
            )
        ],
        tag_prefix="ner",
    )
    (pair,) = result.pairs
    assert list(result.per_tag) == ["ner/PER"]
    assert (pair.n, pair.kappa, pair.spans.f1_exact) == (2, None, 1.0)  # one category: 0/0


def test_untagged_annotations_count_as_untagged_without_a_prefix() -> None:
    result = agreement([doc("a.txt", ann("a", 0, 0), ann("b", 0, 0))])
    assert list(result.per_tag) == ["(untagged)"]
    assert result.spans.f1_exact == 1.0


def test_warnings_few_units_a_dominant_label_and_boundaries() -> None:
    result = agreement(
        [doc("a.txt", ann("a", 0, 5, "PER"), ann("b", 1, 6, "PER"), ann("c", 0, 5, "PER"))],
        authors=["a", "b", "c", "nobody"],
    )
    assert result.authors == ("a", "b", "c", "nobody")
    assert "author nobody has no annotations in these articles" in result.warnings
    assert "a and b: only 7 units, too few for a reliable κ" in result.warnings
    assert "a and b: high boundary disagreement (F1 0.00 exact, 1.00 with overlap)" in (
        result.warnings
    )
    assert "a and c: high boundary disagreement" not in " ".join(result.warnings)
    assert any(w.startswith("PER is 86% of the ratings") for w in result.warnings)
    assert result.fleiss_n == 0  # "nobody" took part nowhere
    assert "only 0 units all authors rated: Fleiss' κ says little" in result.warnings


def test_json_has_the_documented_keys() -> None:
    data = agreement([PARTIAL]).to_json()
    assert data["pairs"] == [
        {
            "a": "omar",
            "b": "سارة",
            "f1_exact": pytest.approx(1 / 3),
            "f1_overlap": pytest.approx(2 / 3),
            "kappa": pytest.approx(0.28),
            "n": 6,
            "spans": {"a": 3, "b": 3},
        }
    ]
    assert {"fleiss_kappa", "alpha", "alpha_masi", "per_tag", "warnings"} <= set(data)
    assert data["per_tag"]["ORG"] == {"f1_exact": 0.0, "f1_overlap": 0.0, "a": 0, "b": 1}
