"""The published procedure decided in real time: no look-ahead, naive when nothing beats it,
the model when it does, and per-cell accuracy of what is published."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.nested_backtest import backtest_rows
from kompetens_forecast.analysis.procedure import (
    add_base,
    candidate_rows,
    choice_frame,
    choose,
    evidence,
    nested,
    nested_summary,
)
from kompetens_forecast.analysis.publish import publish
from kompetens_forecast.engines import Engine

YEARS = list(range(2012, 2024))
SETTINGS = ForecastSettings(min_rows=20, min_selection_rows=10)


def panel(drift: float, noise: float, n: int = 120, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = rng.normal(drift, noise, size=(n, len(YEARS)))
    values = 500 * np.exp(np.cumsum(steps, axis=1))
    index = pd.MultiIndex.from_tuples(
        [("0180" if i % 2 else "0114", f"{1000 + i:04d}") for i in range(n)],
        names=["region_code", "ssyk"],
    )
    return pd.DataFrame(values, index=index, columns=YEARS)


def evaluated(matrix: pd.DataFrame, origins: list[int]) -> pd.DataFrame:
    rows = add_base(candidate_rows(matrix, 3, SETTINGS), SETTINGS)
    rows = rows[rows["origin"] < YEARS[-1]]
    return nested(rows, origins, SETTINGS)


def test_a_forecast_at_an_origin_uses_no_data_after_it() -> None:
    matrix = panel(0.03, 0.02)
    changed = matrix.copy()
    changed.loc[:, 2021:] *= 1.7  # the future changes completely
    columns = ["region_code", "ssyk", "horizon", "yhat", "yhat_lo", "yhat_hi", "naive_weight"]
    before = evaluated(matrix, [2018, 2020])
    after = evaluated(changed, [2018, 2020])
    pd.testing.assert_frame_equal(before[columns], after[columns])
    # ...while a later origin sees the change
    assert not np.allclose(evaluated(matrix, [2021])["yhat"], evaluated(changed, [2021])["yhat"])


def test_pure_noise_publishes_naive_and_a_steady_trend_publishes_the_model() -> None:
    noise = add_base(candidate_rows(panel(0.0, 0.05), 3, SETTINGS), SETTINGS)
    choice = choice_frame(choose(evidence(noise, SETTINGS), 2023, SETTINGS), SETTINGS)
    used = choice[choice["evidence"] > 0]
    assert (used["weight"] <= 0.5).all()  # mostly naive where the drift is noise
    trend = add_base(candidate_rows(panel(0.05, 0.002), 3, SETTINGS), SETTINGS)
    choice = choice_frame(choose(evidence(trend, SETTINGS), 2023, SETTINGS), SETTINGS)
    used = choice[choice["evidence"] > 0]
    assert (used["weight"] == 1.0).all() and (used["phi"] == 1.0).all()


def test_without_evidence_the_procedure_is_naive() -> None:
    rows = add_base(candidate_rows(panel(0.05, 0.002), 2, SETTINGS), SETTINGS)
    first = nested(rows, [2013], SETTINGS)  # one year of history: nothing to judge by
    assert (first["naive_weight"] == 1.0).all()
    assert first["yhat"].to_numpy() == pytest.approx(first["naive"].to_numpy())


def test_nested_summary_figures_are_exact() -> None:
    frame = pd.DataFrame(
        {
            "region_code": ["01", "01", "02", "02"],
            "ssyk": ["1111"] * 4,
            "origin": [2020, 2021, 2020, 2021],
            "horizon": [1] * 4,
            "actual": [110.0, 100.0, 50.0, 50.0],
            "naive": [100.0, 100.0, 40.0, 52.0],
            "yhat": [106.0, 102.0, 45.0, 52.0],
            "yhat_lo": [100.0, 90.0, 30.0, 51.0],
            "yhat_hi": [120.0, 110.0, 48.0, 53.0],
            "scale": [5.0, 5.0, 2.0, 2.0],
            "naive_weight": [0.0, 0.5, 0.0, 1.0],
        }
    )
    row = nested_summary(frame)[0]
    assert row["abs_error_ratio_naive"] == pytest.approx((4 + 2 + 5 + 2) / (10 + 0 + 10 + 2))
    ours = np.mean([4 / 5, 2 / 5, 5 / 2, 2 / 2])
    naive = np.mean([10 / 5, 0 / 5, 10 / 2, 2 / 2])
    assert row["mase_ratio_naive"] == pytest.approx(ours / naive)
    # moved > 5 %: 100→110 (hit), 40→50 (hit); 52→50 is 3.8 %, 100→100 no move
    assert row["rows_moved_5pct"] == 2 and row["direction_accuracy_moved_5pct"] == 1.0
    assert row["coverage_80"] == pytest.approx(0.5)
    assert row["share_cells_beating_naive"] == 1.0


def test_published_backtest_mase_is_the_published_procedures_own() -> None:
    matrix = panel(0.02, 0.03, n=60)
    riket = matrix.groupby(level="ssyk").sum()
    riket.index = pd.MultiIndex.from_product([["00"], riket.index], names=matrix.index.names)
    both = pd.concat([riket, matrix.rename(index={"0114": "01", "0180": "02"})]).sort_index()
    fc = publish(both, 2, SETTINGS)
    rows, _ = backtest_rows(both, [2018, 2019, 2020, 2021, 2022], 1, SETTINGS, Engine())
    mase = ((rows["actual"] - rows["yhat"]).abs() / rows["scale"]).groupby(
        [rows["region_code"], rows["ssyk"]]
    )
    cell = fc[fc["horizon"] == 1].set_index(["region_code", "ssyk"])
    expected = mase.mean().reindex(cell.index)
    assert cell["backtest_mase"].to_numpy() == pytest.approx(expected.to_numpy())
    assert (cell["beats_naive"] == (cell["backtest_mase"] < cell["backtest_mase_naive"])).all()
    county = fc[fc["region_code"] != "00"]
    assert set(county["model"]) <= {"share", "naive"}
