"""Tightness (V/U), Beveridge coordinates, mismatch index, and the jobseekers import.

All vacancy and jobseeker numbers here are SYNTHETIC (seeded, made in the test): no AF
jobseeker file is recorded in ../shared.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.tightness import (
    ads_growth,
    county_labour_market,
    jobseekers,
    mismatch_index,
    tightness_cells,
    vacancies,
)
from kompetens_forecast.errors import DataError
from kompetens_forecast.sources.af_jobseekers import read_jobseekers
from kompetens_forecast.store.datasets import DataContext
from store_helpers import store_synthetic


def test_mismatch_index_bounds_and_masked_markets() -> None:
    same = mismatch_index(pd.Series([10.0, 30.0]), pd.Series([100.0, 300.0]), 0.5)
    assert same == pytest.approx(0.0, abs=1e-12)  # spread alike: no mismatch
    apart = mismatch_index(pd.Series([10.0, 0.0]), pd.Series([0.0, 50.0]), 0.5)
    assert apart == pytest.approx(1.0)  # vacancies and jobseekers in different markets
    # M = 1 − Σ √(v_i u_i): shares (0.5, 0.5) vs (0.2, 0.8) → 1 − (√0.1 + √0.4)
    half = mismatch_index(pd.Series([5.0, 5.0]), pd.Series([2.0, 8.0]), 0.5)
    assert half == pytest.approx(1 - (math.sqrt(0.1) + math.sqrt(0.4)))
    masked = mismatch_index(pd.Series([5.0, 5.0, 7.0]), pd.Series([2.0, 8.0, np.nan]), 0.5)
    assert masked == pytest.approx(half)  # the masked market is left out, not counted as 0
    assert math.isnan(mismatch_index(pd.Series([0.0]), pd.Series([3.0]), 0.5))


def test_tightness_cells_keep_masked_counts_missing() -> None:
    employed = pd.DataFrame(
        {"region_code": ["20", "20", "20"], "ssyk": ["2221", "5321", "9111"],
         "n_employed": [1000.0, 2000.0, 50.0]}
    )  # fmt: skip
    ads = pd.DataFrame(
        {"snapshot_date": ["2026-01-01"] * 2 + ["2026-02-01"] * 2,
         "region_code": ["20", "20", "20", "20"], "ssyk": ["2221", "5321", "2221", "5321"],
         "ads": [1, 1, 40, 10], "positions": [np.nan] * 4}
    )  # fmt: skip
    seekers = pd.DataFrame(
        {"period": ["2026-02"] * 2, "region_code": ["20", "20"], "ssyk": ["2221", "9111"],
         "jobseekers": [10.0, np.nan]}
    )  # fmt: skip
    cells = tightness_cells(employed, vacancies(ads), jobseekers(seekers)).set_index("ssyk")
    assert cells.loc["2221", "vacancies"] == 40  # the newest snapshot only
    assert cells.loc["2221", "log_tightness"] == pytest.approx(math.log(40.5 / 10.5))
    assert cells.loc["2221", "vacancy_rate"] == pytest.approx(40 / 1040)
    assert cells.loc["5321", "jobseekers"] == 0  # not listed: none registered
    assert math.isnan(cells.loc["9111", "jobseekers"])  # listed but masked: missing, not 0
    assert math.isnan(cells.loc["9111", "jobseekers_per_employed"])
    riket = vacancies(ads).set_index(["region_code", "ssyk"])["vacancies"]
    assert riket[("00", "2221")] == 40  # riket = the county sum when absent


def test_ads_growth_uses_last_two_full_years() -> None:
    months = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)] + ["2026-01"]
    history = pd.DataFrame(
        {"month": months, "region_code": "2080", "ssyk": "2221",
         "ads": [1] * 12 + [3] * 12 + [6] * 12 + [100]}
    )  # fmt: skip
    growth = ads_growth(history).set_index(["region_code", "ssyk"])["ads_growth"]
    # 2026 is not full: 2025 (72 ads) against 2024 (36), kommun summed to its county 20
    assert growth[("20", "2221")] == pytest.approx(math.log(72.5 / 36.5))
    assert growth[("00", "2221")] == pytest.approx(math.log(72.5 / 36.5))


def test_beveridge_and_mismatch_per_region() -> None:
    cells = pd.DataFrame(
        {"region_code": ["00", "00", "20", "20", "01", "01"],
         "ssyk": ["1", "2", "1", "2", "1", "2"],
         "n_employed": [900.0, 900.0, 100.0, 100.0, 800.0, 800.0],
         "vacancies": [60.0, 40.0, 10.0, 0.0, 50.0, 40.0],
         "jobseekers": [40.0, 60.0, 0.0, 20.0, 40.0, 40.0]}
    )  # fmt: skip
    market = county_labour_market(cells).set_index("region_code")
    assert market.loc["20", "u_rate"] == pytest.approx(20 / 220)
    assert market.loc["20", "v_rate"] == pytest.approx(10 / 210)
    assert market.loc["20", "mismatch_occupations_a0.5"] == pytest.approx(1.0)
    assert market.loc["01", "tightness"] == pytest.approx(90 / 80)
    assert not math.isnan(market.loc["00", "mismatch_counties_a0.5"])
    assert math.isnan(market.loc["20", "mismatch_counties_a0.5"])


def test_read_jobseekers_keeps_codes_and_masks(tmp_path: Path) -> None:
    path = tmp_path / "js.csv"
    path.write_text(
        "\ufeffPeriod;Region_code;SSYK;Jobseekers\n2026-02;01;0110;12\n2026-02;20;2221;..\n",
        encoding="utf-8",
    )
    frame = read_jobseekers(path)
    assert list(frame["region_code"]) == ["01", "20"] and list(frame["ssyk"]) == ["0110", "2221"]
    assert frame["jobseekers"].iloc[0] == 12 and math.isnan(frame["jobseekers"].iloc[1])
    assert frame["symbol"].iloc[1] == ".."
    bad = tmp_path / "bad.csv"
    bad.write_text("period,region_code,ssyk,jobseekers\n2026-02,1,2221,4\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: invalid region_code '1'"):
        read_jobseekers(bad)
    negative = tmp_path / "neg.csv"
    negative.write_text("period,region_code,ssyk,jobseekers\n2026-02,01,2221,-4\n", "utf-8")
    with pytest.raises(DataError, match="invalid jobseekers '-4'"):
        read_jobseekers(negative)


def _synthetic_af_files(tmp_path: Path, data_dir: Path) -> Path:
    """SYNTHETIC ads (into the store) and a SYNTHETIC jobseekers CSV, per county × SSYK-4,
    proportional to real employment with seeded noise."""
    ctx = DataContext(data_dir)
    employment = ctx.load("employment_county_ssyk4").frame
    latest = employment[employment["year"] == employment["year"].max()]
    cells = latest.groupby(["region_code", "ssyk"])["value"].sum()
    cells = cells[cells.index.get_level_values("region_code") != "00"]
    rng = np.random.default_rng(11)
    ads = pd.DataFrame(
        {"snapshot_date": "2026-02-01",
         "region_code": cells.index.get_level_values("region_code"),
         "ssyk": cells.index.get_level_values("ssyk"),
         "ads": np.round(cells.to_numpy() * rng.uniform(0.002, 0.04, len(cells))).astype("int64"),
         "positions": np.nan}
    )  # fmt: skip
    store_synthetic(ctx, ads, "job_ads", ("snapshot_date", "region_code", "ssyk"))
    seekers = pd.DataFrame(
        {"period": "2026-02",
         "region_code": cells.index.get_level_values("region_code"),
         "ssyk": cells.index.get_level_values("ssyk"),
         "jobseekers": np.round(cells.to_numpy() * rng.uniform(0.005, 0.08, len(cells)))}
    )  # fmt: skip
    path = tmp_path / "jobseekers_synthetic.csv"
    seekers.astype({"jobseekers": "int64"}).to_csv(path, index=False, sep=";")
    return path


def test_fetched_ads_and_jobseekers_reach_indicators_and_shortage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    csv_path = _synthetic_af_files(tmp_path, isolated_data_dir)
    fetched = invoke(capsys, "fetch", "--dataset", "jobseekers", "--file", str(csv_path))
    assert fetched.code == 0, fetched.err
    assert (
        DataContext(isolated_data_dir).load("jobseekers").frame["region_code"].str.len().eq(2).all()
    )

    out = tmp_path / "ind"
    result = invoke(capsys, "--quiet", "indicators", "--region", "all", "--out", str(out))
    assert result.code == 0, result.err
    assert str(out / "labour_market.parquet") in result.out
    frame = pd.read_parquet(out / "indicators.parquet")
    for column in ("vacancies", "jobseekers", "log_tightness", "vacancy_rate"):
        assert frame[column].notna().any(), column
    market = pd.read_parquet(out / "labour_market.parquet").set_index("region_code")
    assert len(market) == 22 and market["u_rate"].between(0, 1).all()
    assert 0 < market.loc["00", "mismatch_counties_a0.5"] < 1

    shortage_dir = tmp_path / "shortage"
    result = invoke(
        capsys, "shortage", "--region", "00", "--out", str(shortage_dir), "--no-candidates"
    )
    assert result.code == 0, result.err
    report = json.loads((shortage_dir / "shortage_report.json").read_text(encoding="utf-8"))
    for name in ("ads_per_employed", "log_tightness", "jobseekers_per_employed"):
        assert name in report["indicators_used"]
        assert name in report["weights"]
    assert report["indicators_missing"] == []  # pay, age and ads signals come with the demo
    sources = {d["dataset"] for d in report["datasets"]}
    assert {"job_ads", "jobseekers"} <= sources


def test_jobseekers_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, "fetch", "--dataset", "jobseekers")
    assert result.code != 0
    assert "--file" in result.err and len(result.err.strip().splitlines()) <= 2


def test_kommun_vacancies_are_summed_within_ssyk3() -> None:
    ads = pd.DataFrame(
        {"snapshot_date": "2026-02-01",
         "region_code": ["2080", "2080", "2080", "2081", "20"],
         "ssyk": ["2221", "2222", "0002", "2221", "2221"],
         "ads": [3, 4, 9, 5, 100], "positions": np.nan}
    )  # fmt: skip
    kommun = vacancies(ads, "kommun").set_index(["region_code", "ssyk"])["vacancies"]
    assert kommun[("2080", "222")] == 7  # 2221 + 2222, the unknown 0002 left out
    assert kommun[("2081", "222")] == 5
    assert set(kommun.index.get_level_values("region_code")) == {"2080", "2081"}
    county = vacancies(ads).set_index(["region_code", "ssyk"])["vacancies"]
    assert county[("20", "2221")] == 100  # the county row, not the kommun sum


def test_municipal_indicators_get_tightness_at_ssyk3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    ctx = DataContext(isolated_data_dir)
    ads = pd.DataFrame(  # SYNTHETIC
        {"snapshot_date": "2026-02-01", "region_code": ["2080", "2080", "2080"],
         "ssyk": ["2221", "2222", "5321"], "ads": [6, 2, 11], "positions": np.nan}
    )  # fmt: skip
    store_synthetic(ctx, ads, "job_ads", ("snapshot_date", "region_code", "ssyk"))
    result = invoke(capsys, "--quiet", "indicators", "--region", "2080", "--out", str(tmp_path))
    assert result.code == 0, result.err
    frame = pd.read_parquet(tmp_path / "indicators.parquet").set_index("ssyk")
    assert frame.loc["222", "vacancies"] == 8 and frame.loc["532", "vacancies"] == 11
    assert frame.loc["222", "vacancy_rate"] == pytest.approx(8 / (8 + frame.loc["222", "employed"]))
    assert (frame.drop(index=["222", "532"])["vacancies"] == 0).all()  # no ads listed
