"""Served test tables shaped like SCB's pay tables (AM0110A) and YREG51, with real values.

Built from the project's copies of the reference data (data/raw) for a few occupations, in the
variables SCB uses: `Sektor`, `Yrke2012`, `Kon`, `ContentsCode`, `Tid` (and `Region` with "SE"
and the riksområden SE11…SE33 for LonYrkeRegion4AN; `Alder` for YREG51). A suppressed cell is
served as missing (marker ".."). For tests only: loopback servers live under tests/.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from support.tables import Table, Variable

RAW = Path(__file__).resolve().parent.parent.parent / "data" / "raw" / "data" / "scb"
SECTORS = {
    "samtliga sektorer": "0",
    "offentlig sektor": "1-3",
    "statlig sektor": "1",
    "kommunal sektor": "2",
    "regionsektorn": "3",
    "privat sektor": "4-5",
    "privatanställda arbetare": "4",
    "privatanställda tjänstemän": "5",
}
SEXES = {"Män": "1", "Kvinnor": "2", "Totalt": "1+2"}
OLD_CONTENTS = {"Medellön": "000000C5", "Median": "000000C6"}
NEW_CONTENTS = {
    "Medel": "000007CD",
    "Median": "000007CE",
    "P10": "000007CF",
    "P25": "000007CG",
    "P75": "000007CH",
    "P90": "000007CI",
}
RIKSOMRADEN = {
    "Riket": "SE",
    "Stockholm": "SE11",
    "Östra Mellansverige": "SE12",
    "Småland med öarna": "SE21",
    "Sydsverige": "SE22",
    "Västsverige": "SE23",
    "Norra Mellansverige": "SE31",
    "Mellersta Norrland": "SE32",
    "Övre Norrland": "SE33",
}


def _cube(
    frame: pd.DataFrame,
    variables: Sequence[Variable],
    columns: Sequence[str],
    contents: dict[str, str],
) -> np.ndarray:
    """Dense values in `variables` order from `frame` (one column per content)."""
    shape = tuple(v.size for v in variables)
    values = np.full(shape, np.nan)
    content_var = next(v for v in variables if v.code == "ContentsCode")
    for source, code in contents.items():
        index = [
            np.array([v.index[str(x)] for x in frame[c]], dtype=np.intp)
            if c is not None
            else np.full(len(frame), content_var.index[code], dtype=np.intp)
            for v, c in zip(variables, columns, strict=True)
        ]
        values[tuple(index)] = frame[source].to_numpy(dtype=np.float64)
    return values


def _contents(contents: dict[str, str], extra: dict[str, str] | None = None) -> Variable:
    labels = {"Medel": "Medellön", "Medellön": "Medellön", **(extra or {})}
    codes = list(contents.values())
    return Variable(
        "ContentsCode",
        "tabellinnehåll",
        codes,
        [labels.get(k, k) for k in contents],
        role="metric",
    )


def pay_table(table_id: str, occupations: Sequence[str], *, new: bool) -> Table:
    """LoneSpridSektorYrk4A (`new=False`: mean and median, 2018–2022) or
    LoneSpridSektYrk4AN (`new=True`: mean, median and percentiles, 2023–2025)."""
    if new:
        frame = pd.read_parquet(RAW / "scb_wage_dispersion_ssyk4_sector_sex_2023_2025.parquet")
        contents, name = NEW_CONTENTS, "LoneSpridSektYrk4AN"
    else:
        frame = pd.read_parquet(RAW / "scb_wages_ssyk4_sector_sex_2018_2025.parquet")
        frame = frame[frame["År"] <= 2022]
        contents, name = OLD_CONTENTS, "LoneSpridSektorYrk4A"
    frame = frame[frame["SSYK"].isin(occupations)].assign(
        Sektor=lambda d: d["Sektor"].map(SECTORS),
        Kon=lambda d: d["Kön"].map(SEXES),
        Tid=lambda d: d["År"].astype(str),
    )
    years = sorted(frame["Tid"].unique())
    variables = [
        Variable("Sektor", "sektor", list(SECTORS.values()), list(SECTORS)),
        Variable("Yrke2012", "yrke (SSYK 2012)", list(occupations), show="code_value"),
        Variable("Kon", "kön", list(SEXES.values()), list(SEXES)),
        _contents(contents),
        Variable("Tid", "år", years, years, role="time", show="code"),
    ]
    values = _cube(frame, variables, ["Sektor", "SSYK", "Kon", None, "Tid"], contents)
    return Table(
        id=table_id,
        label=f"Lönespridning efter sektor, yrke (SSYK 2012) och kön ({name}). År "
        f"{years[0]}-{years[-1]}",
        updated="2026-06-01T00:00:00Z",
        variables=variables,
        values=values,
        markers=("", ".."),
        subject_code="AM",
    )


def region_table(table_id: str, occupations: Sequence[str]) -> Table:
    """LonYrkeRegion4AN: mean pay per riksområde (Region "SE" = Sweden) 2023–2025, plus the
    table's number of employees, which the catalog must leave out."""
    frame = pd.read_parquet(RAW / "scb_wages_riksomrade_ssyk4_sector_sex_2023_2025.parquet")
    frame = frame[frame["SSYK"].isin(occupations)].assign(
        Region=lambda d: d["Region"].map(RIKSOMRADEN),
        Sektor=lambda d: d["Sektor"].map(SECTORS),
        Kon=lambda d: d["Kön"].map(SEXES),
        Tid=lambda d: d["År"].astype(str),
        Antal=1000.0,  # a stand-in headcount (not published here): it must never be kept
    )
    years = sorted(frame["Tid"].unique())
    contents = {"Medellön": "000007AR", "Antal": "000007AS"}
    variables = [
        Variable("Region", "region", list(RIKSOMRADEN.values()), list(RIKSOMRADEN)),
        Variable("Sektor", "sektor", list(SECTORS.values()), list(SECTORS)),
        Variable("Yrke2012", "yrke (SSYK 2012)", list(occupations), show="code_value"),
        Variable("Kon", "kön", list(SEXES.values()), list(SEXES)),
        _contents(contents, {"Antal": "Antal anställda"}),
        Variable("Tid", "år", years, years, role="time", show="code"),
    ]
    values = _cube(frame, variables, ["Region", "Sektor", "SSYK", "Kon", None, "Tid"], contents)
    return Table(
        id=table_id,
        label=f"Medellön efter region, sektor, yrke och kön (LonYrkeRegion4AN). År "
        f"{years[0]}-{years[-1]}",
        updated="2026-06-01T00:00:00Z",
        variables=variables,
        values=values,
        markers=("", ".."),
        subject_code="AM",
    )


