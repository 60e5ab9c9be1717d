"""CoNLL-2003 style BIO tagging (for training sequence taggers; ``spacy convert``).

Export only (there is no importer: tokens lose the offsets and the notes). Tokens have
no links either: relations are not exported, with a warning per article that has some.
The file is what ``spacy convert --converter ner`` (``conll_ner_to_docs``) and the usual
CoNLL-2003 readers (Hugging Face's ``conll2003``, seqeval pipelines) read::

    -DOCSTART- -X- O O

    قال _ _ O
    الوزير _ _ O
    : _ _ O
    « _ _ O
    الاقتصاد _ _ B-quote
    سينمو _ _ I-quote
    3 _ _ I-quote
    % _ _ I-quote
    » _ _ O
    <blank line after each paragraph>

- Four columns separated by one space, CoNLL-2003's ``WORD POS CHUNK NER``: hamish has
  no part-of-speech or chunk tags, so those are ``_``; the label is the last column (the
  one every reader takes). Each article starts with the line ``-DOCSTART- -X- O O`` and
  a blank line (spaCy's document delimiter, exactly). There are no comment lines: a
  reader that skipped lines starting with ``#`` would drop hashtag tokens (``#عاجل``,
  ``##``), and ``spacy convert`` reads them as tokens.
- Only the article's body is tokenized: YAML front matter (``---`` … ``---``) is left
  out, as the reader leaves it out of the page.
- Tokens (:func:`tokenize`): a word is a run of letters, marks (harakat), digits and
  ``_``, with ZWNJ/ZWJ and other format characters, an apostrophe or a hyphen between
  two word characters kept inside (``l'Orient``, ``al-Sisi``), and ``. , ٫ ٬ :``
  between two digits (``3.5``, ``1,000``, ``12:30``); ``#`` or ``@`` right before a
  word belongs to it (``#عاجل`` is one token). Every other character is a token of its
  own (Arabic ``، ؛ ؟ « »``, Latin ``, . ; : ! ? " ( )``, ``%``), a run of the same
  punctuation mark is one token (``...``, ``؟؟``, ``##``), and an emoji keeps its
  modifiers and ZWJ sequence.
  Format characters outside words (a lone RLM) are not tokens.
- Paragraphs are hamish's: lines split on ``\\n``, ``\\r\\n``, ``\\r`` and U+2029. Each
  paragraph with tokens ends with a blank line (a sentence for spaCy); empty paragraphs
  write nothing.
- A token is inside an annotation when their characters overlap (a token only partly
  annotated is wholly labelled). Its tag is ``B-<label>`` for the first token of the
  annotation, ``I-<label>`` for the next ones, ``O`` outside. Whitespace inside a label
  becomes ``_``.
- One label a token (BIO cannot nest or hold two tags). The rule: an annotation's label
  is its first tag (``span`` when it has none); when annotations share a token, the
  longest (in characters) is kept, then the earliest. What this leaves out is one report
  warning per article, naming it: ``"<path>: conll has one label a token: left out 2
  overlapping annotations («…» quote, …) and 1 further tag (speaker/official ×1)"``.
  Annotations in the front matter, or on no token, are left out with a warning too.
- ``comments=True`` (``--conll-comments``) writes the document fields after each
  ``-DOCSTART-`` line as ``# key = value`` lines, for scripts that map sentences back to
  articles. ``spacy convert`` reads those lines as tokens, and readers that skip ``#``
  lines drop hashtag tokens too: use it only with a reader of your own.
- Only placed annotations are used (not orphans, which are reported as warnings, nor
  annotations whose quote is not at their offsets). ``ExportReport.records`` counts the
  annotations tagged.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from typing import IO, Any

from annotations.formats.base import (
    ExportDocument,
    ExportReport,
    one_label_left_out,
    short_quote,
)
from annotations.script import PARAGRAPH_BREAK_RE

__all__ = ["DOCSTART", "UNTAGGED", "tokenize", "write_conll"]

UNTAGGED = "span"
#: spaCy's ``conll_ner_to_docs`` splits documents on exactly this line.
DOCSTART = "-DOCSTART- -X- O O"
_EMPTY = "_"  # the POS and chunk columns

_WHITESPACE = re.compile(r"\s+")
_INSIDE_WORD = frozenset("'’-\u2010")  # between two word characters: part of the word
_INSIDE_NUMBER = frozenset(".,:\u066b\u066c")  # between two digits: part of the number
_JOINER = "\u200d"


def _word(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LMN" or char == "_"


def _format(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The tokens of ``text[start:end]`` as ``(start, end)`` code point offsets (see the
    module docstring for the rule)."""
    stop = len(text) if end is None else end
    tokens: list[tuple[int, int]] = []
    i = start
    while i < stop:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        follows_word = i + 1 < stop and _word(text[i + 1])
        if _word(char) or (char in "#@" and follows_word):
            j = i + 1
            while j < stop:
                c = text[j]
                if _word(c):
                    j += 1
                elif j + 1 < stop and _word(text[j + 1]) and _word(text[j - 1]):
                    inner = c in _INSIDE_WORD or _format(c)
                    number = c in _INSIDE_NUMBER and text[j - 1].isdigit() and text[j + 1].isdigit()
                    if not (inner or number):
                        break
                    j += 2
                elif _format(c) and _word(text[j - 1]):
                    j += 1  # a ZWNJ or mark-like format character ending the word
                else:
                    break
            tokens.append((i, j))
            i = j
            continue
        if _format(char):
            i += 1  # a lone format character (RLM, ZWJ between spaces) is no token
            continue
        j = i + 1
        if unicodedata.category(char)[0] == "P":
            while j < stop and text[j] == char:
                j += 1  # a run of one punctuation mark: "...", "؟؟" (not of emoji: "😀😀")
        while j < stop:  # an emoji's modifiers, variation selectors and ZWJ sequence
            c = text[j]
            category = unicodedata.category(c)
            if category[0] == "M" or 0x1F3FB <= ord(c) <= 0x1F3FF:
                j += 1
            elif c == _JOINER and j + 1 < stop and not text[j + 1].isspace():
                j += 2
            else:
                break
        tokens.append((i, j))
        i = j
    return tokens


