"""Empirical (split-conformal style) prediction intervals from rolling-origin backtest errors.

Normal-theory intervals assume Gaussian log changes and ignore model error; short annual
series with breaks violate both. Instead, the interval of a forecast is taken from the errors
the same model made in rolling-origin backtests on all series of similar size:

    e = log((y + 1) / (ŷ + 1))                    (log ratio error; +1 keeps zeros finite)
    q_lo, q_hi = quantiles (1 − level)/2, (1 + level)/2 of e, per kind × size band × horizon
    interval = [(ŷ + 1)·exp(q_lo) − 1, (ŷ + 1)·exp(q_hi) − 1], floored at 0

- kind: `model` (errors of the damped trend, rows where it was used), `naive` (errors of the
  last value, every row) or `share` (county share × national forecast, county rows) — a
  published row takes the table of the model it publishes.
- size band: employees at the forecast origin, cut at `size_bands` (small cells have much
  larger relative errors than large ones).
- horizons without enough errors (fewer than `min_rows` rows or `min_origins` origins) take
  the quantiles of the longest horizon that has them, widened by √(h / h′) — the random-walk
  rule — so long-term scenario intervals keep widening. A band with no usable horizon at all
  keeps the normal-theory interval (`interval_method` = `normal`).

Coverage is measured honestly by cross-fitting (`cross_fitted`): a backtest row at origin o
and target year y gets quantiles from rows of other origins and other target years only, so
neither its own error nor its year's common shock calibrates its interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

KINDS = ("model", "naive", "share")
TABLE_COLUMNS = ("kind", "band", "horizon", "q_lo", "q_hi", "n", "source_horizon")


def size_band(size: np.ndarray | pd.Series, edges: Sequence[float]) -> np.ndarray:
    """Band index 0..len(edges) of each size (employees at the origin); NaN sizes → band 0."""
    values = np.nan_to_num(np.asarray(size, dtype="float64"), nan=0.0)
    band = np.searchsorted(np.asarray(edges, dtype="float64"), values, side="right")
    return np.asarray(band, dtype="int64")


def log_errors(rows: pd.DataFrame) -> pd.DataFrame:
    """Stack backtest rows into (kind, band-size, horizon, origin, year, error) records."""
    actual = rows["actual"].to_numpy(dtype="float64")
    parts = []
    trend = (rows["model"] != "naive").to_numpy()
    kinds = [
        ("model", rows["yhat"].to_numpy(dtype="float64"), trend),
        ("naive", rows["naive"].to_numpy(dtype="float64"), np.ones(len(rows), dtype=bool)),
    ]
    if "share" in rows:  # county rows of the share model (analysis/share_model.py)
        share = rows["share"].to_numpy(dtype="float64")
        kinds.append(("share", share, ~np.isnan(share)))
    for kind, predicted, mask in kinds:
        with np.errstate(divide="ignore", invalid="ignore"):
            error = np.log((np.maximum(actual, 0) + 1) / (np.maximum(predicted, 0) + 1))
        parts.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "size": rows["naive"].to_numpy(dtype="float64")[mask],
                    "horizon": rows["horizon"].to_numpy(dtype="int64")[mask],
                    "origin": rows["origin"].to_numpy(dtype="int64")[mask],
                    "year": rows["year"].to_numpy(dtype="int64")[mask],
                    "error": error[mask],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    finite: pd.DataFrame = out[np.isfinite(out["error"])].reset_index(drop=True)
    return finite


def quantile_table(
    errors: pd.DataFrame,
    level: float,
    edges: Sequence[float],
    horizons: int,
    min_rows: int,
    min_origins: int,
) -> pd.DataFrame:
    """Quantiles per kind × band × horizon 1..`horizons` (see the module docstring)."""
    alpha = (1 - level) / 2
    band = size_band(errors["size"], edges)
    frame = errors.assign(band=band)
    stats = frame.groupby(["kind", "band", "horizon"])["error"].agg(
        q_lo=lambda e: float(np.quantile(e, alpha)),
        q_hi=lambda e: float(np.quantile(e, 1 - alpha)),
        n="size",
    )
    origins = frame.groupby(["kind", "band", "horizon"])["origin"].nunique()
    stats = stats[(stats["n"] >= min_rows) & (origins.reindex(stats.index) >= min_origins)]
    records = []
    for kind in KINDS:
        for b in range(len(edges) + 1):
            source: tuple[float, float, int, int] | None = None
            for h in range(1, horizons + 1):
                key = (kind, b, h)
                if key in stats.index:
                    row = stats.loc[key]
                    source = (float(row["q_lo"]), float(row["q_hi"]), int(row["n"]), h)
                    records.append((kind, b, h, source[0], source[1], source[2], h))
                elif source is not None:
                    widen = np.sqrt(h / source[3])
                    records.append(
                        (kind, b, h, source[0] * widen, source[1] * widen, source[2], source[3])
                    )
    table = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
    return table.astype({"band": "int64", "horizon": "int64", "n": "int64"})


def apply_table(
    frame: pd.DataFrame,
    size: np.ndarray,
    horizon: np.ndarray,
    table: pd.DataFrame,
    edges: Sequence[float],
) -> pd.DataFrame:
    """Replace yhat_lo / yhat_hi of `frame` where the table has quantiles for the row's kind,
    band and horizon; sets `interval_method` to `empirical` there, `normal` elsewhere."""
    keys = pd.DataFrame(
        {
            "kind": np.select(
                [frame["model"].to_numpy() == "naive", frame["model"].to_numpy() == "share"],
                ["naive", "share"],
                "model",
            ),
            "band": size_band(size, edges).astype("int64"),
            "horizon": np.asarray(horizon, dtype="int64"),
        }
    )
    found = keys.merge(table, on=["kind", "band", "horizon"], how="left")
    q_lo = found["q_lo"].to_numpy(dtype="float64")
    q_hi = found["q_hi"].to_numpy(dtype="float64")
    ok = ~np.isnan(q_lo)
    yhat = np.maximum(frame["yhat"].to_numpy(dtype="float64"), 0)
    out = frame.copy()
    lo = np.maximum((yhat + 1) * np.exp(q_lo) - 1, 0.0)
    hi = (yhat + 1) * np.exp(q_hi) - 1
    # the interval must contain the point even if the quantiles are one-sided (a biased band)
    out["yhat_lo"] = np.where(ok, np.minimum(lo, yhat), out["yhat_lo"])
    out["yhat_hi"] = np.where(ok, np.maximum(hi, yhat), out["yhat_hi"])
    out["interval_method"] = np.where(ok, "empirical", "normal")
    return out


def cross_fitted(
    rows: pd.DataFrame,
    errors: pd.DataFrame,
    level: float,
    edges: Sequence[float],
    min_rows: int,
    min_origins: int,
) -> pd.DataFrame:
    """Backtest rows with empirical intervals calibrated without their own origin and target
    year (see the module docstring); `covered` recomputed. `errors` from `log_errors`."""
    horizons = int(rows["horizon"].max()) if len(rows) else 1
    parts = []
    for (origin, year), part in rows.groupby(["origin", "year"], sort=True):
        held_out = errors[(errors["origin"] != origin) & (errors["year"] != year)]
        table = quantile_table(held_out, level, edges, horizons, min_rows, min_origins)
        parts.append(
            apply_table(
                part,
                part["naive"].to_numpy(dtype="float64"),
                part["horizon"].to_numpy(dtype="int64"),
                table,
                edges,
            )
        )
    out = pd.concat(parts).loc[rows.index] if parts else rows.assign(interval_method="normal")
    out["covered"] = (out["yhat_lo"] <= out["actual"]) & (out["actual"] <= out["yhat_hi"])
    return out
