"""Speed, accuracy and memory of our forecast + backtest against statsforecast's AutoETS, same run.

Series: every county × SSYK-4 and riket × SSYK-4 series of the demo data (break-adjusted),
restricted to those with positive values throughout (so that both methods can fit them).

- ours: the published forecast (`analysis.publish.publish`: the procedure of
  `analysis/procedure.py` — damped trend / share model weighted against naive, chosen in real
  time —, empirical intervals; h = 1..5 from 2023) on the chosen engine, plus its real-time
  (nested) backtest (origins 2018–2022, h = 1..3);
- baseline: statsforecast `AutoETS(season_length=1)` (model chosen by AICc per series) fitted
  for the same forecast and for every backtest origin, `n_jobs` = the same worker count; series
  too short for ETS (≤ 6 points: origin 2018) fall back to statsforecast's Naive.

Accuracy: mean MASE over the backtest rows (scale = mean absolute one-step change of the
training window), ours, AutoETS and naive; and the ratio of summed absolute errors to naive.
Peak RSS: the maximum resident set size of this process and its children (getrusage).

    pip install -e ".[bench]"
    python benchmarks/forecast_speed.py [--workers 2] [--engine inline|local|dask]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings

import pandas as pd

from kompetens_forecast.analysis.backtest import DEFAULT_ORIGINS, adjusted_matrix
from kompetens_forecast.analysis.forecast import default_settings
from kompetens_forecast.analysis.nested_backtest import backtest_rows
from kompetens_forecast.analysis.publish import publish
from kompetens_forecast.analysis.regional import county_panel
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.engines import Engine
from kompetens_forecast.store.datasets import DataContext

HORIZON, BACKTEST_H = 5, 3


def series_matrix() -> tuple[pd.DataFrame, tuple[int, ...]]:
    panel = county_panel(DataContext(), default_registry())
    matrix = adjusted_matrix(panel.data)
    return matrix[(matrix > 0).all(axis=1)], tuple(panel.break_years)


def long_frame(matrix: pd.DataFrame) -> pd.DataFrame:
    """statsforecast's layout: unique_id, ds (integer year), y."""
    ids = [f"{r}_{s}" for r, s in matrix.index]
    frame = pd.DataFrame(matrix.to_numpy(), index=ids, columns=matrix.columns)
    out = frame.stack().reset_index()
    out.columns = ["unique_id", "ds", "y"]
    out["ds"] = out["ds"].astype("int64")
    return out


def autoets(matrix: pd.DataFrame, workers: int) -> tuple[pd.DataFrame, float]:
    """AutoETS forecast (h = 5 from the last year) and backtest (origins, h = 1..3)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive

    data = long_frame(matrix)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = StatsForecast(
            models=[AutoETS(season_length=1)], freq=1, n_jobs=workers, fallback_model=Naive()
        )
        sf.forecast(df=data, h=HORIZON)
        parts = []
        for origin in DEFAULT_ORIGINS:
            fc = sf.forecast(df=data[data["ds"] <= origin], h=BACKTEST_H)
            parts.append(fc.assign(origin=origin))
    seconds = time.perf_counter() - start
    rows = pd.concat(parts, ignore_index=True)
    split = rows["unique_id"].str.split("_", expand=True)
    rows = rows.assign(region_code=split[0], ssyk=split[1], year=rows["ds"].astype("int64"))
    return rows[["region_code", "ssyk", "origin", "year", "AutoETS"]], seconds


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--engine", default="local", choices=["inline", "local", "dask"])
    args = parser.parse_args()

    matrix, breaks = series_matrix()
    settings = default_settings()
    engine = Engine(args.engine, workers=args.workers)

    start = time.perf_counter()
    published = publish(matrix, HORIZON, settings, breaks, engine=engine)
    # the published procedure, re-decided at each origin with data before it (nested)
    backtest, _ = backtest_rows(matrix, DEFAULT_ORIGINS, BACKTEST_H, settings, engine, breaks)
    ours_seconds = time.perf_counter() - start
    ours_rss = peak_rss_mb()

    ets_rows, ets_seconds = autoets(matrix, args.workers)
    rows = backtest.merge(ets_rows, on=["region_code", "ssyk", "origin", "year"], how="inner")
    scaled = rows[rows["scale"].notna()]

    def mase(column: str) -> float:
        return float(((scaled["actual"] - scaled[column]).abs() / scaled["scale"]).mean())

    def ratio(column: str) -> float:
        return float(
            (rows["actual"] - rows[column]).abs().sum()
            / (rows["actual"] - rows["naive"]).abs().sum()
        )

    print(
        f"series: {len(matrix)} riket/county × SSYK-4 (positive throughout), forecast "
        f"h = 1..{HORIZON}, backtest origins {DEFAULT_ORIGINS[0]}–{DEFAULT_ORIGINS[-1]} "
        f"h = 1..{BACKTEST_H}, {args.workers} workers ({args.engine} engine for ours)"
    )
    print(f"ours (forecast + backtest):      {ours_seconds:8.2f} s  ({len(published)} rows)")
    print(f"statsforecast AutoETS (same):    {ets_seconds:8.2f} s")
    print(f"time ratio AutoETS / ours:       {ets_seconds / ours_seconds:8.1f}×")
    print(f"mean MASE over {len(scaled)} backtest rows (lower is better):")
    print(f"  ours {mase('yhat'):.3f}   AutoETS {mase('AutoETS'):.3f}   naive {mase('naive'):.3f}")
    print(f"abs-error ratio vs naive: ours {ratio('yhat'):.3f}   AutoETS {ratio('AutoETS'):.3f}")
    print(f"peak RSS: {ours_rss:.0f} MB after ours, {peak_rss_mb():.0f} MB at the end")


if __name__ == "__main__":
    main()
