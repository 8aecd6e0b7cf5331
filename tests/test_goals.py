"""Goals: config validation, the status rules, and `forecast goals` end to end on the demo."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.goals.config import (
    GoalsConfigError,
    GoalSpec,
    StatusRules,
    load_goals_config,
)
from kompetens_forecast.goals.evaluate import COLUMNS
from kompetens_forecast.goals.indicators import IndicatorResolver, read_csv_indicator
from kompetens_forecast.goals.status import assess, expected_value
from kompetens_forecast.store.datasets import DataContext

RULES = StatusRules()


def _goal(target: float, direction: str = "higher", **kw: object) -> GoalSpec:
    return GoalSpec("g", "G", "csv:x.csv", ("20",), 2018, target, 2030, direction, **kw)  # type: ignore[arg-type]


def _series(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "value": list(values.values())})


RISING = _series({2018: 100.0, 2019: 102.0, 2020: 104.0, 2021: 106.0, 2022: 108.0})


def test_expected_is_the_straight_path() -> None:
    goal = _goal(124.0)
    assert expected_value(goal, 100.0, 2018) == 100.0
    assert expected_value(goal, 100.0, 2024) == pytest.approx(112.0)
    assert expected_value(goal, 100.0, 2030) == 124.0
    assert math.isnan(expected_value(goal, 100.0, 2017))


def test_goal_far_out_of_reach_is_off_track() -> None:
    result = assess(_goal(1000.0), RISING, None, RULES)
    assert result.status == "off_track"
    assert result.projection.method == "trend"
    assert result.projection.value == pytest.approx(124.0)  # +2 a year to 2030


def test_goal_already_met_is_on_track() -> None:
    assert assess(_goal(105.0), RISING, None, RULES).status == "on_track"
    falling = _series({2018: 10.0, 2020: 8.0, 2022: 6.0})
    assert assess(_goal(7.0, "lower"), falling, None, RULES).status == "on_track"


def test_on_path_with_trend_reaching_target_is_on_track_and_a_half_way_goal_is_at_risk() -> None:
    assert assess(_goal(124.0), RISING, None, RULES).status == "on_track"
    # on the path now (108 vs 108), but a trend that stops short of the target → at risk
    flat_end = _series({2018: 100.0, 2020: 104.0, 2021: 108.0, 2022: 108.0})
    goal = _goal(130.0)  # path value 2022: 110; slack 3 → 108 is on the path
    result = assess(goal, flat_end, None, RULES)
    assert result.status == "at_risk"


def test_only_the_baseline_value_is_judged_by_the_projection_alone() -> None:
    only_baseline = _series({2016: 60.0, 2017: 58.0, 2018: 56.0})
    goal = GoalSpec("g", "G", "csv:x.csv", ("20",), 2018, 25.0, 2030, "lower")
    assert assess(goal, only_baseline, None, RULES).status == "off_track"  # trend: 32 in 2030
    single = _series({2018: 56.0})
    assert assess(goal, single, None, RULES).status == "at_risk"  # nothing can be judged


def test_forecast_interval_is_used_when_it_reaches_the_target_year() -> None:
    forecast = pd.DataFrame(
        {"year": [2030], "yhat": [130.0], "yhat_lo": [120.0], "yhat_hi": [140.0]}
    )
    result = assess(_goal(124.0), RISING, forecast, RULES)
    assert result.projection.method == "forecast"
    assert (result.projection.lo, result.projection.hi) == (120.0, 140.0)


def test_no_baseline_or_no_data_is_no_data() -> None:
    assert assess(_goal(10.0), _series({}), None, RULES).status == "no_data"
    late = _series({2020: 5.0, 2021: 6.0})  # nothing in the baseline year
    assert assess(_goal(10.0), late, None, RULES).status == "no_data"
    assert assess(_goal(10.0, baseline_value=4.0), late, None, RULES).status != "no_data"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "goals.toml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
[[goal]]
id = "a"
indicator = "{indicator}"
region = "{region}"
baseline_year = 2018
target = 1
target_year = 2030
"""


@pytest.mark.parametrize(
    ("indicator", "region", "message"),
    [
        ("employd", "20", "Did you mean: employed"),
        ("employed", "Dalarana", "Did you mean: 20 Dalarnas län"),
        ("kolada:X1", "20", "Invalid Kolada KPI"),
        ("employed_ssyk", "20", "employed_ssyk needs"),
    ],
)
def test_config_errors_name_the_bad_value(
    tmp_path: Path, indicator: str, region: str, message: str
) -> None:
    path = _write(tmp_path, BASE.format(indicator=indicator, region=region))
    with pytest.raises(GoalsConfigError) as info:
        load_goals_config(path)
    assert message in info.value.one_line()
    assert info.value.one_line().startswith("goals.toml: goal 'a'")


def test_config_rejects_unknown_keys_duplicates_and_backward_years(tmp_path: Path) -> None:
    good = BASE.format(indicator="employed", region="20")
    with pytest.raises(GoalsConfigError, match="unknown key 'tagret'") as info:
        load_goals_config(_write(tmp_path, good + "tagret = 3\n"))
    assert "Did you mean: target" in info.value.one_line()
    with pytest.raises(GoalsConfigError, match="used twice"):
        load_goals_config(_write(tmp_path, good + good))
    with pytest.raises(GoalsConfigError, match="not after baseline_year"):
        load_goals_config(_write(tmp_path, good.replace("2030", "2017")))
    with pytest.raises(GoalsConfigError, match="tolerance"):
        load_goals_config(_write(tmp_path, good + "[rules]\ntolerance = 2\n"))
    config = load_goals_config(_write(tmp_path, good), region="Falun")
    assert config.goals[0].regions == ("2080",)


