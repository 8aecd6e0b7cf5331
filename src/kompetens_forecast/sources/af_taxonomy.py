"""JobTech's taxonomy (Arbetsförmedlingen): concept ids ↔ SCB codes for SSYK, län and kommun.

`fetch_taxonomy` refreshes the dataset `taxonomy` from the taxonomy API (base URL from
`KF_TAXONOMY_BASE_URL`, default `https://taxonomy.api.jobtechdev.se`); `load_taxonomy` reads
it, falling back to the copies bundled in `data/codes` when nothing was fetched.

Layout: one row per concept, columns `TAXONOMY_COLUMNS`:
`type` (ssyk-level-1..4, region, municipality, occupation-name), `concept_id`, `code` (the SCB
code as a string with its leading zeros — SSYK 2012, län, kommun; None for occupation names),
`label` (AF's Swedish preferred label), `taxonomy_version` (Int64; NA for the bundled copies),
`parent_code` (the SCB code of the concept one level up: SSYK-4 of an occupation name, län of
a kommun, SSYK-(n−1) of an SSYK-n group).

Endpoints (checked 2026-11-28 against public clients of the live API; no recording of the
live responses was available, see tests/fixtures/af/README.md):

- `GET /v1/taxonomy/main/versions` → `[{"taxonomy/version": 31, "taxonomy/timestamp": "…"}]`;
  the highest version is the current one. `/main/` is a moving alias, so every query below is
  pinned to that version and the fetch is skipped when it equals the stored one.
- `GET /v1/taxonomy/graphql?query=…` → `{"data": {"concepts": [...]}}` (errors in
  `"errors"`), with
  - `concepts(type: "ssyk-level-N", version: "V") { id type preferred_label ssyk_code_2012 }`
    (the shape of AF's published taxonomy dataset files, recorded);
  - `concepts(id: "i46j_HmG_v64", version: "V") { narrower(type: "region") { …
    national_nuts_level_3_code_2019 narrower(type: "municipality") { … lau_2_code_2015 } } }`
    — Sweden's regions and their kommuner. (`/main/concepts?type=region` lists ~1,500
    regions of many countries, 2026-10; going through Sweden gives exactly 21 + 290.)
  - `concepts(type: "occupation-name", version: "V") { id type preferred_label
    broader(type: "ssyk-level-4") { id ssyk_code_2012 } }`.

Dated quirks (2026-11): the taxonomy's codes are strings ("0110", "01", "0114"); a number
would have lost its leading zeros, so codes are padded back to their level's width. AF has 400
SSYK-4 groups where SCB's tables have ~429 (manager groups split by level): unmatched codes are
kept as they are.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.errors import DataError, SourceError
from kompetens_forecast.resources import embedded_data_dir

__all__ = [
    "DATASET",
    "DEFAULT_TAXONOMY_BASE_URL",
    "GRAPHQL_PATH",
    "SWEDEN_CONCEPT_ID",
    "TAXONOMY_BASE_URL_ENV",
    "TAXONOMY_COLUMNS",
    "TYPES",
    "VERSIONS_PATH",
    "bundled_taxonomy",
    "latest_version",
    "parse_occupation_names",
    "parse_regions",
    "parse_ssyk_level",
    "taxonomy_base_url",
    "taxonomy_queries",
]

TAXONOMY_BASE_URL_ENV = "KF_TAXONOMY_BASE_URL"
DEFAULT_TAXONOMY_BASE_URL = "https://taxonomy.api.jobtechdev.se"
VERSIONS_PATH = "/v1/taxonomy/main/versions"
GRAPHQL_PATH = "/v1/taxonomy/graphql"
SWEDEN_CONCEPT_ID = "i46j_HmG_v64"
DATASET = "taxonomy"
SOURCE = "af"
TYPES = (
    "ssyk-level-1",
    "ssyk-level-2",
    "ssyk-level-3",
    "ssyk-level-4",
    "region",
    "municipality",
    "occupation-name",
)
TAXONOMY_COLUMNS = ["type", "concept_id", "code", "label", "taxonomy_version", "parent_code"]
_WIDTH = {
    "ssyk-level-1": 1,
    "ssyk-level-2": 2,
    "ssyk-level-3": 3,
    "ssyk-level-4": 4,
    "region": 2,
    "municipality": 4,
}
TITLE = "JobTech taxonomi: begrepp ↔ SCB-koder (SSYK 2012, län, kommun, yrkesbenämningar)"
LICENCE = "CC0 (Arbetsförmedlingen / JobTech taxonomy)"


# -- parsing ------------------------------------------------------------------------------------
def _code(value: Any, kind: str, where: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    width = _WIDTH[kind]
    if text.isdigit() and len(text) < width:  # a number lost its leading zeros
        text = text.zfill(width)
    if not (text.isdigit() and len(text) == width):
        raise DataError(f"Taxonomy {where}: code {value!r} is not a {width}-digit {kind} code.")
    return text


def _concepts(payload: Any, what: str) -> list[Mapping[str, Any]]:
    if isinstance(payload, Mapping) and payload.get("errors"):
        raise SourceError(f"Taxonomy GraphQL {what}: {payload['errors']}")
    data = payload.get("data") if isinstance(payload, Mapping) else None
    concepts = data.get("concepts") if isinstance(data, Mapping) else None
    if not isinstance(concepts, list):
        raise DataError(
            f"Taxonomy GraphQL {what}: no data.concepts list in the response.",
            "The API's response format may have changed.",
        )
    return concepts


def _row(
    kind: str, concept: Mapping[str, Any], code: str | None, version: int | None, parent: str | None
) -> dict[str, Any]:
    concept_id = concept.get("id")
    label = concept.get("preferred_label")
    if not concept_id or not label:
        raise DataError(f"Taxonomy {kind}: a concept lacks id or preferred_label: {concept!r}.")
    return {
        "type": kind,
        "concept_id": str(concept_id),
        "code": code,
        "label": " ".join(str(label).split()),
        "taxonomy_version": version,
        "parent_code": parent,
    }


def parse_ssyk_level(payload: Any, level: int, version: int | None) -> list[dict[str, Any]]:
    """GraphQL `concepts(type: "ssyk-level-N")` → rows (code = `ssyk_code_2012`)."""
    kind = f"ssyk-level-{level}"
    rows = []
    for concept in _concepts(payload, kind):
        if concept.get("type", kind) != kind:
            continue
        code = _code(concept.get("ssyk_code_2012"), kind, str(concept.get("id")))
        parent = code[:-1] if code and level > 1 else None
        rows.append(_row(kind, concept, code, version, parent))
    return rows


def parse_regions(payload: Any, version: int | None) -> list[dict[str, Any]]:
    """GraphQL Sweden → regions → municipalities → rows of both types."""
    rows: list[dict[str, Any]] = []
    for country in _concepts(payload, "Sweden"):
        for region in country.get("narrower") or []:
            code = _code(region.get("national_nuts_level_3_code_2019"), "region", region.get("id"))
            if code is None:  # not a Swedish län (none seen under Sweden, 2026-10)
                continue
            rows.append(_row("region", region, code, version, None))
            for kommun in region.get("narrower") or []:
                kcode = _code(kommun.get("lau_2_code_2015"), "municipality", kommun.get("id"))
                rows.append(_row("municipality", kommun, kcode, version, code))
    return rows


def parse_occupation_names(payload: Any, version: int | None) -> list[dict[str, Any]]:
    """GraphQL `concepts(type: "occupation-name")` → rows (parent_code = its SSYK-4)."""
    rows = []
    for concept in _concepts(payload, "occupation-name"):
        broader = [b for b in concept.get("broader") or [] if b.get("ssyk_code_2012")]
        parent = (
            _code(broader[0]["ssyk_code_2012"], "ssyk-level-4", str(concept.get("id")))
            if broader
            else None
        )
        rows.append(_row("occupation-name", concept, None, version, parent))
    return rows


def taxonomy_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=TAXONOMY_COLUMNS)
    frame["taxonomy_version"] = frame["taxonomy_version"].astype("Int64")
    order = {kind: i for i, kind in enumerate(TYPES)}
    frame = frame.drop_duplicates(["type", "concept_id"])
    frame = frame.assign(_order=frame["type"].map(order))
    frame = frame.sort_values(["_order", "code", "concept_id"], na_position="last")
    return frame.drop(columns="_order").reset_index(drop=True)


# -- the API ------------------------------------------------------------------------------------
def taxonomy_base_url(base_url: str | None = None) -> str:
    """`base_url`, else `$KF_TAXONOMY_BASE_URL`, else JobTech's host; no trailing slash."""
    url = base_url or os.environ.get(TAXONOMY_BASE_URL_ENV) or DEFAULT_TAXONOMY_BASE_URL
    return url.rstrip("/")


