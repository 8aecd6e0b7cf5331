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
    BACKTEST_COLUMNS,
    DEFAULT_ORIGINS,
    EXTRA_COLUMNS,
    FLAT_TOLERANCE,
    adjusted_matrix,
    crosses_break,
    rescore,
    summarise,
)
from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.procedure import (
    add_base,
    candidate_rows,
    choice_frame,
    choose,
    evidence,
    nested,
    nested_summary,
)
from kompetens_forecast.analysis.publish import region_chunks
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
from kompetens_forecast.jobs.run import dataset_provenance, region_codes_for
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
        "origin × riket's reference forecast (configured φ, window).",
        f"Direction: changes of at most {FLAT_TOLERANCE} persons count as no change; naive "
        "always predicts no change, so its direction accuracy is the share of flat actuals.",
        "A cell beats naive when its mean MASE over origins is strictly below naive's.",
        "Every row is a real-time (nested) forecast of the published procedure: at each origin "
        "the candidate (φ, window; counties: the share model), the weight on it against naive "
        "per cell group × horizon, and the interval quantiles are decided with data up to the "
        "origin only (analysis/procedure.py), then scored on the years that followed. "
        "`nested` summarises these rows per horizon; `procedure` is the choice published "
        "today (decided with every year up to the last); by_horizon, riket_by_horizon, "
        "counties_by_horizon and break_free_by_horizon give the detailed figures of the same "
        "rows.",
        "covered_normal: the reference model's normal-theory interval scaled to the point.",
    ]


def backtest_rows(
    matrix: pd.DataFrame,
    origins: Sequence[int],
    horizons: int,
    settings: ForecastSettings,
    engine: Engine,
    break_years: Sequence[int] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real-time (nested) evaluation rows of the published procedure for every series of
    `matrix` (riket and all counties: the procedure is pooled, so a county scores the same
    alone or with the others), and the procedure decided at the last origin."""
    chunks = region_chunks(matrix, engine.n_chunks())
    work = partial(candidate_rows, horizon=horizons, settings=settings)
    parts = [r for r in engine.map(work, chunks) if not r.empty]
    rows = pd.concat(parts, ignore_index=True)
    rows = add_base(rows[rows["origin"] < int(matrix.columns[-1])], settings, break_years)
    evaluated = nested(rows, origins, settings)
    # the procedure published today: decided with every row up to the last data year
    last_year = int(matrix.columns[-1])
    choice = choice_frame(choose(evidence(rows, settings), last_year, settings), settings)
    if evaluated.empty:
        return evaluated, choice
    reference = evaluated["reference"].to_numpy(dtype="float64")
    yhat = evaluated["yhat"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(reference > 0, yhat / reference, 1.0)
    evaluated = evaluated.assign(
        share_naive=evaluated["share_ref"],
        normal_lo=evaluated["normal_lo"] * ratio,
        normal_hi=evaluated["normal_hi"] * ratio,
    )
    out = rescore(evaluated)
    out["covered_normal"] = (out["normal_lo"] <= out["actual"]) & (
        out["actual"] <= out["normal_hi"]
    )
    for column in ("origin", "horizon", "year"):
        out[column] = out[column].astype("int64")
    return out, choice


OUTPUT_COLUMNS = [
    *BACKTEST_COLUMNS,
    *EXTRA_COLUMNS,
    "covered_normal",
    "interval_method",
    "naive_weight",
    "phi",
    "window",
]


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
        "notes": _notes(panel.break_years),
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
