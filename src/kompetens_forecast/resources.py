"""Where the embedded demo dataset and the shipped configs are, and how their files are read.

In a wheel they are inside the package (`kompetens_forecast/_embedded/{data,configs}`, see
pyproject.toml); in a source checkout or editable install they are the repository's top-level
`data/` and `configs/` directories.
"""

from __future__ import annotations

import csv
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from kompetens_forecast.errors import DataError

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def _embedded_dir(name: str) -> Path:
    candidates = (
        _PACKAGE_DIR / "_embedded" / name,  # installed wheel
        _PACKAGE_DIR.parent.parent / name,  # src layout checkout: <repo>/src/kompetens_forecast
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise DataError(
        f"Embedded '{name}' directory not found (looked in {', '.join(map(str, candidates))}).",
        "Reinstall the package: pip install kompetens-forecast",
    )


def embedded_data_dir() -> Path:
    """The embedded demo dataset (a read-only store)."""
    return _embedded_dir("data")


def configs_dir() -> Path:
    """The shipped configuration files (region groups, break register, forecast settings)."""
    return _embedded_dir("configs")


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's document; a missing or malformed file is a DataError naming `what`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"Cannot read {what} {path}: {exc}") from exc


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """A code list's rows, every cell a string (leading zeros kept); a BOM is dropped and a
    missing file is a DataError."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise DataError(f"Cannot read code list {path}: {exc}") from exc
