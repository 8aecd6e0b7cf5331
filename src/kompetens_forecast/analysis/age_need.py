"""Age structure and recruitment need per occupation for a region's report (DESIGN §4).

Two sources of the age structure, the region's own first:

- `employment_age_ssyk3` (county × SSYK-3 × age, fetched): `replacement.add_replacement`
  gives each row its own region's shares and exit rates (`age_basis` = "region");
- otherwise `employment_age_ssyk4` (riket × SSYK-4 × age, in the demo): riket's age structure
  of the occupation applied to the region's employees (`age_basis` = "riket"). The shares and
  rates come from `shortage_signals.age_signals` (cohort exit rates of `analysis.replacement`),
  the same figures `forecast indicators` writes as `replacement_5y` / `replacement_10y`.
  SSYK-3 rows (municipalities) get riket's SSYK-3 structure: the SSYK-4 age counts summed
  within the group (a group with a missing part is missing).

Recruitment need over k = 5 and 10 years = expected exits over k years (replacement) + the
published forecast's change from the base year to base year + k (expansion). The expansion
exists only where the run's forecast reaches that year: beyond the forecast horizon the need
is left missing (never extrapolated); years beyond the five-year outlook are `scenario`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.shortage_signals import age_signals
from kompetens_forecast.analysis.totals import complete_total

AGE_COLUMNS = (
    "share_55plus",
    "share_60plus",
    "replacement_rate_5y",
    "replacement_rate_10y",
    "exits_5y",
    "exits_10y",
    "age_basis",
)
NEED_COLUMNS = [
    "ssyk",
    "ssyk_label",
    "employed",
    "share_55plus",
    "exits_5y",
    "expansion_5y",
    "openings_5y",
    "end_year",
    "exits_10y",
    "expansion_10y",
    "openings_10y",
    "end_year_10",
    "scenario_10y",
    "age_basis",
]


def _at_level(age: pd.DataFrame, digits: int) -> pd.DataFrame:
    """The age counts at SSYK level `digits`: SSYK-4 as they are, coarser levels as complete
    sums of their SSYK-4 parts."""
    data = age[age["ssyk"].astype(str).str.len() == 4]
    if digits == 4:
        return data
    keys = ["region_code", "ssyk", "age", "sex", "year"]
    grouped = data.assign(ssyk=data["ssyk"].astype(str).str[:digits])
    return complete_total(grouped, keys, "value").rename("value").reset_index()


def with_national_age(ind: pd.DataFrame, age: pd.DataFrame) -> pd.DataFrame:
    """`ind` with riket's age structure per occupation (`AGE_COLUMNS`, `age_year`): shares
    55+/60+ and five- and ten-year exit rates (%) of the occupation in riket, and the exits
    they imply for each row's own employees."""
    out = ind.copy()
    digits = out["ssyk"].astype(str).str.len()
    signals = [age_signals(_at_level(age, int(d))) for d in sorted(digits.unique())]
    national = pd.concat([s for s in signals if not s.empty], ignore_index=True)
    if national.empty:
        return out
    keyed = national.drop_duplicates("ssyk").set_index("ssyk")
    codes = out["ssyk"].astype(str)
    out["share_55plus"] = codes.map(keyed["share_55plus"]).astype("float64")
    out["share_60plus"] = codes.map(keyed["share_60plus"]).astype("float64")
    out["replacement_rate_5y"] = codes.map(keyed["replacement_5y"]).astype("float64")
    out["replacement_rate_10y"] = codes.map(keyed["replacement_10y"]).astype("float64")
    out["exits_5y"] = out["employed"] * out["replacement_rate_5y"] / 100.0
    out["exits_10y"] = out["employed"] * out["replacement_rate_10y"] / 100.0
    out["age_year"] = codes.map(keyed["age_year"]).astype("Int64")
    known = out["share_55plus"].notna()
    out["age_basis"] = pd.Series("riket", index=out.index, dtype=object).where(known)
    return out


def has_age_columns(ind: pd.DataFrame) -> bool:
    return "exits_5y" in ind.columns and bool(ind["exits_5y"].notna().any())


def _forecast_at(forecast: pd.DataFrame, year: int) -> pd.Series:
    rows = forecast[forecast["year"] == year]
    return rows.drop_duplicates("ssyk").set_index("ssyk")["yhat"].astype("float64")


def recruitment_need(own: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    """Per occupation of the region (`own`: one region's labelled indicators with the age
    columns), largest five-year need first: exits, expansion and need (openings) over 5 and 10
    years (`NEED_COLUMNS`). `forecast`: the region's published forecast (ssyk, year, yhat,
    scenario)."""
    data = own[own["exits_5y"].notna()].copy()
    if data.empty:
        return pd.DataFrame(columns=NEED_COLUMNS)
    base = int(data["year"].iloc[0])
    codes = data["ssyk"].astype(str)
    for k in (5, 10):
        at_end = _forecast_at(forecast, base + k) if not forecast.empty else pd.Series()
        data[f"expansion_{k}y"] = codes.map(at_end).astype("float64") - data["employed"]
        if f"exits_{k}y" not in data:
            data[f"exits_{k}y"] = np.nan
        # no forecast to that year: no expansion, so no need (never a partial sum)
        data[f"openings_{k}y"] = data[f"exits_{k}y"] + data[f"expansion_{k}y"]
    data["end_year"] = base + 5
    data["end_year_10"] = base + 10
    ten = forecast[forecast["year"] == base + 10] if not forecast.empty else forecast
    scenario = bool(ten["scenario"].any()) if "scenario" in ten and not ten.empty else False
    data["scenario_10y"] = scenario if not ten.empty else pd.NA
    if "age_basis" not in data:
        data["age_basis"] = "region"
    ranked = data.sort_values(["openings_5y", "exits_5y"], ascending=False, na_position="last")
    return ranked.loc[:, NEED_COLUMNS].reset_index(drop=True)
