"""The published forecast procedure, decided in real time: candidates, selection, intervals.

A *candidate* is a base model with its parameters — the damped trend on log employment with
damping φ and drift window W (naive fallback for short or zero-holding series); for counties the
base is the share model (county share of the national occupation at the origin × riket's damped
trend with the same φ, W; `share_model.py`). A *procedure* for one group of cells and one
horizon is a candidate and a weight w on it, the rest on naive:

    ŷ = (1 − w)·y_T + w·ŷ_base                    w ∈ `weights` (0 = naive, 1 = the base model)

Selection at a decision year d uses data up to d only: every candidate is backtested from every
earlier origin whose target year is ≤ d ("inner" rows), and per group × horizon the (candidate,
w) with the smallest mean MASE is chosen (naive must be strictly beaten). Rows whose target
crosses a registered series break are no evidence: their break-adjusted actuals lean on the
national trend by construction and would flatter trend models; nor are rows where every
candidate fell back to naive (too short a history), which cannot tell candidates apart.
Horizons without enough such rows (`min_selection_rows`) take the choice of the longest
shorter horizon that has them (a consistent path, not a jump back to the last value); none at
all → naive. Groups are the cell kind (riket, county, other) × size band (employees at
the origin, `selection_bands`): small county cells are noisy and end up close to naive, large
ones follow their model.

Intervals: quantiles of the inner rows' log ratio errors log((y + 1)/(ŷ + 1)) of the chosen
procedure, per size band × horizon (`intervals.quantile_table`, widened by √h beyond the
calibrated horizons); naive's errors where the procedure has too few.

The *nested* (real-time) evaluation re-runs this decision at each evaluation origin o with
data ≤ o and scores the forecast it gives on o+1 … o+H: what a user would have seen. The
published forecast is the same decision taken at the last data year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.backtest import _scale, crosses_break
from kompetens_forecast.analysis.forecast import (
    ForecastSettings,
    damped_points,
    forecast_arrays,
)
from kompetens_forecast.analysis.intervals import log_errors, quantile_table, size_band
from kompetens_forecast.analysis.share_model import is_county
from kompetens_forecast.schema import RIKET

KEYS = ["region_code", "ssyk"]
KIND_NAMES = ("riket", "county", "other")
MOVE_THRESHOLD = 0.05  # direction accuracy on cells that moved more than 5 % (as BLS reports)


@dataclass(frozen=True)
class Candidate:
    """A base model's parameters: damping φ and drift window W (min points W + 1)."""

    phi: float
    window: int


def candidates(settings: ForecastSettings) -> list[Candidate]:
    """Every φ × window of the settings' grids."""
    return [Candidate(p, w) for p in settings.phi_grid for w in settings.window_grid]


def candidate_rows(series: pd.DataFrame, horizon: int, settings: ForecastSettings) -> pd.DataFrame:
    """Backtest rows of every candidate from every origin (and the forecast rows from the last
    year, with a missing actual): region_code, ssyk, origin, horizon, year, actual, naive,
    scale, normal_lo, normal_hi (the reference model's normal-theory interval), trend_0 …

    Past origins reach as far as the data (≤ `horizon`); the last year reaches `horizon`.
    Runs per chunk of whole regions (no pooling)."""
    cands = candidates(settings)
    years = [int(y) for y in series.columns]
    values = series.to_numpy(dtype="float64")
    codes = series.index.to_frame(index=False)
    region = codes["region_code"].to_numpy().astype(str)
    ssyk = codes["ssyk"].to_numpy().astype(str)
    parts = []
    for k, origin in enumerate(years[1:], start=1):
        reach = horizon if origin == years[-1] else min(horizon, years[-1] - origin)
        last = values[:, k]
        keep = ~np.isnan(last)
        n_keep = int(keep.sum())
        if n_keep == 0:
            continue
        h = np.arange(1, reach + 1)
        target = k + h
        actual = np.full((len(values), reach), np.nan)
        inside = target < len(years)
        actual[:, inside] = values[:, target[inside]]
        frame: dict[str, object] = {
            "region_code": np.repeat(region[keep], reach),
            "ssyk": np.repeat(ssyk[keep], reach),
            "origin": origin,
            "horizon": np.tile(h, n_keep),
            "year": np.tile(origin + h, n_keep),
            "actual": actual[keep].ravel(),
            "naive": np.repeat(last[keep], reach),
            "scale": np.repeat(_scale(values[keep, : k + 1]), reach),
        }
        history = values[:, : k + 1]
        _, _, lo, hi, _ = forecast_arrays(history, reach, settings)
        frame["normal_lo"], frame["normal_hi"] = lo.ravel(), hi.ravel()
        for window in settings.window_grid:
            points = damped_points(history, reach, settings.phi_grid, window)
            for phi, point in zip(settings.phi_grid, points, strict=True):
                frame[f"trend_{cands.index(Candidate(phi, window))}"] = point.ravel()

        parts.append(pd.DataFrame(frame))
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


