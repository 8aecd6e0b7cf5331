"""Listing the vintages of a fetched dataset and making another one current.

`forecast data vintages --dataset NAME` lists them (with their state: ok, damaged, or kept
aside because it is newer than the current one); `forecast data use --dataset NAME --vintage V`
goes back to an earlier vintage, or takes one that was kept aside after an upstream change.
"""

from __future__ import annotations

from dataclasses import dataclass

from kompetens_forecast.classify.text import closest
from kompetens_forecast.errors import UsageError
from kompetens_forecast.store.manifest import Manifest
from kompetens_forecast.store.store import Store


@dataclass(frozen=True)
class VintageRow:
    vintage: str
    current: bool
    rows: int
    retrieved_at: str
    state: str  # "ok", "damaged: …", "kept aside" (newer than the current one)


def _check_dataset(store: Store, dataset: str) -> None:
    if store.has(dataset):
        return
    names = sorted({m.dataset for m in store.manifests()})
    suggestions = closest(dataset, {n: n for n in names})
    hint = f"Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise UsageError(
        f"No fetched dataset '{dataset}' in {store.root}.",
        f"{hint} Fetched: {', '.join(names) or 'none (see `forecast fetch`)'}.".strip(),
    )


def list_vintages(store: Store, dataset: str) -> list[VintageRow]:
    """Every vintage of `dataset` in `store`, oldest first."""
    _check_dataset(store, dataset)
    current = store.manifest(dataset)
    rows = []
    for vintage in store.vintages(dataset):
        problem = store.damage(dataset, vintage)
        try:
            manifest = store.vintage_manifest(dataset, vintage)
            rows_count, retrieved = manifest.rows, manifest.retrieved_at
        except Exception:
            rows_count, retrieved = 0, ""
        is_current = current is not None and current.vintage == vintage
        if problem is not None:
            state = f"damaged: {problem}"
        elif current is not None and vintage > current.vintage:
            state = "kept aside"
        else:
            state = "ok"
        rows.append(VintageRow(vintage, is_current, rows_count, retrieved, state))
    return rows


def use_vintage(store: Store, dataset: str, vintage: str) -> Manifest:
    """Make `vintage` of `dataset` current; an unknown vintage is a usage error (exit 2)."""
    _check_dataset(store, dataset)
    vintages = store.vintages(dataset)
    if vintage not in vintages:
        suggestions = closest(vintage, {v: v for v in vintages})
        raise UsageError(
            f"Dataset '{dataset}' has no vintage '{vintage}'.",
            f"Vintages: {', '.join(vintages)}."
            + (f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""),
        )
    return store.set_current(dataset, vintage)
