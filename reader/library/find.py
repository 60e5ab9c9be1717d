"""Finding articles: the files and folders a command is given, walked recursively."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotations.errors import HamishError
from reader.library.article import ARTICLE_SUFFIXES

# A library folder's own documentation is not an article.
_NOT_ARTICLES = frozenset({"readme.md", "readme.txt", "license.txt", "changelog.md"})


class LibraryError(HamishError):
    """A path given by the user that is not a file or folder: one line."""


def is_article_name(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered.endswith(ARTICLE_SUFFIXES)
        and not name.startswith(".")
        and lowered not in _NOT_ARTICLES
    )


def find_articles(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """Yield (article, library root) for every article under ``paths``, sorted per folder.

    A file is yielded as given (whatever its name), with its folder as the root; a
    folder is walked recursively, skipping hidden folders and names that are not
    articles (README.md and the like).
    """
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path, path.parent
        elif path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in sorted(files):
                    if is_article_name(name):
                        yield Path(folder) / name, path
        elif path.exists():
            raise LibraryError(f"{path}: not a file or folder")
        else:
            raise LibraryError(f"{path}: no such file or folder")