def reference_index(settings: ForecastSettings) -> int:
    """Position of the configured φ/window among the candidates; −1 when not among them."""
    for i, cand in enumerate(candidates(settings)):
        if cand.phi == settings.phi and cand.window == settings.window:
            return i
    return -1


def add_base(
    rows: pd.DataFrame, settings: ForecastSettings, break_years: Sequence[int] = ()
) -> pd.DataFrame:
    """`base_i` per candidate: the share model for county rows (when on and riket's row is
    there), the trend elsewhere; `base_model` names it; `kind` riket/county/other;
    `selectable`: rows whose target crosses no series break (the only evidence for choices:
    a break-adjusted actual across a break leans on the national trend by construction)."""
    n = len(candidates(settings))
    county = is_county(rows["region_code"])
    out = rows.copy()
    out["kind"] = np.select(
        [out["region_code"].to_numpy() == RIKET, county], ["riket", "county"], "other"
    )
    share = np.full(len(out), np.nan)
    if settings.share_model and (out["region_code"] == RIKET).any():
        riket = out.loc[
            out["region_code"] == RIKET,
            ["ssyk", "origin", "horizon", "naive", *[f"trend_{i}" for i in range(n)]],
        ].rename(columns={"naive": "national_size", **{f"trend_{i}": f"nat_{i}" for i in range(n)}})
        joined = out[["ssyk", "origin", "horizon"]].merge(
            riket, on=["ssyk", "origin", "horizon"], how="left"
        )
        national_size = joined["national_size"].to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(county & (national_size > 0), out["naive"] / national_size, np.nan)
        for i in range(n):
            out[f"base_{i}"] = np.where(
                np.isnan(share), out[f"trend_{i}"], share * joined[f"nat_{i}"].to_numpy()
            )
    else:
        for i in range(n):
            out[f"base_{i}"] = out[f"trend_{i}"]
    out["base_model"] = np.where(np.isnan(share), "damped_trend", "share")
    out["share_ok"] = ~np.isnan(share)
    ref = reference_index(settings)
    # the reference model (configured φ, window): the share-naive benchmark and the share
    # model's own score; its normal-theory interval is scaled by reference → published point
    out["share_ref"] = np.where(out["share_ok"], out[f"base_{ref}"], np.nan) if ref >= 0 else np.nan
    out["reference"] = out[f"trend_{ref}"] if ref >= 0 else out["naive"]
    out["band"] = size_band(out["naive"], settings.selection_bands)
    out["group"] = group_ids(out, settings)
    # evidence: rows crossing no break where some candidate differs from naive (rows where every
    # candidate fell back to naive cannot tell them apart and would pull choices to naive)
    base = out[[f"base_{i}" for i in range(n)]].to_numpy(dtype="float64")
    naive = out["naive"].to_numpy(dtype="float64")[:, None]
    informative = ~np.all(np.isclose(base, naive) | np.isnan(base), axis=1)
    out["selectable"] = ~crosses_break(out, break_years).to_numpy() & informative
    return out


