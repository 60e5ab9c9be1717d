"""Every one-key command of the reader is reserved, so a tagset key can never shadow it."""

from __future__ import annotations

from textual.binding import Binding

from annotations.tagset import RESERVED_KEYS
from reader.tui.screens.article import ArticleScreen
from reader.tui.widgets.annotation_panel import AnnotationPanel
from reader.tui.widgets.article_view import ArticleView

NAMED = {
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": " ",
}


def single_keys(*classes) -> set[str]:
    keys = set()
    for cls in classes:
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    key = NAMED.get(key.strip(), key.strip())
                    if len(key) == 1:
                        keys.add(key)
    return keys


def test_reader_keys_are_reserved():
    used = single_keys(ArticleView, ArticleScreen, AnnotationPanel)
    assert used - RESERVED_KEYS == set()
    assert {"t", "c", "d", "u", "a", "T", "C", "R", "[", "]", "v", "y", "/"} <= used
