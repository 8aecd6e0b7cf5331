"""A goal's indicator as a yearly series for one region: built-in, Kolada or a CSV file.

Built-ins come from the datasets the tool already uses (fetched, else the embedded demo):

- `employed`: employees by workplace, the region's total over occupations, break-adjusted
  (`value_adj`: history before a series break is scaled to the new level, so a 2018 baseline
  compares with 2023); a total with a missing part is missing.
- `employed_ssyk`: the same for the occupations of `ssyk = [...]` (codes at the panel's SSYK
  level or above: SSYK-4 for riket/counties, SSYK-3 for municipalities).
- `share_in_shortage`: the share (%) of employees, latest year, in occupations whose shortage
  status is "brist"; riket and counties only. One value: the status is today's. Only when
  occupations holding at least `MIN_ASSESSED_SHARE` of the employees have a status: where the
  model withholds ("ingen bedömning") the share would count unassessed occupations as "not
  shortage" and read as a (false) low share.
- `forecast_employed`: the published forecast's region total (sum of the reconciled
  occupation forecasts, which are raked to the total), with the history before it.
- `matching_grade`: SCB's matchningsgrad as published (`matching_grade_county`, total over sex).
- `employment_rate`, `unemployment_rate`: Kolada KPIs from the stored `kolada` dataset.

Unavailable data are not an error: the series is empty with a note, and the goal's status is
`no_data` ("uppgift saknas").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_forecast.analysis.panel import sum_parts
from kompetens_forecast.analysis.regional import (
    Panel,
    analyse_region,
    county_panel,
    forecast_counties,
    kommun_panel,
    uses_kommun_data,
)
from kompetens_forecast.analysis.shortage import ShortageResult
from kompetens_forecast.classify.regions import Region, RegionRegistry
from kompetens_forecast.errors import DataError, KFError, csv_row_error
from kompetens_forecast.goals.config import GoalsConfig, GoalSpec
from kompetens_forecast.store.citation import source_line
from kompetens_forecast.store.datasets import DataContext, LoadedDataset

MATCHING_DATASET = "matching_grade_county"
KOLADA_DATASET = "kolada"
SHORTAGE_STATUS = "brist"
NO_ASSESSMENT = "ingen bedömning"
#: the share of employees whose occupation has a shortage status (AF's or the model's) before a
#: share in shortage is shown; below it the unassessed rest could hold any share of shortage
MIN_ASSESSED_SHARE = 0.8


@dataclass(frozen=True)
class IndicatorSeries:
    """One region's series of an indicator, where it came from, and its forecast if any."""

    values: pd.DataFrame  # year (int), value (float): actual values
    source: str  # a citation: "Källa: SCB, …, hämtad …" or the file
    datasets: tuple[LoadedDataset, ...] = ()
    forecast: pd.DataFrame | None = None  # year, yhat, yhat_lo, yhat_hi (80 %)
    synthetic: bool = False
    note: str = ""  # why there are no data
    shown_ahead: pd.DataFrame | None = None  # year, value: forecast years shown as values

    @property
    def empty(self) -> bool:
        return bool(self.values["value"].notna().sum() == 0)


def _series(years: pd.Series, values: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"year": years.astype("int64"), "value": values.astype("float64")})
    return frame.sort_values("year", ignore_index=True)


def _none(note: str, source: str = "") -> IndicatorSeries:
    return IndicatorSeries(
        _series(pd.Series([], dtype="int64"), pd.Series([], dtype="float64")), source, note=note
    )


def _citation(datasets: tuple[LoadedDataset, ...], lang: str) -> str:
    return source_line([d.manifest for d in datasets], lang)


