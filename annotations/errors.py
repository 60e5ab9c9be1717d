"""The one root of every error hamish reports to a user.

Every error a user can cause (a file that is not an article, a sidecar that cannot be
used, a tagset or settings problem, a path that is not there) derives from
:class:`HamishError`: ``str(error)`` is one line naming the file and the reason, and
``exit_code`` is what the command line exits with (DESIGN §2.4: 2 for usage or
unreadable input). The CLI catches this one class; nothing else is shown without
``--debug``. It lives in ``annotations`` because the core raises it and
``annotations`` never imports ``reader``.
"""

from __future__ import annotations

__all__ = ["EXIT_OK", "EXIT_PROBLEM", "EXIT_USAGE", "HamishError", "one_line"]

EXIT_OK = 0
EXIT_PROBLEM = 1  # the command ran and found something (orphans, no match)
EXIT_USAGE = 2  # bad usage or input that cannot be read


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


class HamishError(Exception):
    """An error for the user: one line, no traceback, an exit code."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str = "", exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
