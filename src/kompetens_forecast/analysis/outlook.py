"""Outlook classes: expected demand over the horizon read against today's shortage status.

Openings = expansion demand (forecast growth, if positive) + replacement demand (expected exits
from the age structure), as shares of today's employment; the class depends on the current
status (configs/outlook.toml, which lists the rules). Pure functions, no I/O.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.errors import DataError
from kompetens_forecast.resources import configs_dir

OUTLOOKS = (
    "ökande brist",
    "fortsatt brist",
    "minskande brist",
    "risk för brist",
    "fortsatt balans",
    "minskande efterfrågan",
    "minskande överskott",
    "fortsatt överskott",
)
OUTLOOK_EN = {
    "ökande brist": "growing shortage",
    "fortsatt brist": "continued shortage",
    "minskande brist": "easing shortage",
    "risk för brist": "risk of shortage",
    "fortsatt balans": "continued balance",
    "minskande efterfrågan": "falling demand",
    "minskande överskott": "shrinking surplus",
    "fortsatt överskott": "continued surplus",
}


@dataclass(frozen=True)
class OutlookSettings:
    horizon: int = 5
    high_openings_pct: float = 15.0
    decline_pct: float = 5.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "horizon": self.horizon,
            "high_openings_pct": self.high_openings_pct,
            "decline_pct": self.decline_pct,
        }


def load_outlook_settings(path: Path | None = None) -> OutlookSettings:
    path = path if path is not None else configs_dir() / "outlook.toml"
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
        settings = OutlookSettings(
            horizon=int(doc["horizon"]),
            high_openings_pct=float(doc["high_openings_pct"]),
            decline_pct=float(doc["decline_pct"]),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise DataError(f"Cannot read outlook settings {path}: {exc}") from exc
    if settings.horizon < 1 or settings.high_openings_pct <= 0 or settings.decline_pct <= 0:
        raise DataError(f"Outlook settings {path}: horizon ≥ 1 and positive thresholds needed.")
    return settings


def outlook(
    status: pd.Series,
    growth_pct: pd.Series,
    replacement_pct: pd.Series,
    settings: OutlookSettings,
) -> pd.DataFrame:
    """Per row: openings_pct and outlook (missing where the status or the growth is missing).

    `growth_pct`: forecast change over the horizon, per cent of today; `replacement_pct`:
    expected exits over the horizon, per cent of today (0 where unknown)."""
    growth = growth_pct.astype(float)
    openings = growth.clip(lower=0.0) + replacement_pct.astype(float).fillna(0.0)
    high = openings >= settings.high_openings_pct
    falling = growth <= -settings.decline_pct
    shortage = status.isin(["brist", "paradox"])
    surplus = status.eq("överskott")
    balance = status.eq("balans")
    choices = [
        shortage & falling,
        shortage & high,
        shortage,
        balance & high,
        balance & falling,
        balance,
        surplus & falling,
        surplus & high,
        surplus,
    ]
    labels = [
        "minskande brist",
        "ökande brist",
        "fortsatt brist",
        "risk för brist",
        "minskande efterfrågan",
        "fortsatt balans",
        "minskande efterfrågan",
        "minskande överskott",
        "fortsatt överskott",
    ]
    known = growth.notna().to_numpy()
    conditions = [np.asarray(c, dtype=bool) & known for c in choices]
    result = np.select(conditions, labels, default="")
    return pd.DataFrame(
        {
            "openings_pct": openings.where(growth.notna()),
            "outlook": pd.Series(result, index=status.index).replace("", None),
        }
    )