def _sum_complete(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per year, the sum of `column`; missing when any part is missing (never partial)."""
    grouped = frame.groupby("year")[column]
    return grouped.sum(min_count=1).where(grouped.count() == grouped.size())


#: Scores every riket/county × SSYK-4 cell (plus `extra_codes`): the shortage result and the
#: datasets it used.
ShortageScorer = Callable[..., tuple[ShortageResult, list[LoadedDataset]]]


@dataclass
class IndicatorResolver:
    """Resolves goals' indicators; panels and forecasts are computed once per run."""

    ctx: DataContext
    registry: RegionRegistry
    config: GoalsConfig
    lang: str = "sv"
    # the commands pass `jobs.shortage.score_all` (goals sit below the commands)
    score_shortage: ShortageScorer | None = None
    _panels: dict[str, Panel] = field(default_factory=dict)
    _forecasts: dict[tuple[str, int], pd.DataFrame] = field(default_factory=dict)

    def resolve(self, goal: GoalSpec, region_code: str) -> IndicatorSeries:
        region = self.registry.get(region_code)
        if goal.kind == "csv":
            return read_csv_indicator(self.config.csv_path(goal), region_code)
        if goal.kind == "kolada":
            return self._kolada(goal.argument, region)
        name = goal.indicator
        if name in ("employed", "employed_ssyk"):
            return self._employed(region, goal)
        if name == "forecast_employed":
            return self._forecast_employed(region, goal)
        if name == "share_in_shortage":
            return self._share_in_shortage(region)
        if name == "matching_grade":
            return self._matching(region)
        # the rate built-ins are Kolada KPIs named in the config's [kolada] table: the tool
        # ships no KPI id it has not checked against Kolada's metadata
        kpi = self.config.kolada_kpis.get(name)
        if kpi is None:
            return _none(f'{name}: name its Kolada KPI in the config ([kolada] {name} = "N…").')
        return self._kolada(kpi, region)

    # -- employment ------------------------------------------------------------------------
    def _panel(self, region: Region) -> Panel:
        key = "kommun" if uses_kommun_data(region) else "county"
        if key not in self._panels:
            build = kommun_panel if key == "kommun" else county_panel
            self._panels[key] = build(self.ctx, self.registry)
        return self._panels[key]

    def _cells(self, region: Region, goal: GoalSpec, frame: pd.DataFrame) -> pd.DataFrame:
        """The region's rows (a group's: its members', disjoint parts of one level)."""
        codes = list(region.members) if region.level == "group" else [region.code]
        own = frame[frame["region_code"].isin(codes)]
        if goal.ssyk:
            keep = np.zeros(len(own), dtype=bool)
            for code in goal.ssyk:
                keep |= own["ssyk"].str.startswith(code).to_numpy()
            own = own[keep]
        return own

    def _employed(self, region: Region, goal: GoalSpec) -> IndicatorSeries:
        panel = self._panel(region)
        level = panel.ssyk_level
        too_fine = [c for c in goal.ssyk if len(c) > level]
        if too_fine:
            return _none(
                f"SSYK {', '.join(too_fine)} is finer than the region's data (SSYK-{level})."
            )
        cells = self._cells(region, goal, panel.data)
        if cells.empty:
            return _none(f"No employment data for {region.display()}.")
        totals = _sum_complete(cells, "value_adj")
        source = _citation(panel.datasets, self.lang)
        note = "justerat för seriebrott" if self.lang == "sv" else "adjusted for series breaks"
        return IndicatorSeries(
            _series(pd.Series(totals.index), pd.Series(totals.to_numpy())),
            f"{source} ({note})",
            panel.datasets,
            forecast=self._forecast_total(region, goal),
            synthetic=panel.synthetic,
        )

    def _forecast_total(self, region: Region, goal: GoalSpec) -> pd.DataFrame | None:
        """The published forecast summed over the goal's occupations, to the target year (up
        to the longest horizon). The 80 % interval only where the goal is one published cell:
        the occupations' bounds do not add up to the interval of their sum (summing them
        would show a far wider band than the total's), and no interval of totals is
        calibrated."""
        try:
            fc = self._forecast(region, goal.target_year)
        except KFError:
            return None
        if fc.empty:
            return None
        if goal.ssyk:
            keep = np.zeros(len(fc), dtype=bool)
            for code in goal.ssyk:
                keep |= fc["ssyk"].str.startswith(code).to_numpy()
            fc = fc[keep]
        if fc.empty:
            return None
        single = fc["ssyk"].nunique() == 1
        out = pd.DataFrame({"yhat": _sum_complete(fc, "yhat")})
        for bound in ("yhat_lo", "yhat_hi"):
            out[bound] = _sum_complete(fc, bound) if single else float("nan")
        return out.reset_index().astype({"year": "int64"})

    def _forecast(self, region: Region, target_year: int) -> pd.DataFrame:
        from kompetens_forecast.analysis.forecast import default_settings

        settings = default_settings()
        last = int(self._panel(region).data["year"].max())
        horizon = min(max(target_year - last, settings.default_horizon), settings.max_horizon)
        key = (region.code, horizon)
        if key not in self._forecasts:
            if uses_kommun_data(region) or region.level == "group":
                analysis = analyse_region(self.ctx, self.registry, region, horizon, settings)
                fc = analysis.forecast
            else:
                fc, _ = forecast_counties(self.ctx, self.registry, [region.code], horizon, settings)
                fc = fc[fc["region_code"] == region.code]
            self._forecasts[key] = fc.reset_index(drop=True)
        return self._forecasts[key]

    def _forecast_employed(self, region: Region, goal: GoalSpec) -> IndicatorSeries:
        history = self._employed(region, goal)
        if history.forecast is None or history.empty:
            return IndicatorSeries(
                history.values,
                history.source,
                history.datasets,
                None,
                history.synthetic,
                history.note or "No forecast for this region.",
            )
        fc = history.forecast
        last = int(history.values["year"].max())
        ahead = fc[fc["year"] > last]
        prognos = (
            "prognos kompetens-forecast" if self.lang == "sv" else "forecast kompetens-forecast"
        )
        return IndicatorSeries(
            history.values,
            f"{history.source}; {prognos}",
            history.datasets,
            fc,
            history.synthetic,
            shown_ahead=_series(ahead["year"], ahead["yhat"]),
        )

    def _share_in_shortage(self, region: Region) -> IndicatorSeries:
        if uses_kommun_data(region):
            return _none("Shortage status is scored for riket and counties only.")
        if self.score_shortage is None:
            return _none("Shortage status is not scored in this run.")
        try:
            result, datasets = self.score_shortage(self.ctx, extra_codes=[region.code])
        except KFError as exc:
            return _none(exc.one_line())
        cells = result.cells[result.cells["region_code"] == region.code]
        panel = self._panel(region).data
        everyone = GoalSpec("all", "", "employed", (region.code,), 2000, 0.0, 2001)
        own = self._cells(region, everyone, panel)
        if region.level == "group":
            own = sum_parts(own, ["ssyk", "year"])  # missing if a member is missing
        year = int(own["year"].max())
        latest = own[own["year"] == year].set_index("ssyk")["value"]
        status = cells.set_index("ssyk")["status"].reindex(latest.index)
        total = float(latest.sum(min_count=1))
        if not np.isfinite(total) or total <= 0 or latest.isna().any():
            return _none(f"Employment in {year} is incomplete for {region.display()}.")
        assessed = float(latest[status.notna() & (status != NO_ASSESSMENT)].sum()) / total
        if assessed < MIN_ASSESSED_SHARE:
            return _none(
                f"Shortage status covers occupations with {assessed:.0%} of the employees in "
                f"{region.display()} ({year}), below {MIN_ASSESSED_SHARE:.0%}: the rest is "
                "'ingen bedömning', so no share in shortage is shown."
            )
        share = float(latest[status == SHORTAGE_STATUS].sum()) / total * 100
        used = tuple(datasets)
        return IndicatorSeries(
            _series(pd.Series([year]), pd.Series([share])),
            _citation(used, self.lang),
            used,
            synthetic=any(d.manifest.synthetic for d in used),
        )

    # -- published indicators ------------------------------------------------------------------
    def _matching(self, region: Region) -> IndicatorSeries:
        if not self.ctx.has(MATCHING_DATASET):
            return _none(
                "matching_grade_county is not fetched: "
                "run `forecast fetch --dataset matching_grade_county`."
            )
        loaded = self.ctx.load(MATCHING_DATASET)
        frame = loaded.frame
        if "sex" in frame.columns:
            frame = frame[frame["sex"].isin(["1+2", "T", "total"])]
        if "contents" in frame.columns and not frame.empty:
            frame = frame[frame["contents"] == frame["contents"].iloc[0]]
        own = frame[frame["region_code"] == region.code]
        if own.empty:
            return _none(f"No matchningsgrad for {region.display()}.")
        return IndicatorSeries(
            _series(own["year"], own["value"]),
            loaded.manifest.citation(self.lang),
            (loaded,),
            synthetic=loaded.manifest.synthetic,
        )

    def _kolada(self, kpi: str, region: Region) -> IndicatorSeries:
        hint = f"run `forecast fetch --dataset kolada --kpi {kpi}`"
        if not self.ctx.has(KOLADA_DATASET):
            return _none(f"Kolada KPI {kpi} is not fetched: {hint}.")
        loaded = self.ctx.load(KOLADA_DATASET)
        frame = loaded.frame
        rows = frame[(frame["kpi"] == kpi) & (frame["sex"] == "1+2")]
        if rows.empty:
            return _none(f"Kolada KPI {kpi} is not fetched: {hint}.")
        own = rows[rows["region_code"] == region.code]
        if own.empty:
            return _none(f"Kolada KPI {kpi} has no value for {region.display()}.")
        source = loaded.manifest.citation(self.lang).replace(
            ", ".join(loaded.manifest.table_ids), f"KPI {kpi}"
        )
        return IndicatorSeries(
            _series(own["year"], own["value"]),
            source,
            (loaded,),
            synthetic=loaded.manifest.synthetic,
        )


def read_csv_indicator(path: Path, region_code: str) -> IndicatorSeries:
    """`csv:PATH`: columns region_code;year;value (`,` or `;`, UTF-8, a BOM accepted; codes as
    text with leading zeros; an empty value or an SCB marker such as `..` is missing)."""
    if not path.is_file():
        raise DataError(f"No such indicator file: {path}.", "Paths are relative to the config.")
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    frame = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("region_code", "year", "value") if c not in frame.columns]
    if missing:
        raise DataError(
            f"{path.name}: missing column(s) {', '.join(missing)}.",
            "Expected columns: region_code;year;value.",
        )
    frame = frame.apply(lambda col: col.str.strip())
    years = pd.to_numeric(frame["year"], errors="coerce")
    raw = frame["value"].str.replace("\u2212", "-").str.replace(" ", "")
    if delimiter == ";":
        raw = raw.str.replace(",", ".")  # Swedish decimal comma
    values = pd.to_numeric(raw, errors="coerce")
    markers = raw.isin(["", "..", ".", "-"])
    bad = years.isna() | (values.isna() & ~markers) | ~frame["region_code"].str.fullmatch(r"\d+")
    if bad.any():
        row = int(frame.index[bad][0])
        raise csv_row_error(
            path.name,
            row,
            "invalid row "
            f"{';'.join(str(frame.at[row, c]) for c in ('region_code', 'year', 'value'))}.",
            "Expected region_code (text, e.g. 20 or 2080), year (e.g. 2023), value (a number).",
        )
    own = frame["region_code"] == region_code
    data = _series(years[own].astype("int64"), values[own])
    if data["year"].duplicated().any():
        year = int(data.loc[data["year"].duplicated(), "year"].iloc[0])
        raise DataError(f"{path.name}: two rows for region {region_code}, year {year}.")
    note = "" if own.any() else f"{path.name} has no rows for region {region_code}."
    return IndicatorSeries(data, f"{path.name}", note=note)


__all__ = ["IndicatorResolver", "IndicatorSeries", "read_csv_indicator"]
