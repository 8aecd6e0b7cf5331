"""Outlook classes: current shortage status × demand over the outlook period (DESIGN §4,
METHODS-REFERENCE §C.4). Settings and the formula: `configs/outlook.toml`.

Per region × SSYK-4 cell, with E_T today's employees and Ê_{T+k} the published (reconciled)
forecast k = `years` ahead:

    openings_rate = (Ê_{T+k} − E_T + exits_5y) / E_T × 100
    demand = rising   if openings_rate > median_riket + margin
             falling  if openings_rate < median_riket − margin
             steady   otherwise

median_riket is the median openings rate over riket's occupations. The class is looked up from
(status, demand) in the config (e.g. brist × rising → "ökande brist").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import configs_dir
from kompetens_forecast.schema import RIKET

DEMANDS = ("rising", "steady", "falling")
KEYS = ["region_code", "ssyk"]


@dataclass(frozen=True)
class OutlookSettings:
    years: int
    margin: float
    classes: dict[str, dict[str, str]]

    @classmethod
    def from_toml(cls, path: Path) -> OutlookSettings:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        classes = {
            str(status): {d: str(table[d]) for d in DEMANDS}
            for status, table in raw["classes"].items()
        }
        return cls(int(raw["demand"]["years"]), float(raw["demand"]["margin"]), classes)


def load_outlook_settings() -> OutlookSettings:
    return OutlookSettings.from_toml(configs_dir() / "outlook.toml")


def outlook_classes(
    forecast: pd.DataFrame,
    shortage: pd.DataFrame,
    settings: OutlookSettings,
    exits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per cell with a status and a forecast k years ahead: region_code, ssyk, status,
    employed, forecast_year, yhat, expansion, replacement, openings, openings_rate, demand,
    outlook, replacement_included.

    forecast: region_code, ssyk, year, yhat, horizon; shortage: region_code, ssyk, status,
    n_employed; exits (optional): region_code, ssyk, exits_5y."""
    ahead = forecast[forecast["horizon"] == settings.years][[*KEYS, "year", "yhat"]]
    if ahead.empty:
        raise DataError(
            f"The outlook needs forecasts {settings.years} years ahead.",
            f"Forecast with --horizon {settings.years} or more.",
        )
    cells = shortage[[*KEYS, "status", "n_employed"]].rename(columns={"n_employed": "employed"})
    out = cells.merge(ahead.rename(columns={"year": "forecast_year"}), on=KEYS, how="inner")
    out["expansion"] = out["yhat"] - out["employed"]
    included = exits is not None and not exits.empty
    if included and exits is not None:
        out = out.merge(exits[[*KEYS, "exits_5y"]], on=KEYS, how="left")
        out["replacement"] = out.pop("exits_5y").fillna(0.0) * settings.years / 5
    else:
        out["replacement"] = 0.0
    out["openings"] = out["expansion"] + out["replacement"]
    employed = out["employed"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(employed > 0, out["openings"].to_numpy() / employed * 100, np.nan)
    out["openings_rate"] = rate
    riket = rate[(out["region_code"] == RIKET).to_numpy()]
    # without riket's rows (a county alone) the cells' own median is the reference; asking
    # numpy for the median of nothing would warn and return NaN
    reference = riket if np.isfinite(riket).any() else rate
    median = float(np.nanmedian(reference)) if np.isfinite(reference).any() else float("nan")
    demand = np.where(
        rate > median + settings.margin,
        "rising",
        np.where(rate < median - settings.margin, "falling", "steady"),
    )
    out["demand"] = np.where(np.isnan(rate), "", demand)
    out["outlook"] = [
        settings.classes.get(str(s), {}).get(str(d), "") if d else ""
        for s, d in zip(out["status"], out["demand"], strict=True)
    ]
    out["replacement_included"] = included
    out["median_rate_riket"] = median
    return out.sort_values(KEYS).reset_index(drop=True)
