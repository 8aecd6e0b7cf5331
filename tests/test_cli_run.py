"""`forecast run` end to end on the embedded demo data (the output contract in README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.jobs.outputs import read_provenance

CONTRACT_COLUMNS = ["region_code", "ssyk", "year", "yhat", "yhat_lo", "yhat_hi", "model"]


def test_county_run_writes_the_contracted_files(county_run: tuple[Path, str, str]) -> None:
    out, stdout, _ = county_run
    for name in ("forecast.parquet", "indicators.parquet", "manifest.json", "tables.xlsx"):
        assert (out / name).is_file(), name
        assert str(out / name) in stdout  # paths are printed on stdout
    pngs, svgs = list((out / "charts").glob("*.png")), list((out / "charts").glob("*.svg"))
    assert len(pngs) >= 3 and len(svgs) >= 3
    assert all(p.stat().st_size > 20_000 for p in pngs)  # not blank
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_forecast_parquet_contract(county_run: tuple[Path, str, str]) -> None:
    fc = pd.read_parquet(county_run[0] / "forecast.parquet")
    assert list(fc.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert set(fc["region_code"]) == {"20"}
    assert fc["ssyk"].str.fullmatch(r"\d{4}").all()
    assert sorted(fc["year"].unique()) == [2024, 2025, 2026, 2027, 2028]
    assert str(fc["year"].dtype) == "int64" and fc["yhat"].dtype == "float64"
    assert not fc.duplicated(["region_code", "ssyk", "year"]).any()
    assert (fc["yhat_lo"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["yhat_hi"]).all()
    assert set(fc["model"]) <= {"damped_trend", "naive", "share"}
    assert not fc["synthetic"].any()
    assert fc["ssyk"].nunique() > 400


def test_indicators_cover_county_and_its_municipalities(county_run: tuple[Path, str, str]) -> None:
    ind = pd.read_parquet(county_run[0] / "indicators.parquet")
    county = ind[ind["region_code"] == "20"]
    assert county["share"].sum() == pytest.approx(100.0)
    assert not county["synthetic"].any()
    kommuner = ind[ind["level"] == "kommun"]
    assert set(kommuner["region_code"]) == {
        "2021",
        "2023",
        "2026",
        "2029",
        "2031",
        "2034",
        "2039",
        "2061",
        "2062",
        "2080",
        "2081",
        "2082",
        "2083",
        "2084",
        "2085",
    }
    assert kommuner["synthetic"].all() and (kommuner["ssyk_level"] == 3).all()
    assert county.set_index("ssyk").loc["2341", "ssyk_label"] == "Grundskollärare"


def test_manifest_and_parquet_carry_provenance(county_run: tuple[Path, str, str]) -> None:
    out = county_run[0]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"] == {"code": "20", "name": "Dalarnas län", "level": "lan"}
    assert manifest["synthetic"] is True and manifest["synthetic_datasets"] == [
        "employment_kommun_ssyk3"
    ]
    sources = {d["dataset"]: d for d in manifest["datasets"]}
    assert sources["employment_county_ssyk4"]["synthetic"] is False
    assert "AM0208M/YREG60BAS" in sources["employment_county_ssyk4"]["table_ids"]
    assert {b["year"] for b in manifest["series_breaks"]} == {2020, 2023}
    assert manifest["tool_version"]
    provenance = read_provenance(out / "forecast.parquet")
    assert provenance["parameters"]["horizon"] == 5 and provenance["datasets"]


def test_workbook_holds_numbers_and_sources(county_workbook: Any) -> None:
    book = county_workbook
    assert {"Sysselsättning", "Prognos", "Källor"} <= set(book.sheetnames)
    rows = list(book["Sysselsättning"].iter_rows(min_row=1, max_row=3, values_only=True))
    header = list(rows[0])
    employed = rows[1][header.index("Anställda")]
    assert isinstance(employed, float | int) and employed > 1000
    cell = book["Sysselsättning"].cell(row=2, column=header.index("Anställda") + 1)
    assert cell.number_format == "#,##0"  # Excel shows "4 866" in a Swedish locale


def test_municipal_run_is_labelled_synthetic(municipal_run_en: tuple[Path, str, str]) -> None:
    out, stdout, stderr = municipal_run_en
    assert "SYNTHETIC DATA" in stdout and "Synthetic" in stderr
    fc = pd.read_parquet(out / "forecast.parquet")
    assert set(fc["region_code"]) == {"2080"} and fc["synthetic"].all()
    assert fc["ssyk"].str.fullmatch(r"\d{3}").all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--region", "99"], "'99'"),
        (["run", "--region", "Dalarana"], "Dalarna"),
        (["run", "--region", "20", "--horizon", "0"], "horizon 0"),
        (["--lang", "fi", "run", "--region", "20"], "'fi'"),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    out = tmp_path / "never"
    result = invoke(capsys, *args, "--out", str(out))
    assert result.code == 2
    lines = result.messages
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.err
    assert not out.exists() and list(tmp_path.iterdir()) == []
