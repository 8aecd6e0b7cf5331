"""Share-based county forecasts: county share at the origin × riket's forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.publish import publish
from kompetens_forecast.analysis.share_model import share_backtest, share_forecast

YEARS = list(range(2014, 2024))


def matrix(rows: dict[tuple[str, str], list[float]]) -> pd.DataFrame:
    index = pd.MultiIndex.from_tuples(list(rows), names=["region_code", "ssyk"])
    return pd.DataFrame(list(rows.values()), index=index, columns=YEARS)


def test_share_forecast_is_the_county_share_of_the_national_forecast() -> None:
    modelled = pd.DataFrame(
        {
            "region_code": ["00", "00", "01", "01", "0180"],
            "ssyk": ["1111"] * 5,
            "year": [2024, 2025, 2024, 2025, 2024],
            "yhat": [1000.0, 1100.0, 999.0, 999.0, 5.0],
        }
    )
    last = pd.DataFrame(
        {"region_code": ["00", "01", "0180"], "ssyk": ["1111"] * 3, "size": [800.0, 200.0, 9.0]}
    )
    share = share_forecast(modelled, last)
    assert share[2:4] == pytest.approx([250.0, 275.0])
    assert np.isnan(share[[0, 1, 4]]).all()  # riket and municipalities have no share model


def test_share_backtest_uses_riket_at_the_same_origin_and_horizon() -> None:
    rows = pd.DataFrame(
        {
            "region_code": ["00", "01", "01"],
            "ssyk": ["1111"] * 3,
            "origin": [2020, 2020, 2021],
            "horizon": [1, 1, 1],
            "naive": [400.0, 100.0, 100.0],
            "yhat": [440.0, 90.0, 90.0],
        }
    )
    out = share_backtest(rows)
    assert out[1] == pytest.approx(110.0)
    assert np.isnan(out[0]) and np.isnan(out[2])  # no riket row for origin 2021


def test_counties_publish_the_share_model_where_it_beats_naive() -> None:
    growth = [1000 * 1.04**i for i in range(10)]
    rng = np.random.default_rng(2)
    noisy = [g * 0.3 * (1 + rng.normal(0, 0.03)) for g in growth]  # own trend is noisy
    data = matrix(
        {
            ("00", "1111"): growth,
            ("01", "1111"): noisy,
            ("02", "1111"): [g - n for g, n in zip(growth, noisy, strict=True)],
        }
    )
    settings = ForecastSettings(
        phi=0.9, window=5, min_points=6, interval=0.8, min_rows=1, min_selection_rows=1
    )
    fc = publish(data, 3, settings).set_index(["region_code", "year"])
    assert fc.loc["00", "model"].eq("damped_trend").all()
    county = fc.loc["01"]
    assert county["model"].eq("share").all()
    expected = noisy[-1] / growth[-1] * fc.loc["00", "yhat"]
    assert county["yhat"].to_numpy() == pytest.approx(expected.to_numpy())
    assert (county["yhat_lo"] <= county["yhat"]).all() and county["beats_naive"].all()
    off = publish(data, 3, ForecastSettings(phi=0.9, min_rows=1, share_model=False))
    assert "share" not in set(off["model"])


def test_backtest_scores_counties_with_the_share_model_as_published() -> None:
    from kompetens_forecast.analysis.nested_backtest import backtest_rows
    from kompetens_forecast.engines import Engine

    growth = [1000 * 1.04**i for i in range(10)]
    county_share = [0.25, 0.27, 0.24, 0.26, 0.22, 0.28, 0.25, 0.23, 0.29, 0.24]
    data = matrix(
        {
            ("00", "1111"): growth,
            ("01", "1111"): [g * s for g, s in zip(growth, county_share, strict=True)],
            ("02", "1111"): [g * (1 - s) for g, s in zip(growth, county_share, strict=True)],
        }
    )
    settings = ForecastSettings(
        phi=0.4, window=5, min_points=6, interval=0.8, min_rows=1, min_selection_rows=1
    )
    rows, choice = backtest_rows(data, [2020, 2021], 2, settings, Engine())
    county = rows[rows["region_code"] == "01"]
    assert set(county["model"]) <= {"share", "naive"} and "share" in set(county["model"])
    shared = county[county["model"] == "share"]
    # the share-naive benchmark is the reference share model; riket's trend drives both
    assert shared["share_naive"].notna().all()
    assert rows.loc[rows["region_code"] == "00", "share_naive"].isna().all()
    assert (rows["abs_err"] == (rows["actual"] - rows["yhat"]).abs()).all()
    assert set(choice["group"]) >= {"riket:1", "county:1"}
