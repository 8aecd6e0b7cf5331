from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.backtest import (
    BACKTEST_COLUMNS,
    adjusted_matrix,
    crosses_break,
    direction_class,
    error_ratio,
    rolling_origin,
    summarise,
)
from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.errors import InvalidOptionError, UsageError
from kompetens_forecast.jobs.backtest import run_backtest

NAIVE_ONLY = ForecastSettings(phi=0.5, window=2, min_points=99)  # every series on naive
TREND = ForecastSettings(phi=1.0, window=2, min_points=3)
YEARS = list(range(2014, 2020))


def toy_panel(rows: dict[tuple[str, str], list[float]]) -> pd.DataFrame:
    records = [
        {"region_code": r, "ssyk": s, "year": y, "value": v, "value_adj": v}
        for (r, s), values in rows.items()
        for y, v in zip(YEARS, values, strict=True)
    ]
    return pd.DataFrame(records)


def test_naive_backtest_metrics_are_exact() -> None:
    # county 01 is 1/4 of riket; 00 grows 40/yr then jumps
    panel = toy_panel(
        {
            ("00", "1111"): [400, 440, 480, 520, 560, 640],
            ("01", "1111"): [100, 110, 120, 130, 140, 150],
        }
    )
    bt = rolling_origin(adjusted_matrix(panel), [2017], 2, NAIVE_ONLY)
    assert list(bt.columns[: len(BACKTEST_COLUMNS)]) == list(BACKTEST_COLUMNS)
    county = bt[bt["region_code"] == "01"].set_index("horizon")
    # origin 2017: y_o = 130, scale = mean |Δ| over 2014..2017 = 10
    assert county.loc[1, "year"] == 2018 and county.loc[1, "actual"] == 140
    assert county.loc[1, "yhat"] == 130 and county.loc[1, "naive"] == 130
    assert county.loc[2, "abs_err"] == 20 and county.loc[2, "scale"] == 10
    # share naive: 130/520 × national naive forecast 520 = 130 (national model is naive here)
    assert county.loc[1, "share_naive"] == pytest.approx(130)
    assert bt.loc[bt["region_code"] == "00", "share_naive"].isna().all()
    assert (bt["model"] == "naive").all()
    # naive predicts no change, the series rose: direction misses
    assert not bt["direction_hit"].any()
    summary = {row["horizon"]: row for row in summarise(bt)}
    # h=1: county |err| 10 / scale 10 = 1; riket |err| 40 / scale 40 = 1
    assert summary[1]["mase_mean"] == pytest.approx(1.0)
    assert summary[2]["mase_mean"] == pytest.approx((20 / 10 + 120 / 40) / 2)
    assert summary[1]["mase_mean"] == summary[1]["mase_mean_naive"]
    assert summary[1]["error_ratio_median"] == 1.0
    assert summary[1]["share_cells_beating_naive"] == 0.0
    assert summary[1]["share_cells_tied_naive"] == 1.0
    assert summary[1]["direction_accuracy"] == 0.0


def test_trend_backtest_and_share_naive_use_the_national_forecast() -> None:
    panel = toy_panel(
        {
            ("00", "2222"): [100, 200, 400, 800, 1600, 3200],
            ("01", "2222"): [50, 100, 200, 400, 800, 1600],
        }
    )
    bt = rolling_origin(adjusted_matrix(panel), [2016, 2017], 3, TREND)
    # doubling every year, phi = 1: the log-drift forecast is exact
    assert np.allclose(bt["yhat"], bt["actual"])
    assert (bt["abs_err"] < 1e-6).all() and bt["direction_hit"].all()
    county = bt[bt["region_code"] == "01"]
    assert np.allclose(county["share_naive"], county["actual"])
    # origin 2017 has h = 1, 2 only (2020 is beyond the data)
    assert sorted(bt.loc[bt["origin"] == 2017, "horizon"].unique()) == [1, 2]
    summary = summarise(bt)
    assert summary[0]["mase_mean"] == pytest.approx(0.0, abs=1e-9)
    assert summary[0]["share_cells_beating_naive"] == 1.0
    assert all(0.0 <= row["coverage"] <= 1.0 for row in summary)


def test_no_look_ahead_perturbing_post_origin_values_changes_nothing_forecast() -> None:
    rng = np.random.default_rng(1)
    rows = {
        (r, s): list(rng.integers(50, 500, size=len(YEARS)).astype(float))
        for r in ("00", "01", "02")
        for s in ("1111", "2222", "3333")
    }
    base = toy_panel(rows)
    origin = 2017
    shaken = base.copy()
    after = shaken["year"] > origin
    shaken.loc[after, "value_adj"] = shaken.loc[after, "value_adj"] * 7 + 1000
    columns = ["yhat", "yhat_lo", "yhat_hi", "naive", "share_naive", "scale", "model"]
    a = rolling_origin(adjusted_matrix(base), [origin], 2, TREND)
    b = rolling_origin(adjusted_matrix(shaken), [origin], 2, TREND)
    pd.testing.assert_frame_equal(a[columns], b[columns])
    assert not np.allclose(a["actual"], b["actual"])


