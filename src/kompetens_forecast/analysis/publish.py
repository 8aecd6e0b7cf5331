"""The published forecast of a set of series: per-chunk work (any engine) + pooled assembly.

Per chunk of series (whole regions; `forecast_chunk`, runs on the engine's workers):
the model forecast, the naive forecast, each cell's 1-year backtest verdict (origins
2018–2022, targets across a break left out) and the log ratio errors of rolling-origin
backtests from every origin of the history (interval calibration).

Pooled (`assemble`, in the calling process): county cells are offered the share model
(county share × riket's forecast, `analysis/share_model.py`; it needs riket's rows, so it is
pooled), other cells the damped trend; cells whose model did not beat naive publish naive
(DESIGN §4); intervals come from the quantiles of the pooled errors
(`analysis/intervals.py`); rows beyond `outlook_years` are flagged `scenario`.
Chunks are recombined in series order, so the numbers do not depend on the chunking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.backtest import cell_verdicts, rolling_origin
from kompetens_forecast.analysis.forecast import ForecastSettings, forecast_series
from kompetens_forecast.analysis.intervals import apply_table, log_errors, quantile_table
from kompetens_forecast.analysis.share_model import (
    share_backtest,
    share_forecast,
    share_verdicts,
)
from kompetens_forecast.engines import Engine

KEYS = ["region_code", "ssyk"]


@dataclass(frozen=True)
class ChunkResult:
    modelled: pd.DataFrame
    naive: pd.DataFrame
    verdicts: pd.DataFrame
    rows: pd.DataFrame  # rolling-origin backtest rows from every origin (calibration, share)
    last: pd.DataFrame  # region_code, ssyk, size (last value), last_year


ROW_COLUMNS = [
    "region_code",
    "ssyk",
    "origin",
    "horizon",
    "year",
    "actual",
    "yhat",
    "naive",
    "model",
    "scale",
]


def calibration_rows(
    series: pd.DataFrame, horizon: int, settings: ForecastSettings
) -> pd.DataFrame:
    """Rolling-origin backtest rows from every origin with a later actual (ROW_COLUMNS)."""
    years = [int(y) for y in series.columns]
    origins = years[1:-1]
    if not origins:
        return pd.DataFrame(columns=ROW_COLUMNS)
    reach = max(1, min(horizon, len(years) - 2))
    return rolling_origin(series, origins, reach, settings)[ROW_COLUMNS]


def forecast_chunk(
    series: pd.DataFrame,
    horizon: int,
    settings: ForecastSettings,
    break_years: Sequence[int] = (),
) -> ChunkResult:
    """Everything per series that the published forecast needs (no pooling)."""
    modelled = forecast_series(series, horizon, settings)
    naive = forecast_series(series, horizon, replace(settings, min_points=10**9))
    verdicts = cell_verdicts(series, settings, break_years=break_years)
    rows = calibration_rows(series, horizon, settings)
    codes = series.index.to_frame(index=False)
    last = codes.assign(
        size=series.iloc[:, -1].to_numpy(dtype="float64"), last_year=int(series.columns[-1])
    )
    return ChunkResult(modelled, naive, verdicts, rows, last)


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


def assemble(
    results: Sequence[ChunkResult],
    horizon: int,
    settings: ForecastSettings,
    break_years: Sequence[int] = (),
) -> pd.DataFrame:
    """The published forecast from the chunks (see the module docstring)."""
    modelled = _concat([r.modelled for r in results])
    naive = _concat([r.naive for r in results])
    verdicts = _concat([r.verdicts for r in results])
    if modelled.empty:
        return modelled
    if verdicts.empty:
        verdicts = pd.DataFrame(
            columns=[*KEYS, "backtest_mase", "backtest_mase_naive", "beats_naive"]
        )
    last = _concat([r.last for r in results])
    rows = _concat([r.rows for r in results])
    out = modelled.merge(verdicts, on=KEYS, how="left")
    out["beats_naive"] = out["beats_naive"].astype("boolean")

    share = np.full(len(out), np.nan)
    if settings.share_model and not rows.empty:
        rows = rows.assign(share=share_backtest(rows))
        share = share_forecast(modelled, last)
        share_cells = share_verdicts(rows, break_years)
        out = out.merge(share_cells, on=KEYS, how="left")
    else:
        out = out.assign(
            backtest_mase_share=np.nan, share_beats_naive=pd.array([pd.NA] * len(out), "boolean")
        )
    share_verdict = out["share_beats_naive"].astype("boolean")
    use_share = ~np.isnan(share) & share_verdict.eq(True).fillna(False).to_numpy(dtype=bool)
    share_lost = ~np.isnan(share) & share_verdict.eq(False).fillna(False).to_numpy(dtype=bool)
    trend_lost = (out["model"] != "naive") & out["beats_naive"].eq(False).fillna(False)
    use_naive = np.where(np.isnan(share), trend_lost.to_numpy(dtype=bool), share_lost)

    yhat = out["yhat"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(yhat > 0, share / yhat, np.nan)  # share interval until calibrated
    out.loc[use_share, "yhat_lo"] = (out["yhat_lo"] * ratio)[use_share]
    out.loc[use_share, "yhat_hi"] = (out["yhat_hi"] * ratio)[use_share]
    out.loc[use_share, "yhat"] = share[use_share]
    out.loc[use_share, "model"] = "share"
    naive_rows = out[[*KEYS, "year"]].merge(naive, on=[*KEYS, "year"], how="left")
    for column in ("yhat", "yhat_lo", "yhat_hi", "model"):
        out.loc[use_naive, column] = naive_rows.loc[use_naive, column].to_numpy()
    # the verdict of the model a county cell was offered (share), elsewhere the trend's
    offered = ~np.isnan(share)
    out["beats_naive"] = out["beats_naive"].mask(offered, out["share_beats_naive"])
    out["beats_naive"] = out["beats_naive"].astype("boolean")
    out = out.drop(columns="share_beats_naive")

    sizes = out[KEYS].merge(last, on=KEYS, how="left")
    steps = (out["year"].to_numpy() - sizes["last_year"].to_numpy()).astype("int64")
    out["horizon"] = steps
    errors = log_errors(rows) if not rows.empty else pd.DataFrame()
    if settings.interval_method == "empirical" and not errors.empty:
        table = quantile_table(
            errors,
            settings.interval,
            settings.size_bands,
            horizon,
            settings.min_rows,
            settings.min_origins,
        )
        out = apply_table(out, sizes["size"].to_numpy(), steps, table, settings.size_bands)
    else:
        out["interval_method"] = "normal"
    out["scenario"] = steps > settings.outlook_years
    return out


def publish(
    series: pd.DataFrame,
    horizon: int,
    settings: ForecastSettings,
    break_years: Sequence[int] = (),
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Forecast every series, but publish naive where the model did not beat naive in the
    rolling-origin backtest (1 year ahead, origins 2018–2022, targets across a series break left
    out): DESIGN §4's publication rule. Intervals are empirical (`analysis/intervals.py`).
    Adds `backtest_mase`, `backtest_mase_naive`, `beats_naive`, `horizon`, `interval_method`
    and `scenario` after the contract columns. Runs the per-series work on `engine`."""
    engine = engine or Engine()
    chunks = region_chunks(series, engine.n_chunks())
    work = partial(forecast_chunk, horizon=horizon, settings=settings, break_years=break_years)
    return assemble(engine.map(work, chunks), horizon, settings, break_years)
