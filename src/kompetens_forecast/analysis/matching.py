"""SCB's Regional Matching Indicators (RMI) as published, for a county report.

`matching_grade_county` (RMI matchningsgrad, v2 TAB6366) holds the share of employed whose
education matches their occupation, by region × sex × year, in per cent with one decimal. We
show SCB's published values unchanged (no recomputation): the region beside riket.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kompetens_forecast.classify.regions import Region
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

MATCHING_DATASET = "matching_grade_county"
SEX_ORDER = ("1+2", "2", "1")
SEX_NAMES = {
    "sv": {"1": "män", "2": "kvinnor", "1+2": "totalt"},
    "en": {"1": "men", "2": "women", "1+2": "total"},
}


@dataclass(frozen=True)
class MatchingGrade:
    table: pd.DataFrame  # year, sex, sex_label, region, riket (per cent, one decimal as published)
    dataset: LoadedDataset


def matching_grade(ctx: DataContext, region: Region, lang: str) -> MatchingGrade | None:
    """The region's matchningsgrad by sex and year beside riket's, if the dataset is available."""
    if region.level not in ("lan", "riket") or not ctx.has(MATCHING_DATASET):
        return None
    loaded = ctx.load(MATCHING_DATASET)
    frame = loaded.frame
    if "sex" not in frame.columns:
        frame = frame.assign(sex="1+2")
    if "contents" in frame.columns:  # several measures: the first is the grade itself
        frame = frame[frame["contents"] == frame["contents"].iloc[0]]
    own = frame[frame["region_code"] == region.code]
    if own.empty:
        return None
    riket = frame[frame["region_code"] == RIKET].set_index(["year", "sex"])["value"]
    table = own[["year", "sex", "value"]].rename(columns={"value": "region"})
    table["riket"] = [riket.get((y, s)) for y, s in zip(table["year"], table["sex"], strict=True)]
    table["sex_label"] = table["sex"].map(SEX_NAMES[lang]).fillna(table["sex"])
    order = {s: i for i, s in enumerate(SEX_ORDER)}
    table = table.sort_values(["year", "sex"], key=lambda c: c.map(order) if c.name == "sex" else c)
    columns = ["year", "sex", "sex_label", "region", "riket"]
    return MatchingGrade(table.loc[:, columns].reset_index(drop=True), loaded)
