"""Kolada: id mapping, parsing, paging, storing through `forecast fetch`, and use in goals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.sources.kolada import (
    fetch_kpi,
    parse_data,
    to_kolada_id,
    to_region_code,
)
from support.kolada_server import KoladaServer

DATA = {
    ("N00914", "0020"): {
        2019: {"T": 79.1, "K": 78.0, "M": 80.2},
        2020: {"T": 78.0},
        2021: {"T": 78.9},
        2022: {"T": 80.3},
        2023: {"T": None},
    },
    ("N00914", "0000"): {2022: {"T": 79.5}},
    ("N00914", "2080"): {2022: {"T": 81.0}},
}


def test_ids_map_both_ways() -> None:
    assert to_region_code("0020") == "20"
    assert to_region_code("0000") == "00"
    assert to_region_code("2080") == "2080"
    assert to_kolada_id("20") == "0020"
    assert to_kolada_id("00") == "0000"
    assert to_kolada_id("0114") == "0114"
    with pytest.raises(InvalidOptionError):
        to_kolada_id("SE31")


def test_parse_keeps_missing_as_missing_with_its_status() -> None:
    doc = {
        "values": [
            {
                "kpi": "N00914",
                "municipality": "0020",
                "period": "2023",
                "values": [{"gender": "T", "status": "Saknas", "value": None, "count": 1}],
            }
        ],
        "count": 1,
    }
    rows, next_page = parse_data(doc, "u")
    assert next_page is None
    assert rows[0]["region_code"] == "20" and rows[0]["sex"] == "1+2"
    assert pd.isna(rows[0]["value"]) and rows[0]["symbol"] == "Saknas"
    with pytest.raises(DataError):
        parse_data({"nope": []}, "u")


def test_client_follows_next_page() -> None:
    with KoladaServer(DATA, per_page=2) as server:
        http = HttpClient(HttpSettings())
        frame, urls = fetch_kpi(http, "N00914", ["00", "20", "2080"], base_url=server.base_url)
    assert len(urls) == 4  # 7 items, 2 per page
    assert set(frame["region_code"]) == {"00", "20", "2080"}
    dalarna = frame[(frame["region_code"] == "20") & (frame["sex"] == "1+2")]
    assert dalarna.set_index("year")["value"].get(2022) == pytest.approx(80.3)
    assert dalarna.set_index("year")["value"].isna().sum() == 1  # 2023 stays missing


GOALS = """
region = "20"
[kolada]
employment_rate = "N00914"

[[goal]]
id = "sysselsattningsgrad"
title = "Sysselsättningsgrad"
indicator = "employment_rate"
baseline_year = 2019
target = 80.0
target_year = 2026

[[goal]]
id = "kolada_direkt"
title = "Samma KPI direkt"
indicator = "kolada:N00914"
baseline_year = 2019
target = 95.0
target_year = 2026
"""


def test_fetch_into_store_then_goals_use_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data_dir = tmp_path / "data"
    config = tmp_path / "goals.toml"
    config.write_text(GOALS, encoding="utf-8")
    before = invoke(
        capsys,
        "--data-dir",
        str(data_dir),
        "goals",
        "--config",
        str(config),
        "--out",
        str(tmp_path / "before"),
    )
    assert before.code == 0, before.err
    assert set(pd.read_parquet(tmp_path / "before" / "goals.parquet")["status"]) == {"no_data"}

    with KoladaServer(DATA) as server:
        monkeypatch.setenv("KF_KOLADA_BASE_URL", server.base_url)
        fetched = invoke(
            capsys,
            "--quiet",
            "--data-dir",
            str(data_dir),
            "fetch",
            "--dataset",
            "kolada",
            "--kpi",
            "N00914",
        )
    assert fetched.code == 0, fetched.err
    assert "kolada\twritten\tN00914" in fetched.out
    status = invoke(capsys, "--data-dir", str(data_dir), "data", "status")
    assert "kolada\tstore\tyes\tkolada" in status.out

    after = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(data_dir),
        "goals",
        "--config",
        str(config),
        "--out",
        str(tmp_path / "after"),
    )
    assert after.code == 0, after.err
    frame = pd.read_parquet(tmp_path / "after" / "goals.parquet")
    rate = frame[frame["goal_id"] == "sysselsattningsgrad"]
    assert rate["value"].dropna().tolist() == pytest.approx([79.1, 78.0, 78.9, 80.3])
    assert set(rate["status"]) == {"on_track"}  # 80.3 in 2022 already meets 80
    direct = frame[frame["goal_id"] == "kolada_direkt"]
    assert set(direct["status"]) == {"off_track"}  # 95 % is far out of reach
    assert "Kolada" in direct["source"].iloc[0] and "N00914" in direct["source"].iloc[0]


def test_fetch_kolada_without_a_kpi_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = invoke(capsys, "--data-dir", str(tmp_path), "fetch", "--dataset", "kolada")
    assert result.code == 2 and "--kpi N00914" in result.err
    bad = invoke(capsys, "--data-dir", str(tmp_path), "fetch", "-d", "kolada", "--kpi", "914")
    assert bad.code == 2 and "Invalid Kolada KPI '914'" in bad.err
    assert not (tmp_path / "store").exists()
