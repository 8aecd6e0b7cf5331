"""Coherent forecasts: county × occupation cells raked to both forecast margins (RAS / IPF).

Per forecast year, with C the county × occupation matrix of cell forecasts:

1. top = the forecast of riket's total employment (the sum over occupations of riket's
   break-adjusted history, forecast with the same damped trend);
2. margins: riket's occupation forecasts and the counties' total forecasts (each county's sum
   over occupations, forecast the same way), each scaled proportionally to sum to `top`;
3. iterative proportional fitting: rows of C scaled to the county margins, then columns to the
   occupation margins, repeated until both hold (relative error ≤ 1e-9, at most 500 rounds).

Raking keeps zeros at zero and changes every cell by a row factor × a column factor, so the
county profile of each occupation moves as little as the margins allow (it minimises the
Kullback–Leibler distance to C among matrices with those margins). Intervals are scaled with
their point (`yhat_lo · yhat / yhat_base`), which keeps each cell's relative width.

Cells are raked only where both margins exist: an occupation without a riket forecast (a
missing national value) and its cells keep their base forecasts, and the county margins are
reduced by those cells. Riket's occupation rows take the scaled margins. Other regions (county
groups) are not raked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.forecast import ForecastSettings, forecast_series
from kompetens_forecast.analysis.national_path import path_total
from kompetens_forecast.analysis.totals import complete_total
from kompetens_forecast.schema import RIKET

TOLERANCE = 1e-9
MAX_ROUNDS = 500


def rake(cells: np.ndarray, row_targets: np.ndarray, column_targets: np.ndarray) -> np.ndarray:
    """Biproportional fitting of a non-negative matrix to row and column sums.

    The targets must have the same total. Rows or columns whose cells are all zero stay zero
    (their targets cannot be met and are ignored)."""
    out = np.array(cells, dtype="float64", copy=True)
    for _ in range(MAX_ROUNDS):
        rows = out.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out *= np.where(rows > 0, row_targets / rows, 1.0)[:, None]
        columns = out.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out *= np.where(columns > 0, column_targets / columns, 1.0)[None, :]
        rows = out.sum(axis=1)
        live = rows > 0
        gap = np.abs(rows[live] - row_targets[live]) / np.maximum(row_targets[live], 1.0)
        if gap.size == 0 or float(gap.max()) <= TOLERANCE:
            break
    return out


def total_forecasts(
    history: pd.DataFrame, regions: Sequence[str], horizon: int, settings: ForecastSettings
) -> pd.DataFrame:
    """Point forecasts of each region's total over occupations (region_code, year, total).

    history: region_code, ssyk, year, value (break-adjusted). A total with a missing part is
    missing (never a partial sum), so such a year ends the usable history of that total.
    With `settings.national_path`, riket's total follows that external path
    (`national_path.py`)."""
    part = history[history["region_code"].isin(list(regions))]
    totals = complete_total(part, ["region_code", "year"], "value")
    matrix = totals.unstack("year")
    matrix.index = pd.MultiIndex.from_arrays(
        [matrix.index, ["total"] * len(matrix)], names=["region_code", "ssyk"]
    )
    fc = forecast_series(matrix, horizon, settings)
    out = fc[["region_code", "year", "yhat"]].rename(columns={"yhat": "total"})
    riket = out["region_code"] == RIKET
    if settings.national_path is not None and riket.any():
        # an external macro path for riket's total: the top every cell is raked to
        row = matrix.index.get_loc((RIKET, "total"))
        last_total = float(matrix.to_numpy(dtype="float64")[row, -1])
        last_year = int(matrix.columns[-1])
        external = path_total(out[riket], last_year, last_total, settings.national_path)
        out.loc[riket, "total"] = out.loc[riket, "year"].map(external).to_numpy()
    return out


def reconcile_counties(
    forecast: pd.DataFrame, totals: pd.DataFrame, counties: Sequence[str]
) -> pd.DataFrame:
    """Rake county × occupation forecasts to the county totals and riket's occupation
    forecasts (see the module docstring). Adds `yhat_base` and `reconciled`."""
    out = forecast.copy()
    out["yhat_base"] = out["yhat"]
    out["reconciled"] = False
    county_set = set(counties)
    for year, rows in out.groupby("year", sort=True):
        riket = rows[rows["region_code"] == RIKET].set_index("ssyk")["yhat"]
        cells = rows[rows["region_code"].isin(county_set)]
        year_totals = totals[totals["year"] == year].set_index("region_code")["total"]
        if riket.empty or cells.empty or RIKET not in year_totals.index:
            continue
        matrix = cells.pivot_table(
            index="region_code", columns="ssyk", values="yhat", aggfunc="first"
        )
        occupations = [o for o in matrix.columns if o in riket.index and np.isfinite(riket[o])]
        counties_here = [c for c in matrix.index if np.isfinite(year_totals.get(c, np.nan))]
        if not occupations or not counties_here:
            continue
        kept = matrix.loc[counties_here, occupations].fillna(0.0).to_numpy()
        outside = matrix.loc[counties_here].drop(columns=occupations).fillna(0.0).sum(axis=1)
        top = float(year_totals[RIKET])
        row_t = year_totals[counties_here].to_numpy(dtype="float64")
        row_t = row_t / row_t.sum() * top - outside.to_numpy()
        row_t = np.maximum(row_t, 0.0)
        col_t = riket[occupations].to_numpy(dtype="float64")
        col_t = col_t / col_t.sum() * row_t.sum()
        fitted = rake(kept, row_t, col_t)
        new: dict[tuple[str, str], float] = {
            (str(c), str(o)): float(fitted[i, j])
            for i, c in enumerate(counties_here)
            for j, o in enumerate(occupations)
        }
        new.update({(RIKET, str(o)): float(v) for o, v in zip(occupations, col_t, strict=True)})
        at_year = out["year"] == year
        keys = list(zip(out.loc[at_year, "region_code"], out.loc[at_year, "ssyk"], strict=True))
        values = np.array([new.get(k, np.nan) for k in keys], dtype="float64")
        hit = ~np.isnan(values)
        index = out.index[at_year][hit]
        out.loc[index, "yhat"] = values[hit]
        out.loc[index, "reconciled"] = True
    return _scale_intervals(out)


def reconcile_within_counties(
    forecast: pd.DataFrame, totals: pd.DataFrame, county_cells: pd.DataFrame
) -> pd.DataFrame:
    """Rake municipality × SSYK-3 forecasts, county by county and year by year, to the
    county's SSYK-3 forecasts (`county_cells`: region_code (county), ssyk, year, yhat — the
    county's reconciled SSYK-4 forecasts summed within SSYK-3) and to the municipalities'
    total forecasts (`totals`: region_code, year, total), scaled to the county's sum.
    A municipality's county is the first two digits of its code. Adds `yhat_base` and
    `reconciled`; rows of counties without targets keep their base forecast."""
    out = forecast.copy()
    out["yhat_base"] = out["yhat"]
    out["reconciled"] = False
    county_of = out["region_code"].str[:2]
    targets = {
        (str(key[0]), int(str(key[1]))): part.set_index("ssyk")["yhat"]
        for key, part in county_cells.groupby(["region_code", "year"])
    }
    total_of: dict[tuple[str, int], float] = {
        (str(r), int(y)): float(t)
        for r, y, t in zip(totals["region_code"], totals["year"], totals["total"], strict=True)
    }
    for (county, year), rows in out.groupby([county_of, "year"], sort=True):
        year = int(str(year))
        column = targets.get((str(county), year))
        if column is None:
            continue
        matrix = rows.pivot_table(
            index="region_code", columns="ssyk", values="yhat", aggfunc="first"
        )
        occupations = [o for o in matrix.columns if o in column.index]
        places = [str(m) for m in matrix.index if np.isfinite(total_of.get((str(m), year), np.nan))]
        if not occupations or not places:
            continue
        kept = matrix.loc[places, occupations].fillna(0.0).to_numpy()
        outside_cells = matrix.loc[places].drop(columns=occupations).fillna(0.0)
        outside = outside_cells.sum(axis=1).to_numpy(dtype="float64")
        col_t = column[occupations].to_numpy(dtype="float64")
        row_t = np.array([total_of[(m, year)] for m in places], dtype="float64")
        county_total = col_t.sum() + outside.sum()
        row_t = np.maximum(row_t / row_t.sum() * county_total - outside, 0.0)
        col_t = col_t / col_t.sum() * row_t.sum() if col_t.sum() > 0 else col_t
        fitted = rake(kept, row_t, col_t)
        new = {
            (str(m), str(o)): float(fitted[i, j])
            for i, m in enumerate(places)
            for j, o in enumerate(occupations)
        }
        keys = list(zip(rows["region_code"], rows["ssyk"], strict=True))
        values = np.array([new.get(k, np.nan) for k in keys], dtype="float64")
        hit = ~np.isnan(values)
        out.loc[rows.index[hit], "yhat"] = values[hit]
        out.loc[rows.index[hit], "reconciled"] = True
    return _scale_intervals(out)


def _scale_intervals(out: pd.DataFrame) -> pd.DataFrame:
    """Move each interval with its point: bounds × (reconciled yhat / yhat_base)."""
    base = out["yhat_base"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(base > 0, out["yhat"].to_numpy(dtype="float64") / base, 1.0)
    out["yhat_lo"] = out["yhat_lo"] * factor
    out["yhat_hi"] = out["yhat_hi"] * factor
    return out
