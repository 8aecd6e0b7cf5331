"""`forecast run` and `forecast forecast` as library functions.

A run resolves and validates everything (region, horizon, language) before it writes a byte,
computes in memory, writes into a staging directory and publishes it (outputs.staged_directory).
Progress is reported through an optional callback; the library never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_forecast import __version__
from kompetens_forecast.analysis.af_labels import af_labels, with_af_labels
from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.matching import MatchingGrade, matching_grade
from kompetens_forecast.analysis.regional import (
    RegionAnalysis,
    analyse_region,
    forecast_counties,
    indicators_for,
    uses_kommun_data,
)
from kompetens_forecast.classify.regions import Region, RegionRegistry, default_registry
from kompetens_forecast.classify.ssyk import OccupationRegistry, default_occupations
from kompetens_forecast.engines import Engine
from kompetens_forecast.errors import InvalidOptionError, KFError
from kompetens_forecast.optional_indicators import recruitment_for, tightness_for
from kompetens_forecast.outputs import (
    provenance_header,
    staged_directory,
    write_json,
    write_parquet,
)
from kompetens_forecast.report import charts
from kompetens_forecast.report.text import t
from kompetens_forecast.report.workbook import Sheet, write_workbook
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

LANGUAGES = ("sv", "en")
LABOUR_MARKET = "labour_market.parquet"  # Beveridge coordinates and mismatch indices
Progress = Callable[[str], None]


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidOptionError(
            f"Invalid language '{lang}'.", f"Choose one of: {', '.join(LANGUAGES)}."
        )
    return lang


@dataclass
class RunResult:
    region: Region
    out_dir: Path
    files: list[Path]
    synthetic: bool  # any output shows synthetic numbers
    region_synthetic: bool  # the region's own figures are synthetic (not only sub-regions)
    synthetic_datasets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def in_sentence(region: Region, lang: str) -> str:
    """The region's name as it reads inside a sentence ('i riket', 'in Sweden')."""
    if region.code == RIKET:
        return "riket" if lang == "sv" else "Sweden"
    return region.label(lang)


def _noop(_: str) -> None:
    return None


def dataset_provenance(datasets: Sequence[LoadedDataset]) -> list[dict[str, Any]]:
    return [
        {
            "dataset": d.manifest.dataset,
            "source": d.manifest.source,
            "title": d.manifest.title,
            "table_ids": d.manifest.table_ids,
            "vintage": d.manifest.vintage,
            "retrieved_at": d.manifest.retrieved_at,
            "source_updated": d.manifest.source_updated,
            "origin": d.origin,
            "synthetic": d.manifest.synthetic,
            "checksum": d.manifest.checksum,
            "licence": d.manifest.licence,
        }
        for d in datasets
    ]


def caption(datasets: Sequence[LoadedDataset], lang: str, synthetic: bool) -> str:
    lines = [d.manifest.citation(lang) for d in datasets if not d.manifest.synthetic]
    if synthetic:
        lines.append(t("synthetic_source", lang))
    lines.append(t("processing", lang, version=__version__))
    return "; ".join(lines)


def _label_columns(
    frame: pd.DataFrame,
    regions: RegionRegistry,
    occupations: OccupationRegistry,
    lang: str,
    *,
    beside_codes: bool = True,
) -> pd.DataFrame:
    """Add region_name and ssyk_label, beside their codes or (for contract files) at the end."""
    out = frame.copy()
    names = out["region_code"].map(
        {c: regions.get(c).label(lang) for c in out["region_code"].unique()}
    )
    labels = out["ssyk"].map({c: occupations.get(c).label(lang) for c in out["ssyk"].unique()})
    if beside_codes:
        out.insert(1, "region_name", names)
        out.insert(list(out.columns).index("ssyk") + 1, "ssyk_label", labels)
    else:
        out["region_name"], out["ssyk_label"] = names, labels
    return out


def _region_levels(frame: pd.DataFrame, regions: RegionRegistry) -> pd.Series:
    levels = {code: regions.get(code).level for code in frame["region_code"].unique()}
    return frame["region_code"].map(levels)


