"""`forecast outlook`: outlook class per riket/county × SSYK-4 → DIR/outlook.parquet.

Combines the shortage status of `forecast shortage` (every cell scored together) with the
published, reconciled employment forecast and replacement demand: from `employment_age_ssyk3`
(the region's own SSYK-3 age structure) when fetched, else riket's SSYK-4 five-year exit rate
from `employment_age_ssyk4` (in the demo) applied to the cell's employees.
Method: `kompetens_forecast.analysis.outlook`, `configs/outlook.toml`.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.analysis.forecast import default_settings
from kompetens_forecast.analysis.outlook import load_outlook_settings, outlook_classes
from kompetens_forecast.analysis.regional import forecast_counties, indicators_for
from kompetens_forecast.analysis.replacement import AGE_DATASET
from kompetens_forecast.analysis.shortage import load_settings
from kompetens_forecast.analysis.shortage_signals import AGE4_DATASET
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.jobs.outputs import staged_directory, write_parquet
from kompetens_forecast.jobs.provenance import output_provenance
from kompetens_forecast.jobs.regions import region_codes_for
from kompetens_forecast.jobs.shortage import score_all
from kompetens_forecast.store.datasets import DataContext

PARQUET = "outlook.parquet"


def run_outlook(
    query: str, out_dir: Path, *, ctx: DataContext | None = None
) -> tuple[Path, pd.DataFrame, dict[str, Any]]:
    """Outlook classes for riket, a county or `all` (riket and the 21 counties)."""
    registry = default_registry()
    codes = region_codes_for(query, registry, counties_only="Outlooks")
    ctx = ctx if ctx is not None else DataContext()
    settings = load_outlook_settings()
    # the same settings as `forecast shortage`: whether the model may give a status at all
    # depends on its repeated cross-validation
    result, datasets = score_all(ctx, load_settings())
    forecast_settings = default_settings()
    horizon = forecast_settings.check_horizon(settings.years)
    forecast, panel = forecast_counties(ctx, registry, codes, horizon, forecast_settings)
    exits = None
    replacement_source = None
    if ctx.has(AGE_DATASET):
        indicators, _ = indicators_for(ctx, registry, region_codes_for("all", registry))
        if "exits_5y" in indicators:
            exits = indicators[["region_code", "ssyk", "exits_5y"]]
            replacement_source = f"{AGE_DATASET}: the region's own SSYK-3 age structure"
    cells = result.cells[result.cells["region_code"].isin(codes)]
    if (
        exits is None
        and "raw_replacement_5y" in cells
        and cells["raw_replacement_5y"].notna().any()
    ):
        # riket's SSYK-4 cohort exit rate (employment_age_ssyk4) applied to each cell's employees
        exits = cells[["region_code", "ssyk"]].assign(
            exits_5y=cells["n_employed"] * cells["raw_replacement_5y"] / 100.0
        )
        replacement_source = f"{AGE4_DATASET}: riket's SSYK-4 five-year exit rate × employees"
    frame = outlook_classes(forecast, cells, settings, exits)
    frame["synthetic"] = panel.synthetic
    used = {d.manifest.dataset: d for d in [*datasets, *panel.datasets]}
    provenance = output_provenance(
        list(used.values()),
        panel.synthetic,
        {"regions": codes},
        parameters={
            **asdict(settings),
            "median_rate_riket": float(frame["median_rate_riket"].iloc[0]) if len(frame) else None,
            "replacement_included": exits is not None,
            "replacement_source": replacement_source,
        },
    )
    with staged_directory(out_dir) as staging:
        write_parquet(frame, staging / PARQUET, provenance)
    return out_dir / PARQUET, frame, provenance
