"""Evaluate a goals config: one series and one status per goal × region.

`GoalsResult.frame` is `goals.parquet` (README's contract): one row per goal × region × year
(the indicator's years, forecast years of `forecast_employed`, and the target year), with the
goal's baseline, target, straight-path value, projection and status repeated on every row.
`GoalsResult.summary` has one row per goal × region for the sheet, the chart and the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kompetens_forecast.classify.regions import RegionRegistry, default_registry
from kompetens_forecast.goals.config import GoalsConfig, GoalSpec
from kompetens_forecast.goals.indicators import IndicatorResolver, IndicatorSeries, ShortageScorer
from kompetens_forecast.goals.status import Assessment, assess, expected_value, status_label
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

COLUMNS = [
    "goal_id",
    "region_code",
    "year",
    "value",
    "baseline_value",
    "target",
    "target_year",
    "expected",
    "projected",
    "projected_lo",
    "projected_hi",
    "status",
    "source",
    "synthetic",
]
SUMMARY_COLUMNS = [
    "goal_id",
    "title",
    "region_code",
    "region_name",
    "indicator",
    "baseline_year",
    "baseline_value",
    "latest_year",
    "latest_value",
    "expected_latest",
    "target_year",
    "target",
    "projected",
    "projected_lo",
    "projected_hi",
    "projection_method",
    "status",
    "status_label",
    "source",
    "synthetic",
]


@dataclass
class GoalsResult:
    frame: pd.DataFrame  # goals.parquet
    summary: pd.DataFrame  # one row per goal × region
    datasets: list[LoadedDataset] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def synthetic(self) -> bool:
        return bool(self.summary["synthetic"].any()) if not self.summary.empty else False

    def counts(self) -> dict[str, int]:
        return {s: int((self.summary["status"] == s).sum()) for s in self.summary["status"]}


def _rows(
    goal: GoalSpec, code: str, series: IndicatorSeries, result: Assessment
) -> list[dict[str, Any]]:
    values = series.values.dropna(subset=["value"])
    if series.shown_ahead is not None:  # forecast_employed: the forecast years as values
        values = pd.concat([values, series.shown_ahead.dropna()], ignore_index=True)
    by_year = dict(zip(values["year"].astype(int), values["value"].astype(float), strict=True))
    projection = result.projection
    return [
        {
            "goal_id": goal.id,
            "region_code": code,
            "year": year,
            "value": by_year.get(year, float("nan")),
            "baseline_value": result.baseline_value,
            "target": float(goal.target),
            "target_year": goal.target_year,
            "expected": expected_value(goal, result.baseline_value, year),
            "projected": projection.value,
            "projected_lo": projection.lo,
            "projected_hi": projection.hi,
            "status": result.status,
            "source": series.source or series.note,
            "synthetic": series.synthetic,
        }
        for year in sorted({*by_year, goal.target_year})
    ]


def _summary_row(
    goal: GoalSpec,
    code: str,
    name: str,
    series: IndicatorSeries,
    result: Assessment,
    lang: str,
) -> dict[str, Any]:
    projection = result.projection
    return {
        "goal_id": goal.id,
        "title": goal.title,
        "region_code": code,
        "region_name": name,
        "indicator": goal.indicator,
        "baseline_year": goal.baseline_year,
        "baseline_value": result.baseline_value,
        "latest_year": result.latest_year,
        "latest_value": result.latest_value,
        "expected_latest": result.expected_latest,
        "target_year": goal.target_year,
        "target": float(goal.target),
        "projected": projection.value,
        "projected_lo": projection.lo,
        "projected_hi": projection.hi,
        "projection_method": projection.method,
        "status": result.status,
        "status_label": status_label(result.status, lang),
        "source": series.source or series.note,
        "synthetic": series.synthetic,
    }


def evaluate_goals(
    config: GoalsConfig,
    *,
    ctx: DataContext | None = None,
    lang: str = "sv",
    registry: RegionRegistry | None = None,
    score_shortage: ShortageScorer | None = None,
) -> GoalsResult:
    """Every goal of `config` for each of its regions: series, projection and status.

    `score_shortage` (the commands pass `jobs.shortage.score_all`) scores the shortage cells
    for the `share_in_shortage` indicator; without it that indicator has no value."""
    registry = registry or default_registry()
    resolver = IndicatorResolver(
        ctx or DataContext(), registry, config, lang, score_shortage=score_shortage
    )
    rows: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    used: dict[str, LoadedDataset] = {}
    notes: list[str] = []
    for goal in config.goals:
        for code in goal.regions:
            series = resolver.resolve(goal, code)
            for dataset in series.datasets:
                used[dataset.manifest.dataset] = dataset
            if series.note:
                notes.append(f"{goal.id} ({code}): {series.note}")
            result = assess(goal, series.values, series.forecast, config.rules)
            rows += _rows(goal, code, series, result)
            name = registry.get(code).label(lang)
            summary.append(_summary_row(goal, code, name, series, result, lang))
    frame = pd.DataFrame(rows, columns=COLUMNS).astype(
        {"year": "int64", "target_year": "int64", "synthetic": "bool"}
    )
    return GoalsResult(
        frame,
        pd.DataFrame(summary, columns=SUMMARY_COLUMNS),
        list(used.values()),
        notes,
        config.title,
    )