def _sheets(
    analysis: RegionAnalysis,
    ind: pd.DataFrame,
    fc: pd.DataFrame,
    sub_fc: pd.DataFrame,
    lang: str,
    cap: str,
) -> list[Sheet]:
    sv = lang == "sv"
    own = ind[ind["region_code"] == analysis.region.code].sort_values("employed", ascending=False)
    subs = ind[ind["region_code"] != analysis.region.code]
    number = {
        "employed": "#,##0",
        "share": "0.00",
        "lq": "0.00",
        "change_1y": "#,##0",
        "change_5y": "#,##0",
        "change_1y_pct": "0.0",
        "change_5y_pct": "0.0",
        "change_5y_pct_adj": "0.0",
        "cagr_5y_adj": "0.00",
        "yhat": "#,##0",
        "yhat_lo": "#,##0",
        "yhat_hi": "#,##0",
    }
    sheets = [
        Sheet("Sysselsättning" if sv else "Employment", own, number, cap),
        Sheet("Prognos" if sv else "Forecast", fc, number, cap),
    ]
    if not subs.empty:
        sub_note = cap + (
            ""
            if not analysis.sub_panel or not analysis.sub_panel.synthetic
            else " – " + t("synthetic_banner", lang)
        )
        sheets.append(Sheet("Delregioner" if sv else "Sub-regions", subs, number, sub_note))
    if not sub_fc.empty:
        sheets.append(
            Sheet("Prognos delregioner" if sv else "Sub-region forecast", sub_fc, number, cap)
        )
    breaks = pd.DataFrame(
        [
            {"year": b.year, "kind": b.kind, "description": b.description, "effect": b.effect}
            for b in analysis.breaks
        ]
    )
    sources = pd.DataFrame(dataset_provenance(analysis.datasets)).drop(columns=["checksum"])
    sources["table_ids"] = sources["table_ids"].map(", ".join)
    sheets.append(Sheet("Källor" if sv else "Sources", sources, {}, cap))
    if not breaks.empty:
        sheets.append(Sheet("Seriebrott" if sv else "Series breaks", breaks, {}, cap))
    return sheets


def _matching_sheet(matching: MatchingGrade, lang: str) -> Sheet:
    """SCB's published matchningsgrad, unchanged (one decimal), with the source under it."""
    note = caption([matching.dataset], lang, matching.dataset.manifest.synthetic)
    formats = {"region": "0.0", "riket": "0.0"}
    return Sheet(
        "Matchningsgrad" if lang == "sv" else "Matching grade", matching.table, formats, note
    )