def _comment(value: Any) -> str:
    return _WHITESPACE.sub(" ", str(value)).strip() if value is not None else ""


def _label(tag: str) -> str:
    return _WHITESPACE.sub("_", tag.strip())


def write_conll(
    documents: Iterable[ExportDocument], out: IO[str], *, conll_comments: bool = False
) -> ExportReport:
    """Write BIO-tagged tokens of every document to ``out``."""
    report = ExportReport()
    for doc in documents:
        report.documents += 1
        doc.relations_dropped(report, format="conll")
        text = doc.text
        body = doc.body_start  # the front matter is not tokenized
        lines = [DOCSTART]
        if conll_comments:
            lines += [f"# {key} = {_comment(value)}".rstrip() for key, value in doc.fields.items()]
        lines.append("")

        spans = tokenize(text, body)
        starts = [s for s, _ in spans]
        ends = [e for _, e in spans]
        tags: list[str | None] = [None] * len(spans)

        # Placed annotations, longest first then earliest, each claiming its tokens
        # unless a kept one holds any of them already.
        candidates = [a for a in doc.spans(report) if a.start < a.end]
        candidates.sort(key=lambda a: (a.start - a.end, a.start, a.end, a.id))
        overlapping: list[str] = []
        further: Counter[str] = Counter()
        no_token = 0
        in_front_matter = 0
        for a in candidates:
            if a.start < body:
                in_front_matter += 1
                continue
            first = bisect_right(ends, a.start)  # the first token ending after the start
            last = bisect_left(starts, a.end)  # past the last token starting before the end
            if first >= last:
                no_token += 1  # only whitespace or format characters annotated
                continue
            label = _label(a.tags[0]) if a.tags else UNTAGGED
            if any(tag is not None for tag in tags[first:last]):
                overlapping.append(f"«{short_quote(a.quote)}» {label}")
                continue
            tags[first] = "B-" + label
            if last - first > 1:
                tags[first + 1 : last] = ["I-" + label] * (last - first - 1)
            further.update(a.tags[1:])
            report.records += 1
        _warn(report, doc.path, overlapping, further, no_token, in_front_matter)

        # Tokens, with a blank line wherever a line break separates two of them.
        breaks = [m.start() for m in PARAGRAPH_BREAK_RE.finditer(text, body)]
        next_break = 0
        for index, (start, end) in enumerate(spans):
            if next_break < len(breaks) and breaks[next_break] < start:
                next_break = bisect_left(breaks, start, next_break)
                if index:
                    lines.append("")
            lines.append(f"{text[start:end]} {_EMPTY} {_EMPTY} {tags[index] or 'O'}")
        # End the last line, then a blank line closes the paragraph and the document.
        lines += ("", "") if spans else ("",)
        out.write("\n".join(lines))
    return report


def _warn(
    report: ExportReport,
    path: str,
    overlapping: list[str],
    further: Counter[str],
    no_token: int,
    in_front_matter: int,
) -> None:
    """One warning naming what one label a token could not hold, one for the rest."""
    left_out = one_label_left_out(overlapping, further)
    if left_out:
        report.warnings.append(f"{path}: conll has one label a token: left out {left_out}")
    if in_front_matter:
        report.warnings.append(
            f"{path}: {in_front_matter} annotations in the front matter not exported to conll"
        )
    if no_token:
        report.warnings.append(
            f"{path}: {no_token} annotations on no token (only spaces) not exported to conll"
        )
