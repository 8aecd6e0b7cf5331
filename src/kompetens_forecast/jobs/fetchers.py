"""Which fetcher serves which dataset name: SCB catalog datasets and Arbetsförmedlingen's.

`forecast fetch --dataset NAME` looks the name up here. SCB datasets come from the catalog
(configs/catalog.toml, plus the user's); Arbetsförmedlingen's are fixed fetchers with their own
base URLs (env KF_AF_DATA_BASE_URL, KF_TAXONOMY_BASE_URL, KF_JOBSEARCH_BASE_URL, …).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.classify.text import closest
from kompetens_forecast.errors import UsageError
from kompetens_forecast.jobs.fetch import (
    FetchResult,
    Progress,
    fetch_dataset,
    no_progress,
    scb_clients,
)
from kompetens_forecast.jobs.ingest import fetch_yrkesbarometer
from kompetens_forecast.jobs.ingest_ads import (
    count_ads,
    fetch_job_ads_history,
    fetch_jobstream_snapshot,
)
from kompetens_forecast.jobs.ingest_jobseekers import import_jobseekers
from kompetens_forecast.jobs.ingest_kolada import fetch_kolada
from kompetens_forecast.jobs.ingest_taxonomy import fetch_taxonomy
from kompetens_forecast.sources.catalog import Catalog
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.store.datasets import DataContext


@dataclass(frozen=True)
class SourceOptions:
    """Options some Arbetsförmedlingen fetchers take (`forecast fetch --year/--file`)."""

    years: tuple[int, ...] = ()
    path: Path | None = None
    dry_run: bool = False
    refresh: bool = False
    kpis: tuple[str, ...] = ()  # kolada: KPI ids (`--kpi`)


def kolada_regions() -> list[str]:
    """Riket, every county and every municipality (Kolada has no county groups)."""
    return [r.code for r in default_registry().all() if r.level != "group"]


AfFetcher = Callable[[DataContext, HttpClient, SourceOptions, Progress], FetchResult]

#: Datasets outside the SCB catalog (Arbetsförmedlingen's, and Kolada's KPIs from `--kpi`):
#: name → fetcher(ctx, http, options, progress).
AF_FETCHERS: dict[str, AfFetcher] = {
    "yrkesbarometer": lambda ctx, http, o, _p: fetch_yrkesbarometer(ctx, http, dry_run=o.dry_run),
    "taxonomy": lambda ctx, http, o, _p: fetch_taxonomy(ctx, http, dry_run=o.dry_run),
    "job_ads": lambda ctx, http, o, p: count_ads(
        ctx, http, level="both", dry_run=o.dry_run, progress=p
    ),
    "job_ads_history": lambda ctx, http, o, p: fetch_job_ads_history(
        ctx,
        http,
        years=o.years or None,
        path=o.path,
        dry_run=o.dry_run,
        refresh=o.refresh,
        progress=p,
    ),
    "job_ads_snapshot": lambda ctx, http, o, p: fetch_jobstream_snapshot(
        ctx, http, path=o.path, dry_run=o.dry_run, progress=p
    ),
    "jobseekers": lambda ctx, _http, o, _p: import_jobseekers(ctx, o.path, dry_run=o.dry_run),
    "kolada": lambda ctx, http, o, _p: fetch_kolada(
        ctx, http, o.kpis, kolada_regions(), dry_run=o.dry_run
    ),
}
#: Fetched by `forecast fetch --all` (history needs --year or --file; the snapshot is large;
#: jobseekers come only from a file).
AF_IN_ALL = ("yrkesbarometer", "taxonomy", "job_ads")


QUICK_ATTEMPTS = 2


@dataclass
class Fetcher:
    """Fetches datasets by name into one data directory, sharing HTTP clients and cache."""

    ctx: DataContext
    offline: bool = False
    refresh: bool = False
    accept_changes: bool = False
    quick: bool = False  # a dry run: give up after one retry, do not wait out a failing server

    def __post_init__(self) -> None:
        self.catalog = Catalog.load()
        attempts = QUICK_ATTEMPTS if self.quick else None
        self.clients = scb_clients(
            self.ctx.data_dir, offline=self.offline, refresh=self.refresh, attempts=attempts
        )
        settings = HttpSettings.from_env(
            cache_dir=self.ctx.data_dir / "cache",
            offline=self.offline,
            refresh=self.refresh,
            **({} if attempts is None else {"attempts": attempts}),
        )
        self.af_http = HttpClient(settings)

    def names(self) -> list[str]:
        return sorted({*self.catalog.names(), *AF_FETCHERS})

    def all_names(self) -> list[str]:
        """What `--all` fetches: every SCB catalog dataset and the regular AF datasets."""
        return sorted({*self.catalog.names(), *AF_IN_ALL})

    def check(self, name: str) -> str:
        if name in AF_FETCHERS or name in self.catalog.datasets:
            return name
        suggestions = closest(name, {n: n for n in self.names()})
        hint = f"Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise UsageError(
            f"Unknown dataset '{name}'.", f"{hint} Datasets: {', '.join(self.names())}.".strip()
        )

    def fetch(
        self,
        name: str,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        years: Sequence[int] = (),
        path: Path | None = None,
        kpis: Sequence[str] = (),
    ) -> FetchResult:
        self.check(name)
        if name in AF_FETCHERS:
            options = SourceOptions(tuple(years), path, dry_run, self.refresh, tuple(kpis))
            return AF_FETCHERS[name](self.ctx, self.af_http, options, progress or no_progress)
        spec = self.catalog.get(name)
        return fetch_dataset(
            self.ctx,
            self.clients,
            spec,
            refresh=self.refresh,
            dry_run=dry_run,
            progress=progress or no_progress,
            accept_changes=self.accept_changes,
        )
