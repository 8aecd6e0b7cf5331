"""Arbetsförmedlingen job ads (the demand side): JobSearch counts, historical ads, JobStream.

Three paths, one ad model (the JobSearch ad: `occupation_group`, `occupation`,
`workplace_address`, `publication_date`, `number_of_vacancies`):

- `count_ads`: JobSearch `/search?limit=0&stats=occupation-group` per county and/or kommun →
  dataset `job_ads` (ads and positions per SSYK-4 × region × snapshot date).
- `fetch_job_ads_history`: the yearly historical files (`{YYYY}.jsonl.zip`, or a local file),
  streamed in constant memory → dataset `job_ads_history` (month × kommun × SSYK-4).
- `fetch_jobstream_snapshot`: JobStream `/v2/snapshot` (all current ads), streamed the same way
  → dataset `job_ads_snapshot` (snapshot date × kommun × SSYK-4).

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

Environment: `KF_JOBSEARCH_BASE_URL` (default https://jobsearch.api.jobtechdev.se),
`KF_JOBSTREAM_BASE_URL` (https://jobstream.api.jobtechdev.se), `KF_HISTORICAL_ADS_BASE_URL`
(https://data.jobtechdev.se/annonser/historiska), `KF_JOBTECH_API_KEY`; an explicit
`base_url` argument wins over the environment.

API key: JobSearch and JobStream take an optional `api-key` header. It is read from
`KF_JOBTECH_API_KEY` or from `jobtech.toml` (`api_key = "..."`) in the user config directory,
never from the repository; it is set on the session, kept out of the HTTP cache, and never
written to a manifest.

Quirks (dated; V = verified in a source named here, A = assumed, to check against the live API):
- 2026-11 V (JobtechSwe/sokannonser-api settings.py): `offset` ≤ 2000 and `limit` ≤ 100, so one
  query reaches at most 2,100 hits; a third-party log (2026-08) saw HTTP 400 for offset > 2000.
- 2026-11 V (sokannonser-api querybuilder.py): `region` and `municipality` match either the
  SCB code (`workplace_address.region_code` / `municipality_code`) or the AF concept id; we send
  SCB codes. `stats=occupation-group` aggregates on `occupation_group.legacy_ams_taxonomy_id`
  and answers `{"stats": [{"type", "values": [{"term", "code", "count"}]}]}`; newer versions
  are reported to add `concept_id` (A) — all three keys are read when present.
- 2026-11 V (sokannonser-api queries.py): `stats.limit` defaults to 5 and has been capped (0–20
  or 0–30 in different versions) — the current cap is not documented (A). We ask for
  `STATS_LIMITS[0]` and step down on HTTP 400. When the list is cut (as many values as asked
  and their sum below `total`), the cut-off ads go to SSYK 0002 unless paging the hits can
  count them (total ≤ 2,100).
- 2026-11 V (sokannonser-api platsannonser.py): `positions` in a search answer is the sum of
  `number_of_vacancies` over all matching ads; stats give ad counts only, so positions per
  SSYK-4 come from paging the hits (total ≤ 2,100) and are NaN (missing) otherwise.
- 2026-11 A: an empty query is sorted by publication date, newest first; paging asks for
  `sort=pubdate-asc` so that ads published while paging land on later pages, and hits are
  de-duplicated by id.
- 2026-11 V (JobtechSwe/getting-started-code-examples): `/snapshot` answers one JSON array of
  all current ads; older historical files were JSON arrays too, newer ones JSON lines. The
  readers here detect either from the first byte, inside a zip or not.
- 2026-11 V (recorded response, 2025-09): an ad's `region_code` can disagree with its
  `municipality_code` (Kvicksund: kommun 0484 Eskilstuna, län 04, but region 19 Västmanland).
  JobSearch's `region` filter matches `region_code`, so the county of an ad is its own
  `region_code` everywhere here (kommun prefix only when it has none); such ads are counted
  as `county_kommun_mismatch`, and kommun sums need not equal county sums by that much.
- 2026-11 A: historical ads are not de-duplicated (that would need memory growing with the
  file); each line counts once.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import tempfile
import time
import tomllib
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import platformdirs
import requests

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import DataError, OfflineError, SourceError, UsageError
from kompetens_forecast.fetch import FetchResult, fetch_lock
from kompetens_forecast.resources import embedded_data_dir
from kompetens_forecast.sources.http import HttpClient, HttpStatusError, parse_retry_after
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import sha256_file, utc_now

__all__ = [
    "API_KEY_ENV",
    "HISTORICAL_BASE_URL_ENV",
    "JOBSEARCH_BASE_URL_ENV",
    "JOBSTREAM_BASE_URL_ENV",
    "UNKNOWN_SSYK",
    "AdAggregate",
    "AfCodes",
    "ClassifiedAd",
    "aggregate_ads",
    "apply_api_key",
    "classify_ad",
    "count_ads",
    "fetch_job_ads_history",
    "fetch_jobstream_snapshot",
    "iter_json_array",
    "jobtech_api_key",
    "read_history",
]

JOBSEARCH_BASE_URL_ENV = "KF_JOBSEARCH_BASE_URL"
DEFAULT_JOBSEARCH_BASE_URL = "https://jobsearch.api.jobtechdev.se"
HISTORICAL_BASE_URL_ENV = "KF_HISTORICAL_ADS_BASE_URL"
DEFAULT_HISTORICAL_BASE_URL = "https://data.jobtechdev.se/annonser/historiska"
JOBSTREAM_BASE_URL_ENV = "KF_JOBSTREAM_BASE_URL"
DEFAULT_JOBSTREAM_BASE_URL = "https://jobstream.api.jobtechdev.se"
API_KEY_ENV = "KF_JOBTECH_API_KEY"
API_KEY_HEADER = "api-key"
API_KEY_FILE = "jobtech.toml"

MAX_OFFSET = 2000  # JobSearch: highest `offset` accepted
MAX_LIMIT = 100  # JobSearch: highest `limit` accepted
#: `stats.limit` values tried in turn: the first the server accepts is used for the whole run.
STATS_LIMITS = (500, 100, 30, 20)
UNKNOWN_SSYK = "0002"  # occupation unknown (SCB's "Yrke okänt"): the unmapped bucket
SOURCE = "af"
LICENCE = "Arbetsförmedlingen / JobTech open data, CC0 (cite 'Källa: Arbetsförmedlingen')."
CHUNK = 1 << 20

Progress = Callable[[str, int, int], None]  # (what, done, total)
Level = Literal["county", "kommun", "both"]

_SSYK4 = re.compile(r"^\d{4}$")
_KOMMUN = re.compile(r"^\d{4}$")
_COUNTY = re.compile(r"^\d{2}$")
_MONTH = re.compile(r"^(\d{4}-\d{2})")
_WS = re.compile(r"[ \t\n\r]*")
_BOM = b"\xef\xbb\xbf"
_DELIMITERS = frozenset(",] \t\r\n")

OCCUPATION_METHODS = (
    "group_legacy_id",
    "group_concept_id",
    "occupation_legacy_id",
    "occupation_concept_id",
    "unmapped",
)
REGION_METHODS = ("kommun_code", "kommun_concept_id", "county_only", "unknown")


def _noop(_what: str, _done: int, _total: int) -> None:
    return None


def _base_url(explicit: str | None, env: str, default: str) -> str:
    return (explicit or os.environ.get(env) or default).rstrip("/")


# -- API key -------------------------------------------------------------------------------
def jobtech_api_key(config_file: Path | None = None) -> str | None:
    """`$KF_JOBTECH_API_KEY`, else `api_key` in `jobtech.toml` in the user config directory."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        return key
    path = config_file or (
        platformdirs.user_config_path("kompetens-forecast", appauthor=False) / API_KEY_FILE
    )
    if not path.is_file():
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"Cannot read {path}: {exc}", 'Write it as: api_key = "…"') from exc
    value = doc.get("api_key")
    return (value.strip() or None) if isinstance(value, str) else None


