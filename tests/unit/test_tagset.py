"""Tests for annotations.tagset: hamish.toml tagsets, lookups and errors with line numbers."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from annotations.tagset import (
    TAGSET_FILE,
    TagDef,
    Tagset,
    TagsetError,
    find_tagset,
    load_tagset,
    load_tagset_report,
    normalize_tag,
    validate_tag_name,
)
from reader.keys import reserved_keys
from reader.tagsets import color_problem

ARABIC_TAG = "موضوع/أمن"  # topic/security

REALISTIC = """\
# Tagset of the Levant desk.
strict = true

[[tags]]
name = "quote"
key = "Q"
color = "yellow"
description = "A direct quotation"

[[tags]]
name = "speaker"
color = "#3a7bd5"
description = "Who is speaking"

[[tags]]
name = "speaker/official"
key = "o"
description = "A government spokesperson or minister"

[[tags]]
name = "speaker/opposition"
key = "p"
color = "magenta"

[[tags]]
name = "claim"
key = "m"
color = "bright_red"
description = "A checkable factual claim"

[[tags]]
name = "topic/security"
key = "s"

[[tags]]
name = "topic/economy"
key = "x"
color = "green"

[[tags]]
name = "موضوع/أمن"
key = "ا"
color = "cyan"
description = "الأمن والدفاع"
"""


def write(folder: Path, text: str, name: str = TAGSET_FILE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(folder: Path, text: str, **options: Any) -> TagsetError:
    path = write(folder, text)
    with pytest.raises(TagsetError) as info:
        load_tagset(path, **options)
    error = info.value
    assert error.path == path
    assert str(error) == f"{path}:{error.line}: {error.message}"
    assert "\n" not in str(error)
    return error


@pytest.fixture
def realistic(tmp_path: Path) -> Tagset:
    write(tmp_path, REALISTIC)
    return load_tagset(tmp_path)


# --------------------------------------------------------------------------- a real tagset


def test_realistic_tagset_loads(realistic: Tagset, tmp_path: Path) -> None:
    assert realistic.strict is True
    assert realistic.path == tmp_path / TAGSET_FILE
    assert realistic.names() == [
        "quote",
        "speaker",
        "speaker/official",
        "speaker/opposition",
        "claim",
        "topic/security",
        "topic/economy",
        ARABIC_TAG,
    ]
    assert realistic.get("quote") == TagDef(
        "quote", key="Q", color="yellow", description="A direct quotation"
    )
    assert realistic.get("topic/security") == TagDef("topic/security", key="s")
    assert realistic.get(ARABIC_TAG).description == "الأمن والدفاع"


def test_lookup_by_name_and_key(realistic: Tagset) -> None:
    assert realistic.get("speaker/official").key == "o"
    assert realistic.get("  speaker /  official ") is realistic.get("speaker/official")
    assert realistic.get("speaker/unknown") is None
    assert realistic.get("Quote") is None  # names are case-sensitive
    assert realistic.by_key("Q").name == "quote"
    assert realistic.by_key("ا").name == ARABIC_TAG
    assert realistic.by_key("q") is None
    assert realistic.by_key("z") is None
    assert "claim" in realistic
    assert "nothing" not in realistic
    assert len(realistic.tags) == 8
    assert [tag.name for tag in realistic] == realistic.names()


def test_prefixes(realistic: Tagset) -> None:
    assert realistic.prefixes() == ["speaker", "topic", "موضوع"]
    deep = Tagset((TagDef("a/b/c"), TagDef("a/d"), TagDef("z")))
    assert deep.prefixes() == ["a", "a/b"]
    assert Tagset().prefixes() == []


def test_parts_and_is_under() -> None:
    tag = TagDef("speaker/official")
    assert tag.parts == ("speaker", "official")
    assert tag.is_under("speaker")
    assert tag.is_under("speaker/official")
    assert tag.is_under("speaker/")
    assert tag.is_under(" speaker ")
    assert tag.is_under("")
    assert not tag.is_under("speak")
    assert not tag.is_under("speaker/official/minister")
    assert not tag.is_under("topic")
    assert TagDef(ARABIC_TAG).parts == ("موضوع", "أمن")
    assert TagDef(ARABIC_TAG).is_under("موضوع")


def test_color_of_inherits_from_nearest_ancestor(realistic: Tagset) -> None:
    assert realistic.color_of("speaker") == "#3a7bd5"
    assert realistic.color_of("speaker/official") == "#3a7bd5"  # no own colour
    assert realistic.color_of("speaker/opposition") == "magenta"  # own colour wins
    assert realistic.color_of("speaker/official/minister") == "#3a7bd5"  # not a tag itself
    assert realistic.color_of("topic/economy") == "green"
    assert realistic.color_of("topic/security") is None  # "topic" is not a tag
    assert realistic.color_of(ARABIC_TAG) == "cyan"
    assert realistic.color_of("unknown") is None


def test_check_tag_strict(realistic: Tagset) -> None:
    assert realistic.check_tag("quote") is None
    assert realistic.check_tag(" speaker / official ") is None
    assert realistic.check_tag(ARABIC_TAG) is None
    assert realistic.check_tag("speaker") is None  # an ancestor that is itself a tag
    reason = realistic.check_tag("topic")  # an ancestor only
    assert reason is not None and "not in the strict tagset" in reason
    reason = realistic.check_tag("quotes")
    assert reason is not None and "did you mean 'quote'?" in reason
    reason = realistic.check_tag("a//b")
    assert reason is not None and reason.startswith("invalid tag name 'a//b'")
    for name in ("topic", "quotes", "a//b", "x\u202ey"):
        assert "\n" not in realistic.check_tag(name)


def test_check_tag_not_strict(realistic: Tagset) -> None:
    loose = Tagset(realistic.tags, strict=False)
    assert loose.check_tag("quote") is None
    assert loose.check_tag("brand/new") is None
    assert loose.check_tag("وسم/جديد") is None
    assert Tagset().check_tag("anything") is None
    assert "empty part" in loose.check_tag("a/")
    assert "bidi control" in loose.check_tag("quote\u200f")
    assert "control character" in loose.check_tag("a\x00b")
    assert loose.check_tag("   ") == "invalid tag name '   ': empty"


def test_tagset_built_in_code() -> None:
    tagset = Tagset([TagDef("a", key="k"), TagDef("a/b", color="red")])  # a list is accepted
    assert isinstance(tagset.tags, tuple)
    assert tagset.by_key("k").name == "a"
    assert tagset.color_of("a/b/c") == "red"
    assert hash(tagset) == hash(Tagset((TagDef("a", key="k"), TagDef("a/b", color="red"))))
    assert tagset.strict is False and tagset.path is None


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("quote", "quote"),
        ("  speaker /  official  ", "speaker/official"),
        ("a   b/c\td", "a b/c d"),
        ("e\u0301t\u00e9", "\u00e9t\u00e9"),  # NFC
        ("\u0627\u0654من", "\u0623من"),  # alef + hamza above composes to أ
        (" موضوع / أمن ", ARABIC_TAG),
        ("a//b", "a//b"),  # normalising does not hide an invalid name
    ],
)
def test_normalize_tag(raw: str, expected: str) -> None:
    assert normalize_tag(raw) == expected
    assert normalize_tag(expected) == expected


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a//b", "empty part"),
        ("/a", "empty part"),
        ("a/", "empty part"),
        ("a/ /b", "empty part"),
        ("a\tb", "control character U+0009"),
        ("a\nb", "control character U+000A"),
        ("a\u2028b", "control character U+2028"),
        ("a\u202eb", "bidi control character U+202E"),
        ("a\u202ab", "bidi control character U+202A"),
        ("\u2066x\u2069", "bidi control character U+2066"),
        ("x\u200e", "bidi control character U+200E"),
        ("x\u200f", "bidi control character U+200F"),
        ("x" * 101, "longer than 100 characters (101)"),
    ],
)
def test_validate_tag_name_refuses(name: str, fragment: str) -> None:
    reason = validate_tag_name(name)
    assert reason is not None and fragment in reason


@pytest.mark.parametrize(
    "name",
    ["quote", "speaker/official", ARABIC_TAG, "x" * 100, "می\u200cخواهم", "a b/c-d_e.f", "2024"],
)
def test_validate_tag_name_accepts(name: str) -> None:
    assert validate_tag_name(name) is None


# --------------------------------------------------------------------------- errors


def test_toml_syntax_error_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, 'strict = true\n\n[[tags]]\nname = "quote"\nkey = \n')
    assert error.line == 5
    assert error.message.startswith("TOML syntax error: ")
    assert "(at line" not in error.message


def test_toml_error_at_end_of_document(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[[tags]]\nname = "unterminated')
    assert error.line == 2


def test_tags_not_an_array_of_tables(tmp_path: Path) -> None:
    error = load_error(tmp_path, '# tags\n\ntags = "quote"\n')
    assert error.line == 3
    assert error.message == "tags must be an array of tables ([[tags]] entries), not a string"
    error = load_error(tmp_path, 'strict = false\n[tags]\nname = "quote"\n')
    assert error.line == 2
    assert "not a table" in error.message


def test_tag_entry_not_a_table(tmp_path: Path) -> None:
    error = load_error(tmp_path, 'tags = [\n  {name = "a"},\n  "b",\n]\n')
    assert error.line == 3
    assert error.message == "tag entry 2 must be a table, not a string"


def test_name_missing(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\n\n[[tags]]\nkey = "z"\ncolor = "red"\n'
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (4, "tag entry has no name")


def test_name_not_a_string(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[[tags]]\nkey = "z"\nname = 42\n')
    assert (error.line, error.message) == (3, "name must be a string, not an integer")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"ab"', "key must be a single character, not 'ab'"),
        ('""', "key must be a single character, not ''"),
        ("1", "key must be a one-character string, not an integer"),
        ('"\\t"', "key '\\t' is not a printable character"),
    ],
)
def test_bad_key(tmp_path: Path, value: str, message: str) -> None:
    error = load_error(tmp_path, f'[[tags]]\nname = "quote"\n\nkey = {value}\n')
    assert (error.line, error.message) == (4, message)


def test_bad_color(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\ncolor = "reddish"\n'
    error = load_error(tmp_path, text, check_color=color_problem)
    assert error.line == 3
    assert error.message.startswith("color 'reddish' is not a colour Rich understands")
    error = load_error(tmp_path, '[[tags]]\nname = "quote"\ncolor = 0xff0000\n')
    assert (error.line, error.message) == (3, "color must be a string, not an integer")


def test_colors_rich_understands(tmp_path: Path) -> None:
    text = "".join(
        f'[[tags]]\nname = "t{i}"\ncolor = "{color}"\n'
        for i, color in enumerate(["red", "#3A7BD5", " bright_blue ", "color(202)", "default"])
    )
    write(tmp_path, text)
    tagset = load_tagset(tmp_path, check_color=color_problem)
    assert [tag.color for tag in tagset] == [
        "red",
        "#3A7BD5",
        "bright_blue",
        "color(202)",
        "default",
    ]


def test_description_not_a_string(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\ndescription = ["a", "b"]\n'
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (3, "description must be a string, not an array")


def test_strict_not_a_boolean(tmp_path: Path) -> None:
    error = load_error(tmp_path, '# settings\nstrict = "yes"\n\n[[tags]]\nname = "quote"\n')
    assert (error.line, error.message) == (2, "strict must be true or false, not a string")


def test_unknown_field_in_a_tag_entry(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[[tags]]\nname = "quote"\ncolour = "red"\n')
    assert error.line == 3
    assert error.message == "unknown field 'colour' in a tag entry; did you mean 'color'?"
    error = load_error(tmp_path, '[[tags]]\nname = "quote"\nshortcut = "z"\n')
    assert error.line == 3
    assert "allowed: name, key, color, description" in error.message


def test_strict_written_after_the_first_entry(tmp_path: Path) -> None:
    error = load_error(tmp_path, '[[tags]]\nname = "quote"\nstrict = true\n')
    assert error.line == 3
    assert "go before the first [[tags]]" in error.message


def test_misspelt_tags_table(tmp_path: Path) -> None:
    error = load_error(tmp_path, 'strict = true\n\n[[tag]]\nname = "quote"\n')
    assert (error.line, error.message) == (3, "unknown setting 'tag'; did you mean 'tags'?")


def test_other_top_level_settings_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, '[reader]\ntheme = "dark"\n\n[[tags]]\nname = "quote"\n')
    assert load_tagset(tmp_path).names() == ["quote"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("a//b", "empty part"),
        ("/quote", "empty part"),
        ("", "empty"),
        ("quote\\u202e", "bidi control character U+202E"),
        ("quote\\u0007", "control character U+0007"),
        ("x" * 101, "longer than 100"),
    ],
)
def test_invalid_name(tmp_path: Path, name: str, fragment: str) -> None:
    error = load_error(tmp_path, f'[[tags]]\nkey = "z"\nname = "{name}"\n')
    assert error.line == 3
    assert error.message.startswith("invalid tag name ")
    assert fragment in error.message


def test_duplicate_name_after_normalising(tmp_path: Path) -> None:
    text = (
        '[[tags]]\nname = "quote"\n\n'
        '[[tags]]\nname = "claim"\n\n'
        '[[tags]]\ncolor = "red"\nname = "  quote "\n'
    )
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (9, "duplicate tag name 'quote' (first at line 2)")


def test_duplicate_arabic_name_in_different_normal_forms(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "\u0623من"\n[[tags]]\nname = "\u0627\u0654من"\n'
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (4, "duplicate tag name '\u0623من' (first at line 2)")


def test_duplicate_key(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\nkey = "z"\n\n[[tags]]\nname = "claim"\nkey = "z"\n'
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (7, "duplicate key 'z' (first at line 3, tag 'quote')")


def test_reserved_key(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\nkey = "d"\n'
    error = load_error(tmp_path, text, reserved={"d": "delete"})
    assert error.line == 3
    assert error.message == "key 'd' is used by the reader (delete); choose another"


def test_the_core_reserves_no_key_and_checks_no_colour(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\nkey = "d"\ncolor = "reddish"\n'
    write(tmp_path, text)
    assert load_tagset(tmp_path).tags == (TagDef("quote", key="d", color="reddish"),)


def test_a_colour_check_reports_its_message_at_the_colour_line(tmp_path: Path) -> None:
    def only_red(color: str) -> str | None:
        return None if color == "red" else f"color {color!r}: only red here"

    text = '[[tags]]\nname = "a"\ncolor = "red"\n[[tags]]\nname = "b"\n\ncolor = " blue "\n'
    write(tmp_path, text)
    tagset, errors = load_tagset_report(tmp_path, check_color=only_red)
    assert tagset.tags == (TagDef("a", color="red"), TagDef("b"))  # b kept, without its colour
    assert [(e.line, e.message) for e in errors] == [(7, "color 'blue': only red here")]


def test_every_reserved_key_is_refused_and_explained(tmp_path: Path) -> None:
    reserved = reserved_keys()
    keys = sorted(reserved)
    # Literal strings ('…'): a reserved key may be '"' or '\\'.
    text = "".join(f"[[tags]]\nname = \"t{i}\"\nkey = '{key}'\n" for i, key in enumerate(keys))
    write(tmp_path, text)
    tagset, errors = load_tagset_report(tmp_path, reserved=reserved)
    assert tagset.tags == tuple(TagDef(f"t{i}") for i in range(len(keys)))  # kept, keyless
    assert [e.line for e in errors] == [3 * i + 3 for i in range(len(keys))]
    for key, error in zip(keys, errors, strict=True):
        assert reserved[key]
        assert (
            error.message == f"key {key!r} is used by the reader ({reserved[key]}); choose another"
        )


def test_header_with_spaces_and_comment(tmp_path: Path) -> None:
    text = '  [[tags]]   # the first one\nname = "quote"\n\n\t[[ tags ]]\nkey = "z"\n'
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (4, "tag entry has no name")


def test_fake_headers_in_strings_and_comments_are_ignored(tmp_path: Path) -> None:
    text = (
        "# [[tags]]\n"  # 1
        '# name = "fake"\n'  # 2
        "[[tags]]\n"  # 3
        'name = "quote"\n'  # 4
        'description = """\n'  # 5
        "[[tags]]\n"  # 6
        'color = "x"\n'  # 7
        '"""\n'  # 8
        "\n"  # 9
        "[[tags]]\n"  # 10
        'name = "claim"\n'  # 11
        'description = "[[tags]] color = 1"\n'  # 12
        'color = "blurple"\n'  # 13
    )
    error = load_error(tmp_path, text, check_color=color_problem)
    assert error.line == 13
    assert error.message.startswith("color 'blurple'")


