"""Plain-language column headers for the tables people read (workbook, CSV, Markdown).

The Parquet files keep the machine names of README's output contract; a table for a report
gets these headers instead (the workbook keeps the machine name as a comment on each header
cell, so a figure can be traced to its Parquet column). Unknown columns keep their name. The
headers and code values are in the translation catalogue (keys `column.*`, `value.*`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kompetens_forecast.languages import catalogue, has_text, translate

# column → its group of code values in the catalogue (keys `value.<group>.<code>`): what a
# reader sees instead of the code. Parquet files keep the codes of README's contract. A code
# missing from the catalogue shows as the code, and the report test that scans every sheet
# fails, so a new code is translated when it is added.
CODED_COLUMNS: dict[str, str] = {
    "level": "level",
    "model": "model",
    "interval_method": "interval_method",
    "af_level": "af_level",
    "af_situation": "status",
    "af_status": "status",
    "model_status": "status",
    "status": "status",
    "af_prognos": "af_prognos",
    "kind": "kind",
    "source": "source",
    "age_basis": "age_basis",
    "ads_basis": "ads_basis",
    "origin": "origin",
}


def column_label(name: str, lang: str) -> str:
    """The reader's header for column `name` in `lang`; an unknown column keeps its name."""
    key = f"column.{name}"
    return translate(key, lang) if has_text(key) else name


def column_labels(names: Iterable[object], lang: str) -> list[str]:
    return [column_label(str(n), lang) for n in names]


def yes_no(value: bool, lang: str) -> str:
    """'ja'/'nej' or 'yes'/'no'."""
    return translate("word.yes" if value else "word.no", lang)


def value_codes(column: str) -> list[str]:
    """The code values of a coded column that the catalogue translates (none for others)."""
    group = CODED_COLUMNS.get(column)
    prefix = f"value.{group}."
    return [k.removeprefix(prefix) for k in catalogue("sv") if group and k.startswith(prefix)]


def value_label(column: str, value: object, lang: str) -> object:
    """A code value as the reader should see it ("lan" → "län"/"county"); other values as
    they are."""
    group = CODED_COLUMNS.get(column)
    key = f"value.{group}.{value}"
    return translate(key, lang) if group and isinstance(value, str) and has_text(key) else value


def translate_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`frame` with every coded column's values in `lang` (`CODED_COLUMNS`); codes in other columns,
    numbers and missing values untouched."""
    out = frame.copy()
    for column in out.columns:
        if column in CODED_COLUMNS and out[column].dtype == object:
            labels = [value_label(str(column), v, lang) for v in out[column]]
            out[column] = pd.Series(labels, index=out.index, dtype=object)
    return out
