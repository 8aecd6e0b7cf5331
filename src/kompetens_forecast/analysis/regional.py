"""Assemble the employment series a regional run needs, and compute its indicators and forecasts.

Which data answer which region (the demo has real county × SSYK-4 data and synthetic
municipality × SSYK-3 data):

- riket, a county, or a group of counties: county × SSYK-4 series (riket derived from the 21
  counties when the data do not carry it); sub-regions are the counties (riket, groups) or the
  county's municipalities (SSYK-3);
- a municipality or a group of municipalities: municipality × SSYK-3 series, compared with
  riket at SSYK-3 (the county data aggregated to SSYK-3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from kompetens_forecast.analysis.forecast import ForecastSettings, default_settings
from kompetens_forecast.analysis.indicators import (
    add_composition,
    share_women,
    structure_indicators,
)
from kompetens_forecast.analysis.level_shifts import (
    adjust_for_breaks,
    break_factors,
    riket_wide_for,
)
from kompetens_forecast.analysis.panel import (
    aggregate_regions,
    derive_riket,
    sum_parts,
    to_ssyk_level,
    totals_over_sex,
    wide,
)
from kompetens_forecast.analysis.publish import publish
from kompetens_forecast.analysis.reconcile import (
    reconcile_counties,
    reconcile_within_counties,
    total_forecasts,
)
from kompetens_forecast.analysis.replacement import AGE_DATASET, add_replacement
from kompetens_forecast.classify.regions import Region, RegionRegistry
from kompetens_forecast.engines import Engine
from kompetens_forecast.schema import RIKET
from kompetens_forecast.store.datasets import DataContext, LoadedDataset
from kompetens_forecast.store.manifest import SeriesBreak

COUNTY_DATASET = "employment_county_ssyk4"
KOMMUN_DATASET = "employment_kommun_ssyk3"


@dataclass(frozen=True)
class Panel:
    """Break-adjusted totals (region_code, ssyk, year, value, value_adj) at one SSYK level."""

    data: pd.DataFrame
    ssyk_level: int
    datasets: tuple[LoadedDataset, ...]
    break_years: tuple[int, ...]

    @property
    def synthetic(self) -> bool:
        return any(d.manifest.synthetic for d in self.datasets)


@dataclass
class RegionAnalysis:
    region: Region
    panel: Panel  # includes riket, the region and its sub-regions
    indicators: pd.DataFrame  # region and sub-regions (each at its panel's SSYK level)
    forecast: pd.DataFrame  # the region only
    sub_forecast: pd.DataFrame  # sub-regions (may be empty)
    sub_panel: Panel | None
    breaks: list[SeriesBreak] = field(default_factory=list)

    @property
    def datasets(self) -> list[LoadedDataset]:
        found = {d.manifest.dataset: d for d in self.panel.datasets}
        if self.sub_panel is not None:
            found.update({d.manifest.dataset: d for d in self.sub_panel.datasets})
        return list(found.values())

    @property
    def synthetic(self) -> bool:
        return self.panel.synthetic or (self.sub_panel is not None and self.sub_panel.synthetic)


def uses_kommun_data(region: Region) -> bool:
    """Municipalities (and groups of them) are answered from municipality × SSYK-3 data."""
    return region.level == "kommun" or (
        region.level == "group" and all(len(m) == 4 for m in region.members)
    )


def _break_years(datasets: Sequence[LoadedDataset]) -> tuple[int, ...]:
    return tuple(sorted({b.year for d in datasets for b in d.manifest.breaks}))


def _adjusted(
    totals: pd.DataFrame, riket: pd.DataFrame, break_years: Sequence[int]
) -> pd.DataFrame:
    factors = break_factors(riket_wide_for(riket), break_years)
    return adjust_for_breaks(totals, break_years, factors)


def county_panel(ctx: DataContext, registry: RegionRegistry, ssyk_level: int = 4) -> Panel:
    """All counties and riket (SSYK-`ssyk_level`), break-adjusted."""
    loaded = ctx.load(COUNTY_DATASET)
    totals = totals_over_sex(loaded.frame)
    totals = derive_riket(totals, [r.code for r in registry.counties()])
    totals = to_ssyk_level(totals, ssyk_level)
    years = _break_years([loaded])
    return Panel(_adjusted(totals, totals, years), ssyk_level, (loaded,), years)


def kommun_panel(ctx: DataContext, registry: RegionRegistry) -> Panel:
    """All municipalities at SSYK-3 plus riket at SSYK-3 (from the county data)."""
    counties = county_panel(ctx, registry, ssyk_level=3)
    loaded = ctx.load(KOMMUN_DATASET)
    totals = totals_over_sex(loaded.frame)
    riket = counties.data[counties.data["region_code"] == RIKET].drop(columns="value_adj")
    both = pd.concat([totals, riket], ignore_index=True)
    years = tuple(sorted({*counties.break_years, *_break_years([loaded])}))
    datasets = (loaded, *counties.datasets)
    return Panel(_adjusted(both, riket, years), 3, datasets, years)


def _with_group(panel: Panel, region: Region) -> Panel:
    if region.level != "group":
        return panel
    group = aggregate_regions(panel.data.drop(columns="value_adj"), region.code, region.members)
    riket = panel.data[panel.data["region_code"] == RIKET].drop(columns="value_adj")
    adjusted = _adjusted(group, riket, panel.break_years)
    data = pd.concat([panel.data, adjusted], ignore_index=True)
    return Panel(data, panel.ssyk_level, panel.datasets, panel.break_years)


def _forecast(
    panel: Panel,
    regions: Sequence[str],
    horizon: int,
    settings: ForecastSettings | None,
    engine: Engine | None = None,
    parent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Forecasts for `regions`, computed together with their pool (`_forecast_pool`): interval
    calibration and reconciliation need the whole national table, so a county's numbers are
    the same whether it is asked for alone or with all the others. Municipality × SSYK-3
    forecasts are raked to `parent`, the (reconciled) county × SSYK-4 forecasts of their
    counties, when given."""
    pool = _forecast_pool(panel, regions)
    part = panel.data[panel.data["region_code"].isin(pool)]
    if part.empty:
        return pd.DataFrame()
    history = part.drop(columns="value").rename(columns={"value_adj": "value"})
    settings = settings or default_settings()
    fc = publish(wide(history), horizon, settings, panel.break_years, engine)
    counties = [c for c in pool if len(c) == 2 and c != RIKET]
    if panel.ssyk_level == 4 and RIKET in pool and counties:
        totals = total_forecasts(history, [RIKET, *counties], horizon, settings)
        fc = reconcile_counties(fc, totals, counties)
    elif parent is not None and not parent.empty:
        places = [c for c in pool if len(c) == 4 and c.isdigit()]
        counties_fc = parent[
            (parent["region_code"].str.len() == 2) & (parent["region_code"] != RIKET)
        ]
        county_cells = (
            counties_fc.assign(ssyk=counties_fc["ssyk"].str[:3])
            .groupby(["region_code", "year", "ssyk"])["yhat"]
            .sum()
            .reset_index()
        )
        totals = total_forecasts(history, places, horizon, settings)
        fc = reconcile_within_counties(fc, totals, county_cells)
    else:
        fc = fc.assign(yhat_base=fc["yhat"], reconciled=False)
    fc = fc[fc["region_code"].isin(list(regions))]
    return fc.reset_index(drop=True)


