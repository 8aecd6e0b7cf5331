"""`forecast backtest`: rolling-origin backtests of the county × SSYK-4 forecast.

Writes OUT/backtest.parquet (one row per region × ssyk × origin × horizon) and
OUT/backtest_summary.json (accuracy per horizon for all series, riket only, and the rows whose
forecast window crosses no series break). Method: `kompetens_forecast.analysis.backtest`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.analysis.backtest import (
    DEFAULT_ORIGINS,
    FLAT_TOLERANCE,
    adjusted_matrix,
    crosses_break,
    summarise,
)
from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.nested_backtest import (
    OUTPUT_COLUMNS,
    backtest_notes,
    backtest_rows,
)
from kompetens_forecast.analysis.procedure import (
    nested_summary,
)
from kompetens_forecast.analysis.regional import county_panel
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.engines import Engine
from kompetens_forecast.errors import KFError
from kompetens_forecast.jobs.outputs import (
    provenance_header,
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.jobs.provenance import dataset_provenance
from kompetens_forecast.jobs.regions import region_codes_for
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext


def run_backtest(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    origins: Sequence[int] | None = None,
    horizons: int = 3,
    settings: ForecastSettings | None = None,
    engine: Engine | None = None,
) -> tuple[Path, pd.DataFrame, dict[str, Any]]:
    """Backtest riket/a county or `all` (riket and the 21 counties) → OUT/backtest.parquet.

    Series run in chunks of whole regions on `engine` (in-process by default); the procedure is
    then decided on the pooled rows, so every engine gives the same numbers."""
    regions = default_registry()
    codes = region_codes_for(query, regions, counties_only="Backtests")
    settings = settings or default_settings()
    settings.check_horizon(horizons)
    origins = tuple(origins) if origins is not None else DEFAULT_ORIGINS
    ctx = ctx or DataContext()
    panel = county_panel(ctx, regions)
    # riket and every county: the procedure is decided on all of them, as when published
    matrix = adjusted_matrix(panel.data)
    engine = engine or Engine()
    evaluated, choice = backtest_rows(
        matrix, origins, horizons, settings, engine, panel.break_years
    )
    frame = evaluated[evaluated["region_code"].isin(list(codes))] if len(evaluated) else evaluated
    if frame.empty:
        raise KFError(f"No series to backtest for '{query}'.")
    frame = frame[OUTPUT_COLUMNS].reset_index(drop=True)
    frame["synthetic"] = panel.synthetic
    break_free = frame[~crosses_break(frame, panel.break_years)]
    parameters = {
        "origins": sorted(set(origins)),
        "horizons": horizons,
        "interval": settings.interval,
        "phi": settings.phi,
        "window": settings.window,
        "min_points": settings.min_points,
        "flat_tolerance": FLAT_TOLERANCE,
        "interval_method": settings.interval_method,
        "size_bands": list(settings.size_bands),
        "procedure": {
            "phi": list(settings.phi_grid),
            "window": list(settings.window_grid),
            "weights": list(settings.weights),
            "selection_bands": list(settings.selection_bands),
            "calibration_origins": settings.calibration_origins,
        },
        "engine": engine.name,
        "values": "value_adj (break-adjusted)",
    }
    summary: dict[str, Any] = {
        **provenance_header(),
        "regions": codes,
        "break_years": list(panel.break_years),
        "parameters": parameters,
        "notes": backtest_notes(panel.break_years),
        "nested": nested_summary(frame),
        "nested_break_free": nested_summary(break_free),
        "procedure": choice.to_dict(orient="records"),
        "by_horizon": summarise(frame),
        "riket_by_horizon": summarise(frame[frame["region_code"] == RIKET]),
        "counties_by_horizon": summarise(frame[frame["region_code"] != RIKET]),
        "break_free_by_horizon": summarise(break_free),
        "datasets": dataset_provenance(panel.datasets),
        "synthetic": panel.synthetic,
    }
    provenance = {k: summary[k] for k in ("tool", "tool_version", "created_at", "regions")}
    provenance |= {
        "datasets": summary["datasets"],
        "synthetic": panel.synthetic,
        "parameters": parameters,
        "break_years": summary["break_years"],
    }
    with staged_directory(out_dir) as staging:
        write_parquet(frame, staging / "backtest.parquet", provenance)
        write_json(staging / "backtest_summary.json", summary)
    return out_dir / "backtest.parquet", frame, summary
