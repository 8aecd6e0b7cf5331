"""`forecast calendar`: calendar.ics, calendar.csv and the årshjul chart for one year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from kompetens_forecast.calendar.chart import calendar_caption, calendar_chart
from kompetens_forecast.calendar.files import write_csv, write_ics
from kompetens_forecast.calendar.releases import Release, plan_releases
from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.jobs.outputs import staged_directory
from kompetens_forecast.languages import check_language
from kompetens_forecast.report.figure import ChartContext, check_size
from kompetens_forecast.store.datasets import DataContext


@dataclass
class CalendarRun:
    year: int
    releases: list[Release]
    files: list[Path]


def check_year(year: int | None, today: date) -> int:
    if year is None:
        return today.year
    if not 2000 <= year <= 2100:
        raise InvalidOptionError(f"Invalid year {year}.", "Give a year such as 2027.")
    return year


def run_calendar(
    out_dir: Path,
    *,
    ctx: DataContext | None = None,
    year: int | None = None,
    lang: str = "sv",
    size: str = "a4",
    today: date | None = None,
) -> CalendarRun:
    """Write calendar.ics, calendar.csv and charts/arshjul.png/.svg for `year` to `out_dir`."""
    check_language(lang)
    check_size(size)
    today = today or datetime.now(UTC).date()
    chosen = check_year(year, today)
    releases = plan_releases(ctx or DataContext(), chosen, today=today)
    names = ["calendar.ics", "calendar.csv"]
    with staged_directory(out_dir) as staging:
        write_ics(staging / "calendar.ics", releases, chosen, lang)
        write_csv(staging / "calendar.csv", releases, lang)
        chart_ctx = ChartContext("", lang, calendar_caption(lang), False, size)
        charts = calendar_chart(releases, chosen, chart_ctx, staging / "charts", today)
        names += [f"charts/{p.name}" for p in charts]
    return CalendarRun(chosen, releases, [out_dir / name for name in names])
