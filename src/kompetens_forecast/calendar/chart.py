"""The årshjul: a one-page timeline of the year by month, one row per dataset.

Filled markers are expected releases (coloured by source), hollow ones "fetch now" (due
today); a thin line marks today. The title states the finding ("14 publiceringar väntas 2027;
9 dataset att hämta nu").
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from matplotlib.lines import Line2D

from kompetens_forecast import __version__
from kompetens_forecast.calendar.releases import Release, source_name
from kompetens_forecast.report.figure import (
    ChartContext,
    finish,
    save,
    styled_figure,
    wrap_label,
)

CHART_NAME = "arshjul"
SOURCE_COLOURS = {"scb": "#0072B2", "af": "#E69F00", "kolada": "#009E73"}
MONTHS = {
    "sv": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
TEXT = {
    "sv": {
        "title": "{n} publiceringar väntas {year}; {due} dataset att hämta nu",
        "sub": "Väntade publiceringar per dataset: en kadens (månad, kvartal, halvår, år) efter "
        "senast kända uppdatering. Ring = hämta nu (aldrig hämtad eller försenad).",
        "caption": "Källa: datasetens senast kända uppdatering (källans uppdateringsdatum, annars "
        "hämtningsdatum) och kadensen i katalogen; Bearbetning: kompetens-forecast {version}",
        "expected": "Väntad publicering",
        "due": "Hämta nu",
        "today": "I dag",
    },
    "en": {
        "title": "{n} releases expected in {year}; {due} datasets to fetch now",
        "sub": "Expected releases per dataset: one cadence (month, quarter, half-year, year) "
        "after the last known update. Ring = fetch now (never fetched or overdue).",
        "caption": "Source: each dataset's last known update (the source's update date, else "
        "the retrieval date) and the catalog's cadence; Processing: kompetens-forecast "
        "{version}",
        "expected": "Expected release",
        "due": "Fetch now",
        "today": "Today",
    },
}


def month_position(day: date) -> float:
    """The day on a 0–12 month axis (1 January = 0, 1 February = 1, …)."""
    days = stdlib_calendar.monthrange(day.year, day.month)[1]
    return day.month - 1 + (day.day - 1) / days


def chart_points(releases: Sequence[Release]) -> list[tuple[float, int, bool, str]]:
    """(x on the month axis, row, filled = expected release, colour) of every event."""
    return [
        (month_position(day), row, kind == "expected", SOURCE_COLOURS.get(r.cadence.source, "#444"))
        for row, r in enumerate(releases)
        for day, kind in r.releases
    ]


def calendar_caption(lang: str) -> str:
    return TEXT[lang]["caption"].format(version=__version__)


def calendar_title(releases: Sequence[Release], year: int, lang: str) -> str:
    expected = sum(1 for r in releases for _, kind in r.releases if kind == "expected")
    due = sum(1 for r in releases if r.due)
    return TEXT[lang]["title"].format(n=expected, year=year, due=due)


def calendar_chart(
    releases: Sequence[Release], year: int, ctx: ChartContext, out: Path, today: date | None = None
) -> list[Path]:
    """`arshjul.png/.svg`: the year by month, one row per dataset."""
    today = today or datetime.now(UTC).date()
    text = TEXT[ctx.lang]
    rows = list(releases)
    with styled_figure(ctx, 0.26 * len(rows) + 0.5) as (fig, ax):
        for y in range(len(rows)):
            ax.axhline(y, color="#eeeeee", linewidth=0.6, zorder=0)
        for x, y, filled, colour in chart_points(rows):
            ax.plot(
                [x],
                [y],
                marker="o",
                markersize=5.5 if filled else 7,
                linestyle="none",
                markerfacecolor=colour if filled else "white",
                markeredgecolor=colour,
                markeredgewidth=1.3,
            )
        labels = [
            f"{wrap_label(r.cadence.title, 48, 1)} ({source_name(r.cadence.source)})" for r in rows
        ]
        ax.set_yticks(range(len(rows)), labels, fontsize=6.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, 12)
        ax.set_xticks([m + 0.5 for m in range(12)], MONTHS[ctx.lang])  # labels mid-month
        ax.set_xticks(range(13), minor=True)
        ax.tick_params(axis="x", which="major", length=0)
        ax.grid(axis="x", which="minor", color="#d9d9d9", linewidth=0.6)
        ax.grid(axis="x", which="major", visible=False)
        if today.year == year:
            ax.axvline(month_position(today), color="#444444", linewidth=0.8, linestyle="--")
        handles = [
            Line2D([], [], marker="o", linestyle="none", color=SOURCE_COLOURS[s])
            for s in ("scb", "af", "kolada")
        ] + [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor="#444444",
            ),
            Line2D([], [], color="#444444", linestyle="--", linewidth=0.8),
        ]
        names = [source_name(s) for s in ("scb", "af", "kolada")] + [text["due"], text["today"]]
        finish(
            fig,
            ctx,
            calendar_title(rows, year, ctx.lang),
            text["sub"],
            synthetic=False,
            legend=(handles, names),
        )
        return save(fig, out, CHART_NAME)
