"""`hamish add`: news pages (served from 127.0.0.1 and as files) into the library.

The pages under tests/data/pages/ were written for these tests: an article in Arabic,
Persian, Hebrew and English, each inside navigation, an ad, related links, comments and
a footer, none of which may reach the article.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from annotations.model import make_annotation
from annotations.store import open_sidecar, sidecar_path
from reader.library.article import load_article
from reader.library.ingest import MAX_SLUG_BYTES, MAX_SLUG_CHARS, slug
from tests.paths import DATA
from tests.paths import run_cli as run

PAGES = DATA / "pages"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    length: int | None = None  # a Content-Length other than the body's


@dataclass
class Site:
    """A web server on 127.0.0.1 for one test: ``routes`` by path, what it saw."""

    base: str
    routes: dict[str, Route]
    agents: list[str] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site(monkeypatch) -> Iterator[Site]:
    yield from serve(monkeypatch)


def serve(monkeypatch) -> Iterator[Site]:
    """The server behind the ``site`` fixture (tests/cli/test_add_feeds.py's too)."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    routes: dict[str, Route] = {}
    holder: list[Site] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            state = holder[0]
            with state.lock:
                state.agents.append(self.headers.get("User-Agent", ""))
                state.in_flight += 1
                state.most_in_flight = max(state.most_in_flight, state.in_flight)
            try:
                route = state.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                time.sleep(route.delay)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(route.length or len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except OSError:
                    pass  # the client gave up (a refused size, a timeout)
            finally:
                with state.lock:
                    state.in_flight -= 1

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder.append(Site(f"http://127.0.0.1:{server.server_address[1]}", routes))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


@dataclass(frozen=True)
class Expected:
    file: str
    name: str
    title: str
    source: str
    date: str
    author: str
    language: str
    paragraphs: tuple[str, ...]  # lines of the body, in order (headings, credits included)
    boilerplate: tuple[str, ...]


EXPECTED = [
    Expected(
        "ar_news.html",
        "2024-03-14-افتتاح-مكتبة-عامة-جديدة-في-وسط-المدينة.md",
        "افتتاح مكتبة عامة جديدة في وسط المدينة",
        "صحيفة الواحة",
        "2024-03-14",
        "سلمى الحداد",
        "ar",
        (
            "افتتحت البلدية صباح اليوم الخميس مكتبة عامة جديدة في وسط المدينة، تضم أكثر من "
            "أربعين ألف كتاب باللغتين العربية والإنجليزية، إلى جانب قاعة للمطالعة تتسع لمئتي قارئ.",
            "وقال رئيس البلدية في كلمة الافتتاح إن المكتبة ستبقى مفتوحة سبعة أيام في الأسبوع، "
            "وإن الدخول إليها مجاني لجميع السكان، مضيفا أن المشروع استغرق ثلاث سنوات من "
            "التخطيط والبناء.",
            "## برامج للأطفال والشباب",
            "وتخصص المكتبة جناحا كاملا للأطفال يقدم ورشا أسبوعية في القراءة والرسم، كما تنظم "
            "نوادي للكتاب يلتقي فيها الشباب مساء كل ثلاثاء لمناقشة رواية يختارونها معا.",
            "تصوير: عمر النجار",
            "وأعرب عدد من الزوار عن سعادتهم بالمبنى الجديد، وقالت إحدى المعلمات إنها ستصطحب "
            "طلابها إليه مرة كل شهر لتعويدهم على زيارة المكتبات.",
            "المصدر: وكالة الأنباء المحلية",
        ),
        ("الرئيسية", "إعلان", "اقرأ أيضا", "ارتفاع أسعار الخضار", "تعليق القارئ", "جميع الحقوق"),
    ),
    Expected(
        "fa_news.html",
        "2024-05-02-بازگشایی-پل-تاریخی-پس-از-مرمت.md",
        "بازگشایی پل تاریخی پس از مرمت",
        "روزنامه کاروان",
        "2024-05-02",
        "مریم رضایی",
        "fa",
        (
            "پل تاریخی شهر پس از دو سال مرمت روز چهارشنبه دوباره به روی عابران پیاده باز شد و "
            "صدها نفر از ساکنان برای دیدن آن به کنار رودخانه آمدند.",
            "به گفته مدیر پروژه، مرمتگران بیش از هزار آجر فرسوده را با آجرهایی به همان اندازه و "
            "رنگ جایگزین کردند و پایه\u200cهای پل را در برابر سیلاب تقویت کردند.",
            "## چراغ\u200cهای تازه برای شب\u200cها",
            "شهرداری همچنین چراغ\u200cهای کم\u200cمصرفی در زیر طاق\u200cهای پل نصب کرده است تا پل "
            "در شب نیز دیده شود و گردشگران بتوانند تا دیروقت از آن عبور کنند.",
            "عکس: حسین کریمی",
            "منبع: خبرگزاری محلی",
        ),
        ("صفحه اصلی", "تبلیغ", "مطالب مرتبط", "افزایش قیمت نان", "نظر خواننده", "تمامی حقوق"),
    ),
    Expected(
        "he_news.html",
        "2024-06-10-גן-בוטני-חדש-נפתח-בעיר.md",
        "גן בוטני חדש נפתח בעיר",
        "עיתון הגליל",
        "2024-06-10",
        "נועה לוי",
        "he",
        (
            "גן בוטני חדש נפתח אתמול בקצה הדרומי של העיר, ובו יותר משלושת אלפים מיני צמחים מכל "
            "אזורי הארץ, מהמדבר ועד הגליל העליון.",
            "מנהלת הגן אמרה בטקס הפתיחה כי המטרה היא ללמד את הילדים להכיר את הצמחייה המקומית, "
            "וכי בתי הספר יוכלו לבקר בו ללא תשלום.",
            "## שבילים מונגשים",
            "כל השבילים בגן מונגשים לכיסאות גלגלים ולעגלות ילדים, ולאורכם הוצבו שלטים בעברית, "
            "בערבית ובאנגלית המסבירים על כל צמח ועל השימושים בו.",
            "צילום: דן כהן",
            "מקור: דוברות העירייה",
        ),
        ("ראשי", "פרסומת", "כתבות נוספות", "מחירי הדירות", "תגובת קורא", "כל הזכויות"),
    ),
    Expected(
        "en_news.html",
        "2024-04-21-harbour-ferry-returns-after-winter-repairs.md",
        "Harbour ferry returns after winter repairs",
        "The Coastal Herald",
        "2024-04-21",
        "Tom Baker",
        "en",
        (
            "The harbour ferry carried its first passengers of the season on Sunday morning after "
            "a winter in dry dock, where engineers replaced both engines and the worn wooden deck.",
            "The operator said crossings would run every twenty minutes from six in the morning "
            "until ten at night, with extra sailings at weekends during the summer months.",
            "## Fares stay the same",
            "Despite the cost of the repairs, the council confirmed that a single crossing will "
            "still cost two pounds, and that children under twelve will continue to travel for "
            "free.",
            "- Weekday crossings every twenty minutes\n- Weekend crossings every fifteen minutes",
            "Photo: Jane Smith",
            "Source: Harbour Council press office",
        ),
        ("Home", "Advertisement", "Related stories", "Lighthouse", "Reader comment", "Copyright"),
    ),
]

RETRIEVED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def check_article(path: Path, expected: Expected, url: str | None) -> None:
    article = load_article(path)
    meta = dict(article.meta)
    retrieved = meta.pop("retrieved")
    assert RETRIEVED.fullmatch(retrieved), retrieved
    want = {
        "title": expected.title,
        "source": expected.source,
        "date": expected.date,
        "authors": [expected.author],
        "language": expected.language,
    }
    if url is not None:
        want["url"] = url
    assert meta == want
    assert list(meta) == [
        k for k in ("title", "source", "date", "url", "authors", "language") if k in want
    ]
    # Paragraphs stay paragraphs: the body is exactly them, a blank line between.
    assert article.body == "\n" + "\n\n".join(expected.paragraphs) + "\n"
    for words in expected.boilerplate:
        assert words not in article.text, words
    assert (article.title, article.source, article.date) == (
        expected.title,
        expected.source,
        expected.date,
    )


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file)
def test_a_served_page_becomes_a_markdown_article(capsys, tmp_path, site, expected):
    site.routes["/news/story"] = Route(page(expected.file))
    library = tmp_path / "library"
    code, out, err = run(capsys, "add", "--into", str(library), site.url("/news/story"))
    assert (code, err) == (0, "")
    path = library / expected.name
    assert out == f"{path}\n"
    assert sorted(library.iterdir()) == [path]
    check_article(path, expected, site.url("/news/story"))
    assert site.agents and all(agent.startswith("hamish/") for agent in site.agents)

    code, shown, err = run(capsys, "cat", "--bidi", "logical", "--width", "10000", str(path))
    assert code == 0, err
    lines = shown.splitlines()
    for paragraph in expected.paragraphs:
        for line in paragraph.splitlines():
            assert line in lines


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file)
def test_a_page_file_needs_no_network(capsys, tmp_path, expected, monkeypatch):
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file must not be fetched")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    library = tmp_path / "library"
    code, out, err = run(capsys, "add", "--into", str(library), str(PAGES / expected.file))
    assert (code, err) == (0, "")
    assert out == f"{library / expected.name}\n"
    # A file has no address of its own: the page's canonical link, if it has one.
    canonical = "https://alwaha.example/culture/new-library" if expected.language == "ar" else None
    check_article(library / expected.name, expected, canonical)


