"""Arbetsförmedlingen's current Yrkesbarometer label beside each occupation of a region.

AF assesses occupations per county and nationally, two rounds a year, and we keep every round
fetched. For a county (or a municipality: its county) the newest round wins; within it the
county's own row beats the national one. `af_level` says whether the assessment is genuinely
county-level ("county"), a wider region's copied to the county ("wider") or national
("national"). Labels are
AF's own words, unchanged (brist / balans / överskott / paradox; öka / vara oförändrad / minska).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kompetens_forecast.analysis.af_rounds import current_labels
from kompetens_forecast.classify.regions import Region
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

BAROMETER_DATASET = "yrkesbarometer"
AF_COLUMNS = ("af_situation", "af_prognos", "af_omgang", "af_yrke", "af_level", "af_conflict")


@dataclass(frozen=True)
class AfLabels:
    labels: pd.DataFrame  # ssyk + AF_COLUMNS
    dataset: LoadedDataset


def af_labels(ctx: DataContext, region: Region) -> AfLabels | None:
    """The label per SSYK-4 code that applies to `region`, if Yrkesbarometer data exist."""
    if not ctx.has(BAROMETER_DATASET):
        return None
    loaded = ctx.load(BAROMETER_DATASET)
    current = current_labels(loaded.frame)
    county = region.code if region.level == "lan" else region.lan_code
    national = current[current["region_code"] == RIKET].assign(af_level="national")
    if region.level in ("lan", "kommun") and county:
        own = current[current["region_code"] == county]
        own = own.assign(af_level=own["county_level"].map({True: "county", False: "wider"}))
        # the newest round wins; within a round the county's own row beats the national one
        both = pd.concat([own.assign(_rank=0), national.assign(_rank=1)])
        both = both.sort_values(["ssyk", "omgang", "_rank"], ascending=[True, False, True])
        chosen = both.drop_duplicates("ssyk").drop(columns="_rank")
    else:
        chosen = national
    labels = chosen.rename(
        columns={
            "rekryteringssituation": "af_situation",
            "prognos": "af_prognos",
            "omgang": "af_omgang",
            "yb_yrke": "af_yrke",
            "conflict": "af_conflict",
        }
    )
    return AfLabels(labels.loc[:, ["ssyk", *AF_COLUMNS]].reset_index(drop=True), loaded)


def with_af_labels(
    indicators: pd.DataFrame, region_code: str, labels: AfLabels | None
) -> pd.DataFrame:
    """Indicators with AF's columns filled for the region's own SSYK-4 rows (empty elsewhere)."""
    out = indicators.copy()
    if labels is None:
        return out
    own = (out["region_code"] == region_code) & (out["ssyk"].str.len() == 4)
    merged = out.loc[own, ["ssyk"]].merge(labels.labels, on="ssyk", how="left")
    for column in AF_COLUMNS:
        out[column] = None
        out.loc[own, column] = merged[column].to_numpy()
    return out