def latest_version(payload: Any) -> int:
    """The highest `taxonomy/version` of a `/main/versions` answer."""
    if not isinstance(payload, list):
        raise DataError("Taxonomy versions: expected a JSON list.")
    versions = [
        int(v["taxonomy/version"])
        for v in payload
        if isinstance(v, Mapping) and str(v.get("taxonomy/version", "")).isdigit()
    ]
    if not versions:
        raise DataError("Taxonomy versions: no 'taxonomy/version' in the answer.")
    return max(versions)


@dataclass(frozen=True)
class _Query:
    name: str  # "ssyk-level-1" … or "region" (regions and municipalities) or "occupation-name"
    text: str


def taxonomy_queries(version: int) -> list[_Query]:
    """The GraphQL queries of one refresh, pinned to `version`."""
    v = f'version: "{version}"'
    queries = [
        _Query(
            f"ssyk-level-{n}",
            f'{{ concepts(type: "ssyk-level-{n}", {v}) {{ id type preferred_label '
            "ssyk_code_2012 } }",
        )
        for n in (1, 2, 3, 4)
    ]
    queries.append(
        _Query(
            "region",
            f'{{ concepts(id: "{SWEDEN_CONCEPT_ID}", {v}) {{ id preferred_label '
            'narrower(type: "region") { id type preferred_label national_nuts_level_3_code_2019 '
            'narrower(type: "municipality") { id type preferred_label lau_2_code_2015 } } } }',
        )
    )
    queries.append(
        _Query(
            "occupation-name",
            f'{{ concepts(type: "occupation-name", {v}) {{ id type preferred_label '
            'broader(type: "ssyk-level-4") { id ssyk_code_2012 } } }',
        )
    )
    return queries