def test_field_in_a_sub_table_of_an_entry(tmp_path: Path) -> None:
    text = '[[tags]]\nname = "quote"\n\n[tags.extra]\nnote = "x"\n'
    error = load_error(tmp_path, text)
    assert error.line == 4
    assert error.message.startswith("unknown field 'extra' in a tag entry")


def test_inline_array_of_tags(tmp_path: Path) -> None:
    write(tmp_path, 'strict = true\ntags = [{name = "quote", key = "z"}, {name = "claim"}]\n')
    tagset = load_tagset(tmp_path)
    assert tagset.names() == ["quote", "claim"]
    assert tagset.by_key("z").name == "quote"
    error = load_error(tmp_path, 'strict = true\ntags = [{name = "a"}, {name = "a"}]\n')
    assert (error.line, error.message) == (2, "duplicate tag name 'a' (first at line 2)")


def test_multi_line_inline_array_reports_the_entry_line(tmp_path: Path) -> None:
    text = (
        "tags = [\n"  # 1
        '  {name = "quote", key = "z"},  # {name = "x"}\n'  # 2
        '  {name = "claim", description = "a, b = c"},\n'  # 3
        '  {name = "topic", key = "z"},\n'  # 4
        "]\n"
    )
    error = load_error(tmp_path, text)
    assert (error.line, error.message) == (4, "duplicate key 'z' (first at line 2, tag 'quote')")


