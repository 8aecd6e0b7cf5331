"""`forecast shortage`: shortage status per region × SSYK-4, written to DIR/shortage.parquet.

Reads the employment data (county × SSYK-4), AF Yrkesbarometer and, when present, job ads
(`job_ads`) and employment by age (`employment_age_ssyk3`); scores every cell of riket and the
21 counties (the standardisation and the fit always see all of them, so a county's score does
not depend on what was asked for), and writes the asked-for regions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.analysis.af_labels import BAROMETER_DATASET
from kompetens_forecast.analysis.regional import indicators_for
from kompetens_forecast.analysis.replacement import AGE_DATASET
from kompetens_forecast.analysis.shortage import (
    ShortageResult,
    ShortageSettings,
    load_settings,
    previous_round_labels,
    shortage_scores,
    summary,
)
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import DataError
from kompetens_forecast.outputs import (
    provenance_header,
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.pipeline import dataset_provenance, region_codes_for
from kompetens_forecast.sources.af_yrkesbarometer import current_labels
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

ADS_DATASET = "job_ads"
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


def score_all(
    ctx: DataContext, settings: ShortageSettings | None = None
) -> tuple[ShortageResult, list[LoadedDataset]]:
    """Score every riket and county × SSYK-4 cell; the datasets used (for provenance).

    Raises DataError when AF Yrkesbarometer labels (the calibration target) are missing.
    """
    registry = default_registry()
    settings = settings if settings is not None else load_settings()
    all_codes = region_codes_for("all", registry)
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
    for name in (ADS_DATASET, AGE_DATASET):
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
    registry = default_registry()
    codes = region_codes_for(query, registry, counties_only="Shortage statuses")
    ctx = ctx if ctx is not None else DataContext()
    result, datasets = score_all(ctx, settings)
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