def test_csv_indicator_reads_codes_as_text_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("region_code;year;value\n0114;2020;1,5\n0114;2021;..\n01;2020;9\n", "utf-8")
    series = read_csv_indicator(path, "0114")
    assert series.values["value"].tolist()[0] == 1.5
    assert math.isnan(series.values["value"].tolist()[1])
    assert read_csv_indicator(path, "01").values["value"].tolist() == [9.0]
    path.write_text("region_code,year,value\n20,2020,abc\n", "utf-8")
    with pytest.raises(Exception, match="line 2"):
        read_csv_indicator(path, "20")


GOALS = """
region = "20"

[[goal]]
id = "langt_bort"
title = "Orimligt många anställda"
indicator = "employed"
baseline_year = 2018
target = 1000000
target_year = 2030

[[goal]]
id = "redan_nadd"
title = "Fler än ett fåtal anställda"
indicator = "employed"
baseline_year = 2018
target = 1000
target_year = 2030

[[goal]]
id = "egen"
title = "Egen serie"
indicator = "csv:egen.csv"
baseline_year = 2018
target = 20
target_year = 2026
direction = "lower"
"""


def test_forecast_goals_writes_parquet_sheet_and_chart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "egen.csv").write_text(
        "region_code;year;value\n20;2018;30\n20;2019;28\n20;2020;26\n20;2021;24\n", "utf-8"
    )
    config = _write(tmp_path, GOALS)
    out = tmp_path / "out"
    result = invoke(capsys, "goals", "--config", str(config), "--out", str(out))
    assert result.code == 0, result.err
    frame = pd.read_parquet(out / "goals.parquet")
    assert list(frame.columns) == COLUMNS
    status = frame.groupby("goal_id")["status"].first().to_dict()
    assert status == {"langt_bort": "off_track", "redan_nadd": "on_track", "egen": "on_track"}
    assert frame["region_code"].map(type).eq(str).all()
    own = frame[frame["goal_id"] == "egen"].set_index("year")
    assert own.loc[2020, "expected"] == pytest.approx(30 - 10 * 2 / 8)
    assert own.loc[2026, "projected"] == pytest.approx(14.0)  # 24 in 2021, −2 a year
    employed = frame[frame["goal_id"] == "langt_bort"]
    assert employed["source"].iloc[0].startswith("Källa: SCB")
    assert not employed["synthetic"].any()
    for name in ("goals.xlsx", "charts/13_mal.png", "charts/13_mal.svg", "manifest.json"):
        assert (out / name).is_file(), name
    from openpyxl import load_workbook

    sheet = load_workbook(out / "goals.xlsx")["Mål"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Mål-id", "Mål"] and "Status" in header
    labels = [row[header.index("Status")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert labels[:3] == ["ej i fas", "i fas", "i fas"]
    svg = (out / "charts" / "13_mal.svg").read_text("utf-8")
    assert "2 av 3 mål i fas" in svg and "Källa: SCB" in svg and "Egen fil: egen.csv" in svg
    assert "langt_bort (20): ej i fas" in result.err


def test_forecast_goals_refuses_bad_config_before_writing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = _write(tmp_path, BASE.format(indicator="employd", region="20"))
    out = tmp_path / "out"
    result = invoke(capsys, "goals", "--config", str(config), "--out", str(out))
    assert result.code == 2
    assert "Did you mean: employed" in result.err and len(result.messages) == 1
    assert not out.exists()


# --- share_in_shortage: shown only where most employees' occupations have a status ------------

SHORTAGE_GOAL = """
region = "20"

[[goal]]
id = "brist"
title = "Mindre andel anställda i bristyrken"
indicator = "share_in_shortage"
baseline_year = 2023
target = 25.0
target_year = 2030
direction = "lower"
"""


def _share_in_shortage(tmp_path: Path, status_of: Callable[[str], str]) -> tuple[Any, pd.Series]:
    """The indicator for county 20 with `status_of(ssyk)` as every cell's status, and the
    county's employees per SSYK-4 in the latest year (the input it is computed from)."""
    registry = default_registry()
    config = load_goals_config(_write(tmp_path, SHORTAGE_GOAL), registry=registry)
    resolver = IndicatorResolver(DataContext(), registry, config)
    panel = resolver._panel(registry.get("20")).data
    own = panel[panel["region_code"] == "20"]
    latest = own[own["year"] == own["year"].max()].set_index("ssyk")["value"]
    cells = pd.DataFrame({"region_code": "20", "ssyk": latest.index})
    cells["status"] = cells["ssyk"].map(status_of)

    def scorer(_ctx: DataContext, **_kw: object) -> tuple[Any, list[Any]]:
        return SimpleNamespace(cells=cells), []

    resolver.score_shortage = scorer
    return resolver.resolve(config.goals[0], "20"), latest


def test_share_in_shortage_counts_the_employees_of_brist_occupations(tmp_path: Path) -> None:
    series, latest = _share_in_shortage(
        tmp_path, lambda ssyk: "brist" if ssyk.startswith("2") else "balans"
    )
    expected = latest[latest.index.str.startswith("2")].sum() / latest.sum() * 100
    assert 0 < expected < 100
    assert series.values["value"].tolist() == pytest.approx([expected])


def test_share_in_shortage_is_not_shown_where_the_model_withholds(tmp_path: Path) -> None:
    # on the demo AF labels a few occupations and the model withholds the rest: counting the
    # unassessed as "not shortage" would show a false 0 % "on track"
    series, _ = _share_in_shortage(
        tmp_path, lambda ssyk: "brist" if ssyk.startswith("22") else "ingen bedömning"
    )
    assert series.empty
    assert "ingen bedömning" in series.note and "below 80%" in series.note
