"""`forecast indicators`: indicators per region × occupation (indicators.parquet) and the
Beveridge coordinates (labour_market.parquet)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kompetens_forecast.analysis.af_labels import (
    af_labels,
    with_af_labels,
)
from kompetens_forecast.analysis.optional_indicators import (
    recruitment_for,
    signals_for,
    tightness_for,
)
from kompetens_forecast.analysis.regional import (
    indicators_for,
)
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.jobs.outputs import (
    staged_directory,
    write_parquet,
)
from kompetens_forecast.jobs.provenance import output_provenance
from kompetens_forecast.jobs.regions import label_columns, region_codes_for, region_levels
from kompetens_forecast.languages import check_language
from kompetens_forecast.store.datasets import DataContext

LABOUR_MARKET = "labour_market.parquet"  # Beveridge coordinates and mismatch indices


def run_indicators(
    query: str, out_dir: Path, *, ctx: DataContext | None = None, lang: str = "sv"
) -> tuple[list[Path], pd.DataFrame]:
    """`forecast indicators`: structure, composition and (with AF ads/jobseekers fetched)
    tightness indicators → DIR/indicators.parquet, and DIR/labour_market.parquet when both
    vacancies and jobseekers exist. Returns the files written and the indicators frame."""
    regions, occupations = default_registry(), default_occupations()
    check_language(lang)
    codes = region_codes_for(query, regions)
    ctx = ctx or DataContext()
    frame, used = indicators_for(ctx, regions, codes)
    labelled = []
    for code in codes:
        barometer = af_labels(ctx, regions.get(code))
        part = with_af_labels(frame[frame["region_code"] == code], code, barometer)
        labelled.append(part)
        if barometer is not None and barometer.dataset.manifest.dataset not in {
            d.manifest.dataset for d in used
        }:
            used.append(barometer.dataset)
    out = pd.concat(labelled, ignore_index=True)
    tightness = tightness_for(ctx, out)
    breadth, education = recruitment_for(ctx, out)
    signals, signal_sets = signals_for(ctx, out)
    extra = [
        *tightness.datasets,
        *([education] if education is not None else []),
        *signal_sets,
    ]
    for columns in (tightness.cells, breadth, signals):
        if not columns.empty:
            out = out.merge(columns, on=["region_code", "ssyk"], how="left")
    have = {d.manifest.dataset for d in used}
    used += [d for d in extra if d.manifest.dataset not in have]
    out = label_columns(out, regions, occupations, lang)
    out.insert(2, "level", region_levels(out, regions))
    synthetic = {d.manifest.dataset for d in used if d.manifest.synthetic}
    out["synthetic"] = bool(synthetic) & out["level"].eq("kommun")
    provenance = output_provenance(used, bool(out["synthetic"].any()), {"regions": codes})
    names = ["indicators.parquet"]
    with staged_directory(out_dir) as staging:
        write_parquet(out, staging / "indicators.parquet", provenance)
        if not tightness.regions.empty:
            market = tightness.regions.copy()
            market.insert(
                1, "region_name", market["region_code"].map(lambda c: regions.get(c).label(lang))
            )
            write_parquet(market, staging / LABOUR_MARKET, provenance)
            names.append(LABOUR_MARKET)
    return [out_dir / name for name in names], out