def _forecast_pool(panel: Panel, regions: Sequence[str]) -> list[str]:
    """Riket and every county for county-level panels; for municipalities, every municipality
    of the counties the asked-for municipalities lie in (a kommun code starts with its
    county's)."""
    codes = set(panel.data["region_code"].unique())
    if panel.ssyk_level == 4:
        pool = {c for c in codes if len(c) == 2}
    else:
        counties = {r[:2] for r in regions if len(r) == 4 and r.isdigit()}
        pool = {c for c in codes if len(c) == 4 and c.isdigit() and c[:2] in counties}
    return sorted(pool | set(regions))


def _indicators(panel: Panel, regions: Sequence[str]) -> pd.DataFrame:
    """Structure indicators plus composition (women's share, skill level, concentration)."""
    ind = structure_indicators(panel.data, regions, panel.break_years)
    women = share_women(_by_sex(panel), int(panel.data["year"].max()))
    return add_composition(ind, women)


def _by_sex(panel: Panel) -> pd.DataFrame:
    """The panel's employment by sex at its own SSYK level (the first dataset is the main one)."""
    raw = panel.datasets[0].frame
    raw = raw.assign(ssyk=raw["ssyk"].str[: panel.ssyk_level])
    if (raw["region_code"] == RIKET).any() or not (raw["region_code"].str.len() == 2).all():
        return raw
    riket = sum_parts(raw.assign(region_code=RIKET), ["region_code", "ssyk", "sex", "year"])
    return pd.concat([raw, riket], ignore_index=True)  # riket by sex, as the sum of the counties


