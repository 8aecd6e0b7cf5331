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


def tightness_for(ctx: DataContext, indicators: pd.DataFrame) -> Tightness:
    """Tightness columns for the SSYK-4 rows of `indicators` whose region is riket or a county
    (AF's counts are by county; municipalities get none)."""
    ads, seekers, history = (
        _load(ctx, name) for name in (ADS_DATASET, JOBSEEKERS_DATASET, ADS_HISTORY_DATASET)
    )
    used = [d for d in (ads, seekers, history) if d is not None]
    rows = indicators[
        (indicators["ssyk"].str.len() == 4) & (indicators["region_code"].str.len() == 2)
    ]
    employed = rows[["region_code", "ssyk"]].assign(n_employed=rows["employed"].astype(float))
    if not used or employed.empty:
        return Tightness(pd.DataFrame(columns=["region_code", "ssyk"]), pd.DataFrame(), used)
    cells = tightness_cells(
        employed,
        vacancies(ads.frame) if ads is not None else None,
        jobseekers(seekers.frame) if seekers is not None else None,
    )
    regions = pd.DataFrame()
    if ads is not None and seekers is not None:
        regions = county_labour_market(cells)
    if history is not None:
        cells = cells.merge(ads_growth(history.frame), on=["region_code", "ssyk"], how="left")
    keep = ["region_code", "ssyk", *(c for c in COLUMNS if c in cells.columns)]
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
