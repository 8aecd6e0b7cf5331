"""Empirical intervals from backtest errors: quantiles, widening, application, cross-fitting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.intervals import (
    apply_table,
    cross_fitted,
    log_errors,
    quantile_table,
    size_band,
)
from kompetens_forecast.analysis.publish import publish

EDGES = (100.0,)


def errors_frame(kind: str, size: float, horizon: int, values: np.ndarray) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "kind": kind,
            "size": size,
            "horizon": horizon,
            "origin": np.arange(n) % 4 + 2015,
            "year": np.arange(n) % 4 + 2015 + horizon,
            "error": values,
        }
    )


def test_size_bands_cut_at_the_edges() -> None:
    bands = size_band(np.array([0, 9.9, 10, 49, 50, 1e6, np.nan]), (10, 50))
    assert bands.tolist() == [0, 0, 1, 1, 2, 2, 0]


def test_quantiles_per_band_and_horizon_and_sqrt_widening() -> None:
    grid = np.linspace(-1, 1, 1001)  # 10 % and 90 % quantiles are −0.8 and 0.8
    errors = pd.concat(
        [
            errors_frame("model", 500, 1, grid * 0.1),
            errors_frame("model", 500, 2, grid * 0.2),
            errors_frame("model", 5, 1, grid),
            errors_frame("model", 5, 2, grid[:50]),  # too few rows: widened from h = 1
        ]
    )
    table = quantile_table(errors, 0.8, EDGES, 4, min_rows=200, min_origins=2)
    t = table.set_index(["kind", "band", "horizon"])
    assert t.loc[("model", 1, 1), "q_hi"] == pytest.approx(0.08)
    assert t.loc[("model", 1, 2), "q_lo"] == pytest.approx(-0.16)
    # h = 3, 4 have no errors: the h = 2 quantiles widened by sqrt(h / 2)
    assert t.loc[("model", 1, 4), "q_hi"] == pytest.approx(0.16 * np.sqrt(2))
    assert t.loc[("model", 1, 4), "source_horizon"] == 2
    assert t.loc[("model", 0, 2), "q_hi"] == pytest.approx(0.8 * np.sqrt(2))
    assert ("naive", 0, 1) not in t.index  # no naive errors at all: no row


def test_a_single_origin_is_not_enough() -> None:
    errors = errors_frame("naive", 500, 1, np.linspace(-1, 1, 400)).assign(origin=2019)
    assert quantile_table(errors, 0.8, EDGES, 2, 200, 2).empty


def test_apply_table_uses_the_row_kind_and_keeps_the_point_inside() -> None:
    table = pd.DataFrame(
        {
            "kind": ["model", "naive"],
            "band": [1, 1],
            "horizon": [1, 1],
            "q_lo": [-0.1, 0.05],  # naive quantiles lie above the point (a biased band)
            "q_hi": [0.2, 0.3],
            "n": [300, 300],
            "source_horizon": [1, 1],
        }
    )
    frame = pd.DataFrame(
        {
            "yhat": [999.0, 999.0, 999.0],
            "yhat_lo": [1.0, 1.0, 1.0],
            "yhat_hi": [2.0, 2.0, 2.0],
            "model": ["damped_trend", "naive", "naive"],
        }
    )
    out = apply_table(frame, np.array([500, 500, 50]), np.array([1, 1, 1]), table, EDGES)
    assert out["yhat_lo"].iloc[0] == pytest.approx(1000 * np.exp(-0.1) - 1)
    assert out["yhat_hi"].iloc[0] == pytest.approx(1000 * np.exp(0.2) - 1)
    assert out["yhat_lo"].iloc[1] == 999.0  # clipped to the point
    # band 0 has no quantiles: the normal-theory interval stays
    assert out["interval_method"].tolist() == ["empirical", "empirical", "normal"]
    assert out["yhat_lo"].iloc[2] == 1.0


def random_walks(n: int, years: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0, 0.05, size=(n, years))
    values = 1000 * np.exp(np.cumsum(steps, axis=1))
    index = pd.MultiIndex.from_tuples(
        [(f"{i % 20 + 1:02d}", f"{i:04d}") for i in range(n)], names=["region_code", "ssyk"]
    )
    return pd.DataFrame(values, index=index, columns=list(range(2010, 2010 + years)))


def test_cross_fitted_coverage_of_random_walks_is_near_nominal() -> None:
    from kompetens_forecast.analysis.backtest import rolling_origin

    matrix = random_walks(800, 12, seed=3)
    settings = ForecastSettings(phi=0.4, window=5, min_points=6, interval=0.8)
    rows = rolling_origin(matrix, [2017, 2018, 2019, 2020], 2, settings)
    calibration = rolling_origin(matrix, list(range(2011, 2021)), 2, settings)
    out = cross_fitted(rows, log_errors(calibration), 0.8, (500.0,), 200, 2)
    assert (out["interval_method"] == "empirical").all()
    assert 0.75 <= out["covered"].mean() <= 0.85
    assert out.index.equals(rows.index)


def test_cross_fitting_holds_out_the_rows_own_origin_and_year() -> None:
    # calibration errors exist only at the evaluated row's own origin: nothing is left to
    # calibrate on, so the row keeps its normal-theory interval
    rows = pd.DataFrame(
        {
            "origin": [2019],
            "year": [2020],
            "horizon": [1],
            "actual": [520.0],
            "yhat": [500.0],
            "yhat_lo": [490.0],
            "yhat_hi": [510.0],
            "naive": [500.0],
            "model": ["damped_trend"],
        }
    )
    own = errors_frame("model", 500, 1, np.linspace(-1, 1, 400)).assign(origin=2019)
    out = cross_fitted(rows, own, 0.8, EDGES, 10, 1)
    assert out["interval_method"].tolist() == ["normal"] and not out["covered"].iloc[0]
    other = own.assign(origin=np.arange(400) % 2 + 2016, year=2018)
    out = cross_fitted(rows, other, 0.8, EDGES, 10, 1)
    assert out["interval_method"].tolist() == ["empirical"] and out["covered"].iloc[0]


def test_published_intervals_widen_past_the_calibrated_horizons_and_flag_scenarios() -> None:
    matrix = random_walks(400, 10, seed=5)
    settings = ForecastSettings(phi=0.4, window=5, min_points=6, interval=0.8, outlook_years=5)
    fc = publish(matrix, 12, settings)
    assert (fc["interval_method"] == "empirical").all()
    width = np.log((fc["yhat_hi"] + 1) / (fc["yhat_lo"] + 1))
    mean_width = width.groupby(fc["horizon"]).mean()
    assert mean_width.is_monotonic_increasing and mean_width.index.tolist() == list(range(1, 13))
    assert fc.loc[fc["horizon"] > 5, "scenario"].all()
    assert not fc.loc[fc["horizon"] <= 5, "scenario"].any()
    assert (fc["yhat_lo"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["yhat_hi"]).all()


def test_normal_method_keeps_normal_theory_intervals_and_bad_methods_are_refused() -> None:
    from kompetens_forecast.errors import InvalidOptionError

    matrix = random_walks(100, 10, seed=7)
    fc = publish(matrix, 3, ForecastSettings(interval_method="normal"))
    assert (fc["interval_method"] == "normal").all()
    with pytest.raises(InvalidOptionError):
        ForecastSettings(interval_method="bootstrap")
