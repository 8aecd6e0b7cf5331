"""Write a region's report set into a (staging) directory: tables.xlsx, csv/, tables.md,
charts/*.png+svg and faktablad.html. Shared by `forecast run` and `forecast report`.

Charts whose data are missing (age structure and recruitment need without
`employment_age_ssyk3`, shortage outside riket/counties, matchningsgrad without
`matching_grade_county`) are skipped and the reason returned for manifest.json.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kompetens_forecast.languages import translate
from kompetens_forecast.report import charts, charts_age, charts_shortage, charts_trend
from kompetens_forecast.report.charts_ads import ads_chart, readable_ads
from kompetens_forecast.report.charts_goals import goals_chart
from kompetens_forecast.report.charts_pay import pay_chart
from kompetens_forecast.report.csv_export import write_csvs, write_markdown
from kompetens_forecast.report.data import ReportData
from kompetens_forecast.report.factsheet import write_factsheet
from kompetens_forecast.report.figure import ChartContext
from kompetens_forecast.report.goals_sheet import goals_sheet
from kompetens_forecast.report.pdf import write_pdf
from kompetens_forecast.report.tables import breaks_sheet, sheet, sources_sheet
from kompetens_forecast.report.workbook import Sheet, write_workbook
from kompetens_forecast.schema import RIKET

Progress = Callable[[str], None]


@dataclass
class ReportOutputs:
    names: list[str]  # relative paths written
    charts_skipped: list[dict[str, str]]
    sheets: list[Sheet]


def _own(data: ReportData) -> pd.DataFrame:
    return data.ind[data.ind["region_code"] == data.region.code]


def _subs(data: ReportData) -> pd.DataFrame:
    return data.ind[data.ind["region_code"] != data.region.code]


def _note(caption: str, synthetic: bool, lang: str) -> str:
    """A table's source line, with the synthetic-data warning where its numbers are synthetic."""
    return f"{caption} – {translate('chart.synthetic_banner', lang)}" if synthetic else caption


def largest_first(forecast: pd.DataFrame) -> pd.DataFrame:
    """Forecast rows with each region's largest occupations first (by the first forecast year),
    years in order within an occupation: what a reader looks for, not code order."""
    if forecast.empty:
        return forecast
    first = forecast[forecast["year"] == forecast["year"].min()]
    size = first.set_index(["region_code", "ssyk"])["yhat"]
    keys = pd.MultiIndex.from_frame(forecast[["region_code", "ssyk"]])
    ranked = forecast.assign(_size=size.reindex(keys).to_numpy())
    ranked = ranked.sort_values(
        ["region_code", "_size", "ssyk", "year"], ascending=[True, False, True, True]
    )
    return ranked.drop(columns="_size").reset_index(drop=True)


def build_sheets(data: ReportData, tables: dict[str, pd.DataFrame]) -> list[Sheet]:
    lang = data.lang
    cap = _note(data.captions.main, data.synthetic, lang)
    sub_cap = _note(data.captions.sub, data.sub_synthetic, lang)
    own = _own(data).sort_values("employed", ascending=False)
    sheets = [
        sheet("sysselsattning", own, cap, lang),
        sheet("prognos", largest_first(data.fc), cap, lang),
    ]
    if data.matching is not None:
        sheets.append(sheet("matchningsgrad", data.matching.table, data.captions.matching, lang))
    subs = _subs(data)
    if not subs.empty:
        sheets.append(sheet("delregioner", subs, sub_cap, lang))
    if not data.sub_fc.empty:
        sheets.append(sheet("prognos_delregioner", largest_first(data.sub_fc), sub_cap, lang))
    sheets.append(sheet("utveckling", tables["utveckling"], cap, lang))
    sheets.append(sheet("yrkesomraden", tables["yrkesomraden"], cap, lang))
    if "bristlage" in tables:
        shortage_cap = _note(data.captions.shortage, data.synthetic, lang)
        sheets.append(sheet("bristlage", tables["bristlage"], shortage_cap, lang))
    for slug, caption in (
        ("aldersstruktur", data.captions.age),
        ("rekryteringsbehov", data.captions.age),
        ("lonelage", data.captions.pay),
        ("annonser", data.captions.ads),
    ):
        if slug in tables:
            synthetic = data.synthetic and slug != "lonelage"
            frame = readable_ads(tables[slug], lang) if slug == "annonser" else tables[slug]
            sheets.append(sheet(slug, frame, _note(caption or cap, synthetic, lang), lang))
    if data.goals is not None:
        sheets.append(
            goals_sheet(data.goals, _note(data.goals_caption, data.goals.synthetic, lang), lang)
        )
    sheets.append(sources_sheet(data.datasets, data.captions.main, lang))
    breaks = breaks_sheet(data.breaks, data.captions.main, lang)
    if breaks is not None:
        sheets.append(breaks)
    return sheets


def _tables(data: ReportData) -> dict[str, pd.DataFrame]:
    own = _own(data)
    code = data.region.code
    tables = {
        "utveckling": charts_trend.employment_index(data.panel, code, data.riket_code),
        "yrkesomraden": charts.major_group_shares(data.panel, code, data.riket_code),
    }
    tables["yrkesomraden"].insert(
        1, "label", tables["yrkesomraden"]["major"].map(data.group_labels)
    )
    if data.shortage is not None:
        tables["bristlage"] = charts_shortage.overview_table(
            data.ind, data.shortage.cells, code, top=1000
        )
    if charts_age.has_age_data(own):
        tables["aldersstruktur"] = charts_age.age_table(own)
        tables["rekryteringsbehov"] = charts_age.openings_table(own, data.fc, top=1000)
    if data.pay is not None:
        tables["lonelage"] = data.pay
    if data.ads is not None:
        tables["annonser"] = data.ads
    return tables


