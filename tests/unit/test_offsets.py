"""The one UTF-16 converter: agreement with Python's own UTF-16, round trips, surrogate pairs."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annotations.formats as formats
import annotations.formats.base as base
from annotations.formats.labelstudio import read_labelstudio
from annotations.formats.offsets import (
    astral_positions,
    codepoint_converter,
    codepoint_offset,
    has_astral,
    utf16_converter,
    utf16_offset,
)

EMOJI = "😀 قال 𝐀𝐁 «نعم» 👍🏽\r\nend 🐱"
TEXTS = [
    "",
    "plain ascii",
    "قالَ وزيرُ الماليةِ إنَّ",  # BMP only, not ASCII
    EMOJI,
    "😀",
    "😀😀😀",  # astral characters side by side
    "a\ud800b",  # a lone surrogate is one code point and one UTF-16 unit
]

# A mix of ASCII, Arabic, BMP symbols and astral characters (emoji, mathematical letters).
mixed_text = st.text(
    alphabet=st.sampled_from(list("ab \n\r") + list("قال«»") + ["€", "😀", "𝐀", "👍", "🏽"]),
    max_size=40,
)


def units_before(text: str, index: int) -> int:
    """The definition: how many UTF-16 units the first ``index`` characters take."""
    return len(text[:index].encode("utf-16-le", "surrogatepass")) // 2


def pair_offsets(text: str) -> list[tuple[int, int]]:
    """(code point index, UTF-16 offset inside its pair) for every astral character."""
    return [(i, units_before(text, i) + 1) for i, c in enumerate(text) if ord(c) > 0xFFFF]


@pytest.mark.parametrize("text", TEXTS)
def test_utf16_offset_agrees_with_python_utf16(text):
    for index in range(len(text) + 1):
        assert utf16_offset(text, index) == units_before(text, index)
    assert utf16_offset(text, len(text)) == len(text.encode("utf-16-le", "surrogatepass")) // 2


@pytest.mark.parametrize("text", TEXTS)
def test_round_trip_on_character_boundaries(text):
    for index in range(len(text) + 1):
        units = utf16_offset(text, index)
        assert codepoint_offset(text, units) == index
        assert codepoint_offset(text, units, side="start") == index
        assert codepoint_converter(text, strict=True)(units) == index


def test_astral_positions():
    assert astral_positions(EMOJI) == tuple(i for i, c in enumerate(EMOJI) if ord(c) > 0xFFFF)
    assert len(astral_positions(EMOJI)) == 6  # 😀 𝐀 𝐁 👍 🏽 🐱
    assert astral_positions("قال «نعم»") == ()
    assert astral_positions("a\ud800b") == ()
    assert [has_astral(text) for text in TEXTS] == [False, False, False, True, True, True, False]


def test_an_offset_inside_a_pair_never_cuts_nor_shrinks():
    text = "x😀y"  # 😀 is units 1..3; unit 2 lies between its surrogates
    assert codepoint_offset(text, 2, side="start") == 1  # back to the start of 😀
    assert codepoint_offset(text, 2, side="end") == 2  # forward past 😀
    assert codepoint_offset(text, 2) == 2  # the default is the end's rule
    for index, inside in pair_offsets(EMOJI):
        assert codepoint_offset(EMOJI, inside, side="start") == index
        assert codepoint_offset(EMOJI, inside, side="end") == index + 1


def test_strict_refuses_what_it_would_adjust():
    convert = codepoint_converter(EMOJI, strict=True)
    for _, inside in pair_offsets(EMOJI):
        with pytest.raises(ValueError, match=f"offset {inside} splits a surrogate pair"):
            convert(inside)
    total = len(EMOJI.encode("utf-16-le")) // 2
    with pytest.raises(ValueError, match=rf"offset {total + 1} is outside the text \({total} "):
        convert(total + 1)
    with pytest.raises(ValueError, match="offset -1 is outside"):
        convert(-1)
    with pytest.raises(ValueError, match="offset 4 is outside the text"):
        codepoint_converter("abc", strict=True)(4)  # the same rules without astral characters


def test_offsets_outside_the_text_clamp():
    for text in TEXTS:
        assert codepoint_offset(text, -3) == 0
        assert codepoint_offset(text, 10_000) == len(text)
        assert codepoint_offset(text, 10_000, side="start") == len(text)


def test_converters_reuse_known_astral_positions():
    astral = astral_positions(EMOJI)
    to_utf16 = utf16_converter(astral)
    start_of, end_of = (
        codepoint_converter(EMOJI, astral, side="start"),
        codepoint_converter(EMOJI, astral),
    )
    for index in range(len(EMOJI) + 1):
        assert to_utf16(index) == units_before(EMOJI, index)
        assert start_of(to_utf16(index)) == end_of(to_utf16(index)) == index
    assert utf16_converter(())(12345) == 12345  # no astral character: nothing to convert


@given(mixed_text, st.data())
def test_a_converted_span_covers_the_units_it_was_given(text, data):
    total = len(text.encode("utf-16-le")) // 2
    start_units = data.draw(st.integers(0, total))
    end_units = data.draw(st.integers(start_units, total))
    start = codepoint_offset(text, start_units, side="start")
    end = codepoint_offset(text, end_units, side="end")
    assert 0 <= start <= end <= len(text)
    # Never shrinks, and grows by no more than the one unit of a cut pair at each end.
    assert start_units - 1 <= utf16_offset(text, start) <= start_units
    assert end_units <= utf16_offset(text, end) <= end_units + 1


@given(mixed_text)
def test_round_trip_property(text):
    for index in range(len(text) + 1):
        assert codepoint_offset(text, utf16_offset(text, index)) == index
        assert utf16_offset(text, index) == units_before(text, index)


def test_the_converter_is_imported_from_offsets_only():
    # No second name for it (the old export package re-exported it) to import or drift.
    for module in (formats, base):
        for name in ("utf16_offset", "codepoint_offset", "utf16_converter"):
            assert not hasattr(module, name), f"{module.__name__}.{name}"


def test_label_studio_reads_a_region_inside_a_pair_by_the_policy(tmp_path):
    text = "x😀y😀z"  # units: x 0, 😀 1-2, y 3, 😀 4-5, z 6
    region = {"start": 2, "end": 5, "labels": ["t"]}  # both ends inside a pair
    task = {"data": {"text": text}, "annotations": [{"result": [_labels_result(region)]}]}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    (read,) = read_labelstudio(path, offsets="utf16")
    assert (read.start, read.end, read.quote) == (1, 4, "😀y😀")


def _labels_result(value: dict) -> dict:
    return {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": value}