def age_table(table_id: str, occupations: Sequence[str]) -> Table:
    """YREG51BAS-shaped: employees by SSYK-4 × age band × sex × year, riket."""
    frame = pd.read_parquet(RAW / "scb_yreg51_riket_ssyk4_age_sex_2014_2023.parquet")
    frame = frame[frame["code_4"].isin(occupations)].assign(
        Alder=lambda d: d["age"].str.replace("065-69", "65-69"),
        Kon=lambda d: d["sex"].map({"men": "1", "women": "2"}),
        Tid=lambda d: d["year"].astype(str),
        value=lambda d: d["value"].astype(float),
    )
    ages = sorted(frame["Alder"].unique())
    years = sorted(frame["Tid"].unique())
    variables = [
        Variable("Yrke2012", "yrke (SSYK 2012)", list(occupations), show="code_value"),
        Variable("Alder", "ålder", ages, ages),
        Variable("Kon", "kön", ["1", "2"], ["män", "kvinnor"]),
        _contents({"value": "000001HG"}, {"value": "Anställda"}),
        Variable("Tid", "år", years, years, role="time", show="code"),
    ]
    values = _cube(frame, variables, ["code_4", "Alder", "Kon", None, "Tid"], {"value": "000001HG"})
    return Table(
        id=table_id,
        label="Anställda efter yrke (SSYK 2012), ålder och kön (YREG51BAS). "
        f"År {years[0]}-{years[-1]}",
        updated="2026-06-01T00:00:00Z",
        variables=variables,
        values=values,
        markers=("", ".."),
        subject_code="AM",
    )
