"""The published forecast of a set of series: per-chunk work (any engine) + pooled assembly.

Per chunk of series (whole regions; `forecast_chunk`, runs on the engine's workers):
the model forecast, the naive forecast, each cell's 1-year backtest verdict (origins
2018–2022, targets across a break left out) and the log ratio errors of rolling-origin
backtests from every origin of the history (interval calibration).

Pooled (`assemble`, in the calling process): cells whose model did not beat naive publish
naive (DESIGN §4); intervals come from the quantiles of the pooled errors
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
from kompetens_forecast.engines import Engine

KEYS = ["region_code", "ssyk"]


@dataclass(frozen=True)
class ChunkResult:
    modelled: pd.DataFrame
    naive: pd.DataFrame
    verdicts: pd.DataFrame
    errors: pd.DataFrame  # log ratio errors for interval calibration
    last: pd.DataFrame  # region_code, ssyk, size (last value), last_year


def calibration_errors(
    series: pd.DataFrame, horizon: int, settings: ForecastSettings
) -> pd.DataFrame:
    """Log ratio errors of rolling-origin backtests from every origin with a later actual."""
    years = [int(y) for y in series.columns]
    origins = years[1:-1]
    if not origins or settings.interval_method != "empirical":
        return log_errors(rolling_origin_empty())
    reach = max(1, min(horizon, len(years) - 2))
    return log_errors(rolling_origin(series, origins, reach, settings))


def rolling_origin_empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "actual": pd.Series(dtype="float64"),
            "yhat": pd.Series(dtype="float64"),
            "naive": pd.Series(dtype="float64"),
            "model": pd.Series(dtype="object"),
            "horizon": pd.Series(dtype="int64"),
            "origin": pd.Series(dtype="int64"),
            "year": pd.Series(dtype="int64"),
        }
    )


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
    errors = calibration_errors(series, horizon, settings)
    codes = series.index.to_frame(index=False)
    last = codes.assign(
        size=series.iloc[:, -1].to_numpy(dtype="float64"), last_year=int(series.columns[-1])
    )
    return ChunkResult(modelled, naive, verdicts, errors, last)


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
    results: Sequence[ChunkResult], horizon: int, settings: ForecastSettings
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
    out = modelled.merge(verdicts, on=KEYS, how="left")
    use_naive = (out["model"] != "naive") & out["beats_naive"].eq(False)
    naive_rows = out[[*KEYS, "year"]].merge(naive, on=[*KEYS, "year"], how="left")
    for column in ("yhat", "yhat_lo", "yhat_hi", "model"):
        out.loc[use_naive, column] = naive_rows.loc[use_naive, column].to_numpy()
    out["beats_naive"] = out["beats_naive"].astype("boolean")

    last = _concat([r.last for r in results])
    sizes = out[KEYS].merge(last, on=KEYS, how="left")
    steps = (out["year"].to_numpy() - sizes["last_year"].to_numpy()).astype("int64")
    out["horizon"] = steps
    errors = _concat([r.errors for r in results])
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
    """Forecast, backtest verdicts and intervals for every series, on `engine`."""
    engine = engine or Engine()
    chunks = region_chunks(series, engine.n_chunks())
    work = partial(forecast_chunk, horizon=horizon, settings=settings, break_years=break_years)
    return assemble(engine.map(work, chunks), horizon, settings)
