"""Provenance shared by the commands: what each output records about the datasets it used."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kompetens_forecast.store.datasets import LoadedDataset


def dataset_provenance(datasets: Sequence[LoadedDataset]) -> list[dict[str, Any]]:
    return [
        {
            "dataset": d.manifest.dataset,
            "source": d.manifest.source,
            "title": d.manifest.title,
            "table_ids": d.manifest.table_ids,
            "vintage": d.manifest.vintage,
            "retrieved_at": d.manifest.retrieved_at,
            "source_updated": d.manifest.source_updated,
            "origin": d.origin,
            "synthetic": d.manifest.synthetic,
            "checksum": d.manifest.checksum,
            "licence": d.manifest.licence,
        }
        for d in datasets
    ]
