"""When each dataset was last updated, when its next release is expected, and what is due.

Cadences come from the catalog (`cadence` of each SCB dataset, configs/catalog.toml) and from
configs/calendar.toml for the datasets outside it (Arbetsförmedlingen's, Kolada). The last
known update is the source's own `updated` stamp recorded at the fetch (`source_updated` in the
manifest, e.g. SCB's table `updated`), else the retrieval time — `update_basis` says which.
Releases are expected every cadence after it. A dataset is *due* when a release was expected
since then, or when it was never fetched into the data directory (only the embedded demo, or
nothing); a due dataset gets an event today ("fetch now") beside its expected releases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import configs_dir, read_toml
from kompetens_forecast.sources.catalog import CADENCES, Catalog
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.manifest import Manifest

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
SOURCE_NAMES = {"scb": "SCB", "af": "Arbetsförmedlingen", "kolada": "Kolada"}


@dataclass(frozen=True)
class DatasetCadence:
    dataset: str
    title: str
    source: str  # scb, af, kolada
    cadence: str
    outputs: tuple[str, ...] = ()
    fetchable: bool = True  # `forecast fetch --due` can fetch it without further options


@dataclass(frozen=True)
class Release:
    """One dataset's place in the calendar for one year."""

    cadence: DatasetCadence
    origin: str  # "store" (fetched), "demo" (embedded) or "" (not available)
    last_update: date | None
    update_basis: str  # "source" (the source's updated stamp), "retrieved", or ""
    next_expected: date | None  # the first release expected after the last update
    due: bool
    releases: tuple[tuple[date, str], ...]  # (day, "expected" | "due") in the calendar year
    never_fetched: bool


def _read_calendar_config(path: Path) -> dict[str, Any]:
    return read_toml(path, "calendar config")


def load_cadences(catalog: Catalog | None = None, path: Path | None = None) -> list[DatasetCadence]:
    """Every dataset the tool fetches, with its cadence and the outputs that depend on it."""
    catalog = catalog or Catalog.load()
    raw = _read_calendar_config(path or configs_dir() / "calendar.toml")
    outputs: dict[str, list[str]] = raw.get("outputs", {})
    found = [
        DatasetCadence(
            spec.name, spec.title, spec.source, spec.cadence, tuple(outputs.get(spec.name, ()))
        )
        for spec in catalog.datasets.values()
    ]
    for name, entry in raw.get("sources", {}).items():
        cadence = entry.get("cadence", "yearly")
        if cadence not in CADENCES:
            raise DataError(f"calendar.toml: {name}: cadence {cadence!r} not in {CADENCES}.")
        found.append(
            DatasetCadence(
                name,
                str(entry.get("title", name)),
                str(entry.get("source", "")),
                cadence,
                tuple(outputs.get(name, ())),
                bool(entry.get("fetch", True)),
            )
        )
    return sorted(found, key=lambda c: (c.source != "scb", c.source, c.dataset))


def _date(stamp: str | None) -> date | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def last_update(manifest: Manifest) -> tuple[date | None, str]:
    """The source's own update date if recorded, else the retrieval date."""
    source = _date(manifest.source_updated)
    if source is not None:
        return source, "source"
    retrieved = _date(manifest.retrieved_at)
    return (retrieved, "retrieved") if retrieved is not None else (None, "")


def add_months(day: date, months: int) -> date:
    """`day` plus whole months (the day clipped to the month's length)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def expected_releases(last: date, cadence: str, year: int) -> list[date]:
    """Releases expected in `year`: every cadence after `last`."""
    step = CADENCE_MONTHS[cadence]
    out: list[date] = []
    k = 1
    while True:
        when = add_months(last, step * k)
        if when.year > year:
            return out
        if when.year == year:
            out.append(when)
        k += 1


def _found(ctx: DataContext, dataset: str) -> tuple[str, Manifest | None]:
    found = ctx.find(dataset)
    if found is None:
        return "", None
    origin, store = found
    return origin, store.manifest(dataset)


def plan_releases(
    ctx: DataContext,
    year: int | None = None,
    *,
    today: date | None = None,
    cadences: list[DatasetCadence] | None = None,
) -> list[Release]:
    """The calendar of `year` (default: this year) for every dataset."""
    today = today or datetime.now(UTC).date()
    year = year or today.year
    out = []
    for cadence in cadences if cadences is not None else load_cadences():
        origin, manifest = _found(ctx, cadence.dataset)
        last, basis = last_update(manifest) if manifest is not None else (None, "")
        never = origin != "store"
        now = ((today, "due"),) if today.year == year else ()
        if last is None:
            out.append(Release(cadence, origin, None, "", None, True, now, never))
            continue
        following = add_months(last, CADENCE_MONTHS[cadence.cadence])
        due = never or following <= today
        expected = tuple(
            (day, "expected") for day in expected_releases(last, cadence.cadence, year)
        )
        releases = (now if due else ()) + expected
        out.append(Release(cadence, origin, last, basis, following, due, releases, never))
    return out


def due_datasets(ctx: DataContext, today: date | None = None) -> tuple[list[str], list[str]]:
    """What `forecast fetch --due` fetches (due and fetchable) and what it leaves (due, but it
    needs --year/--file, or Kolada with no KPI stored yet)."""
    fetch, skip = [], []
    for release in plan_releases(ctx, today=today):
        if not release.due:
            continue
        name = release.cadence.dataset
        kolada_empty = name == "kolada" and release.origin != "store"
        if release.cadence.fetchable and not kolada_empty:
            fetch.append(name)
        else:
            skip.append(name)
    return fetch, skip


def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, source.upper())
