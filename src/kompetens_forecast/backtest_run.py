"""`forecast backtest`: rolling-origin backtests of the county × SSYK-4 forecast.

Writes OUT/backtest.parquet (one row per region × ssyk × origin × horizon) and
OUT/backtest_summary.json (accuracy per horizon for all series, riket only, and the rows whose
forecast window crosses no series break). Method: `kompetens_forecast.analysis.backtest`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.backtest import (
    DEFAULT_ORIGINS,
    FLAT_TOLERANCE,
    adjusted_matrix,
    crosses_break,
    rescore,
    rolling_origin,
    summarise,
)
from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.intervals import cross_fitted, log_errors
from kompetens_forecast.analysis.publish import calibration_rows
from kompetens_forecast.analysis.regional import county_panel
from kompetens_forecast.analysis.share_model import is_county, share_backtest
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.engines import Engine
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
        "With the share model on (configs/forecast.toml [share_model]), county rows are the "
        "published county model: yhat = county share at the origin × riket's forecast "
        "(= share_naive, so the share-naive ratio is 1 for counties), model = share; the "
        "county's own damped trend is kept in yhat_trend (mase_mean_trend).",
        "Intervals (yhat_lo, yhat_hi, covered) are empirical and cross-fitted: a row at origin o "
        "and target year y gets the quantiles of log ratio errors from rolling-origin backtests "
        "of all backtested series at other origins and other target years, per model kind × "
        "size band × horizon; covered_normal / coverage_normal are the normal-theory intervals.",
    ]


def backtest_chunk(
    matrix: pd.DataFrame,
    codes: Sequence[str],
    origins: Sequence[int],
    horizons: int,
    settings: ForecastSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Backtest rows and interval-calibration errors for the series of `codes` (riket is in
    `matrix` for the share model and benchmark; only rows of `codes` are returned).

    With the share model on, county rows are scored as published: ŷ = the share model
    (`share_naive`), `model = share`; the county's own trend stays in `yhat_trend`."""
    rows = rolling_origin(matrix, origins, horizons, settings)
    rows = rows.assign(yhat_trend=rows["yhat"])
    if settings.share_model:
        rows = as_share_model(rows)
    rows = rows[rows["region_code"].isin(list(codes))].reset_index(drop=True)
    calibration = calibration_rows(matrix, horizons, settings)
    if settings.share_model:
        calibration = calibration.assign(share=share_backtest(calibration))
    calibration = calibration[calibration["region_code"].isin(list(codes))]
    return rows, log_errors(calibration)


def as_share_model(rows: pd.DataFrame) -> pd.DataFrame:
    """County rows with a share prediction take it as ŷ (interval scaled with the point until
    it is calibrated); errors, coverage and direction are scored again."""
    out = rows.copy()
    share = out["share_naive"].to_numpy(dtype="float64")
    use = ~np.isnan(share) & is_county(out["region_code"])
    yhat = out["yhat"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(yhat > 0, share / yhat, 1.0)
    out.loc[use, "yhat_lo"] = (out["yhat_lo"] * ratio)[use]
    out.loc[use, "yhat_hi"] = (out["yhat_hi"] * ratio)[use]
    out.loc[use, "yhat"] = share[use]
    out.loc[use, "model"] = "share"
    return rescore(out)


def _chunks(codes: Sequence[str], n: int) -> list[list[str]]:
    size = -(-len(codes) // max(1, min(n, len(codes))))
    return [list(codes[i : i + size]) for i in range(0, len(codes), size)]


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

    Series run in chunks of whole regions on `engine` (in-process by default); the intervals
    are then calibrated on the pooled errors, so every engine gives the same numbers."""
    regions = default_registry()
    codes = region_codes_for(query, regions, counties_only="Backtests")
    settings = settings or default_settings()
    settings.check_horizon(horizons)
    origins = tuple(origins) if origins is not None else DEFAULT_ORIGINS
    ctx = ctx or DataContext()
    panel = county_panel(ctx, regions)
    # riket is always kept: the share-naive benchmark needs the national series
    data = panel.data[panel.data["region_code"].isin({RIKET, *codes})]
    matrix = adjusted_matrix(data)
    engine = engine or Engine()
    keep = matrix.index.get_level_values("region_code")
    work = [matrix[keep.isin({RIKET, *chunk})] for chunk in _chunks(codes, engine.n_chunks())]
    chunk_codes = _chunks(codes, engine.n_chunks())
    results = engine.map(
        partial(_run_chunk, origins=origins, horizons=horizons, settings=settings),
        list(zip(work, chunk_codes, strict=True)),
    )
    frame = pd.concat([rows for rows, _ in results], ignore_index=True)
    if frame.empty:
        raise KFError(f"No series to backtest for '{query}'.")
    frame["covered_normal"] = frame["covered"]
    if settings.interval_method == "empirical":
        errors = pd.concat([e for _, e in results], ignore_index=True)
        frame = cross_fitted(
            frame,
            errors,
            settings.interval,
            settings.size_bands,
            settings.min_rows,
            settings.min_origins,
        )
    else:
        frame["interval_method"] = "normal"
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
        "engine": engine.name,
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


def _run_chunk(
    item: tuple[pd.DataFrame, list[str]],
    origins: Sequence[int],
    horizons: int,
    settings: ForecastSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    matrix, codes = item
    return backtest_chunk(matrix, codes, origins, horizons, settings)
