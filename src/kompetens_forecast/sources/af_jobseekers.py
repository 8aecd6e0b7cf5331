"""Arbetsförmedlingen's registered jobseekers by sought occupation (U) — from a local file.

Quirks and assumptions (2026-11-28):
- AF publishes jobseekers ("inskrivna arbetssökande") by sought occupation (sökt yrke, SSYK-4)
  and county/kommun as monthly statistics downloads on arbetsformedlingen.se/statistik; no API
  for them is documented in our specs and no recorded file exists here, so there is no download
  client. `forecast fetch --dataset jobseekers --file PATH` imports a tidy CSV instead:
  columns `period` (YYYY-MM), `region_code` (00, county 01–25 or kommun 4 digits),
  `ssyk` (SSYK-4), `jobseekers`; `,` or `;` separated, UTF-8 (a BOM is accepted).
- AF masks small counts; a masked value ("..", "-", "*" …) becomes missing with the marker kept
  in `symbol`, never 0.
- A person may seek several occupations; AF counts them once per sought occupation, so
  jobseekers summed over occupations can exceed the number of persons. We never sum occupations
  into a total of persons.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.classify.ssyk import default_occupations
from kompetens_forecast.errors import DataError, NotFoundError, csv_row_error
from kompetens_forecast.schema import KNOWN_SYMBOLS

DATASET = "jobseekers"
COLUMNS = ("period", "region_code", "ssyk", "jobseekers")
MASKS = (*KNOWN_SYMBOLS, "*", "")
LICENCE = "CC0 1.0 (Arbetsförmedlingen open data); check the terms of the file you import"
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_REGION = re.compile(r"^\d{2}(\d{2})?$")
_SSYK = re.compile(r"^\d{4}$")


def _decode(raw: bytes, name: str) -> str:
    """The file's text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252 (Swedish
    Excel's "ANSI"; the file holds only codes and counts, so no label can be misread)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: not valid UTF-16 ({exc.reason}).") from exc
    if b"\x00" in raw:
        raise DataError(
            f"{name}: holds NUL bytes (a binary file, or UTF-16 without a byte-order mark).",
            "Save it as CSV UTF-8.",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _frame(text: str, name: str) -> pd.DataFrame:
    """The CSV's cells as strings (`,` or `;`); a row with extra fields is refused."""
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise DataError(f"{name} is empty.", f"Expected a header: {';'.join(COLUMNS)}.")
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DataError(f"{name}: not a readable CSV file ({exc}).") from exc
    header = [c.strip().lower() for c in rows[0]]
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row) and len(row) != len(header):
            raise DataError(
                f"{name} line {number}: {len(row)} fields, the header has {len(header)}.",
                f"One value per column ({delimiter!r} separated); quote values holding "
                f"{delimiter!r}.",
            )
    if not body:
        raise DataError(f"{name} holds a header but no rows.", "Nothing was imported.")
    return pd.DataFrame(body, columns=header, dtype=str)


def _known_codes() -> tuple[set[str], set[str]]:
    regions = {r.code for r in default_registry().all() if r.level != "group"}
    occupations = {o.code for o in default_occupations().level(4)}
    return regions, occupations


def read_jobseekers(path: Path) -> pd.DataFrame:
    """The tidy jobseekers CSV → period, region_code, ssyk, jobseekers (float, NaN when masked),
    symbol. Codes stay strings and must exist (regions, SSYK-4); counts are whole numbers ≥ 0;
    a bad row raises DataError naming the line and the value."""
    if not path.is_file():
        raise NotFoundError(f"No such file: {path}", "Pass the CSV with --file PATH.")
    frame = _frame(_decode(path.read_bytes(), path.name), path.name)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"{path.name}: missing column(s) {', '.join(missing)}.",
            f"Expected columns: {', '.join(COLUMNS)}.",
        )
    frame = frame.loc[:, list(COLUMNS)].apply(lambda col: col.str.strip())
    checks = (("period", _PERIOD, "YYYY-MM"), ("region_code", _REGION, "00, 01–25 or a kommun"))
    for column, pattern, expected in (*checks, ("ssyk", _SSYK, "a 4-digit SSYK code")):
        bad = frame.index[~frame[column].str.match(pattern)]
        if len(bad):
            row = int(bad[0])
            raise csv_row_error(
                path.name,
                row,
                f"invalid {column} '{frame.at[row, column]}'.",
                f'Expected {expected}, with leading zeros ("01", "0114").',
            )
    regions, occupations = _known_codes()
    for column, known, what in (
        ("region_code", regions, "`forecast regions`"),
        ("ssyk", occupations, "`forecast occupations --level 4`"),
    ):
        unknown = frame.index[~frame[column].isin(known)]
        if len(unknown):
            row = int(unknown[0])
            raise csv_row_error(
                path.name,
                row,
                f"unknown {column} '{frame.at[row, column]}' "
                f"({len(unknown)} row(s) with unknown codes).",
                f"Valid codes: {what}.",
            )
    raw = frame["jobseekers"]
    masked = raw.isin(MASKS)
    values = pd.to_numeric(raw.where(~masked), errors="coerce")
    finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
    whole = finite & (values.fillna(0) % 1 == 0).to_numpy()
    bad_values = ~masked & ~(whole & (values >= 0))
    if bad_values.any():
        row = int(frame.index[bad_values][0])
        raise csv_row_error(
            path.name,
            row,
            f"invalid jobseekers '{raw.iloc[row]}'.",
            f"Expected a whole count ≥ 0 or a mask ({', '.join(repr(m) for m in MASKS if m)}).",
        )
    out = frame.loc[:, ["period", "region_code", "ssyk"]].assign(
        jobseekers=values.astype("float64"), symbol=raw.where(masked & (raw != ""), None)
    )
    duplicated = out.duplicated(["period", "region_code", "ssyk"])
    if duplicated.any():
        row = int(out.index[duplicated][0])
        raise csv_row_error(
            path.name,
            row,
            "a second row for "
            f"{out.at[row, 'period']} × {out.at[row, 'region_code']} × {out.at[row, 'ssyk']}.",
            "One row per period, region and occupation.",
        )
    return pd.DataFrame(out.sort_values(["period", "region_code", "ssyk"], ignore_index=True))