def apply_api_key(http: HttpClient, key: str | None = None) -> bool:
    """Send `api-key` on every request of `http` (if a key is configured); True if one is set.

    The header is added to the cache's ignored parameters, so the key never reaches the HTTP
    cache file, and it is never written to a manifest.
    """
    key = key or jobtech_api_key()
    ignored = list(http.session.settings.ignored_parameters or ())
    if API_KEY_HEADER not in ignored:
        http.session.settings.ignored_parameters = [*ignored, API_KEY_HEADER]
    if not key:
        return False
    http.session.headers[API_KEY_HEADER] = key
    return True


# -- code lists ----------------------------------------------------------------------------
OPTIONAL_CODE_FILES = (
    "jobtech_occId_2_ssyk2012.json",
    "af_occupation_name_to_ssyk4.csv",
    "af_taxonomy_municipality_kommun.csv",
    "af_taxonomy_region_lan.csv",
)
_LEVEL4_FILE = "ssyk2012_level4_af_taxonomy.csv"


def _normalize_label(text: str) -> str:
    return " ".join(text.casefold().split())


def _csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise DataError(f"Cannot read code list {path}: {exc}") from exc


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
        for row in _csv_rows(level4):
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
        names: dict[str, str] = {}
        if (path := found["af_occupation_name_to_ssyk4.csv"]) is not None:
            names = {
                r["occupation_name_concept_id"]: r["ssyk4"]
                for r in _csv_rows(path)
                if r.get("occupation_name_concept_id") and _SSYK4.match(r.get("ssyk4", ""))
            }
        kommuner: dict[str, str] = {}
        if (path := found["af_taxonomy_municipality_kommun.csv"]) is not None:
            kommuner = {
                r["af_concept_id"]: r["kommun_code"]
                for r in _csv_rows(path)
                if r.get("af_concept_id") and _KOMMUN.match(r.get("kommun_code", ""))
            }
        counties_af: dict[str, str] = {}
        if (path := found["af_taxonomy_region_lan.csv"]) is not None:
            counties_af = {
                r["af_concept_id"]: r["lan_code"]
                for r in _csv_rows(path)
                if r.get("af_concept_id") and _COUNTY.match(r.get("lan_code", ""))
            }
        counties = frozenset(r.code for r in default_registry().counties())
        return cls(
            group_concept=group_concept,
            group_label=group_label,
            legacy_occupation=legacy,
            occupation_concept=names,
            kommun_concept=kommuner,
            county_concept=counties_af,
            counties=counties,
            missing=tuple(n for n, p in found.items() if p is None),
        )


@cache
def _default_codes() -> AfCodes:
    return AfCodes.load()


def _codes(codes: AfCodes | None) -> AfCodes:
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


def _occupation(ad: Mapping[str, Any], codes: AfCodes) -> tuple[str, str]:
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


def _positions(ad: Mapping[str, Any]) -> int | None:
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
    codes = _codes(codes)
    ssyk, occupation_method = _occupation(ad, codes)
    county, kommun, region_method = _region(ad, codes)
    match = _MONTH.match(_text(ad.get("publication_date")))
    return ClassifiedAd(
        month=match.group(1) if match else "",
        county=county,
        kommun=kommun,
        ssyk=ssyk,
        occupation_method=occupation_method,
        region_method=region_method,
        positions=_positions(ad),
    )


