"""The Mål sheet: one row per goal × region, in plain language, for goals.xlsx and tables.xlsx.

Its name, headers and projection words are in the translation catalogue (keys `goals.*`)."""

from __future__ import annotations

from kompetens_forecast.goals.evaluate import SUMMARY_COLUMNS, GoalsResult
from kompetens_forecast.languages import translate
from kompetens_forecast.report.columns import yes_no
from kompetens_forecast.report.workbook import Sheet

SLUG = "mal"
#: summary columns the sheet shows, in this order (headers: `goals.column.<name>`); the
#: status code stays out, its words (`status_label`) stand
COLUMNS = tuple(c for c in SUMMARY_COLUMNS if c != "status")
VALUES = ("baseline_value", "latest_value", "expected_latest", "target", "projected")
PROJECTIONS = ("forecast", "trend", "actual", "none")


def goals_sheet(result: GoalsResult, note: str, lang: str) -> Sheet:
    """The goals' summary with plain-language headers and number formats."""
    frame = result.summary.loc[:, list(COLUMNS)].copy()
    words = {m: translate(f"goals.projection.{m}", lang) for m in PROJECTIONS}
    frame["projection_method"] = frame["projection_method"].map(words)
    frame["latest_year"] = frame["latest_year"].astype("Int64")
    frame["synthetic"] = [yes_no(bool(v), lang) for v in frame["synthetic"]]
    headers = {c: translate(f"goals.column.{c}", lang) for c in COLUMNS}
    frame.columns = [headers[c] for c in frame.columns]
    formats = {headers[c]: "#,##0.0" for c in (*VALUES, "projected_lo", "projected_hi")}
    name = translate("goals.sheet", lang)
    return Sheet(name, frame.reset_index(drop=True), formats, note, SLUG, "")
