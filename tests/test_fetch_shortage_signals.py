"""Fetching the new SCB tables (pay, age structure) from the local PxWebApi 2 server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from support.pxweb_server import PxWebServer, ServerConfig
from support.scb_pay_tables import age_table, pay_table, region_table

OCCUPATIONS = ["0000", "2221", "5223", "4420"]


@pytest.fixture(scope="module")
def tables() -> list:  # type: ignore[type-arg]
    return [
        pay_table("TAB9101", OCCUPATIONS, new=False),
        pay_table("TAB9102", OCCUPATIONS, new=True),
        region_table("TAB9103", OCCUPATIONS),
        age_table("TAB9104", ["2221", "5223"]),
    ]


@pytest.fixture
def server(tables: list) -> Iterator[PxWebServer]:  # type: ignore[type-arg]
    with PxWebServer(
        tables=tables, config=ServerConfig(max_cells=20_000, max_calls=30, time_window=10.0)
    ) as running:
        yield running


def _fetch_and_export(
    capsys: pytest.CaptureFixture[str], data_dir: Path, dataset: str, out: Path
) -> pd.DataFrame:
    fetched = invoke(capsys, "--quiet", "--data-dir", str(data_dir), "fetch", "--dataset", dataset)
    assert fetched.code == 0, fetched.err
    assert f"{dataset}\twritten" in fetched.out
    exported = invoke(
        capsys,
        "--data-dir",
        str(data_dir),
        "data",
        "export",
        "--dataset",
        dataset,
        "--out",
        str(out),
    )
    assert exported.code == 0, exported.err
    return pd.read_csv(out, dtype={"region_code": str, "ssyk": str, "sector": str, "sex": str})


def test_wages_fetched_in_the_demo_layout(
    server: PxWebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    frame = _fetch_and_export(capsys, tmp_path / "data", "wages_ssyk4", tmp_path / "w.csv")
    nurses = frame[
        (frame["region_code"] == "00")
        & (frame["ssyk"] == "2221")
        & (frame["sector"] == "0")
        & (frame["sex"] == "1+2")
        & (frame["year"] == 2025)
    ].set_index("measure")["value"]
    assert nurses["mean"] == 44_000 and nurses["median"] == 42_900
    assert set(nurses.index) == {"mean", "median", "p10", "p25", "p75", "p90"}
    # riket from the percentile tables, 2018–2025 stitched; the riksområden beside them
    riket = frame[(frame["region_code"] == "00") & (frame["measure"] == "median")]
    assert set(riket["year"]) == set(range(2018, 2026))
    groups = {f"SE{c}" for c in ("11", "12", "21", "22", "23", "31", "32", "33")}
    assert set(frame["region_code"]) == {"00", *groups}
    # only pay is kept: the region table's headcount is left out
    assert set(frame["measure"]) == {"mean", "median", "p10", "p25", "p75", "p90"}
    assert frame["value"].dropna().min() > 5_000
    # a suppressed cell stays missing with its marker (never 0)
    missing = frame[frame["value"].isna()]
    assert len(missing) > 0 and set(missing["symbol"]) == {".."}
    # the demo's columns, in its order
    demo = invoke(
        capsys, "data", "export", "--dataset", "wages_ssyk4", "--out", str(tmp_path / "d.csv")
    )
    assert demo.code == 0
    demo_columns = list(pd.read_csv(tmp_path / "d.csv", nrows=1).columns)
    fetched_columns = [c for c in frame.columns if not c.endswith("_label")]
    assert fetched_columns[:8] == demo_columns[:8]


def test_age_structure_fetched_for_riket(
    server: PxWebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    frame = _fetch_and_export(capsys, tmp_path / "data", "employment_age_ssyk4", tmp_path / "a.csv")
    assert set(frame["region_code"]) == {"00"}
    dims = [c for c in frame.columns if not c.endswith("_label")]
    assert dims[:4] == ["region_code", "ssyk", "age", "sex"]
    assert set(frame["ssyk"]) == {"2221", "5223"} and "65-69" in set(frame["age"])
    raw = pd.read_parquet(
        Path(__file__).resolve().parent.parent
        / "data/raw/data/scb/scb_yreg51_riket_ssyk4_age_sex_2014_2023.parquet"
    )
    expected = raw[(raw["code_4"] == "2221") & (raw["year"] == 2023)]["value"].sum()
    got = frame[(frame["ssyk"] == "2221") & (frame["year"] == 2023)]["value"].sum()
    assert got == expected


def test_data_status_lists_the_new_demo_datasets_with_licences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = invoke(capsys, "data", "status")
    assert result.code == 0
    lines = result.out.splitlines()
    header = lines[1].split("\t")
    assert header[-1] == "licence"
    rows = {
        line.split("\t")[0]: dict(zip(header, line.split("\t"), strict=True)) for line in lines[2:]
    }
    for name in ("wages_ssyk4", "employment_age_ssyk4", "job_ads_history"):
        assert rows[name]["origin"] == "demo" and rows[name]["in_use"] == "yes"
        assert rows[name]["licence"]
    assert "CC BY 4.0" in rows["job_ads_history"]["licence"]
    assert "Lodefalk" in rows["job_ads_history"]["licence"]
