"""The published forecast of a set of series: per-chunk work (any engine) + pooled assembly.

Per chunk of series (whole regions; `forecast_chunk`, runs on the engine's workers): every
candidate model's forecasts from every origin of the history and from the last year
(`procedure.candidate_rows`).

Pooled (`assemble`, in the calling process): county cells get the share model as their base
(county share × riket's forecast; it needs riket's rows), other cells the damped trend; the
procedure — candidate φ/window and weight on naive per cell group and horizon, interval
quantiles — is decided with all data up to the last year (`analysis/procedure.py`), exactly as
the real-time (nested) evaluation decides it at each past origin. Each cell's
`backtest_mase` is the real-time 1-year-ahead MASE of that procedure (origins 2018–2022,
targets across a series break left out) beside naive's on the same rows. Rows beyond
`outlook_years` are flagged `scenario`. Chunks are recombined in series order, so the numbers
do not depend on the chunking.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.backtest import (
    DEFAULT_ORIGINS,
    SCORED,
    crosses_break,
    rolling_origin,
)
from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.procedure import (
    add_base,
    candidate_rows,
    decide,
    evidence,
    nested,
)
from kompetens_forecast.engines import Engine

KEYS = ["region_code", "ssyk"]
ROW_COLUMNS = [*SCORED, "naive", "model", "scale"]
PUBLISHED_EXTRA = [
    "backtest_mase",
    "backtest_mase_naive",
    "beats_naive",
    "backtest_mase_share",
    "backtest_error_pct",
    "naive_weight",
    "horizon",
    "interval_method",
    "scenario",
]


def calibration_rows(
    series: pd.DataFrame, horizon: int, settings: ForecastSettings
) -> pd.DataFrame:
    """Rolling-origin backtest rows of the reference model from every origin with a later
    actual (ROW_COLUMNS)."""
    years = [int(y) for y in series.columns]
    origins = years[1:-1]
    if not origins:
        return pd.DataFrame(columns=ROW_COLUMNS)
    reach = max(1, min(horizon, len(years) - 2))
    return rolling_origin(series, origins, reach, settings)[ROW_COLUMNS]


def forecast_chunk(series: pd.DataFrame, horizon: int, settings: ForecastSettings) -> pd.DataFrame:
    """Everything per series that the published forecast needs (no pooling)."""
    return candidate_rows(series, horizon, settings)


def region_chunks(series: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    """Split the series into at most n chunks of whole regions, in series order."""
    regions = list(dict.fromkeys(series.index.get_level_values("region_code")))
    if n <= 1 or len(regions) <= 1:
        return [series]
    groups = np.array_split(np.arange(len(regions)), min(n, len(regions)))
    codes = series.index.get_level_values("region_code")
    return [series[codes.isin([regions[i] for i in g])] for g in groups if len(g)]


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def cell_accuracy(
    evaluated: pd.DataFrame, break_years: Sequence[int], origins: Sequence[int] = DEFAULT_ORIGINS
) -> pd.DataFrame:
    """Per cell, from real-time evaluation rows at h = 1 (targets across a break left out):
    mean MASE of the published procedure and of naive, `beats_naive` (strictly lower), the
    share model's own MASE (counties) and the median absolute % error."""
    columns = [*KEYS, *PUBLISHED_EXTRA[:5]]
    if evaluated.empty:
        return pd.DataFrame(columns=columns)
    rows = evaluated[
        (evaluated["horizon"] == 1)
        & evaluated["origin"].isin(list(origins))
        & evaluated["scale"].notna()
    ]
    rows = rows[~crosses_break(rows, break_years)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(
            rows["actual"] > 0, (rows["yhat"] - rows["actual"]).abs() / rows["actual"] * 100, np.nan
        )
    scored = rows.assign(
        mase=(rows["actual"] - rows["yhat"]).abs() / rows["scale"],
        mase_naive=(rows["actual"] - rows["naive"]).abs() / rows["scale"],
        mase_share=np.where(
            rows["share_ok"], (rows["actual"] - rows["share_ref"]).abs() / rows["scale"], np.nan
        ),
        pct=pct,
    )
    grouped = scored.groupby(KEYS)
    cells = grouped[["mase", "mase_naive", "mase_share"]].mean()
    cells["pct"] = grouped["pct"].median()
    cells = cells.add_prefix("backtest_").rename(columns={"backtest_pct": "backtest_error_pct"})
    cells["beats_naive"] = cells["backtest_mase"] < cells["backtest_mase_naive"]
    return cells.reset_index().loc[:, columns]


def assemble(
    results: Sequence[pd.DataFrame],
    horizon: int,
    settings: ForecastSettings,
    break_years: Sequence[int] = (),
) -> pd.DataFrame:
    """The published forecast from the chunks (see the module docstring)."""
    rows = _concat(results)
    if rows.empty:
        return pd.DataFrame()
    rows = add_base(rows, settings, break_years)
    last_year = int(rows["origin"].max())
    ev = evidence(rows, settings)
    current, _ = decide(rows, ev, last_year, horizon, settings)
    if settings.interval_method == "normal":
        current["yhat_lo"] = np.minimum(current["normal_lo"], current["yhat"])
        current["yhat_hi"] = np.maximum(current["normal_hi"], current["yhat"])
        current["interval_method"] = "normal"
    past = rows[rows["origin"] < last_year]
    origins = [o for o in DEFAULT_ORIGINS if o in set(past["origin"])]
    evaluated = nested(past, origins, settings) if origins else pd.DataFrame()
    cells = cell_accuracy(evaluated, break_years)
    out = current[[*KEYS, "year", "yhat", "yhat_lo", "yhat_hi", "model"]].merge(
        cells, on=KEYS, how="left"
    )
    out["beats_naive"] = out["beats_naive"].astype("boolean")
    out["naive_weight"] = current["naive_weight"].to_numpy()
    out["horizon"] = current["horizon"].to_numpy(dtype="int64")
    out["interval_method"] = current["interval_method"].to_numpy()
    out["scenario"] = out["horizon"] > settings.outlook_years
    return out.reset_index(drop=True)


def publish(
    series: pd.DataFrame,
    horizon: int,
    settings: ForecastSettings,
    break_years: Sequence[int] = (),
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Forecast every series with the procedure decided in real time (`analysis/procedure.py`):
    per cell group and horizon the candidate and weight on naive that did best in backtests
    from earlier origins, intervals from those backtests' errors. Adds `backtest_mase`,
    `backtest_mase_naive`, `beats_naive` (the published procedure's real-time 1-year accuracy),
    `backtest_mase_share`, `backtest_error_pct`, `naive_weight`, `horizon`, `interval_method`
    and `scenario` after the contract columns. Runs the per-series work on `engine`."""
    engine = engine or Engine()
    chunks = region_chunks(series, engine.n_chunks())
    work = partial(forecast_chunk, horizon=horizon, settings=settings)
    return assemble(engine.map(work, chunks), horizon, settings, break_years)
