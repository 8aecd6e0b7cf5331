"""Speed and accuracy of the vectorised damped-trend forecast against statsmodels, same run.

Baseline: statsmodels' ExponentialSmoothing (additive damped trend on log values), fitted per
series — the usual way analysts do this. Both forecast the same break-adjusted county × SSYK-4
series of the demo data from origin 2020 (training 2014–2020) and are scored on 2021–2023
(h = 1..3) by MASE (scaled by the in-sample one-step naive error) and against naive.

    python benchmarks/forecast_speed.py [--sample 300]

Prints seconds per series for both, the speed ratio, and the mean MASE of both and of naive.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from kompetens_forecast.analysis.forecast import default_settings, forecast_series
from kompetens_forecast.analysis.panel import wide
from kompetens_forecast.analysis.regional import county_panel
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.store.datasets import DataContext

ORIGIN, HORIZON = 2020, 3


def series_matrix() -> pd.DataFrame:
    panel = county_panel(DataContext(), default_registry())
    data = panel.data.drop(columns="value").rename(columns={"value_adj": "value"})
    matrix = wide(data)
    return matrix[(matrix > 0).all(axis=1)]  # series both methods can fit on logs


def mase(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray) -> np.ndarray:
    scale = np.mean(np.abs(np.diff(train, axis=1)), axis=1)
    return np.mean(np.abs(actual - predicted), axis=1) / np.where(scale > 0, scale, np.nan)


def statsmodels_forecast(train: np.ndarray) -> np.ndarray:
    out = np.empty((train.shape[0], HORIZON))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, row in enumerate(train):
            fit = ExponentialSmoothing(np.log(row), trend="add", damped_trend=True).fit()
            out[i] = np.exp(fit.forecast(HORIZON))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300, help="series for the slow baseline")
    args = parser.parse_args()

    matrix = series_matrix()
    years = [int(y) for y in matrix.columns]
    cut = years.index(ORIGIN) + 1
    train_frame = matrix.iloc[:, :cut]
    train, actual = train_frame.to_numpy(), matrix.iloc[:, cut : cut + HORIZON].to_numpy()

    start = time.perf_counter()
    ours = forecast_series(train_frame, HORIZON, default_settings())
    ours_seconds = time.perf_counter() - start
    ours_matrix = ours["yhat"].to_numpy().reshape(len(train_frame), HORIZON)

    rng = np.random.default_rng(20)
    sample = rng.choice(len(train), size=min(args.sample, len(train)), replace=False)
    start = time.perf_counter()
    base_matrix = statsmodels_forecast(train[sample])
    base_seconds = time.perf_counter() - start

    naive = np.repeat(train[:, -1:], HORIZON, axis=1)
    per_ours = ours_seconds / len(train)
    per_base = base_seconds / len(sample)
    print(f"series: {len(train)} county × SSYK-4 (+ riket), origin {ORIGIN}, h = 1..{HORIZON}")
    print(
        f"ours (vectorised):        {per_ours * 1e6:10.1f} µs/series, {ours_seconds:.3f} s in all"
    )
    print(f"statsmodels ETS (damped): {per_base * 1e6:10.1f} µs/series, {len(sample)} sampled")
    print(f"speed ratio baseline/ours: {per_base / per_ours:,.0f}×")
    print("mean MASE on the sampled series (lower is better):")
    print(
        f"  ours        {np.nanmean(mase(actual[sample], ours_matrix[sample], train[sample])):.3f}"
    )
    print(f"  statsmodels {np.nanmean(mase(actual[sample], base_matrix, train[sample])):.3f}")
    print(f"  naive       {np.nanmean(mase(actual[sample], naive[sample], train[sample])):.3f}")
    print(
        f"mean MASE on all series: ours {np.nanmean(mase(actual, ours_matrix, train)):.3f}, "
        f"naive {np.nanmean(mase(actual, naive, train)):.3f}"
    )


if __name__ == "__main__":
    main()
