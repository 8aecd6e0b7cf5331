"""Build the embedded demo dataset (`data/store`) from the project's reference data.

    /work/venv/bin/python scripts/build_demo_data.py [--shared data/raw] [--out data/store]

Writes three datasets with `kompetens_forecast.store.Store`:

- `employment_county_ssyk4` (scb): real SCB employees by county × SSYK-4 × sex, 2014–2023;
- `yrkesbarometer` (af): Arbetsförmedlingen's Yrkesbarometer, rounds 2025-2 (sample) and
  2026-1 (national subset), raw ordinal labels, multi-code rows exploded to SSYK-4;
- `employment_kommun_ssyk3` (synthetic): SYNTHETIC kommun × SSYK-3 × sex counts allocated from
  the real county counts by `scripts/synthetic.py:allocate_to_municipalities`.

Deterministic: fixed retrieval stamps and seed, sorted rows; re-running with the same library
versions gives byte-identical Parquet files (tests/test_demo_data.py checks the checksums).
See data/README.md for provenance, licences, the allocation rule and the series breaks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow

from kompetens_forecast.analysis.af_rounds import merge_rounds
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.schema import RIKET, YB_COLUMNS, validate_observations
from kompetens_forecast.sources.af_yrkesbarometer import parse_full, parse_national_subset
from kompetens_forecast.store.breaks import load_breaks
from kompetens_forecast.store.manifest import Manifest, SeriesBreak
from kompetens_forecast.store.store import Store

# the seeded kommun allocation lives beside this script (it builds demo data, not the product)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import AllocationParams, aggregate_ssyk, allocate_to_municipalities

REPO = Path(__file__).resolve().parent.parent

#: When this demo dataset was assembled from the reference copies (the upstream pulls are not
#: dated); fixed so that rebuilding gives the same manifests and vintages.
ASSEMBLED_AT = "2026-11-28T00:00:00Z"
SEED = 20231
ALLOCATION_PARAMS = AllocationParams(base_sigma=1.0, occupation_sigma=0.5, drift_sigma=0.02)

EMPLOYMENT = "employment_county_ssyk4"
WAGES = "wages_ssyk4"
AGE = "employment_age_ssyk4"
ADS_HISTORY = "job_ads_history"
BAROMETER = "yrkesbarometer"
KOMMUN = "employment_kommun_ssyk3"
DIMS = ("region_code", "ssyk", "sex")
SEX_CODES = {"men": "1", "women": "2"}

SCB_FILE = "data/scb/scb_yreg60_county_ssyk4_sex_2014_2023.parquet"
YB_DIR = "fixtures/af/yrkesbarometer"
YB_FULL = ("yrkesbarometer_2025-2_sample.json", "yrkesbarometer_2025-2_multi_ssyk_rows.json")
YB_SUBSET = "yrkesbarometer_2026-1_national_subset_ssyk4.csv"
YB_SUBSET_ROUND = "2026-1"
REGION_CODES_FILE = "data/codes/scb_regions_riket_lan_kommun.csv"
WAGES_FILE = "data/scb/scb_wages_ssyk4_sector_sex_2018_2025.parquet"
DISPERSION_FILE = "data/scb/scb_wage_dispersion_ssyk4_sector_sex_2023_2025.parquet"
WAGES_REGION_FILE = "data/scb/scb_wages_riksomrade_ssyk4_sector_sex_2023_2025.parquet"
AGE_FILE = "data/scb/scb_yreg51_riket_ssyk4_age_sex_2014_2023.parquet"
ADS_FILE = "data/af/af_postings_ssyk4_monthly_riket_2020_2026.csv"
POPULATION_FILE = "data/scb/scb_population_kommun_2020_2025.csv"
#: The year of real kommun population that sizes the synthetic municipalities.
POPULATION_YEAR = 2023

#: SCB's codes for `Sektor` in the pay tables (LoneSpridSektYrk4AN and relatives).
SECTOR_CODES = {
    "samtliga sektorer": "0",
    "offentlig sektor": "1-3",
    "statlig sektor": "1",
    "kommunal sektor": "2",
    "regionsektorn": "3",
    "privat sektor": "4-5",
    "privatanställda arbetare": "4",
    "privatanställda tjänstemän": "5",
}
WAGE_SEX_CODES = {"Män": "1", "Kvinnor": "2", "Totalt": "1+2"}
#: Riksområden (NUTS 2) by SCB's name → their ids in configs/region_groups.toml.
RIKSOMRADE_CODES = {
    "Stockholm": "SE11",
    "Östra Mellansverige": "SE12",
    "Småland med öarna": "SE21",
    "Sydsverige": "SE22",
    "Västsverige": "SE23",
    "Norra Mellansverige": "SE31",
    "Mellersta Norrland": "SE32",
    "Övre Norrland": "SE33",
}
WAGE_MEASURES = {
    "Medel": "mean",
    "Median": "median",
    "P10": "p10",
    "P25": "p25",
    "P75": "p75",
    "P90": "p90",
}
CANARIES_CREDIT = "Lodefalk, Löthman, Koch, Engberg (2026), canaries-sweden, CC BY 4.0"

UPSTREAM = {
    "repository": "joseph-data/AI_Econ_daioe_years_regions",
    "commit": "7c13a658",
    "path": "data/scb_yr_regions.parquet",
    "mirror_of": "ai-econ-lab/AI_Econ_daioe_years_regions",
    "licence": "CC BY 4.0 (published datasets of ai-econ-lab/AI_Econ_daioe_years_regions)",
    "retrieval": "SCB API v1, lang=en",
}
SCB_LICENCE = (
    "SCB data: CC0 (open data; cite 'Källa: SCB'). Compilation: joseph-data/"
    "AI_Econ_daioe_years_regions @ 7c13a658, a mirror of ai-econ-lab/AI_Econ_daioe_years_regions, "
    "whose published datasets are CC BY 4.0: credit that project when redistributing."
)
SCB_PROVENANCE = (
    "SCB yrkesregistret med yrkesstatistik (AM0208M), tables YREG60 (2014–2018), YREG60N "
    "(RAMS, 2019–2021) and YREG60BAS (BAS, 2020–2023), stitched by year with the newest table "
    "winning in the 2020–2021 overlap. Pulled from the SCB API v1 (lang=en) and published in "
    "joseph-data/AI_Econ_daioe_years_regions @ 7c13a658 : data/scb_yr_regions.parquet (mirror "
    "of ai-econ-lab/AI_Econ_daioe_years_regions); copied unchanged to the project's reference "
    f"data as {SCB_FILE}. Recoded by scripts/build_demo_data.py: sex men/women → SCB codes 1/2, "
    "year to integer, value to float; Swedish county and SSYK labels added from data/codes. "
    "Original retrieval date not recorded upstream; retrieved_at is when this demo was assembled."
)
YB_PROVENANCE = (
    "Arbetsförmedlingen, Yrkesbarometer (https://data.arbetsformedlingen.se/prognoser/"
    "yrkesbarometer.json). Round 2025-2: 66 rows (occupations SSYK 4119, 3511, 2222 × riket + "
    "21 län) and 2 verbatim rows of 'Jurister' (6 SSYK codes; riket and Stockholms län) as "
    "copied in SusannaR11/AI_agent_jobsearch_project @ 36185ce3 (prose fields, regenerated "
    "there from AF's templates, are not kept). Round 2026-1: national level only, 96 of the 205 "
    "barometer occupations in a reduced field set, from smaaningom/malmo @ 0945f6c4 "
    "assets/jobs-data.js (a filtered copy of AF's file), mapped to SSYK-4 in the reference data "
    f"({YB_DIR}/{YB_SUBSET}). Multi-code rows are exploded to one row per SSYK-4 code."
)
KOMMUN_PROVENANCE = (
    "SYNTHETIC. Allocated from the real county counts of employment_county_ssyk4 (SCB, see "
    "that dataset) by scripts/synthetic.py:allocate_to_municipalities with the seed "
    "and parameters in `extra`; kommun → län from data/codes/scb_regions_riket_lan_kommun.csv "
    "(SCB, TAB6471 metadata). Only the county × SSYK-3 × sex × year sums are real."
)
ALLOCATION_RULE = (
    "The real county × SSYK-4 × sex × year counts are summed to SSYK-3 (the parent level of "
    "the same hierarchy; levels are never mixed). Each kommun k gets the weight "
    "w(k,o,t) = b(k) · p(k,o) · exp(d(k,o) · (t − 2014)) for SSYK-3 group o and year t, with "
    "the base weight b(k) = the kommun's real population on 31 December 2023 (SCB; the seeded "
    "LogNormal(0, base_sigma) base draw is made but replaced, keeping the random stream), "
    "a seeded kommun × SSYK-3 perturbation p(k,o) ~ LogNormal(0, occupation_sigma) and a small "
    "seeded per-year drift d(k,o) ~ Normal(0, drift_sigma); both sexes share the weights. Each "
    "county × SSYK-3 × sex × year count is split over the county's kommuner in proportion to "
    "w and integerised by the largest-remainder method (floors, then one more person each to "
    "the kommuner with the largest fractional remainders, ties to the lower kommun code), so "
    "kommun values sum exactly to the real county value in every cell; Gotland (09) has one "
    "kommun (0980), which gets the whole county value. Random numbers come from "
    "numpy.random.default_rng(seed), drawn for kommuner and SSYK-3 codes in sorted order."
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _built_with() -> dict[str, str]:
    return {"pandas": pd.__version__, "pyarrow": pyarrow.__version__, "numpy": np.__version__}


def _swedish_percent(change: float) -> str:
    """0.0895 → '+8,9 %' (Swedish decimal comma, space before %, true minus sign)."""
    sign = "+" if change >= 0 else "−"
    return f"{sign}{abs(change) * 100:.1f} %".replace(".", ",")


def _thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


# -- employment_county_ssyk4 ----------------------------------------------------------------------
def build_employment(shared: Path, *, validate: bool = True) -> pd.DataFrame:
    raw = pd.read_parquet(shared / SCB_FILE)
    unknown_sex = set(raw["sex"]) - set(SEX_CODES)
    if unknown_sex:
        raise SystemExit(f"Unexpected sex values in {SCB_FILE}: {sorted(unknown_sex)}")
    regions, occupations = default_registry(), default_occupations()
    frame = pd.DataFrame(
        {
            "region_code": raw["county_code"].astype(str),
            "ssyk": raw["code_4"].astype(str),
            "sex": raw["sex"].map(SEX_CODES).astype(object),
            "year": raw["year"].astype("int64"),
            "value": raw["value"].astype("float64"),
            "symbol": pd.Series([None] * len(raw), dtype=object),
        }
    )
    frame = frame.sort_values([*DIMS, "year"], ignore_index=True)
    region_labels = {code: regions.get(code).name for code in frame["region_code"].unique()}
    ssyk_labels = {code: occupations.get(code).label_sv for code in frame["ssyk"].unique()}
    frame["region_label"] = frame["region_code"].map(region_labels)
    frame["ssyk_label"] = frame["ssyk"].map(ssyk_labels)
    return validate_observations(frame, DIMS, EMPLOYMENT) if validate else frame


def _english_fallbacks(codes: pd.Series) -> list[str]:
    """SSYK codes whose `ssyk_label` is English because no Swedish label exists."""
    occupations = default_occupations()
    return sorted(c for c in codes.unique() if occupations.get(c).label_sv_is_fallback)


def national_change(frame: pd.DataFrame, before: int, after: int) -> tuple[float, float, float]:
    totals = frame.groupby("year")["value"].sum()
    return float(totals[before]), float(totals[after]), float(totals[after] / totals[before] - 1)


def employment_breaks(frame: pd.DataFrame) -> tuple[list[SeriesBreak], dict[str, Any]]:
    """The registered breaks, checked against the data.

    The national change from the year before each break is computed here; the register's
    `effect` text must state it (e.g. '+8,9 %'), so the register cannot drift from the data.
    """
    breaks = load_breaks(EMPLOYMENT)
    checked: list[SeriesBreak] = []
    figures: dict[str, Any] = {}
    for brk in breaks:
        before, after, change = national_change(frame, brk.year - 1, brk.year)
        figures[str(brk.year)] = {
            "national_total_before": before,
            "national_total_after": after,
            "change": round(change, 6),
        }
        expected = _swedish_percent(change)
        if expected not in brk.effect:
            raise SystemExit(
                f"configs/series_breaks.toml: the {brk.year} break's effect should state "
                f"{expected} (riket {_thousands(before)} → {_thousands(after)}); it says "
                f"{brk.effect!r}. Update the register."
            )
        checked.append(brk)
    return checked, figures


# -- yrkesbarometer -------------------------------------------------------------------------------
def _subset_from_mapping(
    mapping: pd.DataFrame,
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The reference CSV (one row per barometer occupation × SSYK-4) → records in the reduced
    national format plus each occupation's SSYK-4 codes, for `parse_national_subset(codes=)`."""
    fields = ["area", "situation", "chances", "trend", "n_ssyk_in_row"]
    per_name = mapping.groupby("yb_name", sort=False)
    if (per_name[fields].nunique() > 1).any().any():
        raise SystemExit(f"{YB_SUBSET}: an occupation has two different assessments.")
    codes = {str(name): rows["ssyk4"].astype(str).tolist() for name, rows in per_name}
    records = [
        {
            "name": str(name),
            "area": rows["area"].iloc[0],
            "situation": rows["situation"].iloc[0],
            "chances": rows["chances"].iloc[0],
            "trend": rows["trend"].iloc[0],
        }
        for name, rows in per_name
    ]
    wrong = sorted(
        str(name)
        for name, rows in per_name
        if int(rows["n_ssyk_in_row"].iloc[0]) != len(codes[str(name)])
    )
    if wrong:
        raise SystemExit(f"{YB_SUBSET}: n_ssyk_in_row disagrees with the rows for {wrong}.")
    return records, codes


