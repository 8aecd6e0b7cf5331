"""The shared file readers and row errors that several layers use (resources, errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kompetens_forecast.errors import DataError, csv_row_error
from kompetens_forecast.resources import read_csv_rows, read_toml


def test_read_toml_names_what_could_not_be_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[groups\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^Cannot read region groups file .*bad\.toml: "):
        read_toml(bad, "region groups file")
    with pytest.raises(DataError, match=r"^Cannot read catalog .*missing\.toml: "):
        read_toml(tmp_path / "missing.toml", "catalog")
    good = tmp_path / "good.toml"
    good.write_text('[groups.SE31]\nname = "Norra"\n', encoding="utf-8")
    assert read_toml(good, "x") == {"groups": {"SE31": {"name": "Norra"}}}


def test_read_csv_rows_keeps_leading_zeros_and_drops_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_bytes("\ufeffcode,name\n01,Stockholm\n0114,Upplands Väsby\n".encode())
    assert read_csv_rows(path) == [
        {"code": "01", "name": "Stockholm"},
        {"code": "0114", "name": "Upplands Väsby"},
    ]
    with pytest.raises(DataError, match=r"^Cannot read code list .*none\.csv: "):
        read_csv_rows(tmp_path / "none.csv")


def test_csv_row_error_counts_the_header_and_starts_at_line_one() -> None:
    error = csv_row_error("x.csv", 0, "invalid year 'abc'.", "Expected a year.")
    assert error.message == "x.csv line 2: invalid year 'abc'."
    assert error.hint == "Expected a year."
    assert csv_row_error("x.csv", 9, "bad.").message == "x.csv line 11: bad."