# -- reading ------------------------------------------------------------------------------------
def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def bundled_taxonomy(codes_dir: Path | None = None) -> pd.DataFrame:
    """The taxonomy from the code lists bundled in `data/codes` (no version: NA).

    SSYK levels 1–4 come from `ssyk2012_level{N}_af_taxonomy.csv`. Regions, kommuner and
    occupation names come from `af_taxonomy_region_lan.csv`, `af_taxonomy_municipality_kommun.csv`
    and `af_occupation_name_to_ssyk4.csv` when those copies are present (2026-11: only in the
    reference data, not yet in data/codes); types without a bundled file are absent.
    """
    directory = codes_dir or embedded_data_dir() / "codes"
    rows: list[dict[str, Any]] = []
    for level in (1, 2, 3, 4):
        kind = f"ssyk-level-{level}"
        path = directory / f"ssyk2012_level{level}_af_taxonomy.csv"
        if not path.is_file():
            raise DataError(f"Bundled code list {path} is missing.", "Reinstall the package.")
        for record in _read_csv(path):
            code = _code(record[f"ssyk{level}"], kind, path.name)
            parent = code[:-1] if code and level > 1 else None
            concept = {"id": record["af_concept_id"], "preferred_label": record["label"]}
            rows.append(_row(kind, concept, code, None, parent))
    regions = directory / "af_taxonomy_region_lan.csv"
    if regions.is_file():
        for record in _read_csv(regions):
            if record["lan_code"] == "90":  # "Ospecificerad": no län, not under Sweden's regions
                continue
            concept = {"id": record["af_concept_id"], "preferred_label": record["label"]}
            rows.append(_row("region", concept, record["lan_code"], None, None))
    kommuner = directory / "af_taxonomy_municipality_kommun.csv"
    if kommuner.is_file():
        for record in _read_csv(kommuner):
            concept = {"id": record["af_concept_id"], "preferred_label": record["label"]}
            rows.append(
                _row("municipality", concept, record["kommun_code"], None, record["lan_code"])
            )
    names = directory / "af_occupation_name_to_ssyk4.csv"
    if names.is_file():
        for record in _read_csv(names):
            concept = {
                "id": record["occupation_name_concept_id"],
                "preferred_label": record["occupation_name_label"],
            }
            rows.append(_row("occupation-name", concept, None, None, record["ssyk4"] or None))
    return taxonomy_frame(rows)