def test_a_page_on_stdin_and_urls_on_stdin(capsys, tmp_path, site, monkeypatch):
    library = tmp_path / "library"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(page("he_news.html"))))
    code, out, err = run(capsys, "add", "--into", str(library), "-")
    assert (code, err) == (0, "")
    assert out == f"{library / EXPECTED[2].name}\n"

    site.routes["/ar"] = Route(page("ar_news.html"))
    site.routes["/en"] = Route(page("en_news.html"))
    urls = f"# my reading list\n{site.url('/ar')}\n\n{site.url('/en')}\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(urls.encode())))
    code, out, err = run(capsys, "add", "--into", str(library))
    assert code == 0, err
    assert out.splitlines() == [str(library / EXPECTED[0].name), str(library / EXPECTED[3].name)]
    assert err == "hamish: added 2, updated 0, already in the library 0, failed 0\n"
    check_article(library / EXPECTED[0].name, EXPECTED[0], site.url("/ar"))


def test_the_same_url_or_the_same_text_is_not_added_twice(capsys, tmp_path, site):
    site.routes["/a"] = Route(page("ar_news.html"))
    site.routes["/copy"] = Route(page("ar_news.html").replace(b"<nav", b"<nav data-x='1'"))
    library = tmp_path / "library"
    code, out, _ = run(capsys, "add", "--into", str(library), site.url("/a"))
    path = library / EXPECTED[0].name
    assert code == 0 and out == f"{path}\n"
    before = path.read_bytes()
    site.agents.clear()

    code, out, err = run(capsys, "add", "--into", str(library), site.url("/a") + "#comments")
    assert (code, out) == (0, "")
    assert err == f"hamish: {site.url('/a')}#comments: already in the library as {path}\n"
    assert site.agents == []  # known by its URL: not even fetched

    code, out, err = run(capsys, "add", "--into", str(library), site.url("/copy"))
    assert (code, out) == (0, "")
    assert (
        err == f"hamish: {site.url('/copy')}: the same text is already in the library as {path}\n"
    )

    code, out, err = run(capsys, "add", "--into", str(library), str(PAGES / "ar_news.html"))
    assert (code, out) == (0, "")
    assert "the same text is already in the library as" in err
    assert sorted(library.iterdir()) == [path] and path.read_bytes() == before


