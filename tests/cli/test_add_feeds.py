"""`hamish add --feed`: RSS 2.0 and Atom feeds with Arabic titles, their pages served
from 127.0.0.1 (tests/cli/test_add.py's server); an entry whose page fails is added from
the feed's own content, marked as such."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library.article import load_article
from tests.cli.test_add import PAGES, Route, Site, page, serve
from tests.paths import run_cli as run


@pytest.fixture
def site(monkeypatch) -> Iterator[Site]:
    yield from serve(monkeypatch)


def feed_file(tmp_path: Path, name: str, site: Site) -> Path:
    path = tmp_path / name
    path.write_text((PAGES / name).read_text(encoding="utf-8").replace("BASE", site.base), "utf-8")
    return path


def test_an_rss_feed_adds_its_pages_and_falls_back_to_entry_content(capsys, tmp_path, site):
    site.routes["/culture/library"] = Route(page("ar_news.html"))
    site.routes["/iran/bridge"] = Route(page("fa_news.html"))
    feed = feed_file(tmp_path, "feed_rss.xml", site)
    library = tmp_path / "library"
    code, out, err = run(
        capsys, "add", "--into", str(library), "--feed", str(feed), "--since", "2020-01-01"
    )
    assert code == 0, err
    names = [
        "2024-03-14-افتتاح-مكتبة-عامة-جديدة.md",
        "2024-05-02-بازگشایی-پل-تاریخی.md",
        "2024-04-21-عودة-العبارة-إلى-الميناء.md",
    ]
    assert out.splitlines() == [str(library / name) for name in names]
    assert err == "hamish: added 3, updated 0, already in the library 0, failed 0\n"
    assert sorted(p.name for p in library.iterdir()) == sorted(names)

    library_page = load_article(library / names[0])
    assert library_page.meta["title"] == "افتتاح مكتبة عامة جديدة"
    assert (
        library_page.meta["source"] == "صحيفة الواحة"
        and library_page.meta["feed"] == "أخبار الواحة"
    )
    assert library_page.meta["url"] == site.url("/culture/library")
    assert "text" not in library_page.meta
    assert "تصوير: عمر النجار" in library_page.body.splitlines()

    fallback = load_article(library / names[2])
    meta = dict(fallback.meta)
    meta.pop("retrieved")
    assert meta == {
        "title": "عودة العبارة إلى الميناء",
        "source": "أخبار الواحة",
        "date": "2024-04-21",
        "url": site.url("/gone/ferry"),
        "language": "ar",
        "text": "feed entry",
        "feed": "أخبار الواحة",
    }
    assert fallback.body == (
        "\nعادت العبارة إلى العمل بعد إصلاحات الشتاء، وستبحر كل عشرين دقيقة من السادسة صباحا."
        "\n\nولن تتغير الأسعار.\n"
    )

    # Again: everything is there already, and no page is fetched for it.
    site.agents.clear()
    code, out, err = run(
        capsys, "add", "--into", str(library), "--feed", str(feed), "--since", "2020-01-01"
    )
    assert (code, out) == (0, "")
    assert err.splitlines()[-1] == "hamish: added 0, updated 0, already in the library 3, failed 0"
    assert len(err.splitlines()) == 4 and site.agents == []
    assert sorted(p.name for p in library.iterdir()) == sorted(names)


def test_without_since_old_entries_come_too_and_limit_caps_them(capsys, tmp_path, site):
    feed = feed_file(tmp_path, "feed_rss.xml", site)
    library = tmp_path / "library"
    code, out, err = run(capsys, "add", "--into", str(library), "--feed", str(feed), "--limit", "1")
    assert code == 0, err
    # The page is not served: the entry's own text, marked.
    assert out == f"{library / '2024-03-14-افتتاح-مكتبة-عامة-جديدة.md'}\n"
    code, out, err = run(capsys, "add", "--into", str(tmp_path / "all"), "--feed", str(feed))
    assert code == 0 and len(out.splitlines()) == 4
    assert any(line.endswith("2018-01-01-خبر-قديم.md") for line in out.splitlines())


def test_an_atom_feed_over_http(capsys, tmp_path, site):
    site.routes["/he/garden"] = Route(page("he_news.html"))
    site.routes["/en/ferry"] = Route(page("en_news.html"))
    body = (PAGES / "feed_atom.xml").read_text(encoding="utf-8").replace("BASE", site.base)
    site.routes["/feed.atom"] = Route(body.encode(), "application/atom+xml")
    library = tmp_path / "library"
    code, out, err = run(capsys, "add", "--into", str(library), "--feed", site.url("/feed.atom"))
    assert code == 0, err
    assert out.splitlines() == [
        str(library / "2024-06-10-حديقة-نباتية-جديدة.md"),
        str(library / "2024-04-21-عودة-عبارة-الميناء.md"),
    ]
    garden = load_article(library / "2024-06-10-حديقة-نباتية-جديدة.md")
    assert garden.meta["feed"] == "نشرة الساحل" and garden.meta["source"] == "עיתון הגליל"
    assert garden.meta["language"] == "he" and "## שבילים מונגשים" in garden.body.splitlines()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body><p>a page</p></body></html>", "not an RSS or Atom feed, or no entries"),
        (b"", "not an RSS or Atom feed, or no entries"),
    ],
)
def test_what_is_not_a_feed_is_one_line(capsys, tmp_path, content, message):
    path = tmp_path / "feed.xml"
    path.write_bytes(content)
    code, out, err = run(capsys, "add", "--into", str(tmp_path / "lib"), "--feed", str(path))
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith(f"hamish: {path}: {message}")
    assert err.splitlines()[-1] == "hamish: added 0, updated 0, already in the library 0, failed 1"
    assert not (tmp_path / "lib").exists()


def test_an_unreachable_feed(capsys, tmp_path):
    code, out, err = run(capsys, "add", "--into", str(tmp_path), "--feed", "http://127.0.0.1:9/rss")
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith(
        "hamish: could not reach 127.0.0.1:9 (http://127.0.0.1:9/rss)"
    )