def group_ids(rows: pd.DataFrame, settings: ForecastSettings) -> np.ndarray:
    """Selection group per row: kind (riket, county, other) × size band at the origin."""
    kind = np.asarray(pd.Categorical(rows["kind"], categories=list(KIND_NAMES)).codes, "int64")
    band = rows["band"].to_numpy(dtype="int64")
    return np.asarray(kind * (len(settings.selection_bands) + 1) + band, dtype="int64")


def group_name(group: int, settings: ForecastSettings) -> str:
    bands = len(settings.selection_bands) + 1
    return f"{KIND_NAMES[group // bands]}:{group % bands}"


@dataclass(frozen=True)
class Evidence:
    """Summed MASE of every (candidate, weight) per group × horizon × target year, so that a
    decision at any year sums the years up to it (computed once for all decisions)."""

    sums: np.ndarray  # group × horizon × year × (candidate · weight)
    counts: np.ndarray  # group × horizon × year
    years: np.ndarray


def evidence(rows: pd.DataFrame, settings: ForecastSettings) -> Evidence:
    """The per-year evidence of `rows` (with `base_*`, `group`)."""
    n, weights = len(candidates(settings)), np.asarray(settings.weights, dtype="float64")
    usable = rows["scale"].notna() & rows["actual"].notna() & rows["selectable"]
    part = rows[usable]
    years = np.unique(rows["year"].to_numpy(dtype="int64"))
    n_groups = len(KIND_NAMES) * (len(settings.selection_bands) + 1)
    n_h = int(rows["horizon"].max()) if len(rows) else 1
    cell = (
        part["group"].to_numpy(dtype="int64") * n_h + part["horizon"].to_numpy(dtype="int64") - 1
    ) * len(years) + np.searchsorted(years, part["year"].to_numpy(dtype="int64"))
    size = n_groups * n_h * len(years)
    actual = part["actual"].to_numpy(dtype="float64")
    naive = part["naive"].to_numpy(dtype="float64")
    scale = part["scale"].to_numpy(dtype="float64")
    sums = np.zeros((size, n * len(weights)))
    for i in range(n):
        base = part[f"base_{i}"].to_numpy(dtype="float64")
        base = np.where(np.isnan(base), naive, base)
        for j, w in enumerate(weights):
            mase = np.abs(actual - (naive + w * (base - naive))) / scale
            sums[:, i * len(weights) + j] = np.bincount(cell, weights=mase, minlength=size)
    counts = np.bincount(cell, minlength=size).astype("int64")
    shape = (n_groups, n_h, len(years))
    return Evidence(sums.reshape(*shape, -1), counts.reshape(shape), years)


