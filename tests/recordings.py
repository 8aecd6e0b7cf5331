"""Recorded server responses copied into tests/fixtures/scb (provenance in the READMEs there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "scb"


def recording(version: str, name: str) -> dict[str, Any]:
    """The recorded response `name` of API `version` ("v1", "v2" or "px")."""
    path = FIXTURES / version / name
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
