"""`forecast refresh`: fetch what is due or changed, rebuild only the regions it affects.

1. Fetch: the config's datasets, or what the publication calendar says is due
   (`calendar.releases.due_datasets`). Each fetch is incremental: a table whose `updated` stamp
   is unchanged costs metadata calls only, and a failed fetch keeps the previous data.
2. Compare, per region, the inputs its last `manifest.json` recorded (each dataset's origin,
   vintage and checksum, the tool version, the language/size/horizon/goals parameters) with
   the current ones; a dataset fetched now that the last run did not use counts as a change
   too (the run may use it, e.g. the age data). Regions whose inputs are the same are left.
3. Rebuild the changed regions with `forecast run` (`pipeline.run_region`) into OUT/<code>/.
4. Write OUT/refresh.json (atomically): what was fetched with its status, calls and seconds,
   what was rebuilt and why, the vintages in use, durations.

A dry run plans the fetches (metadata calls only) and lists what would be rebuilt; it writes
no outputs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kompetens_forecast import __version__
from kompetens_forecast.calendar.releases import due_datasets
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import KFError
from kompetens_forecast.jobs.fetchers import AF_FETCHERS, Fetcher
from kompetens_forecast.jobs.outputs import provenance_header, write_json
from kompetens_forecast.jobs.refresh_config import RefreshConfig
from kompetens_forecast.jobs.run import run_region
from kompetens_forecast.store.datasets import DataContext

REPORT = "refresh.json"
Progress = Callable[[str], None]
#: Run parameters whose change rebuilds a region (as recorded in its manifest.json).
COMPARED_PARAMETERS = ("lang", "size")


@dataclass
class FetchEntry:
    dataset: str
    status: str  # written, unchanged, planned, failed
    changed: bool  # new data (a dry run: new data expected)
    calls: int = 0
    tables: list[str] = field(default_factory=list)
    vintage: str = ""
    seconds: float = 0.0
    error: str = ""


@dataclass
class RegionEntry:
    code: str
    name: str
    out: str
    status: str  # rebuilt, unchanged, failed, would_rebuild
    reasons: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


@dataclass
class RefreshReport:
    config: RefreshConfig
    dry_run: bool
    fetched: list[FetchEntry]
    regions: list[RegionEntry]
    vintages: dict[str, dict[str, str]]
    skipped: list[str]  # due, but they need options a refresh does not give (--year, --file)
    seconds: float = 0.0
    path: Path | None = None  # refresh.json (None for a dry run)

    @property
    def changed(self) -> bool:
        """New data fetched or a region rebuilt (or, for a dry run, expected to be)."""
        return any(f.changed for f in self.fetched) or any(
            r.status in ("rebuilt", "would_rebuild") for r in self.regions
        )

    @property
    def failures(self) -> list[str]:
        return [f.dataset for f in self.fetched if f.status == "failed"] + [
            r.code for r in self.regions if r.status == "failed"
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            **provenance_header(),
            "config": str(self.config.path),
            "out": str(self.config.out),
            "dry_run": self.dry_run,
            "changed": self.changed,
            "seconds": round(self.seconds, 2),
            "fetched": [asdict(f) for f in self.fetched],
            "due_not_fetched": self.skipped,
            "regions": [asdict(r) for r in self.regions],
            "vintages": self.vintages,
        }


def _fetch_all(
    fetcher: Fetcher, names: list[str], dry_run: bool, progress: Progress
) -> list[FetchEntry]:
    entries = []
    for name in names:
        progress(f"Fetching {name}" if not dry_run else f"Planning {name}")
        start = time.perf_counter()
        try:
            result = fetcher.fetch(name, dry_run=dry_run)
        except KFError as exc:  # the previous data stay in use
            entries.append(
                FetchEntry(
                    name, "failed", False, seconds=time.perf_counter() - start, error=exc.one_line()
                )
            )
            continue
        if dry_run:  # an SCB plan knows whether anything changed upstream; AF's cannot say
            changed = result.plan is None or not result.plan.unchanged
        else:
            changed = result.status == "written"
        entries.append(
            FetchEntry(
                name,
                result.status,
                changed,
                result.calls,
                list(result.tables),
                result.manifest.vintage if result.manifest else "",
                time.perf_counter() - start,
            )
        )
    return entries


def _current(ctx: DataContext, dataset: str) -> dict[str, str] | None:
    found = ctx.find(dataset)
    if found is None:
        return None
    origin, store = found
    manifest = store.manifest(dataset)
    if manifest is None:
        return None
    return {"origin": origin, "vintage": manifest.vintage, "checksum": manifest.checksum}


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def rebuild_reasons(
    config: RefreshConfig, ctx: DataContext, out_dir: Path, new_data: set[str]
) -> list[str]:
    """Why the region in `out_dir` must be rebuilt (empty: its inputs are unchanged).

    `new_data`: datasets fetched (or, in a dry run, expected to change) in this refresh."""
    previous = _read_manifest(out_dir / "manifest.json")
    if previous is None:
        return ["no previous output"]
    reasons = []
    if previous.get("tool_version") != __version__:
        reasons.append(f"tool version {previous.get('tool_version')} → {__version__}")
    parameters = previous.get("parameters") or {}
    wanted: dict[str, Any] = {"lang": config.lang, "size": config.size}
    if config.horizon is not None:
        wanted["horizon"] = config.horizon
    wanted["goals_config"] = str(config.goals) if config.goals else None
    for key, value in wanted.items():
        if parameters.get(key) != value:
            reasons.append(f"{key} {parameters.get(key)} → {value}")
    used = set()
    for entry in previous.get("datasets") or []:
        name = str(entry.get("dataset"))
        used.add(name)
        now = _current(ctx, name)
        if now is None:
            reasons.append(f"{name}: no longer available")
        elif (now["origin"], now["vintage"], now["checksum"]) != (
            entry.get("origin"),
            entry.get("vintage"),
            entry.get("checksum"),
        ):
            reasons.append(
                f"{name}: {entry.get('origin')} {entry.get('vintage')} → "
                f"{now['origin']} {now['vintage']}"
            )
        elif name in new_data:  # a dry run: not fetched yet, but the plan says it changed
            reasons.append(f"{name}: new data upstream")
    unused = sorted(new_data - used)
    reasons += [f"{name}: fetched, not among the last run's inputs" for name in unused]
    return reasons


def _rebuild(
    config: RefreshConfig,
    ctx: DataContext,
    code: str,
    out_dir: Path,
    progress: Progress,
) -> tuple[str, str]:
    try:
        run_region(
            code,
            out_dir,
            ctx=ctx,
            horizon=config.horizon,
            lang=config.lang,
            size=config.size,
            progress=lambda message: progress(f"{code}: {message}"),
            goals=config.goals,
        )
    except KFError as exc:  # the region's previous output stays as it was
        return "failed", exc.one_line()
    return "rebuilt", ""


def run_refresh(
    config: RefreshConfig,
    *,
    ctx: DataContext | None = None,
    dry_run: bool = False,
    progress: Progress = lambda _message: None,
) -> RefreshReport:
    """Fetch what is due (or the config's datasets), rebuild the regions whose inputs changed,
    write OUT/refresh.json. A dry run only plans (metadata calls) and writes nothing."""
    start = time.perf_counter()
    ctx = ctx or DataContext()
    fetcher = Fetcher(ctx, quick=dry_run)
    skipped: list[str] = []
    if config.datasets is None:
        due, skipped = due_datasets(ctx)
        names = [n for n in due if n in fetcher.names()]
    else:
        names = list(config.datasets)
    fetched = _fetch_all(fetcher, names, dry_run, progress)
    new_data = {f.dataset for f in fetched if f.changed}
    registry = default_registry()
    regions = []
    for code in config.regions:
        region = registry.get(code)
        out_dir = config.out / code
        reasons = rebuild_reasons(config, ctx, out_dir, new_data)
        entry = RegionEntry(code, region.label(config.lang), str(out_dir), "unchanged", reasons)
        if reasons and dry_run:
            entry.status = "would_rebuild"
        elif reasons:
            progress(f"Rebuilding {code} {entry.name}")
            began = time.perf_counter()
            entry.status, entry.error = _rebuild(config, ctx, code, out_dir, progress)
            entry.seconds = round(time.perf_counter() - began, 2)
        regions.append(entry)
    for fetch in fetched:
        fetch.seconds = round(fetch.seconds, 2)
    vintages = {
        name: now
        for name in sorted({*names, *AF_FETCHERS, *fetcher.catalog.names()})
        if (now := _current(ctx, name)) is not None
    }
    report = RefreshReport(
        config, dry_run, fetched, regions, vintages, skipped, time.perf_counter() - start
    )
    if not dry_run:
        report.path = write_json(config.out / REPORT, report.to_dict())
    return report


def print_lines(report: RefreshReport) -> list[str]:
    """What `forecast refresh` prints on stdout: one tab-separated line per dataset and region
    (`fetch NAME STATUS CALLS VINTAGE`, `region CODE STATUS REASONS`), then refresh.json."""
    lines = ["kind\tname\tstatus\tdetail"]
    for f in report.fetched:
        detail = f.error or f"calls={f.calls} vintage={f.vintage}".rstrip()
        lines.append(f"fetch\t{f.dataset}\t{f.status}\t{detail}")
    for r in report.regions:
        detail = r.error or "; ".join(r.reasons)
        lines.append(f"region\t{r.code}\t{r.status}\t{detail}")
    if report.path is not None:
        lines.append(str(report.path))
    return lines
