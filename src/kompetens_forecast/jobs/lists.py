"""`forecast regions`, `forecast occupations` and `forecast data vintages/use`: look-ups the
CLI prints as tab-separated rows."""

from __future__ import annotations

from kompetens_forecast.calendar.releases import due_datasets
from kompetens_forecast.classify.regions import Region, default_registry
from kompetens_forecast.classify.ssyk import Occupation, default_occupations
from kompetens_forecast.errors import KFError, UsageError
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.manifest import Manifest
from kompetens_forecast.store.vintages import VintageRow, list_vintages, use_vintage

__all__ = [
    "due_datasets",
    "find_occupations",
    "find_regions",
    "other_meanings",
    "set_vintage",
    "vintages",
]


def find_regions(search: str) -> list[Region]:
    """Regions whose code or name matches `search` (accents and case ignored); all without."""
    registry = default_registry()
    return registry.search(search) if search else registry.all()


def find_occupations(search: str, level: int | None) -> list[Occupation]:
    """SSYK 2012 occupations matching `search` (by word stem when nothing matches as written),
    at `level` (1–4) or every level."""
    if level is not None and level not in (1, 2, 3, 4):
        raise UsageError(f"Invalid SSYK level {level}.", "Choose 1, 2, 3 or 4.")
    registry = default_occupations()
    if search:
        return registry.search(search, level=level)
    return [o for n in ((level,) if level else (1, 2, 3, 4)) for o in registry.level(n)]


def vintages(ctx: DataContext, dataset: str) -> list[VintageRow]:
    """The fetched vintages of `dataset`, oldest first."""
    return list_vintages(ctx.user_store, dataset)


def set_vintage(ctx: DataContext, dataset: str, vintage: str) -> Manifest:
    """Make `vintage` the current one of `dataset`."""
    return use_vintage(ctx.user_store, dataset, vintage)


def other_meanings(query: str) -> tuple[Region, list[Region]] | None:
    """The region `query` names and the others a shared name could mean ("Stockholm": the
    kommun, and the county 01); None for `all` or an unknown name (the command reports it)."""
    if query.strip().casefold() == "all":
        return None
    registry = default_registry()
    try:
        return registry.get(query), registry.other_meanings(query)
    except KFError:
        return None
