"""`forecast shortage`: shortage status per region × SSYK-4, written to DIR/shortage.parquet.

Reads the employment data (county × SSYK-4), AF Yrkesbarometer and, when present, job ads
(`job_ads`, `job_ads_history`), AF jobseekers (`jobseekers`) and employment by age
(`employment_age_ssyk3`); scores every cell of riket and the
21 counties (the standardisation and the fit always see all of them, so a county's score does
not depend on what was asked for), and writes the asked-for regions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.af_labels import BAROMETER_DATASET
from kompetens_forecast.analysis.outlook import OutlookSettings, load_outlook_settings, outlook
from kompetens_forecast.analysis.regional import (
    forecast_counties,
    indicators_for,
    uses_kommun_data,
)
from kompetens_forecast.analysis.replacement import AGE_DATASET
from kompetens_forecast.analysis.shortage import (
    ShortageSettings,
    load_settings,
    previous_round_labels,
    shortage_scores,
    summary,
)
from kompetens_forecast.classify.regions import RegionRegistry, default_registry
from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.optional_indicators import (
    ADS_DATASET,
    ADS_HISTORY_DATASET,
    JOBSEEKERS_DATASET,
)
from kompetens_forecast.outputs import (
    provenance_header,
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.pipeline import dataset_provenance, region_codes_for
from kompetens_forecast.sources.af_yrkesbarometer import current_labels
from kompetens_forecast.store.datasets import DataContext

PARQUET = "shortage.parquet"
REPORT = "shortage_report.json"


def _finite(value: Any) -> Any:
    """NaN/inf → None, recursively, so the report is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def with_outlook(
    ctx: DataContext,
    registry: RegionRegistry,
    codes: Sequence[str],
    scored: pd.DataFrame,
    indicators: pd.DataFrame,
    settings: OutlookSettings,
) -> pd.DataFrame:
    """`scored` with forecast_growth_pct (the published forecast over `settings.horizon`
    years), replacement_pct (expected exits, when employment by age is fetched), openings_pct
    and outlook (configs/outlook.toml)."""
    forecast, _panel = forecast_counties(ctx, registry, codes, settings.horizon)
    end = forecast[forecast["year"] == forecast["year"].max()]
    keys = ["region_code", "ssyk"]
    cells = scored.merge(end[[*keys, "yhat"]], on=keys, how="left")
    now = cells["n_employed"].astype(float)
    cells["forecast_growth_pct"] = (cells.pop("yhat") / now.where(now > 0) - 1.0) * 100.0
    if "replacement_rate_5y" in indicators.columns:
        rates = indicators[[*keys, "replacement_rate_5y"]]
        cells = cells.merge(rates, on=keys, how="left")
        # exits are estimated for 5 years; other horizons scale them in proportion
        cells["replacement_pct"] = cells.pop("replacement_rate_5y") * settings.horizon / 5
    else:
        cells["replacement_pct"] = np.nan
    classes = outlook(
        cells["status"], cells["forecast_growth_pct"], cells["replacement_pct"], settings
    )
    return cells.assign(openings_pct=classes["openings_pct"], outlook=classes["outlook"])


def run_shortage(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    settings: ShortageSettings | None = None,
) -> tuple[Path, pd.DataFrame, dict[str, Any]]:
    """Score, classify and write `out_dir/shortage.parquet` and `out_dir/shortage_report.json`.

    Returns (parquet path, the written frame, the report). Unknown regions raise a UsageError
    before anything is read or written.
    """
    registry = default_registry()
    codes = region_codes_for(query, registry)
    for code in codes:
        region = registry.get(code)
        if uses_kommun_data(region):
            raise InvalidOptionError(
                f"Shortage statuses cover riket, counties and county groups, not "
                f"{region.level} '{region.display()}' (its data are SSYK-3).",
                "Use --region all, 00, a county (01–25) or a county group (SE1–SE3, SE11–SE33).",
            )
    ctx = ctx if ctx is not None else DataContext()
    settings = settings if settings is not None else load_settings()
    # the standardisation and the fit always see riket and all counties; a group is scored
    # beside them with the same weights
    base_codes = region_codes_for("all", registry)
    all_codes = [*base_codes, *(c for c in codes if c not in base_codes)]
    indicators, used = indicators_for(ctx, registry, all_codes)
    datasets = list(used)
    if not ctx.has(BAROMETER_DATASET):
        raise DataError(
            "The shortage score is calibrated to AF Yrkesbarometer labels, which are missing.",
            "Run `forecast fetch --dataset yrkesbarometer`.",
        )
    barometer = ctx.load(BAROMETER_DATASET)
    datasets.append(barometer)
    labels = current_labels(barometer.frame)
    previous = previous_round_labels(barometer.frame, labels)
    optional: dict[str, pd.DataFrame | None] = {}
    for name in (ADS_DATASET, AGE_DATASET, JOBSEEKERS_DATASET, ADS_HISTORY_DATASET):
        if ctx.has(name):
            loaded = ctx.load(name)
            if name not in {d.manifest.dataset for d in datasets}:
                datasets.append(loaded)
            optional[name] = loaded.frame
        else:
            optional[name] = None
    result = shortage_scores(
        indicators,
        labels,
        settings,
        ads=optional[ADS_DATASET],
        age=optional[AGE_DATASET],
        seekers=optional[JOBSEEKERS_DATASET],
        ads_history=optional[ADS_HISTORY_DATASET],
        previous_labels=previous,
    )
    scored = result.cells[result.cells["region_code"].isin(codes)].reset_index(drop=True)
    outlook_settings = load_outlook_settings()
    frame = with_outlook(ctx, registry, codes, scored, indicators, outlook_settings)
    report: dict[str, Any] = {
        **provenance_header(),
        "query": query,
        "regions": codes,
        "rows": len(frame),
        **summary(result),
        "outlook": {
            **outlook_settings.to_dict(),
            "replacement_included": bool(frame["replacement_pct"].notna().any()),
            "counts": {str(k): int(v) for k, v in frame["outlook"].value_counts().items()},
        },
        "datasets": dataset_provenance(datasets),
        "synthetic": any(d.manifest.synthetic for d in datasets),
    }
    report = _finite(report)
    with staged_directory(out_dir) as staging:
        write_parquet(frame, staging / PARQUET, report)
        write_json(staging / REPORT, report)
    return out_dir / PARQUET, frame, report
