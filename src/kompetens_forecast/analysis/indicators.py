"""Structure indicators per region × occupation: size, share, change, location quotient.

Formulas (DESIGN.md §4): share = E_co / E_c (E_c a complete total, `totals.py`); location
quotient LQ = (E_co/E_c)/(E_o/E_riket);
change over k years on break-adjusted values (see level_shifts.py) and its compound annual
rate; raw (unadjusted) change is kept beside it, with a flag when a registered break lies in
the window.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.totals import complete_transform
from kompetens_forecast.schema import RIKET

INDICATOR_COLUMNS = (
    "region_code",
    "ssyk",
    "ssyk_level",
    "year",
    "employed",
    "share",
    "lq",
    "change_1y",
    "change_1y_pct",
    "change_5y",
    "change_5y_pct",
    "change_5y_adj",
    "change_5y_pct_adj",
    "cagr_5y_adj",
    "break_in_1y",
    "break_in_5y",
)


def _value_at(frame: pd.DataFrame, year: int, column: str) -> pd.Series:
    part = frame[frame["year"] == year]
    return part.set_index(["region_code", "ssyk"])[column]


def structure_indicators(
    adjusted: pd.DataFrame,
    regions: Sequence[str],
    break_years: Sequence[int],
    reference: str = RIKET,
    published_totals: pd.Series | None = None,
) -> pd.DataFrame:
    """Indicators for the latest year for each of `regions` (all rows of one SSYK level).

    `adjusted` holds region_code, ssyk, year, value and value_adj, and must include the
    `reference` region (riket) for location quotients. A region's total is complete or
    missing (`totals.complete_total`; `published_totals`, SCB's total per region_code for the
    latest year, fills a total with a suppressed part), so no share or LQ rests on a
    partial sum.
    """
    latest = int(adjusted["year"].max())
    now = _value_at(adjusted, latest, "value")
    now_adj = _value_at(adjusted, latest, "value_adj")

    def change(k: int, column: str) -> pd.Series:
        past = _value_at(adjusted, latest - k, column).reindex(now.index)
        return now_adj - past if column == "value_adj" else now - past

    def pct(k: int, column: str) -> pd.Series:
        past = _value_at(adjusted, latest - k, column).reindex(now.index)
        base = now_adj if column == "value_adj" else now
        return (base / past.where(past > 0) - 1.0) * 100.0

    frame = pd.DataFrame({"employed": now})
    frame["change_1y"] = change(1, "value")
    frame["change_1y_pct"] = pct(1, "value")
    frame["change_5y"] = change(5, "value")
    frame["change_5y_pct"] = pct(5, "value")
    frame["change_5y_adj"] = change(5, "value_adj")
    frame["change_5y_pct_adj"] = pct(5, "value_adj")
    past5_adj = _value_at(adjusted, latest - 5, "value_adj").reindex(now.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["cagr_5y_adj"] = ((now_adj / past5_adj.where(past5_adj > 0)) ** (1 / 5) - 1) * 100
    frame = frame.reset_index()

    region_total = complete_transform(frame, "region_code", "employed", published_totals)
    frame["share"] = frame["employed"] / region_total * 100.0
    ref = frame[frame["region_code"] == reference].set_index("ssyk")["share"]
    frame["lq"] = frame["share"] / frame["ssyk"].map(ref).where(lambda s: s > 0)

    frame["year"] = latest
    frame["ssyk_level"] = frame["ssyk"].str.len().astype("int64")
    frame["break_in_1y"] = any(latest - 1 < b <= latest for b in break_years)
    frame["break_in_5y"] = any(latest - 5 < b <= latest for b in break_years)
    frame = frame[frame["region_code"].isin(list(regions))]
    return frame.loc[:, list(INDICATOR_COLUMNS)].reset_index(drop=True)


#: ISCO-08 skill level by SSYK 2012 major group (SSYK follows ISCO's major groups; SCB's
#: "kompetensnivå"): 1 managers 3–4, 2 professionals 4, 3 technicians 3, 4–8 level 2,
#: 9 elementary 1, 0 armed forces (mixed: officers 4, specialists 3, soldiers 2).
SKILL_LEVEL_BY_MAJOR_GROUP = {
    "0": "1–4",
    "1": "3–4",
    "2": "4",
    "3": "3",
    "4": "2",
    "5": "2",
    "6": "2",
    "7": "2",
    "8": "2",
    "9": "1",
}


def share_women(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per region × occupation: women's share of employees in `year` (per cent).

    `frame` is a canonical employment frame by sex ("1" men, "2" women); missing when either
    part is missing or the total is 0.
    """
    part = frame[(frame["year"] == year) & frame["sex"].isin(["1", "2"])]
    wide = part.pivot_table(
        index=["region_code", "ssyk"], columns="sex", values="value", aggfunc="first"
    )
    total = wide.get("1") + wide.get("2")  # type: ignore[operator]
    out = (wide["2"] / total.where(total > 0) * 100.0).rename("share_women").reset_index()
    return out


def add_composition(indicators: pd.DataFrame, women: pd.DataFrame | None) -> pd.DataFrame:
    """Add women's share, SSYK major group and skill level, and the region's occupational
    concentration (Herfindahl–Hirschman index of occupation shares, 0–10,000)."""
    out = indicators.copy()
    if women is not None and not women.empty:
        lengths = set(out["ssyk"].str.len())
        if lengths == set(women["ssyk"].str.len()):
            out = out.merge(women, on=["region_code", "ssyk"], how="left")
        else:  # women's shares at SSYK-4 but indicators at SSYK-3: leave empty, never mix
            out["share_women"] = np.nan
    else:
        out["share_women"] = np.nan
    out["ssyk_major"] = out["ssyk"].str[0]
    out["skill_level"] = out["ssyk_major"].map(SKILL_LEVEL_BY_MAJOR_GROUP)
    # a missing share (suppressed cell or incomplete total) leaves the index missing
    squared = out.assign(share_sq=out["share"] ** 2)
    out["hhi_occupations"] = complete_transform(squared, "region_code", "share_sq")
    return out
