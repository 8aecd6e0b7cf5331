from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.forecast import FORECAST_COLUMNS, ForecastSettings, forecast_series
from kompetens_forecast.errors import InvalidOptionError

SETTINGS = ForecastSettings(phi=0.8, window=5, min_points=6, interval=0.8)


def wide(rows: dict[tuple[str, str], list[float]], start: int = 2014) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(rows), names=["region_code", "ssyk"])
    values = list(rows.values())
    return pd.DataFrame(values, index=index, columns=list(range(start, start + len(values[0]))))


def test_damped_trend_follows_its_formula() -> None:
    series = [100 * 1.05**i for i in range(10)]
    fc = forecast_series(wide({("20", "2341"): series}), 3, SETTINGS)
    assert list(fc.columns) == list(FORECAST_COLUMNS)
    assert fc["year"].tolist() == [2024, 2025, 2026] and set(fc["model"]) == {"damped_trend"}
    damp = np.cumsum(0.8 ** np.arange(1, 4))
    expected = series[-1] * np.exp(np.log(1.05) * damp)
    assert fc["yhat"].to_numpy() == pytest.approx(expected)
    # a perfectly regular series has zero spread
    assert fc["yhat_lo"].to_numpy() == pytest.approx(expected)


def test_naive_fallback_for_zeros_and_short_series_and_skip_missing_last() -> None:
    fc = forecast_series(
        wide(
            {
                ("20", "a"): [0, 3, 4, 5, 4, 6, 5, 7, 6, 8],
                ("20", "b"): [np.nan] * 6 + [5, 6, 7, 8],
                ("20", "c"): [1, 2, 3, 4, 5, 6, 7, 8, 9, np.nan],
            }
        ),
        2,
        SETTINGS,
    )
    assert set(fc["ssyk"]) == {"a", "b"}  # c: last year missing → no forecast
    by = fc.set_index(["ssyk", "year"])
    assert by.loc[("b", 2024), "model"] == "naive" and by.loc[("b", 2025), "yhat"] == 8
    assert by.loc[("a", 2024), "model"] == "damped_trend"  # the zero lies outside the window


def test_intervals_contain_the_point_widen_with_horizon_and_stay_non_negative() -> None:
    rng = np.random.default_rng(3)
    rows = {
        ("20", str(i)): list(np.exp(np.cumsum(rng.normal(0.02, 0.1, 10))) * 50) for i in range(50)
    }
    rows[("20", "tiny")] = [1, 0, 2, 1, 0, 1, 0, 1, 2, 1]
    fc = forecast_series(wide(rows), 5, SETTINGS)
    assert (fc["yhat_lo"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["yhat_hi"]).all()
    assert (fc["yhat_lo"] >= 0).all()
    width = (
        (fc["yhat_hi"] - fc["yhat_lo"])
        .groupby(fc["ssyk"])
        .apply(lambda s: s.is_monotonic_increasing)
    )
    assert width.all()


def test_interval_coverage_of_random_walks_is_near_nominal() -> None:
    rng = np.random.default_rng(7)
    steps = rng.normal(0.0, 0.05, size=(2000, 11))
    levels = 1000 * np.exp(np.cumsum(steps, axis=1))
    history = wide({("20", str(i)): list(levels[i, :10]) for i in range(2000)})
    fc = forecast_series(
        history, 1, ForecastSettings(phi=0.0, window=9, min_points=6, interval=0.8)
    )
    actual = levels[:, 10]
    covered = (fc["yhat_lo"].to_numpy() <= actual) & (actual <= fc["yhat_hi"].to_numpy())
    assert 0.75 <= covered.mean() <= 0.87


def test_horizon_is_validated() -> None:
    with pytest.raises(InvalidOptionError, match="horizon 0"):
        forecast_series(wide({("20", "a"): [1.0] * 10}), 0, SETTINGS)


def test_damped_points_equal_the_full_forecast_for_every_candidate() -> None:
    from kompetens_forecast.analysis.forecast import damped_points, forecast_arrays

    rng = np.random.default_rng(1)
    values = 100 * np.exp(np.cumsum(rng.normal(0.02, 0.05, (50, 8)), axis=1))
    values[3, -2], values[5, 0], values[7, -1] = 0.0, np.nan, np.nan
    for window in (3, 5):
        points = damped_points(values, 4, (0.2, 0.8), window)
        for phi, point in zip((0.2, 0.8), points, strict=True):
            settings = ForecastSettings(phi=phi, window=window, min_points=window + 1)
            assert point == pytest.approx(forecast_arrays(values, 4, settings)[1])