def build_yrkesbarometer(shared: Path) -> pd.DataFrame:
    """Both rounds through the library parsers (`kompetens_forecast.sources.af_yrkesbarometer`).

    2026-1 keeps the reference CSV's name → SSYK-4 mapping (data/raw has no copy of the JSON);
    tests/test_af_yrkesbarometer.py checks that the library's name matcher gives the same rows
    from the recorded JSON.
    """
    records: list[dict[str, Any]] = []
    for name in YB_FULL:
        records += json.loads((shared / YB_DIR / name).read_text(encoding="utf-8"))
    full = parse_full(records)
    mapping = pd.read_csv(shared / YB_DIR / YB_SUBSET, dtype=str, keep_default_na=False)
    subset_records, codes = _subset_from_mapping(mapping)
    subset, unmatched = parse_national_subset(
        subset_records, omgang=YB_SUBSET_ROUND, labels={}, codes=codes
    )
    if unmatched:
        raise SystemExit(f"{YB_SUBSET}: no SSYK-4 codes for {unmatched}.")
    frame = merge_rounds(full, subset)
    if list(frame.columns) != YB_COLUMNS:
        raise SystemExit(f"yrkesbarometer: columns {list(frame.columns)} != {YB_COLUMNS}.")
    occupation = frame["yb_concept_id"].fillna(frame["yb_yrke"])
    key = [frame["omgang"], frame["region_code"], frame["ssyk"]]
    if pd.concat([*key, occupation], axis=1).duplicated().any():
        raise SystemExit("yrkesbarometer: duplicate (omgang, region_code, ssyk, occupation) rows.")
    inconsistent = frame["paradox"] != (frame["rekryteringssituation"] == "paradox")
    if inconsistent.any():
        raise SystemExit("yrkesbarometer: paradox list and label 'paradox' disagree.")
    return frame


