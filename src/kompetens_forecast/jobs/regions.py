"""Region resolution and labelling shared by the commands: `all` → riket and the counties,
region names and SSYK labels beside their codes, each row's level."""

from __future__ import annotations

import pandas as pd

from kompetens_forecast.classify.regions import RegionRegistry
from kompetens_forecast.classify.ssyk import OccupationRegistry
from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.schema import RIKET


def label_columns(
    frame: pd.DataFrame,
    regions: RegionRegistry,
    occupations: OccupationRegistry,
    lang: str,
    *,
    beside_codes: bool = True,
) -> pd.DataFrame:
    """Add region_name and ssyk_label, beside their codes or (for contract files) at the end."""
    out = frame.copy()
    names = out["region_code"].map(
        {c: regions.get(c).label(lang) for c in out["region_code"].unique()}
    )
    labels = out["ssyk"].map({c: occupations.get(c).label(lang) for c in out["ssyk"].unique()})
    if beside_codes:
        out.insert(1, "region_name", names)
        out.insert(list(out.columns).index("ssyk") + 1, "ssyk_label", labels)
    else:
        out["region_name"], out["ssyk_label"] = names, labels
    return out


def region_levels(frame: pd.DataFrame, regions: RegionRegistry) -> pd.Series:
    """Each row's region level (riket, lan, kommun, group), from its region code."""
    levels = {code: regions.get(code).level for code in frame["region_code"].unique()}
    return frame["region_code"].map(levels)


def region_codes_for(
    query: str, regions: RegionRegistry, *, counties_only: str | None = None
) -> list[str]:
    """`all` → riket and the 21 counties; otherwise the one region asked for.

    With `counties_only` (the name of what is computed), a municipality or a group is refused
    with an InvalidOptionError before anything is read or written.
    """
    if query.strip().lower() == "all":
        return [RIKET, *(c.code for c in regions.counties())]
    region = regions.get(query)
    if counties_only and region.level not in ("riket", "lan"):
        raise InvalidOptionError(
            f"{counties_only} cover riket and counties, not {region.level} '{region.display()}'.",
            "Use --region all, 00 or a county code (01–25).",
        )
    return [region.code]
