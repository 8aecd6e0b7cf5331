"""`forecast data export`: a dataset in the canonical layout as Parquet or CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from kompetens_forecast.errors import UsageError
from kompetens_forecast.jobs.outputs import write_parquet
from kompetens_forecast.jobs.provenance import dataset_provenance
from kompetens_forecast.store.atomic import write_atomic
from kompetens_forecast.store.datasets import DataContext

FORMATS = (".parquet", ".csv")


def export_dataset(ctx: DataContext, dataset: str, out: Path) -> Path:
    """Write the dataset in use (fetched before demo) to `out` (.parquet or .csv), atomically.

    CSV is plain (comma, decimal point, UTF-8) for programs; codes stay text, and a missing
    value is an empty cell with its marker in the `symbol` column.
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"Unknown export format '{out.suffix or out.name}'.", "Use .parquet or .csv."
        )
    loaded = ctx.load(dataset)
    if suffix == ".parquet":
        return write_parquet(loaded.frame, out, {"datasets": dataset_provenance([loaded])})
    return write_atomic(
        out,
        lambda tmp: loaded.frame.to_csv(tmp, index=False, quoting=csv.QUOTE_NONNUMERIC),
    )
