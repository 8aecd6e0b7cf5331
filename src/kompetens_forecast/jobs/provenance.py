"""Provenance shared by the commands: what each output records about the datasets it used."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kompetens_forecast.jobs.outputs import provenance_header
from kompetens_forecast.store.datasets import LoadedDataset


def output_provenance(
    datasets: Sequence[LoadedDataset],
    synthetic: bool,
    lead: Mapping[str, Any] | None = None,
    **more: Any,
) -> dict[str, Any]:
    """The provenance an output carries (Parquet metadata, JSON reports): the tool, its
    version and the time (`provenance_header`), then `lead` (what was asked: regions, config),
    the datasets used, whether the output shows synthetic numbers, and `more` (parameters, …)."""
    return {
        **provenance_header(),
        **(lead or {}),
        "datasets": dataset_provenance(datasets),
        "synthetic": synthetic,
        **more,
    }


def dataset_provenance(datasets: Sequence[LoadedDataset]) -> list[dict[str, Any]]:
    """Per dataset used: where it came from (source, tables, vintage, retrieval and upstream
    update times, demo or fetched), whether it is synthetic, its checksum and licence."""
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
