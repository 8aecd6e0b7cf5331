"""Outlook classes: shortage status × demand relative to riket's median openings rate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.outlook import load_outlook_settings, outlook_classes
from kompetens_forecast.jobs.outputs import read_provenance


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    # riket occupations grow 0, 5 and 10 % over five years: median 5 %
    cells = [
        ("00", "1111", "balans", 100.0, 100.0),
        ("00", "2222", "brist", 100.0, 105.0),
        ("00", "3333", "överskott", 100.0, 110.0),
        ("01", "1111", "brist", 50.0, 60.0),  # 20 % > 5 + 3: rising
        ("01", "2222", "brist", 50.0, 51.0),  # 2 %: within 5 ± 3, steady
        ("01", "3333", "överskott", 50.0, 45.0),  # −10 %: falling
        ("01", "4444", "paradox", 50.0, 80.0),
    ]
    shortage = pd.DataFrame(
        [{"region_code": r, "ssyk": s, "status": st, "n_employed": e} for r, s, st, e, _ in cells]
    )
    forecast = pd.DataFrame(
        [
            {"region_code": r, "ssyk": s, "year": 2028, "horizon": 5, "yhat": f}
            for r, s, _, _, f in cells
        ]
    )
    return forecast, shortage


def test_classes_follow_status_and_demand() -> None:
    forecast, shortage = frames()
    out = outlook_classes(forecast, shortage, load_outlook_settings()).set_index(
        ["region_code", "ssyk"]
    )
    assert out.loc[("00", "1111"), "median_rate_riket"] == pytest.approx(5.0)
    assert out.loc[("01", "1111"), "outlook"] == "ökande brist"
    assert out.loc[("01", "2222"), "outlook"] == "fortsatt brist"
    assert out.loc[("01", "3333"), "outlook"] == "ökande överskott"
    assert out.loc[("01", "4444"), "outlook"] == "paradox"
    assert out.loc[("00", "1111"), "demand"] == "falling"  # 0 % < 5 − 3
    assert out.loc[("00", "1111"), "outlook"] == "minskande efterfrågan"
    assert not out["replacement_included"].any()


def test_replacement_demand_raises_the_openings() -> None:
    forecast, shortage = frames()
    exits = pd.DataFrame({"region_code": ["01"], "ssyk": ["2222"], "exits_5y": [10.0]})
    out = outlook_classes(forecast, shortage, load_outlook_settings(), exits)
    row = out[(out["region_code"] == "01") & (out["ssyk"] == "2222")].iloc[0]
    assert row["openings"] == pytest.approx(11.0) and row["openings_rate"] == pytest.approx(22.0)
    assert row["outlook"] == "ökande brist" and out["replacement_included"].all()


def test_cli_outlook_for_riket(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = invoke(capsys, "outlook", "--region", "00", "--out", str(tmp_path / "o"))
    assert result.code == 0, result.err
    frame = pd.read_parquet(tmp_path / "o" / "outlook.parquet")
    assert set(frame["region_code"]) == {"00"} and frame["ssyk"].str.fullmatch(r"\d{4}").all()
    assert frame["forecast_year"].eq(2028).all()
    assert frame["outlook"].isin(["fortsatt brist", "fortsatt balans", "ökande brist"]).any()
    # the demo's SSYK-4 age structure gives the replacement need (riket's exit rates)
    assert "expansion demand only" not in result.err
    assert frame["replacement_included"].all() and (frame["replacement"] > 0).mean() > 0.9
    provenance = read_provenance(tmp_path / "o" / "outlook.parquet")
    assert "employment_age_ssyk4" in provenance["parameters"]["replacement_source"]
    bad = invoke(capsys, "outlook", "--region", "2080", "--out", str(tmp_path / "x"))
    assert bad.code == 2 and not (tmp_path / "x").exists()
