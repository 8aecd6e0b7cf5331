"""Pay level of a region's occupations (SCB lönestrukturstatistik, `wages_ssyk4`).

Monthly pay (SEK, full-time equivalent), all sectors, both sexes, latest year: riket's mean,
median, P10 and P90 per SSYK-4, and the mean in the riksområde (NUTS 2) the region belongs to
where SCB publishes it (the regional table has means only, so the chart compares means). The
all-occupation mean ("0000", Samtliga yrken) is the reference. A suppressed figure ("..")
stays missing. Pure functions, no I/O.
"""

from __future__ import annotations

import pandas as pd

from kompetens_forecast.analysis.shortage_signals import (
    ALL_OCCUPATIONS,
    ALL_SECTORS,
    BOTH_SEXES,
)
from kompetens_forecast.schema import RIKET

PAY_COLUMNS = [
    "ssyk",
    "ssyk_label",
    "employed",
    "pay_mean_area",
    "pay_mean_riket",
    "pay_median_riket",
    "pay_p10_riket",
    "pay_p90_riket",
    "pay_area",
    "pay_year",
]


def _latest(wages: pd.DataFrame, region: str) -> tuple[int | None, pd.DataFrame]:
    """(latest year, ssyk × measure) of one region's all-sector, both-sex pay."""
    rows = wages[
        (wages["region_code"] == region)
        & (wages["sector"] == ALL_SECTORS)
        & (wages["sex"] == BOTH_SEXES)
    ]
    if rows.empty:
        return None, pd.DataFrame()
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year]
    return year, latest.pivot_table(
        index="ssyk", columns="measure", values="value", aggfunc="first", dropna=False
    )


def pay_level(
    own: pd.DataFrame, wages: pd.DataFrame, area: str | None, area_name: str = ""
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per SSYK-4 occupation of `own` (one region's labelled indicators), largest first: riket's
    pay and the mean in riksområde `area` (None: riket only). Returns the table and the
    all-occupation means {"riket": …, "area": …} (missing where not published)."""
    year, riket = _latest(wages, RIKET)
    if year is None or riket.empty:
        return pd.DataFrame(columns=PAY_COLUMNS), {}
    data = own[own["ssyk"].astype(str).str.len() == 4].sort_values("employed", ascending=False)
    out = data[["ssyk", "ssyk_label", "employed"]].copy()
    codes = out["ssyk"].astype(str)
    for measure in ("mean", "median", "p10", "p90"):
        values = riket[measure] if measure in riket else pd.Series(dtype="float64")
        out[f"pay_{measure}_riket"] = codes.map(values).astype("float64")
    reference = {"riket": float(riket["mean"].get(ALL_OCCUPATIONS, float("nan")))}
    area_year, regional = _latest(wages, area) if area else (None, pd.DataFrame())
    if area_year is not None and "mean" in regional:
        out["pay_mean_area"] = codes.map(regional["mean"]).astype("float64")
        reference["area"] = float(regional["mean"].get(ALL_OCCUPATIONS, float("nan")))
        out["pay_area"] = area_name or area
    else:
        out["pay_mean_area"] = float("nan")
        out["pay_area"] = None
    out["pay_year"] = year
    out = out[out[["pay_mean_riket", "pay_mean_area"]].notna().any(axis=1)]
    return out.loc[:, PAY_COLUMNS].reset_index(drop=True), reference