# --------------------------------------------------------------------------- report mode


def test_report_collects_every_error_and_keeps_valid_entries(tmp_path: Path) -> None:
    text = (
        'strict = "yes"\n'  # 1
        "\n"  # 2
        "[[tags]]\n"  # 3
        'name = "quote"\n'  # 4
        'key = "Q"\n'  # 5
        "\n"  # 6
        "[[tags]]\n"  # 7
        'name = "claim"\n'  # 8
        'key = "d"\n'  # 9
        'colour = "red"\n'  # 10
        "\n"  # 11
        "[[tags]]\n"  # 12
        'name = "quote"\n'  # 13
        "\n"  # 14
        "[[tags]]\n"  # 15
        'name = "speaker/official"\n'  # 16
        'color = "blue"\n'  # 17
        "\n"  # 18
        "[[tags]]\n"  # 19
        'name = "topic//economy"\n'  # 20
        'key = "Q"\n'  # 21
    )
    path = write(tmp_path, text)
    tagset, errors = load_tagset_report(tmp_path, reserved={"d": "delete"})
    assert [(e.line, e.message) for e in errors] == [
        (1, "strict must be true or false, not a string"),
        (9, "key 'd' is used by the reader (delete); choose another"),
        (10, "unknown field 'colour' in a tag entry; did you mean 'color'?"),
        (13, "duplicate tag name 'quote' (first at line 4)"),
        (
            20,
            "invalid tag name 'topic//economy': "
            "empty part (look for '//' or a '/' at the start or end)",
        ),
        (21, "duplicate key 'Q' (first at line 5, tag 'quote')"),
    ]
    assert all(e.path == path for e in errors)
    # Only the entries without a usable name go (the duplicate "quote", "topic//economy");
    # "claim" stays without its reserved key, and its unknown field is ignored.
    assert tagset.tags == (
        TagDef("quote", key="Q"),
        TagDef("claim"),
        TagDef("speaker/official", color="blue"),
    )
    assert tagset.strict is False
    assert tagset.path == path
    with pytest.raises(TagsetError) as info:
        load_tagset(path)
    assert info.value.line == 1


