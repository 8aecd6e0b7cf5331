"""`forecast doctor`: what could stop a fetch or a run, found before it does, with what to do.

Checks (each a `Check`: status ok/warn/fail, a detail and the remedy):
- the SCB APIs (v2 and v1): reachable, and the limits they announce (cells per call, calls per
  window);
- the HTTP cache: an SQLite file that opens and passes `PRAGMA quick_check`;
- the store: every vintage's file against its manifest's checksum; vintages kept aside;
- stale locks and staging folders: a fetch lock held by a running fetch, `.staging-*` folders
  a killed fetch left in the store;
- catalog tables changed upstream: the `updated` stamp of every fetched SCB table against the
  one recorded when it was fetched.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from kompetens_forecast.errors import KFError
from kompetens_forecast.jobs.fetch import LOCK_FILE, scb_clients
from kompetens_forecast.sources.http import CACHE_FILE, HttpClient, HttpSettings
from kompetens_forecast.sources.scb_v1 import ScbV1Client
from kompetens_forecast.sources.scb_v2 import PxWebClient
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.manifest import Manifest


@dataclass(frozen=True)
class Check:
    status: str  # "ok", "warn", "fail"
    name: str
    detail: str
    remedy: str = ""


def run_checks(ctx: DataContext, *, offline: bool = False) -> list[Check]:
    """Every check, in the order listed in the module docstring."""
    checks: list[Check] = []
    if not offline:
        checks += check_apis(ctx)
    checks += check_cache(ctx.data_dir / "cache")
    checks += check_store(ctx)
    checks += check_stale(ctx)
    if not offline:
        checks += check_upstream(ctx)
    return checks


def _quick(cache_dir: Path | None) -> HttpSettings:
    # quick limits for the doctor's own requests: a check should answer in seconds
    return HttpSettings.from_env(
        cache_dir=cache_dir,
        refresh=True,
        connect_timeout=5.0,
        read_timeout=15.0,
        deadline=30.0,
        attempts=2,
    )


def check_apis(ctx: DataContext) -> list[Check]:
    checks = []
    clients: list[tuple[str, PxWebClient | ScbV1Client]] = [
        ("SCB API v2", PxWebClient(http=HttpClient(_quick(None)))),
        ("SCB API v1", ScbV1Client(http=HttpClient(_quick(None)))),
    ]
    for name, client in clients:
        try:
            config = client.config()
        except KFError as exc:
            checks.append(
                Check(
                    "fail",
                    f"{name} {client.base_url}",
                    exc.message,
                    "Check the network and the base URL (KF_SCB_BASE_URL, KF_SCB_V1_BASE_URL); "
                    "runs still work on fetched and demo data, fetch --offline uses the cache.",
                )
            )
            continue
        checks.append(
            Check(
                "ok",
                f"{name} {client.base_url}",
                f"reachable; {config.max_cells} cells per call, {config.max_calls} calls per "
                f"{config.time_window:g} s",
            )
        )
    return checks


def check_cache(cache_dir: Path) -> list[Check]:
    path = cache_dir / CACHE_FILE
    if not path.is_file():
        return [Check("ok", "HTTP cache", f"none yet ({path})")]
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            result = con.execute("PRAGMA quick_check").fetchone()
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
    except sqlite3.DatabaseError as exc:
        return [
            Check(
                "fail",
                "HTTP cache",
                f"{path} is damaged: {exc}",
                "Delete it (it holds only cached answers); the next fetch starts a new one.",
            )
        ]
    if not result or result[0] != "ok":
        return [Check("fail", "HTTP cache", f"{path}: {result}", "Delete it; it is only a cache.")]
    damaged = sorted(p.name for p in cache_dir.glob(f"{CACHE_FILE}.damaged-*"))
    if damaged:
        return [
            Check(
                "warn",
                "HTTP cache",
                f"ok; earlier damaged copies set aside: {', '.join(damaged[:3])}",
                f"Delete them from {cache_dir}.",
            )
        ]
    return [Check("ok", "HTTP cache", f"{path} passes quick_check ({len(tables)} tables)")]


def check_store(ctx: DataContext) -> list[Check]:
    store = ctx.user_store
    checks = []
    for manifest in store.manifests():
        name = manifest.dataset
        current = store.damage(name)
        if current is not None:
            checks.append(
                Check(
                    "fail",
                    f"store {name}",
                    f"current vintage {manifest.vintage}: {current}",
                    store._remedy(name, manifest.vintage),
                )
            )
        else:
            checks.append(Check("ok", f"store {name}", f"vintage {manifest.vintage} verified"))
        for vintage in store.vintages(name):
            if vintage == manifest.vintage:
                continue
            problem = store.damage(name, vintage)
            if problem is not None:
                checks.append(
                    Check(
                        "warn",
                        f"store {name} {vintage}",
                        problem,
                        "An earlier vintage, not in use: delete its folder, or keep it.",
                    )
                )
            elif vintage > manifest.vintage:
                checks.append(
                    Check(
                        "warn",
                        f"store {name} {vintage}",
                        "newer vintage kept aside (changed upstream, or set back by hand)",
                        f"Check it, then `forecast data use --dataset {name} --vintage {vintage}`.",
                    )
                )
    if not checks:
        checks.append(Check("ok", "store", f"no fetched datasets in {store.root}"))
    return checks


def _fetch_running(data_dir: Path) -> bool:
    lock_path = data_dir / LOCK_FILE
    if not lock_path.exists():
        return False
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def check_stale(ctx: DataContext, *, fix: bool = False) -> list[Check]:
    running = _fetch_running(ctx.data_dir)
    checks = []
    if running:
        checks.append(
            Check(
                "warn",
                "fetch lock",
                f"a fetch is running in {ctx.data_dir}",
                "Wait for it to finish before fetching again.",
            )
        )
    root = ctx.user_store.root
    staging = sorted(root.glob("source=*/dataset=*/.staging-*")) if root.is_dir() else []
    staging += sorted(root.glob("source=*/dataset=*/.retired-*")) if root.is_dir() else []
    if staging and not running:
        if fix:
            for path in staging:
                shutil.rmtree(path, ignore_errors=True)
        checks.append(
            Check(
                "warn",
                "stale staging folders",
                f"{len(staging)} left by an interrupted fetch: "
                + ", ".join(str(p.relative_to(root)) for p in staging[:3]),
                "Safe to delete (no fetch is running); they are never used.",
            )
        )
    if not checks:
        checks.append(Check("ok", "locks and staging", "no fetch running, nothing left over"))
    return checks


def _recorded_stamps(manifest: Manifest) -> list[tuple[str, str | None]]:
    recorded = manifest.extra.get("segments_updated") or []
    return [(str(t), None if u is None else str(u)) for t, u in recorded]


def check_upstream(ctx: DataContext) -> list[Check]:
    clients = scb_clients(ctx.data_dir, offline=False, refresh=True)
    quick = _quick(ctx.data_dir / "cache")
    clients.v2.http.settings = quick
    clients.v1.http.settings = quick
    checks = []
    for manifest in ctx.user_store.manifests():
        if manifest.source != "scb" or not _recorded_stamps(manifest):
            continue
        changed, failed = [], []
        for table, stamp in _recorded_stamps(manifest):
            client = clients.v1 if "/" in table else clients.v2
            try:
                now = client.metadata(table).updated
            except KFError as exc:
                failed.append(f"{table}: {exc.message}")
                continue
            if now != stamp:
                changed.append(f"{table} {stamp} → {now}")
        name = f"catalog {manifest.dataset}"
        if failed:
            checks.append(
                Check(
                    "warn",
                    name,
                    f"cannot check {len(failed)} table(s): {'; '.join(failed[:3])}",
                    "Check the catalog entry (`forecast search TEXT`) and the network.",
                )
            )
        if changed:
            checks.append(
                Check(
                    "warn",
                    name,
                    f"updated upstream: {', '.join(changed[:3])}",
                    f"`forecast fetch --dataset {manifest.dataset}` (a structural change is "
                    "kept aside until you accept it).",
                )
            )
        elif not failed:
            checks.append(Check("ok", name, "tables unchanged upstream"))
    return checks
