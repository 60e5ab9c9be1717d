"""The fast canonical writer writes exactly the bytes ``json.dumps(indent=2)`` wrote.

The reference below is the writer as it was (the pure-Python encoder with ``indent``);
the sidecar format (docs/sidecar.md) is its output, byte for byte.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import AnnotationSet, canonical_json, make_annotation
from annotations.sidecar import SidecarWriteError
from annotations.store import Sidecar, _dumps, _writable


def reference(data: object) -> str:
    """The writer before: the standard library's pure-Python encoder with indent."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


HOSTILE = [
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    '"',
    "\\",
    "/",
    "\t\r\n",
    "قال «الوزير»",
    "\U0001f600",
    "\ud800",  # a lone surrogate: written as is, then refused by the UTF-8 encode
    "\udfff",
]

texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
scalars = st.one_of(
    texts,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12,
)
annotation_entries = st.fixed_dictionaries(
    {
        "id": texts,
        "start": st.integers(0, 10**6),
        "end": st.integers(0, 10**6),
        "quote": texts,
        "prefix": texts,
        "suffix": texts,
        "tags": st.lists(texts, max_size=4),
        "note": texts,
        "author": texts,
        "created": texts,
        "modified": texts,
        "status": st.sampled_from(["anchored", "moved", "orphaned"]),
    },
    optional={"original_quote": texts, "x-extra": values, "x-more": values},
)
documents = st.fixed_dictionaries(
    {
        "format": st.just("hamish-annotations"),
        "version": st.just(1),
        "document": st.fixed_dictionaries(
            {
                "file": texts,
                "sha256": texts,
                "length": st.integers(0, 10**9),
                "tags": st.lists(texts, max_size=3),
                "note": texts,
            },
            optional={"x-doc": values},
        ),
        "annotations": st.lists(annotation_entries, max_size=8),
    },
    optional={"x-top": values},
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_same_text_as_the_reference_on_generated_sidecars(data: dict[str, Any]) -> None:
    assert _dumps(data) == reference(data)


@settings(max_examples=300, deadline=None)
@given(values)
def test_same_text_as_the_reference_on_any_json_value(value: object) -> None:
    assert _dumps({"value": value, "list": [value, [value]]}) == reference(
        {"value": value, "list": [value, [value]]}
    )


@given(st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=6))
def test_hostile_strings_are_escaped_as_before(strings: list[str]) -> None:
    data = {"tags": strings, "note": "".join(strings), "nested": {"k" + s: s for s in strings}}
    assert _dumps(data) == reference(data)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_like_before(bad: float) -> None:
    data = {"annotations": [{"id": "a", "x-score": bad}]}
    with pytest.raises(ValueError):
        reference(data)
    with pytest.raises(ValueError):
        _dumps(data)


def test_non_string_keys_convert_like_before() -> None:
    data = {"x": {1: "one", False: "no", None: "none", 2.5: "f"}}
    assert _dumps(data) == reference(data)


def test_real_sidecar_bytes_match_and_lone_surrogates_are_refused(tmp_path: Path) -> None:
    text = "قال وزير المالية إن «الاقتصاد سينمو» خلال مؤتمر صحفي.\n" * 20
    state = AnnotationSet.empty("a.txt", text).with_annotations(
        make_annotation(text, i, i + 7, tags=["quote", "موضوع/أمن"], note=HOSTILE[i % 16])
        for i in range(0, 600, 9)
    )
    assert canonical_json(state) == reference(state.to_json())
    path = tmp_path / "a.txt.annotations.json"
    assert _writable(state, path) == reference(state.to_json()).encode("utf-8")
    broken = state.with_document(note="\ud800")
    with pytest.raises(SidecarWriteError, match="not valid Unicode"):
        _writable(broken, path)
    sidecar = Sidecar(path, "a.txt", text)
    sidecar.save(state)
    assert path.read_bytes() == reference(sidecar.annotations.to_json()).encode("utf-8")


def test_a_sidecar_is_written_without_the_pure_python_encoder(monkeypatch) -> None:
    """The slow path (json's pure-Python ``indent`` encoder) is not used for hamish's own
    keys: only for values a sidecar rarely holds (floats, nested unknown data)."""
    text = "نص المقال للاختبار مع بعض الكلمات.\n" * 10
    state = AnnotationSet.empty("a.txt", text).with_annotations(
        make_annotation(text, i, i + 5, tags=["quote"], note="ملاحظة") for i in range(0, 300, 7)
    )
    expected = reference(state.to_json())

    def slow(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pure-Python encoder was used")

    monkeypatch.setattr(json.encoder, "_make_iterencode", slow)
    assert canonical_json(state) == expected
