"""Shape canonical employment frames into series: totals over sex, riket, SSYK parents, groups.

Aggregation only ever adds disjoint parts of one level into their parent (sexes into the
total, the 21 counties into riket, SSYK-4 groups into their SSYK-3 parent); rows of different
levels are never added together. A total is missing (NaN) when any of its parts is missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetens_forecast.analysis.totals import complete_total
from kompetens_forecast.errors import DataError
from kompetens_forecast.schema import RIKET

SERIES_KEYS = ("region_code", "ssyk")
UNKNOWN_SSYK = ("0002", "000", "00")  # "yrke okänt" at SSYK-4 and its truncations


def sum_parts(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Sum `value` over groups; a group with any missing part gets NaN (never a partial sum:
    `totals.complete_total`)."""
    return complete_total(frame, list(keys), "value").rename("value").reset_index()


def totals_over_sex(frame: pd.DataFrame) -> pd.DataFrame:
    """region_code × ssyk × year totals over sex (columns region_code, ssyk, year, value).

    SSYK 0002 ("yrke okänt") is not an occupation and is left out; rows for the total over
    sex ("1+2"), if a source carries them, are not added to their parts.
    """
    known = frame[~frame["ssyk"].isin(UNKNOWN_SSYK)]
    if "sex" in known.columns:
        known = known[known["sex"] != "1+2"]
    return sum_parts(known, [*SERIES_KEYS, "year"])


def derive_riket(totals: pd.DataFrame, county_codes: Sequence[str]) -> pd.DataFrame:
    """Add riket ('00') rows as the sum of all counties, unless the data already carry riket.

    Raises DataError when not every county is present: a partial sum is not riket.
    """
    if (totals["region_code"] == RIKET).any():
        return totals
    present = set(totals["region_code"])
    missing = sorted(set(county_codes) - present)
    if missing:
        raise DataError(f"Cannot derive riket: counties {missing} are missing from the data.")
    counties = totals[totals["region_code"].isin(county_codes)]
    riket = sum_parts(counties.assign(region_code=RIKET), [*SERIES_KEYS, "year"])
    return pd.concat([totals, riket], ignore_index=True)


def aggregate_regions(totals: pd.DataFrame, code: str, members: Sequence[str]) -> pd.DataFrame:
    """Rows for a region group as the sum of its member regions (all of one level)."""
    lengths = {len(m) for m in members}
    if len(lengths) != 1:
        raise DataError(f"Region group {code} mixes levels: {sorted(members)}.")
    part = totals[totals["region_code"].isin(members)]
    if set(part["region_code"]) != set(members):
        missing = sorted(set(members) - set(part["region_code"]))
        raise DataError(f"Region group {code}: members {missing} are missing from the data.")
    return sum_parts(part.assign(region_code=code), [*SERIES_KEYS, "year"])


def to_ssyk_level(totals: pd.DataFrame, level: int) -> pd.DataFrame:
    """Aggregate SSYK-4 rows to their level-`level` parents (codes truncated)."""
    lengths = set(totals["ssyk"].str.len())
    if lengths != {4}:
        raise DataError(f"Expected SSYK-4 codes only, found code lengths {sorted(lengths)}.")
    if level == 4:
        return totals
    return sum_parts(totals.assign(ssyk=totals["ssyk"].str[:level]), [*SERIES_KEYS, "year"])


def wide(totals: pd.DataFrame) -> pd.DataFrame:
    """Series as rows (region_code, ssyk) and years as columns."""
    return totals.pivot_table(
        index=list(SERIES_KEYS), columns="year", values="value", aggfunc="first", dropna=False
    ).sort_index(axis=1)
