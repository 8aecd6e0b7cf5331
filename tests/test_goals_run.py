"""`forecast run --goals FILE`: a Mål sheet in tables.xlsx, the goals chart, and the fact
sheet's "Måluppfyllelse" section (one full county run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli_helpers import invoke

GOALS = """
region = "01"   # replaced by the run's region

[[goal]]
id = "egen"
title = "Egen serie i Dalarna"
indicator = "csv:egen.csv"
baseline_year = 2018
target = 10
target_year = 2026
direction = "lower"
"""


def test_run_with_goals_adds_sheet_chart_and_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "egen.csv").write_text(
        "region_code;year;value\n20;2018;30\n20;2019;29\n20;2020;29\n20;2021;30\n", "utf-8"
    )
    config = tmp_path / "goals.toml"
    config.write_text(GOALS, encoding="utf-8")
    out = tmp_path / "r20"
    result = invoke(
        capsys, "--quiet", "run", "--region", "20", "--goals", str(config), "--out", str(out)
    )
    assert result.code == 0, result.err
    sheet = load_workbook(out / "tables.xlsx")["Mål"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=False))
    assert first["Regionkod"] == "20" and first["Status"] == "ej i fas"  # 30 → 10 is far off
    assert (out / "csv" / "mal.csv").is_file()
    assert (out / "charts" / "13_mal.png").is_file()
    html = (out / "faktablad.html").read_text("utf-8")
    assert "Måluppfyllelse" in html and "0 av 1 mål i fas" in html
    assert "Egen serie i Dalarna: ej i fas" in html and 'id="13_mal"' in html
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["parameters"]["goals_config"] == str(config)
    assert "charts/13_mal.svg" in manifest["outputs"]


def test_run_refuses_a_bad_goals_config_before_computing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "goals.toml"
    config.write_text(GOALS.replace('"csv:egen.csv"', '"employd"'), encoding="utf-8")
    out = tmp_path / "r20"
    result = invoke(capsys, "run", "--region", "20", "--goals", str(config), "--out", str(out))
    assert result.code == 2 and "Did you mean: employed" in result.err
    assert not out.exists()
