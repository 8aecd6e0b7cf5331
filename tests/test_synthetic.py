"""The synthetic kommun allocation: exact sums, determinism, and its guards."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetens_forecast.errors import DataError

# the allocation builds the demo data and lives beside that script (scripts/synthetic.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from synthetic import AllocationParams, aggregate_ssyk, allocate_to_municipalities

KOMMUN_TO_LAN = {"0114": "01", "0180": "01", "0191": "01", "0980": "09", "2080": "20"}
KEYS = ["ssyk", "sex", "year"]


def county_frame(values: list[int] | None = None) -> pd.DataFrame:
    """Län 01 (3 kommuner) and 09 (Gotland, 1 kommun) × 2 SSYK-3 × 2 sexes × 3 years."""
    index = pd.MultiIndex.from_product(
        [["01", "09"], ["011", "214"], ["1", "2"], [2021, 2022, 2023]],
        names=["region_code", "ssyk", "sex", "year"],
    )
    frame = index.to_frame(index=False)
    rng = np.random.default_rng(0)
    data = values if values is not None else rng.integers(0, 500, len(frame)).tolist()
    frame["value"] = np.asarray(data, dtype="float64")
    frame["symbol"] = None
    return frame


def with_county(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(lan=frame["region_code"].map(KOMMUN_TO_LAN))


def test_kommun_values_sum_exactly_to_the_county_value() -> None:
    county = county_frame()
    out = with_county(allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=1))
    sums = out.groupby(["lan", *KEYS])["value"].sum()
    expected = county.set_index(["region_code", *KEYS])["value"]
    expected.index = expected.index.set_names("lan", level=0)
    pd.testing.assert_series_equal(sums, expected.sort_index(), check_names=False)
    assert (out["value"] == out["value"].round()).all()
    assert (out["value"] >= 0).all()


def test_output_layout() -> None:
    out = allocate_to_municipalities(county_frame(), KOMMUN_TO_LAN, seed=1)
    assert list(out.columns) == [
        "region_code",
        "ssyk",
        "sex",
        "year",
        "value",
        "symbol",
        "synthetic",
    ]
    # Only kommuner of counties in the frame; 2080 (Dalarna) has no county rows.
    assert sorted(out["region_code"].unique()) == ["0114", "0180", "0191", "0980"]
    assert out["synthetic"].all()
    assert out["symbol"].isna().all()
    assert out["year"].dtype == "int64"
    assert out["value"].dtype == "float64"
    assert out.equals(out.sort_values(["region_code", *KEYS], ignore_index=True))
    assert not out.duplicated(["region_code", *KEYS]).any()


def test_gotland_gets_the_whole_county_value() -> None:
    county = county_frame()
    out = allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=5)
    gotland = out[out["region_code"] == "0980"].reset_index(drop=True)
    expected = county[county["region_code"] == "09"].reset_index(drop=True)
    assert gotland["value"].tolist() == expected["value"].tolist()


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    county = county_frame()
    first = allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=42)
    again = allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=42)
    other = allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=43)
    pd.testing.assert_frame_equal(first, again)
    assert not first["value"].equals(other["value"])


def test_row_order_of_the_input_does_not_matter() -> None:
    county = county_frame()
    shuffled = county.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(
        allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=7),
        allocate_to_municipalities(shuffled, KOMMUN_TO_LAN, seed=7),
    )


def test_series_differ_between_kommuner_and_over_time() -> None:
    county = county_frame([1000] * 24)
    out = allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=9)
    stockholm = out[out["region_code"].str.startswith("01")]
    shares = stockholm.pivot_table(index=["ssyk", "year"], columns="region_code", values="value")
    assert shares.nunique(axis=1).gt(1).all()  # kommuner get different amounts
    assert shares.groupby(level="ssyk").nunique().gt(1).any().any()  # shares drift by year


def test_weight_spread_can_be_set() -> None:
    county = county_frame([900] * 24)
    flat = AllocationParams(base_sigma=0.0, occupation_sigma=0.0, drift_sigma=0.0)
    out = allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=1, params=flat)
    assert set(out.loc[out["region_code"].str.startswith("01"), "value"]) == {300.0}


def test_missing_county_cells_stay_missing_with_their_marker() -> None:
    county = county_frame()
    county.loc[0, ["value", "symbol"]] = [np.nan, ".."]
    out = with_county(allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=1))
    cell = county.loc[0, ["region_code", *KEYS]]
    hit = (out["lan"] == cell["region_code"]) & (out[KEYS] == cell[KEYS]).all(axis=1)
    assert hit.sum() == 3
    assert out.loc[hit, "value"].isna().all()
    assert (out.loc[hit, "symbol"] == "..").all()
    assert out.loc[~hit, "symbol"].isna().all()


def test_fractional_counts_are_refused() -> None:
    county = county_frame()
    county.loc[0, "value"] = 2.5
    with pytest.raises(DataError, match="whole"):
        allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=1)


def test_a_county_without_kommuner_is_refused() -> None:
    with pytest.raises(DataError, match="09"):
        allocate_to_municipalities(county_frame(), {"0114": "01"}, seed=1)


def test_mixed_ssyk_levels_are_refused() -> None:
    county = county_frame()
    county.loc[0, "ssyk"] = "0110"
    with pytest.raises(DataError, match="mixed"):
        allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=1)


def test_duplicate_cells_are_refused() -> None:
    county = county_frame()
    with pytest.raises(DataError, match="duplicate"):
        allocate_to_municipalities(pd.concat([county, county.head(1)]), KOMMUN_TO_LAN, seed=1)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.integers(0, 10_000), min_size=24, max_size=24),
    seed=st.integers(0, 2**32 - 1),
)
def test_sums_are_exact_for_any_counts(values: list[int], seed: int) -> None:
    county = county_frame(values)
    out = with_county(allocate_to_municipalities(county, KOMMUN_TO_LAN, seed=seed))
    sums = out.groupby(["lan", *KEYS])["value"].sum().to_numpy()
    assert sums.tolist() == county.sort_values(["region_code", *KEYS])["value"].tolist()


# -- aggregate_ssyk ---------------------------------------------------------------------------
def ssyk4_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["01", "01", "01", "01"],
            "ssyk": ["2611", "2612", "2141", "2611"],
            "sex": ["1", "1", "1", "2"],
            "year": [2023, 2023, 2023, 2023],
            "value": [10.0, 5.0, 7.0, 3.0],
            "symbol": [None, None, None, None],
        }
    )


def test_aggregate_ssyk_sums_to_the_parent_level() -> None:
    out = aggregate_ssyk(ssyk4_frame(), 3)
    assert out[["ssyk", "sex", "value"]].values.tolist() == [
        ["214", "1", 7.0],
        ["261", "1", 15.0],
        ["261", "2", 3.0],
    ]
    assert out["symbol"].isna().all()


def test_aggregate_ssyk_propagates_missing_cells() -> None:
    frame = ssyk4_frame()
    frame.loc[1, ["value", "symbol"]] = [np.nan, ".."]
    out = aggregate_ssyk(frame, 3).set_index(["ssyk", "sex"])
    assert np.isnan(out.loc[("261", "1"), "value"])
    assert out.loc[("261", "1"), "symbol"] == ".."
    assert out.loc[("214", "1"), "value"] == 7.0


def test_aggregate_ssyk_refuses_mixed_levels() -> None:
    frame = ssyk4_frame()
    frame.loc[2, "ssyk"] = "214"
    with pytest.raises(DataError, match="mixed"):
        aggregate_ssyk(frame, 2)
    with pytest.raises(DataError, match="level 4"):
        aggregate_ssyk(ssyk4_frame(), 4)
