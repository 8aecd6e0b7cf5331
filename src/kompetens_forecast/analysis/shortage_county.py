"""The county's own shortage signals and their check against AF's county labels.

The model is fitted on riket rows, where a county's deviation from riket is 0 by definition,
so the county signals cannot be fitted there; they are reported per county × SSYK-4 and
checked against the labels AF gives per county (Yrkesbarometer rows with `lan` ≠ "00"):

- `growth_vs_riket` = the cell's break-adjusted 5-year CAGR minus riket's for the same
  occupation (points a year);
- `lq_change_5y` = 100 · Δlog LQ over the same 5 years = Δlog E(c,o) − Δlog E(c,·) −
  Δlog E(riket,o) + Δlog E(riket,·), from the break-adjusted 5-year change (a county or riket
  total with a missing part is missing).

The check is within occupation: among pairs of counties AF labels differently on the scale
överskott < balans < brist (paradox left out), the share the signal orders as AF does (ties
count half; 0.5 = chance). National signals give every county the same value and so order no
pair. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.schema import RIKET

COUNTY_SIGNALS = ("growth_vs_riket", "lq_change_5y")
RANK = {"överskott": 0, "balans": 1, "brist": 2}


def _log_growth(now: pd.Series, change: pd.Series) -> pd.Series:
    before = now - change
    ok = (now > 0) & (before > 0)
    return pd.Series(np.log(now.where(ok) / before.where(ok)), index=now.index)


def county_signals(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per region × SSYK-4 (from `regional.indicators_for`): growth_vs_riket, lq_change_5y."""
    cells = indicators[indicators["ssyk"].str.len() == 4]
    frame = pd.DataFrame(
        {
            "region_code": cells["region_code"].astype(str).to_numpy(),
            "ssyk": cells["ssyk"].astype(str).to_numpy(),
            "employed": cells["employed"].astype(float).to_numpy(),
            "change": cells["change_5y_adj"].astype(float).to_numpy(),
            "cagr": cells["cagr_5y_adj"].astype(float).to_numpy(),
        }
    )
    frame["dlog"] = _log_growth(frame["employed"], frame["change"])
    totals = frame.groupby("region_code").agg(
        employed=("employed", lambda v: v.sum(min_count=len(v))),
        change=("change", lambda v: v.sum(min_count=len(v))),
    )
    total_dlog = _log_growth(totals["employed"], totals["change"])
    riket = frame[frame["region_code"] == RIKET].set_index("ssyk")
    national_total = float(total_dlog.get(RIKET, math.nan))
    frame["growth_vs_riket"] = frame["cagr"] - frame["ssyk"].map(riket["cagr"])
    frame["lq_change_5y"] = 100.0 * (
        frame["dlog"]
        - frame["region_code"].map(total_dlog)
        - frame["ssyk"].map(riket["dlog"])
        + national_total
    )
    return frame[["region_code", "ssyk", *COUNTY_SIGNALS]]


def _concordance(rows: pd.DataFrame, column: str) -> tuple[float, int]:
    """Within each occupation: the share of differently-labelled county pairs the column
    orders as AF does (ties half), and the number of such pairs."""
    agree = 0.0
    pairs = 0
    for _, part in rows.groupby("ssyk"):
        rank = part["af_rank"].to_numpy()
        value = part[column].to_numpy(dtype=np.float64)
        for i in range(len(part)):
            for j in range(len(part)):
                if rank[i] > rank[j] and math.isfinite(value[i]) and math.isfinite(value[j]):
                    pairs += 1
                    agree += 1.0 if value[i] > value[j] else 0.5 if value[i] == value[j] else 0.0
    return (agree / pairs if pairs else math.nan), pairs


def county_label_check(cells: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, Any]:
    """`cells`: county rows with `af_status`, `af_county_level` and the `columns` to check.
    Per subset (all county labels; AF's own county-level assessments only): rows,
    occupations, and per column the within-occupation concordance and its pairs."""
    county = cells[(cells["region_code"] != RIKET) & cells["af_status"].isin(list(RANK))].copy()
    county["af_rank"] = county["af_status"].map(RANK)
    level = county["af_county_level"].astype("boolean").fillna(False).astype(bool)
    out: dict[str, Any] = {}
    for name, rows in (("all_county_labels", county), ("county_level_only", county[level])):
        entry: dict[str, Any] = {
            "rows": len(rows),
            "occupations": sorted(rows["ssyk"].unique().tolist()),
            "labels": {str(k): int(v) for k, v in rows["af_status"].value_counts().items()},
        }
        for column in columns:
            value, pairs = _concordance(rows, column)
            entry[column] = {"concordance": value, "pairs": pairs}
        out[name] = entry
    return out
