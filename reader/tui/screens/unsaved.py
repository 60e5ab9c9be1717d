"""Dialogs that keep work from being dropped: unsaved changes on quit, a recovery file on open.

:class:`UnsavedChanges` is asked when the article is left (q, escape, ctrl+q) while its
annotations hold edits no save has written (a read-only or full disk): retry saving,
save a copy elsewhere (a path typed in the one text box, written atomically as a
sidecar, never over an existing file without saying so first), discard, or stay. It
dismisses with True when the article may be left, False to stay.

:class:`RecoveryOffer` is asked when an article opens with a recovery file that a
failed save left (reader/recovery.py): restore it (True) or discard it (False).

Every message is laid out by the engine (reader/tui/display.py), never markup: it may
hold a path or an error that names one.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotations import SidecarInvalid, atomic_write, canonical_json, validate_sidecar
from annotations.store import SIDECAR_SUFFIX
from reader.keys import Scope, in_scope
from reader.tui import display
from reader.tui.display import isolate
from reader.tui.keys import bindings
from reader.tui.widgets.rtl_input import RtlInput

if TYPE_CHECKING:
    from annotations import AnnotationSet
    from reader.tui.session import AnnotationSession

DIALOG_CELLS = 66  # the dialog's text: its width (70) less border and padding

_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 70;
    max-width: 100%;
    height: auto;
    max-height: 90%;
    border: thick $error;
    background: $surface;
    padding: 0 1;
}}
{name} Static {{
    width: 100%;
}}
{name} #problem {{
    color: $error;
}}
"""


def _keys_line(scope: Scope) -> str:
    return " · ".join(f"{row.shown_keys} {row.description.lower()}" for row in in_scope(scope))


def copy_target(typed: str, article: Path) -> Path | None:
    """Where "save a copy" writes for what was typed: ``~`` expanded, a relative path
    from the article's folder, a folder gets the article's sidecar name; None: nothing typed."""
    typed = typed.strip()
    if not typed:
        return None
    path = Path(typed).expanduser()
    if not path.is_absolute():
        path = article.parent / path
    if path.is_dir():
        path = path / f"{article.name}{SIDECAR_SUFFIX}"
    return path


class _Dialog(ModalScreen[bool]):
    def _text(self, widget_id: str, message: str, *, style: str = "") -> None:
        self.query_one(f"#{widget_id}", Static).update(
            display.lines(
                message,
                DIALOG_CELLS,
                direction="ltr",
                style=style,
                options=display.options_of(self),
            )
        )


class UnsavedChanges(_Dialog):
    """Leave an article whose annotations are not saved: retry, save a copy, discard, stay."""

    DEFAULT_CSS = _CSS.format(name="UnsavedChanges")

    KEY_SCOPE = Scope.UNSAVED
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__()
        self.session = session
        self.article = session.article_path
        self._replace: Path | None = None  # an existing file the user was told about

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="reason", markup=False)
            yield Static("", id="choices", markup=False)
            yield Static("", id="copy-label", markup=False)
            yield RtlInput(
                str(self.article.parent / f"{self.article.name}.copy{SIDECAR_SUFFIX}"),
                id="copy-path",
            )
            yield Static("", id="problem", markup=False)

    def on_mount(self) -> None:
        self._text("reason", self._reason(), style="bold")
        self._text("choices", _keys_line(self.KEY_SCOPE))
        self._text("copy-label", "Save a copy to (enter or ctrl+s):")
        self.query_one(RtlInput).focus()

    def _reason(self) -> str:
        session = self.session
        count = len(session.annotations.annotations)
        lines = [
            f"The annotations of {isolate(self.article.name)} are not saved "
            f"({count} in this article).",
            session.state.message,
        ]
        if session.recovery_problem is None:
            lines.append("A recovery copy is kept; the next open offers it.")
        else:
            lines.append(session.recovery_problem)
        return "\n".join(lines)

    def _problem(self, message: str) -> None:
        self._text("problem", message)

    # -- the choices ----------------------------------------------------------------
    def action_retry(self) -> None:
        self.session.retry_save()
        if self.session.state.saved:
            display.notify(self.app, "Saved", timeout=2)
            self.dismiss(True)
            return
        self._text("reason", self._reason(), style="bold")
        self._problem(f"Still {self.session.state.message}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save_copy()

    def action_save_copy(self) -> None:
        target = copy_target(self.query_one(RtlInput).value, self.article)
        if target is None:
            self._problem("Type the path of the copy first")
            return
        shown = isolate(str(target))
        try:
            mode = target.lstat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as error:
            self._problem(f"Cannot save a copy to {shown}: {error.strerror or error}")
            return
        if mode is not None:
            if not stat.S_ISREG(mode):
                self._problem(f"{shown} exists and is not a regular file: not replaced")
                return
            if self._replace != target:
                self._replace = target
                self._problem(f"{shown} exists: press enter again to replace it")
                return
        data = self.session.annotations.to_json()
        try:
            validate_sidecar(data)
            atomic_write(target, canonical_json(self.session.annotations).encode("utf-8"))
        except SidecarInvalid as error:
            self._problem(f"Would not be a valid sidecar ({error}): no copy written")
            return
        except (OSError, ValueError, UnicodeEncodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self._problem(f"Cannot save a copy to {shown}: {reason}")
            return
        display.notify(self.app, f"A copy of the annotations was saved to {shown}", timeout=8)
        self.dismiss(True)

    def action_discard(self) -> None:
        self.session.discard_unsaved()
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)


class RecoveryOffer(_Dialog):
    """A recovery file for the article being opened: restore it into the sidecar, or discard."""

    DEFAULT_CSS = _CSS.format(name="RecoveryOffer")

    KEY_SCOPE = Scope.RECOVERY
    BINDINGS = bindings(KEY_SCOPE)

    def __init__(self, article: Path, recovered: AnnotationSet) -> None:
        super().__init__()
        self.article = article
        self.recovered = recovered

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="reason", markup=False)
            yield Static("", id="choices", markup=False)

    def on_mount(self) -> None:
        count = len(self.recovered.annotations)
        self._text(
            "reason",
            f"A save of {isolate(self.article.name)} failed last time: a recovery file "
            f"holds its unsaved annotations ({count}).\n"
            "Restore merges them into the article's annotations and saves.",
            style="bold",
        )
        self._text("choices", _keys_line(self.KEY_SCOPE))

    def action_restore(self) -> None:
        self.dismiss(True)

    def action_discard(self) -> None:
        self.dismiss(False)
