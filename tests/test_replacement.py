"""Replacement demand on small SYNTHETIC age frames with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from kompetens_forecast.analysis.replacement import band_start, exit_rates, replacement

BANDS = ["50-54", "55-59", "60-64", "65-69"]


def frame(
    values_2018: list[float], values_2023: list[float], regions: tuple[str, ...] = ("20",)
) -> pd.DataFrame:
    rows = []
    for region in regions:
        for year, values in ((2018, values_2018), (2023, values_2023)):
            rows += [(region, "234", band, year, v) for band, v in zip(BANDS, values, strict=True)]
    rows += [(regions[0], "234", "tot", 2023, sum(values_2023))]  # a total row must be ignored
    return pd.DataFrame(rows, columns=["region_code", "ssyk", "age", "year", "value"])


def test_band_codes() -> None:
    assert [band_start(b) for b in ("55-59", "65+", "65-69", "16-69", "tot")] == [
        55,
        65,
        65,
        None,
        None,
    ]


def test_cohort_exit_rates_follow_the_formula() -> None:
    # 100 aged 55-59 in 2018, 80 of them (aged 60-64) in 2023 → r = 0.2; 60-64 → 65-69: 50 of 100
    rates = exit_rates(frame([100, 100, 100, 10], [100, 100, 80, 50]), 2018, kappa=0.0)
    by = rates.set_index("band")["rate"]
    assert by[55] == pytest.approx(0.2) and by[60] == pytest.approx(0.5) and by[65] == 1.0


def test_exits_and_shares() -> None:
    result = replacement(frame([100, 100, 100, 10], [100, 100, 80, 50]), ["20"]).iloc[0]
    assert result["share_55plus"] == pytest.approx(230 / 330 * 100)
    assert result["share_60plus"] == pytest.approx(130 / 330 * 100)
    # 5 years: 50-54 → 55-59 exits 0 (100 → 100), 55-59: 0.2, 60-64: 0.5, 65-69: 1
    assert result["exits_5y"] == pytest.approx(100 * 0 + 100 * 0.2 + 80 * 0.5 + 50 * 1)
    assert result["exits_10y"] > result["exits_5y"]


def test_indicators_gain_age_columns_when_age_data_are_fetched(isolated_data_dir) -> None:  # type: ignore[no-untyped-def]
    from kompetens_forecast.analysis.regional import indicators_for
    from kompetens_forecast.classify.regions import default_registry
    from kompetens_forecast.store import DataContext

    ctx = DataContext(isolated_data_dir)
    ages = frame([100, 100, 100, 10], [100, 100, 80, 50], regions=("20", "21"))
    ages = ages.assign(ssyk="234", symbol=None)
    ctx.user_store.write(
        ages, dataset="employment_age_ssyk3", source="synthetic", title="SYNTETISKA testdata",
        table_ids=["TEST"], dims=["region_code", "ssyk", "age"], synthetic=True,
    )  # fmt: skip
    indicators, used = indicators_for(ctx, default_registry(), ["20"])
    teachers = indicators.set_index("ssyk").loc["2341"]
    assert teachers["share_55plus"] == pytest.approx(230 / 330 * 100)
    assert teachers["exits_5y"] == pytest.approx(
        teachers["employed"] * teachers["replacement_rate_5y"] / 100
    )
    assert "employment_age_ssyk3" in {d.manifest.dataset for d in used}
