"""Replacement demand from the age structure (DESIGN §4; METHODS-REFERENCE §3.3).

Input: employees by region × occupation (SSYK-3) × age band × year (dataset
`employment_age_ssyk3`, SCB YREG57 family), age bands like "55-59" (5 years wide; an open top
band such as "65+" or "65-69" is the last).

- Shares aged 55+ and 60+ in the latest year.
- Cohort exit rates over 5 years, per band a: r_a = max(0, 1 − E(a+1, t+5) / E(a, t)), pooled
  over all regions within the occupation (sums of E before dividing), then shrunk toward the
  national all-occupation rate of the band with weight n/(n+κ), n = employees in the band.
  The top band's rate is 1 (everyone leaves within five years).
- Expected exits: 5 years Σ_a E_a·r_a; 10 years Σ_a E_a·(1 − (1 − r_a)(1 − r_{a+1})).
- Replacement rate = exits / employed. Openings = expansion demand + replacement demand.

Limits: cohort rates mix retirement with net moves between occupations and regions (and
deaths); a series break between t and t+5 (e.g. 2023: ages 16–69) biases the rate, so the
base year is the latest one with t+5 before the break where possible. Rates are per
SSYK-3; applied to SSYK-4 cells they assume the sub-groups share their parent's age profile.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.totals import complete_sum, complete_total

AGE_DATASET = "employment_age_ssyk3"
_BAND = re.compile(r"^(\d+)\D+(\d+)?")
KAPPA = 200.0  # employees: how much a small band leans on the national rate


def band_start(code: str) -> int | None:
    """'55-59' → 55, '65+' → 65, '65-69' → 65; None for totals ('tot', '16-69' spans > 10 y)."""
    match = _BAND.match(code)
    if match is None:
        return None
    low, high = int(match.group(1)), match.group(2)
    if high is not None and int(high) - low > 9:
        return None  # a total or a wide band: not a cohort band
    return low


def _bands(frame: pd.DataFrame) -> pd.DataFrame:
    starts = frame["age"].map(band_start)
    return frame.assign(band=starts).dropna(subset=["band"]).astype({"band": "int64"})


def _next_band(bands: Sequence[int]) -> dict[int, int]:
    return {int(a): int(b) for a, b in pairwise(sorted(bands))}


def exit_rates(frame: pd.DataFrame, base_year: int, kappa: float = KAPPA) -> pd.DataFrame:
    """Five-year exit rate per occupation × band (pooled over regions, shrunk to national)."""
    data = _bands(frame)
    data = data[data["region_code"] != "00"]  # pool the regions themselves, not riket again
    following = _next_band(data["band"].unique().tolist())
    now = data[data["year"] == base_year].groupby(["ssyk", "band"])["value"].sum()
    later = data[data["year"] == base_year + 5].groupby(["ssyk", "band"])["value"].sum()
    later_by_key = {
        (str(s), int(b)): float(v)
        for (s, b), v in zip(later.index.tolist(), later.tolist(), strict=True)
    }
    rows: list[tuple[str, int, float, float]] = []
    for (ssyk_code, band_start_year), value in zip(now.index.tolist(), now.tolist(), strict=True):
        ssyk, band, employed = str(ssyk_code), int(band_start_year), float(value)
        nxt = following.get(band)
        if nxt is None:
            rate = 1.0  # the top band: everyone has left within five years
        else:
            survivors = later_by_key.get((ssyk, nxt), np.nan)
            rate = max(0.0, 1.0 - survivors / employed) if employed > 0 else np.nan
        rows.append((ssyk, band, rate, employed))
    rates = pd.DataFrame(rows, columns=["ssyk", "band", "rate_raw", "n"])
    weighted = rates["rate_raw"].fillna(0) * rates["n"]
    national = weighted.groupby(rates["band"]).sum() / rates["n"].groupby(rates["band"]).sum()
    weight = rates["n"] / (rates["n"] + kappa)
    # a band nobody was counted in at the base year (ages 65–69 before 2023) has no national
    # rate: its own rate (1 for the top band) stands
    prior = rates["band"].map(national).fillna(rates["rate_raw"])
    rates["rate"] = (weight * rates["rate_raw"].fillna(prior) + (1 - weight) * prior).clip(0, 1)
    return rates


def _share_from(by_band: pd.Series, low: int, employed: float) -> float:
    """Per cent of employees in bands starting at `low` or later."""
    return float(by_band[by_band.index >= low].sum()) / employed * 100 if employed else np.nan


def replacement(frame: pd.DataFrame, regions: Sequence[str], kappa: float = KAPPA) -> pd.DataFrame:
    """Per region × SSYK-3 in the latest year: shares 55+/60+, exits over 5 and 10 years."""
    data = _bands(frame)
    latest = int(data["year"].max())
    table = exit_rates(frame, latest - 5, kappa)
    rates = {
        (str(s), int(b)): float(r)
        for s, b, r in zip(table["ssyk"], table["band"], table["rate"], strict=True)
    }
    following = _next_band(data["band"].unique().tolist())
    now = data[(data["year"] == latest) & data["region_code"].isin(list(regions))]
    out = []
    for key, group in now.groupby(["region_code", "ssyk"]):
        region, ssyk = str(key[0]), str(key[1])
        # complete totals: a suppressed age band leaves shares and exits missing
        employed = complete_sum(group["value"])
        by_band = complete_total(group, "band", "value")
        exits5 = exits10 = 0.0
        for band, count in zip(by_band.index.tolist(), by_band.tolist(), strict=True):
            r1 = rates.get((ssyk, int(band)), 1.0)
            nxt = following.get(int(band))
            r2 = rates.get((ssyk, nxt), 1.0) if nxt is not None else 1.0
            exits5 += count * r1
            exits10 += count * (1 - (1 - r1) * (1 - r2))
        out.append(
            {
                "region_code": region,
                "ssyk": ssyk,
                "age_year": latest,
                "employed_age_data": employed,
                "share_55plus": _share_from(by_band, 55, employed),
                "share_60plus": _share_from(by_band, 60, employed),
                "exits_5y": exits5,
                "exits_10y": exits10,
                "replacement_rate_5y": exits5 / employed * 100 if employed else np.nan,
                "replacement_rate_10y": exits10 / employed * 100 if employed else np.nan,
            }
        )
    return pd.DataFrame(out)


def add_replacement(indicators: pd.DataFrame, age_frame: pd.DataFrame) -> pd.DataFrame:
    """Indicators with the age-based columns of each row's SSYK-3 group (and its region).

    SSYK-4 rows get their parent group's shares and rate (a labelled assumption: the
    sub-groups share the parent's age profile); exits are the rate × the row's own employees.
    """
    data = age_frame
    if "sex" in data.columns:
        data = data[data["sex"] != "1+2"]  # never add a published total to its parts
    regions = sorted(indicators["region_code"].unique())
    result = replacement(data, regions)
    if result.empty:
        return indicators
    keyed = result.set_index(["region_code", "ssyk"])
    out = indicators.copy()
    parent = list(zip(out["region_code"], out["ssyk"].str[:3], strict=True))
    for column in ("share_55plus", "share_60plus", "replacement_rate_5y", "replacement_rate_10y"):
        out[column] = [keyed[column].get(key, np.nan) for key in parent]
    out["exits_5y"] = out["employed"] * out["replacement_rate_5y"] / 100
    out["exits_10y"] = out["employed"] * out["replacement_rate_10y"] / 100
    # the region's own age structure (the report says so; riket's is the fallback)
    out["age_basis"] = pd.Series("region", index=out.index, dtype=object).where(
        out["share_55plus"].notna()
    )
    out["openings_5y"] = out["exits_5y"] + out["change_5y_adj"].clip(lower=None)
    return out
