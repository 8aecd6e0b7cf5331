"""Dataset manifests: where a dataset came from, when, and what it holds.

One `manifest.json` per dataset describes its current vintage; it is the only thing that makes a
vintage current, so a vintage that was not completely written is never used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kompetens_forecast.errors import StoreError
from kompetens_forecast.store.atomic import write_text_atomic


@dataclass(frozen=True)
class SeriesBreak:
    """A break in a statistical series: values before `year` are not comparable with later ones."""

    year: int
    kind: str  # e.g. "source" (RAMS→BAS) or "population" (ages 16–69)
    description: str
    effect: str = ""  # e.g. "national total +9 %"


@dataclass(frozen=True)
class Manifest:
    """Provenance of one stored vintage: source, tables, retrieval time, rows, checksum, series
    breaks, licence and tool version (the `manifest.json` beside its Parquet file)."""

    dataset: str
    source: str  # "scb", "af", "synthetic"
    vintage: str
    title: str
    table_ids: list[str]
    dims: list[str]
    rows: int
    retrieved_at: str  # ISO 8601, UTC
    schema_version: int
    checksum: str  # sha256 of the vintage's Parquet file
    tool_version: str
    synthetic: bool = False
    source_updated: str | None = None  # the source's own `updated` stamp
    query: dict[str, Any] | None = None
    provenance: str = ""
    licence: str = ""
    breaks: list[SeriesBreak] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as stable, pretty JSON (sorted keys), as written to disk."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """A manifest from its JSON dict; a StoreError names a malformed one."""
        fields = dict(data)
        fields["breaks"] = [SeriesBreak(**b) for b in fields.get("breaks", [])]
        try:
            return cls(**fields)
        except TypeError as exc:
            raise StoreError(
                f"Manifest of dataset '{data.get('dataset')}' is malformed: {exc}"
            ) from exc

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at `path`; a StoreError when it is missing or unreadable."""
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(f"Cannot read manifest {path}: {exc}") from exc

    def write(self, path: Path) -> None:
        """Write the manifest to `path` atomically (temp name + rename)."""
        write_text_atomic(path, self.to_json())

    def citation(self, lang: str = "sv") -> str:
        """A short source line for captions: 'Källa: SCB, YREG60, hämtad 2024-05-02'."""
        source = {"scb": "SCB", "af": "Arbetsförmedlingen", "kolada": "Kolada"}.get(
            self.source, self.source.upper()
        )
        retrieved = self.retrieved_at[:10]
        tables = ", ".join(self.table_ids)
        if lang == "en":
            return f"Source: {source}, {tables}, retrieved {retrieved}"
        return f"Källa: {source}, {tables}, hämtad {retrieved}"
