"""``hamish`` and ``python -m reader``: straight to the reader when that is all it asks.

``hamish FILE`` and ``hamish FOLDER`` (and a bare ``hamish``, on ``.``) are what a
user types most, and the first frame is what they wait for: this path imports what
the reader needs and nothing else, no click and no command tree. Everything else
(any option, a command, ``--help``, a path that does not exist, an article that cannot
be read) goes to :func:`reader.cli.main`, which says and does exactly what it always
did; so does an error in the reader, handled there as for ``hamish open``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from reader.settings import Settings

# The CLI's command names (tests/unit/test_startup_path.py keeps this equal to
# reader.cli's): `hamish cat`, with a file named "cat" in the folder, is the command.
COMMANDS = frozenset(
    {
        "add",
        "agree",
        "cat",
        "check",
        "curate",
        "doctor",
        "export",
        "git-setup",
        "import",
        "merge-driver",
        "open",
        "report",
        "search",
        "stats",
        "tag-all",
    }
)


def reader_target(args: list[str]) -> Path | None:
    """The path the reader opens when ``args`` ask for nothing else; None otherwise."""
    if not args:
        return Path(".")
    if len(args) != 1:
        return None
    arg = args[0]
    if not arg or arg.startswith("-") or arg in COMMANDS:
        return None
    target = Path(arg)
    return target if target.exists() else None


def launch_reader(
    target: Path,
    settings: Settings,
    annotations_dir: Path | None,
    *,
    chosen: bool = False,
    curator: str | None = None,
) -> None:
    """Run the TUI (with ``curator``: the article in curation mode); around it, BDSM
    explicit mode on terminals that reorder by themselves.

    On a terminal known to scramble right-to-left text in the mode in use (and a mode the
    user did not choose), the reader says so once, pointing at ``hamish doctor``.
    """
    import atexit
    from contextlib import AbstractContextManager, nullcontext

    from reader.terminal import explicit_bidi, honours_bdsm, known_to_scramble
    from reader.tui.app import HamishApp

    stream = sys.__stdout__
    bidi_mode: AbstractContextManager[None] = nullcontext()
    if stream is not None and settings.bidi == "self" and stream.isatty() and honours_bdsm():
        # The terminal's own bidi back at exit, even if we die inside the app.
        atexit.register(_restore_implicit_bidi, stream)
        bidi_mode = explicit_bidi(stream, True)
    notice = known_to_scramble(mode=settings.bidi, chosen=chosen)
    with bidi_mode:
        HamishApp(
            target, settings, annotations_dir=annotations_dir, notice=notice, curator=curator
        ).run()


def _restore_implicit_bidi(stream: TextIO) -> None:
    from reader.terminal import BDSM_IMPLICIT

    stream.write(BDSM_IMPLICIT)
    stream.flush()


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else list(argv)
    target = reader_target(args)
    if target is None:
        _cli(args)
    try:
        from reader.settings import chosen_bidi, load_settings, with_overrides

        if target.is_file():
            from reader.library.article import load_article

            load_article(target)  # fail with the CLI's one line rather than inside the TUI
        settings = with_overrides(load_settings())
        chosen = chosen_bidi() is not None
    except Exception:
        _cli(args)  # the same checks again, reported the CLI's way
    try:
        launch_reader(target, settings, None, chosen=chosen)
    except BaseException as error:
        _cli(args, raised=error)
    sys.exit(0)


def _cli(args: list[str], raised: BaseException | None = None) -> NoReturn:
    from reader.cli import main as cli_main

    if raised is None:
        cli_main(args)
    else:

        def reraise() -> None:
            raise raised

        cli_main(args, run=reraise)
    sys.exit(0)  # pragma: no cover - cli_main always exits


if __name__ == "__main__":
    main()
