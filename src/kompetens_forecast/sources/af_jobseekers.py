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

import csv
import re
from pathlib import Path

import pandas as pd

from kompetens_forecast.errors import DataError, NotFoundError
from kompetens_forecast.fetch import FetchResult, fetch_lock
from kompetens_forecast.schema import KNOWN_SYMBOLS
from kompetens_forecast.store.datasets import DataContext
from kompetens_forecast.store.store import utc_now

DATASET = "jobseekers"
COLUMNS = ("period", "region_code", "ssyk", "jobseekers")
MASKS = (*KNOWN_SYMBOLS, "*", "")
LICENCE = "CC0 1.0 (Arbetsförmedlingen open data); check the terms of the file you import"
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_REGION = re.compile(r"^\d{2}(\d{2})?$")
_SSYK = re.compile(r"^\d{4}$")


def read_jobseekers(path: Path) -> pd.DataFrame:
    """The tidy jobseekers CSV → period, region_code, ssyk, jobseekers (float, NaN when masked),
    symbol. Codes stay strings; a bad row raises DataError naming the line and the value."""
    if not path.is_file():
        raise NotFoundError(f"No such file: {path}", "Pass the CSV with --file PATH.")
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    frame = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip().lower() for c in frame.columns]
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
            raise DataError(
                f"{path.name} line {row + 2}: invalid {column} '{frame.at[row, column]}'.",
                f'Expected {expected}, with leading zeros ("01", "0114").',
            )
    raw = frame["jobseekers"]
    masked = raw.isin(MASKS)
    values = pd.to_numeric(raw.where(~masked), errors="coerce")
    bad_values = values.isna() & ~masked
    if bad_values.any() or (values < 0).any():
        row = int(frame.index[bad_values | (values < 0)][0])
        raise DataError(
            f"{path.name} line {row + 2}: invalid jobseekers '{raw.iloc[row]}'.",
            f"Expected a count ≥ 0 or a mask ({', '.join(repr(m) for m in MASKS if m)}).",
        )
    out = frame.loc[:, ["period", "region_code", "ssyk"]].assign(
        jobseekers=values.astype("float64"), symbol=raw.where(masked & (raw != ""), None)
    )
    duplicated = out.duplicated(["period", "region_code", "ssyk"])
    if duplicated.any():
        row = int(out.index[duplicated][0])
        raise DataError(
            f"{path.name} line {row + 2}: a second row for "
            f"{out.at[row, 'period']} × {out.at[row, 'region_code']} × {out.at[row, 'ssyk']}.",
            "One row per period, region and occupation.",
        )
    return pd.DataFrame(out.sort_values(["period", "region_code", "ssyk"], ignore_index=True))


def import_jobseekers(ctx: DataContext, path: Path | None, *, dry_run: bool = False) -> FetchResult:
    """`forecast fetch --dataset jobseekers --file PATH`: validate and store the file."""
    if path is None:
        raise DataError(
            "Jobseekers are imported from a file AF publishes (no API).",
            "Run `forecast fetch --dataset jobseekers --file PATH` (columns: "
            f"{', '.join(COLUMNS)}; see docs/catalog.md).",
        )
    frame = read_jobseekers(path)
    if dry_run:
        return FetchResult(DATASET, "planned", [path.name], 0, len(frame))
    with fetch_lock(ctx.data_dir):
        manifest = ctx.user_store.write(
            frame,
            dataset=DATASET,
            source="af",
            title="Inskrivna arbetssökande efter sökt yrke (SSYK-4) och region",
            table_ids=[path.name],
            dims=("period", "region_code", "ssyk"),
            retrieved_at=utc_now(),
            query={"file": str(path)},
            provenance="Arbetsförmedlingen's jobseeker statistics, imported from a local file.",
            licence=LICENCE,
        )
    return FetchResult(DATASET, "written", [path.name], 0, len(frame), manifest=manifest)