def run_region(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    horizon: int | None = None,
    lang: str = "sv",
    settings: ForecastSettings | None = None,
    progress: Progress = _noop,
) -> RunResult:
    """Indicators, forecast, tables and charts for one region, written to `out_dir`."""
    regions, occupations = default_registry(), default_occupations()
    region = regions.get(query)
    check_language(lang)
    settings = settings or default_settings()
    horizon = settings.check_horizon(horizon if horizon is not None else settings.default_horizon)
    ctx = ctx or DataContext()

    progress(f"Analysing {region.label(lang)}")
    analysis = analyse_region(ctx, regions, region, horizon, settings)
    matching = matching_grade(ctx, region, lang)
    barometer = af_labels(ctx, region)
    used = [
        *analysis.datasets,
        *([matching.dataset] if matching else []),
        *([barometer.dataset] if barometer else []),
    ]
    synthetic_sets = sorted({d.manifest.dataset for d in used if d.manifest.synthetic})
    provenance = {
        **provenance_header(),
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "datasets": dataset_provenance(used),
        "synthetic": bool(synthetic_sets),
        "synthetic_datasets": synthetic_sets,
    }

    ind = _label_columns(
        with_af_labels(analysis.indicators, region.code, barometer), regions, occupations, lang
    )
    ind.insert(2, "level", _region_levels(ind, regions))
    sub_synthetic = analysis.sub_panel is not None and analysis.sub_panel.synthetic
    ind["synthetic"] = analysis.panel.synthetic
    if sub_synthetic:
        ind.loc[ind["region_code"] != region.code, "synthetic"] = True
    fc = _label_columns(analysis.forecast, regions, occupations, lang, beside_codes=False)
    fc["ssyk_level"] = fc["ssyk"].str.len().astype("int64")
    fc["level"] = region.level
    fc["synthetic"] = analysis.panel.synthetic
    sub_fc = pd.DataFrame()
    if not analysis.sub_forecast.empty:
        sub_fc = _label_columns(
            analysis.sub_forecast, regions, occupations, lang, beside_codes=False
        )
        sub_fc["ssyk_level"] = sub_fc["ssyk"].str.len().astype("int64")
        sub_fc["level"] = _region_levels(sub_fc, regions)
        sub_fc["synthetic"] = sub_synthetic

    cap = caption(
        analysis.datasets if analysis.synthetic else analysis.panel.datasets,
        lang,
        analysis.panel.synthetic,
    )
    in_text = in_sentence(region, lang)
    chart_ctx = charts.ChartContext(in_text, lang, cap, analysis.panel.synthetic)
    largest_ctx = chart_ctx
    if barometer is not None:  # the chart shows AF's labels too: cite them
        sources = [*analysis.panel.datasets, barometer.dataset]
        largest_ctx = charts.ChartContext(
            in_text,
            lang,
            caption(sources, lang, analysis.panel.synthetic),
            analysis.panel.synthetic,
        )
    own = ind[ind["region_code"] == region.code]
    history = analysis.panel.data[analysis.panel.data["region_code"] == region.code]
    labels = dict(zip(own["ssyk"], own["ssyk_label"], strict=True))

    files: list[Path] = []
    with staged_directory(out_dir) as staging:
        progress("Writing tables")
        parameters = {
            "horizon": horizon,
            "interval": settings.interval,
            "phi": settings.phi,
            "window": settings.window,
            "min_points": settings.min_points,
            "lang": lang,
        }
        write_parquet(fc, staging / "forecast.parquet", {**provenance, "parameters": parameters})
        write_parquet(ind, staging / "indicators.parquet", provenance)
        names = ["forecast.parquet", "indicators.parquet"]
        if not sub_fc.empty:
            write_parquet(
                sub_fc,
                staging / "forecast_subregions.parquet",
                {**provenance, "parameters": parameters},
            )
            names.append("forecast_subregions.parquet")
        sheets = _sheets(analysis, ind, fc, sub_fc, lang, cap)
        if matching is not None:
            sheets.insert(2, _matching_sheet(matching, lang))
        write_workbook(staging / "tables.xlsx", sheets)
        names.append("tables.xlsx")

        progress("Drawing charts")
        chart_dir = staging / "charts"
        chart_files = [
            *charts.largest_occupations(own, largest_ctx, chart_dir),
            *charts.change(own, chart_ctx, chart_dir),
            *charts.forecast_fans(history, analysis.forecast, labels, chart_ctx, chart_dir),
        ]
        if region.code != RIKET:
            chart_files += charts.location_quotients(own, chart_ctx, chart_dir)
        subs = ind[ind["region_code"] != region.code]
        if not subs.empty:
            sub_names = {
                code: regions.get(code).label(lang) for code in subs["region_code"].unique()
            }
            sub_cap = caption(analysis.datasets, lang, sub_synthetic)
            sub_ctx = charts.ChartContext(in_text, lang, sub_cap, sub_synthetic)
            chart_files += charts.subregions(
                subs, sub_names, sub_ctx, chart_dir, sub_synthetic, kommuner=region.level == "lan"
            )
        if matching is not None:
            source = caption([matching.dataset], lang, matching.dataset.manifest.synthetic)
            matching_ctx = charts.ChartContext(
                in_text, lang, source, matching.dataset.manifest.synthetic
            )
            chart_files += charts.matching_grade(matching.table, matching_ctx, chart_dir)
        names += [f"charts/{p.name}" for p in chart_files]

        provenance["outputs"] = names
        provenance["parameters"] = parameters
        provenance["series_breaks"] = [
            {"year": b.year, "kind": b.kind, "description": b.description, "effect": b.effect}
            for b in analysis.breaks
        ]
        write_json(staging / "manifest.json", provenance)
        names.append("manifest.json")
    files = [out_dir / name for name in names]
    notes = []
    if synthetic_sets:
        notes.append(
            f"Synthetic data used: {', '.join(synthetic_sets)} (municipal figures are generated "
            "from real county data by a seeded allocation, not official statistics)."
        )
    return RunResult(
        region,
        out_dir,
        files,
        bool(synthetic_sets),
        analysis.panel.synthetic,
        synthetic_sets,
        notes,
    )