def analyse_region(
    ctx: DataContext,
    registry: RegionRegistry,
    region: Region,
    horizon: int,
    settings: ForecastSettings | None = None,
    engine: Engine | None = None,
) -> RegionAnalysis:
    """Indicators for the region and its sub-regions, forecasts for both."""
    if uses_kommun_data(region):
        panel = _with_group(kommun_panel(ctx, registry), region)
        sub_panel, sub_regions = None, []
    else:
        panel = _with_group(county_panel(ctx, registry), region)
        if region.level == "lan" and ctx.has(KOMMUN_DATASET):
            sub_panel = kommun_panel(ctx, registry)
            sub_regions = [m.code for m in registry.municipalities(region.code)]
        elif region.level == "riket":
            sub_panel, sub_regions = panel, [c.code for c in registry.counties()]
        elif region.level == "group":
            sub_panel, sub_regions = panel, list(region.members)
        else:
            sub_panel, sub_regions = None, []

    indicators = [_indicators(panel, [region.code])]
    # one national computation serves the region and, on the same panel, its sub-regions
    same_panel = sub_regions if sub_panel is panel else []
    parent = None
    if region.level == "kommun":  # raked to its county's SSYK-3 forecasts
        parent, _ = forecast_counties(ctx, registry, [region.code[:2]], horizon, settings, engine)
    both = _forecast(panel, [region.code, *same_panel], horizon, settings, engine, parent)
    codes = both["region_code"] if not both.empty else pd.Series(dtype=str)
    forecast = both[codes == region.code].reset_index(drop=True)
    sub_forecast = pd.DataFrame()
    if sub_panel is not None and sub_regions:
        indicators.append(_indicators(sub_panel, sub_regions))
        if sub_panel is panel:
            sub_forecast = both[codes.isin(sub_regions)].reset_index(drop=True)
        else:
            sub_forecast = _forecast(sub_panel, sub_regions, horizon, settings, engine, forecast)
    breaks = {(b.year, b.kind): b for d in panel.datasets for b in d.manifest.breaks}
    return RegionAnalysis(
        region=region,
        panel=panel,
        indicators=pd.concat(indicators, ignore_index=True),
        forecast=forecast,
        sub_forecast=sub_forecast,
        sub_panel=sub_panel if sub_regions else None,
        breaks=[breaks[k] for k in sorted(breaks)],
    )


def forecast_counties(
    ctx: DataContext,
    registry: RegionRegistry,
    region_codes: Sequence[str],
    horizon: int,
    settings: ForecastSettings | None = None,
    engine: Engine | None = None,
) -> tuple[pd.DataFrame, Panel]:
    """Forecasts at SSYK-4 for riket and/or counties (and county groups) in `region_codes`."""
    panel = county_panel(ctx, registry)
    for code in region_codes:
        region = registry.get(code)
        if region.level == "group":
            panel = _with_group(panel, region)
    return _forecast(panel, region_codes, horizon, settings, engine), panel


def indicators_for(
    ctx: DataContext, registry: RegionRegistry, region_codes: Sequence[str]
) -> tuple[pd.DataFrame, list[LoadedDataset]]:
    """Structure and composition indicators for riket/counties/groups (SSYK-4) or
    municipalities (SSYK-3), latest year."""
    frames: list[pd.DataFrame] = []
    used: dict[str, LoadedDataset] = {}
    regions = [registry.get(code) for code in region_codes]
    kommun_codes = [r.code for r in regions if uses_kommun_data(r)]
    county_codes = [r.code for r in regions if not uses_kommun_data(r)]
    for build, codes in ((county_panel, county_codes), (kommun_panel, kommun_codes)):
        if not codes:
            continue
        panel = build(ctx, registry)
        for region in regions:
            if region.code in codes:
                panel = _with_group(panel, region)
        frames.append(_indicators(panel, codes))
        used.update({d.manifest.dataset: d for d in panel.datasets})
    result = pd.concat(frames, ignore_index=True)
    if ctx.has(AGE_DATASET):
        ages = ctx.load(AGE_DATASET)
        result = add_replacement(result, ages.frame)
        used[AGE_DATASET] = ages
    return result, list(used.values())