def test_update_rewrites_a_changed_page_and_reanchors_its_annotations(capsys, tmp_path, site):
    original = page("ar_news.html")
    site.routes["/a"] = Route(original)
    library = tmp_path / "library"
    run(capsys, "add", "--into", str(library), site.url("/a"))
    path = library / EXPECTED[0].name
    text = load_article(path).text
    kept, edited, dropped = (
        "مكتبة عامة جديدة",
        "إلى جانب قاعة للمطالعة تتسع لمئتي قارئ",
        "ثلاث سنوات من التخطيط",
    )
    sidecar = open_sidecar(path, text)
    annotations = sidecar.annotations
    for quote, tag in ((kept, "place"), (edited, "size"), (dropped, "time")):
        start = text.index(quote)
        annotations = annotations.added(
            make_annotation(text, start, start + len(quote), tags=[tag])
        )
    sidecar.save(annotations)

    code, out, err = run(capsys, "add", "--into", str(library), "--update", site.url("/a"))
    assert (code, out) == (0, "")
    assert err == f"hamish: {path}: unchanged\n"

    inserted = "وحضر الافتتاح عدد كبير من المسؤولين والأهالي."
    changed = (
        original.replace(
            "<p>افتتحت البلدية".encode(), f"<p>{inserted}</p><p>افتتحت البلدية".encode()
        )
        .replace("تتسع لمئتي قارئ".encode(), "تتسع لمئة قارئ".encode())
        .replace(
            "مضيفا أن المشروع استغرق ثلاث سنوات من التخطيط والبناء.".encode(),
            "ولم يذكر كلفة المشروع.".encode(),
        )
    )
    site.routes["/a"] = Route(changed)
    # One annotation would be orphaned: refused (a paywall at the same address would orphan
    # them all), nothing written.
    article_before, sidecar_before = path.read_bytes(), sidecar_path(path).read_bytes()
    code, out, err = run(capsys, "add", "--into", str(library), "--update", site.url("/a"))
    assert (code, out) == (2, "")
    assert (
        f"{path}: not updated: the new text would orphan 1 of its 3 annotations "
        "(--force to update anyway)"
    ) in err
    assert (path.read_bytes(), sidecar_path(path).read_bytes()) == (article_before, sidecar_before)
    code, out, err = run(
        capsys, "add", "--into", str(library), "--update", "--force", site.url("/a")
    )
    assert (code, out) == (0, "")
    assert err == (
        f"hamish: {path}: updated; annotations re-anchored: 1 anchored, 0 moved, "
        "1 changed, 1 orphaned\n"
    )
    shown = sorted(p.name for p in library.iterdir() if not p.name.startswith("."))  # no lock
    assert shown == [path.name, sidecar_path(path).name]
    new = load_article(path)
    assert inserted in new.body and dropped not in new.body
    saved = open_sidecar(path, new.text).annotations.annotations
    by_tag = {a.tags[0]: a for a in saved}
    place = by_tag["place"]
    assert new.text[place.start : place.end] == kept and place.start == new.text.index(kept)
    assert place.placement == "anchored"  # found again by its context, further on
    size = by_tag["size"]
    assert size.placement == "changed" and size.original_quote == edited
    assert new.text[size.start : size.end] == size.quote and "لمئة قارئ" in size.quote
    assert by_tag["time"].placement == "orphaned"


