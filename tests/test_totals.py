"""Complete totals: one suppressed cell leaves every total, share and rate on it missing (or
takes SCB's published total), never a partial sum — one test per indicator family."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.indicators import add_composition, structure_indicators
from kompetens_forecast.analysis.panel import sum_parts
from kompetens_forecast.analysis.replacement import replacement
from kompetens_forecast.analysis.tightness import county_labour_market
from kompetens_forecast.analysis.totals import complete_sum, complete_total


def test_complete_total_is_missing_with_a_missing_part_unless_scb_published_it() -> None:
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "value": [1.0, np.nan, 2.0, 3.0]})
    total = complete_total(frame, "g", "value")
    assert math.isnan(total["a"]) and total["b"] == 5.0
    published = pd.Series({"a": 9.0, "b": 999.0})
    filled = complete_total(frame, "g", "value", published)
    assert filled["a"] == 9.0 and filled["b"] == 5.0  # the complete sum wins where it exists
    assert math.isnan(complete_sum([1.0, np.nan])) and math.isnan(complete_sum([]))
    assert sum_parts(frame, ["g"]).set_index("g")["value"].isna().tolist() == [True, False]


def employment(suppressed: bool) -> pd.DataFrame:
    # riket A 60, B 40; county 20: A 30, B 30 — B suppressed ("..") in the latest year
    rows = []
    for year, (ra, rb, ca, cb) in {2018: (50, 50, 20, 20), 2023: (60, 40, 30, 30)}.items():
        b = np.nan if suppressed and year == 2023 else cb
        rows += [("00", "A", year, ra), ("00", "B", year, rb)]
        rows += [("20", "A", year, ca), ("20", "B", year, b)]
    frame = pd.DataFrame(rows, columns=["region_code", "ssyk", "year", "value"])
    frame["value"] = frame["value"].astype("float64")
    return frame.assign(value_adj=frame["value"])


def test_share_lq_and_concentration_are_not_computed_on_a_partial_total() -> None:
    whole = structure_indicators(employment(False), ["20"], []).set_index("ssyk")
    assert whole.loc["A", "share"] == pytest.approx(50.0)
    ind = structure_indicators(employment(True), ["20"], [])
    ind = add_composition(ind, None).set_index("ssyk")
    # a partial sum would say 100 % and LQ 100/60; the honest answer is "unknown"
    assert math.isnan(ind.loc["A", "share"]) and math.isnan(ind.loc["A", "lq"])
    assert ind["hhi_occupations"].isna().all()
    published = pd.Series({"00": 100.0, "20": 60.0})  # SCB's own totals, fetched
    ind = structure_indicators(employment(True), ["20"], [], published_totals=published)
    assert ind.set_index("ssyk").loc["A", "share"] == pytest.approx(50.0)


def test_beveridge_coordinates_need_every_masked_count() -> None:
    cells = pd.DataFrame(
        {"region_code": ["00", "00", "20", "20"],
         "ssyk": ["1", "2", "1", "2"],
         "n_employed": [900.0, 900.0, 100.0, 100.0],
         "vacancies": [60.0, 40.0, 10.0, np.nan],
         "jobseekers": [40.0, 60.0, 5.0, 20.0]}
    )  # fmt: skip
    market = county_labour_market(cells).set_index("region_code")
    assert math.isnan(market.loc["20", "v_rate"]) and math.isnan(market.loc["20", "tightness"])
    assert market.loc["20", "u_rate"] == pytest.approx(25 / 225)
    assert market.loc["00", "v_rate"] == pytest.approx(100 / 1900)


def test_replacement_shares_need_every_age_band() -> None:
    bands = ["50-54", "55-59", "60-64", "65-69"]
    rows = [
        ("20", "234", band, year, value)
        for year in (2018, 2023)
        for band, value in zip(bands, [100.0, 100.0, 80.0, 50.0], strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["region_code", "ssyk", "age", "year", "value"])
    whole = replacement(frame, ["20"]).iloc[0]
    assert whole["share_55plus"] == pytest.approx(230 / 330 * 100)
    frame.loc[(frame["year"] == 2023) & (frame["age"] == "50-54"), "value"] = np.nan
    masked = replacement(frame, ["20"]).iloc[0]
    assert math.isnan(masked["share_55plus"]) and math.isnan(masked["replacement_rate_5y"])


def test_share_55plus_is_missing_when_an_age_band_is_suppressed() -> None:
    from kompetens_forecast.analysis.shortage import age_indicator

    age = pd.DataFrame(
        {
            "region_code": ["20", "20", "21", "21"],
            "ssyk": ["234", "234", "234", "234"],
            "age": ["25-34", "55-64", "25-34", "55-64"],
            "year": [2023] * 4,
            "value": [np.nan, 10.0, 30.0, 10.0],  # county 20's young band suppressed ("..")
        }
    )
    cells = pd.DataFrame({"region_code": ["20", "21", "00"], "ssyk": ["2341"] * 3})
    shares = age_indicator(age, cells).set_index("region_code")["share_55plus"]
    assert np.isnan(shares["20"])  # not 100 %: a partial total would say so
    assert shares["21"] == pytest.approx(25.0)
    assert np.isnan(shares["00"])  # riket from the counties: one part missing
