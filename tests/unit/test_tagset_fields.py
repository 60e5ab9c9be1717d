"""A problem in one tagset entry drops only the bad field, never the tag (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path

from annotations.tagset import TAGSET_FILE, TagDef, load_tagset_report
from reader.commands.check import check_paths
from reader.tagsets import reader_tagset_report


def write(folder: Path, text: str) -> Path:
    path = folder / TAGSET_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_digit_keys_one_to_nine_load_with_the_reader_keys(tmp_path: Path) -> None:
    write(tmp_path, "".join(f'[[tags]]\nname = "t{d}"\nkey = "{d}"\n' for d in range(1, 10)))
    tagset, problems = reader_tagset_report(tmp_path)
    assert problems == []
    assert [(t.name, t.key) for t in tagset] == [(f"t{d}", str(d)) for d in range(1, 10)]
    assert tagset.by_key("7") == TagDef("t7", key="7")


def test_a_reserved_key_drops_the_key_and_a_strict_tagset_still_takes_the_tag(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        'strict = true\n[[tags]]\nname = "quote"\nkey = "d"\ncolor = "#e5c07b"\n'
        'description = "A direct quote"\n',
    )
    tagset, problems = reader_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("quote", color="#e5c07b", description="A direct quote"),)
    assert [(p.line, p.message) for p in problems] == [
        (4, "key 'd' is used by the reader (delete); choose another")
    ]
    assert tagset.strict and tagset.check_tag("quote") is None


def test_a_bad_colour_drops_the_colour_and_keeps_the_key(tmp_path: Path) -> None:
    write(tmp_path, '[[tags]]\nname = "claim"\nkey = "2"\ncolor = "blurple"\n')
    tagset, problems = reader_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("claim", key="2"),)
    assert [p.line for p in problems] == [4]
    write(tmp_path, '[[tags]]\nname = "claim"\nkey = "2"\ncolor = 7\n')
    tagset, problems = reader_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("claim", key="2"),)
    assert [p.message for p in problems] == ["color must be a string, not an integer"]


def test_a_duplicate_key_drops_only_the_later_key(tmp_path: Path) -> None:
    write(tmp_path, '[[tags]]\nname = "a"\nkey = "1"\n[[tags]]\nname = "b"\nkey = "1"\n')
    tagset, problems = load_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("a", key="1"), TagDef("b"))
    assert [p.message for p in problems] == ["duplicate key '1' (first at line 3, tag 'a')"]


def test_wrong_types_and_unknown_fields_drop_only_themselves(tmp_path: Path) -> None:
    text = (
        "[[tags]]\n"  # 1
        'name = "موضوع/انتخابات"\n'  # 2
        "key = 3\n"  # 3
        "description = 5\n"  # 4
        'colour = "red"\n'  # 5
        'key2 = "x"\n'  # 6
    )
    write(tmp_path, text)
    tagset, problems = load_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("موضوع/انتخابات"),)
    assert [p.line for p in problems] == [3, 4, 5, 6]


def test_an_entry_without_a_usable_name_is_dropped_and_takes_no_key(tmp_path: Path) -> None:
    text = (
        '[[tags]]\nname = "a//b"\nkey = "1"\n'  # 1-3: no tag to keep
        '[[tags]]\nkey = "2"\n'  # 4-5: no name at all
        '[[tags]]\nname = "quote"\nkey = "1"\n'  # 6-8: "1" is free: the first entry went
        '[[tags]]\nname = "quote"\nkey = "2"\n'  # 9-11: a duplicate name
        '[[tags]]\nname = "claim"\nkey = "2"\n'  # 12-14: "2" is free too
    )
    write(tmp_path, text)
    tagset, problems = load_tagset_report(tmp_path)
    assert tagset.tags == (TagDef("quote", key="1"), TagDef("claim", key="2"))
    assert [p.line for p in problems] == [2, 4, 10]


def test_hamish_check_reports_the_tagset_the_reader_uses_each_problem_once(
    tmp_path: Path,
) -> None:
    # The articles sit in two sub-folders; the tagset the reader finds for both is above.
    for folder in ("ar", "en"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "article.txt").write_text("نص قصير.\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()  # the walk up stops here
    path = write(
        tmp_path, '[[tags]]\nname = "quote"\nkey = "d"\n[[tags]]\nname = "b"\ncolor = "x-y"\n'
    )
    report = check_paths([str(tmp_path / "ar"), str(tmp_path / "en" / "article.txt")])
    assert report.problems == [
        f"{path}:3: key 'd' is used by the reader (delete); choose another",
        f"{path}:6: color 'x-y' is not a colour Rich understands "
        "(use a name such as 'red' or '#rrggbb')",
    ]
