"""The staples of a yearly competence report for `forecast run`: age structure and exits,
pay level and the ads trend, from the datasets that are there (fetched, else the demo's).

- age: `employment_age_ssyk3` (the region's own, when fetched) before `employment_age_ssyk4`
  (riket's age structure of each occupation applied to the region's employees);
- pay: `wages_ssyk4` (riket, and the riksområde of a county or of a riksområde group);
- ads: `job_ads_history` (the region's own municipalities when fetched, else riket).

What is missing is named in `reasons` (the report lists it under `charts_skipped`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from kompetens_forecast.analysis.ads_trend import ads_by_year
from kompetens_forecast.analysis.age_need import with_national_age
from kompetens_forecast.analysis.optional_indicators import ADS_HISTORY_DATASET
from kompetens_forecast.analysis.pay_level import pay_level
from kompetens_forecast.analysis.replacement import AGE_DATASET, add_replacement
from kompetens_forecast.analysis.shortage_signals import AGE4_DATASET, WAGES_DATASET
from kompetens_forecast.classify.regions import Region, RegionRegistry
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

_RIKSOMRADE = re.compile(r"^SE\d\d$")
REASONS = {
    "age": f"datasets {AGE_DATASET} and {AGE4_DATASET} are not available "
    f"(forecast fetch --dataset {AGE4_DATASET})",
    "pay": f"dataset {WAGES_DATASET} is not available (forecast fetch --dataset {WAGES_DATASET})",
    "pay_level": "pay is published per SSYK-4 occupation; municipal employment is SSYK-3",
    "ads": f"dataset {ADS_HISTORY_DATASET} is not available "
    f"(forecast fetch --dataset {ADS_HISTORY_DATASET})",
}


@dataclass
class Staples:
    ind: pd.DataFrame  # the indicators with the age columns where age data exist
    pay: pd.DataFrame | None = None
    pay_reference: dict[str, float] = field(default_factory=dict)
    ads: pd.DataFrame | None = None
    age_sets: list[LoadedDataset] = field(default_factory=list)
    pay_sets: list[LoadedDataset] = field(default_factory=list)
    ads_sets: list[LoadedDataset] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # chart kind → why it is missing

    @property
    def datasets(self) -> list[LoadedDataset]:
        return [*self.age_sets, *self.pay_sets, *self.ads_sets]


def riksomrade(region: Region, regions: RegionRegistry) -> Region | None:
    """The riksområde (NUTS 2 group SE11…SE33) a county lies in, or a riksområde itself;
    None for riket, municipalities and other groups."""
    if region.level == "group":
        return region if _RIKSOMRADE.match(region.code) else None
    if region.level != "lan":
        return None
    for group in regions.groups():
        if _RIKSOMRADE.match(group.code) and region.code in group.members:
            return group
    return None


def _with_age(ctx: DataContext, ind: pd.DataFrame, staples: Staples) -> pd.DataFrame:
    if ctx.has(AGE_DATASET):
        ages = ctx.load(AGE_DATASET)
        staples.age_sets.append(ages)
        return add_replacement(ind, ages.frame)
    if ctx.has(AGE4_DATASET):
        ages = ctx.load(AGE4_DATASET)
        staples.age_sets.append(ages)
        return with_national_age(ind, ages.frame)
    staples.reasons["age"] = REASONS["age"]
    return ind


def report_staples(
    ctx: DataContext, regions: RegionRegistry, region: Region, ind: pd.DataFrame, lang: str
) -> Staples:
    """Age columns on `ind` (labelled indicators of the region and its sub-regions), and the
    pay and ads tables of `region`."""
    staples = Staples(ind)
    if "share_55plus" not in ind.columns:
        added = _with_age(ctx, ind, staples)
        # the synthetic flag stays the last column (README's contract for the tables)
        last = [c for c in added.columns if c != "synthetic"]
        staples.ind = added[[*last, "synthetic"]] if "synthetic" in added else added
    own = staples.ind[staples.ind["region_code"] == region.code]
    if not ctx.has(WAGES_DATASET):
        staples.reasons["pay"] = REASONS["pay"]
    elif not (own["ssyk"].astype(str).str.len() == 4).any():
        staples.reasons["pay"] = REASONS["pay_level"]
    else:
        wages = ctx.load(WAGES_DATASET)
        area = riksomrade(region, regions)
        table, reference = pay_level(
            own, wages.frame, area.code if area else None, area.label(lang) if area else ""
        )
        if not table.empty:
            staples.pay, staples.pay_reference = table, reference
            staples.pay_sets.append(wages)
        else:
            staples.reasons["pay"] = REASONS["pay"]
    if not ctx.has(ADS_HISTORY_DATASET):
        staples.reasons["ads"] = REASONS["ads"]
    else:
        history = ctx.load(ADS_HISTORY_DATASET)
        ranked = own.sort_values("employed", ascending=False)
        members = region.members if region.code != RIKET else ()
        table = ads_by_year(history.frame, region.code, members, ranked)
        if not table.empty:
            staples.ads = table
            staples.ads_sets.append(history)
        else:
            staples.reasons["ads"] = REASONS["ads"]
    return staples
