"""The library listing: rows, sidecar counts and tags, error rows, large articles."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from reader.library import catalog
from reader.library.article import load_article
from reader.library.catalog import CatalogEntry, scan_library, summarize_sidecar
from reader.library.find import LibraryError
from tests.paths import SAMPLES, sample_paths

SIDECAR = ".annotations.json"


def copy(name: str, folder: Path, *, sidecar: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(SAMPLES / name, target)
    if sidecar:
        shutil.copyfile(SAMPLES / (name + SIDECAR), folder / (name + SIDECAR))
    return target


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    copy("ar_economy.txt", root, sidecar=True)
    copy("en_quoting_arabic.txt", root / "world", sidecar=True)
    copy("ar_frontmatter.md", root / "world")
    copy("en_markets.txt", root)
    (root / "en_markets.txt.annotations.json").write_text("{not json", encoding="utf-8")
    copy("README.md", root)
    (root / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (root / "empty.txt").write_bytes(b"")
    (root / ".hidden").mkdir()
    copy("he_tech.txt", root / ".hidden")
    (root / "notes.json").write_text("{}", encoding="utf-8")
    return root


def rows(root: Path, **kwargs) -> dict[str, CatalogEntry]:
    return {entry.relative: entry for entry in scan_library(root, **kwargs)}


def test_lists_articles_in_find_articles_order(library):
    entries = list(scan_library(library))
    assert [e.relative for e in entries] == [
        "ar_economy.txt",
        "binary.txt",
        "empty.txt",
        "en_markets.txt",
        "world/ar_frontmatter.md",
        "world/en_quoting_arabic.txt",
    ]
    assert entries[0].path == library / "ar_economy.txt"
    assert entries[-1].path == library / "world" / "en_quoting_arabic.txt"


def test_metadata_matches_load_article(library):
    by_name = rows(library)
    for relative in ("ar_economy.txt", "en_markets.txt", "world/ar_frontmatter.md"):
        entry = by_name[relative]
        article = load_article(library / relative)
        assert entry.title == article.title
        assert entry.source == article.source
        assert entry.date == article.date
        assert entry.language == article.language
        assert entry.direction == article.direction
        assert entry.error is None
    economy = by_name["ar_economy.txt"]
    assert economy.title.startswith("صندوق النقد يرفع توقعاته")
    assert economy.language == "ar" and economy.direction == "rtl"
    front = by_name["world/ar_frontmatter.md"]
    assert front.date == "2024-05-12"
    assert front.source is not None and front.source.startswith("صحيفة الواحة")
    assert by_name["en_markets.txt"].direction == "ltr"


def test_sidecar_counts_and_most_used_tags(library):
    by_name = rows(library)
    economy = by_name["ar_economy.txt"]
    assert economy.annotations == 4
    assert economy.orphaned == 0
    assert economy.sidecar_error is None
    # topic/economy: one annotation and the document's own tag.
    assert economy.tags == (
        ("quote", 2),
        ("topic/economy", 2),
        ("claim", 1),
        ("speaker/official", 1),
        ("topic/security", 1),
    )
    quoting = by_name["world/en_quoting_arabic.txt"]
    assert quoting.annotations == 4
    assert quoting.tags == (
        ("quote", 3),
        ("claim", 2),
        ("speaker/official", 2),
        ("speaker/opposition", 1),
    )
    plain = by_name["world/ar_frontmatter.md"]
    assert (plain.annotations, plain.orphaned, plain.tags, plain.sidecar_error) == (0, 0, (), None)


def test_at_most_five_tags_most_used_first(library):
    sidecar = library / ("ar_economy.txt" + SIDECAR)
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data["annotations"][0]["tags"] = ["a", "b", "c", "d", "e", "f", "claim", "claim"]
    data["annotations"][0]["status"] = "orphaned"
    data["annotations"][1]["tags"].append("a")
    sidecar.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    entry = rows(library)["ar_economy.txt"]
    assert entry.tags == (("a", 2), ("quote", 2), ("b", 1), ("c", 1), ("claim", 1))
    assert entry.orphaned == 1
    assert entry.annotations == 4


def test_broken_sidecar_is_reported_with_zero_counts(library):
    entry = rows(library)["en_markets.txt"]
    assert entry.error is None
    assert entry.annotations == 0 and entry.tags == ()
    assert entry.sidecar_error is not None
    assert entry.sidecar_error.startswith("en_markets.txt.annotations.json: not valid JSON")
    assert "read-only" in entry.sidecar_error
    assert "\n" not in entry.sidecar_error


def test_unreadable_article_is_listed_with_a_reason(library):
    by_name = rows(library)
    binary = by_name["binary.txt"]
    assert binary.error is not None and "binary file" in binary.error
    assert "\n" not in binary.error
    assert binary.title == "binary"
    assert binary.annotations == 0
    assert binary.modified == (library / "binary.txt").stat().st_mtime
    empty = by_name["empty.txt"]
    assert empty.error is None and empty.title == "empty"


def test_readme_hidden_folders_and_other_files_are_skipped(library):
    names = set(rows(library))
    assert "README.md" not in names
    assert not any(".hidden" in name for name in names)
    assert "notes.json" not in names


def test_modified_is_the_later_of_article_and_sidecar(library):
    article = library / "ar_economy.txt"
    sidecar = library / ("ar_economy.txt" + SIDECAR)
    os.utime(article, (1_000_000, 1_000_000))
    os.utime(sidecar, (2_000_000, 2_000_000))
    assert rows(library)["ar_economy.txt"].modified == 2_000_000
    os.utime(article, (3_000_000, 3_000_000))
    assert rows(library)["ar_economy.txt"].modified == 3_000_000


def test_annotations_dir(library, tmp_path):
    notes = tmp_path / "notes"
    (notes / "world").mkdir(parents=True)
    shutil.move(library / ("ar_economy.txt" + SIDECAR), notes / ("ar_economy.txt" + SIDECAR))
    shutil.move(
        library / "world" / ("en_quoting_arabic.txt" + SIDECAR),
        notes / "world" / ("en_quoting_arabic.txt" + SIDECAR),
    )
    by_name = rows(library, annotations_dir=notes)
    assert by_name["ar_economy.txt"].annotations == 4
    assert by_name["world/en_quoting_arabic.txt"].annotations == 4
    assert by_name["en_markets.txt"].sidecar_error is None  # its broken sidecar is not there
    assert rows(library)["ar_economy.txt"].annotations == 0


def test_a_single_file_as_root(library):
    entries = list(scan_library(library / "world" / "en_quoting_arabic.txt"))
    assert len(entries) == 1
    assert entries[0].relative == "en_quoting_arabic.txt"
    assert entries[0].annotations == 4


def test_missing_root_raises_when_iterated(tmp_path):
    with pytest.raises(LibraryError):
        list(scan_library(tmp_path / "nowhere"))


def test_fifo_is_not_opened(library):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(library / "pipe.txt")
    entry = rows(library)["pipe.txt"]
    assert entry.error == "not a regular file"


# -- summarize_sidecar -----------------------------------------------------------------------


def test_summarize_sidecar_missing(tmp_path):
    assert summarize_sidecar(tmp_path / "x.txt.annotations.json") == (0, 0, Counter(), None)


def test_summarize_sidecar_counts():
    count, orphaned, tags, error = summarize_sidecar(SAMPLES / ("ar_economy.txt" + SIDECAR))
    assert (count, orphaned, error) == (4, 0, None)
    assert tags == Counter(
        {"quote": 2, "topic/economy": 2, "claim": 1, "speaker/official": 1, "topic/security": 1}
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b'{"format": "hamish-annotations"', "not valid JSON (line 1"),
        (b"[]", "$: expected an object"),
        (b'{"format": "other", "version": 1, "document": {}, "annotations": []}', "$.format"),
    ],
)
def test_summarize_sidecar_problems(tmp_path, content, reason):
    path = tmp_path / ("x.txt" + SIDECAR)
    path.write_bytes(content)
    count, orphaned, tags, error = summarize_sidecar(path)
    assert (count, orphaned, tags) == (0, 0, Counter())
    assert error is not None and reason in error and error.startswith(path.name)
    assert "\n" not in error


def test_summarize_sidecar_invalid_annotation(tmp_path):
    data = json.loads((SAMPLES / ("ar_economy.txt" + SIDECAR)).read_text(encoding="utf-8"))
    data["annotations"][2]["end"] = 10**9
    path = tmp_path / ("ar_economy.txt" + SIDECAR)
    path.write_text(json.dumps(data), encoding="utf-8")
    count, _, _, error = summarize_sidecar(path)
    assert count == 0
    assert error is not None and "$.annotations[2].end" in error


def test_summarize_sidecar_of_another_article(tmp_path):
    path = tmp_path / ("copy.txt" + SIDECAR)
    shutil.copyfile(SAMPLES / ("ar_economy.txt" + SIDECAR), path)
    assert summarize_sidecar(path)[0] == 4  # without the article's name, not checked
    count, _, _, error = summarize_sidecar(path, "copy.txt")
    assert count == 0
    assert error is not None and "belongs to 'ar_economy.txt'" in error


def test_summarize_sidecar_from_a_newer_hamish(tmp_path):
    data = json.loads((SAMPLES / ("ar_economy.txt" + SIDECAR)).read_text(encoding="utf-8"))
    data["version"] = 2
    path = tmp_path / ("ar_economy.txt" + SIDECAR)
    path.write_text(json.dumps(data), encoding="utf-8")
    count, _, _, error = summarize_sidecar(path, "ar_economy.txt")
    assert count == 4
    assert error is not None and "newer hamish (format version 2)" in error


def test_summarize_sidecar_folder(tmp_path):
    path = tmp_path / ("x.txt" + SIDECAR)
    path.mkdir()
    assert summarize_sidecar(path)[3] == f"{path.name}: is a folder, not a sidecar"


# -- large articles --------------------------------------------------------------------------


@pytest.mark.parametrize("head", [600, 601, 602, 603])
def test_large_articles_are_summarised_from_their_head(tmp_path, monkeypatch, head):
    monkeypatch.setattr(catalog, "HEAD_BYTES", head)
    monkeypatch.setattr(catalog, "TAIL_BYTES", 250)
    root = tmp_path / "lib"
    for path in sample_paths():
        copy(path.name, root)
    loaded = []

    def spy(path):
        loaded.append(Path(path).name)
        return load_article(path)

    monkeypatch.setattr(catalog, "load_article", spy)
    entries = list(scan_library(root))
    assert loaded == []  # every sample is larger than the head
    assert len(entries) == len(sample_paths())
    for entry in entries:
        article = load_article(entry.path)
        assert entry.error is None, entry.error
        assert entry.title == article.title, entry.relative
        assert entry.source == article.source, entry.relative
        assert entry.date == article.date, entry.relative
        assert entry.direction == article.direction, entry.relative
        assert entry.language == article.language, entry.relative


def test_large_utf16_article(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "HEAD_BYTES", 501)
    monkeypatch.setattr(catalog, "TAIL_BYTES", 301)
    root = tmp_path / "lib"
    root.mkdir()
    text = (SAMPLES / "he_tech.txt").read_text(encoding="utf-8")
    (root / "he.txt").write_bytes(text.encode("utf-16"))  # with a byte-order mark
    (root / "he_le.txt").write_bytes(text.encode("utf-16-le"))  # without
    article = load_article(SAMPLES / "he_tech.txt")
    for entry in scan_library(root):
        assert entry.error is None
        assert entry.title == article.title
        assert entry.source == article.source
        assert entry.language == "he"


def test_large_article_without_source_line_break_in_its_tail(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "HEAD_BYTES", 100)
    root = tmp_path / "lib"
    root.mkdir()
    (root / "x.txt").write_text("Title\n" + "word " * 2000 + "\nSource: Wire\n", encoding="utf-8")
    (root / "y.txt").write_text("Title\n" + "Source: word " * 2000, encoding="utf-8")
    by_name = rows(root)
    assert by_name["x.txt"].source == "Wire"
    assert by_name["y.txt"].source is None  # the tail's only line is cut: not trusted
    assert by_name["x.txt"].title == "Title"


def test_large_binary_article_is_an_error_row(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "HEAD_BYTES", 100)
    root = tmp_path / "lib"
    root.mkdir()
    (root / "blob.txt").write_bytes(bytes(range(256)) * 4)
    [entry] = scan_library(root)
    assert entry.error is not None and "binary file" in entry.error


def test_too_large_article_is_an_error_row(tmp_path, monkeypatch):
    from reader.library import article

    monkeypatch.setattr(article, "MAX_ARTICLE_BYTES", 1000)
    monkeypatch.setattr(catalog, "HEAD_BYTES", 100)
    root = tmp_path / "lib"
    copy("ar_economy.txt", root, sidecar=True)
    [entry] = scan_library(root)
    assert entry.error is not None and entry.error.startswith("file too large")
    assert entry.annotations == 4  # the sidecar is still summarised
