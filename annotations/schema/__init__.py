"""The JSON Schema of the sidecar format, shipped with the package."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "sidecar-v1.schema.json"


def sidecar_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of sidecar version 1."""
    return json.loads(resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
