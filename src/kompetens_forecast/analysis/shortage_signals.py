"""National shortage signals per SSYK-4: pay, age structure and job ads (METHODS-REFERENCE §3).

The signals AF, SCB and the literature read shortage from, each relative to the whole market
so that a general wage round or a hiring boom does not move every occupation at once:

- pay (`wages_ssyk4`, SCB lönestrukturstatistik, all sectors, both sexes): `pay_relative` =
  log(median pay of the occupation / median pay of all occupations) in the latest year;
  `pay_growth_3y`, `pay_growth_7y` = the occupation's log change of median pay over 3 and 7
  years minus that of all occupations (per cent points of log growth); `pay_dispersion` =
  log(P90 / P10). Regional pay: `pay_relative_region` = log(mean pay / mean pay of all
  occupations) in a riksområde (NUTS 2), for the counties in it.
- age (`employment_age_ssyk4`, riket): `share_55plus`, `share_60plus`, `share_under30` (%,
  latest year) and `replacement_5y`, `replacement_10y` (% of employees expected to leave in
  5 and 10 years by cohort exit rates, `analysis.replacement`).
- ads (`job_ads_history` riket rows, AF Platsbanken): `vacancies_per_employed` = vacancies
  advertised in the last 12 months / employees; `ads_growth_12m` = log(ads in the last 12
  months + 0.5) − log(ads in the 12 months before); `ads_growth_36m` the same against the 12
  months ending 36 months earlier. AF's manager codes sit at SSYK-3 (121, …): their SSYK-4
  codes get the group's signal over the group's employees (`ads_scope` = "ssyk3").

A share of a total with a missing part is missing (never a partial sum); a missing pay or age
figure stays missing. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.replacement import replacement
from kompetens_forecast.schema import RIKET

WAGES_DATASET = "wages_ssyk4"
AGE4_DATASET = "employment_age_ssyk4"
ALL_OCCUPATIONS = "0000"  # SCB's code for "Samtliga yrken" in the pay tables
ALL_SECTORS = "0"
BOTH_SEXES = "1+2"
SMOOTHING = 0.5

PAY_SIGNALS = ("pay_relative", "pay_growth_3y", "pay_growth_7y", "pay_dispersion")
AGE_SIGNALS = ("share_55plus", "share_60plus", "share_under30", "replacement_5y", "replacement_10y")
ADS_SIGNALS = ("vacancies_per_employed", "ads_growth_12m", "ads_growth_36m")
SIGNALS = (*PAY_SIGNALS, *AGE_SIGNALS, *ADS_SIGNALS)


def _all_sectors_both_sexes(wages: pd.DataFrame) -> pd.DataFrame:
    return wages[(wages["sector"] == ALL_SECTORS) & (wages["sex"] == BOTH_SEXES)]


def _pay_table(wages: pd.DataFrame, measure: str, region: str = RIKET) -> pd.DataFrame:
    """ssyk × year of one pay measure (all sectors, both sexes) in one region."""
    rows = wages[
        (wages["region_code"] == region)
        & (wages["sector"] == ALL_SECTORS)
        & (wages["sex"] == BOTH_SEXES)
        & (wages["measure"] == measure)
    ]
    return rows.pivot_table(index="ssyk", columns="year", values="value", aggfunc="first")


def _log_ratio(numerator: pd.Series, denominator: float) -> pd.Series:
    ratio = numerator.astype(float) / denominator
    return pd.Series(np.log(ratio.where(ratio > 0)), index=numerator.index)


def pay_signals(wages: pd.DataFrame) -> pd.DataFrame:
    """Per SSYK-4 (riket): pay_relative, pay_growth_3y, pay_growth_7y, pay_dispersion and
    `pay_year` (the latest year with pay data)."""
    wages = _all_sectors_both_sexes(wages)
    median = _pay_table(wages, "median")
    if median.empty or ALL_OCCUPATIONS not in median.index:
        return pd.DataFrame(columns=["ssyk", *PAY_SIGNALS, "pay_year"])
    year = int(max(median.columns))
    total = median.loc[ALL_OCCUPATIONS]
    out = pd.DataFrame(index=median.index[median.index.str.fullmatch(r"\d{4}")])
    out = out[out.index != ALL_OCCUPATIONS]
    out["pay_relative"] = _log_ratio(median[year].reindex(out.index), float(total[year]))
    for span, name in ((3, "pay_growth_3y"), (7, "pay_growth_7y")):
        start = year - span
        if start in median.columns:
            own = _log_ratio(median[year] / median[start], 1.0).reindex(out.index)
            market = float(np.log(total[year] / total[start]))
            out[name] = (own - market) * 100.0
        else:
            out[name] = np.nan
    p90, p10 = _pay_table(wages, "p90"), _pay_table(wages, "p10")
    if year in p90.columns and year in p10.columns:
        out["pay_dispersion"] = _log_ratio(p90[year] / p10[year], 1.0).reindex(out.index)
    else:
        out["pay_dispersion"] = np.nan
    out["pay_year"] = year
    return out.rename_axis("ssyk").reset_index()


def regional_pay(wages: pd.DataFrame, groups: dict[str, Sequence[str]]) -> pd.DataFrame:
    """Per county × SSYK-4: `pay_relative_region` = log(mean pay / all occupations' mean pay)
    in the county's riksområde (`groups`: riksområde id → member counties), latest year."""
    parts = []
    wages = _all_sectors_both_sexes(wages)
    for group, members in groups.items():
        mean = _pay_table(wages, "mean", group)
        if mean.empty or ALL_OCCUPATIONS not in mean.index:
            continue
        year = int(max(mean.columns))
        value = _log_ratio(mean[year], float(mean[year].loc[ALL_OCCUPATIONS]))
        value = value[(value.index != ALL_OCCUPATIONS) & value.index.str.fullmatch(r"\d{4}")]
        for county in members:
            parts.append(
                pd.DataFrame(
                    {
                        "region_code": county,
                        "ssyk": value.index,
                        "pay_relative_region": value.to_numpy(),
                        "pay_region": group,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=["region_code", "ssyk", "pay_relative_region", "pay_region"])
    return pd.concat(parts, ignore_index=True)


def _band_start(age: str) -> int:
    return int(str(age).split("-")[0].rstrip("+"))


def age_signals(age: pd.DataFrame) -> pd.DataFrame:
    """Per SSYK-4 (riket rows of `employment_age_ssyk4`): shares 55+, 60+, under 30 and the
    replacement rates over 5 and 10 years (%), latest year (`age_year`)."""
    data = age[(age["region_code"].astype(str) == RIKET) & (age["sex"].astype(str) != "1+2")]
    if data.empty:
        return pd.DataFrame(columns=["ssyk", *AGE_SIGNALS, "age_year"])
    year = int(data["year"].max())
    latest = data[data["year"] == year]
    bands_of = {a: _band_start(a) for a in latest["age"].unique()}
    latest = latest.assign(band=latest["age"].map(bands_of), missing=latest["value"].isna())
    per = latest.groupby(["ssyk", "band"]).agg(value=("value", "sum"), missing=("missing", "any"))
    wide = per["value"].unstack("band")
    incomplete = per["missing"].unstack("band").any(axis=1)
    total = wide.sum(axis=1).where(~incomplete)  # a total with a missing part is missing
    total = total.where(total > 0)

    def share(selected: pd.Series) -> pd.Series:
        return wide.loc[:, selected].sum(axis=1) / total * 100.0

    bands = pd.Series([int(b) for b in wide.columns], index=wide.columns, dtype="int64")
    out = pd.DataFrame(
        {
            "share_55plus": share(bands >= 55),
            "share_60plus": share(bands >= 60),
            "share_under30": share(bands < 30),
        }
    )
    # cohort exit rates need regions to pool; riket is the only region here, so it is pooled
    # under a stand-in code (it is never added to anything)
    # (only the base year and the latest year enter the cohort rates: summed over sex first)
    cohort_years = data[data["year"].isin([year - 5, year])]
    cohort_input: pd.DataFrame = (
        cohort_years.assign(region_code="RR")
        .groupby(["region_code", "ssyk", "age", "year"])["value"]
        .sum(min_count=1)
        .reset_index()
    )
    cohort = replacement(cohort_input, ["RR"])
    if not cohort.empty:
        cohort = cohort.set_index("ssyk")
        employed = cohort["employed_age_data"].where(cohort["employed_age_data"] > 0)
        out["replacement_5y"] = (cohort["exits_5y"] / employed * 100.0).reindex(out.index)
        out["replacement_10y"] = (cohort["exits_10y"] / employed * 100.0).reindex(out.index)
        out.loc[total.isna(), ["replacement_5y", "replacement_10y"]] = np.nan
    else:
        out["replacement_5y"] = out["replacement_10y"] = np.nan
    out["age_year"] = year
    return out.rename_axis("ssyk").reset_index()


def _month_index(month: pd.Series) -> pd.Series:
    text = month.astype(str)
    return text.str[:4].astype(int) * 12 + text.str[5:7].astype(int) - 1


def ads_signals(history: pd.DataFrame, employed: pd.Series) -> pd.DataFrame:
    """Per SSYK-4 (riket rows of `job_ads_history`): vacancies_per_employed (last 12 months'
    vacancies / employees), ads_growth_12m, ads_growth_36m, `ads_scope` (ssyk4 / ssyk3) and
    `ads_to` (the last month). `employed`: riket employees per SSYK-4 (index ssyk)."""
    columns = ["ssyk", *ADS_SIGNALS, "ads_scope", "ads_to"]
    data = history[history["region_code"].astype(str) == RIKET]
    if data.empty:
        return pd.DataFrame(columns=columns)
    index = _month_index(data["month"])
    last = int(index.max())
    value_col = "positions" if "positions" in data.columns else "ads"

    def window(end: int, column: str) -> pd.Series:
        rows = data[(index > end - 12) & (index <= end)]
        return rows.groupby(rows["ssyk"].astype(str))[column].sum()

    complete_36 = int(index.min()) <= last - 47  # a full year ending 36 months back
    codes = employed.index.astype(str)
    group = pd.Series(np.where(codes.isin(data["ssyk"].astype(str)), codes, codes.str[:3]), codes)
    group_employed = employed.groupby(group.to_numpy()).sum()
    vac, ads_now, ads_before = (
        window(last, value_col),
        window(last, "ads"),
        window(last - 12, "ads"),
    )
    ads_36 = window(last - 36, "ads") if complete_36 else pd.Series(dtype=float)
    out = pd.DataFrame({"ssyk": codes, "group": group.to_numpy()})
    listed = out["group"].isin(data["ssyk"].astype(str))
    # a listed occupation without ads in the window had 0 ads there
    out["vacancies_per_employed"] = out["group"].map(vac).fillna(0.0) / out["group"].map(
        group_employed
    ).where(lambda v: v > 0)
    now = out["group"].map(ads_now).fillna(0.0) + SMOOTHING
    out["ads_growth_12m"] = np.log(now) - np.log(
        out["group"].map(ads_before).fillna(0.0) + SMOOTHING
    )
    out["ads_growth_36m"] = (
        np.log(now) - np.log(out["group"].map(ads_36).fillna(0.0) + SMOOTHING)
        if complete_36
        else np.nan
    )
    # a code AF never lists (e.g. SCB-only codes such as 4430) has no ad signal, not 0 ads
    out.loc[~listed, list(ADS_SIGNALS)] = np.nan
    out["ads_scope"] = np.where(out["group"].str.len() == 4, "ssyk4", "ssyk3")
    out.loc[~listed, "ads_scope"] = None
    month = data["month"].astype(str).max()
    out["ads_to"] = month
    return out.drop(columns="group")[columns]


def national_signals(
    employed: pd.Series,
    wages: pd.DataFrame | None,
    age: pd.DataFrame | None,
    history: pd.DataFrame | None,
) -> pd.DataFrame:
    """Every signal the data allow per SSYK-4 of `employed` (riket employees, index ssyk);
    absent data give missing columns."""
    out = pd.DataFrame({"ssyk": employed.index.astype(str)})
    parts = (
        (pay_signals(wages) if wages is not None else None, PAY_SIGNALS),
        (age_signals(age) if age is not None else None, AGE_SIGNALS),
        (ads_signals(history, employed) if history is not None else None, ADS_SIGNALS),
    )
    for frame, names in parts:
        if frame is None or frame.empty:
            for name in names:
                out[name] = np.nan
            continue
        out = out.merge(frame, on="ssyk", how="left")
    return out
