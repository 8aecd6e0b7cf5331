"""The Excel workbook: one sheet per table, real numbers with number formats, a source row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from kompetens_forecast.report.columns import column_labels
from kompetens_forecast.store.atomic import write_atomic


@dataclass(frozen=True)
class Sheet:
    name: str  # ≤ 31 characters (Excel's limit)
    frame: pd.DataFrame
    formats: dict[str, str]  # column → Excel number format ("#,##0": Excel shows "12 345" in sv)
    note: str  # source / caption line written under the table
    slug: str = ""  # file name stem of the table's CSV (csv/<slug>.csv)
    lang: str = ""  # headers in this language (report.columns); "" keeps machine names

    def headers(self) -> list[str]:
        if not self.lang:
            return [str(c) for c in self.frame.columns]
        return column_labels(self.frame.columns, self.lang)


def _write(path: Path, sheets: Sequence[Sheet]) -> None:
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
    header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    note_format = book.add_format({"italic": True, "font_color": "#444444"})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name[:31])
        frame = sheet.frame
        for col, (name, label) in enumerate(zip(frame.columns, sheet.headers(), strict=True)):
            ws.write_string(0, col, label, header)
            if label != name:  # the Parquet column behind the header, for tracing
                ws.write_comment(0, col, str(name))
            number_format = (
                book.add_format({"num_format": sheet.formats[name]})
                if name in sheet.formats
                else None
            )
            values = frame[name].tolist()
            width = max([min(len(label), 24)] + [len(str(v)) for v in values[:200]]) + 2
            ws.set_column(col, col, min(max(width, 8), 60), number_format)
            for row, value in enumerate(values, start=1):
                if value is None or (isinstance(value, float) and value != value):
                    ws.write_blank(row, col, None)  # missing stays empty, never 0
                elif isinstance(value, bool):
                    ws.write_boolean(row, col, value)
                elif isinstance(value, int | float):
                    ws.write_number(row, col, float(value))
                else:
                    ws.write_string(row, col, str(value))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
        ws.write_string(len(frame) + 2, 0, sheet.note, note_format)
    book.close()


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    return write_atomic(path, lambda tmp: _write(tmp, sheets))
