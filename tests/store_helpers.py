"""Put a SYNTHETIC dataset (numbers made by a test) into a data directory's store."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetens_forecast.store.datasets import DataContext


def store_synthetic(
    ctx: DataContext, frame: pd.DataFrame, dataset: str, dims: Sequence[str]
) -> None:
    ctx.user_store.write(
        frame,
        dataset=dataset,
        source="synthetic",
        title=f"SYNTHETIC {dataset} (test)",
        table_ids=["synthetic"],
        dims=tuple(dims),
        synthetic=True,
    )
