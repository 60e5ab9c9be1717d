"""`hamish search`: Arabic-folded search over article text and annotations."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from reader.article import ArticleError, load_article, split_paragraphs
from reader.library import find_articles
from reader.render import visual_oneline
from reader.text.fold import find_all, fold

CONTEXT = 30


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    line: int  # 1-based line (paragraph) of the file
    offset: int  # code-point offset of the match (or of the annotation)
    end: int
    kind: str  # text | quote | tag | note
    match: str  # the matched text as in the file
    context: str  # the surrounding text, laid out for the terminal (shaped, ordered)
    annotation: str | None = None  # the annotation id, for quote/tag/note hits

    def to_json(self) -> dict:
        return asdict(self)

    def render(self) -> str:
        where = f"{self.path}:{self.line}:{self.offset}"
        label = "" if self.kind == "text" else f"[{self.kind}] "
        return f"{where}: {label}{self.context}"


def _snippet(text: str, starts: list[int], start: int, end: int) -> str:
    """The match with up to CONTEXT characters each side, within its line, laid out."""
    paragraph = starts[bisect_right(starts, start) - 1]
    following = text.find("\n", end)
    stop = len(text) if following < 0 else following
    left = max(paragraph, start - CONTEXT)
    piece = text[left : min(stop, end + CONTEXT)].rstrip("\r")
    return visual_oneline(("…" if left > paragraph else "") + piece, 2 * CONTEXT + 30)[0]


def search_corpus(
    paths: Iterable[str],
    query: str,
    *,
    annotations_dir: str | None = None,
    problems: list[str] | None = None,
) -> Iterator[Hit]:
    """Hits in article text, then in annotation quotes, notes and tags, article by article."""
    from annotations import open_sidecar, sidecar_path

    if not fold(query).text.strip():
        return
    for article_path, root in find_articles(paths):
        try:
            article = load_article(article_path)
        except ArticleError as error:
            if problems is not None:
                problems.append(str(error))
            continue
        text = article.text
        starts = [p.start for p in split_paragraphs(text)]
        path = article_path.as_posix()
        for start, end in find_all(fold(text), query, text):
            if start >= article.body_start:
                line = bisect_right(starts, start)
                context = _snippet(text, starts, start, end)
                yield Hit(path, line, start, end, "text", text[start:end], context)
        if not sidecar_path(article_path, annotations_dir, root).exists():
            continue
        sidecar = open_sidecar(
            article_path, text, annotations_dir=annotations_dir, library_root=root
        )
        for annotation in sidecar.annotations.annotations:
            fields = [("quote", annotation.quote), ("note", annotation.note)]
            fields += [("tag", tag) for tag in annotation.tags]
            for kind, value in fields:
                if value and find_all(fold(value), query, value):
                    context = visual_oneline(" ".join(value.split()), 2 * CONTEXT + 30)[0]
                    line = bisect_right(starts, annotation.start)
                    yield Hit(
                        path,
                        line,
                        annotation.start,
                        annotation.end,
                        kind,
                        value,
                        context,
                        annotation.id,
                    )
