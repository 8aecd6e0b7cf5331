"""`forecast run` and `forecast forecast` as library functions.

A run resolves and validates everything (region, horizon, language) before it writes a byte,
computes in memory, writes into a staging directory and publishes it (outputs.staged_directory).
Progress is reported through an optional callback; the library never prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast.analysis.af_labels import (
    BAROMETER_DATASET,
    AfLabels,
    af_labels,
    with_af_labels,
)
from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.matching import matching_grade
from kompetens_forecast.analysis.regional import (
    analyse_region,
    uses_kommun_data,
)
from kompetens_forecast.analysis.shortage import load_settings as load_shortage_settings
from kompetens_forecast.classify.regions import Region, default_registry
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.goals.config import GoalsConfig, load_goals_config
from kompetens_forecast.goals.evaluate import evaluate_goals
from kompetens_forecast.jobs.captions import (
    SKIP_REASONS,
    caption,
    citations,
    goals_caption,
    in_sentence,
    national_path_note,
)
from kompetens_forecast.jobs.outputs import (
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.jobs.provenance import dataset_provenance, output_provenance
from kompetens_forecast.jobs.regions import label_columns, region_levels
from kompetens_forecast.jobs.shortage import score_all
from kompetens_forecast.jobs.staples import report_staples
from kompetens_forecast.languages import check_language
from kompetens_forecast.report.build import build_report
from kompetens_forecast.report.data import Captions, ReportData
from kompetens_forecast.report.figure import check_size
from kompetens_forecast.report.pdf import check_pdf
from kompetens_forecast.report.shortage_cells import ShortageCells
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

Progress = Callable[[str], None]


@dataclass
class RunResult:
    """What `run_region`/`run_report` wrote: the region, the output folder and files, whether
    any output (or the region's own figures) shows synthetic numbers, and notes for stderr."""

    region: Region
    out_dir: Path
    files: list[Path]
    synthetic: bool  # any output shows synthetic numbers
    region_synthetic: bool  # the region's own figures are synthetic (not only sub-regions)
    synthetic_datasets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _noop(_: str) -> None:
    return None


@dataclass
class _Prepared:
    """Everything a run computes before it writes a byte."""

    region: Region
    horizon: int
    parameters: dict[str, Any]
    provenance: dict[str, Any]
    synthetic_sets: list[str]
    fc: pd.DataFrame
    ind: pd.DataFrame
    sub_fc: pd.DataFrame
    report: ReportData
    region_synthetic: bool


def _shortage(
    ctx: DataContext, region: Region, barometer: AfLabels | None
) -> tuple[ShortageCells | None, list[LoadedDataset]]:
    """The shortage status of the region's SSYK-4 cells (riket, counties, county groups)."""
    if uses_kommun_data(region) or not ctx.has(BAROMETER_DATASET):
        return None, []
    # the same settings as `forecast shortage`: whether the model may publish statuses
    # depends on its repeated cross-validation
    result, datasets = score_all(ctx, load_shortage_settings(), extra_codes=[region.code])
    cells = result.cells[result.cells["region_code"] == region.code].reset_index(drop=True)
    rounds = barometer.labels["af_omgang"].dropna() if barometer is not None else pd.Series()
    omgang = str(rounds.max()) if not rounds.empty else None
    auc = result.cv.auc_mean
    best_name, best_auc = result.cv.best_single()
    return (
        ShortageCells(
            cells,
            omgang,
            auc if math.isfinite(auc) else None,
            skilful=result.cv.skilful,
            best_single=best_name,
            best_single_auc=best_auc if math.isfinite(best_auc) else None,
        ),
        datasets,
    )


def _prepare(
    query: str,
    *,
    ctx: DataContext | None,
    horizon: int | None,
    lang: str,
    size: str,
    settings: ForecastSettings | None,
    progress: Progress,
    pdf: bool = False,
    full: bool = False,
) -> _Prepared:
    regions, occupations = default_registry(), default_occupations()
    region = regions.get(query)
    check_language(lang)
    check_size(size)
    if pdf:
        check_pdf()
    settings = settings or default_settings()
    horizon = settings.check_horizon(horizon if horizon is not None else settings.default_horizon)
    ctx = ctx or DataContext()

    progress(f"Analysing {region.label(lang)}")
    analysis = analyse_region(ctx, regions, region, horizon, settings)
    matching = matching_grade(ctx, region, lang)
    barometer = af_labels(ctx, region)
    progress("Scoring shortage")
    shortage, shortage_sets = _shortage(ctx, region, barometer)
    used = {
        d.manifest.dataset: d
        for d in (
            *analysis.datasets,
            *([matching.dataset] if matching else []),
            *([barometer.dataset] if barometer else []),
            *shortage_sets,
        )
    }

    ind = label_columns(
        with_af_labels(analysis.indicators, region.code, barometer), regions, occupations, lang
    )
    ind.insert(2, "level", region_levels(ind, regions))
    sub_synthetic = analysis.sub_panel is not None and analysis.sub_panel.synthetic
    ind["synthetic"] = analysis.panel.synthetic
    if sub_synthetic:
        ind.loc[ind["region_code"] != region.code, "synthetic"] = True
    # age structure, pay level and ads trend: the yearly report's staples where data exist
    staples = report_staples(ctx, regions, region, ind, lang)
    ind = staples.ind
    used.update({d.manifest.dataset: d for d in staples.datasets})
    synthetic_sets = sorted({n for n, d in used.items() if d.manifest.synthetic})
    provenance = output_provenance(
        list(used.values()),
        bool(synthetic_sets),
        {"region": {"code": region.code, "name": region.name, "level": region.level}},
        synthetic_datasets=synthetic_sets,
    )
    fc = label_columns(analysis.forecast, regions, occupations, lang, beside_codes=False)
    fc["ssyk_level"] = fc["ssyk"].str.len().astype("int64")
    fc["level"] = region.level
    fc["synthetic"] = analysis.panel.synthetic
    sub_fc = pd.DataFrame()
    if not analysis.sub_forecast.empty:
        sub_fc = label_columns(
            analysis.sub_forecast, regions, occupations, lang, beside_codes=False
        )
        sub_fc["ssyk_level"] = sub_fc["ssyk"].str.len().astype("int64")
        sub_fc["level"] = region_levels(sub_fc, regions)
        sub_fc["synthetic"] = sub_synthetic

    panel_synthetic = analysis.panel.synthetic
    main = caption(
        analysis.datasets if analysis.synthetic else analysis.panel.datasets, lang, panel_synthetic
    ) + national_path_note(settings, lang)
    with_af = [*analysis.panel.datasets, *([barometer.dataset] if barometer else [])]
    captions = Captions(
        main=main,
        largest=caption(with_af, lang, panel_synthetic),
        sub=caption(analysis.datasets, lang, sub_synthetic),
        shortage=caption(
            [
                *with_af,
                *(
                    d
                    for d in shortage_sets
                    if d.manifest.dataset not in {w.manifest.dataset for w in with_af}
                ),
            ],
            lang,
            panel_synthetic,
        ),
        matching=caption([matching.dataset], lang, matching.dataset.manifest.synthetic)
        if matching
        else "",
        age=caption([*analysis.panel.datasets, *staples.age_sets], lang, panel_synthetic),
        pay=caption([*analysis.panel.datasets, *staples.pay_sets], lang, False),
        ads=caption([*analysis.panel.datasets, *staples.ads_sets], lang, panel_synthetic),
    )
    subs = ind.loc[ind["region_code"] != region.code, "region_code"].unique()
    breaks = [
        {"year": b.year, "kind": b.kind, "description": b.description, "effect": b.effect}
        for b in analysis.breaks
    ]
    report = ReportData(
        region=region,
        in_text=in_sentence(region, lang),
        lang=lang,
        size=size,
        ind=ind,
        fc=fc,
        sub_fc=sub_fc,
        panel=analysis.panel.data,
        riket_code=RIKET,
        sub_names={code: regions.get(code).label(lang) for code in subs},
        group_labels={o.code: o.label(lang) for o in occupations.level(1)},
        captions=captions,
        synthetic=panel_synthetic,
        sub_synthetic=sub_synthetic,
        kommuner=region.level == "lan",
        datasets=provenance["datasets"],
        breaks=breaks,
        matching=matching,
        shortage=shortage,
        skip_reasons={**SKIP_REASONS, **staples.reasons},
        pay=staples.pay,
        pay_reference=staples.pay_reference,
        ads=staples.ads,
        pdf=pdf,
        full=full,
        citations=citations([d.manifest for d in used.values()], lang),
    )
    parameters = {
        "horizon": horizon,
        "interval": settings.interval,
        "phi": settings.phi,
        "window": settings.window,
        "min_points": settings.min_points,
        "lang": lang,
        "size": size,
        "national_path": settings.national_path.as_dict() if settings.national_path else None,
        "full": full,
    }
    return _Prepared(
        region,
        horizon,
        parameters,
        provenance,
        synthetic_sets,
        fc,
        ind,
        sub_fc,
        report,
        panel_synthetic,
    )


def _write_report(prepared: _Prepared, staging: Path, names: list[str], progress: Progress) -> None:
    """The report set and manifest.json into `staging`; `names` gets every file written."""
    outputs = build_report(prepared.report, staging, progress)
    names += outputs.names
    provenance = prepared.provenance
    provenance["outputs"] = [*names, "manifest.json"]
    provenance["charts_skipped"] = outputs.charts_skipped
    provenance["parameters"] = prepared.parameters
    provenance["series_breaks"] = prepared.report.breaks
    write_json(staging / "manifest.json", provenance)
    names.append("manifest.json")


def _result(prepared: _Prepared, out_dir: Path, names: list[str]) -> RunResult:
    notes = []
    if prepared.synthetic_sets:
        notes.append(
            f"Synthetic data used: {', '.join(prepared.synthetic_sets)} (municipal figures are "
            "generated from real county data by a seeded allocation, not official statistics)."
        )
    return RunResult(
        prepared.region,
        out_dir,
        [out_dir / name for name in names],
        bool(prepared.synthetic_sets),
        prepared.region_synthetic,
        prepared.synthetic_sets,
        notes,
    )


def run_region(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    horizon: int | None = None,
    lang: str = "sv",
    size: str = "a4",
    pdf: bool = False,
    full: bool = False,
    settings: ForecastSettings | None = None,
    progress: Progress = _noop,
    data_files: bool = True,
    goals: Path | None = None,
) -> RunResult:
    """`forecast run`: indicators, forecast and the report set for one region → `out_dir`
    (`data_files=False`: the report set alone, as `forecast report`; `goals`: a goals config
    followed up for this region — a Mål sheet, the goals chart, "Måluppfyllelse")."""
    goals_config = load_goals_config(goals, region=query) if goals is not None else None
    prepared = _prepare(
        query,
        ctx=ctx,
        horizon=horizon,
        lang=lang,
        size=size,
        settings=settings,
        progress=progress,
        pdf=pdf,
        full=full,
    )
    if goals_config is not None:
        progress("Following up goals")
        _add_goals(prepared, goals_config, ctx, lang)
    provenance = prepared.provenance
    names: list[str] = []
    with staged_directory(out_dir) as staging:
        if data_files:
            progress("Writing data files")
            with_parameters = {**provenance, "parameters": prepared.parameters}
            write_parquet(prepared.fc, staging / "forecast.parquet", with_parameters)
            write_parquet(prepared.ind, staging / "indicators.parquet", provenance)
            names += ["forecast.parquet", "indicators.parquet"]
            if not prepared.sub_fc.empty:
                write_parquet(
                    prepared.sub_fc, staging / "forecast_subregions.parquet", with_parameters
                )
                names.append("forecast_subregions.parquet")
        _write_report(prepared, staging, names, progress)
    return _result(prepared, out_dir, names)


def _add_goals(
    prepared: _Prepared, config: GoalsConfig, ctx: DataContext | None, lang: str
) -> None:
    """Evaluate the goals for the run's region into the report data and the manifest."""
    result = evaluate_goals(config, ctx=ctx, lang=lang, score_shortage=score_all)
    prepared.report.goals = result
    prepared.report.goals_caption = goals_caption(result, lang)
    prepared.parameters["goals_config"] = str(config.path)
    known = {d["dataset"] for d in prepared.provenance["datasets"]}
    extra = [d for d in result.datasets if d.manifest.dataset not in known]
    prepared.provenance["datasets"] += dataset_provenance(extra)


def run_report(query: str, out_dir: Path, **options: Any) -> RunResult:
    """`forecast report`: the report set alone (tables.xlsx, csv/, tables.md, charts/,
    faktablad.html, manifest.json) for one region → `out_dir`. `options` are `run_region`'s
    (ctx, horizon, lang, size, pdf, full, settings, progress), without its data files."""
    return run_region(query, out_dir, **options, data_files=False)