def choose(ev: Evidence, decision_year: int, settings: ForecastSettings) -> np.ndarray:
    """The procedure per group × horizon decided with target years ≤ decision_year: an array
    group × horizon × (candidate index, weight, inner rows behind the choice)."""
    n_w = len(settings.weights)
    upto = ev.years <= decision_year
    sums = ev.sums[:, :, upto].sum(axis=2)
    counts = ev.counts[:, :, upto].sum(axis=2)
    out = np.zeros((*counts.shape, 3))
    for g in range(counts.shape[0]):
        chosen = (0.0, 0.0, 0.0)  # naive until evidence says otherwise
        for h in range(counts.shape[1]):
            if counts[g, h] >= settings.min_selection_rows:
                # candidate-major, weight-minor; weight 0 (naive) must be strictly beaten
                scores = sums[g, h] / counts[g, h]
                best = int(np.argmin(scores))
                if scores[best] < scores[0]:
                    weight = settings.weights[best % n_w]
                    chosen = (float(best // n_w), float(weight), float(counts[g, h]))
                else:
                    chosen = (0.0, 0.0, float(counts[g, h]))
            out[g, h] = chosen
    return out


def choice_frame(choice: np.ndarray, settings: ForecastSettings) -> pd.DataFrame:
    """The choice array as a table (group, horizon, phi, window, weight, evidence)."""
    cands = candidates(settings)
    records = []
    for g in range(choice.shape[0]):
        for h in range(choice.shape[1]):
            cand, weight, count = choice[g, h]
            c = cands[int(cand)]
            records.append((group_name(g, settings), h + 1, c.phi, c.window, weight, int(count)))
    columns = ["group", "horizon", "phi", "window", "weight", "evidence"]
    return pd.DataFrame.from_records(records, columns=columns)


def apply_choice(
    rows: pd.DataFrame, choice: np.ndarray, settings: ForecastSettings
) -> pd.DataFrame:
    """yhat, model, naive_weight, phi, window of `rows` under the chosen procedure (horizons
    beyond the chosen ones take the longest)."""
    cands = candidates(settings)
    group = rows["group"].to_numpy(dtype="int64")
    h = np.minimum(rows["horizon"].to_numpy(dtype="int64"), choice.shape[1]) - 1
    cand = choice[group, h, 0].astype("int64")
    weight = choice[group, h, 1]
    base = rows[[f"base_{i}" for i in range(len(cands))]].to_numpy(dtype="float64")
    picked = base[np.arange(len(rows)), cand]
    naive = rows["naive"].to_numpy(dtype="float64")
    picked = np.where(np.isnan(picked), naive, picked)
    out = rows[[c for c in rows.columns if not c.startswith(("base_", "trend_"))]].copy()
    out["yhat"] = naive + weight * (picked - naive)
    out["naive_weight"] = 1.0 - weight
    out["phi"] = np.asarray([c.phi for c in cands], dtype="float64")[cand]
    out["window"] = np.asarray([c.window for c in cands], dtype="int64")[cand]
    out["model"] = np.where(weight > 0, rows["base_model"].to_numpy(), "naive")
    return out


def interval_table(inner: pd.DataFrame, horizons: int, settings: ForecastSettings) -> pd.DataFrame:
    """Quantiles of the inner rows' log errors of the procedure (`yhat` set, kind `model`) and
    of naive, per size band × horizon (`decide` passes the `calibration_origins` latest
    origins: older errors, before the 2020 source change, overstate today's uncertainty)."""
    rows = inner[inner["actual"].notna()].assign(model="procedure")
    if rows.empty:
        return pd.DataFrame(columns=["kind", "band", "horizon", "q_lo", "q_hi"])
    errors = log_errors(rows[["actual", "yhat", "naive", "model", "horizon", "origin", "year"]])
    return quantile_table(
        errors,
        settings.interval,
        settings.size_bands,
        horizons,
        settings.min_rows,
        settings.min_origins,
    )


def apply_intervals(
    rows: pd.DataFrame, table: pd.DataFrame, settings: ForecastSettings
) -> pd.DataFrame:
    """yhat_lo / yhat_hi from the procedure's quantiles, naive's where it has none."""
    band = size_band(rows["naive"], settings.size_bands)
    keys = pd.DataFrame({"band": band, "horizon": rows["horizon"].to_numpy(dtype="int64")})
    own = keys.merge(table[table["kind"] == "model"], on=["band", "horizon"], how="left")
    fallback = keys.merge(table[table["kind"] == "naive"], on=["band", "horizon"], how="left")
    q_lo = np.asarray(own["q_lo"], "float64")
    q_hi = np.asarray(own["q_hi"], "float64")
    q_lo = np.where(np.isnan(q_lo), np.asarray(fallback["q_lo"], "float64"), q_lo)
    q_hi = np.where(np.isnan(q_hi), np.asarray(fallback["q_hi"], "float64"), q_hi)
    yhat = np.maximum(rows["yhat"].to_numpy(dtype="float64"), 0.0)
    out = rows.copy()
    ok = ~np.isnan(q_lo)
    lo = np.minimum(np.maximum((yhat + 1) * np.exp(q_lo) - 1, 0.0), yhat)
    hi = np.maximum((yhat + 1) * np.exp(q_hi) - 1, yhat)
    # no errors at all (a tiny panel): the reference model's normal-theory interval
    out["yhat_lo"] = np.where(ok, lo, np.minimum(rows["normal_lo"], yhat))
    out["yhat_hi"] = np.where(ok, hi, np.maximum(rows["normal_hi"], yhat))
    out["interval_method"] = np.where(ok, "empirical", "normal")
    return out


def decide(
    rows: pd.DataFrame,
    ev: Evidence,
    decision_year: int,
    horizons: int,
    settings: ForecastSettings,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of origin `decision_year` forecast by the procedure decided with data up to it
    (point, model, weight and interval), and the choice array."""
    choice = choose(ev, decision_year, settings)
    year, origin = rows["year"].to_numpy(), rows["origin"].to_numpy()
    recent = (year <= decision_year) & (origin >= decision_year - settings.calibration_origins)
    inner = apply_choice(rows[recent], choice, settings)
    table = interval_table(inner, horizons, settings)
    current = apply_choice(rows[rows["origin"] == decision_year], choice, settings)
    return apply_intervals(current, table, settings), choice


def nested(rows: pd.DataFrame, origins: Sequence[int], settings: ForecastSettings) -> pd.DataFrame:
    """Real-time evaluation rows: at each origin the procedure decided with data up to it,
    scored on the actuals that followed (rows with a known actual only)."""
    horizons = int(rows["horizon"].max()) if len(rows) else 1
    ev = evidence(rows, settings)
    parts = [decide(rows, ev, int(o), horizons, settings)[0] for o in sorted(set(origins))]
    parts = [p[p["actual"].notna()] for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if np.isfinite(a) and np.isfinite(b) and b > 0 else None


def nested_summary(rows: pd.DataFrame) -> list[dict[str, object]]:
    """Per horizon: summed absolute error ratio and MASE ratio vs naive, share of cells beating
    naive (mean MASE over origins strictly lower), direction accuracy on rows whose actual moved
    more than 5 % from the origin, and the share of actuals inside the 80 % interval."""
    out: list[dict[str, object]] = []
    for h, part in rows.groupby("horizon", sort=True):
        err = (part["actual"] - part["yhat"]).abs()
        err_naive = (part["actual"] - part["naive"]).abs()
        scaled = part["scale"].notna()
        mase = (err / part["scale"])[scaled]
        mase_naive = (err_naive / part["scale"])[scaled]
        keys = [part.loc[scaled, "region_code"], part.loc[scaled, "ssyk"]]
        cells = mase.groupby(keys).mean() < mase_naive.groupby(keys).mean()
        with np.errstate(divide="ignore", invalid="ignore"):
            moved = (part["actual"] - part["naive"]).abs() / part["naive"] > MOVE_THRESHOLD
        moved &= part["naive"] > 0
        hit = np.sign(part["yhat"] - part["naive"]) == np.sign(part["actual"] - part["naive"])
        covered = (part["yhat_lo"] <= part["actual"]) & (part["actual"] <= part["yhat_hi"])
        out.append(
            {
                "horizon": int(str(h)),
                "rows": len(part),
                "origins": sorted(int(o) for o in part["origin"].unique()),
                "abs_error_ratio_naive": _ratio(float(err.sum()), float(err_naive.sum())),
                "mase_ratio_naive": _ratio(float(mase.mean()), float(mase_naive.mean())),
                "mase_mean": float(mase.mean()) if len(mase) else None,
                "mase_mean_naive": float(mase_naive.mean()) if len(mase) else None,
                "share_cells_beating_naive": float(cells.mean()) if len(cells) else None,
                "direction_accuracy_moved_5pct": float(hit[moved].mean()) if moved.any() else None,
                "rows_moved_5pct": int(moved.sum()),
                "coverage_80": float(covered.mean()),
                "mean_naive_weight": float(part["naive_weight"].mean()),
                "typical_error_pct": _typical_error(part),
            }
        )
    return out


def _typical_error(part: pd.DataFrame) -> float | None:
    """Median absolute percentage error of the forecast (cells with a positive actual)."""
    ok = part["actual"] > 0
    if not ok.any():
        return None
    pct = (part.loc[ok, "yhat"] - part.loc[ok, "actual"]).abs() / part.loc[ok, "actual"] * 100
    return float(pct.median())
