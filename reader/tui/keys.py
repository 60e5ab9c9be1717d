"""The key table (:mod:`reader.keys`) as Textual bindings.

A screen or widget declares its scope and takes its bindings from the table::

    KEY_SCOPE = Scope.ARTICLE
    BINDINGS = bindings(KEY_SCOPE)
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from reader.keys import Scope, in_scope

__all__ = ["bindings", "scope_of"]


def bindings(scope: Scope) -> list[BindingType]:
    """The Textual bindings of one scope of the key table, in table order."""
    return [
        Binding(",".join(row.keys), row.action, row.description, show=row.footer, id=row.id)
        for row in in_scope(scope)
    ]


def scope_of(node: object) -> Scope | None:
    """The key scope a screen or widget declares (``KEY_SCOPE``), or None."""
    scope = getattr(type(node), "KEY_SCOPE", None)
    return scope if isinstance(scope, Scope) else None
