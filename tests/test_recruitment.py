"""Recruitment breadth from occupation × education field (SYNTHETIC numbers made in the test:
no employment_education_ssyk recording exists in ../shared)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.recruitment import recruitment_breadth
from kompetens_forecast.store.datasets import DataContext
from store_helpers import store_synthetic


def _rows(ssyk: str, counts: dict[str, float], year: int = 2023) -> list[dict[str, object]]:
    return [
        {"ssyk": ssyk, "education": edu, "sex": sex, "year": year, "value": value / 2}
        for edu, value in counts.items()
        for sex in ("1", "2")
    ]


def test_breadth_counts_fields_to_80_percent_and_suppresses_small_cells() -> None:
    frame = pd.DataFrame(
        [
            *_rows("2221", {"723": 700.0, "724": 150.0, "345": 100.0, "US": 50.0, "TOT": 1000.0}),
            *_rows("9111", {"010": 30.0, "345": 30.0, "723": 20.0, "214": 20.0}),
            *_rows("2611", {"380": 10.0, "345": 5.0}),  # 15 persons: suppressed
            *_rows("2221", {"723": 1.0}, year=2022),  # older year: ignored
        ]
    )
    out = recruitment_breadth(frame).set_index("ssyk")
    # nurses: 723 holds 70 %, 723+724 85 % ≥ 80 % → 2 fields; the total row is not a field
    assert out.loc["2221", "recruitment_breadth_80"] == 2
    assert out.loc["2221", "top_education"] == "723"
    assert out.loc["2221", "top_education_share"] == pytest.approx(70.0)
    assert out.loc["2221", "education_employed"] == 1000.0  # unknown kept in the denominator
    assert out.loc["9111", "recruitment_breadth_80"] == 3  # 30+30+20 = 80 %
    assert out.loc["2611", "education_suppressed"]
    assert math.isnan(out.loc["2611", "recruitment_breadth_80"])
    assert not out.loc["2221", "education_suppressed"]


def test_levels_are_not_summed_together() -> None:
    frame = pd.DataFrame(
        [
            {"ssyk": "2221", "education": "7", "value": 1000.0},  # coarser SUN level
            {"ssyk": "2221", "education": "723", "value": 900.0},
            {"ssyk": "2221", "education": "724", "value": 100.0},
        ]
    )
    out = recruitment_breadth(frame).set_index("ssyk")
    assert out.loc["2221", "education_employed"] == 1000.0
    assert out.loc["2221", "recruitment_breadth_80"] == 1


def test_indicators_carry_breadth_when_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    frame = pd.DataFrame(
        [*_rows("2221", {"723": 700.0, "724": 300.0}), *_rows("5321", {"723": 50.0, "010": 50.0})]
    )
    store_synthetic(
        DataContext(isolated_data_dir),
        frame,
        "employment_education_ssyk",
        ("ssyk", "education", "sex"),
    )
    result = invoke(capsys, "--quiet", "indicators", "--region", "00", "--out", str(tmp_path))
    assert result.code == 0, result.err
    out = pd.read_parquet(tmp_path / "indicators.parquet").set_index("ssyk")
    assert out.loc["2221", "recruitment_breadth_80"] == 2
    assert out.loc["5321", "recruitment_breadth_80"] == 2
    assert out["recruitment_breadth_80"].notna().sum() == 2  # only the occupations in the table
