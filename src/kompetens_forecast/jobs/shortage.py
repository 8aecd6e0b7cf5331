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
from kompetens_forecast.analysis.af_rounds import current_labels
from kompetens_forecast.analysis.optional_indicators import (
    ADS_DATASET,
    ADS_HISTORY_DATASET,
    JOBSEEKERS_DATASET,
)
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
from kompetens_forecast.analysis.shortage_signals import (
    AGE4_DATASET,
    WAGES_DATASET,
    national_signals,
)
from kompetens_forecast.classify.regions import RegionRegistry, default_registry
from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.jobs.outputs import (
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.jobs.provenance import output_provenance
from kompetens_forecast.jobs.regions import region_codes_for
from kompetens_forecast.schema import RIKET
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


#: Recent results by (data in use, settings, extra regions): the repeated cross-validation
#: takes seconds, and a report, an outlook and a shortage run on the same data in one process
#: would otherwise repeat it. Keyed on every in-use dataset's checksum, so new data never hit
#: an old result.
_RECENT: dict[tuple[Any, ...], tuple[ShortageResult, list[LoadedDataset]]] = {}
_RECENT_MAX = 4


def _data_key(ctx: DataContext) -> tuple[tuple[str, str, str, str], ...]:
    return tuple(
        sorted(
            (m.dataset, origin, m.vintage, m.checksum)
            for origin, m, in_use in ctx.status()
            if in_use
        )
    )


def score_all(
    ctx: DataContext,
    settings: ShortageSettings | None = None,
    extra_codes: Sequence[str] = (),
    *,
    candidates: bool = False,
) -> tuple[ShortageResult, list[LoadedDataset]]:
    """Scores and statuses of every riket/county × SSYK-4 cell (see `_score_all`), reused
    from an earlier call in this process on the same data and settings (`candidates`: with
    every candidate procedure cross-validated too)."""
    settings = settings if settings is not None else load_settings()
    key = (_data_key(ctx), settings, tuple(extra_codes))
    if not candidates and (*key, True) in _RECENT:
        return _RECENT[(*key, True)]
    if (*key, candidates) not in _RECENT:
        if len(_RECENT) >= _RECENT_MAX:
            _RECENT.pop(next(iter(_RECENT)))
        _RECENT[(*key, candidates)] = _score_all(ctx, settings, extra_codes, candidates)
    return _RECENT[(*key, candidates)]


def _score_all(
    ctx: DataContext, settings: ShortageSettings, extra_codes: Sequence[str], candidates: bool
) -> tuple[ShortageResult, list[LoadedDataset]]:
    """Scores and statuses of every riket/county × SSYK-4 cell (plus `extra_codes`, county
    groups scored beside them with the same weights), and the datasets used.

    Raises DataError when AF Yrkesbarometer labels (the calibration target) are missing."""
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
    signals, signal_sets = national_signals_for(ctx, indicators)
    for loaded in signal_sets:
        if loaded.manifest.dataset not in {d.manifest.dataset for d in datasets}:
            datasets.append(loaded)
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
        signals=signals,
        ads=optional[ADS_DATASET],
        age=optional[AGE_DATASET],
        seekers=optional[JOBSEEKERS_DATASET],
        ads_history=optional[ADS_HISTORY_DATASET],
        previous_labels=previous,
        candidates=candidates,
    )
    return result, datasets


def national_signals_for(
    ctx: DataContext, indicators: pd.DataFrame
) -> tuple[pd.DataFrame, list[LoadedDataset]]:
    """The national pay, age and ads signals per SSYK-4 from the datasets present, and those
    datasets (`wages_ssyk4`, `employment_age_ssyk4`, `job_ads_history`)."""
    loaded = {
        name: ctx.load(name)
        for name in (WAGES_DATASET, AGE4_DATASET, ADS_HISTORY_DATASET)
        if ctx.has(name)
    }
    riket = indicators[(indicators["region_code"] == RIKET) & (indicators["ssyk"].str.len() == 4)]
    employed = riket.set_index("ssyk")["employed"].astype(float)
    signals = national_signals(
        employed,
        loaded[WAGES_DATASET].frame if WAGES_DATASET in loaded else None,
        loaded[AGE4_DATASET].frame if AGE4_DATASET in loaded else None,
        loaded[ADS_HISTORY_DATASET].frame if ADS_HISTORY_DATASET in loaded else None,
    )
    return signals, list(loaded.values())


