"""National shortage signals (`analysis.shortage_signals`): pay, age structure, job ads."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.shortage_signals import (
    ads_signals,
    age_signals,
    national_signals,
    pay_signals,
    regional_pay,
)
from kompetens_forecast.store.datasets import DataContext


def _pay(rows: list[tuple[str, str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "region_code": r,
                "ssyk": o,
                "sector": "0",
                "sex": "1+2",
                "measure": m,
                "year": y,
                "value": v,
            }
            for r, o, m, y, v in rows
        ]
    )


def test_pay_is_relative_to_all_occupations_and_growth_net_of_the_market() -> None:
    wages = _pay(
        [
            ("00", "0000", "median", 2018, 30000.0),
            ("00", "0000", "median", 2022, 33000.0),
            ("00", "0000", "median", 2025, 36000.0),
            ("00", "2221", "median", 2018, 30000.0),
            ("00", "2221", "median", 2022, 36000.0),
            ("00", "2221", "median", 2025, 45000.0),
            ("00", "2221", "p10", 2025, 30000.0),
            ("00", "2221", "p90", 2025, 60000.0),
            ("00", "5223", "median", 2025, 27000.0),
        ]
    )
    out = pay_signals(wages).set_index("ssyk")
    assert out.loc["2221", "pay_relative"] == pytest.approx(math.log(45000 / 36000))
    assert out.loc["2221", "pay_growth_3y"] == pytest.approx(
        (math.log(45000 / 36000) - math.log(36000 / 33000)) * 100
    )
    assert out.loc["2221", "pay_growth_7y"] == pytest.approx(
        (math.log(45000 / 30000) - math.log(36000 / 30000)) * 100
    )
    assert out.loc["2221", "pay_dispersion"] == pytest.approx(math.log(2.0))
    # no earlier pay for 5223: growth stays missing, never 0
    assert math.isnan(out.loc["5223", "pay_growth_3y"])
    assert "0000" not in out.index


def test_regional_pay_goes_to_the_counties_of_the_riksomrade() -> None:
    wages = _pay(
        [
            ("SE31", "0000", "mean", 2025, 40000.0),
            ("SE31", "2221", "mean", 2025, 44000.0),
        ]
    )
    out = regional_pay(wages, {"SE31": ["17", "20", "21"]})
    assert set(out["region_code"]) == {"17", "20", "21"}
    assert out["pay_relative_region"].iloc[0] == pytest.approx(math.log(1.1))
    assert set(out["pay_region"]) == {"SE31"}


def _age(values: dict[str, float | None]) -> pd.DataFrame:
    rows = []
    for band, value in values.items():
        for sex in ("1", "2"):
            rows.append(
                {
                    "region_code": "00",
                    "ssyk": "1111",
                    "age": band,
                    "sex": sex,
                    "year": 2023,
                    "value": np.nan if value is None else value / 2,
                }
            )
    return pd.DataFrame(rows)


def test_age_shares_and_a_missing_part_makes_them_missing() -> None:
    bands = {
        "16-24": 10.0,
        "25-29": 10.0,
        "30-54": 40.0,
        "55-59": 20.0,
        "60-64": 15.0,
        "65-69": 5.0,
    }
    out = age_signals(_age(bands)).set_index("ssyk")
    assert out.loc["1111", "share_55plus"] == pytest.approx(40.0)
    assert out.loc["1111", "share_60plus"] == pytest.approx(20.0)
    assert out.loc["1111", "share_under30"] == pytest.approx(20.0)
    gap = age_signals(_age({**bands, "55-59": None})).set_index("ssyk")
    assert math.isnan(gap.loc["1111", "share_55plus"])  # never a share of a partial total
    assert math.isnan(gap.loc["1111", "replacement_10y"])


def test_ads_windows_growth_and_manager_groups() -> None:
    months = pd.period_range("2022-01", "2026-02", freq="M").astype(str)
    rows = []
    for i, month in enumerate(months):
        rows.append(
            {"month": month, "region_code": "00", "ssyk": "2221", "ads": 10, "positions": 20}
        )
        # the manager group 121 (AF's 1210): ads doubled in the last twelve months
        rows.append(
            {
                "month": month,
                "region_code": "00",
                "ssyk": "121",
                "ads": 4 if i >= len(months) - 12 else 2,
                "positions": 4,
            }
        )
    history = pd.DataFrame(rows)
    employed = pd.Series({"2221": 240.0, "1211": 30.0, "1212": 10.0, "4430": 50.0})
    out = ads_signals(history, employed).set_index("ssyk")
    assert out.loc["2221", "vacancies_per_employed"] == pytest.approx(20 * 12 / 240)
    assert out.loc["2221", "ads_growth_12m"] == pytest.approx(0.0)
    assert out.loc["1211", "ads_scope"] == "ssyk3"
    assert out.loc["1211", "vacancies_per_employed"] == pytest.approx(4 * 12 / 40)
    assert out.loc["1211", "ads_growth_12m"] == pytest.approx(math.log(48.5 / 24.5))
    assert out.loc["1212", "ads_growth_12m"] == out.loc["1211", "ads_growth_12m"]
    # a code AF never lists has no ad signal (not zero ads)
    assert math.isnan(out.loc["4430", "vacancies_per_employed"])
    assert out.loc["2221", "ads_to"] == "2026-02"


def test_demo_signals_cover_the_occupations() -> None:
    ctx = DataContext()
    employment = ctx.load("employment_county_ssyk4").frame
    latest = employment[employment["year"] == employment["year"].max()]
    employed = latest.groupby("ssyk")["value"].sum()
    out = national_signals(
        employed,
        ctx.load("wages_ssyk4").frame,
        ctx.load("employment_age_ssyk4").frame,
        ctx.load("job_ads_history").frame,
    ).set_index("ssyk")
    assert out["pay_relative"].notna().mean() > 0.85
    assert out["share_55plus"].notna().all()
    assert out["replacement_10y"].between(0, 100).all()
    assert out["vacancies_per_employed"].notna().mean() > 0.95
    # nurses are paid above the all-occupation median (SCB 2025: 42,900 vs the total)
    assert out.loc["2221", "pay_relative"] > 0
