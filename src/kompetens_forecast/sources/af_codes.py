"""Arbetsförmedlingen job ads → SCB codes: the AF code lists, and where one ad is counted.

One ad model serves every job-ad path (JobSearch hits, JobStream, the historical files): the
JobSearch ad with `occupation_group`, `occupation`, `workplace_address`, `publication_date` and
`number_of_vacancies`. `classify_ad` places one ad; `af_ads_stream` counts many of them and
`af_jobsearch` counts JobSearch's stats and hits.

Occupation → SSYK-4, first that applies (counted per method in every manifest):
`occupation_group.legacy_ams_taxonomy_id` (= SSYK-4) → `occupation_group.concept_id` (AF
taxonomy, data/codes/ssyk2012_level4_af_taxonomy.csv) → `occupation.legacy_ams_taxonomy_id`
through JobTech's occId → SSYK 2012 table (`jobtech_occId_2_ssyk2012.json`; older years lack
the group) → `occupation.concept_id` (`af_occupation_name_to_ssyk4.csv`). An ad none of these
maps is counted in the "unknown" bucket, SSYK `0002` ("yrke okänt", as in SCB's tables; never a
real occupation), and reported. Region: `workplace_address.municipality_code` (SCB kommun
code) → `municipality_concept_id` (AF taxonomy); an ad with a county but no kommun counts at
county level only; an ad with neither (abroad, unspecified) is reported, never placed.

The optional AF code lists (occId table, AF region/kommun concept ids, occupation names) are
read from the embedded `data/codes` when present there, or from `codes_dir`; a missing list is
named in the manifest and leaves that mapping step out (its ads fall to the next step).

Quirks (dated; V = verified in a source named here, A = assumed, to check against the live API):
- 2026-11 V (recorded response, 2025-09): an ad's `region_code` can disagree with its
  `municipality_code` (Kvicksund: kommun 0484 Eskilstuna, län 04, but region 19 Västmanland).
  JobSearch's `region` filter matches `region_code`, so the county of an ad is its own
  `region_code` everywhere here (kommun prefix only when it has none); such ads are counted
  as `county_kommun_mismatch`, and kommun sums need not equal county sums by that much.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import embedded_data_dir, read_csv_rows

__all__ = [
    "OCCUPATION_METHODS",
    "OPTIONAL_CODE_FILES",
    "REGION_METHODS",
    "UNKNOWN_SSYK",
    "AfCodes",
    "ClassifiedAd",
    "classify_ad",
    "classify_occupation",
    "codes_or_default",
    "stats_value_ssyk",
    "vacancies",
]

UNKNOWN_SSYK = "0002"  # occupation unknown (SCB's "Yrke okänt"): the unmapped bucket

OCCUPATION_METHODS = (
    "group_legacy_id",
    "group_concept_id",
    "occupation_legacy_id",
    "occupation_concept_id",
    "unmapped",
)
REGION_METHODS = ("kommun_code", "kommun_concept_id", "county_only", "unknown")

OPTIONAL_CODE_FILES = (
    "jobtech_occId_2_ssyk2012.json",
    "af_occupation_name_to_ssyk4.csv",
    "af_taxonomy_municipality_kommun.csv",
    "af_taxonomy_region_lan.csv",
)
_LEVEL4_FILE = "ssyk2012_level4_af_taxonomy.csv"

_SSYK4 = re.compile(r"^\d{4}$")
_KOMMUN = re.compile(r"^\d{4}$")
_COUNTY = re.compile(r"^\d{2}$")
_MONTH = re.compile(r"^(\d{4}-\d{2})")


# -- code lists ----------------------------------------------------------------------------
def _normalize_label(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class AfCodes:
    """AF taxonomy lookups for ads: occupation → SSYK-4, AF region concept id → SCB code."""

    group_concept: Mapping[str, str] = field(default_factory=dict)  # group concept id → SSYK-4
    group_label: Mapping[str, str] = field(default_factory=dict)  # normalised label → SSYK-4
    legacy_occupation: Mapping[str, str] = field(default_factory=dict)  # occId → SSYK-4
    occupation_concept: Mapping[str, str] = field(default_factory=dict)  # name id → SSYK-4
    kommun_concept: Mapping[str, str] = field(default_factory=dict)  # concept id → kommun
    county_concept: Mapping[str, str] = field(default_factory=dict)  # concept id → län
    counties: frozenset[str] = frozenset()  # SCB county codes (01–25)
    missing: tuple[str, ...] = ()  # optional code lists that were not found

    @classmethod
    def load(cls, codes_dir: Path | None = None) -> AfCodes:
        """Code lists from `codes_dir` first, then the embedded `data/codes`."""
        dirs = [d for d in (codes_dir, embedded_data_dir() / "codes") if d is not None]

        def find(name: str) -> Path | None:
            return next((d / name for d in dirs if (d / name).is_file()), None)

        level4 = find(_LEVEL4_FILE)
        if level4 is None:
            raise DataError(f"Code list {_LEVEL4_FILE} not found in {', '.join(map(str, dirs))}.")
        group_concept: dict[str, str] = {}
        group_label: dict[str, str] = {}
        for row in read_csv_rows(level4):
            code = row.get("ssyk4", "")
            if not _SSYK4.match(code):
                continue
            if row.get("af_concept_id"):
                group_concept[row["af_concept_id"]] = code
            for label in (row.get("label"), row.get("label_2021_occupation_group")):
                if label:
                    group_label.setdefault(_normalize_label(label), code)
        found = {name: find(name) for name in OPTIONAL_CODE_FILES}
        legacy: dict[str, str] = {}
        if (path := found["jobtech_occId_2_ssyk2012.json"]) is not None:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise DataError(f"Cannot read code list {path}: {exc}") from exc
            legacy = {str(k): str(v) for k, v in doc.items() if _SSYK4.match(str(v))}

        def column_map(name: str, key: str, value: str, pattern: re.Pattern[str]) -> dict[str, str]:
            """`key` → `value` of an optional code list (empty when absent), valid codes only."""
            path = found[name]
            rows = read_csv_rows(path) if path is not None else []
            return {
                r[key]: r[value] for r in rows if r.get(key) and pattern.match(r.get(value, ""))
            }

        return cls(
            group_concept=group_concept,
            group_label=group_label,
            legacy_occupation=legacy,
            occupation_concept=column_map(
                "af_occupation_name_to_ssyk4.csv", "occupation_name_concept_id", "ssyk4", _SSYK4
            ),
            kommun_concept=column_map(
                "af_taxonomy_municipality_kommun.csv", "af_concept_id", "kommun_code", _KOMMUN
            ),
            county_concept=column_map(
                "af_taxonomy_region_lan.csv", "af_concept_id", "lan_code", _COUNTY
            ),
            counties=frozenset(r.code for r in default_registry().counties()),
            missing=tuple(n for n, p in found.items() if p is None),
        )


@cache
def _default_codes() -> AfCodes:
    return AfCodes.load()


def codes_or_default(codes: AfCodes | None) -> AfCodes:
    """`codes`, else the code lists of `data/codes` (loaded once)."""
    return codes if codes is not None else _default_codes()


# -- one ad ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClassifiedAd:
    """Where one ad is counted. Empty strings mean unknown."""

    month: str  # "YYYY-MM" from publication_date
    county: str  # SCB län code
    kommun: str  # SCB kommun code
    ssyk: str  # SSYK-4, or UNKNOWN_SSYK
    occupation_method: str  # one of OCCUPATION_METHODS
    region_method: str  # one of REGION_METHODS
    positions: int | None  # number_of_vacancies, None when absent


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return str(value).strip()


def _concept(ad: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = ad.get(key)
    return value if isinstance(value, dict) else {}


def classify_occupation(ad: Mapping[str, Any], codes: AfCodes) -> tuple[str, str]:
    """(SSYK-4 or UNKNOWN_SSYK, method): the first mapping step that applies to the ad."""
    group = _concept(ad, "occupation_group")
    legacy = _text(group.get("legacy_ams_taxonomy_id"))
    if _SSYK4.match(legacy):
        return legacy, "group_legacy_id"
    ssyk = codes.group_concept.get(_text(group.get("concept_id")))
    if ssyk:
        return ssyk, "group_concept_id"
    occupation = _concept(ad, "occupation")
    ssyk = codes.legacy_occupation.get(_text(occupation.get("legacy_ams_taxonomy_id")))
    if ssyk:
        return ssyk, "occupation_legacy_id"
    ssyk = codes.occupation_concept.get(_text(occupation.get("concept_id")))
    if ssyk:
        return ssyk, "occupation_concept_id"
    return UNKNOWN_SSYK, "unmapped"


def _region(ad: Mapping[str, Any], codes: AfCodes) -> tuple[str, str, str]:
    """(county, kommun, method). The county is the ad's own `region_code` (what JobSearch's
    `region` filter matches) and only falls back to the kommun's; see the module quirks."""
    place = _concept(ad, "workplace_address")
    kommun = _text(place.get("municipality_code"))
    method = "kommun_code"
    if not (_KOMMUN.match(kommun) and kommun[:2] in codes.counties):
        kommun = codes.kommun_concept.get(_text(place.get("municipality_concept_id")), "")
        method = "kommun_concept_id"
    if kommun[:2] not in codes.counties:
        kommun = ""
    county = _text(place.get("region_code"))
    if county not in codes.counties:
        county = codes.county_concept.get(_text(place.get("region_concept_id")), "")
    if county not in codes.counties:
        county = kommun[:2]
    if kommun:
        return county, kommun, method
    return (county, "", "county_only") if county else ("", "", "unknown")


