"""Employment forecasts per series: damped drift on logs, with a naive fallback.

Both models are vectorised over all series at once (numpy), so a national run of ~9,000
county × SSYK-4 series takes well under a second.

- `damped_trend`: z = log(y) on break-adjusted history; b = mean of the last `window` annual
  log changes; ẑ(T+h) = z_T + b·Σ_{i=1..h} φ^i. Interval: ẑ ± q·σ·√(h·(1 + h/n)), σ the
  standard deviation of those log changes (random walk with estimated drift, FPP3 §5.5).
- `naive`: ŷ = y_T; interval y_T ± q·σ_Δ·√h with σ_Δ the standard deviation of the annual
  changes (level scale, floored at 0), or √y_T when fewer than two changes exist. Used for
  series with fewer than `min_points` observations or a zero/missing value in the window.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.national_path import NationalPath
from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.resources import configs_dir

FORECAST_COLUMNS = ("region_code", "ssyk", "year", "yhat", "yhat_lo", "yhat_hi", "model")


@dataclass(frozen=True)
class ForecastSettings:
    phi: float = 0.4
    window: int = 5
    min_points: int = 6
    interval: float = 0.8
    default_horizon: int = 5
    max_horizon: int = 15
    # empirical intervals from backtest errors (analysis/intervals.py); "normal" keeps the
    # normal-theory ones
    interval_method: str = "empirical"
    size_bands: tuple[float, ...] = (10.0, 50.0, 200.0, 1000.0, 5000.0)
    min_rows: int = 200
    min_origins: int = 2
    outlook_years: int = 5
    share_model: bool = True  # counties: county share × national forecast (share_model.py)
    # the real-time procedure (analysis/procedure.py): candidates and weights on the model
    phi_grid: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
    window_grid: tuple[int, ...] = (3, 5)
    weights: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    selection_bands: tuple[float, ...] = (200.0, 2000.0)
    calibration_origins: int = 3  # interval quantiles from errors of the latest origins
    min_selection_rows: int = 30  # fewer backtest rows in a group × horizon → no evidence
    # an external path for riket's total employment (`--national-path`, national_path.py)
    national_path: NationalPath | None = None

    @classmethod
    def from_toml(cls, path: Path) -> ForecastSettings:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        return cls(
            phi=float(raw["damped_trend"]["phi"]),
            window=int(raw["damped_trend"]["window"]),
            min_points=int(raw["damped_trend"]["min_points"]),
            interval=float(raw["intervals"]["level"]),
            default_horizon=int(raw["horizon"]["default"]),
            max_horizon=int(raw["horizon"]["max"]),
            interval_method=str(raw["intervals"].get("method", "empirical")),
            size_bands=tuple(float(b) for b in raw["intervals"].get("size_bands", ())),
            min_rows=int(raw["intervals"].get("min_rows", 200)),
            min_origins=int(raw["intervals"].get("min_origins", 2)),
            outlook_years=int(raw["horizon"].get("outlook", 5)),
            share_model=bool(raw.get("share_model", {}).get("counties", True)),
            **_procedure(raw.get("procedure", {})),
        )

    def __post_init__(self) -> None:
        if self.interval_method not in ("empirical", "normal"):
            raise InvalidOptionError(
                f"Unknown interval method '{self.interval_method}'.",
                "Set [intervals] method to empirical or normal in configs/forecast.toml.",
            )

        if not self.weights or self.weights[0] != 0.0 or not self.phi_grid or not self.window_grid:
            raise InvalidOptionError(
                "Invalid [procedure] grid.",
                "Give phi and window lists and weights starting at 0 (naive) in forecast.toml.",
            )

    def check_horizon(self, horizon: int) -> int:
        if not 1 <= horizon <= self.max_horizon:
            raise InvalidOptionError(
                f"Invalid horizon {horizon}.", f"Choose 1–{self.max_horizon} years."
            )
        return horizon


def _procedure(raw: dict[str, Any]) -> dict[str, Any]:
    """The [procedure] table (absent keys keep the defaults)."""
    out: dict[str, Any] = {}
    if "phi" in raw:
        out["phi_grid"] = tuple(float(v) for v in raw["phi"])
    if "window" in raw:
        out["window_grid"] = tuple(int(v) for v in raw["window"])
    if "weights" in raw:
        out["weights"] = tuple(sorted(float(v) for v in raw["weights"]))
    if "calibration_origins" in raw:
        out["calibration_origins"] = int(raw["calibration_origins"])
    if "min_selection_rows" in raw:
        out["min_selection_rows"] = int(raw["min_selection_rows"])
    if "selection_bands" in raw:
        out["selection_bands"] = tuple(float(v) for v in raw["selection_bands"])
    return out


@cache
def default_settings() -> ForecastSettings:
    return ForecastSettings.from_toml(configs_dir() / "forecast.toml")


def forecast_series(
    wide: pd.DataFrame, horizon: int, settings: ForecastSettings | None = None
) -> pd.DataFrame:
    """Forecast every row of `wide` (index region_code × ssyk, columns consecutive years).

    Rows whose last year is missing get no forecast. Returns the FORECAST_COLUMNS frame.
    """
    settings = settings or default_settings()
    settings.check_horizon(horizon)
    years = [int(y) for y in wide.columns]
    keep, yhat, lo, hi, trend_ok = forecast_arrays(
        wide.to_numpy(dtype="float64"), horizon, settings
    )
    index = wide.index[keep]
    h = np.arange(1, horizon + 1)
    n, future = len(index), [years[-1] + int(k) for k in h]
    codes = index.to_frame(index=False)
    return pd.DataFrame(
        {
            "region_code": np.repeat(codes["region_code"].to_numpy(), horizon),
            "ssyk": np.repeat(codes["ssyk"].to_numpy(), horizon),
            "year": np.tile(np.asarray(future, dtype="int64"), n),
            "yhat": yhat.ravel(),
            "yhat_lo": lo.ravel(),
            "yhat_hi": hi.ravel(),
            "model": np.repeat(np.where(trend_ok, "damped_trend", "naive"), horizon),
        },
        columns=list(FORECAST_COLUMNS),
    )


def log_drift(values: np.ndarray, window: int, min_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Which rows (series × years, last value present) get the trend, and their last `window`
    annual log changes (rows not eligible are computed on dummy ones: ignore them)."""
    recent = values[:, -(window + 1) :]
    n_obs = np.sum(~np.isnan(values), axis=1)
    trend_ok = (n_obs >= min_points) & np.all(recent > 0, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_changes = np.diff(np.log(np.where(trend_ok[:, None], recent, 1.0)), axis=1)
    return trend_ok, log_changes


def damped_points(
    values: np.ndarray, horizon: int, phis: Sequence[float], window: int
) -> list[np.ndarray]:
    """Point forecasts (kept rows × horizon) of the damped trend for each φ with one drift
    window (min points window + 1), naive where the trend does not apply: the cheap path for
    many candidates (same numbers as `forecast_arrays`)."""
    last = values[:, -1]
    keep = ~np.isnan(last)
    values, last = values[keep], last[keep]
    trend_ok, log_changes = log_drift(values, window, window + 1)
    drift = log_changes.mean(axis=1)
    h = np.arange(1, horizon + 1, dtype="float64")
    out = []
    for phi in phis:
        damp = np.cumsum(phi**h)
        with np.errstate(divide="ignore", invalid="ignore"):
            path = last[:, None] * np.exp(drift[:, None] * damp[None, :])
        out.append(np.where(trend_ok[:, None], path, last[:, None]))
    return out


def forecast_arrays(
    values: np.ndarray, horizon: int, settings: ForecastSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The numbers behind `forecast_series` for a matrix of series (rows) × consecutive years:
    (rows kept — last value present —, yhat, lo, hi as kept rows × horizon, trend used)."""
    last = values[:, -1]
    keep = ~np.isnan(last)
    values, last = values[keep], last[keep]

    q = NormalDist().inv_cdf(0.5 + settings.interval / 2)
    h = np.arange(1, horizon + 1, dtype="float64")

    trend_ok, log_changes = log_drift(values, settings.window, settings.min_points)
    n_changes = log_changes.shape[1]
    drift = log_changes.mean(axis=1)
    sigma = log_changes.std(axis=1, ddof=1) if n_changes > 1 else np.zeros(len(drift))
    damp = np.cumsum(settings.phi**h)
    z_hat = np.log(np.where(trend_ok, last, 1.0))[:, None] + drift[:, None] * damp[None, :]
    spread = q * sigma[:, None] * np.sqrt(h * (1 + h / max(n_changes, 1)))[None, :]
    trend_mid, trend_lo, trend_hi = np.exp(z_hat), np.exp(z_hat - spread), np.exp(z_hat + spread)

    # naive on levels
    level_changes = np.diff(values, axis=1)
    n_level = np.sum(~np.isnan(level_changes), axis=1)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        # rows with a single change are replaced below; their "ddof" warning is noise
        warnings.simplefilter("ignore", RuntimeWarning)
        sd_level = np.nanstd(np.where(n_level[:, None] >= 2, level_changes, 0.0), axis=1, ddof=1)
    sd_level = np.where(
        (n_level >= 2) & np.isfinite(sd_level), sd_level, np.sqrt(np.maximum(last, 1.0))
    )
    naive_spread = q * sd_level[:, None] * np.sqrt(h)[None, :]
    naive_mid = np.repeat(last[:, None], horizon, axis=1)

    use = trend_ok[:, None]
    yhat = np.where(use, trend_mid, naive_mid)
    lo = np.where(use, trend_lo, np.maximum(naive_mid - naive_spread, 0.0))
    hi = np.where(use, trend_hi, naive_mid + naive_spread)

    return keep, yhat, lo, hi, trend_ok
