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
    rolling_origin,
    summarise,
)
from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.regional import county_panel
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import KFError
from kompetens_forecast.outputs import (
    provenance_header,
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.pipeline import dataset_provenance, region_codes_for
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext


def _notes(break_years: Sequence[int]) -> list[str]:
    years = ", ".join(str(y) for y in break_years) or "none"
    return [
        "History and actuals are break-adjusted values (value_adj): values before a series "
        f"break (registered breaks: {years}) are scaled by the occupation's national break "
        "factor, so forecasts and targets are on the newest definition (2023: ages 16–69).",
        "Break factors are estimated once on the full national history, so rows whose window "
        "crosses a break use a factor from after the origin; for riket the adjusted change "
        "across a break equals the occupation's prior mean growth by construction, which "
        "flatters trend models. `break_free_by_horizon` shows rows crossing no break.",
        "MASE is scaled by the mean absolute one-step change over the training window "
        "(years ≤ origin); rows with a zero or undefined scale have no MASE.",
        "share_naive (counties only) = the county's share of the national occupation at the "
        "origin × the national forecast of that occupation; with the national naive it would "
        "equal the county naive.",
        f"Direction: changes of at most {FLAT_TOLERANCE} persons count as no change; naive "
        "always predicts no change, so its direction accuracy is the share of flat actuals.",
        "A cell beats naive when its mean MASE over origins is strictly below naive's.",
    ]


def run_backtest(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    origins: Sequence[int] | None = None,
    horizons: int = 3,
    settings: ForecastSettings | None = None,
) -> tuple[Path, pd.DataFrame, dict[str, Any]]:
    """Backtest riket/a county or `all` (riket and the 21 counties) → OUT/backtest.parquet."""
    regions = default_registry()
    codes = region_codes_for(query, regions, counties_only="Backtests")
    settings = settings or default_settings()
    settings.check_horizon(horizons)
    origins = tuple(origins) if origins is not None else DEFAULT_ORIGINS
    ctx = ctx or DataContext()
    panel = county_panel(ctx, regions)
    # riket is always kept: the share-naive benchmark needs the national series
    data = panel.data[panel.data["region_code"].isin({RIKET, *codes})]
    frame = rolling_origin(adjusted_matrix(data), origins, horizons, settings)
    frame = frame[frame["region_code"].isin(codes)].reset_index(drop=True)
    if frame.empty:
        raise KFError(f"No series to backtest for '{query}'.")
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
        "values": "value_adj (break-adjusted)",
    }
    summary: dict[str, Any] = {
        **provenance_header(),
        "regions": codes,
        "break_years": list(panel.break_years),
        "parameters": parameters,
        "notes": _notes(panel.break_years),
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
