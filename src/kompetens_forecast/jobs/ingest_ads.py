"""Arbetsförmedlingen's job-ad datasets into the store: counts per region (JobSearch, `job_ads`),
historical ads and the JobStream snapshot. The sources download and parse; these functions take
the fetch lock, merge with what is stored where a dataset keeps earlier snapshots, and write
through `ingest`."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from kompetens_forecast.errors import DataError, SourceError, UsageError
from kompetens_forecast.jobs.fetch import FetchResult, Progress, fetch_lock, no_progress
from kompetens_forecast.jobs.ingest import ingest
from kompetens_forecast.sources.af_ads_dataset import LICENCE, SNAPSHOT_DIMS, SOURCE, sorted_unique
from kompetens_forecast.sources.af_ads_stream import (
    AdAggregate,
    feed_ads,
    read_ads_file,
    read_history,
)
from kompetens_forecast.sources.af_api_key import apply_api_key
from kompetens_forecast.sources.af_codes import AfCodes, codes_or_default
from kompetens_forecast.sources.af_history import (
    aggregate_notes,
    historical_base_url,
    history_sources,
    jobstream_base_url,
    rename_period,
)
from kompetens_forecast.sources.af_jobsearch import (
    MAX_LIMIT,
    MAX_OFFSET,
    STATS_LIMITS,
    JobSearchCounter,
    Level,
    RegionCount,
    count_notes,
    counts_frame,
    jobsearch_base_url,
    mapping_report,
    target_regions,
)
from kompetens_forecast.sources.download import Download
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


def replace_snapshot(
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


# -- counting --------------------------------------------------------------------------------
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
    progress: Progress = no_progress,
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
    base = jobsearch_base_url(base_url)
    targets = target_regions(level, regions)
    client = JobSearchCounter(
        http, base, codes_or_default(codes), page_size, max_offset, tuple(stats_limits)
    )
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
        counts: list[RegionCount] = []
        for i, (lvl, code) in enumerate(targets):
            progress("job_ads: JobSearch", i, len(targets))
            counts.append(client.count(lvl, code, positions=positions))
        progress("job_ads: JobSearch", len(targets), len(targets))
        frame = counts_frame(counts, snapshot_time[:10])
        lengths = {2 if lvl == "county" else 4 for lvl, _ in targets}
        methods = Counter(c.method for c in counts)
        no_positions = [c.code for c in counts if c.positions is None and c.total > 0]
        notes = count_notes(client, counts, methods, no_positions)
        result = _ingest_snapshot(
            ctx,
            Download(
                frame,
                dataset="job_ads",
                source=SOURCE,
                dims=SNAPSHOT_DIMS,
                title="Platsannonser per yrke (SSYK-4) och region, ögonblicksbild (JobSearch)",
                table_ids=["jobsearch:/search"],
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
                    "mapping": mapping_report(counts),
                    "positions_missing_regions": no_positions,
                    "region_totals": {
                        c.code: {"ads": c.total, "positions": c.positions_total} for c in counts
                    },
                    "notes": notes,
                },
                urls=[client.endpoint],
                calls=client.calls,
                cells=len(frame),
            ),
            lengths,
            notes,
        )
    return result


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
    sources = history_sources(years, path, base_url)
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
        frame = rename_period(total.frame("kommun"), "month")
        frame = sorted_unique(frame, ["month", "region_code", "ssyk"])
        county_only = total.counts["region:county_only"]
        report = total.report()
        notes = aggregate_notes(report)
        result = ingest(
            ctx,
            Download(
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
                    "JobTech historical job ads (Arbetsförmedlingen), streamed line by line "
                    "and counted by publication month, workplace kommun and SSYK-4 by "
                    "kompetens-forecast."
                ),
                licence=LICENCE,
                extra={
                    "snapshot_time": retrieved_at,
                    "files": files,
                    "mapping": report,
                    "county_only_ads": county_only,
                    "notes": notes,
                },
                urls=names,
                calls=len(urls),
                cells=len(frame),
            ),
            notes,
        )
    return result


def _ingest_snapshot(
    ctx: DataContext, download: Download, lengths: set[int], notes: Sequence[str]
) -> FetchResult:
    """Store a snapshot of ads (`download.frame`) beside the earlier ones: a stored snapshot
    of the same date and code lengths is replaced, the rest kept (caller holds the lock)."""
    stored = replace_snapshot(ctx, download.dataset, download.frame, "snapshot_date", lengths)
    return ingest(ctx, replace(download, frame=sorted_unique(stored, SNAPSHOT_DIMS)), notes)


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
        frame = rename_period(aggregate.frame("kommun"), "snapshot_date")
        frame["source"] = "jobstream"
        report = aggregate.report()
        notes = aggregate_notes(report)
        result = _ingest_snapshot(
            ctx,
            Download(
                frame,
                dataset="job_ads_snapshot",
                source=SOURCE,
                dims=SNAPSHOT_DIMS,
                title="Aktuella platsannonser per kommun och yrke (SSYK-4), JobStream",
                table_ids=["jobstream:/v2/snapshot"],
                retrieved_at=snapshot_time,
                query={
                    "endpoint": endpoint if path is None else None,
                    "params": {},
                    "file": source,
                },
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
                urls=[source],
                calls=0 if path else 1,
                cells=len(frame),
            ),
            {4},
            notes,
        )
    return result
