"""Series breaks as level shifts: make history comparable with the newest definition.

A registered break in year b (e.g. 2023: ages 16–69 instead of 16–64) shifts the level of every
series from b on. We estimate the shift per occupation on the national series, where it is
least noisy: the jump from b−1 to b divided by the growth the occupation showed in the years
just before (the mean log growth of up to two break-free earlier transitions). Values before b
are multiplied by that factor, so growth rates and trends are computed on one definition.
The same national factor is used for every region: a county cell has too few people to
separate a break from real change.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_forecast.schema import RIKET

#: Factors are clipped: a definitional change should not appear as a tenfold jump.
FACTOR_BOUNDS = (0.5, 2.0)


def break_factors(riket_wide: pd.DataFrame, break_years: Sequence[int]) -> pd.DataFrame:
    """Factor per occupation (rows) and break year (columns) estimated on national series.

    `riket_wide` has SSYK codes as index and years as columns. Where a factor cannot be
    estimated (zeros, missing values, the break at the first year) it is 1.
    """
    years = [int(year) for year in riket_wide.columns]
    factors = pd.DataFrame(1.0, index=riket_wide.index, columns=list(break_years))
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(riket_wide.to_numpy(dtype="float64"))
    for b in break_years:
        if b not in years or years.index(b) == 0:
            continue
        i = years.index(b)
        earlier_columns = [
            j
            for j in range(max(1, i - 2), i)
            if not any(years[j - 1] < other <= years[j] for other in break_years)
        ]
        with np.errstate(invalid="ignore", over="ignore"):
            jump = logs[:, i] - logs[:, i - 1]
            earlier = np.column_stack(
                [logs[:, j] - logs[:, j - 1] for j in earlier_columns] or [np.zeros(len(jump))]
            )
            usable = np.isfinite(earlier)
            count = usable.sum(axis=1)
            trend = np.where(
                count > 0, np.where(usable, earlier, 0.0).sum(axis=1) / np.maximum(count, 1), 0.0
            )
            factor = np.exp(jump - trend)
        factor = np.where(np.isfinite(factor), factor, 1.0)
        factors[b] = np.clip(factor, *FACTOR_BOUNDS)
    return factors


def adjust_for_breaks(
    totals: pd.DataFrame, break_years: Sequence[int], factors: pd.DataFrame
) -> pd.DataFrame:
    """Multiply values before each break year by the occupation's factor (column `value_adj`)."""
    out = totals.copy()
    adjusted = out["value"].to_numpy(dtype="float64").copy()
    for b in break_years:
        if b not in factors.columns:
            continue
        by_ssyk = factors[b]
        factor = out["ssyk"].map(by_ssyk).fillna(1.0).to_numpy(dtype="float64")
        before = out["year"].to_numpy() < b
        adjusted[before] *= factor[before]
    out["value_adj"] = adjusted
    return out


def riket_wide_for(totals: pd.DataFrame) -> pd.DataFrame:
    """National series as SSYK × year, the input of `break_factors`."""
    riket = totals[totals["region_code"] == RIKET]
    return riket.pivot_table(index="ssyk", columns="year", values="value", aggfunc="first")
