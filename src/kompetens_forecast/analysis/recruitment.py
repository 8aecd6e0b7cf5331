"""Recruitment breadth: how many education fields an occupation recruits from (RMI-compatible).

From employees by occupation × education field (`employment_education_ssyk`, SUN 2020
inriktning; DESIGN §4 "Matching", METHODS-REFERENCE §3.1):

- `recruitment_breadth_80` = the smallest number of education fields that together hold at
  least 80 % of the occupation's employees (fields ranked by size). A narrow occupation (1–2
  fields: nurses, electricians) depends on specific programmes; a broad one recruits widely.
- `top_education`, `top_education_share` (%) = the largest field and its share.
- Suppression: SCB shows shares only for groups of more than 20 persons; an occupation with
  fewer than `MIN_PERSONS` employees gets no values and `education_suppressed = True`.

Rules (2026-11-28; the table's codes are not verified against a recording): totals (codes such as
"TOT", "Totalt") are dropped, never added to their parts; the unknown field ("US", "999",
"okänd") is kept in the denominator but not counted as a field; only the finest SUN level
present (the longest numeric codes) is used, so levels are never summed together; sex parts
are summed, a "1+2" total is not added to them. Pure functions, no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.panel import sum_parts

MIN_PERSONS = 20
COVERAGE = 0.80
_TOTALS = {"tot", "totalt", "total", "t"}
_UNKNOWN = {"us", "999", "okänd", "uppgift saknas", "9999"}
COLUMNS = (
    "recruitment_breadth_80",
    "top_education",
    "top_education_share",
    "education_employed",
    "education_suppressed",
)


def _finest_level(codes: pd.Series) -> pd.Series:
    """True for codes of the finest SUN level present (the longest all-digit codes) and for
    the unknown field."""
    lowered = codes.str.strip().str.lower()
    numeric = codes.str.fullmatch(r"\d+")
    finest = codes[numeric].str.len().max() if numeric.any() else 0
    return (numeric & (codes.str.len() == finest)) | lowered.isin(_UNKNOWN)


def recruitment_breadth(frame: pd.DataFrame) -> pd.DataFrame:
    """Per (region_code ×) SSYK, latest year: the COLUMNS above.

    `frame`: columns ssyk, education, value[, region_code][, sex][, year]."""
    data = frame.assign(education=frame["education"].astype(str), ssyk=frame["ssyk"].astype(str))
    if "year" in data.columns:
        data = data[data["year"] == data["year"].max()]
    if "sex" in data.columns:
        data = data[data["sex"].astype(str) != "1+2"]
    data = data[~data["education"].str.strip().str.lower().isin(_TOTALS)]
    data = data[_finest_level(data["education"])]
    keys = ["region_code", "ssyk"] if "region_code" in data.columns else ["ssyk"]
    cells = sum_parts(data, [*keys, "education"])
    rows = []
    for key, part in cells.groupby(keys, sort=True):
        total = float(part["value"].sum(min_count=1))
        known = part[~part["education"].str.strip().str.lower().isin(_UNKNOWN)]
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        suppressed = not total >= MIN_PERSONS or part["value"].isna().any()
        if suppressed or known.empty:
            row.update(
                recruitment_breadth_80=np.nan,
                top_education=None,
                top_education_share=np.nan,
                education_employed=total if total == total else np.nan,
                education_suppressed=True,
            )
            rows.append(row)
            continue
        ranked = known.sort_values(["value", "education"], ascending=[False, True])
        cumulative = ranked["value"].cumsum().to_numpy() / total
        reached = np.flatnonzero(cumulative >= COVERAGE - 1e-12)
        row.update(
            recruitment_breadth_80=float(reached[0] + 1) if len(reached) else np.nan,
            top_education=str(ranked["education"].iloc[0]),
            top_education_share=float(ranked["value"].iloc[0]) / total * 100.0,
            education_employed=total,
            education_suppressed=False,
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*keys, *COLUMNS])
