"""`forecast fetch`: catalog dataset → SCB tables → one canonical dataset in the store.

For each dataset of the catalog (configs/catalog.toml):
1. resolve its segments to tables (a known id, or a search that may find several tables of one
   family, e.g. YREG60 → YREG60N → YREG60BAS);
2. read each table's metadata afresh and compare its `updated` stamp with the stored
   manifest: nothing changed → no data calls at all (incremental refresh);
3. plan every query under the server's cell cap and fetch it at the server's rate (HTTP cache:
   an interrupted fetch resumes from the chunks already received);
4. stitch the tables by period, newest table wins where they overlap, convert to the canonical
   layout (string codes, int years, markers kept), validate, and write a new vintage that
   becomes current only when complete — and only when its structure matches the current
   one's (`store.changes`: regions, codes, dimensions, totals), unless `--accept-changes`.

A current vintage whose file is damaged (checksum) is fetched again without `--refresh`.

Only one process fetches into a data directory at a time (a lock file), because SCB's limits
are per IP and a half-written store is worse than a wait.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from kompetens_forecast.errors import (
    DataError,
    FetchLockedError,
    NotFoundError,
    UpstreamChangeError,
    UsageError,
)
from kompetens_forecast.schema import validate_observations
from kompetens_forecast.sources.catalog import DatasetSpec, Segment
from kompetens_forecast.sources.http import HttpClient, HttpSettings, HttpStatusError
from kompetens_forecast.sources.jsonstat import CONTENTS_CODE, TableMetadata
from kompetens_forecast.sources.scb_v1 import ScbV1Client
from kompetens_forecast.sources.scb_v2 import PxWebClient, QueryPlan
from kompetens_forecast.sources.tidy import label_column
from kompetens_forecast.store.breaks import load_breaks
from kompetens_forecast.store.changes import Change, compare_vintages, summarise
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.manifest import Manifest
from kompetens_forecast.store.store import utc_now

LOCK_FILE = ".fetch.lock"
TIME_VARIABLE = "Tid"
Progress = Callable[[str, int, int], None]  # (what, done, total)

_YEAR = re.compile(r"^\d{4}$")
_PERIOD_YEAR = re.compile(r"^(\d{4})")


#: What the fetch needs of a server (metadata, plan, data): both SCB clients have it.
TableClient = PxWebClient | ScbV1Client


@dataclass(frozen=True)
class Clients:
    """One client per API version; v1 only for the tables that exist only there."""

    v2: PxWebClient
    v1: ScbV1Client

    def for_segment(self, segment: Segment) -> TableClient:
        return self.v1 if segment.api == "v1" else self.v2


@dataclass(frozen=True)
class TablePlan:
    table_id: str
    metadata: TableMetadata
    query: QueryPlan
    years: tuple[int, int] | None
    client: TableClient

    @property
    def updated(self) -> str | None:
        return self.metadata.updated


@dataclass
class FetchPlan:
    spec: DatasetSpec
    tables: list[TablePlan]
    unchanged: bool
    previous: Manifest | None

    @property
    def calls(self) -> int:
        return 0 if self.unchanged else sum(t.query.calls for t in self.tables)

    @property
    def cells(self) -> int:
        return 0 if self.unchanged else sum(t.query.cells for t in self.tables)

    @property
    def seconds_at_rate(self) -> float:
        if self.unchanged or not self.tables:
            return 0.0
        first = self.tables[0].query
        calls = self.calls
        return max(0, -(-calls // first.max_calls) - 1) * first.time_window


@dataclass
class FetchResult:
    """What a fetch did, for any source: SCB (with its plan) or Arbetsförmedlingen."""

    dataset: str
    status: str  # "written", "unchanged" or "planned"
    tables: list[str]  # table ids, files or endpoints the data came from
    calls: int  # data calls made (or planned, for a dry run)
    cells: int  # cells / rows fetched (or planned)
    seconds_at_rate: float = 0.0
    manifest: Manifest | None = None
    plan: FetchPlan | None = None  # SCB only
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_plan(cls, status: str, plan: FetchPlan, manifest: Manifest | None) -> FetchResult:
        return cls(
            plan.spec.name,
            status,
            [t.table_id for t in plan.tables],
            plan.calls,
            plan.cells,
            plan.seconds_at_rate,
            manifest,
            plan,
        )


def no_progress(_what: str, _done: int, _total: int) -> None:
    return None


# -- resolving segments to tables ----------------------------------------------------------
def _fits(metadata: TableMetadata, segment: Segment) -> bool:
    codes = {d.code for d in metadata.dimensions}
    if not set(segment.require) <= codes:
        return False
    # a table with extra mandatory variables answers another question (e.g. YREG57 has age)
    extra = codes - set(segment.require) - {CONTENTS_CODE}
    return all(metadata.dimension(code).elimination for code in extra) if segment.require else True


#: Above this many tables in the full list, only those whose title or variable names share a
#: word with the segment's searches are checked (each check is a metadata call).
FULL_LIST_CHECK_ALL = 100


def _tables_for(clients: Clients, segment: Segment, *, everything: bool = False) -> list[str]:
    """Candidate tables of a segment: its id, or what its searches (or the full list) find."""
    if segment.api == "v1" and segment.v1_path:
        return [segment.v1_path]
    if segment.table:
        return [segment.table]
    if everything:
        listing = clients.v2.search("")
        if len(listing) <= FULL_LIST_CHECK_ALL:
            return [info.id for info in listing]
        words = {w.lower() for q in segment.search for w in q.split() if len(w) >= 4}
        return [
            info.id
            for info in listing
            if any(w in " ".join([info.label, *info.variable_names]).lower() for w in words)
        ]
    found: dict[str, None] = {}
    for query in segment.search:
        try:
            found.update(dict.fromkeys(info.id for info in clients.v2.search(query)))
        except (NotFoundError, HttpStatusError):  # a server without search: try the list
            continue
        if found:
            break
    return list(found)


def _plan_table(
    client: TableClient, table_id: str, segment: Segment, *, strict: bool
) -> TablePlan | None:
    metadata = client.metadata(table_id)
    if not _fits(metadata, segment):
        if strict:
            raise DataError(
                f"Table {table_id} lacks the variables {list(segment.require)}.",
                f"It has {list(metadata.dimension_codes)}; fix the catalog entry.",
            )
        return None
    request = {name: list(sel.codes) for name, sel in segment.selection.items()}
    codelists = {name: sel.codelist for name, sel in segment.selection.items() if sel.codelist}
    try:
        query = client.plan(table_id, request, codelists=codelists, complete=not segment.eliminate)
    except UsageError:
        if strict:
            raise
        return None  # a searched candidate whose codes do not fit (e.g. SSYK-3 only)
    return TablePlan(table_id, metadata, query, segment.years, client)


def _fitting(
    client: TableClient, candidates: Sequence[str], segment: Segment, strict: bool
) -> list[TablePlan]:
    plans = [_plan_table(client, table, segment, strict=strict) for table in candidates]
    return [plan for plan in plans if plan is not None]


def plan_fetch(
    clients: Clients, spec: DatasetSpec, previous: Manifest | None, *, refresh: bool = False
) -> FetchPlan:
    """Resolve tables and plan every query; `unchanged` when no table was updated upstream."""
    tables: list[TablePlan] = []
    for segment in spec.segments:
        client = clients.for_segment(segment)
        strict = bool(segment.table or segment.api == "v1")
        candidates = _tables_for(clients, segment)
        fitting = _fitting(client, candidates, segment, strict)
        if not fitting and not strict:  # SCB's search can miss: look through every table
            everything = [
                t for t in _tables_for(clients, segment, everything=True) if t not in candidates
            ]
            fitting = _fitting(client, everything, segment, strict)
        if not fitting:
            raise DataError(
                f"Dataset '{spec.name}': no table found for segment {segment.describe()}.",
                "Check with `forecast search TEXT` and record the table id in the catalog.",
            )
        # a family found by search is stitched oldest → newest by last period, then update
        fitting.sort(key=lambda p: (_last_period(p.metadata), p.updated or ""))
        tables += fitting
    stamps = [(t.table_id, t.updated) for t in tables]
    unchanged = (
        not refresh
        and previous is not None
        and previous.extra.get("segments_updated") == [list(s) for s in stamps]
    )
    return FetchPlan(spec, tables, unchanged, previous)


def _last_period(metadata: TableMetadata) -> str:
    time = metadata.time_dimension or next(
        (d for d in metadata.dimensions if d.code == TIME_VARIABLE), None
    )
    return time.values[-1] if time and time.values else ""


# -- canonical layout --------------------------------------------------------------------------
def canonical(frame: pd.DataFrame, spec: DatasetSpec, contents_single: bool) -> pd.DataFrame:
    """Tidy SCB frame → canonical columns: renamed codes (+ labels), year/period, value, symbol."""
    out = pd.DataFrame(index=frame.index)
    dims: list[str] = []
    for column in frame.columns:
        if column.endswith("_label") or column in ("value", "symbol"):
            continue
        if column == TIME_VARIABLE:
            continue
        if column == CONTENTS_CODE and contents_single:
            continue
        name = spec.rename.get(column, "contents" if column == CONTENTS_CODE else column.lower())
        out[name] = frame[column].astype(str)
        out[f"{name}_label"] = frame[label_column(column)]
        dims.append(name)
    periods = frame[TIME_VARIABLE].astype(str)
    if periods.str.fullmatch(_YEAR).all():
        out["year"] = periods.astype("int64")
    else:
        out["period"] = periods
        out["year"] = periods.str.extract(_PERIOD_YEAR)[0].astype("int64")
        dims.append("period")
    out["value"] = frame["value"].astype("float64")
    out["symbol"] = frame["symbol"].astype(object).where(frame["symbol"].notna(), None)  # type: ignore[call-overload]
    # a marker stands for a missing value: a cell never carries both
    # a marker means missing, except "-" (nil): a true zero, kept as 0 with its marker
    out.loc[out["symbol"].notna() & (out["symbol"] != "-"), "value"] = np.nan
    out, dims = _recoded(out, dims, spec)
    out.attrs["dims"] = dims
    return out


def _recoded(
    out: pd.DataFrame, dims: list[str], spec: DatasetSpec
) -> tuple[pd.DataFrame, list[str]]:
    """The catalog's constants (columns a table lacks), code recodings (by code, then by
    label) and `keep_recoded` filter; dims in the catalog's order."""
    for column, value in spec.constants.items():
        if column not in out.columns:
            out.insert(0, column, value)
            dims = [column, *dims]
    keep = pd.Series(True, index=out.index)
    for column in {*spec.recode, *spec.recode_labels}:
        if column not in out.columns:
            continue
        codes = spec.recode.get(column, {})
        mapped = out[column].map(codes)
        label = out.get(f"{column}_label", pd.Series("", index=out.index)).astype(str)
        for pattern, target in spec.recode_labels.get(column, {}).items():
            hit = mapped.isna() & label.str.contains(pattern, regex=True)
            mapped = mapped.where(~hit, target)
        if column in spec.keep_recoded:
            keep &= mapped.notna()
        out[column] = mapped.fillna(out[column])
    out = out.loc[keep].reset_index(drop=True)
    ordered = [d for d in spec.dims if d in dims] + [d for d in dims if d not in spec.dims]
    leading = [c for d in ordered for c in (d, f"{d}_label") if c in out.columns]
    return out[[*leading, *(c for c in out.columns if c not in leading)]], ordered