def _draw(
    data: ReportData, tables: dict[str, pd.DataFrame], out: Path, skipped: list[dict[str, str]]
) -> list[Path]:
    lang, size = data.lang, data.size
    own = _own(data)
    ctx = ChartContext(data.in_text, lang, data.captions.main, data.synthetic, size)
    has_af = "af_situation" in own and bool(own["af_situation"].notna().any())
    largest_ctx = ctx.with_caption(data.captions.largest) if has_af else ctx
    files = [
        *charts.largest_occupations(own, largest_ctx, out),
        *charts.change(own, ctx, out),
    ]
    if data.region.code != RIKET:
        files += charts.location_quotients(own, ctx, out)
    else:
        skipped.append({"chart": "03_lokaliseringskvoter", "reason": data.skip_reasons["lq"]})
    history = data.panel[data.panel["region_code"] == data.region.code]
    labels = dict(zip(own["ssyk"], own["ssyk_label"], strict=True))
    files += charts_trend.forecast_fans(history, data.fc, labels, ctx, out)
    subs = _subs(data)
    if not subs.empty:
        sub_ctx = ctx.with_caption(data.captions.sub, data.sub_synthetic)
        files += charts.subregions(subs, data.sub_names, sub_ctx, out, kommuner=data.kommuner)
    else:
        skipped.append({"chart": "05_delregioner", "reason": data.skip_reasons["sub"]})
    if data.matching is not None:
        matching_ctx = ctx.with_caption(
            data.captions.matching, data.matching.dataset.manifest.synthetic
        )
        files += charts_trend.matching_grade(data.matching.table, matching_ctx, out)
    else:
        skipped.append({"chart": "06_matchningsgrad", "reason": data.skip_reasons["matching"]})
    if data.shortage is not None:
        overview = charts_shortage.overview_table(data.ind, data.shortage.cells, data.region.code)
        files += charts_shortage.shortage_overview(
            overview,
            data.shortage.omgang,
            ctx.with_caption(data.captions.shortage),
            out,
            shortage=data.shortage,
        )
    else:
        skipped.append({"chart": "07_bristlage", "reason": data.skip_reasons["shortage"]})
    is_riket = data.region.code == data.riket_code
    files += charts_trend.employment_trend(tables["utveckling"], ctx, out, is_riket=is_riket)
    files += charts.major_groups(
        tables["yrkesomraden"], data.group_labels, ctx, out, is_riket=is_riket
    )
    if own["share_women"].notna().any():
        files += charts.women_share(own, ctx, out)
    else:
        skipped.append({"chart": "10_kvinnoandel", "reason": "no employment by sex"})
    files += _draw_staples(data, tables, ctx, out, skipped)
    if data.goals is not None:
        goals_ctx = ctx.with_caption(data.goals_caption, data.goals.synthetic)
        files += goals_chart(data.goals, goals_ctx, out, data.in_text)
    return files


def _draw_staples(
    data: ReportData,
    tables: dict[str, pd.DataFrame],
    ctx: ChartContext,
    out: Path,
    skipped: list[dict[str, str]],
) -> list[Path]:
    """Age structure, recruitment need, pay level and ads trend, each where its data exist."""
    files: list[Path] = []
    is_riket = data.region.code == data.riket_code
    if "rekryteringsbehov" in tables:
        age_ctx = ctx.with_caption(data.captions.age or data.captions.main)
        files += charts_age.age_structure(_own(data), age_ctx, out)
        files += charts_age.openings(tables["rekryteringsbehov"], data.fc, age_ctx, out)
    else:
        reason = data.skip_reasons["age"]
        skipped += [
            {"chart": "11_aldersstruktur", "reason": reason},
            {"chart": "12_rekryteringsbehov", "reason": reason},
        ]
    if "lonelage" in tables:
        pay_ctx = ctx.with_caption(data.captions.pay, synthetic=False)  # pay figures are SCB's
        files += pay_chart(tables["lonelage"], data.pay_reference, pay_ctx, out, is_riket=is_riket)
    else:
        skipped.append({"chart": "14_lonelage", "reason": data.skip_reasons["pay"]})
    if "annonser" in tables:
        # AF's counts are real, but which occupations are shown follows the region's data
        ads_ctx = ctx.with_caption(data.captions.ads)
        files += ads_chart(tables["annonser"], ads_ctx, out, is_riket=is_riket)
    else:
        skipped.append({"chart": "15_annonser", "reason": data.skip_reasons["ads"]})
    return files


def build_report(data: ReportData, directory: Path, progress: Progress) -> ReportOutputs:
    """Write the report set into `directory`; return what was written and what was skipped."""
    tables = _tables(data)
    progress("Writing tables")
    sheets = build_sheets(data, tables)
    names: list[str] = []
    write_workbook(directory / "tables.xlsx", sheets)
    names.append("tables.xlsx")
    csvs = write_csvs(sheets, directory / "csv", data.lang)
    names += [f"csv/{p.name}" for p in csvs]
    title = ("Tabeller: " if data.lang == "sv" else "Tables: ") + data.region.label(data.lang)
    write_markdown(sheets, directory / "tables.md", title, data.lang)
    names.append("tables.md")

    progress("Drawing charts")
    skipped: list[dict[str, str]] = []
    chart_files = _draw(data, tables, directory / "charts", skipped)
    names += [f"charts/{p.name}" for p in chart_files]

    progress("Writing the fact sheet")
    write_factsheet(data, tables, directory / "charts", directory / "faktablad.html")
    names.append("faktablad.html")
    if data.pdf:
        progress("Writing the fact sheet as PDF")
        write_pdf(directory / "faktablad.html", directory / "faktablad.pdf")
        names.append("faktablad.pdf")
    return ReportOutputs(names, skipped, sheets)