def vacancies(ad: Mapping[str, Any]) -> int | None:
    """The ad's `number_of_vacancies`; None when absent, not a number, or negative."""
    value = ad.get("number_of_vacancies")
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def classify_ad(ad: Mapping[str, Any], codes: AfCodes | None = None) -> ClassifiedAd:
    """The month, county, kommun and SSYK-4 one ad is counted under, and how each was found."""
    codes = codes_or_default(codes)
    ssyk, occupation_method = classify_occupation(ad, codes)
    county, kommun, region_method = _region(ad, codes)
    match = _MONTH.match(_text(ad.get("publication_date")))
    return ClassifiedAd(
        month=match.group(1) if match else "",
        county=county,
        kommun=kommun,
        ssyk=ssyk,
        occupation_method=occupation_method,
        region_method=region_method,
        positions=vacancies(ad),
    )


# -- one JobSearch stats value ---------------------------------------------------------------
def stats_value_ssyk(value: Mapping[str, Any], codes: AfCodes) -> str | None:
    """SSYK-4 of one `stats=occupation-group` value: its `code`, else its `concept_id`, else its
    `term` (label); None when none maps (the keys read are in af_jobsearch's quirks)."""
    code = _text(value.get("code"))
    if _SSYK4.match(code):
        return code
    concept = codes.group_concept.get(_text(value.get("concept_id")))
    if concept:
        return concept
    return codes.group_label.get(_normalize_label(_text(value.get("term"))))
