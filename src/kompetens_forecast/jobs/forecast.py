"""`forecast forecast`: forecasts for one region or every county, written to forecast.parquet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.regional import (
    analyse_region,
    forecast_counties,
    uses_kommun_data,
)
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.engines import Engine
from kompetens_forecast.errors import KFError
from kompetens_forecast.jobs.outputs import (
    staged_directory,
    write_parquet,
)
from kompetens_forecast.jobs.provenance import output_provenance
from kompetens_forecast.jobs.regions import label_columns, region_codes_for, region_levels
from kompetens_forecast.languages import check_language
from kompetens_forecast.store.datasets import DataContext, LoadedDataset


def run_forecast(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    horizon: int | None = None,
    settings: ForecastSettings | None = None,
    lang: str = "sv",
    engine: Engine | None = None,
) -> tuple[Path, pd.DataFrame]:
    """`forecast forecast`: forecasts for one region or `all` (riket and every county), the
    per-series work on `engine` (in-process by default)."""
    regions, occupations = default_registry(), default_occupations()
    check_language(lang)
    settings = settings or default_settings()
    horizon = settings.check_horizon(horizon if horizon is not None else settings.default_horizon)
    ctx = ctx or DataContext()
    codes = region_codes_for(query, regions)
    region = regions.get(codes[0])
    panel_sets: Sequence[LoadedDataset]
    if len(codes) == 1 and uses_kommun_data(region):
        analysis = analyse_region(ctx, regions, region, horizon, settings, engine)
        fc, panel_sets = analysis.forecast, analysis.panel.datasets
    else:
        fc, panel = forecast_counties(ctx, regions, codes, horizon, settings, engine)
        panel_sets = panel.datasets
    if fc.empty:
        raise KFError(f"No series to forecast for '{query}'.")
    fc = label_columns(fc, regions, occupations, lang, beside_codes=False)
    fc["ssyk_level"] = fc["ssyk"].str.len().astype("int64")
    fc["level"] = region_levels(fc, regions)
    fc["synthetic"] = any(d.manifest.synthetic for d in panel_sets)
    provenance = output_provenance(
        panel_sets,
        bool(fc["synthetic"].any()),
        {"regions": codes},
        parameters={
            "horizon": horizon,
            "interval": settings.interval,
            "phi": settings.phi,
            "window": settings.window,
            "min_points": settings.min_points,
            "interval_method": settings.interval_method,
            "size_bands": list(settings.size_bands),
            "outlook_years": settings.outlook_years,
            "share_model": settings.share_model,
            "national_path": settings.national_path.as_dict() if settings.national_path else None,
        },
    )
    with staged_directory(out_dir) as staging:
        write_parquet(fc, staging / "forecast.parquet", provenance)
    return out_dir / "forecast.parquet", fc
