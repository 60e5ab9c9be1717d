"""`hamish report` (issue 14, item 8): quotes with their citations, in Markdown, HTML
(escaped, ``dir="auto"``) and CSL-JSON (the shape Zotero imports)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import jsonschema

from annotations import make_annotation, open_sidecar
from reader.commands.report import quote_card
from reader.library.article import load_article
from tests.cli.test_roundtrips import library  # noqa: F401  (the fixture)
from tests.paths import run_cli as run

URL = "https://example.org/news/2024/04/03/plan"

# The fields of CSL-JSON (citeproc-js's csl-data.json schema) a report item uses, with
# their types there; "type" from the schema's enum.
CSL_ITEM = {
    "type": "object",
    "required": ["id", "type"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": ["string", "number"]},
        "type": {"enum": ["article-newspaper"]},
        "title": {"type": "string"},
        "container-title": {"type": "string"},
        "URL": {"type": "string"},
        "note": {"type": "string"},
        "issued": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "date-parts": {
                    "type": "array",
                    "maxItems": 2,
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 3,
                        "items": {"type": ["string", "number"]},
                    },
                },
                "raw": {"type": "string"},
            },
        },
    },
}


def test_markdown_groups_quotes_by_article_with_citations(capsys, library):  # noqa: F811
    code, out, err = run(capsys, "report", str(library))
    assert code == 0, err
    assert out.startswith("# Quotes (5)\n")
    plan = out[out.index("## وزير المالية يعلن خطة 😀") :]
    assert "وكالة الأنباء, 2024-04-03" in plan
    assert f"<{URL}>" in plan
    assert "> «نحن في المرحلة الأخيرة» من" in plan
    assert "Tags: `اقتباس`, `quote`, `zz`" in plan
    assert "Note: الوزير نفسه سطر ثان" in plan


def test_by_tag_and_a_tag_filter(capsys, library):  # noqa: F811
    code, out, err = run(capsys, "report", str(library), "--by", "tag", "--tag", "quote")
    assert code == 0, err
    assert out.startswith("# Quotes (1)\n")
    assert "## quote\n" in out and "## zz" not in out
    assert f"— وكالة الأنباء, «وزير المالية يعلن خطة 😀», 2024-04-03. <{URL}>" in out


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[dict, str]] = []
        self.scripts = 0
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "blockquote":
            self._open.append(dict(attrs))
            self.blocks.append((dict(attrs), ""))

    def handle_data(self, data):
        if self._open:
            attrs, text = self.blocks[-1]
            self.blocks[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self._open.pop()


def test_html_is_escaped_and_lays_quotes_out_by_their_own_direction(capsys, library, tmp_path):  # noqa: F811
    path = library / "bank.txt"
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    start = text.index("المحافظ")
    hostile = make_annotation(
        text, start, start + 7, tags=["<script>alert(1)</script>"], note='"><img onerror=x>'
    )
    sidecar.save(sidecar.annotations.added(hostile))
    code, _, err = run(capsys, "report", str(library), "--format", "html", "-o", "r.html")
    assert code == 0, err
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(page)
    assert parser.scripts == 0
    assert "<img" not in page and "&lt;script&gt;" in page
    quotes = [text for _, text in parser.blocks]
    assert "«نحن في المرحلة الأخيرة» من" in quotes and "المحافظ" in quotes
    assert all(attrs.get("dir") == "auto" for attrs, _ in parser.blocks)
    assert f'<a href="{URL}">' in page


def test_csl_json_has_the_shape_zotero_imports(capsys, library):  # noqa: F811
    code, out, err = run(capsys, "report", str(library), "--format", "csl-json")
    assert code == 0, err
    items = json.loads(out)
    jsonschema.validate(items, {"type": "array", "items": CSL_ITEM})
    assert len({i["id"] for i in items}) == len(items) == 5
    quote = next(i for i in items if i["note"].startswith("«نحن"))
    assert quote == {
        "id": quote["id"],
        "type": "article-newspaper",
        "title": "وزير المالية يعلن خطة 😀",
        "container-title": "وكالة الأنباء",
        "issued": {"date-parts": [[2024, 4, 3]]},
        "URL": URL,
        "note": "«نحن في المرحلة الأخيرة» من\n\nTags: اقتباس, quote, zz\n\nNote: اقتباس مباشر",
    }


def test_quote_card_is_the_markdown_of_one_annotation(library):  # noqa: F811
    article = load_article(library / "plan.md")
    state = open_sidecar(library / "plan.md", article.text).annotations
    card = quote_card(state.get("a1"), article)
    assert card == (
        "> قال الوزير\n>\n"
        f"> — وكالة الأنباء, «وزير المالية يعلن خطة 😀», 2024-04-03. <{URL}>\n\n"
        "Tags: `متحدث/رسمي`, `speaker`\n\n"
        "Note: الوزير نفسه سطر ثان\n"
    )


def test_a_missing_path_is_one_line_exit_2(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "report", "nowhere")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1


def test_a_report_file_holds_no_escape_sequence_or_override_and_a_fifo_is_written_into(
    capsys,
    library,  # noqa: F811
    tmp_path,
):
    import os
    import threading

    path = library / "bank.txt"
    text = load_article(path).text
    sidecar = open_sidecar(path, text)
    start = text.index("المحافظ")
    osc52 = "\x1b]52;c;SGVsbG8=\x07"
    hostile = make_annotation(
        text, start, start + 7, tags=["tag\u202e"], note=f"clip {osc52} and \x9b2J done"
    )
    sidecar.save(sidecar.annotations.added(hostile))
    for fmt in ("markdown", "html"):
        code, _, err = run(capsys, "report", str(library), "--format", fmt, "-o", f"r.{fmt}")
        assert code == 0, err
        written = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        assert not any(c in written for c in "\x1b\x07\x9b\u202e")
        assert "clip ]52;c;SGVsbG8= and 2J done" in written.replace("\\", "")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run(capsys, "report", str(library), "-o", str(fifo))
    reader.join(10)
    assert code == 0, err
    assert fifo.is_fifo() and got and got[0].startswith(b"# Quotes")  # never replaced by a file


def test_a_markdown_report_links_only_web_and_mail_urls(capsys, tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    article = folder / "a.md"
    article.write_text(
        "---\ntitle: T\nurl: javascript:alert(1)\n---\nقال الوزير كلمة.\n", encoding="utf-8"
    )
    text = load_article(article).text
    sidecar = open_sidecar(article, text)
    start = text.index("الوزير")
    sidecar.save(sidecar.annotations.added(make_annotation(text, start, start + 6, tags=["q"])))
    code, out, err = run(capsys, "report", str(folder))
    assert code == 0, err
    assert "<javascript:" not in out and "javascript:alert(1)" in out.replace("\\", "")
