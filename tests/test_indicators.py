from __future__ import annotations

import pandas as pd
import pytest

from kompetens_forecast.analysis.indicators import structure_indicators


def panel() -> pd.DataFrame:
    rows = []
    # riket: occupation A 60, B 40 in the latest year; region 20: A 30, B 10
    for year, (ra, rb, ca, cb) in {
        2018: (50, 50, 20, 20),
        2022: (55, 45, 25, 12),
        2023: (60, 40, 30, 10),
    }.items():
        rows += [
            ("00", "A", year, ra),
            ("00", "B", year, rb),
            ("20", "A", year, ca),
            ("20", "B", year, cb),
        ]
    frame = pd.DataFrame(rows, columns=["region_code", "ssyk", "year", "value"]).astype(
        {"value": "float64"}
    )
    frame["value_adj"] = frame["value"]
    return frame


def test_share_lq_and_changes() -> None:
    ind = structure_indicators(panel(), ["20"], break_years=[2020]).set_index("ssyk")
    assert ind.loc["A", "share"] == pytest.approx(75.0)
    assert ind.loc["A", "lq"] == pytest.approx(0.75 / 0.60)
    assert ind.loc["B", "lq"] == pytest.approx(0.25 / 0.40)
    assert ind.loc["A", "change_1y"] == 5 and ind.loc["A", "change_5y_pct"] == pytest.approx(50.0)
    assert ind.loc["A", "cagr_5y_adj"] == pytest.approx((1.5**0.2 - 1) * 100)
    assert bool(ind.loc["A", "break_in_5y"]) and not bool(ind.loc["A", "break_in_1y"])
    assert set(ind["year"]) == {2023} and set(ind["ssyk_level"]) == {1}


def test_zero_base_gives_missing_growth_not_infinity() -> None:
    frame = panel()
    frame.loc[
        (frame["region_code"] == "20") & (frame["ssyk"] == "B") & (frame["year"] == 2018),
        ["value", "value_adj"],
    ] = 0.0
    ind = structure_indicators(frame, ["20"], break_years=[]).set_index("ssyk")
    assert pd.isna(ind.loc["B", "change_5y_pct"]) and pd.isna(ind.loc["B", "cagr_5y_adj"])