# -- streaming aggregation -----------------------------------------------------------------
@dataclass
class AdAggregate:
    """Ads and positions per (period, county, kommun, SSYK-4), built one ad at a time.

    Memory grows with the number of distinct cells (bounded by months × kommuner × SSYK-4),
    never with the number of ads. `period` is the ad's month unless a fixed period is given
    (a snapshot date). Each cell is [ads, positions (sum of known values), ads without a
    vacancy count].
    """

    codes: AfCodes
    period: str | None = None
    skip_removed: bool = False
    cells: dict[tuple[str, str, str, str], list[int]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def add_line(self, line: bytes | str) -> None:
        """One JSON line; blank lines are skipped, unreadable ones counted as `bad_lines`."""
        if isinstance(line, bytes):
            line = line.removeprefix(_BOM)
            if not line.strip():
                return
        elif not line.strip():
            return
        self.counts["lines"] += 1
        try:
            ad = json.loads(line)
        except ValueError:
            self.counts["bad_lines"] += 1
            return
        self.add_ad(ad)

    def add_ad(self, ad: Any) -> None:
        if not isinstance(ad, dict):
            self.counts["bad_lines"] += 1
            return
        if self.skip_removed and ad.get("removed") is True:
            self.counts["removed_skipped"] += 1
            return
        where = classify_ad(ad, self.codes)
        period = self.period if self.period is not None else where.month
        self.counts["ads"] += 1
        self.counts[f"occupation:{where.occupation_method}"] += 1
        self.counts[f"region:{where.region_method}"] += 1
        if where.kommun and where.kommun[:2] != where.county:
            self.counts["county_kommun_mismatch"] += 1
        if not period:
            self.counts["no_date"] += 1
            return
        key = (period, where.county, where.kommun, where.ssyk)
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0, 0, 0]
        cell[0] += 1
        if where.positions is None:
            cell[2] += 1
            self.counts["ads_without_positions"] += 1
        else:
            cell[1] += where.positions

    def merge(self, other: AdAggregate) -> None:
        for key, (ads, positions, unknown) in other.cells.items():
            cell = self.cells.setdefault(key, [0, 0, 0])
            cell[0] += ads
            cell[1] += positions
            cell[2] += unknown
        self.counts.update(other.counts)

    @property
    def ads(self) -> int:
        return self.counts["ads"]

    def frame(self, level: Literal["kommun", "county"] = "kommun") -> pd.DataFrame:
        """Columns period, region_code, ssyk, ads (int), positions (float, NaN if unknown).

        `kommun`: ads placed in a kommun; `county`: every ad placed in a county (including
        those with a county but no kommun). Ads without a region are in neither (see report).
        """
        sums: dict[tuple[str, str, str], list[int]] = {}
        for (period, county, kommun, ssyk), cell in self.cells.items():
            region = kommun if level == "kommun" else county
            if not region:
                continue
            total = sums.setdefault((period, region, ssyk), [0, 0, 0])
            for i in range(3):
                total[i] += cell[i]
        rows = sorted(sums.items())
        frame = pd.DataFrame(
            {
                "period": pd.Series([k[0] for k, _ in rows], dtype=object),
                "region_code": pd.Series([k[1] for k, _ in rows], dtype=object),
                "ssyk": pd.Series([k[2] for k, _ in rows], dtype=object),
                "ads": pd.Series([v[0] for _, v in rows], dtype="int64"),
                "positions": pd.Series(
                    [np.nan if v[2] == v[0] else float(v[1]) for _, v in rows], dtype="float64"
                ),
            }
        )
        return frame

    def report(self) -> dict[str, Any]:
        """Mapping counts for the manifest: how many ads were mapped, by which step, and not."""
        occupation = {m: self.counts[f"occupation:{m}"] for m in OCCUPATION_METHODS}
        region = {m: self.counts[f"region:{m}"] for m in REGION_METHODS}
        return {
            "lines": self.counts["lines"],
            "ads": self.ads,
            "bad_lines": self.counts["bad_lines"],
            "no_date": self.counts["no_date"],
            "removed_skipped": self.counts["removed_skipped"],
            "ads_without_positions": self.counts["ads_without_positions"],
            "occupation": occupation,
            "occupation_mapped": self.ads - occupation["unmapped"],
            "occupation_unmapped": occupation["unmapped"],
            "region": region,
            "kommun_mapped": region["kommun_code"] + region["kommun_concept_id"],
            "kommun_unmapped": region["county_only"] + region["unknown"],
            "county_kommun_mismatch": self.counts["county_kommun_mismatch"],
            "code_lists_missing": list(self.codes.missing),
        }


def aggregate_ads(
    lines: Iterable[bytes | str], *, codes: AfCodes | None = None, period: str | None = None
) -> AdAggregate:
    """Aggregate JSON lines of ads (one ad per line) to month × county × kommun × SSYK-4.

    Pure and streaming: lines are read one at a time and never kept. `period` fixes the
    period of every ad (a snapshot date) instead of its publication month.
    """
    aggregate = AdAggregate(_codes(codes), period=period)
    for line in lines:
        aggregate.add_line(line)
    return aggregate


