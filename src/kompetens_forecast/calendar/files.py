"""The calendar as files: calendar.ics (iCalendar, RFC 5545, via `icalendar`) and calendar.csv.

Events are all-day (VALUE=DATE), one per expected release and one "fetch now" per due
dataset, with stable UIDs (dataset + day), so re-importing an updated calendar into Outlook or
Google Calendar updates the events instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event

from kompetens_forecast import __version__
from kompetens_forecast.calendar.releases import Release, source_name
from kompetens_forecast.report.columns import yes_no
from kompetens_forecast.store.atomic import write_atomic, write_text_atomic

TEXT: dict[str, dict[str, Any]] = {
    "sv": {
        "calname": "Årshjul {year}: publiceringar (kompetens-forecast)",
        "expected": "{title}: ny publicering väntas",
        "due": "{title}: hämta nu",
        "fetch": "Hämta: forecast fetch --dataset {dataset}",
        "cadence": "Kadens: {cadence}",
        "last": "Senast uppdaterad: {last} ({basis})",
        "never": "Inte hämtad till datakatalogen ännu",
        "outputs": "Beroende utdata: {outputs}",
        "basis": {"source": "källans uppdateringsdatum", "retrieved": "hämtningsdatum"},
    },
    "en": {
        "calname": "Publication calendar {year} (kompetens-forecast)",
        "expected": "{title}: new release expected",
        "due": "{title}: fetch now",
        "fetch": "Fetch: forecast fetch --dataset {dataset}",
        "cadence": "Cadence: {cadence}",
        "last": "Last updated: {last} ({basis})",
        "never": "Not fetched into the data directory yet",
        "outputs": "Dependent outputs: {outputs}",
        "basis": {"source": "the source's update date", "retrieved": "retrieval date"},
    },
}
CSV_COLUMNS = [
    "dataset",
    "source",
    "title",
    "cadence",
    "origin",
    "last_update",
    "update_basis",
    "next_expected",
    "due",
    "releases",
    "outputs",
]


def _description(release: Release, lang: str) -> str:
    text = TEXT[lang]
    lines = [
        f"{source_name(release.cadence.source)}: {release.cadence.dataset}",
        text["cadence"].format(cadence=release.cadence.cadence),
    ]
    if release.last_update is not None:
        basis = text["basis"].get(release.update_basis, release.update_basis)
        lines.append(text["last"].format(last=release.last_update.isoformat(), basis=basis))
    if release.never_fetched:
        lines.append(text["never"])
    if release.cadence.outputs:
        lines.append(text["outputs"].format(outputs=", ".join(release.cadence.outputs)))
    lines.append(text["fetch"].format(dataset=release.cadence.dataset))
    return "\n".join(lines)


def build_ics(releases: Sequence[Release], year: int, lang: str = "sv") -> bytes:
    """An iCalendar document with one all-day event per expected release or due fetch."""
    text = TEXT[lang]
    calendar = Calendar()
    calendar.add("prodid", f"-//kompetens-forecast//{__version__}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text["calname"].format(year=year))
    stamp = datetime.now(UTC).replace(microsecond=0)
    for release in releases:
        for day, kind in release.releases:
            event = Event()
            event.add("uid", f"{release.cadence.dataset}-{kind}-{day:%Y%m%d}@kompetens-forecast")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", text[kind].format(title=release.cadence.title))
            event.add("description", _description(release, lang))
            event.add("categories", [source_name(release.cadence.source)])
            event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def build_csv(releases: Sequence[Release], lang: str = "sv") -> str:
    """calendar.csv for Excel with Swedish settings (`;`, UTF-8 with BOM, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for release in releases:
        c = release.cadence
        writer.writerow(
            [
                c.dataset,
                source_name(c.source),
                c.title,
                c.cadence,
                release.origin or "none",
                _iso(release.last_update),
                release.update_basis,
                _iso(release.next_expected),
                yes_no(release.due, lang),
                " ".join(f"{d.isoformat()}" for d, kind in release.releases if kind == "expected"),
                ", ".join(c.outputs),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def write_ics(path: Path, releases: Sequence[Release], year: int, lang: str) -> Path:
    data = build_ics(releases, year, lang)
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


def write_csv(path: Path, releases: Sequence[Release], lang: str) -> Path:
    return write_text_atomic(path, build_csv(releases, lang))
