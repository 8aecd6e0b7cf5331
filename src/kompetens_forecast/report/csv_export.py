"""The report tables as CSV for Swedish Excel and as Markdown.

CSV dialect (one file per table in `csv/`): `;` as separator, decimal comma, no thousands
separator, UTF-8 with BOM (Excel then reads å, ä, ö right), CRLF line ends, a header row and
nothing else — sources are not written into the CSVs (a trailing source line would break
sorting and filtering in Excel) but into `csv/README.txt` and `tables.md`. Numbers are
rounded to the digits their Excel format shows; missing values are empty cells.

Markdown (`tables.md`): each table's first rows with numbers in the language's format (Babel:
"12 345", "3,4"), its source line, and where to find the full table.

Text from the sources (AF labels, table ids, notes) is data, never markup or formulas: CSV
cells starting with `=`, `+`, `@`, `-` … get a leading `'` (`neutralise`), and Markdown text
is escaped (`markdown_text`: `<script>` stays visible text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_forecast.report.columns import yes_no
from kompetens_forecast.report.numbers import fmt_decimal, fmt_int
from kompetens_forecast.report.workbook import Sheet
from kompetens_forecast.store.atomic import write_atomic, write_text_atomic

BOM = "\ufeff"
MARKDOWN_ROWS = 20
# the few columns a reader of tables.md needs per table (the full tables are in xlsx/CSV);
# a table not named here is shown whole
MARKDOWN_COLUMNS: dict[str, list[str]] = {
    "sysselsattning": [
        "ssyk",
        "ssyk_label",
        "employed",
        "share",
        "lq",
        "change_5y_pct_adj",
        "share_women",
        "af_situation",
    ],
    "prognos": ["ssyk", "ssyk_label", "year", "yhat", "yhat_lo", "yhat_hi", "model"],
    "delregioner": ["region_name", "ssyk", "ssyk_label", "employed", "share", "lq"],
    "prognos_delregioner": [
        "region_name",
        "ssyk",
        "ssyk_label",
        "year",
        "yhat",
        "yhat_lo",
        "yhat_hi",
    ],
    "kallor": ["dataset", "source", "title", "table_ids", "retrieved_at"],
}
# forecast tables: only the last forecast year in Markdown (one row per occupation)
MARKDOWN_LAST_YEAR = {"prognos", "prognos_delregioner"}
#: A text cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "@", "\t", "\r", "-")
_NUMBER = re.compile(r"^-\s*\d[\d\s.,]*%?$")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def neutralise(text: str) -> str:
    """A text cell Excel will not run: a leading `'` before `=`, `+`, `@`, tab, CR, or a `-`
    that does not start a number (OWASP's advice for CSV injection)."""
    if not text or not text.startswith(FORMULA_START):
        return text
    if text.startswith("-") and (text == "-" or _NUMBER.match(text)):
        return text  # a dash marker or a negative number written as text
    return "'" + text


def markdown_text(text: str) -> str:
    """`text` shown literally in Markdown and the HTML it becomes: `&`, `<`, `>` as entities,
    Markdown's special characters backslash-escaped, line breaks as spaces."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def _digits(number_format: str) -> int:
    return len(number_format.split(".")[1]) if "." in number_format else 0


def csv_frame(sheet: Sheet) -> pd.DataFrame:
    """The sheet's frame with numbers rounded as displayed (integers without ',0'), yes/no for
    booleans and plain-language headers when the sheet has a language."""
    out = sheet.frame.copy()
    if sheet.lang:
        for column in out.columns:
            known = out[column].dropna()
            if len(known) and all(isinstance(v, bool | np.bool_) for v in known):
                out[column] = [
                    None if v is None or v is pd.NA or v != v else yes_no(bool(v), sheet.lang)
                    for v in out[column]
                ]
    for column, number_format in sheet.formats.items():
        if column not in out.columns or not pd.api.types.is_numeric_dtype(out[column]):
            continue
        digits = _digits(number_format)
        values = pd.to_numeric(out[column], errors="coerce").astype("float64").round(digits)
        out[column] = values.astype("Int64") if digits == 0 else values
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = [neutralise(v) if isinstance(v, str) else v for v in out[column]]
    out.columns = pd.Index([neutralise(str(h)) for h in sheet.headers()])
    return out


def write_csv(sheet: Sheet, path: Path) -> Path:
    text = csv_frame(sheet).to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return write_atomic(path, lambda tmp: tmp.write_text(BOM + text, encoding="utf-8"))


def write_csvs(sheets: Sequence[Sheet], directory: Path, lang: str) -> list[Path]:
    """csv/<slug>.csv per sheet and csv/README.txt with each file's source line."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(s, directory / f"{s.slug}.csv") for s in sheets]
    if lang == "sv":
        head = (
            "Tabeller för svensk Excel: semikolon som avgränsare, decimalkomma, UTF-8 med BOM.\n"
            "\n"
            "Koder med inledande nollor (yrkeskod 0110, regionkod 01, kommunkod 0180): öppnar\n"
            "du filen med dubbelklick gör Excel om dem till tal och nollorna försvinner\n"
            "(0110 → 110).\n"
            "Behåll dem så här: Data → Från text/CSV, välj filen, klicka Transformera data,\n"
            "markera kodkolumnerna och välj datatypen Text. Eller använd tables.xlsx, där\n"
            "koderna redan är text.\n"
            "\n"
            "Källor per fil:\n"
        )
    else:
        head = (
            "Tables for Excel with Swedish settings: semicolon separator, decimal comma, "
            "UTF-8 with BOM.\n"
            "\n"
            "Codes with leading zeros (occupation 0110, region 01, municipality 0180): opened by\n"
            "double-click, Excel turns them into numbers and drops the zeros (0110 → 110).\n"
            "To keep them: Data → From Text/CSV, pick the file, click Transform Data, select the\n"
            "code columns and set their data type to Text. Or use tables.xlsx, where the codes\n"
            "are already text.\n"
            "\n"
            "Sources per file:\n"
        )
    lines = [head] + [f"\n{s.slug}.csv ({s.name}): {s.note}\n" for s in sheets]
    paths.append(write_text_atomic(directory / "README.txt", "".join(lines)))
    return paths


def _cell(value: object, number_format: str | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, bool | np.bool_):
        return yes_no(bool(value), lang)
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        digits = _digits(number_format)
        return fmt_int(float(value), lang) if digits == 0 else fmt_decimal(value, lang, digits)
    return markdown_text(str(value))


def markdown_view(sheet: Sheet) -> Sheet:
    """The part of a sheet shown in tables.md: its key columns, and for a forecast only the
    last year."""
    frame = sheet.frame
    if sheet.slug in MARKDOWN_LAST_YEAR and "year" in frame and len(frame):
        frame = frame[frame["year"] == frame["year"].max()]
    keep = [c for c in MARKDOWN_COLUMNS.get(sheet.slug, list(frame.columns)) if c in frame]
    return replace(sheet, frame=frame.loc[:, keep])


def markdown(sheets: Sequence[Sheet], title: str, lang: str, rows: int = MARKDOWN_ROWS) -> str:
    sv = lang == "sv"
    parts = [f"# {markdown_text(title)}\n"]
    for full in sheets:
        sheet = markdown_view(full)
        frame = sheet.frame
        parts.append(f"\n## {markdown_text(sheet.name)}\n\n")
        columns = list(frame.columns)
        parts.append("| " + " | ".join(markdown_text(str(h)) for h in sheet.headers()) + " |\n")
        aligns = ["---:" if c in sheet.formats else "---" for c in columns]
        parts.append("| " + " | ".join(aligns) + " |\n")
        for record in frame.head(rows).itertuples(index=False):
            cells = [
                _cell(v, sheet.formats.get(c), lang) for c, v in zip(columns, record, strict=True)
            ]
            parts.append("| " + " | ".join(cells) + " |\n")
        if len(frame) > rows or frame.shape[1] < full.frame.shape[1]:
            n_rows, n_cols = min(rows, len(frame)), frame.shape[1]
            all_rows, all_cols = fmt_int(len(full.frame), lang), full.frame.shape[1]
            shown = (
                f"Visar {n_rows} av {all_rows} rader och {n_cols} av {all_cols} kolumner; "
                "hela tabellen i "
                if sv
                else f"Showing {n_rows} of {all_rows} rows and {n_cols} of {all_cols} columns; "
                "the full table is in "
            )
            parts.append(
                f"\n{shown}`csv/{sheet.slug}.csv` {'och' if sv else 'and'} `tables.xlsx`.\n"
            )
        parts.append(f"\n*{markdown_text(sheet.note)}*\n")
    return "".join(parts)


def write_markdown(sheets: Sequence[Sheet], path: Path, title: str, lang: str) -> Path:
    return write_text_atomic(path, markdown(sheets, title, lang))
