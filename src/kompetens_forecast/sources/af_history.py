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

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from kompetens_forecast.errors import DataError, SourceError, UsageError
from kompetens_forecast.jobs.fetch import FetchResult, Progress, fetch_lock, no_progress
from kompetens_forecast.sources.af_ads_dataset import (
    LICENCE,
    SNAPSHOT_DIMS,
    SOURCE,
    replace_snapshot,
    sorted_unique,
)
from kompetens_forecast.sources.af_ads_stream import (
    AdAggregate,
    feed_ads,
    read_ads_file,
    read_history,
    require_ads_file,
)
from kompetens_forecast.sources.af_api_key import apply_api_key
from kompetens_forecast.sources.af_codes import AfCodes, codes_or_default
from kompetens_forecast.sources.http import HttpClient
from kompetens_forecast.sources.http_stream import (
    CHUNK,
    IterStream,
    download,
    stream_get,
    url_file_name,
)
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import sha256_file, utc_now

__all__ = [
    "DEFAULT_HISTORICAL_BASE_URL",
    "DEFAULT_JOBSTREAM_BASE_URL",
    "HISTORICAL_BASE_URL_ENV",
    "JOBSTREAM_BASE_URL_ENV",
    "fetch_job_ads_history",
    "fetch_jobstream_snapshot",
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
        return [require_ads_file(path)]
    if not years:
        raise UsageError(
            "Say which years of historical ads to fetch, or give a local file.",
            "For example years=[2023, 2024], or path=Path('2024.jsonl.zip').",
        )
    base = historical_base_url(base_url)
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
    progress: Progress = no_progress,
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
    codes = codes_or_default(codes)
    download_dir = ctx.data_dir / "downloads" / "af_historical"
    with fetch_lock(ctx.data_dir):
        retrieved_at = utc_now()
        total = AdAggregate(codes)
        files: list[dict[str, Any]] = []
        for i, source in enumerate(sources):
            label = url_file_name(source) if isinstance(source, str) else source.name
            progress(f"job_ads_history: {label}", i, len(sources))
            if isinstance(source, str):
                local = download(http, source, download_dir / label, refresh=refresh)
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
        frame = sorted_unique(frame, ["month", "region_code", "ssyk"])
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
                "endpoint": historical_base_url(base_url) if urls else None,
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
    progress: Progress = no_progress,
) -> FetchResult:
    """All current ads from JobStream `/v2/snapshot` (or a saved snapshot file), streamed to
    ads and positions per kommun × SSYK-4 → dataset `job_ads_snapshot` (one snapshot date per
    fetch; earlier dates are kept, the same date is replaced)."""
    base = jobstream_base_url(base_url)
    endpoint = f"{base}/v2/snapshot"
    if path is not None and not path.is_file():
        raise UsageError(f"No such file: {path}.", "Give a saved /v2/snapshot answer.")
    source = str(path) if path is not None else endpoint
    if dry_run:
        return FetchResult("job_ads_snapshot", "planned", [source], 0 if path else 1, 0)
    codes = codes_or_default(codes)
    key_sent = False if path is not None else apply_api_key(http)
    with fetch_lock(ctx.data_dir):
        snapshot_time = utc_now()
        snapshot_date = snapshot_time[:10]
        aggregate = AdAggregate(codes, period=snapshot_date, skip_removed=True)
        progress("job_ads_snapshot", 0, 1)
        if path is not None:
            read_ads_file(path, aggregate)
        else:
            with stream_get(http, endpoint) as response:
                body = IterStream(response.iter_content(CHUNK))
                try:
                    feed_ads(aggregate, io.BufferedReader(body, CHUNK))
                except requests.RequestException as exc:
                    raise SourceError(f"GET {endpoint} broke off: {exc}", "Try again.") from exc
        progress("job_ads_snapshot", 1, 1)
        if aggregate.ads == 0:
            raise DataError(f"{source} held no job ads.", "Nothing was written.")
        frame = _rename_period(aggregate.frame("kommun"), "snapshot_date")
        frame["source"] = "jobstream"
        merged = sorted_unique(
            replace_snapshot(ctx, "job_ads_snapshot", frame, "snapshot_date", {4}), SNAPSHOT_DIMS
        )
        report = aggregate.report()
        notes = _aggregate_notes(report)
        manifest = ctx.user_store.write(
            merged,
            dataset="job_ads_snapshot",
            source=SOURCE,
            title="Aktuella platsannonser per kommun och yrke (SSYK-4), JobStream",
            table_ids=["jobstream:/v2/snapshot"],
            dims=SNAPSHOT_DIMS,
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
