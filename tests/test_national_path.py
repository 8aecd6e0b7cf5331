"""`--national-path FILE`: riket's total follows an external macro path; the composition is
the model's; the path is recorded; bad files are refused with one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.national_path import NationalPath, read_national_path
from kompetens_forecast.analysis.reconcile import total_forecasts
from kompetens_forecast.errors import InvalidOptionError
from kompetens_forecast.jobs.outputs import read_provenance


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "path.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_decimal_comma_and_refuses_bad_files(tmp_path: Path) -> None:
    path = read_national_path(write(tmp_path, "year;growth_pct\n2024;0,5\n2025;-1.25\n"))
    assert path.growth == ((2024, 0.5), (2025, -1.25)) and path.source == "path.csv"
    for text, word in (
        ("year,growth\n2024,1\n", "columns"),
        ("year;growth_pct\n2024;1\n2026;1\n", "consecutive"),
        ("year;growth_pct\n2024;lots\n", "bad row"),
    ):
        with pytest.raises(InvalidOptionError, match=word):
            read_national_path(write(tmp_path, text))
    with pytest.raises(InvalidOptionError, match="not found"):
        read_national_path(tmp_path / "missing.csv")


def test_riket_total_follows_the_path_then_the_models_growth() -> None:
    rows = [
        (region, ssyk, year, value * (1.02 ** (year - 2014)))
        for region, ssyk, value in (("00", "1", 600.0), ("00", "2", 400.0), ("01", "1", 600.0))
        for year in range(2014, 2024)
    ]
    history = pd.DataFrame(rows, columns=["region_code", "ssyk", "year", "value"])
    settings = ForecastSettings(phi=1.0)
    plain = total_forecasts(history, ["00", "01"], 3, settings).set_index(["region_code", "year"])
    path = NationalPath("ki.csv", ((2024, 10.0), (2025, -5.0)))
    with_path = ForecastSettings(phi=1.0, national_path=path)
    out = total_forecasts(history, ["00", "01"], 3, with_path).set_index(["region_code", "year"])
    last = 1000.0 * 1.02**9
    assert out.loc[("00", 2024), "total"] == pytest.approx(last * 1.10)
    assert out.loc[("00", 2025), "total"] == pytest.approx(last * 1.10 * 0.95)
    growth = plain.loc[("00", 2026), "total"] / plain.loc[("00", 2025), "total"]
    assert out.loc[("00", 2026), "total"] == pytest.approx(last * 1.10 * 0.95 * growth)
    assert out.loc["01", "total"].tolist() == plain.loc["01", "total"].tolist()  # counties


def test_cli_forecast_with_a_national_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "year;growth_pct\n2024;3.0\n2025;0\n2026;0\n2027;0\n2028;0\n")
    args = ["--quiet", "forecast", "--region", "all", "--engine", "inline", "--horizon", "2"]
    result = invoke(capsys, *args, "--out", str(tmp_path / "a"), "--national-path", str(path))
    assert result.code == 0, result.err
    fc = pd.read_parquet(tmp_path / "a" / "forecast.parquet")
    riket = fc[fc["region_code"] == "00"].groupby("year")["yhat"].sum()
    counties = fc[fc["region_code"] != "00"].groupby("year")["yhat"].sum()
    assert riket[2025] == pytest.approx(riket[2024], rel=1e-6)  # 0 % growth in 2025
    assert counties[2024] == pytest.approx(riket[2024], rel=1e-6)  # still coherent
    recorded = read_provenance(tmp_path / "a" / "forecast.parquet")["parameters"]
    assert recorded["national_path"]["growth_pct"]["2024"] == 3.0
    bad = invoke(capsys, *args, "--out", str(tmp_path / "b"), "--national-path", "nope.csv")
    assert bad.code == 2 and "not found" in bad.err and not (tmp_path / "b").exists()
