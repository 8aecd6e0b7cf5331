"""An external path for total employment in riket (`--national-path FILE`).

A macro forecast (Konjunkturinstitutet, Arbetsförmedlingen's outlook) says how total employment
grows; the model says how it splits over occupations and counties. The file is a CSV with the
columns `year;growth_pct` (growth of total employment in per cent on the year before; decimal
point or comma), years consecutive. Riket's total forecast — the top of the reconciliation
(`reconcile.py`) — becomes `total_T · Π (1 + g_y / 100)`; years after the file's last year
carry the model's own growth on from there. Every cell is then raked to it, so the occupational
and regional composition stay the model's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_forecast.errors import InvalidOptionError

COLUMNS = ("year", "growth_pct")


@dataclass(frozen=True)
class NationalPath:
    """Growth of riket's total employment per year (per cent), and where it came from."""

    source: str
    growth: tuple[tuple[int, float], ...]

    def as_dict(self) -> dict[str, object]:
        """For manifests: the file name and the growth per year."""
        return {"file": self.source, "growth_pct": {str(y): g for y, g in self.growth}}


def read_national_path(path: Path) -> NationalPath:
    """Read and check a `year;growth_pct` file (InvalidOptionError naming what is wrong)."""
    hint = "Give a CSV with the header year;growth_pct and one row per consecutive year."
    if not path.is_file():
        raise InvalidOptionError(f"National path file '{path}' not found.", hint)
    try:
        frame = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidOptionError(f"Cannot read national path file '{path}': {exc}.", hint) from exc
    columns = [c.strip().lower() for c in frame.columns]
    if columns != list(COLUMNS):
        raise InvalidOptionError(
            f"National path file '{path}' has columns {columns}, not year;growth_pct.", hint
        )
    frame.columns = list(COLUMNS)
    years = pd.to_numeric(frame["year"].str.strip(), errors="coerce")
    growth = pd.to_numeric(frame["growth_pct"].str.strip().str.replace(",", "."), errors="coerce")
    bad = frame[years.isna() | growth.isna() | (years % 1 != 0) | (growth <= -100)]
    if len(frame) == 0 or not bad.empty:
        row = bad.iloc[0].tolist() if not bad.empty else []
        raise InvalidOptionError(f"National path file '{path}': bad row {row}.", hint)
    ordered = years.astype("int64").tolist()
    if ordered != list(range(ordered[0], ordered[0] + len(ordered))):
        raise InvalidOptionError(
            f"National path file '{path}': years {ordered} are not consecutive.", hint
        )
    return NationalPath(path.name, tuple(zip(ordered, growth.astype(float).tolist(), strict=True)))


def path_total(
    model: pd.DataFrame, last_year: int, last_total: float, path: NationalPath
) -> pd.Series:
    """Riket's total per forecast year of `model` (year, total: the model's own forecast)
    following `path`; years after the path carry the model's growth on. The path must start
    at most at the first forecast year (the year after `last_year`)."""
    growth = dict(path.growth)
    first = last_year + 1
    if min(growth) > first:
        raise InvalidOptionError(
            f"The national path starts in {min(growth)}, after the first forecast year {first}.",
            f"Give growth from {first} on.",
        )
    model_total = model.set_index("year")["total"].sort_index()
    out = {}
    level, model_prev = last_total, last_total
    for year, total in model_total.items():
        y = int(str(year))
        if y in growth:
            level *= 1 + growth[y] / 100
        elif model_prev > 0 and np.isfinite(total):
            level *= float(total) / model_prev
        out[y] = level
        model_prev = float(total)
    return pd.Series(out, name="total", dtype="float64")