def test_report_on_a_valid_file(tmp_path: Path, realistic: Tagset) -> None:
    assert load_tagset_report(tmp_path) == (realistic, [])


def test_report_on_a_syntax_error(tmp_path: Path) -> None:
    write(tmp_path, '[[tags]]\nname = "quote"\nname = "claim"\n')
    tagset, errors = load_tagset_report(tmp_path)
    assert tagset.tags == ()
    assert [e.line for e in errors] == [3]


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / TAGSET_FILE
    path.write_bytes(b'[[tags]]\nname = "\xff"\n')
    _, errors = load_tagset_report(path)
    assert [(e.line, e.message) for e in errors] == [(2, "not valid UTF-8 (byte 0xff)")]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / TAGSET_FILE
    path.write_bytes('\ufeff[[tags]]\nname = "quote"\n'.encode())
    assert load_tagset(path).names() == ["quote"]


def test_unreadable_tagset(tmp_path: Path) -> None:
    (tmp_path / TAGSET_FILE).mkdir()  # the folder's hamish.toml is not a file
    _, errors = load_tagset_report(tmp_path)
    assert len(errors) == 1 and errors[0].line is None
    assert str(errors[0]).startswith(f"{tmp_path / TAGSET_FILE}: cannot read")


# --------------------------------------------------------------------------- missing, finding