def iter_json_array(read: Callable[[int], bytes], chunk_size: int = CHUNK) -> Iterator[Any]:
    """The elements of one JSON array read in chunks: memory ≈ one chunk + one element."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    buf, pos, eof = "", 0, False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        chunk = read(chunk_size)
        text = utf8.decode(chunk, final=not chunk)
        eof = not chunk
        buf, pos = buf[pos:] + text, 0
        return bool(text) or not eof

    def skip_ws() -> bool:
        nonlocal pos
        while True:
            pos = _WS.match(buf, pos).end()  # type: ignore[union-attr]  # always matches
            if pos < len(buf):
                return True
            if not more():
                return False

    if not skip_ws():
        return
    if buf[pos] != "[":
        raise DataError("Not a JSON array: the stream does not start with '['.")
    pos += 1
    expect_value = True
    first = True
    while True:
        if not skip_ws():
            raise DataError("The JSON array ends early (truncated download?).")
        char = buf[pos]
        if char == "]" and (first or not expect_value):
            return
        if char == ",":
            if expect_value:
                raise DataError(f"Malformed JSON array near character {pos}.")
            pos += 1
            expect_value = True
            continue
        if not expect_value:
            raise DataError(f"Malformed JSON array: ',' expected near character {pos}.")
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if not more():
                    raise DataError(f"Malformed or truncated JSON array: {exc}") from exc
                continue
            if (
                not isinstance(value, dict | list)
                and (end == len(buf) or buf[end] not in _DELIMITERS)
                and more()
            ):
                continue  # a number may go on in the next chunk ("1" of "1.25")
            break
        pos = end
        first = expect_value = False
        yield value


def _feed(aggregate: AdAggregate, reader: io.BufferedReader[Any]) -> None:
    """Feed a JSON-lines or JSON-array stream of ads into `aggregate` (format from byte 1)."""
    head = reader.peek(64).removeprefix(_BOM).lstrip()
    if head.startswith(b"["):
        for value in iter_json_array(reader.read):
            aggregate.counts["lines"] += 1
            aggregate.add_ad(value)
        return
    for line in reader:
        aggregate.add_line(line)


def _data_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and info.filename.lower().endswith((".jsonl", ".json", ".ndjson"))
    ]
    return sorted(members, key=lambda info: info.filename)


def _read_file(path: Path, aggregate: AdAggregate) -> None:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = _data_members(archive)
            if not members:
                raise DataError(f"{path.name} holds no .jsonl or .json file.")
            for info in members:
                with archive.open(info) as member:
                    # ZipExtFile is buffered but slow per line: a BufferedReader on top reads
                    # the decompressed stream in 1 MiB blocks and splits lines in C.
                    _feed(aggregate, io.BufferedReader(member, CHUNK))
        return
    with io.BufferedReader(io.FileIO(path, "r"), CHUNK) as handle:
        _feed(aggregate, handle)


def _is_url(value: str | Path) -> bool:
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https")


def read_history(
    path_or_url: str | Path,
    http: HttpClient | None = None,
    *,
    codes: AfCodes | None = None,
    download_dir: Path | None = None,
    refresh: bool = False,
) -> AdAggregate:
    """Stream one historical-ads file (`.jsonl`, `.json`, or a `.zip` of either) to an aggregate.

    A URL is downloaded to `download_dir` (default: the HTTP cache directory, else a temporary
    directory) and read from there; the file is kept for the next run unless `refresh`.
    """
    aggregate = AdAggregate(_codes(codes))
    if not _is_url(path_or_url):
        path = Path(path_or_url)
        if not path.is_file():
            raise UsageError(f"No such file: {path}.", "Give a .jsonl, .json or .zip file.")
        _read_checked(path, aggregate)
        return aggregate
    if http is None:
        raise UsageError("Reading a URL needs an HttpClient.", "Pass http=HttpClient(...).")
    url = str(path_or_url)
    directory = download_dir or (
        http.settings.cache_dir / "downloads" if http.settings.cache_dir else None
    )
    if directory is None:  # nowhere to keep it: a temporary copy, removed after reading
        with tempfile.TemporaryDirectory(prefix="kf-ads-") as tmp:
            _read_checked(
                _download(http, url, Path(tmp) / _file_name(url), refresh=True), aggregate
            )
        return aggregate
    _read_checked(_download(http, url, directory / _file_name(url), refresh=refresh), aggregate)
    return aggregate


def _read_checked(path: Path, aggregate: AdAggregate) -> None:
    _read_file(path, aggregate)
    if aggregate.counts["lines"] and aggregate.counts["bad_lines"] == aggregate.counts["lines"]:
        raise DataError(f"No line of {path.name} is a JSON ad.", "Is it a historical-ads file?")


def _file_name(url: str) -> str:
    name = Path(urlsplit(url).path).name
    return name or "download"


# -- streaming HTTP (downloads, snapshot) ----------------------------------------------------
@contextlib.contextmanager
def _stream(
    http: HttpClient, url: str, params: Mapping[str, str] | None = None
) -> Iterator[requests.Response]:
    """GET `url` streamed, outside the HTTP cache, with the client's retry policy.

    Connection errors and 5xx are retried with exponential backoff, 429 after its
    Retry-After; other 4xx raise HttpStatusError.
    """
    if http.settings.offline:
        raise OfflineError(f"GET {url} is a streamed download.", "Run once without --offline.")
    settings = http.settings
    problem = ""
    status: int | None = None
    for attempt in range(1, settings.attempts + 1):
        wait = min(settings.backoff_max, settings.backoff_initial * 2 ** (attempt - 1))
        try:
            with http.session.cache_disabled():
                response = http.session.get(
                    url,
                    params=dict(params or {}),
                    stream=True,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                )
        except (requests.ConnectionError, requests.Timeout) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        else:
            status = response.status_code
            if status == 429:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                problem = "429 Too Many Requests"
                response.close()
                if http.limiter is not None:
                    http.limiter.pause(wait)
                    wait = 0.0
            elif status >= 500:
                problem = f"HTTP {status}"
                response.close()
            elif status >= 400:
                body = response.text[:2000]
                response.close()
                raise HttpStatusError("GET", response.url, status, body)
            else:
                try:
                    yield response
                finally:
                    response.close()
                return
        if attempt < settings.attempts:
            time.sleep(wait)
    raise SourceError(
        f"GET {url} failed after {settings.attempts} attempts: {problem}",
        "The server may be down or limiting us; try again later.",
        status=status,
    )


def _download(http: HttpClient, url: str, target: Path, *, refresh: bool) -> Path:
    """`url` saved to `target` (via a `.part` file, renamed when complete); kept if present."""
    if target.is_file() and not refresh:
        return target
    if http.settings.offline:
        raise OfflineError(f"{url} has not been downloaded yet.", "Run once without --offline.")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        with _stream(http, url) as response, part.open("wb") as handle:
            for block in response.iter_content(CHUNK):
                handle.write(block)
        part.replace(target)
    except requests.RequestException as exc:
        raise SourceError(f"Download of {url} broke off: {exc}", "Try again.") from exc
    finally:
        part.unlink(missing_ok=True)
    return target


class _IterStream(io.RawIOBase):
    """A readable raw stream over an iterator of byte chunks (a streamed response body)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                self._rest = next(self._chunks)
            except StopIteration:
                return 0
        view = memoryview(buffer).cast("B")
        n = min(len(view), len(self._rest))
        view[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


# -- writing -----------------------------------------------------------------------------------
def _replace_snapshot(
    ctx: DataContext, dataset: str, frame: pd.DataFrame, date_col: str, region_lengths: set[int]
) -> pd.DataFrame:
    """Earlier snapshots of `dataset` plus `frame`; rows of the same date and level replaced."""
    if not ctx.user_store.has(dataset):
        return frame
    previous = ctx.user_store.read(dataset)
    if date_col not in previous.columns:
        return frame
    dates = set(frame[date_col].unique())
    same = previous[date_col].isin(dates) & previous["region_code"].str.len().isin(region_lengths)
    kept = previous.loc[~same, list(frame.columns)]
    return pd.concat([kept, frame], ignore_index=True) if len(kept) else frame


def _sorted(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    if frame.duplicated(list(keys)).any():
        raise DataError(f"Duplicate keys {list(keys)} in job-ad counts (a bug).")
    return frame.sort_values(list(keys)).reset_index(drop=True)


# -- JobSearch counts ----------------------------------------------------------------------
@dataclass
class _RegionCount:
    level: str  # "county" or "kommun"
    code: str
    total: int
    positions_total: float | None
    ads: dict[str, int]
    positions: dict[str, int] | None  # per SSYK-4 from hits; None when not computed
    method: str  # "hits", "stats", "stats_truncated"
    stats_unmapped: int = 0


@dataclass
class _JobSearch:
    http: HttpClient
    base_url: str
    codes: AfCodes
    page_size: int
    max_offset: int
    stats_limits: tuple[int, ...]
    calls: int = 0
    stats_limit: int | None = None
    notes: list[str] = field(default_factory=list)
    mismatches: int = 0

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/search"

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        self.calls += 1
        doc = self.http.get_json(self.endpoint, params, refresh=True)
        if not isinstance(doc, dict) or not isinstance(doc.get("total"), dict):
            raise SourceError(f"GET {self.endpoint}: unexpected answer (no 'total' object).")
        return doc

    def stats(self, filter_: dict[str, str]) -> tuple[dict[str, Any], int]:
        """The `limit=0&stats=occupation-group` answer and the `stats.limit` it was asked with."""
        limits = [self.stats_limit] if self.stats_limit else list(self.stats_limits)
        for i, limit in enumerate(limits):
            params = {
                **filter_,
                "limit": "0",
                "stats": "occupation-group",
                "stats.limit": str(limit),
            }
            try:
                doc = self._get(params)
            except HttpStatusError as exc:
                if exc.status == 400 and i + 1 < len(limits):
                    continue  # the server caps stats.limit lower: try the next value
                raise
            if self.stats_limit is None:
                self.stats_limit = limit
                if limit != limits[0]:
                    self.notes.append(
                        f"JobSearch refused stats.limit above {limit}; occupation lists longer "
                        "than that are cut (the rest counted as SSYK 0002 unless paged)."
                    )
            return doc, limit
        raise AssertionError("unreachable")  # pragma: no cover

    def hits(self, filter_: dict[str, str], total: int) -> list[dict[str, Any]] | None:
        """All hits of a filter, paged; None when the server returned fewer than `total`."""
        seen: dict[str, dict[str, Any]] = {}
        offset = 0
        while offset < total and offset <= self.max_offset:
            params = {
                **filter_,
                "limit": str(self.page_size),
                "offset": str(offset),
                "sort": "pubdate-asc",
            }
            page = self._get(params).get("hits") or []
            if not isinstance(page, list):
                raise SourceError(f"GET {self.endpoint}: 'hits' is not a list.")
            for hit in page:
                if isinstance(hit, dict):
                    seen[str(hit.get("id", len(seen)))] = hit
            if len(page) < self.page_size:
                break
            offset += self.page_size
        return list(seen.values()) if len(seen) == total else None

    def count(self, level: str, code: str, *, positions: bool) -> _RegionCount:
        filter_ = {("region" if level == "county" else "municipality"): code}
        doc, limit = self.stats(filter_)
        total = int(doc["total"].get("value") or 0)
        raw_positions = doc.get("positions")
        positions_total = float(raw_positions) if isinstance(raw_positions, int | float) else None
        values = _stat_values(doc)
        ads: Counter[str] = Counter()
        unmapped = 0
        for value in values:
            ssyk = _stat_ssyk(value, self.codes)
            count = int(value.get("count") or 0)
            if ssyk is None:
                unmapped += count
                ssyk = UNKNOWN_SSYK
            ads[ssyk] += count
        listed = sum(ads.values())
        truncated = len(values) >= limit and listed < total
        result = _RegionCount(
            level, code, total, positions_total, {}, None, "stats", stats_unmapped=unmapped
        )
        if positions and 0 < total <= self.max_offset + self.page_size:
            hits = self.hits(filter_, total)
            if hits is not None:
                by_hits: Counter[str] = Counter()
                pos: Counter[str] = Counter()
                for hit in hits:
                    ssyk, _ = _occupation(hit, self.codes)
                    by_hits[ssyk] += 1
                    pos[ssyk] += _positions(hit) or 0
                if not truncated and by_hits != ads + Counter({UNKNOWN_SSYK: total - listed}):
                    self.mismatches += 1
                result.ads, result.positions, result.method = dict(by_hits), dict(pos), "hits"
                return result
        if total > listed:
            ads[UNKNOWN_SSYK] += total - listed  # ads without a group, or cut from the list
        result.ads = dict(ads)
        result.method = "stats_truncated" if truncated else "stats"
        return result


def _stat_values(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    stats = doc.get("stats") or []
    if not isinstance(stats, list):
        raise SourceError("JobSearch answered 'stats' that is not a list.")
    for entry in stats:
        if isinstance(entry, dict) and entry.get("type") == "occupation-group":
            values = entry.get("values") or []
            return [v for v in values if isinstance(v, dict)]
    return []


def _stat_ssyk(value: Mapping[str, Any], codes: AfCodes) -> str | None:
    code = _text(value.get("code"))
    if _SSYK4.match(code):
        return code
    concept = codes.group_concept.get(_text(value.get("concept_id")))
    if concept:
        return concept
    return codes.group_label.get(_normalize_label(_text(value.get("term"))))


def _regions(level: Level, regions: Sequence[str] | None) -> list[tuple[str, str]]:
    registry = default_registry()
    targets: list[tuple[str, str]] = []
    if level in ("county", "both"):
        targets += [("county", r.code) for r in registry.counties()]
    if level in ("kommun", "both"):
        targets += [("kommun", r.code) for r in registry.municipalities()]
    if level not in ("county", "kommun", "both"):
        raise UsageError(f"Unknown level '{level}'.", "Valid: county, kommun, both.")
    if regions is not None:
        wanted = set(regions)
        unknown = wanted - {code for _, code in targets}
        if unknown:
            raise UsageError(
                f"Region codes {sorted(unknown)} are not {level} codes.",
                "Use 2-digit län codes or 4-digit kommun codes (see `forecast regions`).",
            )
        targets = [t for t in targets if t[1] in wanted]
    return targets


def count_ads(
    ctx: DataContext,
    http: HttpClient,
    *,
    base_url: str | None = None,
    level: Level = "county",
    dry_run: bool = False,
    positions: bool = True,
    regions: Sequence[str] | None = None,
    codes: AfCodes | None = None,
    stats_limits: Sequence[int] = STATS_LIMITS,
    page_size: int = MAX_LIMIT,
    max_offset: int = MAX_OFFSET,
    progress: Progress = _noop,
) -> FetchResult:
    """Job ads (and positions where countable) per SSYK-4 × region today, from JobSearch.

    One `limit=0&stats=occupation-group` call per region (`level`: the 21 counties, the 290
    kommuner, or both; `regions` narrows to some codes). Where the region has at most
    `max_offset + page_size` ads and `positions` is set, its hits are paged to count
    positions (`number_of_vacancies`) per SSYK-4; elsewhere positions are NaN. That paging costs
    about one call per 100 ads (for all kommuner some 400 calls more than the 290 stats calls);
    `positions=False` asks for stats only. 429s wait for Retry-After (HttpClient); give `http` a
    limiter to pace the calls. Writes dataset `job_ads` (earlier snapshot dates are kept; the
    same date and level is replaced).
    """
    if not 1 <= page_size <= MAX_LIMIT or not 0 <= max_offset <= MAX_OFFSET:
        raise UsageError(f"page_size must be 1–{MAX_LIMIT} and max_offset 0–{MAX_OFFSET}.")
    if not stats_limits or min(stats_limits) < 1:
        raise UsageError("stats_limits must list at least one positive stats.limit value.")
    base = _base_url(base_url, JOBSEARCH_BASE_URL_ENV, DEFAULT_JOBSEARCH_BASE_URL)
    targets = _regions(level, regions)
    client = _JobSearch(http, base, _codes(codes), page_size, max_offset, tuple(stats_limits))
    params_template = {
        "region | municipality": "<SCB code>",
        "limit": "0",
        "stats": "occupation-group",
        "stats.limit": str(stats_limits[0]),
    }
    if dry_run:
        return FetchResult(
            "job_ads",
            "planned",
            [client.endpoint],
            len(targets),
            0,
            notes=[
                f"{len(targets)} stats calls; regions with ≤ {max_offset + page_size} ads "
                "add paging calls for positions."
            ],
        )
    key_sent = apply_api_key(http)
    with fetch_lock(ctx.data_dir):
        snapshot_time = utc_now()
        snapshot_date = snapshot_time[:10]
        counts: list[_RegionCount] = []
        for i, (lvl, code) in enumerate(targets):
            progress("job_ads: JobSearch", i, len(targets))
            counts.append(client.count(lvl, code, positions=positions))
        progress("job_ads: JobSearch", len(targets), len(targets))
        rows = [
            (
                snapshot_date,
                c.code,
                ssyk,
                n,
                float(c.positions.get(ssyk, 0)) if c.positions is not None else np.nan,
            )
            for c in counts
            for ssyk, n in sorted(c.ads.items())
            if n > 0
        ]
        frame = pd.DataFrame(
            rows, columns=["snapshot_date", "region_code", "ssyk", "ads", "positions"]
        ).astype({"ads": "int64", "positions": "float64"})
        frame["source"] = "jobsearch"
        lengths = {2 if lvl == "county" else 4 for lvl, _ in targets}
        keys = ["snapshot_date", "region_code", "ssyk"]
        merged = _sorted(_replace_snapshot(ctx, "job_ads", frame, "snapshot_date", lengths), keys)
        methods = Counter(c.method for c in counts)
        no_positions = [c.code for c in counts if c.positions is None and c.total > 0]
        notes = list(client.notes)
        if no_positions:
            notes.append(
                f"Positions are missing (NaN) for {len(no_positions)} of {len(counts)} regions: "
                f"more than {max_offset + page_size} ads (JobSearch paging cap) or paging off."
            )
        if methods["stats_truncated"]:
            notes.append(
                f"{methods['stats_truncated']} regions had more occupation groups than "
                f"stats.limit={client.stats_limit}: the rest are counted as SSYK 0002."
            )
        if client.mismatches:
            notes.append(
                f"{client.mismatches} regions: stats and paged hits disagreed (ads changed "
                "while counting); the hits were used."
            )
        mapping = {}  # per level: each level counts every ad once
        for lvl in sorted({c.level for c in counts}):
            ads_total = sum(c.total for c in counts if c.level == lvl)
            unknown = sum(c.ads.get(UNKNOWN_SSYK, 0) for c in counts if c.level == lvl)
            mapping[lvl] = {
                "ads": ads_total,
                "mapped": ads_total - unknown,
                "unmapped": unknown,  # no group, a group we cannot map, or cut from the list
                "stats_values_unmapped": sum(c.stats_unmapped for c in counts if c.level == lvl),
            }
        manifest = ctx.user_store.write(
            merged,
            dataset="job_ads",
            source=SOURCE,
            title="Platsannonser per yrke (SSYK-4) och region, ögonblicksbild (JobSearch)",
            table_ids=["jobsearch:/search"],
            dims=("snapshot_date", "region_code", "ssyk"),
            retrieved_at=snapshot_time,
            query={
                "endpoint": client.endpoint,
                "params": params_template,
                "stats_limit_used": client.stats_limit,
                "paging": {
                    "limit": page_size,
                    "max_offset": max_offset,
                    "sort": "pubdate-asc",
                    "positions": positions,
                },
                "level": level,
                "regions": [code for _, code in targets],
            },
            provenance=(
                f"Counted from {client.endpoint} by kompetens-forecast at {snapshot_time}: "
                "stats=occupation-group per region, hits paged where ≤ the paging cap."
            ),
            licence=LICENCE,
            extra={
                "snapshot_time": snapshot_time,
                "api_key_header_sent": key_sent,
                "calls": client.calls,
                "methods": dict(methods),
                "mapping": mapping,
                "positions_missing_regions": no_positions,
                "region_totals": {
                    c.code: {"ads": c.total, "positions": c.positions_total} for c in counts
                },
                "notes": notes,
            },
        )
    return FetchResult(
        "job_ads",
        "written",
        [client.endpoint],
        client.calls,
        len(frame),
        manifest=manifest,
        notes=notes,
    )


# -- historical ads ------------------------------------------------------------------------
def _history_sources(
    years: Sequence[int] | None, path: Path | None, base_url: str | None
) -> list[str | Path]:
    if path is not None:
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.name.lower().endswith((".jsonl", ".json", ".zip"))
            )
            if not files:
                raise UsageError(f"No .jsonl, .json or .zip files in {path}.")
            return list(files)
        if not path.is_file():
            raise UsageError(f"No such file: {path}.", "Give a .jsonl, .json or .zip file.")
        return [path]
    if not years:
        raise UsageError(
            "Say which years of historical ads to fetch, or give a local file.",
            "For example years=[2023, 2024], or path=Path('2024.jsonl.zip').",
        )
    base = _base_url(base_url, HISTORICAL_BASE_URL_ENV, DEFAULT_HISTORICAL_BASE_URL)
    return [f"{base}/{year}.jsonl.zip" for year in sorted(set(years))]


def _rename_period(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame.rename(columns={"period": name})


def fetch_job_ads_history(
    ctx: DataContext,
    http: HttpClient,
    *,
    years: Sequence[int] | None = None,
    path: Path | None = None,
    base_url: str | None = None,
    dry_run: bool = False,
    codes: AfCodes | None = None,
    refresh: bool = False,
    progress: Progress = _noop,
) -> FetchResult:
    """Historical ads (`{base}/{year}.jsonl.zip` per year, or a local file or folder) streamed
    to ads and positions per month × kommun × SSYK-4 → dataset `job_ads_history`.

    Downloads are kept in `<data dir>/downloads/af_historical` (a year's file never changes);
    `refresh` downloads again. The dataset holds exactly the files of this call.
    """
    sources = _history_sources(years, path, base_url)
    names = [s if isinstance(s, str) else str(s) for s in sources]
    urls = [s for s in sources if isinstance(s, str)]
    if dry_run:
        return FetchResult(
            "job_ads_history",
            "planned",
            names,
            len(urls),
            0,
            notes=["downloads: " + str(len(urls))],
        )
    codes = _codes(codes)
    download_dir = ctx.data_dir / "downloads" / "af_historical"
    with fetch_lock(ctx.data_dir):
        retrieved_at = utc_now()
        total = AdAggregate(codes)
        files: list[dict[str, Any]] = []
        for i, source in enumerate(sources):
            label = _file_name(source) if isinstance(source, str) else source.name
            progress(f"job_ads_history: {label}", i, len(sources))
            if isinstance(source, str):
                local = _download(http, source, download_dir / label, refresh=refresh)
            else:
                local = source
            part = read_history(local, codes=codes)
            total.merge(part)
            files.append(
                {
                    "source": source if isinstance(source, str) else str(source),
                    "file": local.name,
                    "bytes": local.stat().st_size,
                    "sha256": sha256_file(local),
                    "ads": part.ads,
                    "lines": part.counts["lines"],
                }
            )
        progress("job_ads_history", len(sources), len(sources))
        frame = _rename_period(total.frame("kommun"), "month")
        frame = _sorted(frame, ["month", "region_code", "ssyk"])
        county_only = total.counts["region:county_only"]
        report = total.report()
        notes = _aggregate_notes(report)
        manifest = ctx.user_store.write(
            frame,
            dataset="job_ads_history",
            source=SOURCE,
            title="Platsannonser per månad, kommun och yrke (SSYK-4), historiska annonser",
            table_ids=[f["file"] for f in files],
            dims=("month", "region_code", "ssyk"),
            retrieved_at=retrieved_at,
            query={
                "endpoint": (
                    _base_url(base_url, HISTORICAL_BASE_URL_ENV, DEFAULT_HISTORICAL_BASE_URL)
                    if urls
                    else None
                ),
                "years": sorted(set(years)) if years and path is None else None,
                "files": names,
            },
            provenance=(
                "JobTech historical job ads (Arbetsförmedlingen), streamed line by line and "
                "counted by publication month, workplace kommun and SSYK-4 by kompetens-forecast."
            ),
            licence=LICENCE,
            extra={
                "snapshot_time": retrieved_at,
                "files": files,
                "mapping": report,
                "county_only_ads": county_only,
                "notes": notes,
            },
        )
    return FetchResult(
        "job_ads_history", "written", names, len(urls), len(frame), manifest=manifest, notes=notes
    )


def _aggregate_notes(report: Mapping[str, Any]) -> list[str]:
    notes = []
    if report["occupation_unmapped"]:
        notes.append(
            f"{report['occupation_unmapped']} of {report['ads']} ads had no mappable "
            "occupation: counted as SSYK 0002 (unknown)."
        )
    if report["kommun_unmapped"]:
        notes.append(
            f"{report['kommun_unmapped']} ads had no kommun ({report['region']['county_only']} "
            "with a county only): not in the kommun table."
        )
    if report["bad_lines"]:
        notes.append(f"{report['bad_lines']} lines were not JSON ads and were skipped.")
    if report["code_lists_missing"]:
        notes.append("Code lists not found: " + ", ".join(report["code_lists_missing"]) + ".")
    return notes


# -- JobStream snapshot ----------------------------------------------------------------------
def fetch_jobstream_snapshot(
    ctx: DataContext,
    http: HttpClient,
    *,
    base_url: str | None = None,
    path: Path | None = None,
    dry_run: bool = False,
    codes: AfCodes | None = None,
    progress: Progress = _noop,
) -> FetchResult:
    """All current ads from JobStream `/v2/snapshot` (or a saved snapshot file), streamed to
    ads and positions per kommun × SSYK-4 → dataset `job_ads_snapshot` (one snapshot date per
    fetch; earlier dates are kept, the same date is replaced)."""
    base = _base_url(base_url, JOBSTREAM_BASE_URL_ENV, DEFAULT_JOBSTREAM_BASE_URL)
    endpoint = f"{base}/v2/snapshot"
    if path is not None and not path.is_file():
        raise UsageError(f"No such file: {path}.", "Give a saved /v2/snapshot answer.")
    source = str(path) if path is not None else endpoint
    if dry_run:
        return FetchResult("job_ads_snapshot", "planned", [source], 0 if path else 1, 0)
    codes = _codes(codes)
    key_sent = False if path is not None else apply_api_key(http)
    with fetch_lock(ctx.data_dir):
        snapshot_time = utc_now()
        snapshot_date = snapshot_time[:10]
        aggregate = AdAggregate(codes, period=snapshot_date, skip_removed=True)
        progress("job_ads_snapshot", 0, 1)
        if path is not None:
            _read_file(path, aggregate)
        else:
            with _stream(http, endpoint) as response:
                body = _IterStream(response.iter_content(CHUNK))
                try:
                    _feed(aggregate, io.BufferedReader(body, CHUNK))
                except requests.RequestException as exc:
                    raise SourceError(f"GET {endpoint} broke off: {exc}", "Try again.") from exc
        progress("job_ads_snapshot", 1, 1)
        if aggregate.ads == 0:
            raise DataError(f"{source} held no job ads.", "Nothing was written.")
        frame = _rename_period(aggregate.frame("kommun"), "snapshot_date")
        frame["source"] = "jobstream"
        keys = ["snapshot_date", "region_code", "ssyk"]
        merged = _sorted(
            _replace_snapshot(ctx, "job_ads_snapshot", frame, "snapshot_date", {4}), keys
        )
        report = aggregate.report()
        notes = _aggregate_notes(report)
        manifest = ctx.user_store.write(
            merged,
            dataset="job_ads_snapshot",
            source=SOURCE,
            title="Aktuella platsannonser per kommun och yrke (SSYK-4), JobStream",
            table_ids=["jobstream:/v2/snapshot"],
            dims=("snapshot_date", "region_code", "ssyk"),
            retrieved_at=snapshot_time,
            query={"endpoint": endpoint if path is None else None, "params": {}, "file": source},
            provenance=(
                f"All current ads from {source} at {snapshot_time}, streamed and counted by "
                "workplace kommun and SSYK-4 by kompetens-forecast."
            ),
            licence=LICENCE,
            extra={
                "snapshot_time": snapshot_time,
                "api_key_header_sent": key_sent,
                "mapping": report,
                "notes": notes,
            },
        )
    return FetchResult(
        "job_ads_snapshot",
        "written",
        [source],
        0 if path else 1,
        len(frame),
        manifest=manifest,
        notes=notes,
    )
