"""`hamish git-setup [REPO]`: make git merge sidecars with ``hamish merge-driver``.

Two things, both idempotent (a second run changes nothing):

* ``.gitattributes`` at the repository's top gets the line :data:`ATTRIBUTE_LINE`
  (committed: every clone merges sidecars the same way), appended after what is there,
  which is kept as it is; the file is written atomically.
* the repository's own git config (``.git/config``, not committed: git never runs a
  command a repository names by itself) gets ``merge.hamish.name`` and
  ``merge.hamish.driver``. Each clone runs ``hamish git-setup`` once.

git itself reads and writes the config (``git config``), so worktrees and a ``.git``
file pointing elsewhere are handled as git handles them.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from annotations.errors import HamishError, one_line
from annotations.store import SIDECAR_SUFFIX, atomic_write

__all__ = ["ATTRIBUTE_LINE", "DRIVER", "DRIVER_NAME", "GitSetup", "git_setup"]

#: The attribute that sends every sidecar in the repository to the driver.
ATTRIBUTE_LINE = f"*{SIDECAR_SUFFIX} merge=hamish"
#: The driver's command: git's placeholders are the ancestor's, ours (the result goes
#: there), theirs and the path in the repository (docs/team.md).
DRIVER = "hamish merge-driver %O %A %B %P"
#: What ``git`` calls the driver in its messages.
DRIVER_NAME = "hamish: merge annotation sidecars by annotation id"
GIT_TIMEOUT = 30.0  # seconds: a local `git config` takes milliseconds; a hung one must end


@dataclass(frozen=True, slots=True)
class GitSetup:
    """What ``git-setup`` found and changed."""

    top: Path  # the repository's top folder
    attributes_added: bool  # False: .gitattributes already had the line
    config_changed: bool  # False: the driver was already registered as it is


def _git(top: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise HamishError("git-setup: git is not installed (or not on PATH)")
    try:
        return subprocess.run(
            [git, "-C", str(top), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise HamishError(one_line(f"git-setup: cannot run git: {error}")) from None


def git_setup(repo: str | Path = ".") -> GitSetup:
    """Register the driver in the git repository at (or above) ``repo``."""
    folder = Path(repo)
    if not folder.is_dir():
        raise HamishError(f"{folder}: not a folder")
    found = _git(folder, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise HamishError(f"{folder}: not in a git repository (with a work tree)")
    top = Path(found.stdout.strip())
    added = _add_attribute(top / ".gitattributes")
    changed = False
    for key, value in (("merge.hamish.name", DRIVER_NAME), ("merge.hamish.driver", DRIVER)):
        current = _git(top, "config", "--local", "--get", key)
        if current.returncode == 0 and current.stdout.rstrip("\n") == value:
            continue
        done = _git(top, "config", "--local", key, value)
        if done.returncode != 0:
            raise HamishError(one_line(f"{top}: git config {key}: {done.stderr.strip()}"))
        changed = True
    return GitSetup(top, added, changed)


def _add_attribute(path: Path) -> bool:
    """Append :data:`ATTRIBUTE_LINE` to the attributes file at ``path`` unless a line of
    it already gives sidecars ``merge=hamish``; True when it was added."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    except OSError as error:
        raise HamishError(one_line(f"{path}: cannot read: {error.strerror or error}")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HamishError(f"{path}: not UTF-8 text; left untouched") from None
    pattern = ATTRIBUTE_LINE.split()[0]
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == pattern and "merge=hamish" in fields[1:]:
            return False
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    try:
        atomic_write(path, (text + ATTRIBUTE_LINE + newline).encode("utf-8"))
    except OSError as error:
        raise HamishError(one_line(f"{path}: cannot write: {error.strerror or error}")) from None
    return True
