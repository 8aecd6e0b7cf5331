"""Coherence: raking county × occupation forecasts to county totals and riket's occupations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.reconcile import rake, reconcile_counties
from kompetens_forecast.analysis.regional import forecast_counties
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.store.datasets import DataContext


def test_rake_meets_both_margins_and_keeps_zeros() -> None:
    cells = np.array([[10.0, 0.0, 5.0], [4.0, 6.0, 1.0]])
    rows, columns = np.array([20.0, 10.0]), np.array([12.0, 8.0, 10.0])
    out = rake(cells, rows, columns)
    assert out.sum(axis=1) == pytest.approx(rows)
    assert out.sum(axis=0) == pytest.approx(columns)
    assert out[0, 1] == 0.0
    # biproportional: every cell is a row factor times a column factor
    ratio = out / np.where(cells > 0, cells, np.nan)
    assert ratio[0, 0] / ratio[1, 0] == pytest.approx(ratio[0, 2] / ratio[1, 2])


def toy_forecast() -> tuple[pd.DataFrame, pd.DataFrame]:
    cells = {
        ("01", "1111"): 60.0,
        ("01", "2222"): 40.0,
        ("02", "1111"): 30.0,
        ("02", "2222"): 10.0,
        ("00", "1111"): 100.0,
        ("00", "2222"): 60.0,
    }
    frame = pd.DataFrame(
        [
            {
                "region_code": r,
                "ssyk": s,
                "year": 2024,
                "yhat": v,
                "yhat_lo": v * 0.9,
                "yhat_hi": v * 1.2,
            }
            for (r, s), v in cells.items()
        ]
    )
    totals = pd.DataFrame(
        {"region_code": ["00", "01", "02"], "year": 2024, "total": [150.0, 110.0, 55.0]}
    )
    return frame, totals


def test_reconcile_counties_sums_to_riket_occupations_and_county_totals() -> None:
    frame, totals = toy_forecast()
    out = reconcile_counties(frame, totals, ["01", "02"])
    counties = out[out["region_code"] != "00"]
    riket = out[out["region_code"] == "00"].set_index("ssyk")["yhat"]
    by_occupation = counties.groupby("ssyk")["yhat"].sum()
    assert by_occupation.to_numpy() == pytest.approx(riket[by_occupation.index].to_numpy())
    # county totals 110 : 55 scaled to riket's 150
    by_county = counties.groupby("region_code")["yhat"].sum()
    assert by_county.to_numpy() == pytest.approx([100.0, 50.0])
    assert riket.sum() == pytest.approx(150.0)
    assert out["reconciled"].all()
    assert out["yhat_base"].tolist() == frame["yhat"].tolist()
    # intervals move with their point
    assert (out["yhat_lo"] / out["yhat"]).to_numpy() == pytest.approx(0.9)


def test_demo_forecast_is_coherent_and_the_same_for_one_county_or_all() -> None:
    registry, ctx = default_registry(), DataContext()
    codes = ["00", *(c.code for c in registry.counties())]
    everything, _ = forecast_counties(ctx, registry, codes, 2)
    counties = everything[everything["region_code"] != "00"]
    riket = everything[everything["region_code"] == "00"].set_index(["ssyk", "year"])["yhat"]
    sums = counties.groupby(["ssyk", "year"])["yhat"].sum()
    common = sums.index.intersection(riket.index)
    assert len(common) > 0.95 * len(riket)
    gap = (sums[common] - riket[common]).abs() / riket[common].clip(lower=1)
    assert float(gap.max()) < 1e-6
    totals = counties.groupby("year")["yhat"].sum()
    assert totals.to_numpy() == pytest.approx(
        riket.groupby(level="year").sum().to_numpy(), rel=1e-6
    )
    alone, _ = forecast_counties(ctx, registry, ["20"], 2)
    mine = everything[everything["region_code"] == "20"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, mine)


def test_municipalities_are_raked_to_their_county_ssyk3_and_totals() -> None:
    from kompetens_forecast.analysis.reconcile import reconcile_within_counties

    frame = pd.DataFrame(
        {
            "region_code": ["2080", "2080", "2081", "2081", "0180"],
            "ssyk": ["111", "222", "111", "222", "111"],
            "year": 2024,
            "yhat": [50.0, 30.0, 20.0, 20.0, 7.0],
            "yhat_lo": [40.0, 20.0, 10.0, 10.0, 5.0],
            "yhat_hi": [60.0, 40.0, 30.0, 30.0, 9.0],
        }
    )
    county = pd.DataFrame(
        {"region_code": "20", "ssyk": ["111", "222"], "year": 2024, "yhat": [66.0, 44.0]}
    )
    totals = pd.DataFrame({"region_code": ["2080", "2081"], "year": 2024, "total": [70.0, 40.0]})
    out = reconcile_within_counties(frame, totals, county)
    dalarna = out[out["region_code"].str.startswith("20")]
    assert dalarna.groupby("ssyk")["yhat"].sum().to_numpy() == pytest.approx([66.0, 44.0])
    assert dalarna.groupby("region_code")["yhat"].sum().to_numpy() == pytest.approx([70.0, 40.0])
    stockholm = out[out["region_code"] == "0180"].iloc[0]  # no county target: unchanged
    assert stockholm["yhat"] == 7.0 and not stockholm["reconciled"]


def test_demo_county_run_sub_forecasts_sum_to_the_county_within_ssyk3() -> None:
    from kompetens_forecast.analysis.regional import analyse_region

    registry = default_registry()
    analysis = analyse_region(DataContext(), registry, registry.get("20"), 2)
    sub, county = analysis.sub_forecast, analysis.forecast
    assert sub["reconciled"].all() and county["reconciled"].all()
    by_ssyk3 = sub.groupby(["ssyk", "year"])["yhat"].sum()
    target = county.assign(ssyk=county["ssyk"].str[:3]).groupby(["ssyk", "year"])["yhat"].sum()
    common = by_ssyk3.index.intersection(target.index)
    assert len(common) == len(target)
    gap = (by_ssyk3[common] - target[common]).abs() / target[common].clip(lower=1)
    assert float(gap.max()) < 1e-6
