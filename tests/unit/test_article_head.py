"""Heads of large files: a prefix of the whole text, cut where no character or line breaks."""

from __future__ import annotations

import codecs

import pytest

from reader.library.article import load_article, load_article_head

TEXT = "قال ט 🃘 x\r\nsecond line 😀\n" * 40


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_every_cut_gives_a_prefix_of_the_full_text(tmp_path, codec, bom):
    path = tmp_path / "a.txt"
    data = bom + TEXT.encode(codec)
    path.write_bytes(data)
    full = load_article(path).text
    # From 64 bytes: a BOM-less UTF-16 head must hold enough text to tell its byte order.
    for size in range(len(bom) + 64, len(data), 7):
        head = load_article_head(path, size)
        assert head is not None and full.startswith(head.text), size
        lines = load_article_head(path, size, whole_lines=True)
        if lines is not None:
            assert full.startswith(lines.text) and lines.text.endswith("\n"), size


def test_a_cut_inside_crlf_keeps_the_line_open(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"first\r\nsecond\r\nthird")
    head = load_article_head(path, len(b"first\r\nsecond\r"), whole_lines=True)
    assert head is not None and head.text == "first\r\n"


def test_a_guessed_encoding_gives_no_preview_when_asked(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("مرحبا بكم في المقال\n".encode("cp1256") * 10)
    assert load_article_head(path, 100, guess=False) is None
    head = load_article_head(path, 100)
    assert head is not None and head.encoding_detected
