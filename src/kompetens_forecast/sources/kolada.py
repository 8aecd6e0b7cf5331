"""Kolada (RKA's open API of municipal and regional key figures): fetch KPIs into the store.

The API (base URL from `KF_KOLADA_BASE_URL`, default `https://api.kolada.se/v2`) answers
`GET {base}/data/kpi/{KPI}/municipality/{IDS}` (optionally `/year/{YEARS}`) with
`{"values": [{"kpi", "municipality", "period", "values": [{"gender", "status", "value",
"count"}]}], "count", "next_page"}`; a page holds at most 5,000 items and `next_page`, when
present, is the full URL of the next one. v3 keeps the same data shape.

Quirks and mapping (2026-12, from Kolada's documentation on GitHub, Hypergene/kolada):

- Kolada's "municipality" ids are 4-digit strings: kommuner have SCB's codes ("2080" Falun);
  regions (landsting) are "00" + the county code ("0020" Region Dalarna); "0000" is riket.
  We store our codes: "0020" → "20", "0000" → "00", "2080" → "2080". No kommun code starts
  with "00", so the mapping is unambiguous.
- `gender` is "T" (total), "K" (kvinnor) or "M" (män) → our `sex` codes "1+2", "2", "1".
- A missing value is `null` with a `status` text; it stays missing (never 0), the status kept
  in `symbol`.
- Periods are years ("2023").

The stored dataset `kolada` holds one row per KPI × region × sex × year; a fetch replaces the
rows of the KPIs it downloaded and keeps the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.sources.http import HttpClient

KOLADA_BASE_URL_ENV = "KF_KOLADA_BASE_URL"
DEFAULT_KOLADA_BASE_URL = "https://api.kolada.se/v2"
DATASET = "kolada"
SOURCE = "kolada"
COLUMNS = ["kpi", "region_code", "sex", "year", "value", "symbol"]
DIMS = ["kpi", "region_code", "sex"]
LICENCE = "Kolada open data (RKA); see kolada.se for the terms and each KPI's original source"
SEX_CODES = {"T": "1+2", "K": "2", "M": "1"}
RIKET_ID = "0000"
_KPI = re.compile(r"^[A-Z]\d{5}$")
_ID = re.compile(r"^\d{4}$")
#: Most ids in one URL (the API's limit is the URL length).
IDS_PER_CALL = 50


def kolada_base_url(base_url: str | None = None) -> str:
    """The API root: the argument, else `$KF_KOLADA_BASE_URL`, else Kolada's v2."""
    return (base_url or os.environ.get(KOLADA_BASE_URL_ENV) or DEFAULT_KOLADA_BASE_URL).rstrip("/")


def check_kpi(kpi: str) -> str:
    """A KPI id as Kolada writes it (a letter and five digits, e.g. N00914)."""
    value = kpi.strip().upper()
    if not _KPI.match(value):
        raise InvalidOptionError(
            f"Invalid Kolada KPI '{kpi}'.", "A KPI id is a letter and five digits, e.g. N00914."
        )
    return value


def to_region_code(kolada_id: str) -> str:
    """Kolada's municipality id → our region code ("0020" → "20", "0000" → "00")."""
    if not _ID.match(kolada_id):
        raise DataError(f"Kolada: unexpected municipality id '{kolada_id}'.")
    return kolada_id[2:] if kolada_id.startswith("00") else kolada_id


def to_kolada_id(region_code: str) -> str:
    """Our region code → Kolada's id ("20" → "0020", "00" → "0000", "2080" → "2080")."""
    if len(region_code) == 2 and region_code.isdigit():
        return "00" + region_code
    if _ID.match(region_code):
        return region_code
    raise InvalidOptionError(
        f"Region '{region_code}' has no Kolada id.",
        "Kolada covers riket, counties (regioner) and municipalities, not county groups.",
    )


def parse_data(document: Any, url: str) -> tuple[list[dict[str, Any]], str | None]:
    """One page of `/data/...` → rows (kpi, region_code, sex, year, value, symbol), next page."""
    if not isinstance(document, Mapping) or not isinstance(document.get("values"), list):
        raise DataError(f"GET {url}: not a Kolada data response (no 'values' list).")
    rows: list[dict[str, Any]] = []
    for item in document["values"]:
        try:
            kpi, municipality, period = item["kpi"], item["municipality"], item["period"]
            entries = item["values"]
        except (KeyError, TypeError) as exc:
            raise DataError(f"GET {url}: a data item lacks {exc}.") from exc
        region = to_region_code(str(municipality))
        year = int(str(period)[:4])
        for entry in entries:
            gender = str(entry.get("gender", "T"))
            value = entry.get("value")
            status = entry.get("status") or None
            rows.append(
                {
                    "kpi": str(kpi),
                    "region_code": region,
                    "sex": SEX_CODES.get(gender, gender),
                    "year": year,
                    "value": float(value) if value is not None else float("nan"),
                    "symbol": str(status) if value is None and status else None,
                }
            )
    next_page = document.get("next_page")
    return rows, str(next_page) if next_page else None


def _chunks(items: Sequence[str], n: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), n):
        yield items[start : start + n]


def fetch_kpi(
    http: HttpClient, kpi: str, region_codes: Sequence[str], *, base_url: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Every year of one KPI for the regions (our codes) → tidy frame and the URLs asked."""
    base = kolada_base_url(base_url)
    ids = [to_kolada_id(code) for code in region_codes]
    rows: list[dict[str, Any]] = []
    urls: list[str] = []
    for chunk in _chunks(ids, IDS_PER_CALL):
        url: str | None = f"{base}/data/kpi/{kpi}/municipality/{','.join(chunk)}"
        while url:
            urls.append(url)
            page, url = parse_data(http.get_json(url, refresh=True), url)
            rows += page
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.astype({"year": "int64", "value": "float64"})
    frame = frame.drop_duplicates(["kpi", "region_code", "sex", "year"], keep="last")
    return frame.sort_values(["kpi", "region_code", "sex", "year"], ignore_index=True), urls


def merge_kpis(
    previous: pd.DataFrame | None, new: pd.DataFrame, kpis: Sequence[str]
) -> pd.DataFrame:
    """The stored rows of other KPIs plus the new rows of `kpis`."""
    if previous is None:
        return new.reset_index(drop=True)
    kept = previous[~previous["kpi"].isin(list(kpis))]
    merged = pd.concat([kept, new], ignore_index=True)
    return merged.sort_values(["kpi", "region_code", "sex", "year"], ignore_index=True)