def stitch(frames: Sequence[tuple[TablePlan, pd.DataFrame]], rule: str = "newest") -> pd.DataFrame:
    """Newest table wins per period (`rule="union"`: per cell, so tables that add regions or
    measures are all kept); a segment's `years` limit which periods it gives."""
    parts = []
    for rank, (table, frame) in enumerate(frames):
        part = frame
        if table.years is not None:
            part = part[part["year"].between(*table.years)]
        parts.append(part.assign(_rank=rank, _table=table.table_id))
    joined = pd.concat(parts, ignore_index=True)
    period = "period" if "period" in joined.columns else "year"
    if rule == "union":
        dims = [d for d in frames[0][1].attrs.get("dims", []) if d in joined.columns]
        keys = [*dict.fromkeys([*dims, period])]
        newest = joined.groupby(keys, dropna=False)["_rank"].transform("max")
        return joined[joined["_rank"] == newest].drop(columns="_rank").reset_index(drop=True)
    newest = joined.groupby(period)["_rank"].transform("max")
    return joined[joined["_rank"] == newest].drop(columns="_rank").reset_index(drop=True)


# -- running a fetch -----------------------------------------------------------------------
def fetch_dataset(
    ctx: DataContext,
    clients: Clients,
    spec: DatasetSpec,
    *,
    refresh: bool = False,
    dry_run: bool = False,
    progress: Progress = no_progress,
    accept_changes: bool = False,
) -> FetchResult:
    """Plan and (unless `dry_run`) fetch one dataset into the data directory's store.

    A current vintage whose file is damaged is fetched again (no `--refresh` needed). A new
    vintage that changes the dataset's structure (`store.changes`) is kept aside unless
    `accept_changes`: UpstreamChangeError, and the current vintage stays in use.
    """
    with fetch_lock(ctx.data_dir):
        previous = ctx.user_store.manifest(spec.name)
        damage = ctx.user_store.damage(spec.name) if previous is not None else None
        progress(f"{spec.name}: metadata", 0, 1)
        plan = plan_fetch(clients, spec, previous, refresh=refresh)
        notes = []
        if damage is not None:
            plan.unchanged = False  # repair: the damaged vintage is not "unchanged" data
            notes.append(f"current vintage damaged ({damage}); fetched again")
        if dry_run:
            return FetchResult.from_plan("planned", plan, None)
        if plan.unchanged:
            return FetchResult.from_plan("unchanged", plan, previous)
        retrieved_at = utc_now()
        frames = []
        single_content = all(
            len(t.query.selection[CONTENTS_CODE].codes) == 1
            for t in plan.tables
            if CONTENTS_CODE in t.query.selection
        )
        for table in plan.tables:
            label = f"{spec.name}: {table.table_id}"

            def report(done: int, total: int, label: str = label) -> None:
                progress(label, done, total)

            tidy = table.client.data(table.query, cache_tag=table.updated or "", progress=report)
            frames.append((table, canonical(tidy, spec, single_content)))
        data = stitch(frames, spec.stitch)
        changes = [] if damage is not None else _changes(ctx, spec.name, data)
        manifest = _write(
            ctx, spec, plan, data, frames, retrieved_at, current=accept_changes or not changes
        )
        if changes and not accept_changes:
            raise UpstreamChangeError(
                f"Dataset '{spec.name}' changed upstream ({summarise(changes)}); the new "
                f"vintage {manifest.vintage} is kept aside and "
                f"{previous.vintage if previous else 'the current one'} stays in use.",
                f"Check it, then `forecast fetch --dataset {spec.name} --accept-changes` or "
                f"`forecast data use --dataset {spec.name} --vintage {manifest.vintage}`.",
            )
        result = FetchResult.from_plan("written", plan, manifest)
        result.notes += notes + ([f"accepted: {summarise(changes)}"] if changes else [])
        return result


