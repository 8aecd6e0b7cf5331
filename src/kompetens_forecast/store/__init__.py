"""The Parquet store, its manifests, and the resolution of datasets (fetched data before demo)."""

from kompetens_forecast.store.datasets import DataContext, LoadedDataset
from kompetens_forecast.store.manifest import Manifest, SeriesBreak
from kompetens_forecast.store.store import Store

__all__ = ["DataContext", "LoadedDataset", "Manifest", "SeriesBreak", "Store"]
