"""SYNTHETIC municipality data allocated from real county counts (for the demo dataset only).

SCB publishes employees by kommun only at SSYK-3 (YREG58*); the demo dataset does not ship that
table, so it carries a synthetic stand-in whose county totals are real. The rule:

1. Aggregate the real county × SSYK-4 × sex × year counts to SSYK-3 (`aggregate_ssyk`): a
   parent level of the same hierarchy; levels are never mixed.
2. Give each kommun a weight for every SSYK-3 group and year,
   ``w(k, o, t) = b(k) · p(k, o) · exp(d(k, o) · (t − t0))``, with a seeded base weight
   ``b(k) ~ LogNormal(0, base_sigma)`` (so a few kommuner dominate their county, as in
   reality), a seeded kommun × SSYK-3 perturbation ``p(k, o) ~ LogNormal(0, occupation_sigma)``
   and a small seeded per-year drift ``d(k, o) ~ Normal(0, drift_sigma)`` (t0 = first year), so
   that series differ in level and trend. The same weights apply to both sexes. With
   `base_weights` (the demo passes real kommun population), b(k) is that real size instead, so
   the county seat is the largest kommun as in reality; the occupation mix stays random.
3. Split every county × SSYK-3 × sex × year count over the county's kommuner in proportion to
   the weights and integerise with the largest-remainder method (floors first, then one more
   person to the kommuner with the largest fractional remainders, ties to the lower kommun
   code), so the kommun values sum exactly to the real county value in every cell. A county
   with one kommun (Gotland: 09 → 0980) gets the whole county value.

The random numbers are drawn from ``numpy.random.default_rng(seed)`` in a fixed order (sorted
kommun codes, then sorted SSYK codes), so the same input and seed give the same output.
The numbers are NOT statistics about any municipality; every output row has `synthetic=True`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.errors import DataError

CELL_DIMS = ("ssyk", "sex", "year")
_REQUIRED = ("region_code", *CELL_DIMS, "value")


@dataclass(frozen=True)
class AllocationParams:
    """Spreads (log scale) of the seeded weight factors; see the module docstring."""

    base_sigma: float = 1.0
    occupation_sigma: float = 0.5
    drift_sigma: float = 0.02

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def aggregate_ssyk(frame: pd.DataFrame, level: int) -> pd.DataFrame:
    """Sum an observation frame at one SSYK level to the parent `level` (1–3 digits).

    Every SSYK code in `frame` must have the same number of digits, deeper than `level`.
    Cells with a value marker (`symbol`) make their parent cell missing too.
    """
    _require_columns(frame, _REQUIRED)
    lengths = set(frame["ssyk"].astype(str).str.len().unique())
    if len(lengths) != 1:
        raise DataError(
            f"SSYK codes of {sorted(lengths)} digits are mixed in one frame.",
            "Select one level before aggregating; never sum across levels.",
        )
    (length,) = lengths
    if not 1 <= level < length:
        raise DataError(f"Cannot aggregate {length}-digit SSYK codes to level {level}.")
    out = frame.assign(ssyk=frame["ssyk"].astype(str).str[:level])
    keys = ["region_code", *CELL_DIMS]
    value = out["value"].astype("float64")
    grouped = (
        out.assign(value=value, _missing=value.isna())
        .groupby(keys, sort=True, observed=True)
        .agg(value=("value", "sum"), _missing=("_missing", "any"))
        .reset_index()
    )
    grouped["value"] = grouped["value"].where(~grouped["_missing"])
    grouped["symbol"] = pd.Series(None, index=grouped.index, dtype=object)
    grouped.loc[grouped["_missing"], "symbol"] = ".."
    return grouped.drop(columns="_missing")


def allocate_to_municipalities(
    county_frame: pd.DataFrame,
    kommun_to_lan: Mapping[str, str],
    *,
    seed: int,
    params: AllocationParams | None = None,
    base_weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Allocate county counts to the county's kommuner (SYNTHETIC; rule in the module docstring).

    `county_frame` is a canonical observation frame with `region_code` (2-digit län), `ssyk`
    (one level), `sex`, `year`, `value` (whole numbers; NaN with a `symbol` where missing).
    `kommun_to_lan` maps 4-digit kommun codes to 2-digit län codes. Returns the canonical
    columns with 4-digit kommun codes plus `synthetic` (all True), sorted by kommun, SSYK, sex
    and year. A missing county cell gives missing kommun cells with the same symbol.

    `base_weights` (kommun code → a real size such as its population) replaces the seeded
    base weight b(k), so kommun sizes follow reality while the occupation mix stays random;
    every kommun of `kommun_to_lan` needs a positive weight.
    """
    params = params or AllocationParams()
    _require_columns(county_frame, _REQUIRED)
    cells = county_frame.loc[:, list(_REQUIRED)].copy()
    cells["symbol"] = county_frame.get("symbol", None)
    cells = cells.sort_values(["region_code", *CELL_DIMS], kind="stable").reset_index(drop=True)
    if cells.duplicated(["region_code", *CELL_DIMS]).any():
        raise DataError("County frame has duplicate cells (region_code, ssyk, sex, year).")
    if cells["ssyk"].astype(str).str.len().nunique() > 1:
        raise DataError("SSYK codes of several levels are mixed in the county frame.")
    values = cells["value"].to_numpy(dtype="float64")
    known = ~np.isnan(values)
    if (values[known] < 0).any() or (values[known] != np.round(values[known])).any():
        raise DataError("Allocation needs whole, non-negative counts in `value`.")

    kommun_codes = np.array(sorted(kommun_to_lan), dtype=object)
    kommun_lan = np.array([kommun_to_lan[c] for c in kommun_codes], dtype=object)
    counties = np.array(sorted(cells["region_code"].unique()), dtype=object)
    missing = sorted(set(counties) - set(kommun_lan))
    if missing:
        raise DataError(
            f"No kommuner are mapped to county {', '.join(missing)}.",
            "Pass a kommun → län mapping covering every county in the frame.",
        )

    # Seeded weight factors, drawn in a fixed order: kommuner and SSYK codes sorted.
    ssyk_codes = np.array(sorted(cells["ssyk"].unique()), dtype=object)
    rng = np.random.default_rng(seed)
    n_k, n_o = len(kommun_codes), len(ssyk_codes)
    base = rng.lognormal(0.0, params.base_sigma, size=n_k)
    if base_weights is not None:
        absent = [c for c in kommun_codes if not base_weights.get(c, 0.0) > 0]
        if absent:
            raise DataError(
                f"No positive base weight for kommun {', '.join(absent[:5])}.",
                "Give every kommun of the mapping a size (e.g. its population).",
            )
        base = np.array([float(base_weights[c]) for c in kommun_codes], dtype="float64")
    perturbation = rng.lognormal(0.0, params.occupation_sigma, size=(n_k, n_o))
    drift = rng.normal(0.0, params.drift_sigma, size=(n_k, n_o))

    # One row per (county cell, kommun of that county); kommuner in code order within a cell.
    by_county = np.lexsort((np.arange(n_k), np.searchsorted(counties, kommun_lan)))
    by_county = by_county[np.isin(kommun_lan[by_county], counties)]
    first = np.searchsorted(kommun_lan[by_county], counties, side="left")
    n_kommuner = np.searchsorted(kommun_lan[by_county], counties, side="right") - first
    county_of_cell = np.searchsorted(counties, cells["region_code"].to_numpy())
    per_cell = n_kommuner[county_of_cell]
    cell = np.repeat(np.arange(len(cells)), per_cell)
    offset = np.repeat(np.cumsum(per_cell) - per_cell, per_cell)
    k = by_county[first[county_of_cell][cell] + np.arange(len(cell)) - offset]
    o = np.searchsorted(ssyk_codes, cells["ssyk"].to_numpy())[cell]
    years = cells["year"].to_numpy(dtype="int64")
    t = (years - years.min()).astype("float64")[cell]
    weight = base[k] * perturbation[k, o] * np.exp(drift[k, o] * t)

    total = np.nan_to_num(values)[cell]
    weight_sum = np.bincount(cell, weights=weight, minlength=len(cells))[cell]
    quota = total * weight / weight_sum
    floor = np.floor(quota)
    remainder = np.rint(total - np.bincount(cell, weights=floor, minlength=len(cells))[cell])
    if ((remainder < 0) | (remainder > per_cell[cell])).any():  # cannot happen; guards sums
        raise DataError("Largest-remainder allocation failed to balance a county cell.")
    # Rank kommuner within their cell by fractional part, largest first; rows are in (cell,
    # kommun code) order, so stable sorts break ties by the lower kommun code.
    order = np.argsort(floor - quota, kind="stable")
    order = order[np.argsort(cell[order], kind="stable")]
    rank = np.empty(len(cell), dtype=np.int64)
    rank[order] = np.arange(len(cell)) - offset[order]
    allocated = np.where(known[cell], floor + (rank < remainder), np.nan)

    out_order = np.argsort(k, kind="stable")  # by kommun, then cell (SSYK, sex, year)
    cell, k, allocated = cell[out_order], k[out_order], allocated[out_order]
    out = pd.DataFrame(
        {
            "region_code": kommun_codes[k],
            "ssyk": cells["ssyk"].to_numpy(dtype=object)[cell],
            "sex": cells["sex"].to_numpy(dtype=object)[cell],
            "year": years[cell],
            "value": allocated,
            "symbol": cells["symbol"].to_numpy(dtype=object)[cell],
            "synthetic": np.ones(len(cell), dtype=bool),
        }
    )
    out.loc[~np.isnan(allocated), "symbol"] = None
    return out


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise DataError(f"Frame lacks the column(s) {', '.join(absent)}.")