def run_shortage(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    settings: ShortageSettings | None = None,
    candidates: bool = True,
) -> tuple[Path, pd.DataFrame, dict[str, Any]]:
    """Score, classify and write `out_dir/shortage.parquet` and `out_dir/shortage_report.json`
    (with every candidate procedure's cross-validation unless `candidates` is False).

    Returns (parquet path, the written frame, the report). Unknown regions raise a UsageError
    before anything is read or written.
    """
    codes = shortage_region_codes(query, default_registry())
    ctx = ctx if ctx is not None else DataContext()
    settings = settings if settings is not None else load_settings()
    result, datasets = score_all(ctx, settings, codes, candidates=candidates)
    frame = result.cells[result.cells["region_code"].isin(codes)].reset_index(drop=True)
    report = output_provenance(
        datasets,
        any(d.manifest.synthetic for d in datasets),
        {"query": query, "regions": codes, "rows": len(frame), **summary(result)},
    )
    report = _finite(report)
    with staged_directory(out_dir) as staging:
        write_parquet(frame, staging / PARQUET, report)
        write_json(staging / REPORT, report)
    return out_dir / PARQUET, frame, report


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) and math.isfinite(value) else "–"


def shortage_summary_lines(report: dict[str, Any]) -> list[str]:
    """The cross-validation of a run in plain lines (tab-separated figures for the CLI): the
    model's grouped, repeated CV AUC (mean, min, max) beside the majority class and every
    single signal, macro-F1, calibration, size–score correlation and the status rule's verdict."""
    cv = report.get("cross_validation") or {}
    model = cv.get("model") or {}
    if not model:
        return []
    auc = model.get("auc") or {}
    f1 = model.get("macro_f1") or {}
    base = cv.get("baselines") or {}
    majority = base.get("majority_class") or {}
    lines = [
        f"cross_validation\tgrouping=barometer occupation\tfolds={cv.get('folds')}\t"
        f"repeats={cv.get('repeats')}\tn_auc={cv.get('n_auc')}\tn={cv.get('n')}\t"
        f"groups={cv.get('n_groups')}\tprocedure={cv.get('procedure')}",
        "what\tauc_mean\tauc_min\tauc_max\tmacro_f1_mean",
        f"model\t{_fmt(auc.get('mean'))}\t{_fmt(auc.get('min'))}\t{_fmt(auc.get('max'))}\t"
        f"{_fmt(f1.get('mean'))}",
        f"majority_class\t{_fmt(majority.get('auc'))}\t\t\t{_fmt(majority.get('macro_f1'))}",
    ]
    for name, metrics in (base.get("single_signal") or {}).items():
        a, f = metrics.get("auc") or {}, metrics.get("macro_f1") or {}
        lines.append(
            f"single:{name}\t{_fmt(a.get('mean'))}\t{_fmt(a.get('min'))}\t{_fmt(a.get('max'))}"
            f"\t{_fmt(f.get('mean'))}"
        )
    for name, metrics in (base.get("single_signal_signed") or {}).items():
        a = metrics.get("auc") or {}
        lines.append(f"signed:{name}\t{_fmt(a.get('mean'))}\t\t\t")
    for name, metrics in (cv.get("candidates") or {}).items():
        a, f = metrics.get("auc") or {}, metrics.get("macro_f1") or {}
        lines.append(
            f"candidate:{name}\t{_fmt(a.get('mean'))}\t{_fmt(a.get('min'))}\t"
            f"{_fmt(a.get('max'))}\t{_fmt(f.get('mean'))}"
        )
    brier = (model.get("brier") or {}).get("mean")
    slope = (model.get("calibration_slope") or {}).get("mean")
    size = ((report.get("checks") or {}).get("size_score_spearman") or {}).get(
        "all_riket_occupations"
    )
    lines.append(
        f"calibration\tbrier={_fmt(brier)}\tslope={_fmt(slope)}\tsize_score_spearman={_fmt(size)}"
    )
    best = cv.get("best_single_signal") or {}
    verdict = "published where confident" if cv.get("skilful") else "withheld (ingen bedömning)"
    lines.append(
        f"model_status\t{verdict}\tmin_cv_auc={_fmt(cv.get('min_cv_auc'))}\t"
        f"best_single={best.get('name')} {_fmt(best.get('auc_mean'))}"
    )
    return lines