def test_update_never_overwrites_a_corrupt_sidecar(capsys, tmp_path, site):
    site.routes["/a"] = Route(page("en_news.html"))
    library = tmp_path / "library"
    run(capsys, "add", "--into", str(library), site.url("/a"))
    path = library / EXPECTED[3].name
    before = path.read_bytes()
    sidecar_path(path).write_text("{not json", encoding="utf-8")
    site.routes["/a"] = Route(page("en_news.html").replace(b"two pounds", b"three pounds"))
    code, out, err = run(capsys, "add", "--into", str(library), "--update", site.url("/a"))
    assert code == 2 and out == ""
    assert err.startswith(f"hamish: {path}: not updated: its annotations cannot be re-anchored")
    assert len(err.splitlines()) == 1
    assert path.read_bytes() == before
    assert sidecar_path(path).read_text(encoding="utf-8") == "{not json"


def test_newsboat_arguments_give_title_and_feed(capsys, tmp_path, site):
    site.routes["/e"] = Route(page("en_news.html"))
    library = tmp_path / "library"
    args = ["add", "--into", str(library), "--newsboat", site.url("/e")]
    code, out, err = run(capsys, *args, "Ferry is back", "<p>Short summary.</p>", "Coast News")
    assert (code, err) == (0, "")
    path = library / "2024-04-21-ferry-is-back.md"
    assert out == f"{path}\n"
    article = load_article(path)
    assert article.meta["title"] == "Ferry is back"
    assert article.meta["source"] == "The Coastal Herald"
    assert article.meta["feed"] == "Coast News"
    assert article.body.startswith("\nThe harbour ferry carried")

    # A title or description that begins with "-" is an argument, not an option.
    site.routes["/h"] = Route(page("he_news.html"))
    code, out, err = run(capsys, *args[:-1], site.url("/h"), "-- עדכון", "-x", "-פיד")
    assert (code, err) == (0, "")
    meta = load_article(Path(out.strip())).meta
    assert (meta["title"], meta["feed"]) == ("-- עדכון", "-פיד")

    # Offline: newsboat's description is the text, marked as the feed entry's.
    summary = (
        "<p>الخبر كاملا: عادت العبارة إلى العمل بعد إصلاحات الشتاء، وستبحر كل عشرين دقيقة.</p>"
    )
    code, out, err = run(
        capsys, *args[:-1], "http://127.0.0.1:9/gone", "عودة العبارة", summary, "أخبار الساحل"
    )
    assert code == 0, err
    saved = load_article(Path(out.strip()))
    assert saved.meta["title"] == "عودة العبارة" and saved.meta["text"] == "feed entry"
    assert saved.meta["source"] == "أخبار الساحل" and saved.meta["url"] == "http://127.0.0.1:9/gone"
    assert (
        saved.body
        == "\nالخبر كاملا: عادت العبارة إلى العمل بعد إصلاحات الشتاء، وستبحر كل عشرين دقيقة.\n"
    )