def _changes(ctx: DataContext, dataset: str, new: pd.DataFrame) -> list[Change]:
    """Structural changes of `new` against the current vintage (none without one)."""
    if not ctx.user_store.has(dataset):
        return []
    old = ctx.user_store.read(dataset)
    return compare_vintages(old, new.drop(columns="_table", errors="ignore"))


class fetch_lock:  # noqa: N801 - a context manager that reads as a statement
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(str(data_dir / LOCK_FILE))

    def __enter__(self) -> None:
        try:
            self.lock.acquire(timeout=0)
        except Timeout as exc:
            raise FetchLockedError(
                f"Another fetch is running in {self.lock.lock_file}.",
                "Wait for it to finish; SCB's limits are per IP, so fetches run one at a time.",
            ) from exc

    def __exit__(self, *_: object) -> None:
        self.lock.release()


def _write(
    ctx: DataContext,
    spec: DatasetSpec,
    plan: FetchPlan,
    data: pd.DataFrame,
    frames: Sequence[tuple[TablePlan, pd.DataFrame]],
    retrieved_at: str,
    *,
    current: bool = True,
) -> Manifest:
    base_url = ", ".join(sorted({t.client.base_url for t in plan.tables}))
    tables_used = data["_table"].unique().tolist()
    dims = tuple(frames[0][1].attrs["dims"])
    validated = validate_observations(data.drop(columns="_table"), dims, spec.name)
    validated = validated.sort_values([*dims, "year"]).reset_index(drop=True)
    segments: list[dict[str, Any]] = []
    for table, frame in frames:
        period = "period" if "period" in frame.columns else "year"
        used = data.loc[data["_table"] == table.table_id, period]
        segments.append(
            {
                "table": table.table_id,
                "label": table.metadata.label,
                "updated": table.updated,
                "cells_fetched": len(frame),
                "periods_used": sorted({str(p) for p in used}),
                "calls": table.query.calls,
            }
        )
    updated = [t.updated for t in plan.tables if t.updated]
    return ctx.user_store.write(
        validated,
        dataset=spec.name,
        source=spec.source,
        title=spec.title,
        table_ids=[t for t in (p.table_id for p in plan.tables) if t in tables_used],
        dims=dims,
        retrieved_at=retrieved_at,
        source_updated=max(updated) if updated else None,
        query={
            "base_url": base_url,
            "tables": [
                {"table": t.table_id, "selection": t.query.selection.to_query()}
                for t in plan.tables
            ],
        },
        provenance=f"Fetched from {base_url} by kompetens-forecast; catalog entry {spec.origin}.",
        licence="SCB open data, CC0 (cite 'Källa: SCB')." if spec.source == "scb" else "",
        breaks=load_breaks(spec.name),
        extra={
            "segments": segments,
            "segments_updated": [[t.table_id, t.updated] for t in plan.tables],
            "verified": spec.verified,
            "markers": int(validated["symbol"].notna().sum()),
        },
        make_current=current,
    )


def scb_clients(
    data_dir: Path,
    *,
    offline: bool,
    refresh: bool,
    lang: str = "sv",
    attempts: int | None = None,
) -> Clients:
    """Clients for `KF_SCB_BASE_URL` (v2) and `KF_SCB_V1_BASE_URL` (v1), sharing one HTTP cache
    in the data directory; each sizes its own rate limiter from its server's config. Time
    limits from the environment (`HttpSettings.from_env`); `attempts` overrides them."""
    quick = {} if attempts is None else {"attempts": attempts}
    settings = HttpSettings.from_env(
        cache_dir=data_dir / "cache", offline=offline, refresh=refresh, **quick
    )
    return Clients(
        v2=PxWebClient(http=HttpClient(settings), lang=lang),
        v1=ScbV1Client(http=HttpClient(settings), lang=lang),
    )
