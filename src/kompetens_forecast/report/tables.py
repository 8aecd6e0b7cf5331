"""The report's table set: one `Sheet` per table, shared by the workbook, the CSVs and the
Markdown file. Headers are in plain language (`report.columns`; the Parquet outputs keep the
machine names of README's contract); numbers stay numbers, with Excel number formats per
column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kompetens_forecast.report.columns import translate_values
from kompetens_forecast.report.workbook import Sheet

NUMBER_FORMATS = {
    "employed": "#,##0",
    "share": "0.00",
    "lq": "0.00",
    "change_1y": "#,##0",
    "change_5y": "#,##0",
    "change_5y_adj": "#,##0",
    "change_1y_pct": "0.0",
    "change_5y_pct": "0.0",
    "change_5y_pct_adj": "0.0",
    "cagr_5y_adj": "0.00",
    "share_women": "0.0",
    "hhi_occupations": "#,##0",
    "share_55plus": "0.0",
    "share_60plus": "0.0",
    "replacement_rate_5y": "0.0",
    "exits_5y": "#,##0",
    "openings_5y": "#,##0",
    "yhat": "#,##0",
    "yhat_lo": "#,##0",
    "yhat_hi": "#,##0",
    "yhat_base": "#,##0",
    "backtest_mase_share": "0.00",
    "backtest_mase": "0.00",
    "backtest_mase_naive": "0.00",
    "backtest_error_pct": "0.0",
    "naive_weight": "0.00",
    "region": "0.0",  # matchningsgrad, per cent as published
    "riket": "0.0",
    "employed_riket": "#,##0",
    "employed_adj": "#,##0",
    "employed_riket_adj": "#,##0",
    "region_index_raw": "0.0",
    "riket_index_raw": "0.0",
    "share_riket": "0.00",
    "region_index": "0.0",
    "riket_index": "0.0",
    "probability_brist": "0.00",
    "score": "0.00",
    "replacement": "#,##0",
    "expansion": "#,##0",
    "openings": "#,##0",
    "replacement_rate_10y": "0.0",
    "exits_10y": "#,##0",
    "expansion_5y": "#,##0",
    "expansion_10y": "#,##0",
    "openings_10y": "#,##0",
    "pay_mean_area": "#,##0",
    "pay_mean_riket": "#,##0",
    "pay_median_riket": "#,##0",
    "pay_p10_riket": "#,##0",
    "pay_p90_riket": "#,##0",
    "ads": "#,##0",
    "positions": "#,##0",
}

NAMES: dict[str, dict[str, str]] = {
    "sysselsattning": {"sv": "Sysselsättning", "en": "Employment"},
    "prognos": {"sv": "Prognos", "en": "Forecast"},
    "matchningsgrad": {"sv": "Matchningsgrad", "en": "Matching grade"},
    "delregioner": {"sv": "Delregioner", "en": "Sub-regions"},
    "prognos_delregioner": {"sv": "Prognos delregioner", "en": "Sub-region forecast"},
    "utveckling": {"sv": "Utveckling", "en": "Trend"},
    "yrkesomraden": {"sv": "Yrkesområden", "en": "Major groups"},
    "bristlage": {"sv": "Bristläge", "en": "Shortage"},
    "rekryteringsbehov": {"sv": "Rekryteringsbehov", "en": "Recruitment need"},
    "aldersstruktur": {"sv": "Åldersstruktur", "en": "Age structure"},
    "lonelage": {"sv": "Lönenivå", "en": "Pay level"},
    "annonser": {"sv": "Platsannonser", "en": "Job ads"},
    "kallor": {"sv": "Källor", "en": "Sources"},
    "seriebrott": {"sv": "Seriebrott", "en": "Series breaks"},
}


def sheet(slug: str, frame: pd.DataFrame, note: str, lang: str) -> Sheet:
    """A report table: numbers with their formats, code values in plain words (`lang`)."""
    formats = {c: NUMBER_FORMATS[c] for c in frame.columns if c in NUMBER_FORMATS}
    shown = translate_values(frame.reset_index(drop=True), lang)
    return Sheet(NAMES[slug][lang], shown, formats, note, slug, lang)


def sources_sheet(provenance: Sequence[dict[str, Any]], note: str, lang: str) -> Sheet:
    sources = pd.DataFrame(list(provenance)).drop(columns=["checksum"])
    sources["table_ids"] = sources["table_ids"].map(", ".join)
    return Sheet(NAMES["kallor"][lang], translate_values(sources, lang), {}, note, "kallor", lang)


def breaks_sheet(breaks: Sequence[dict[str, Any]], note: str, lang: str) -> Sheet | None:
    if not breaks:
        return None
    frame = translate_values(pd.DataFrame(list(breaks)), lang)
    return Sheet(NAMES["seriebrott"][lang], frame, {}, note, "seriebrott", lang)


def number_sheets(sheets: Sequence[Sheet]) -> list[Sheet]:
    """The sheets that hold numbers (at least one column with a number format)."""
    return [s for s in sheets if s.formats]
