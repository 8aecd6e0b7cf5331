"""The publication calendar: expected releases, due datasets, calendar.ics/.csv, the chart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar

from cli_helpers import invoke
from kompetens_forecast.calendar.chart import chart_points, month_position
from kompetens_forecast.calendar.releases import (
    add_months,
    due_datasets,
    expected_releases,
    load_cadences,
    plan_releases,
)
from kompetens_forecast.sources.catalog import Catalog
from kompetens_forecast.store.datasets import DataContext


def test_expected_releases_follow_the_cadence() -> None:
    assert expected_releases(date(2026, 3, 15), "yearly", 2027) == [date(2027, 3, 15)]
    assert expected_releases(date(2026, 11, 1), "half-yearly", 2027) == [
        date(2027, 5, 1),
        date(2027, 11, 1),
    ]
    assert len(expected_releases(date(2026, 12, 31), "monthly", 2027)) == 12
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert expected_releases(date(2026, 1, 1), "quarterly", 2026) == [
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]


def test_cadences_cover_the_catalog_and_af() -> None:
    cadences = {c.dataset: c for c in load_cadences()}
    assert set(Catalog.load().names()) <= set(cadences)
    assert cadences["yrkesbarometer"].cadence == "half-yearly"
    assert cadences["population"].cadence == "monthly"
    assert not cadences["jobseekers"].fetchable


def _store(ctx: DataContext, dataset: str, source: str, updated: str) -> None:
    frame = pd.DataFrame({"region_code": ["20"], "year": [2023], "value": [1.0]})
    ctx.user_store.write(
        frame,
        dataset=dataset,
        source=source,
        title=dataset,
        table_ids=["T"],
        dims=["region_code"],
        retrieved_at="2026-12-01T00:00:00Z",
        source_updated=updated,
    )


def test_due_means_never_fetched_or_a_release_expected_since(tmp_path: Path) -> None:
    ctx = DataContext(tmp_path)
    _store(ctx, "population", "scb", "2026-11-20T08:00:00Z")  # monthly: next 2026-12-20
    _store(ctx, "yrkesbarometer", "af", "2026-01-10T00:00:00Z")  # half-yearly: due 2026-07-10
    today = date(2026, 12, 3)
    by_name = {r.cadence.dataset: r for r in plan_releases(ctx, 2026, today=today)}
    population = by_name["population"]
    assert not population.due and population.update_basis == "source"
    assert population.next_expected == date(2026, 12, 20)
    assert population.releases == ((date(2026, 12, 20), "expected"),)
    assert by_name["yrkesbarometer"].due
    assert by_name["employment_county_ssyk4"].due  # demo only: never fetched
    fetch, skip = due_datasets(ctx, today=today)
    assert "population" not in fetch and "yrkesbarometer" in fetch
    assert "employment_county_ssyk4" in fetch
    assert {"jobseekers", "kolada"} <= set(skip)  # need --file / a stored KPI


def test_calendar_command_writes_a_valid_ics_csv_and_chart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cal"
    result = invoke(capsys, "calendar", "--out", str(out))
    assert result.code == 0, result.err
    calendar = Calendar.from_ical((out / "calendar.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)  # stable, unique ids
    names = {uid.split("-")[0] for uid in uids}
    assert set(Catalog.load().names()) <= names
    for event in events:
        start = event.decoded("DTSTART")
        assert isinstance(start, date) and event.decoded("DTEND") > start
        assert "forecast fetch --dataset" in str(event["DESCRIPTION"])
    raw = (out / "calendar.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = pd.read_csv(out / "calendar.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert {"dataset", "cadence", "last_update", "next_expected", "due", "outputs"} <= set(
        table.columns
    )
    row = table.set_index("dataset").loc["employment_county_ssyk4"]
    assert row["origin"] == "demo" and row["cadence"] == "yearly" and row["due"] == "ja"
    assert (out / "charts" / "arshjul.png").stat().st_size > 10_000
    svg = (out / "charts" / "arshjul.svg").read_text("utf-8")
    assert "dataset att hämta nu" in svg and "Bearbetning: kompetens-forecast" in svg
    # every event is a point inside the year's month axis, on its dataset's row
    releases = plan_releases(DataContext(), today=date(2026, 12, 3))
    points = chart_points(releases)
    assert len(points) == sum(len(r.releases) for r in releases)
    assert all(0 <= x < 12 and 0 <= row < len(releases) for x, row, _, _ in points)
    assert month_position(date(2027, 7, 1)) == 6.0


def test_calendar_rejects_a_bad_year(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = invoke(capsys, "calendar", "--year", "27", "--out", str(tmp_path / "c"))
    assert result.code == 2 and "Invalid year 27" in result.err
    assert not (tmp_path / "c").exists()


def test_fetch_due_refuses_dataset_and_all_together(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = invoke(capsys, "fetch", "--due", "--all")
    assert result.code == 2 and "--due chooses the datasets itself" in result.err