def test_missing_file_is_an_empty_tagset(tmp_path: Path) -> None:
    assert load_tagset(tmp_path) == Tagset()
    assert load_tagset(tmp_path / "other.toml") == Tagset()
    assert load_tagset_report(tmp_path) == (Tagset(), [])
    empty = load_tagset(tmp_path)
    assert not empty.strict and empty.names() == [] and empty.check_tag("any/tag") is None


def test_empty_file_is_an_empty_tagset(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing yet\n")
    assert load_tagset(tmp_path) == Tagset(path=path)


def test_find_tagset_walks_up_parents(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    library = tmp_path / "library"
    article_dir = library / "2024" / "march"
    article_dir.mkdir(parents=True)
    article = article_dir / "ar_politics.txt"
    article.write_text("نص", encoding="utf-8")
    path = write(library, REALISTIC)

    assert find_tagset(article).path == path
    assert find_tagset(article_dir).path == path
    assert find_tagset(str(article_dir / "not-yet-written.txt")).path == path
    assert find_tagset(library).names()[0] == "quote"

    nearer = write(article_dir, '[[tags]]\nname = "local"\n')
    assert find_tagset(article).path == nearer


def test_find_tagset_stops_at_a_git_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, '[[tags]]\nname = "outer"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "articles").mkdir()
    assert find_tagset(repo / "articles") == Tagset()
    found = write(repo, '[[tags]]\nname = "inner"\n')  # a tagset at the .git folder counts
    assert find_tagset(repo / "articles").path == found


def test_find_tagset_raises_on_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, '[[tags]]\nname = "quote"\nkey = "q"\n')
    with pytest.raises(TagsetError) as info:
        find_tagset(tmp_path / "sub" / "article.txt", reserved={"q": "back"})
    assert info.value.line == 3


# --------------------------------------------------------------------------- the error type


def test_tagset_error_formats_and_pickles(tmp_path: Path) -> None:
    error = TagsetError(tmp_path / "hamish.toml", 7, "bad\nthing")
    assert str(error) == f"{tmp_path / 'hamish.toml'}:7: bad thing"
    assert str(TagsetError("x.toml", None, "cannot read")) == "x.toml: cannot read"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.line, copy.message) == (error.path, 7, "bad thing")
