from __future__ import annotations

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.level_shifts import FACTOR_BOUNDS, adjust_for_breaks, break_factors


def test_factor_recovers_a_known_level_shift_net_of_trend() -> None:
    years = list(range(2017, 2024))
    growth = 1.02
    base = np.array([100 * growth**i for i in range(len(years))])
    shifted = base.copy()
    shifted[years.index(2023) :] *= 1.09  # the 2023 definition adds 9 %
    riket = pd.DataFrame([shifted], index=["2341"], columns=years)
    factors = break_factors(riket, [2023])
    assert abs(factors.loc["2341", 2023] - 1.09) < 1e-9


def test_adjustment_only_touches_years_before_the_break() -> None:
    totals = pd.DataFrame(
        {
            "region_code": ["20"] * 3,
            "ssyk": ["2341"] * 3,
            "year": [2021, 2022, 2023],
            "value": [10.0, 10.0, 12.0],
        }
    )
    factors = pd.DataFrame({2023: [1.2]}, index=["2341"])
    adjusted = adjust_for_breaks(totals, [2023], factors)
    assert adjusted["value_adj"].tolist() == [12.0, 12.0, 12.0]
    assert adjusted["value"].tolist() == [10.0, 10.0, 12.0]  # raw values are kept


def test_unestimable_factors_are_neutral_and_extremes_clipped() -> None:
    years = [2021, 2022, 2023]
    riket = pd.DataFrame(
        [[0.0, 0.0, 5.0], [1.0, 1.0, 100.0], [np.nan, 4.0, 4.0]],
        index=["a", "b", "c"],
        columns=years,
    )
    factors = break_factors(riket, [2023])[2023]
    assert factors["a"] == 1.0
    assert factors["b"] == FACTOR_BOUNDS[1]
    assert factors["c"] == 1.0