def test_at_most_a_few_requests_in_flight(capsys, tmp_path, site, monkeypatch):
    from reader.commands.add import MAX_IN_FLIGHT

    body = page("en_news.html")
    for n in range(10):
        site.routes[f"/p{n}"] = Route(
            body.replace(b"two pounds", f"{n} pounds".encode()), delay=0.2
        )
    urls = "\n".join(site.url(f"/p{n}") for n in range(10))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(urls.encode())))
    code, out, err = run(capsys, "add", "--into", str(tmp_path / "lib"), "-")
    assert code == 0, err
    assert len(out.splitlines()) == 10 and len(set(out.splitlines())) == 10
    assert 1 < site.most_in_flight <= MAX_IN_FLIGHT


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)
    return path


FIFTY_MB = 50 * 1024 * 1024


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (None, "could not reach 127.0.0.1:9 (http://127.0.0.1:9/x): "),
        ("missing", "/missing: the server answered 404 Not Found"),
        (Route(b"\x89PNG\r\n", "image/png"), ": not an HTML page (content type image/png)"),
        (
            Route(b"<html><body><nav>Home</nav></body></html>"),
            ": no article text found in the page",
        ),
        (Route(b"x" * 100, length=FIFTY_MB), ": page too large (over 16 MB, 50 MB)"),
        (Route(b"\x00\x01\x02binary" * 100, "text/html"), ": binary data, not an HTML page"),
        (Route(b"plain words, not markup " * 10, "text/html"), ": not an HTML page"),
    ],
    ids=["offline", "404", "image", "empty", "50MB", "binary", "not-html"],
)
def test_a_failing_url_is_one_line_and_writes_nothing(capsys, tmp_path, site, route, message):
    if route is None:
        url = "http://127.0.0.1:9/x"  # nothing listens on the discard port
    elif route == "missing":
        url = site.url("/missing")
    else:
        site.routes["/p"] = route
        url = site.url("/p")
    library = tmp_path / "library"
    code, out, err = run(capsys, "add", "--into", str(library), url)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("hamish: ") and message in err, err
    assert not library.exists() or list(library.iterdir()) == []


def test_a_slow_server_times_out_in_one_line(capsys, tmp_path, site, monkeypatch):
    monkeypatch.setattr("reader.commands.add.TIMEOUT", 0.3)
    site.routes["/slow"] = Route(page("en_news.html"), delay=2)
    code, out, err = run(capsys, "add", "--into", str(tmp_path), site.url("/slow"))
    assert code == 2 and out == ""
    assert err == f"hamish: {site.url('/slow')}: no answer from {site.base[7:]} in 0 s\n"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: _sparse(d / "big.html", FIFTY_MB), "page too large (50 MB, at most 16 MB)"),
        (lambda d: (d / "x.html").write_bytes(b"\x7fELF\x00\x01" * 50) and d / "x.html", "binary"),
        (lambda d: (d / "e.html").write_bytes(b"  \n") and d / "e.html", "empty"),
        (lambda d: d / "missing.html", "no such file"),
        (lambda d: PAGES.parent / "golden", "a folder"),
    ],
    ids=["50MB", "binary", "empty", "missing", "folder"],
)
def test_bad_files_are_one_line_and_write_nothing(capsys, tmp_path, make, message):
    library = tmp_path / "library"
    code, out, err = run(capsys, "add", "--into", str(library), str(make(tmp_path)))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err, err
    assert not library.exists()


