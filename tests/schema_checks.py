"""The sidecar's two rule books, the JSON Schema and annotations.validate, checked alike."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from annotations import SidecarInvalid, sidecar_schema, validate_sidecar


def accepted_by_both(data: dict[str, Any]) -> None:
    """The JSON Schema and the validator both take ``data``."""
    jsonschema.validate(data, sidecar_schema())
    validate_sidecar(data)


def refused_by_both(data: dict[str, Any], *, schema: bool = True) -> str:
    """Both refuse ``data`` (the schema only with ``schema``: some rules are beyond it);
    returns the JSON path the validator names."""
    if schema:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, sidecar_schema())
    with pytest.raises(SidecarInvalid) as error:
        validate_sidecar(data)
    return error.value.path
