"""Job ads per year (AF Platsbanken history, `job_ads_history`) for a region's report.

The region's own ads where the history has them (a fetched history holds municipalities: a
county's ads are its municipalities' ads summed, counts of disjoint parts), else riket's
(`ads_basis` says which). Whole calendar years only: a year with a month missing from the data
(the collection's first months, the current year) is left out rather than shown too low.
The region's largest occupations are followed by their own code (SSYK-4; municipalities:
SSYK-3, AF's SSYK-4 counts summed within the group). Pure functions, no I/O.
"""

from __future__ import annotations

import pandas as pd

from kompetens_forecast.schema import RIKET

TOTAL = "total"  # the row of all ads with an occupation code
ADS_COLUMNS = ["ads_basis", "ssyk", "ssyk_label", "year", "ads", "positions"]


def _rows_for(history: pd.DataFrame, region: str, members: tuple[str, ...]) -> pd.DataFrame:
    """The history rows that make up `region` (empty when the history does not cover it)."""
    codes = history["region_code"].astype(str)
    if region == RIKET:
        riket = history[codes == RIKET]
        if not riket.empty:
            return riket
        return history[codes.str.len() == codes.str.len().max()]
    places = codes[codes.str.len() == 4]
    wanted = [region, *members] if members else [region]
    prefixes = tuple(c for c in wanted if len(c) == 2)
    exact = {c for c in wanted if len(c) == 4}
    mask = places.str.startswith(prefixes) if prefixes else pd.Series(False, index=places.index)
    mask = mask | places.isin(exact)
    return history.loc[mask[mask].index]


def ads_by_year(
    history: pd.DataFrame,
    region: str,
    members: tuple[str, ...],
    occupations: pd.DataFrame,
    top: int = 5,
) -> pd.DataFrame:
    """Ads and positions per whole year: all occupations (`ssyk` = "total") and the `top`
    largest of `occupations` (ssyk, ssyk_label, employed; largest first) that AF lists.
    `ads_basis` = "region" or "riket"."""
    rows = _rows_for(history, region, members) if region != RIKET else history.iloc[:0]
    basis = "region"
    if rows.empty:  # riket itself, or a region the history does not cover
        rows, basis = _rows_for(history, RIKET, ()), "riket"
    if rows.empty:
        return pd.DataFrame(columns=ADS_COLUMNS)
    month = rows["month"].astype(str)
    year = month.str[:4].astype(int)
    months = month.groupby(year).nunique()
    whole = set(months[months == 12].index)
    rows = rows.assign(year=year)[year.isin(whole)]
    values = [c for c in ("ads", "positions") if c in rows]
    total = rows.groupby("year")[values].sum().reset_index().assign(ssyk=TOTAL, ssyk_label="")
    digits = int(occupations["ssyk"].astype(str).str.len().max()) if len(occupations) else 4
    by_code = rows.assign(ssyk=rows["ssyk"].astype(str).str[:digits])
    by_code = by_code[by_code["ssyk"].str.len() == digits]
    per = by_code.groupby(["ssyk", "year"])[values].sum().reset_index()
    listed = occupations[occupations["ssyk"].astype(str).isin(set(per["ssyk"]))].head(top)
    labels = dict(zip(listed["ssyk"].astype(str), listed["ssyk_label"], strict=True))
    chosen = per[per["ssyk"].isin(labels)].assign(ssyk_label=lambda f: f["ssyk"].map(labels))
    order = {code: i for i, code in enumerate(labels)}
    chosen = chosen.assign(_order=chosen["ssyk"].map(order)).sort_values(["_order", "year"])
    out = pd.concat([total, chosen.drop(columns="_order")], ignore_index=True)
    if "positions" not in out:
        out["positions"] = float("nan")
    out["ads_basis"] = basis
    return out.loc[:, ADS_COLUMNS].reset_index(drop=True)
