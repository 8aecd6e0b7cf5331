"""What a source hands to the ingest step: a frame in its dataset's layout and the provenance
the store records beside it. Sources only speak HTTP and parse; `jobs.ingest` takes the fetch
lock and writes the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Download:
    """One dataset as downloaded and parsed, with everything its manifest records."""

    frame: Any  # pandas.DataFrame in the dataset's layout (kept Any: no pandas import here)
    dataset: str
    source: str  # "af", "scb", "kolada", …
    title: str
    table_ids: Sequence[str]  # files, tables or endpoints the data came from
    dims: Sequence[str]
    retrieved_at: str
    urls: Sequence[str]
    calls: int  # data calls made
    cells: int  # rows or cells received
    query: dict[str, Any] = field(default_factory=dict)
    provenance: str = ""
    licence: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
