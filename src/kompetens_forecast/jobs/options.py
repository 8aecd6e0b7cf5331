"""What the CLI's shared options turn into: the data directory's context, the forecast
settings (with an external national path), the compute engine. The CLI imports only the
commands' package; these are its few shared inputs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.national_path import read_national_path
from kompetens_forecast.engines import Engine, engine_from_options
from kompetens_forecast.store.datasets import DataContext

__all__ = [
    "DataContext",
    "Engine",
    "ForecastSettings",
    "data_context",
    "engine",
    "forecast_settings",
]


def data_context(data_dir: Path | None) -> DataContext:
    """The datasets of `data_dir` (fetched) over the embedded demo data."""
    return DataContext(data_dir)


def forecast_settings(national_path: Path | None) -> ForecastSettings | None:
    """Default settings, with the external national path when one is given (None: defaults)."""
    if national_path is None:
        return None
    return replace(default_settings(), national_path=read_national_path(national_path))


def engine(name: str, scheduler: str | None, workers: int | None = None) -> Engine:
    """The engine `--engine`, `--scheduler` and `--workers` ask for (`local` by default)."""
    return engine_from_options(name, scheduler, workers)