def test_one_failure_does_not_stop_the_others(capsys, tmp_path):
    library = tmp_path / "library"
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00" * 10)
    code, out, err = run(
        capsys, "add", "--into", str(library), str(bad), str(PAGES / "fa_news.html")
    )
    assert code == 2
    assert out == f"{library / EXPECTED[1].name}\n"
    assert err.splitlines() == [
        f"hamish: {bad}: binary data, not an HTML page; nothing written",
        "hamish: added 1, updated 0, already in the library 0, failed 1",
    ]


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("عاجل: «القمة» تنتهي/ اليوم", "عاجل-القمة-تنتهي-اليوم"),
        ("مُحَمَّدٌ يـــكتب", "محمد-يكتب"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\u202ebidi\u2066trick\x1b[2J", "a-bidi-trick-2j"),
        ("...", "article"),
        ("پایه‌های پل", "پایه-های-پل"),
    ],
)
def test_slugs_keep_the_script_and_nothing_unsafe(title: str, want: str):
    assert slug(title) == want


def test_slugs_are_bounded(capsys, tmp_path):
    long = " ".join(["كلمة"] * 200)
    cut = slug(long)
    assert len(cut) <= MAX_SLUG_CHARS and len(cut.encode()) <= MAX_SLUG_BYTES
    assert cut.startswith("كلمة-كلمة") and not cut.endswith("-")
    assert len(slug("x" * 500)) == MAX_SLUG_CHARS


def test_a_name_taken_by_another_article_is_never_overwritten(capsys, tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    taken = library / EXPECTED[3].name
    taken.write_text("My own notes, not this page.\n", encoding="utf-8")
    code, out, err = run(capsys, "add", "--into", str(library), str(PAGES / "en_news.html"))
    assert (code, err) == (0, "")
    assert out == f"{library / EXPECTED[3].name.replace('.md', '-2.md')}\n"
    assert taken.read_text(encoding="utf-8") == "My own notes, not this page.\n"


def test_usage_errors(capsys, tmp_path):
    for args in (
        ["--since", "2024-01-01", "x.html"],
        ["--feed", "--newsboat", "x"],
        ["--newsboat"],
    ):
        code, out, err = run(capsys, "add", "--into", str(tmp_path), *args)
        assert code == 2 and out == "" and len(err.splitlines()) == 1, (args, err)


def test_the_library_lists_added_articles_at_once_with_their_front_matter(capsys, tmp_path):
    from reader.library.catalog_index import scan_catalog

    library = tmp_path / "library"
    first, *others = EXPECTED
    assert run(capsys, "add", "--into", str(library), str(PAGES / first.file))[0] == 0
    listed = [e.relative for batch in scan_catalog(library) for e in batch]  # the index made
    assert listed == [first.name]
    for expected in others:
        code, _, err = run(capsys, "add", "--into", str(library), str(PAGES / expected.file))
        assert code == 0, err
    listed_now = {e.relative: e for batch in scan_catalog(library) for e in batch}
    assert sorted(listed_now) == sorted(e.name for e in EXPECTED)
    for expected in EXPECTED:
        entry = listed_now[expected.name]
        assert (entry.title, entry.source, entry.date, entry.language) == (
            expected.title,
            expected.source,
            expected.date,
            expected.language,
        )
        assert entry.error is None
        assert entry.direction == ("ltr" if expected.language == "en" else "rtl")


def test_feed_and_newsboat_titles_lose_controls_and_bidi_overrides(capsys, tmp_path, site):
    site.routes["/story"] = Route(page("en_news.html"))
    library = tmp_path / "library"
    hostile = "News\x1b]52;c;SGVsbG8=\x07\u202eboat"
    code, out, err = run(
        capsys, "add", "--into", str(library), "--newsboat", site.url("/story"),
        hostile, "<p>a description</p>", "F\x1b[5meed",
    )  # fmt: skip
    assert code == 0, err
    written = Path(out.strip()).read_text(encoding="utf-8")
    assert "\x1b" not in written and "\x07" not in written and "\u202e" not in written
    assert "title: News]52;c;SGVsbG8=boat" in written
