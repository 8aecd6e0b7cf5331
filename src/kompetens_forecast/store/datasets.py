"""Find datasets: the user's data directory first, the embedded demo dataset second.

The data directory defaults to the platform's user data dir (platformdirs) and is overridden by
the environment variable `KF_DATA_DIR` or the CLI's `--data-dir`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import platformdirs

from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import embedded_data_dir
from kompetens_forecast.store.manifest import Manifest
from kompetens_forecast.store.store import Store

DATA_DIR_ENV = "KF_DATA_DIR"


def default_data_dir() -> Path:
    """`$KF_DATA_DIR` if set, otherwise the platform's user data directory."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("kompetens-forecast", appauthor=False)


@dataclass(frozen=True)
class LoadedDataset:
    """A dataset read for a run: its rows, its manifest (provenance), and where it came from."""

    frame: pd.DataFrame
    manifest: Manifest
    origin: str  # "store" (fetched by the user) or "demo" (embedded)


class DataContext:
    """The stores a run reads from, in order of precedence."""

    def __init__(self, data_dir: Path | None = None, *, use_demo: bool = True) -> None:
        self.data_dir = data_dir if data_dir is not None else default_data_dir()
        self.user_store = Store(self.data_dir / "store", label="data directory")
        self.demo_store = (
            Store(embedded_data_dir() / "store", read_only=True, label="embedded demo dataset")
            if use_demo
            else None
        )

    def stores(self) -> list[tuple[str, Store]]:
        """The stores in order of precedence: the user's (fetched) store, then the embedded demo."""
        pairs: list[tuple[str, Store]] = [("store", self.user_store)]
        if self.demo_store is not None:
            pairs.append(("demo", self.demo_store))
        return pairs

    def find(self, dataset: str) -> tuple[str, Store] | None:
        """The first store holding `dataset` and its origin ("store" or "demo"); None if neither."""
        for origin, store in self.stores():
            if store.has(dataset):
                return origin, store
        return None

    def has(self, dataset: str) -> bool:
        """Whether any store holds `dataset`."""
        return self.find(dataset) is not None

    def load(self, dataset: str) -> LoadedDataset:
        """`dataset` from the first store holding it, checksum-verified; DataError if none does."""
        found = self.find(dataset)
        if found is None:
            raise DataError(
                f"Dataset '{dataset}' is neither in {self.data_dir} nor in the demo data.",
                "Run `forecast data status` to see what is available.",
            )
        origin, store = found
        manifest = store.manifest(dataset)
        assert manifest is not None  # find() checked the manifest exists
        return LoadedDataset(store.read(dataset), manifest, origin)

    def status(self) -> list[tuple[str, Manifest, bool]]:
        """Every dataset in every store: (origin, manifest, is_in_use)."""
        rows: list[tuple[str, Manifest, bool]] = []
        seen: set[str] = set()
        for origin, store in self.stores():
            for manifest in store.manifests():
                rows.append((origin, manifest, manifest.dataset not in seen))
                seen.add(manifest.dataset)
        return rows
