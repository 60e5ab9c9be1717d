"""Finding articles: the files and folders a command is given, walked recursively."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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


def find_articles(
    paths: Iterable[str | Path], *, non_regular: bool = False
) -> Iterator[tuple[Path, Path]]:
    """Yield (article, library root) for every article under ``paths``, sorted per folder.

    A file is yielded as given (whatever its name), with its folder as the root; so is
    a named pipe given by name (``hamish search QUERY <(curl …)`` reads the pipe). A
    folder is walked recursively, skipping hidden folders, names that are not articles
    (README.md and the like) and files that are not regular files: a FIFO or a device
    named like an article would block the command or never end, so it is never opened
    from a walk. Symlinks to regular files are articles; a broken one is yielded (its
    loading reports it); symlinked folders are not walked into (as ``os.walk``).
    ``non_regular=True`` yields FIFOs and devices named like articles too, for a caller
    that stats each file before it opens it and lists them as not regular (the library
    listing).
    """
    for given in paths:
        path = Path(given)
        if path.is_file() or path.is_fifo():
            yield path, path.parent
        elif path.is_dir():
            for listing in walk_folders(path.as_posix(), non_regular=non_regular):
                folder = Path(listing.folder)
                for entry in listing.articles:
                    yield folder / entry.name, path
        elif path.exists():
            raise LibraryError(f"{path}: not a file or folder")
        else:
            raise LibraryError(f"{path}: no such file or folder")


@dataclass(frozen=True, slots=True)
class Listing:
    """One folder of a walk: its articles (as scandir gave them, sorted by name, their
    ``stat`` cached where the system allows) and every name in it (which sidecars exist)."""

    folder: str  # its path, "/"-separated, as the walk's top was given
    prefix: str  # its path under the top: "" or "desk/2024/"
    articles: list[os.DirEntry[str]]
    names: frozenset[str]


def walk_folders(top: str, *, non_regular: bool = False, prefix: str = "") -> Iterator[Listing]:
    """The folders under ``top`` (itself first), top-down, subfolders sorted, with the rules
    of :func:`find_articles`; a folder that cannot be listed is skipped."""
    try:
        with os.scandir(top) as entries:
            listed = list(entries)
    except OSError:
        return
    subfolders = []
    files = []
    for entry in listed:
        name = entry.name
        try:
            if entry.is_dir():
                if not name.startswith(".") and not entry.is_symlink():
                    subfolders.append(name)
            elif is_article_name(name) and (non_regular or _regular_or_broken(entry)):
                files.append(entry)
        except OSError:  # vanished or unreadable while listed
            continue
    files.sort(key=lambda entry: entry.name)
    yield Listing(top, prefix, files, frozenset(entry.name for entry in listed))
    for name in sorted(subfolders):
        yield from walk_folders(
            join_posix(top, name), non_regular=non_regular, prefix=f"{prefix}{name}/"
        )


def join_posix(folder: str, name: str) -> str:
    """``(Path(folder) / name).as_posix()``, without making a Path."""
    return name if folder == "." else f"{folder}/{name}"


def _regular_or_broken(entry: os.DirEntry[str]) -> bool:
    """A regular file (or a link to one), or a broken link (loading then says so)."""
    if entry.is_file():
        return True
    return entry.is_symlink() and not os.path.exists(entry.path)
