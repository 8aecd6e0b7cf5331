"""The Mål sheet: one row per goal × region, in plain language, for goals.xlsx and tables.xlsx."""

from __future__ import annotations

from kompetens_forecast.goals.evaluate import GoalsResult
from kompetens_forecast.report.columns import yes_no
from kompetens_forecast.report.workbook import Sheet

SLUG = "mal"
NAME = {"sv": "Mål", "en": "Goals"}
#: summary column → (Swedish, English) header; the sheet shows these, in this order
HEADERS: dict[str, tuple[str, str]] = {
    "goal_id": ("Mål-id", "Goal id"),
    "title": ("Mål", "Goal"),
    "region_code": ("Regionkod", "Region code"),
    "region_name": ("Region", "Region"),
    "indicator": ("Indikator", "Indicator"),
    "baseline_year": ("Utgångsår", "Baseline year"),
    "baseline_value": ("Utgångsvärde", "Baseline value"),
    "latest_year": ("Senaste år", "Latest year"),
    "latest_value": ("Senaste värde", "Latest value"),
    "expected_latest": ("Förväntat enligt vägen dit", "Expected on the path"),
    "target_year": ("Målår", "Target year"),
    "target": ("Målvärde", "Target"),
    "projected": ("Prognos/trend till målåret", "Projected to the target year"),
    "projected_lo": ("Prognos, nedre (80 %)", "Projected, lower (80 %)"),
    "projected_hi": ("Prognos, övre (80 %)", "Projected, upper (80 %)"),
    "projection_method": ("Beräkning", "Projection"),
    "status_label": ("Status", "Status"),
    "source": ("Källa", "Source"),
    "synthetic": ("Syntetiska data", "Synthetic data"),
}
VALUES = ("baseline_value", "latest_value", "expected_latest", "target", "projected")
METHODS = {
    "sv": {"forecast": "prognos", "trend": "linjär trend", "actual": "utfall", "none": "–"},
    "en": {"forecast": "forecast", "trend": "linear trend", "actual": "actual", "none": "–"},
}


def goals_sheet(result: GoalsResult, note: str, lang: str) -> Sheet:
    """The goals' summary with plain-language headers and number formats."""
    index = 0 if lang == "sv" else 1
    frame = result.summary.loc[:, list(HEADERS)].copy()
    frame["projection_method"] = frame["projection_method"].map(METHODS[lang])
    frame["latest_year"] = frame["latest_year"].astype("Int64")
    frame["synthetic"] = [yes_no(bool(v), lang) for v in frame["synthetic"]]
    frame.columns = [HEADERS[c][index] for c in frame.columns]
    formats = {HEADERS[c][index]: "#,##0.0" for c in (*VALUES, "projected_lo", "projected_hi")}
    return Sheet(NAME[lang], frame.reset_index(drop=True), formats, note, SLUG, "")