def test_direction_error_ratio_and_break_helpers() -> None:
    assert list(direction_class(np.array([-3.0, -0.5, 0.0, 0.4, 2.0]))) == [-1, 0, 0, 0, 1]
    ratio = error_ratio(pd.Series([0.0, 2.0, 1.0]), pd.Series([0.0, 0.0, 4.0]))
    assert list(ratio) == [1.0, np.inf, 0.25]
    frame = pd.DataFrame({"origin": [2021, 2022, 2023], "year": [2022, 2023, 2024]})
    assert list(crosses_break(frame, [2023])) == [False, True, False]


def test_invalid_origins_are_rejected() -> None:
    panel = toy_panel({("00", "1111"): [1, 2, 3, 4, 5, 6]})
    with pytest.raises(InvalidOptionError):
        rolling_origin(adjusted_matrix(panel), [2019], 1, TREND)  # no actual after 2019
    with pytest.raises(InvalidOptionError):
        rolling_origin(adjusted_matrix(panel), [2010], 1, TREND)


def test_run_backtest_on_demo_data(tmp_path: Path) -> None:
    path, frame, summary = run_backtest("20", tmp_path / "out", horizons=2)
    assert path.exists() and (tmp_path / "out" / "backtest_summary.json").exists()
    assert set(frame["region_code"]) == {"20"}
    assert frame["share_naive"].notna().any()
    assert [row["horizon"] for row in summary["by_horizon"]] == [1, 2]
    assert all(0.0 <= row["coverage"] <= 1.0 for row in summary["by_horizon"])
    assert any("break-adjusted" in note for note in summary["notes"])
    on_disk = pd.read_parquet(path)
    assert len(on_disk) == len(frame)


def test_unknown_or_unsupported_region_fails_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "never"
    with pytest.raises(UsageError):
        run_backtest("Atlantis", out)
    with pytest.raises(UsageError):
        run_backtest("2080", out)  # a municipality
    assert not out.exists()


def test_cli_writes_the_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "bt"
    result = invoke(capsys, "backtest", "--region", "00", "--out", str(out), "--horizon", "2")
    assert result.code == 0, result.err
    assert Path(result.out.strip()).resolve() == (out / "backtest.parquet").resolve()
    assert "h=1:" in result.err and "h=2:" in result.err
    summary = json.loads((out / "backtest_summary.json").read_text(encoding="utf-8"))
    assert summary["regions"] == ["00"]
    bad = invoke(capsys, "backtest", "--region", "Atlantis", "--out", str(tmp_path / "x"))
    assert bad.code == 2 and not (tmp_path / "x").exists()


def test_verdicts_for_one_region_without_riket() -> None:
    from kompetens_forecast.analysis.backtest import cell_verdicts
    from kompetens_forecast.analysis.forecast import default_settings

    years = list(range(2014, 2024))
    index = pd.MultiIndex.from_tuples(
        [("20", "2341"), ("20", "9111")], names=["region_code", "ssyk"]
    )
    matrix = pd.DataFrame(
        [[100 * 1.05**i for i in range(10)], [50, 60, 40, 55, 45, 58, 42, 57, 44, 56]],
        index=index,
        columns=years,
    )
    verdicts = cell_verdicts(matrix, default_settings()).set_index("ssyk")
    assert bool(verdicts.loc["2341", "beats_naive"])  # steady growth: the trend beats naive
    assert verdicts["backtest_mase"].notna().all()


def test_verdicts_leave_out_targets_across_a_break() -> None:
    from kompetens_forecast.analysis.backtest import cell_verdicts
    from kompetens_forecast.analysis.forecast import default_settings

    years = list(range(2014, 2024))
    index = pd.MultiIndex.from_tuples([("20", "2341")], names=["region_code", "ssyk"])
    steady = [100 * 1.05**i for i in range(10)]
    jumped = steady[:6] + [v * 3 for v in steady[6:]]  # a level shift in 2020 (a break year)
    settings = default_settings()
    with_break = cell_verdicts(
        pd.DataFrame([jumped], index=index, columns=years), settings, break_years=[2020]
    )
    ignoring = cell_verdicts(pd.DataFrame([jumped], index=index, columns=years), settings)
    # the 2019 → 2020 target crosses the break: left out, the trend's huge miss is not counted
    assert with_break["backtest_mase"].iloc[0] < ignoring["backtest_mase"].iloc[0]
