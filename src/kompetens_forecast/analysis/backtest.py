"""Rolling-origin backtests of the employment forecast against naive benchmarks.

For every series (region × SSYK-4, riket included) and every origin o, the forecast is fitted
on the years up to and including o only (`forecast_series`, the same settings as the published
forecast) and compared with the actual values of o+1 … o+H. Rows whose target year lies beyond
the data are not produced (so the last origin contributes h = 1 only, and so on).

All values — history and actuals — are break-adjusted (`value_adj`): values before a series
break are multiplied by the occupation's national break factor, so the forecast and its target
are on the newest definition. Those factors are estimated once on the whole national history,
including years after an origin; this look-ahead sits in the adjustment, not in the forecast.

Benchmarks, per row:

- `naive`: ŷ = y_o (last value at the origin).
- `share_naive` (counties only; NaN for riket): the county's share of the national occupation at
  the origin, held constant, × the national forecast of that occupation (same model, same
  origin). With the national *naive* instead of the national forecast this benchmark would be
  identical to `naive` (s·Y_o = y_o), so the national forecast is what makes it a distinct,
  shift-share style benchmark: it asks whether the county's own trend adds anything to the
  national one.

Metrics:

- `scale`: mean absolute one-step change of the series over its training window (years ≤ o,
  missing values skipped); NaN when fewer than one change exists or all changes are 0.
- MASE of a row = abs error / scale (ours, naive, share-naive). Rows with NaN scale have no MASE.
- error ratio = abs_err / abs_err_naive, with 0/0 = 1 (a tie) and x/0 = inf.
- direction: the change ŷ − y_o and y − y_o are classed as up (+1), down (−1) or no change (0),
  where |change| ≤ `FLAT_TOLERANCE` (half a person) counts as no change; a row is a hit when the
  classes agree. Naive always predicts "no change", so its direction accuracy is the share of
  rows whose actual change is flat. `direction_accuracy_up_down` is the BLS-style figure: the
  share of hits among rows where both the forecast and the actual move (up or down).
- `covered`: yhat_lo ≤ actual ≤ yhat_hi (the forecast's central interval, 80 % by default).
- a cell (region × ssyk) beats naive at a horizon when its mean MASE over origins is strictly
  below naive's mean MASE; ties (e.g. series on the naive fallback) do not count as beating.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.forecast import ForecastSettings, forecast_series
from kompetens_forecast.analysis.panel import wide
from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.schema import RIKET

#: A scored forecast: the cell, when it was made and for which year, what happened, the point.
SCORED = ("region_code", "ssyk", "origin", "horizon", "year", "actual", "yhat")
BACKTEST_COLUMNS = (
    *SCORED,
    "yhat_lo",
    "yhat_hi",
    "naive",
    "share_naive",
    "model",
    "abs_err",
    "abs_err_naive",
    "scale",
    "covered",
)
EXTRA_COLUMNS = ("abs_err_share", "direction_hit")
DEFAULT_ORIGINS = (2018, 2019, 2020, 2021, 2022)
FLAT_TOLERANCE = 0.5


def adjusted_matrix(data: pd.DataFrame) -> pd.DataFrame:
    """Break-adjusted series: rows region_code × ssyk, columns every year from first to last."""
    frame = data[["region_code", "ssyk", "year", "value_adj"]].rename(
        columns={"value_adj": "value"}
    )
    matrix = wide(frame)
    years = [int(y) for y in matrix.columns]
    return matrix.reindex(columns=list(range(min(years), max(years) + 1)))


def _scale(train: np.ndarray) -> np.ndarray:
    """Mean absolute one-step change per row, NaN-aware; NaN when none exist or all are 0."""
    changes = np.abs(np.diff(train, axis=1))
    valid = ~np.isnan(changes)
    count = valid.sum(axis=1)
    total = np.where(valid, changes, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = total / count
    return np.where((count > 0) & (scale > 0), scale, np.nan)


def direction_class(change: np.ndarray, tolerance: float = FLAT_TOLERANCE) -> np.ndarray:
    """+1 up, −1 down, 0 no change (|change| ≤ tolerance); NaN stays NaN."""
    out = np.sign(change)
    return np.where(np.abs(change) <= tolerance, 0.0, out)


def rolling_origin(
    matrix: pd.DataFrame,
    origins: Sequence[int],
    horizons: int,
    settings: ForecastSettings,
) -> pd.DataFrame:
    """One row per series × origin × horizon with a known actual (BACKTEST_COLUMNS + extras)."""
    if horizons < 1:
        raise InvalidOptionError(f"Invalid horizon {horizons}.", "Choose at least 1 year.")
    settings.check_horizon(horizons)
    years = [int(y) for y in matrix.columns]
    bad = [o for o in origins if o not in years[:-1]]
    if bad or not origins:
        raise InvalidOptionError(
            f"Invalid backtest origins {list(bad) or list(origins)}.",
            f"Choose years from {years[0]} to {years[-2]} (an actual must follow).",
        )
    values = matrix.to_numpy(dtype="float64")
    codes = matrix.index.to_frame(index=False)
    region = codes["region_code"].to_numpy().astype(str)
    ssyk = codes["ssyk"].to_numpy().astype(str)
    is_riket = region == RIKET
    riket_pos = pd.Index(ssyk[is_riket]).get_indexer(ssyk)  # position among riket rows, −1 none
    h = np.arange(1, horizons + 1)
    parts = []
    for origin in sorted(set(origins)):
        k = years.index(origin)
        train = matrix.iloc[:, : k + 1]
        last = values[:, k]
        keep = ~np.isnan(last)
        fc = forecast_series(train, horizons, settings)
        n_keep = int(keep.sum())
        yhat = np.full((len(values), horizons), np.nan)
        lo, hi = yhat.copy(), yhat.copy()
        model = np.full((len(values), horizons), "", dtype=object)
        yhat[keep] = fc["yhat"].to_numpy().reshape(n_keep, horizons)
        lo[keep] = fc["yhat_lo"].to_numpy().reshape(n_keep, horizons)
        hi[keep] = fc["yhat_hi"].to_numpy().reshape(n_keep, horizons)
        model[keep] = fc["model"].to_numpy().reshape(n_keep, horizons)

        target = k + h
        actual = np.full((len(values), horizons), np.nan)
        inside = target < len(years)
        actual[:, inside] = values[:, target[inside]]
        naive = np.repeat(last[:, None], horizons, axis=1)

        # constant county share × national forecast of the same occupation (counties only)
        share_naive = np.full((len(values), horizons), np.nan)
        if is_riket.any():  # without riket rows (one region asked for) there is no share-naive
            riket_last = last[is_riket]
            riket_yhat = yhat[is_riket]
            has_riket = (riket_pos >= 0) & ~is_riket
            safe = np.where(has_riket, riket_pos, 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(has_riket, last / riket_last[safe], np.nan)
            share = np.where(np.isfinite(share), share, np.nan)
            share_naive = share[:, None] * riket_yhat[safe]

        scale = np.repeat(_scale(values[:, : k + 1])[:, None], horizons, axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "region_code": np.repeat(region, horizons),
                    "ssyk": np.repeat(ssyk, horizons),
                    "origin": origin,
                    "horizon": np.tile(h, len(values)),
                    "year": np.tile(origin + h, len(values)),
                    "actual": actual.ravel(),
                    "yhat": yhat.ravel(),
                    "yhat_lo": lo.ravel(),
                    "yhat_hi": hi.ravel(),
                    "naive": naive.ravel(),
                    "share_naive": share_naive.ravel(),
                    "model": model.ravel(),
                    "scale": scale.ravel(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out = rescore(out[out["actual"].notna() & out["yhat"].notna()].reset_index(drop=True))
    out["origin"] = out["origin"].astype("int64")
    out["horizon"] = out["horizon"].astype("int64")
    out["year"] = out["year"].astype("int64")
    out["model"] = out["model"].astype(str)
    return out[[*BACKTEST_COLUMNS, *EXTRA_COLUMNS]]


def rescore(out: pd.DataFrame) -> pd.DataFrame:
    """Errors, coverage and direction hits of backtest rows from actual, yhat, naive, share."""
    out = out.copy()
    out["abs_err"] = (out["actual"] - out["yhat"]).abs()
    out["abs_err_naive"] = (out["actual"] - out["naive"]).abs()
    out["abs_err_share"] = (out["actual"] - out["share_naive"]).abs()
    out["covered"] = (out["yhat_lo"] <= out["actual"]) & (out["actual"] <= out["yhat_hi"])
    predicted = direction_class((out["yhat"] - out["naive"]).to_numpy())
    observed = direction_class((out["actual"] - out["naive"]).to_numpy())
    out["direction_hit"] = predicted == observed
    return out


def error_ratio(abs_err: pd.Series, abs_err_naive: pd.Series) -> pd.Series:
    """abs_err / abs_err_naive with 0/0 = 1 and x/0 = inf."""
    ours, naive = abs_err.to_numpy(dtype="float64"), abs_err_naive.to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(naive > 0, ours / naive, np.where(ours > 0, np.inf, 1.0))
    return pd.Series(ratio, index=abs_err.index)


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _ratio(numerator: float, denominator: float) -> float | None:
    if not (np.isfinite(numerator) and np.isfinite(denominator)) or denominator == 0:
        return None
    return float(numerator / denominator)


def summarise(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per-horizon accuracy figures of a backtest frame (see the module docstring)."""
    rows: list[dict[str, Any]] = []
    for horizon, part in frame.groupby("horizon", sort=True):
        scaled = part[part["scale"].notna()]
        mase = scaled["abs_err"] / scaled["scale"]
        mase_naive = scaled["abs_err_naive"] / scaled["scale"]
        share_rows = scaled[scaled["share_naive"].notna()]
        mase_share = share_rows["abs_err_share"] / share_rows["scale"]
        keys = [scaled["region_code"], scaled["ssyk"]]
        cell_ours = mase.groupby(keys).mean()
        cell_naive = mase_naive.groupby(keys).mean()
        observed = direction_class((part["actual"] - part["naive"]).to_numpy())
        predicted = direction_class((part["yhat"] - part["naive"]).to_numpy())
        both_move = (observed != 0) & (predicted != 0)
        flat = observed == 0
        mase_share_ours = share_rows["abs_err"] / share_rows["scale"]
        rows.append(
            {
                "horizon": int(str(horizon)),
                "rows": len(part),
                "cells": int(part.groupby(["region_code", "ssyk"]).ngroups),
                "origins": sorted(int(o) for o in part["origin"].unique()),
                "rows_with_scale": len(scaled),
                "mase_mean": _num(float(mase.mean())),
                "mase_mean_naive": _num(float(mase_naive.mean())),
                "mase_median": _num(float(mase.median())),
                "mase_median_naive": _num(float(mase_naive.median())),
                "mase_mean_share_naive": _num(float(mase_share.mean())),
                "mase_mean_trend": _num(
                    float(
                        ((scaled["actual"] - scaled["yhat_trend"]).abs() / scaled["scale"]).mean()
                    )
                    if "yhat_trend" in scaled
                    else float("nan")
                ),
                # ratios below 1 mean we beat the benchmark (same rows on both sides)
                "mase_ratio_naive": _ratio(mase.mean(), mase_naive.mean()),
                "mase_ratio_share_naive": _ratio(mase_share_ours.mean(), mase_share.mean()),
                "abs_error_ratio_naive": _ratio(part["abs_err"].sum(), part["abs_err_naive"].sum()),
                "error_ratio_median": _num(
                    float(error_ratio(part["abs_err"], part["abs_err_naive"]).median())
                ),
                "share_cells_beating_naive": _num(float((cell_ours < cell_naive).mean())),
                "share_cells_tied_naive": _num(float((cell_ours == cell_naive).mean())),
                "direction_accuracy": _num(float(part["direction_hit"].mean())),
                "direction_accuracy_naive": _num(float(flat.mean())),
                "direction_accuracy_up_down": _num(
                    float((observed[both_move] == predicted[both_move]).mean())
                    if both_move.any()
                    else float("nan")
                ),
                "coverage": _num(float(part["covered"].mean())),
                "coverage_normal": _num(
                    float(part["covered_normal"].mean())
                    if "covered_normal" in part
                    else float("nan")
                ),
                "share_naive_fallback": _num(float((part["model"] == "naive").mean())),
            }
        )
    return rows


