from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.indicators import add_composition, share_women


def test_indicators_for_all_regions_on_the_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke(capsys, "--quiet", "indicators", "--region", "all", "--out", str(tmp_path))
    assert result.code == 0, result.err
    frame = pd.read_parquet(tmp_path / "indicators.parquet")
    assert (
        sorted(frame["region_code"].unique())[:3] == ["00", "01", "03"]
        and frame["region_code"].nunique() == 22
    )
    assert frame["ssyk"].str.fullmatch(r"\d{4}").all()
    riket = frame[frame["region_code"] == "00"].set_index("ssyk")
    assert riket["lq"].dropna().round(9).eq(1.0).all()  # riket against itself
    assert 80 < riket.loc["5321", "share_women"] < 95  # undersköterskor: mostly women
    assert riket.loc["2341", "skill_level"] == "4" and riket.loc["9111", "skill_level"] == "1"
    assert (riket["af_situation"].notna()).sum() > 90  # AF's national labels beside occupations
    hhi = frame.groupby("region_code")["hhi_occupations"].first()
    assert hhi.between(0, 10_000).all() and hhi["00"] < hhi["09"]  # Gotland more concentrated


def test_composition_math_on_a_toy_frame() -> None:
    by_sex = pd.DataFrame(
        {"region_code": ["20"] * 4, "ssyk": ["2341", "2341", "9111", "9111"],
         "sex": ["1", "2", "1", "2"], "year": [2023] * 4, "value": [25.0, 75.0, 0.0, 0.0]}
    )  # fmt: skip
    women = share_women(by_sex, 2023).set_index("ssyk")["share_women"]
    assert women["2341"] == 75.0 and pd.isna(women["9111"])  # no employees: no share, not 0
    ind = pd.DataFrame(
        {"region_code": ["20", "20"], "ssyk": ["2341", "9111"], "share": [60.0, 40.0]}
    )
    out = add_composition(ind, share_women(by_sex, 2023))
    assert out["hhi_occupations"].iloc[0] == 60.0**2 + 40.0**2


def test_unknown_region_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, "indicators", "--region", "Dalarana", "--out", str(tmp_path / "x"))
    assert result.code == 2 and not (tmp_path / "x").exists()


def test_shortage_command_writes_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke(capsys, "shortage", "--region", "20", "--out", str(tmp_path), "--no-candidates")
    assert result.code == 0, result.err
    assert "cross_validation\tgrouping=barometer occupation" in result.out
    assert "\nsingle:pay_relative\t" in result.out  # each single-signal baseline beside it
    frame = pd.read_parquet(tmp_path / "shortage.parquet")
    assert list(frame.columns[:6]) == [
        "region_code",
        "ssyk",
        "score",
        "status",
        "source",
        "n_employed",
    ]
    assert set(frame["region_code"]) == {"20"} and frame["ssyk"].nunique() == len(frame)
    assert set(frame["status"]) <= {"brist", "balans", "överskott", "paradox", "ingen bedömning"}
    assert {"confidence", "drivers"} <= set(frame.columns)
    assert set(frame["source"]) <= {"af", "model"}
    assert any(c.startswith("ind_") for c in frame.columns)
