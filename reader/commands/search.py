"""`hamish search`: Arabic-folded search over article text and annotations."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from reader.commands.output import cells, one_line
from reader.library.article import split_paragraphs
from reader.library.corpus import readable_articles
from reader.library.find import find_articles
from reader.terminal import OutputMode
from reader.text.fold import find_all, fold
from reader.text.render import visual_oneline

CONTEXT = 30
#: A context cut to fit a terminal row keeps at least this many cells, else it gets its own row.
MIN_CONTEXT_CELLS = 20


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    line: int  # 1-based line (paragraph) of the file
    offset: int  # code-point offset of the match (or of the annotation)
    end: int
    kind: str  # text | quote | tag | note (the last three: of an annotation)
    match: str  # the matched text as in the file
    context: str  # the surrounding text, logical order (as in the file)
    annotation: str | None = None  # the annotation id, for quote/tag/note hits

    @property
    def display(self) -> str:
        """The context laid out for a terminal that does no bidi (shaped, ordered)."""
        return visual_oneline(self.context, 2 * CONTEXT + 30)[0]

    def to_json(self) -> dict:
        return {**asdict(self), "display": self.display}

    def render(self, mode: OutputMode = "self", width: int | None = None) -> str:
        """``FILE:LINE:OFFSET: [annotation KIND] CONTEXT`` for ``mode``: the path and the
        context each laid out on their own (``self``) or logical, always sanitized.

        With ``width`` (a terminal's), a laid-out line fits it: the context is cut at its
        logical end before it is reordered, so the terminal never wraps a reordered line
        (which would show its end above its start).
        """
        where = f"{one_line(self.path, mode, direction='ltr')}:{self.line}:{self.offset}"
        label = "" if self.kind == "text" else f"[annotation {self.kind}] "
        if mode != "self":
            return f"{where}: {label}{one_line(self.context, mode)}"
        room = 2 * CONTEXT + 30
        head = f"{where}: {label}"
        if width is not None:
            room = min(room, width - cells(head) - 1)
            if room < MIN_CONTEXT_CELLS:  # a long path: the context goes on a row of its own
                context = visual_oneline(self.context, max(width - 3, 1))[0]
                return f"{head.rstrip()}\n  {context}"
        return f"{head}{visual_oneline(self.context, room)[0]}"


def _snippet(text: str, starts: list[int], start: int, end: int) -> str:
    """The match with up to CONTEXT characters each side, within its line."""
    paragraph = starts[bisect_right(starts, start) - 1]
    following = text.find("\n", end)
    stop = len(text) if following < 0 else following
    left = max(paragraph, start - CONTEXT)
    piece = text[left : min(stop, end + CONTEXT)].rstrip("\r")
    return " ".join((("…" if left > paragraph else "") + piece).split())


def search_corpus(
    paths: Iterable[str],
    query: str,
    *,
    annotations_dir: str | None = None,
    problems: list[str] | None = None,
) -> Iterator[Hit]:
    """Hits in article text, then in annotation quotes, notes and tags, article by article."""
    from annotations import SidecarError, open_sidecar, sidecar_path

    if not fold(query).text.strip():
        return
    for article_path, root, article in readable_articles(find_articles(paths), problems):
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
        try:
            sidecar = open_sidecar(
                article_path, text, annotations_dir=annotations_dir, library_root=root
            )
        except SidecarError as error:  # unreadable, or a folder named like a sidecar
            if problems is not None:
                problems.append(str(error))
            continue
        for annotation in sidecar.annotations.annotations:
            fields = [("quote", annotation.quote), ("note", annotation.note)]
            fields += [("tag", tag) for tag in annotation.tags]
            for kind, value in fields:
                if value and find_all(fold(value), query, value):
                    context = " ".join(value.split())
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