def crosses_break(frame: pd.DataFrame, break_years: Sequence[int]) -> pd.Series:
    """True where a break year lies in (origin, year]: the target is on a new definition."""
    hit = pd.Series(False, index=frame.index)
    for b in break_years:
        hit |= (frame["origin"] < b) & (frame["year"] >= b)
    return hit


def cell_verdicts(
    matrix: pd.DataFrame,
    settings: ForecastSettings,
    origins: Sequence[int] = DEFAULT_ORIGINS,
    break_years: Sequence[int] = (),
) -> pd.DataFrame:
    """Per series: mean 1-year-ahead MASE of our model and of naive over the origins, and
    whether ours is strictly better (`beats_naive`). Origins outside the data are skipped.

    Targets across a registered break are left out: their break-adjusted actuals lean on the
    national trend by construction, which would flatter the trend model. What remains uses no
    information from after its origin (a break factor is estimated from the break year back).
    """
    years = [int(y) for y in matrix.columns]
    usable = [o for o in origins if o in years[:-1]]
    columns = ["region_code", "ssyk", "backtest_mase", "backtest_mase_naive", "beats_naive"]
    if not usable:
        return pd.DataFrame(columns=columns)
    rows = rolling_origin(matrix, usable, 1, settings)
    rows = rows[~crosses_break(rows, break_years)]
    scaled = rows.assign(
        mase=rows["abs_err"] / rows["scale"], mase_naive=rows["abs_err_naive"] / rows["scale"]
    )
    per_cell = scaled.groupby(["region_code", "ssyk"])[["mase", "mase_naive"]].mean()
    per_cell = per_cell.rename(
        columns={"mase": "backtest_mase", "mase_naive": "backtest_mase_naive"}
    )
    per_cell["beats_naive"] = per_cell["backtest_mase"] < per_cell["backtest_mase_naive"]
    return per_cell.reset_index().loc[:, columns]
