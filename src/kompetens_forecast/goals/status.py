"""A goal's follow-up: the straight path to the target, the projection, and the status.

- `expected(year)`: the value on the straight line from (baseline_year, baseline_value) to
  (target_year, target); missing outside those years.
- `projected`: the value the indicator is heading for in the target year — the published
  forecast there (with its 80 % interval) when the indicator has one reaching that year,
  otherwise the linear trend of the latest `trend_years` values (at least `min_points`), with
  no interval (a trend line says nothing about its own uncertainty).
- status: see `StatusRules` (goals.config) for the rules and their defaults.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kompetens_forecast.goals.config import GoalSpec, StatusRules
from kompetens_forecast.languages import translate

STATUSES = ("on_track", "at_risk", "off_track", "no_data")
NAN = float("nan")


@dataclass(frozen=True)
class Projection:
    value: float
    lo: float = NAN
    hi: float = NAN
    method: str = "none"  # "forecast", "trend", "actual" (target year already observed), "none"


@dataclass(frozen=True)
class Assessment:
    status: str
    baseline_value: float
    latest_year: int | None
    latest_value: float
    expected_latest: float
    projection: Projection


def expected_value(goal: GoalSpec, baseline_value: float, year: int) -> float:
    """The straight path's value in `year` (missing before the baseline or after the target)."""
    if not goal.baseline_year <= year <= goal.target_year or not math.isfinite(baseline_value):
        return NAN
    share = (year - goal.baseline_year) / (goal.target_year - goal.baseline_year)
    return baseline_value + (goal.target - baseline_value) * share


def project(
    goal: GoalSpec, values: pd.DataFrame, forecast: pd.DataFrame | None, rules: StatusRules
) -> Projection:
    """Where the indicator is heading in the target year (see the module docstring)."""
    actual = values.dropna(subset=["value"])
    at_target = actual[actual["year"] == goal.target_year]
    if not at_target.empty:
        return Projection(float(at_target["value"].iloc[0]), method="actual")
    if forecast is not None and not forecast.empty:
        row = forecast[forecast["year"] == goal.target_year]
        if not row.empty and math.isfinite(float(row["yhat"].iloc[0])):
            first = row.iloc[0]
            return Projection(
                float(first["yhat"]), float(first["yhat_lo"]), float(first["yhat_hi"]), "forecast"
            )
    recent = (
        actual[actual["year"] > int(actual["year"].max()) - rules.trend_years]
        if len(actual)
        else actual
    )
    if len(recent) < rules.min_points:
        return Projection(NAN)
    slope, intercept = np.polyfit(recent["year"].to_numpy(float), recent["value"].to_numpy(), 1)
    return Projection(float(slope * goal.target_year + intercept), method="trend")


def _slack(goal: GoalSpec, baseline_value: float, rules: StatusRules) -> float:
    gap = abs(goal.target - baseline_value)
    scale = gap if gap > 0 else abs(baseline_value)
    return rules.tolerance * scale


def assess(
    goal: GoalSpec, values: pd.DataFrame, forecast: pd.DataFrame | None, rules: StatusRules
) -> Assessment:
    """The goal's status for one region's series."""
    actual = values.dropna(subset=["value"])
    base_row = actual[actual["year"] == goal.baseline_year]
    if goal.baseline_value is not None:
        baseline = goal.baseline_value
    elif not base_row.empty:
        baseline = float(base_row["value"].iloc[0])
    else:
        baseline = NAN
    since = actual[actual["year"] >= goal.baseline_year]
    if since.empty or not math.isfinite(baseline):
        return Assessment("no_data", baseline, None, NAN, NAN, Projection(NAN))
    latest = since.iloc[-1]
    year, value = int(latest["year"]), float(latest["value"])
    expected = expected_value(goal, baseline, min(year, goal.target_year))
    projection = project(goal, values, forecast, rules)
    sign = 1.0 if goal.direction == "higher" else -1.0
    slack = _slack(goal, baseline, rules)
    met = sign * (value - goal.target) >= 0
    # with no value after the baseline year there is no progress to judge yet
    on_path: bool | None = (
        sign * (value - expected) >= -slack if year > goal.baseline_year else None
    )
    reaches: bool | None = None
    if math.isfinite(projection.value):
        reaches = sign * (projection.value - goal.target) >= -slack
    status = _status(met, on_path, reaches)
    return Assessment(status, baseline, year, value, expected, projection)


def _status(met: bool, on_path: bool | None, reaches: bool | None) -> str:
    """None = cannot be judged (no value after the baseline; no projection)."""
    if met:
        return "on_track"
    checks = [c for c in (on_path, reaches) if c is not None]
    if checks and all(checks):
        return "on_track"
    if checks and not any(checks):
        return "off_track"
    return "at_risk"


def status_label(status: str, lang: str) -> str:
    """A goal status in plain words ("on_track" → "i fas"/"on track"), from the catalogue."""
    return translate(f"goals.status.{status}", lang)
