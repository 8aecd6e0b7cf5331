"""Arbetsförmedlingen's job ads in bulk: the yearly historical files and JobStream's snapshot.

- `fetch_job_ads_history`: the yearly historical files (`{YYYY}.jsonl.zip`, or a local file or
  folder), streamed in constant memory → dataset `job_ads_history` (month × kommun × SSYK-4).
- `fetch_jobstream_snapshot`: JobStream `/v2/snapshot` (all current ads, or a saved answer),
  streamed the same way → dataset `job_ads_snapshot` (snapshot date × kommun × SSYK-4).

Both read the JobSearch ad model, placed by `af_codes` and counted by `af_ads_stream`; the
per-step mapping counts go into every manifest.

Environment: `KF_HISTORICAL_ADS_BASE_URL` (default https://data.jobtechdev.se/annonser/historiska),
`KF_JOBSTREAM_BASE_URL` (https://jobstream.api.jobtechdev.se), `KF_JOBTECH_API_KEY` (JobStream,
see `af_api_key`); an explicit `base_url` argument wins over the environment.

Quirks (dated; V = verified in a source named here, A = assumed, to check against the live API):
- 2026-11 V (JobtechSwe/getting-started-code-examples): `/snapshot` answers one JSON array of
  all current ads; older historical files were JSON arrays too, newer ones JSON lines. The
  readers (`af_ads_stream`) detect either from the first byte, inside a zip or not.
- 2026-11 A: historical ads are not de-duplicated (that would need memory growing with the
  file); each line counts once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.errors import UsageError
from kompetens_forecast.sources.af_ads_stream import (
    require_ads_file,
)

__all__ = [
    "DEFAULT_HISTORICAL_BASE_URL",
    "DEFAULT_JOBSTREAM_BASE_URL",
    "HISTORICAL_BASE_URL_ENV",
    "JOBSTREAM_BASE_URL_ENV",
    "historical_base_url",
    "jobstream_base_url",
]

HISTORICAL_BASE_URL_ENV = "KF_HISTORICAL_ADS_BASE_URL"
DEFAULT_HISTORICAL_BASE_URL = "https://data.jobtechdev.se/annonser/historiska"
JOBSTREAM_BASE_URL_ENV = "KF_JOBSTREAM_BASE_URL"
DEFAULT_JOBSTREAM_BASE_URL = "https://jobstream.api.jobtechdev.se"


def historical_base_url(base_url: str | None = None) -> str:
    """`base_url`, else `$KF_HISTORICAL_ADS_BASE_URL`, else JobTech's; no trailing slash."""
    url = base_url or os.environ.get(HISTORICAL_BASE_URL_ENV) or DEFAULT_HISTORICAL_BASE_URL
    return url.rstrip("/")


def jobstream_base_url(base_url: str | None = None) -> str:
    """`base_url`, else `$KF_JOBSTREAM_BASE_URL`, else JobTech's host; no trailing slash."""
    url = base_url or os.environ.get(JOBSTREAM_BASE_URL_ENV) or DEFAULT_JOBSTREAM_BASE_URL
    return url.rstrip("/")


# -- historical ads ------------------------------------------------------------------------
def history_sources(
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
        return [require_ads_file(path)]
    if not years:
        raise UsageError(
            "Say which years of historical ads to fetch, or give a local file.",
            "For example years=[2023, 2024], or path=Path('2024.jsonl.zip').",
        )
    base = historical_base_url(base_url)
    return [f"{base}/{year}.jsonl.zip" for year in sorted(set(years))]


def rename_period(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    return frame.rename(columns={"period": name})


def aggregate_notes(report: Mapping[str, Any]) -> list[str]:
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
