"""Indicators from optional datasets for `forecast indicators`, used when they are fetched.

- Tightness: `job_ads` (V), `jobseekers` (U) and `job_ads_history` (vacancy growth) each add
  their columns to the SSYK-4 rows of riket and the counties; with both V and U, a per-region
  table of Beveridge coordinates and mismatch indices is produced too (labour_market.parquet).
- Recruitment breadth: `employment_education_ssyk` (occupation × education field) adds
  `recruitment_breadth_80` and the largest field, with SCB's small-cell suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kompetens_forecast.analysis.recruitment import recruitment_breadth
from kompetens_forecast.analysis.shortage_signals import (
    AGE4_DATASET,
    SIGNALS,
    WAGES_DATASET,
    national_signals,
)
from kompetens_forecast.analysis.tightness import (
    ads_growth,
    county_labour_market,
    jobseekers,
    tightness_cells,
    vacancies,
)
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

ADS_DATASET = "job_ads"
JOBSEEKERS_DATASET = "jobseekers"
ADS_HISTORY_DATASET = "job_ads_history"
EDUCATION_DATASET = "employment_education_ssyk"
COLUMNS = (
    "vacancies",
    "vacancy_rate",
    "jobseekers",
    "jobseekers_per_employed",
    "log_tightness",
    "ads_growth",
)


@dataclass
class Tightness:
    cells: pd.DataFrame  # region_code, ssyk + the COLUMNS the data allow
    regions: pd.DataFrame  # Beveridge and mismatch per region (empty without both V and U)
    datasets: list[LoadedDataset] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.datasets


def _load(ctx: DataContext, name: str) -> LoadedDataset | None:
    return ctx.load(name) if ctx.has(name) else None


# indicator rows per level: riket/county rows are SSYK-4, kommun rows SSYK-3 (SCB's levels)
LEVELS = {"county": (2, 4), "kommun": (4, 3)}


def tightness_for(ctx: DataContext, indicators: pd.DataFrame) -> Tightness:
    """Tightness columns for the rows of `indicators`: riket/county × SSYK-4 and kommun ×
    SSYK-3 (AF's kommun × SSYK-4 counts summed within SSYK-3). Ad growth: counties only."""
    ads, seekers, history = (
        _load(ctx, name) for name in (ADS_DATASET, JOBSEEKERS_DATASET, ADS_HISTORY_DATASET)
    )
    used = [d for d in (ads, seekers, history) if d is not None]
    empty = Tightness(pd.DataFrame(columns=["region_code", "ssyk"]), pd.DataFrame(), used)
    if not used:
        return empty
    parts: list[pd.DataFrame] = []
    markets: list[pd.DataFrame] = []
    for level, (region_digits, ssyk_digits) in LEVELS.items():
        rows = indicators[
            (indicators["region_code"].str.len() == region_digits)
            & (indicators["ssyk"].str.len() == ssyk_digits)
        ]
        if rows.empty:
            continue
        employed = rows[["region_code", "ssyk"]].assign(n_employed=rows["employed"].astype(float))
        cells = tightness_cells(
            employed,
            vacancies(ads.frame, level) if ads is not None else None,
            jobseekers(seekers.frame, level) if seekers is not None else None,
        )
        if ads is not None and seekers is not None:
            markets.append(county_labour_market(cells))
        if history is not None and level == "county":
            growth = ads_growth(history.frame)
            cells = cells.merge(growth, on=["region_code", "ssyk"], how="left")
        parts.append(cells)
    if not parts:
        return empty
    cells = pd.concat(parts, ignore_index=True)
    keep = ["region_code", "ssyk", *(c for c in COLUMNS if c in cells.columns)]
    regions = pd.concat(markets, ignore_index=True) if markets else pd.DataFrame()
    return Tightness(cells[keep], regions, used)


def recruitment_for(
    ctx: DataContext, indicators: pd.DataFrame
) -> tuple[pd.DataFrame, LoadedDataset | None]:
    """Recruitment breadth per (region ×) SSYK-4 for the rows of `indicators`, or an empty
    frame when `employment_education_ssyk` is not fetched. A national table (no region
    variable) describes riket rows only."""
    if not ctx.has(EDUCATION_DATASET):
        return pd.DataFrame(columns=["region_code", "ssyk"]), None
    loaded = ctx.load(EDUCATION_DATASET)
    breadth = recruitment_breadth(loaded.frame)
    if "region_code" not in breadth.columns:
        breadth = breadth.assign(region_code=RIKET)
    wanted = indicators[["region_code", "ssyk"]].drop_duplicates()
    return wanted.merge(breadth, on=["region_code", "ssyk"], how="inner"), loaded


EMPLOYMENT_DATASET = "employment_county_ssyk4"


def _riket_employed(ctx: DataContext) -> pd.Series:
    """Riket employees per SSYK-4 in the latest year: the counties summed over sex; a code with
    a missing part is missing (never a partial sum)."""
    frame = ctx.load(EMPLOYMENT_DATASET).frame
    latest = frame[frame["year"] == frame["year"].max()]
    grouped = latest.assign(missing=latest["value"].isna()).groupby("ssyk")
    total: pd.Series = grouped["value"].sum()
    complete: pd.Series = ~grouped["missing"].any()
    return total.where(complete).astype(float)


def signals_for(
    ctx: DataContext, indicators: pd.DataFrame
) -> tuple[pd.DataFrame, list[LoadedDataset]]:
    """The national pay, age and ads signals (`analysis.shortage_signals`) for the riket and
    county × SSYK-4 rows of `indicators`, with `signals_scope` = "00" (riket's value: no county
    series exist for them). Columns the rows already have (e.g. `share_55plus` from the
    regional SSYK-3 age data) are kept and not replaced."""
    names = (WAGES_DATASET, AGE4_DATASET, ADS_HISTORY_DATASET)
    loaded = {name: ctx.load(name) for name in names if ctx.has(name)}
    if not loaded or not ctx.has(EMPLOYMENT_DATASET):
        return pd.DataFrame(columns=["region_code", "ssyk"]), []
    signals = national_signals(
        _riket_employed(ctx),
        loaded[WAGES_DATASET].frame if WAGES_DATASET in loaded else None,
        loaded[AGE4_DATASET].frame if AGE4_DATASET in loaded else None,
        loaded[ADS_HISTORY_DATASET].frame if ADS_HISTORY_DATASET in loaded else None,
    )
    keep = [c for c in ("ssyk", *SIGNALS) if c not in indicators.columns or c == "ssyk"]
    rows = indicators[
        (indicators["region_code"].str.len() == 2) & (indicators["ssyk"].str.len() == 4)
    ][["region_code", "ssyk"]]
    out = rows.merge(signals[keep], on="ssyk", how="left")
    present = out[[c for c in keep if c != "ssyk"]].notna().any(axis=1)
    out["signals_scope"] = pd.Series(RIKET, index=out.index, dtype=object).where(present)
    return out, list(loaded.values())
