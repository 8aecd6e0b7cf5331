"""Writing run outputs: Parquet with provenance metadata, JSON, and publishing a staged directory.

A run writes everything into a staging directory beside the target and publishes it only when
complete, so a failed run leaves the previous output (or nothing) behind.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kompetens_forecast import __version__
from kompetens_forecast.store.atomic import apply_default_mode, write_atomic, write_text_atomic

METADATA_KEY = b"kompetens_forecast"


def provenance_header() -> dict[str, Any]:
    """What every output says about itself: the tool, its version and when it was made."""
    return {
        "tool": "kompetens-forecast",
        "tool_version": __version__,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def write_parquet(frame: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> Path:
    """Parquet with the provenance (sources, table ids, retrieval times, tool version) embedded."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(provenance, ensure_ascii=False).encode("utf-8")
    table = table.replace_schema_metadata(metadata)
    return write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def read_provenance(path: Path) -> dict[str, Any]:
    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(METADATA_KEY)
    return dict(json.loads(raw)) if raw else {}


def write_json(path: Path, data: dict[str, Any]) -> Path:
    return write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextlib.contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success publish its files into `target`.

    A new target is created by one rename. An existing target keeps files the run did not
    produce; each produced file replaces its old version by an atomic rename.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        yield staging
        for directory in (staging, *(p for p in staging.rglob("*") if p.is_dir())):
            apply_default_mode(directory)
        if not target.exists():
            staging.rename(target)
            return
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                destination = target / path.relative_to(staging)
                destination.parent.mkdir(parents=True, exist_ok=True)
                path.replace(destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
