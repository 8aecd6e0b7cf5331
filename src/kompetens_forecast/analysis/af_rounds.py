"""AF Yrkesbarometer rounds: merging a downloaded round into the stored ones, and the labels
a report shows (the latest round per region × SSYK-4, several barometer occupations voted into
one). Domain rules on the stored dataset, not parsing: the source module only reads AF's file.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from kompetens_forecast.schema import normalize_barometer


def merge_rounds(previous: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Every round of `previous`, with the rounds present in `new` replaced by `new`'s rows."""
    new = normalize_barometer(new)
    if previous is None or previous.empty:
        return new
    previous = normalize_barometer(previous)
    kept = previous[~previous["omgang"].isin(set(new["omgang"]))]
    if kept.empty:
        return new
    return normalize_barometer(pd.concat([kept, new], ignore_index=True))


def rounds_equal(previous: pd.DataFrame | None, new: pd.DataFrame) -> bool:
    """Whether `previous` already holds exactly `new`'s rounds as `new` has them."""
    if previous is None:
        return False
    rounds = set(new["omgang"])
    stored = normalize_barometer(previous)
    stored = stored[stored["omgang"].isin(rounds)].reset_index(drop=True)
    if set(stored["omgang"]) != rounds:
        return False
    return bool(stored.equals(normalize_barometer(new)))


def current_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Per (region_code, ssyk): the latest round's assessment, for reports.

    Columns: region_code, ssyk, omgang, rekryteringssituation, jobbmojligheter, prognos,
    county_level, yb_yrke, n_yrken, conflict. Where several barometer occupations share an
    SSYK-4 code in that round, `yb_yrke` joins their names ("; ", sorted), each label is the
    most common one (a tie goes to the occupation first in alphabetical order), `county_level`
    is True only if all are county-level, and `conflict` is True when their
    rekryteringssituation or prognos differ.
    """
    columns = [
        "region_code",
        "ssyk",
        "omgang",
        "rekryteringssituation",
        "jobbmojligheter",
        "prognos",
        "county_level",
        "yb_yrke",
        "n_yrken",
        "conflict",
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    data = normalize_barometer(frame)
    latest = data.groupby(["region_code", "ssyk"])["omgang"].transform("max")
    data = data[data["omgang"] == latest].sort_values(["region_code", "ssyk", "yb_yrke"])
    out: list[dict[str, Any]] = []
    for (region, ssyk), group in data.groupby(["region_code", "ssyk"], sort=True):
        names = [str(n) for n in group["yb_yrke"]]

        def vote(column: str, group: pd.DataFrame = group) -> str | None:
            values = [str(v) for v in group[column].tolist() if v is not None]
            if not values:
                return None
            counts = Counter(values)
            top = max(counts.values())
            return next(v for v in values if counts[v] == top)  # first in name order wins ties

        out.append(
            {
                "region_code": region,
                "ssyk": ssyk,
                "omgang": group["omgang"].iloc[0],
                "rekryteringssituation": vote("rekryteringssituation"),
                "jobbmojligheter": vote("jobbmojligheter"),
                "prognos": vote("prognos"),
                "county_level": bool(group["county_level"].all()),
                "yb_yrke": "; ".join(names),
                "n_yrken": len(names),
                "conflict": bool(
                    group["rekryteringssituation"].nunique(dropna=True) > 1
                    or group["prognos"].nunique(dropna=True) > 1
                ),
            }
        )
    result = pd.DataFrame(out, columns=columns)
    result["n_yrken"] = result["n_yrken"].astype("int64")
    for column in ("county_level", "conflict"):
        result[column] = result[column].astype(bool)
    return result
