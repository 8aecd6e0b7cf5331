from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast import __version__


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, "--version")
    assert result.code == 0 and __version__ in result.out


def test_regions_search_is_accent_and_case_tolerant(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, "regions", "--search", "MALMO")
    assert result.code == 0
    assert "1280\tMalmö\tkommun\t12" in result.out.splitlines()


def test_occupations_search_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    sv = invoke(capsys, "occupations", "--search", "grundskollärare")
    en = invoke(capsys, "--lang", "en", "occupations", "--search", "2341")
    assert "2341\t4\tGrundskollärare" in sv.out
    assert en.out.startswith("2341\t4\t") and "Grundskollärare" not in en.out


def test_unknown_occupation_level_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, "occupations", "--level", "7")
    assert result.code == 2 and "level 7" in result.err


def test_data_status_lists_demo_datasets_and_marks_synthetic(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    result = invoke(capsys, "data", "status")
    assert result.code == 0
    rows = [line.split("\t") for line in result.out.splitlines() if not line.startswith("#")]
    header, body = rows[0], rows[1:]
    table = {r[header.index("dataset")]: dict(zip(header, r, strict=True)) for r in body}
    assert {"employment_county_ssyk4", "employment_kommun_ssyk3", "yrkesbarometer"} <= set(table)
    assert table["employment_kommun_ssyk3"]["synthetic"] == "SYNTHETIC"
    assert table["employment_county_ssyk4"]["origin"] == "demo"
    assert str(isolated_data_dir) in result.out


def test_forecast_all_covers_riket_and_every_county(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke(
        capsys, "--quiet", "forecast", "--region", "all", "--horizon", "2", "--out", str(tmp_path)
    )
    assert result.code == 0, result.err
    assert result.out.strip() == str(tmp_path / "forecast.parquet")
    fc = pd.read_parquet(tmp_path / "forecast.parquet")
    assert len(set(fc["region_code"])) == 22 and "00" in set(fc["region_code"])
    assert sorted(fc["year"].unique()) == [2024, 2025]
    assert fc["ssyk"].str.len().eq(4).all()
    # riket is not the sum of county forecasts (independent models), but close to it
    riket = fc[fc["region_code"] == "00"]["yhat"].sum()
    counties = fc[fc["region_code"] != "00"]["yhat"].sum()
    assert abs(riket / counties - 1) < 0.05


def test_forecast_for_a_group_of_counties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke(capsys, "--quiet", "forecast", "--region", "SE31", "--out", str(tmp_path))
    assert result.code == 0, result.err
    fc = pd.read_parquet(tmp_path / "forecast.parquet")
    assert set(fc["region_code"]) == {"SE31"}
