"""The fact sheet's "Måluppfyllelse" section (`forecast run --goals FILE`): the finding, one
line per goal and the goals chart inline."""

from __future__ import annotations

import math
from typing import Any

from kompetens_forecast.goals.evaluate import GoalsResult
from kompetens_forecast.report.charts_goals import goals_title
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int

HEADING = {"sv": "Måluppfyllelse", "en": "Goal attainment"}
LINE = {
    "sv": "{title}: {status} – senast {latest} ({year}), mål {target} år {target_year}{projected}.",
    "en": "{title}: {status} – latest {latest} ({year}), target {target} by {target_year}"
    "{projected}.",
}
PROJECTED = {"sv": "; på väg mot {value} år {year}", "en": "; heading for {value} in {year}"}
NO_DATA = {"sv": "{title}: uppgift saknas.", "en": "{title}: no data."}


def _fmt(value: float, lang: str) -> str:
    if not math.isfinite(value):
        return "–"
    return fmt_int(value, lang) if abs(value) >= 100 else fmt_decimal(value, lang, 1)


def goal_lines(result: GoalsResult, lang: str) -> list[str]:
    lines = []
    for _, row in result.summary.iterrows():
        if row["status"] == "no_data":
            lines.append(NO_DATA[lang].format(title=row["title"]))
            continue
        projected = float(row["projected"])
        after = (
            PROJECTED[lang].format(value=_fmt(projected, lang), year=int(row["target_year"]))
            if math.isfinite(projected)
            else ""
        )
        lines.append(
            LINE[lang].format(
                title=row["title"],
                status=row["status_label"],
                latest=_fmt(float(row["latest_value"]), lang),
                year=int(row["latest_year"]),
                target=_fmt(float(row["target"]), lang),
                target_year=int(row["target_year"]),
                projected=after,
            )
        )
    return lines


def goals_section(result: GoalsResult | None, svg: str, lang: str) -> dict[str, Any] | None:
    """What the template shows under "Måluppfyllelse" (None: no section)."""
    if result is None:
        return None
    return {
        "heading": HEADING[lang],
        "finding": goals_title(result, lang),
        "lines": goal_lines(result, lang),
        "svg": svg,
    }