def run_forecast(
    query: str,
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    horizon: int | None = None,
    settings: ForecastSettings | None = None,
    lang: str = "sv",
    engine: Engine | None = None,
) -> tuple[Path, pd.DataFrame]:
    """`forecast forecast`: forecasts for one region or `all` (riket and every county), the
    per-series work on `engine` (in-process by default)."""
    regions, occupations = default_registry(), default_occupations()
    check_language(lang)
    settings = settings or default_settings()
    horizon = settings.check_horizon(horizon if horizon is not None else settings.default_horizon)
    ctx = ctx or DataContext()
    codes = region_codes_for(query, regions)
    region = regions.get(codes[0])
    panel_sets: Sequence[LoadedDataset]
    if len(codes) == 1 and uses_kommun_data(region):
        analysis = analyse_region(ctx, regions, region, horizon, settings, engine)
        fc, panel_sets = analysis.forecast, analysis.panel.datasets
    else:
        fc, panel = forecast_counties(ctx, regions, codes, horizon, settings, engine)
        panel_sets = panel.datasets
    if fc.empty:
        raise KFError(f"No series to forecast for '{query}'.")
    fc = _label_columns(fc, regions, occupations, lang, beside_codes=False)
    fc["ssyk_level"] = fc["ssyk"].str.len().astype("int64")
    fc["level"] = _region_levels(fc, regions)
    fc["synthetic"] = any(d.manifest.synthetic for d in panel_sets)
    provenance = {
        **provenance_header(),
        "regions": codes,
        "datasets": dataset_provenance(panel_sets),
        "synthetic": bool(fc["synthetic"].any()),
        "parameters": {
            "horizon": horizon,
            "interval": settings.interval,
            "phi": settings.phi,
            "window": settings.window,
            "min_points": settings.min_points,
            "interval_method": settings.interval_method,
            "size_bands": list(settings.size_bands),
            "outlook_years": settings.outlook_years,
            "share_model": settings.share_model,
        },
    }
    with staged_directory(out_dir) as staging:
        write_parquet(fc, staging / "forecast.parquet", provenance)
    return out_dir / "forecast.parquet", fc


def region_codes_for(
    query: str, regions: RegionRegistry, *, counties_only: str | None = None
) -> list[str]:
    """`all` → riket and the 21 counties; otherwise the one region asked for.

    With `counties_only` (the name of what is computed), a municipality or a group is refused
    with an InvalidOptionError before anything is read or written.
    """
    if query.strip().lower() == "all":
        return [RIKET, *(c.code for c in regions.counties())]
    region = regions.get(query)
    if counties_only and region.level not in ("riket", "lan"):
        raise InvalidOptionError(
            f"{counties_only} cover riket and counties, not {region.level} '{region.display()}'.",
            "Use --region all, 00 or a county code (01–25).",
        )
    return [region.code]


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
    extra = [*tightness.datasets, *([education] if education is not None else [])]
    for columns in (tightness.cells, breadth):
        if len(columns.columns) > 2:
            out = out.merge(columns, on=["region_code", "ssyk"], how="left")
    have = {d.manifest.dataset for d in used}
    used += [d for d in extra if d.manifest.dataset not in have]
    out = _label_columns(out, regions, occupations, lang)
    out.insert(2, "level", _region_levels(out, regions))
    synthetic = {d.manifest.dataset for d in used if d.manifest.synthetic}
    out["synthetic"] = bool(synthetic) & out["level"].eq("kommun")
    provenance = {
        **provenance_header(),
        "regions": codes,
        "datasets": dataset_provenance(used),
        "synthetic": bool(out["synthetic"].any()),
    }
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