# -- employment_kommun_ssyk3 (synthetic) --------------------------------------------------------
def build_kommun(
    county: pd.DataFrame, population: dict[str, float], *, validate: bool = True
) -> pd.DataFrame:
    regions, occupations = default_registry(), default_occupations()
    kommun_to_lan = {r.code: str(r.lan_code) for r in regions.municipalities()}
    cells = aggregate_ssyk(county.loc[:, [*DIMS, "year", "value", "symbol"]], 3)
    frame = allocate_to_municipalities(
        cells, kommun_to_lan, seed=SEED, params=ALLOCATION_PARAMS, base_weights=population
    )
    region_labels = {code: regions.get(code).name for code in frame["region_code"].unique()}
    ssyk_labels = {code: occupations.get(code).label_sv for code in frame["ssyk"].unique()}
    frame.insert(6, "region_label", frame["region_code"].map(region_labels))
    frame.insert(7, "ssyk_label", frame["ssyk"].map(ssyk_labels))
    return validate_observations(frame, DIMS, KOMMUN) if validate else frame


# -- wages_ssyk4 --------------------------------------------------------------------------------
def _wage_cells(frame: pd.DataFrame, region: pd.Series, measures: dict[str, str]) -> pd.DataFrame:
    """One canonical row per cell and measure; a suppressed value becomes missing with '..'."""
    unknown = (set(frame["Sektor"]) - set(SECTOR_CODES)) | (set(frame["Kön"]) - set(WAGE_SEX_CODES))
    if unknown:
        raise SystemExit(f"wages: unexpected sector/sex values {sorted(unknown)}")
    parts = []
    for column, measure in measures.items():
        parts.append(
            pd.DataFrame(
                {
                    "region_code": region.to_numpy(),
                    "ssyk": frame["SSYK"].astype(str).to_numpy(),
                    "sector": frame["Sektor"].map(SECTOR_CODES).to_numpy(),
                    "sex": frame["Kön"].map(WAGE_SEX_CODES).to_numpy(),
                    "measure": measure,
                    "year": frame["År"].astype("int64").to_numpy(),
                    "value": frame[column].astype("float64").to_numpy(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["symbol"] = pd.Series(None, index=out.index, dtype=object)
    out.loc[out["value"].isna(), "symbol"] = ".."
    return out


WAGE_DIMS = ("region_code", "ssyk", "sector", "sex", "measure")


def build_wages(shared: Path) -> pd.DataFrame:
    """Riket mean and median 2018–2025 (LoneSpridSektorYrk4A + LoneSpridSektYrk4AN), riket
    percentiles 2023–2025 (LoneSpridSektYrk4AN) and mean pay per riksområde 2023–2025
    (LonYrkeRegion4AN). The dispersion file's mean/median and the regional file's Riket rows
    must agree with the main file where both publish a figure (checked; their suppression
    differs), so riket's mean and median are taken from the main file only."""
    wages = pd.read_parquet(shared / WAGES_FILE)
    dispersion = pd.read_parquet(shared / DISPERSION_FILE)
    regional = pd.read_parquet(shared / WAGES_REGION_FILE)
    keys = ["SSYK", "Sektor", "Kön", "År"]
    check = dispersion.merge(wages, on=keys, how="left", suffixes=("", "_main"))
    # the tables suppress different cells; where both publish a figure it must be the same
    for a, b in (("Medel", "Medellön"), ("Median", "Median_main")):
        both = check[a].notna() & check[b].notna()
        if (check.loc[both, a] != check.loc[both, b]).any():
            raise SystemExit(f"wages: {DISPERSION_FILE} {a} disagrees with {WAGES_FILE}.")
    riket_reg = regional[regional["Region"] == "Riket"].merge(wages, on=keys, how="left")
    both = riket_reg["Medellön_x"].notna() & riket_reg["Medellön_y"].notna()
    if (riket_reg.loc[both, "Medellön_x"] != riket_reg.loc[both, "Medellön_y"]).any():
        raise SystemExit(f"wages: {WAGES_REGION_FILE} Riket disagrees with {WAGES_FILE}.")
    regions = regional[regional["Region"] != "Riket"]
    unknown = set(regions["Region"]) - set(RIKSOMRADE_CODES)
    if unknown:
        raise SystemExit(f"wages: unknown riksområden {sorted(unknown)}")
    frame = pd.concat(
        [
            _wage_cells(
                wages, pd.Series(RIKET, index=wages.index), {"Medellön": "mean", "Median": "median"}
            ),
            _wage_cells(
                dispersion,
                pd.Series(RIKET, index=dispersion.index),
                {k: v for k, v in WAGE_MEASURES.items() if k.startswith("P")},
            ),
            _wage_cells(regions, regions["Region"].map(RIKSOMRADE_CODES), {"Medellön": "mean"}),
        ],
        ignore_index=True,
    )
    frame = frame.sort_values([*WAGE_DIMS, "year"], ignore_index=True)
    return validate_observations(frame, WAGE_DIMS, WAGES)


# -- employment_age_ssyk4 ----------------------------------------------------------------------
AGE_DIMS = ("region_code", "ssyk", "age", "sex")


def build_age(shared: Path) -> pd.DataFrame:
    """Employees by SSYK-4 × age band × sex, riket (YREG51 family); ages as SCB writes them
    ("16-24" … "60-64", "65-69"; the source's "065-69" is SCB's sort key for 65-69)."""
    raw = pd.read_parquet(shared / AGE_FILE)
    unknown_sex = set(raw["sex"]) - set(SEX_CODES)
    if unknown_sex:
        raise SystemExit(f"Unexpected sex values in {AGE_FILE}: {sorted(unknown_sex)}")
    frame = pd.DataFrame(
        {
            "region_code": RIKET,
            "ssyk": raw["code_4"].astype(str),
            "age": raw["age"].astype(str).str.replace(r"^0(?=\d\d-)", "", regex=True),
            "sex": raw["sex"].map(SEX_CODES).astype(object),
            "year": raw["year"].astype("int64"),
            "value": raw["value"].astype("float64"),
            "symbol": pd.Series([None] * len(raw), dtype=object),
        }
    )
    frame = frame.sort_values([*AGE_DIMS, "year"], ignore_index=True)
    return validate_observations(frame, AGE_DIMS, AGE)


# -- job_ads_history (riket) --------------------------------------------------------------------
def manager_code_map(af_codes: Sequence[str], ssyk4: Sequence[str]) -> dict[str, str]:
    """AF's manager codes without SCB's nivå 1/2 split (1210, 1220, …) → their SSYK-3 group
    (121, 122, …), which holds exactly the SSYK 2012 codes 12x1 and 12x2: the ads are kept at
    the parent level instead of being split by guess. Every other code maps to itself."""
    known = set(ssyk4)
    out: dict[str, str] = {}
    for code in af_codes:
        if code in known:
            out[code] = code
        elif code.endswith("0") and any(k.startswith(code[:3]) for k in known):
            out[code] = code[:3]
        else:
            raise SystemExit(f"{ADS_FILE}: AF code {code} matches no SSYK 2012 code.")
    return out


def build_ads_history(shared: Path, ssyk4: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Monthly ads (`ads`) and vacancies (`positions`) per SSYK for riket, in the layout of the
    history fetcher (`month`, `region_code`, `ssyk`, `ads`, `positions`)."""
    raw = pd.read_csv(shared / ADS_FILE, dtype={"ssyk4": str, "year_month": str})
    mapping = manager_code_map(sorted(raw["ssyk4"].unique()), ssyk4)
    frame = pd.DataFrame(
        {
            "month": raw["year_month"],
            "region_code": RIKET,
            "ssyk": raw["ssyk4"].map(mapping),
            "ads": raw["n_ads"].astype("int64"),
            "positions": raw["n_vacancies"].astype("int64"),
        }
    )
    if frame.duplicated(["month", "ssyk"]).any():
        raise SystemExit(f"{ADS_FILE}: two AF codes map to one SSYK code in a month.")
    frame = frame.sort_values(["month", "region_code", "ssyk"], ignore_index=True)
    return frame, {k: v for k, v in mapping.items() if k != v}


def population_weights(shared: Path) -> dict[str, float]:
    """Real kommun population (31 December of POPULATION_YEAR) as allocation base weights."""
    pop = pd.read_csv(shared / POPULATION_FILE, dtype={"municipality_code": str})
    pop = pop[pop["year"] == POPULATION_YEAR]
    return {
        str(c): float(v) for c, v in zip(pop["municipality_code"], pop["population"], strict=True)
    }


# -- writing ------------------------------------------------------------------------------------
def build(shared: Path, out: Path, *, validate: bool = True) -> list[Manifest]:
    """Build the three datasets into the store at `out` (replacing earlier builds of them).

    `validate=False` skips the pandera validation of the observation frames (it only checks and
    does not change them; the rebuild test skips it to stay fast). The script always validates.
    """
    for directory in (
        out / "source=scb" / f"dataset={EMPLOYMENT}",
        out / "source=af" / f"dataset={BAROMETER}",
        out / "source=synthetic" / f"dataset={KOMMUN}",
        out / "source=scb" / f"dataset={WAGES}",
        out / "source=scb" / f"dataset={AGE}",
        out / "source=af" / f"dataset={ADS_HISTORY}",
    ):
        shutil.rmtree(directory, ignore_errors=True)
    store = Store(out)
    built_with = _built_with()

    employment = build_employment(shared, validate=validate)
    breaks, break_figures = employment_breaks(employment)
    years = sorted(int(y) for y in employment["year"].unique())
    manifests = [
        store.write(
            employment,
            dataset=EMPLOYMENT,
            source="scb",
            title=(
                "Anställda 16–64 (16–69 från 2023) efter arbetsställets län, yrke (SSYK 2012) "
                "och kön"
            ),
            table_ids=["AM0208M/YREG60", "AM0208M/YREG60N", "AM0208M/YREG60BAS"],
            dims=list(DIMS),
            retrieved_at=ASSEMBLED_AT,
            provenance=SCB_PROVENANCE,
            licence=SCB_LICENCE,
            breaks=breaks,
            extra={
                "upstream": UPSTREAM,
                "years": [years[0], years[-1]],
                "riket": "derived as the sum of the 21 counties",
                "region": "workplace county (arbetsställets län)",
                "sex_codes": {"1": "men", "2": "women"},
                "ssyk_label_english_fallback": _english_fallbacks(employment["ssyk"]),
                "break_figures": break_figures,
                "input_sha256": _sha256(shared / SCB_FILE),
                "built_with": built_with,
            },
        )
    ]

    barometer = build_yrkesbarometer(shared)
    manifests.append(
        store.write(
            barometer,
            dataset=BAROMETER,
            source="af",
            title=(
                "Arbetsförmedlingens Yrkesbarometer: rekryteringssituation, jobbmöjligheter och "
                "prognos på fem år per yrke och län (urval; omgång 2025-2 och 2026-1)"
            ),
            table_ids=["yrkesbarometer.json"],
            dims=["omgang", "region_code", "ssyk", "yb_yrke"],
            retrieved_at=ASSEMBLED_AT,
            provenance=YB_PROVENANCE,
            licence="CC0 (Arbetsförmedlingen open data)",
            extra={
                "rounds": sorted(barometer["omgang"].unique().tolist()),
                "labels_raw": True,
                "county_level_rule": (
                    "county_level is True only for a län row (region_code != '00') whose "
                    "hogsta_bedomningsniva is 'län'; rows assessed at 'nuts2', 'nuts1' or "
                    "'nationellt' level copy a wider region's assessment to the län, and "
                    "riket rows are national. In the full format this coincides with "
                    "delvis_helt == 'helt' on län rows."
                ),
                "paradox_rule": (
                    "full format: the row's paradox list is non-empty; national subset: "
                    "rekryteringssituation == 'paradox' (the two agree in the full format)"
                ),
                "files": [f"{YB_DIR}/{name}" for name in (*YB_FULL, YB_SUBSET)],
                "input_sha256": {
                    name: _sha256(shared / YB_DIR / name) for name in (*YB_FULL, YB_SUBSET)
                },
                "built_with": built_with,
            },
        )
    )

    kommun = build_kommun(employment, population_weights(shared), validate=validate)
    manifests.append(
        store.write(
            kommun,
            dataset=KOMMUN,
            source="synthetic",
            title=(
                "SYNTETISKA DATA (synthetic): anställda efter kommun, yrke (SSYK 2012, 3 siffror) "
                "och kön, fördelade slumpmässigt från verkliga länssiffror"
            ),
            table_ids=["AM0208M/YREG60", "AM0208M/YREG60N", "AM0208M/YREG60BAS"],
            dims=list(DIMS),
            retrieved_at=ASSEMBLED_AT,
            synthetic=True,
            provenance=KOMMUN_PROVENANCE,
            licence=(
                "Synthetic numbers derived from SCB data (CC0) as compiled by joseph-data/"
                "AI_Econ_daioe_years_regions @ 7c13a658 (mirror of ai-econ-lab/"
                "AI_Econ_daioe_years_regions, CC BY 4.0)."
            ),
            breaks=breaks,
            extra={
                "synthetic": True,
                "allocated_from": EMPLOYMENT,
                "seed": SEED,
                "allocation_rule": ALLOCATION_RULE,
                "allocation_params": ALLOCATION_PARAMS.as_dict(),
                "ssyk_label_english_fallback": _english_fallbacks(kommun["ssyk"]),
                "function": "scripts/synthetic.py:allocate_to_municipalities",
                "base_weights": (
                    f"real kommun population 31 December {POPULATION_YEAR} ({POPULATION_FILE}, "
                    "SCB BE0101, CC0)"
                ),
                "population_sha256": _sha256(shared / POPULATION_FILE),
                "kommun_to_lan": REGION_CODES_FILE,
                "years": [years[0], years[-1]],
                "built_with": built_with,
            },
        )
    )
    manifests += build_signals(store, shared, employment, breaks, built_with)
    return manifests


def build_signals(
    store: Store,
    shared: Path,
    employment: pd.DataFrame,
    breaks: list[SeriesBreak],
    built_with: dict[str, str],
) -> list[Manifest]:
    """The shortage signals: pay, age structure and monthly ads (all real)."""
    wages = build_wages(shared)
    age = build_age(shared)
    ads, manager_map = build_ads_history(shared, sorted(employment["ssyk"].unique()))
    lonestatistik = "henriq-s/lonestatistik @ 1d4717b5 (MIT)"
    return [
        store.write(
            wages,
            dataset=WAGES,
            source="scb",
            title=(
                "Månadslön (medel, median, percentiler) efter yrke (SSYK 2012, 4 siffror), "
                "sektor och kön; riket och riksområden"
            ),
            table_ids=[
                "AM0110A/LoneSpridSektorYrk4A",
                "AM0110A/LoneSpridSektYrk4AN",
                "AM0110A/LonYrkeRegion4AN",
            ],
            dims=list(WAGE_DIMS),
            retrieved_at=ASSEMBLED_AT,
            provenance=(
                "SCB lönestrukturstatistik (AM0110A): mean and median monthly pay per SSYK-4 × "
                "sector × sex, riket, 2018–2022 (LoneSpridSektorYrk4A) and 2023–2025 "
                "(LoneSpridSektYrk4AN); percentiles P10–P90 2023–2025 (LoneSpridSektYrk4AN); mean "
                "pay per riksområde (NUTS 2) 2023–2025 (LonYrkeRegion4AN). Compiled in "
                f"{lonestatistik}: data/lonutveckling.parquet, data/lonespridning.parquet, "
                "data/lonregion.parquet (its 'Antal anställda' column removed), copied to "
                f"{WAGES_FILE}, {DISPERSION_FILE}, {WAGES_REGION_FILE}. Recoded by "
                "scripts/build_demo_data.py: sector and sex to SCB's codes, riksområden to their "
                "NUTS ids (configs/region_groups.toml), one row per measure; suppressed cells are "
                "missing with marker '..'. SSYK 0000 = all occupations (SCB's total)."
            ),
            licence=(
                f"SCB data: CC0 (open data; cite 'Källa: SCB'). Compilation: {lonestatistik}."
            ),
            extra={
                "unit": "SEK per month (full-time equivalent)",
                "sector_codes": {v: k for k, v in SECTOR_CODES.items()},
                "sex_codes": {"1": "men", "2": "women", "1+2": "total"},
                "measures": sorted(set(WAGE_MEASURES.values())),
                "regions": {"00": "Riket", **{v: k for k, v in RIKSOMRADE_CODES.items()}},
                "input_sha256": {
                    f: _sha256(shared / f) for f in (WAGES_FILE, DISPERSION_FILE, WAGES_REGION_FILE)
                },
                "built_with": built_with,
            },
        ),
        store.write(
            age,
            dataset=AGE,
            source="scb",
            title="Anställda efter yrke (SSYK 2012, 4 siffror), ålder och kön; riket",
            table_ids=["AM0208M/YREG51", "AM0208M/YREG51N", "AM0208M/YREG51BAS"],
            dims=list(AGE_DIMS),
            retrieved_at=ASSEMBLED_AT,
            provenance=(
                "SCB yrkesregistret med yrkesstatistik (AM0208M), tables YREG51 (2014–2018), "
                "YREG51N (2019–2021), YREG51BAS (2020–2023), newest wins; riket. Compiled in "
                "ai-econ-lab/AI_Econ_daioe_years_v2 @ bd7b4682 data/processed/"
                f"ssyk12_aggregated_ssyk4_to_ssyk1.parquet (MIT), copied to {AGE_FILE}. Recoded: "
                "sex to 1/2, age '065-69' to '65-69'. Ages 65–69 only from 2023 (series break)."
            ),
            licence=(
                "SCB data: CC0 (cite 'Källa: SCB'). Compilation: ai-econ-lab/"
                "AI_Econ_daioe_years_v2 @ bd7b4682 (MIT)."
            ),
            breaks=breaks,
            extra={
                "ages": sorted(age["age"].unique().tolist()),
                "sex_codes": {"1": "men", "2": "women"},
                "input_sha256": _sha256(shared / AGE_FILE),
                "built_with": built_with,
            },
        ),
        store.write(
            ads,
            dataset=ADS_HISTORY,
            source="af",
            title="Platsannonser och lediga jobb per månad och yrke (SSYK 2012), riket",
            table_ids=["af_postings_ssyk4_monthly_riket_2020_2026.csv"],
            dims=["month", "region_code", "ssyk"],
            retrieved_at=ASSEMBLED_AT,
            provenance=(
                "Arbetsförmedlingen Platsbanken ads (`ads`) and vacancies (`positions`) per SSYK-4 "
                "and publication month, riket, 2019-10 – 2026-02, built by Lodefalk, Löthman, "
                "Koch and Engberg from JobTech historical ads (CC0) and JobStream: "
                "Magnus-L/canaries-sweden @ f506a608 replication/data/raw/"
                f"postings_ssyk4_monthly_2026-02-24.csv, copied to {ADS_FILE}. AF's manager "
                "codes without SCB's nivå 1/2 split (1210, 1220, …) are kept at their SSYK-3 "
                "group (121, 122, …; extra.manager_codes)."
            ),
            licence=(
                f"CC BY 4.0: credit '{CANARIES_CREDIT}' besides Arbetsförmedlingen "
                "(underlying JobTech/AF data CC0)."
            ),
            extra={
                "credit": CANARIES_CREDIT,
                "manager_codes": manager_map,
                "months": [str(ads["month"].min()), str(ads["month"].max())],
                "input_sha256": _sha256(shared / ADS_FILE),
                "built_with": built_with,
            },
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO / "data" / "raw",
        help="inputs laid out as in the reference data shared/ (default: the copy in data/raw)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "data" / "store")
    args = parser.parse_args(argv)
    for manifest in build(args.shared, args.out):
        path = args.out / f"source={manifest.source}" / f"dataset={manifest.dataset}"
        size = (path / f"vintage={manifest.vintage}" / "part-0.parquet").stat().st_size
        print(f"{manifest.dataset}: {manifest.rows} rows, {size / 1e6:.2f} MB, {manifest.checksum}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
