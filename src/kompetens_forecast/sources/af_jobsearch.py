"""Arbetsförmedlingen's JobSearch API: job ads and positions per SSYK-4 × region, today.

`count_ads` asks JobSearch `/search?limit=0&stats=occupation-group` once per county and/or
kommun → dataset `job_ads` (ads and positions per SSYK-4 × region × snapshot date). Positions
come from paging a region's hits where JobSearch lets us reach them all. Ads and stats values
are mapped to SSYK-4 by `af_codes`; the API key is handled by `af_api_key`.

Environment: `KF_JOBSEARCH_BASE_URL` (default https://jobsearch.api.jobtechdev.se),
`KF_JOBTECH_API_KEY`; an explicit `base_url` argument wins over the environment.

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
- The `region` filter matches an ad's own `region_code`, which can disagree with its kommun
  (2026-11 V, see af_codes): county and kommun counts need not add up exactly.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import SourceError, UsageError
from kompetens_forecast.sources.af_codes import (
    UNKNOWN_SSYK,
    AfCodes,
    classify_occupation,
    stats_value_ssyk,
    vacancies,
)
from kompetens_forecast.sources.http import HttpClient, HttpStatusError

__all__ = [
    "DEFAULT_JOBSEARCH_BASE_URL",
    "JOBSEARCH_BASE_URL_ENV",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "STATS_LIMITS",
    "jobsearch_base_url",
]

JOBSEARCH_BASE_URL_ENV = "KF_JOBSEARCH_BASE_URL"
DEFAULT_JOBSEARCH_BASE_URL = "https://jobsearch.api.jobtechdev.se"
MAX_OFFSET = 2000  # JobSearch: highest `offset` accepted
MAX_LIMIT = 100  # JobSearch: highest `limit` accepted
#: `stats.limit` values tried in turn: the first the server accepts is used for the whole run.
STATS_LIMITS = (500, 100, 30, 20)

Level = Literal["county", "kommun", "both"]


def jobsearch_base_url(base_url: str | None = None) -> str:
    """`base_url`, else `$KF_JOBSEARCH_BASE_URL`, else JobTech's host; no trailing slash."""
    return (
        base_url or os.environ.get(JOBSEARCH_BASE_URL_ENV) or DEFAULT_JOBSEARCH_BASE_URL
    ).rstrip("/")


# -- the client ------------------------------------------------------------------------------
@dataclass
class RegionCount:
    level: str  # "county" or "kommun"
    code: str
    total: int
    positions_total: float | None
    ads: dict[str, int]
    positions: dict[str, int] | None  # per SSYK-4 from hits; None when not computed
    method: str  # "hits", "stats", "stats_truncated"
    stats_unmapped: int = 0


@dataclass
class JobSearchCounter:
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

    def count(self, level: str, code: str, *, positions: bool) -> RegionCount:
        filter_ = {("region" if level == "county" else "municipality"): code}
        doc, limit = self.stats(filter_)
        total = int(doc["total"].get("value") or 0)
        raw_positions = doc.get("positions")
        positions_total = float(raw_positions) if isinstance(raw_positions, int | float) else None
        values = _stat_values(doc)
        ads: Counter[str] = Counter()
        unmapped = 0
        for value in values:
            ssyk = stats_value_ssyk(value, self.codes)
            count = int(value.get("count") or 0)
            if ssyk is None:
                unmapped += count
                ssyk = UNKNOWN_SSYK
            ads[ssyk] += count
        listed = sum(ads.values())
        truncated = len(values) >= limit and listed < total
        result = RegionCount(
            level, code, total, positions_total, {}, None, "stats", stats_unmapped=unmapped
        )
        if positions and 0 < total <= self.max_offset + self.page_size:
            hits = self.hits(filter_, total)
            if hits is not None:
                by_hits: Counter[str] = Counter()
                pos: Counter[str] = Counter()
                for hit in hits:
                    ssyk, _ = classify_occupation(hit, self.codes)
                    by_hits[ssyk] += 1
                    pos[ssyk] += vacancies(hit) or 0
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


def target_regions(level: Level, regions: Sequence[str] | None) -> list[tuple[str, str]]:
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


def counts_frame(counts: Sequence[RegionCount], snapshot_date: str) -> pd.DataFrame:
    """The `job_ads` rows of one snapshot: one per region × SSYK-4 with ads."""
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
    return frame


def count_notes(
    client: JobSearchCounter,
    counts: Sequence[RegionCount],
    methods: Mapping[str, int],
    no_positions: Sequence[str],
) -> list[str]:
    notes = list(client.notes)
    if no_positions:
        notes.append(
            f"Positions are missing (NaN) for {len(no_positions)} of {len(counts)} regions: "
            f"more than {client.max_offset + client.page_size} ads (JobSearch paging cap) or "
            "paging off."
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
    return notes


def mapping_report(counts: Sequence[RegionCount]) -> dict[str, dict[str, int]]:
    """Ads mapped and not, per level: each level counts every ad once."""
    mapping = {}
    for lvl in sorted({c.level for c in counts}):
        ads_total = sum(c.total for c in counts if c.level == lvl)
        unknown = sum(c.ads.get(UNKNOWN_SSYK, 0) for c in counts if c.level == lvl)
        mapping[lvl] = {
            "ads": ads_total,
            "mapped": ads_total - unknown,
            "unmapped": unknown,  # no group, a group we cannot map, or cut from the list
            "stats_values_unmapped": sum(c.stats_unmapped for c in counts if c.level == lvl),
        }
    return mapping
