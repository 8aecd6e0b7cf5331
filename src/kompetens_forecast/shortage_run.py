"""`forecast shortage`: shortage status per region × SSYK-4, written to DIR/shortage.parquet.

Reads the employment data (county × SSYK-4), AF Yrkesbarometer and, when present, job ads
(`job_ads`, `job_ads_history`), AF jobseekers (`jobseekers`) and employment by age
(`employment_age_ssyk3`); scores every cell of riket and the 21 counties (the standardisation
and the fit always see all of them, so a county's score does not depend on what was asked
for), plus any county group asked for, and writes the asked-for regions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.analysis.af_labels import BAROMETER_DATASET
from kompetens_forecast.analysis.regional import indicators_for, uses_kommun_data
from kompetens_forecast.analysis.replacement import AGE_DATASET
from kompetens_forecast.analysis.shortage import (
    ShortageResult,
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
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

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


def shortage_region_codes(query: str, registry: RegionRegistry) -> list[str]:
    """The regions a shortage status exists for: riket, counties, county groups (`all` = riket
    and the counties). Municipalities are refused before anything is read: their data are
    SSYK-3."""
    codes = region_codes_for(query, registry)
    for code in codes:
        region = registry.get(code)
        if uses_kommun_data(region):
            raise InvalidOptionError(
                f"Shortage statuses cover riket, counties and county groups, not "
                f"{region.level} '{region.display()}' (its data are SSYK-3).",
                "Use --region all, 00, a county (01–25) or a county group (SE1–SE3, SE11–SE33).",
            )
    return codes


def score_all(
    ctx: DataContext,
    settings: ShortageSettings | None = None,
    extra_codes: Sequence[str] = (),
) -> tuple[ShortageResult, list[LoadedDataset]]:
    """Scores and statuses of every riket/county × SSYK-4 cell (plus `extra_codes`, county
    groups scored beside them with the same weights), and the datasets used.

    Raises DataError when AF Yrkesbarometer labels (the calibration target) are missing."""
    settings = settings if settings is not None else load_settings()
    registry = default_registry()
    base_codes = region_codes_for("all", registry)
    all_codes = [*base_codes, *(c for c in extra_codes if c not in base_codes)]
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
    return result, datasets


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
    codes = shortage_region_codes(query, default_registry())
    ctx = ctx if ctx is not None else DataContext()
    settings = settings if settings is not None else load_settings()
    result, datasets = score_all(ctx, settings, codes)
    frame = result.cells[result.cells["region_code"].isin(codes)].reset_index(drop=True)
    report: dict[str, Any] = {
        **provenance_header(),
        "query": query,
        "regions": codes,
        "rows": len(frame),
        **summary(result),
        "datasets": dataset_provenance(datasets),
        "synthetic": any(d.manifest.synthetic for d in datasets),
    }
    report = _finite(report)
    with staged_directory(out_dir) as staging:
        write_parquet(frame, staging / PARQUET, report)
        write_json(staging / REPORT, report)
    return out_dir / PARQUET, frame, report
