from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.panel import (
    aggregate_regions,
    derive_riket,
    to_ssyk_level,
    totals_over_sex,
)
from kompetens_forecast.errors import DataError


def obs(rows: list[tuple[str, str, str, int, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["region_code", "ssyk", "sex", "year", "value"])
    frame["value"] = frame["value"].astype("float64")
    return frame


def test_total_over_sex_is_missing_when_a_part_is_missing() -> None:
    totals = totals_over_sex(
        obs(
            [
                ("01", "2341", "1", 2023, 10),
                ("01", "2341", "2", 2023, 5),
                ("01", "2342", "1", 2023, 4),
                ("01", "2342", "2", 2023, None),
            ]
        )
    ).set_index("ssyk")["value"]
    assert totals["2341"] == 15
    assert np.isnan(totals["2342"])  # never a partial sum


def test_riket_is_derived_only_from_all_counties() -> None:
    totals = obs([("01", "2341", "1", 2023, 10), ("03", "2341", "1", 2023, 5)]).drop(columns="sex")
    riket = derive_riket(totals, ["01", "03"])
    assert riket.loc[riket["region_code"] == "00", "value"].item() == 15
    with pytest.raises(DataError, match="04"):
        derive_riket(totals, ["01", "03", "04"])


def test_published_riket_is_kept() -> None:
    totals = obs([("00", "2341", "1", 2023, 99), ("01", "2341", "1", 2023, 10)]).drop(columns="sex")
    assert (
        derive_riket(totals, ["01"]).loc[lambda f: f["region_code"] == "00", "value"].item() == 99
    )


def test_ssyk_parent_level_sums_children_and_refuses_mixed_levels() -> None:
    totals = obs(
        [("01", "2341", "1", 2023, 10), ("01", "2342", "1", 2023, 5), ("01", "5321", "1", 2023, 1)]
    )
    level3 = to_ssyk_level(totals.drop(columns="sex"), 3).set_index("ssyk")["value"]
    assert level3.to_dict() == {"234": 15, "532": 1}
    mixed = obs([("01", "2341", "1", 2023, 10), ("01", "234", "1", 2023, 10)]).drop(columns="sex")
    with pytest.raises(DataError, match="SSYK-4"):
        to_ssyk_level(mixed, 3)


def test_groups_sum_members_of_one_level_only() -> None:
    totals = obs(
        [("17", "2341", "1", 2023, 3), ("20", "2341", "1", 2023, 4), ("2080", "2341", "1", 2023, 1)]
    )
    group = aggregate_regions(totals.drop(columns="sex"), "SE31", ["17", "20"])
    assert group["value"].item() == 7 and group["region_code"].item() == "SE31"
    with pytest.raises(DataError, match="mixes levels"):
        aggregate_regions(totals.drop(columns="sex"), "X", ["20", "2080"])


def test_unknown_occupation_and_published_sex_totals_are_not_summed() -> None:
    totals = totals_over_sex(
        obs([("01", "2341", "1", 2023, 10), ("01", "2341", "2", 2023, 5),
             ("01", "2341", "1+2", 2023, 15), ("01", "0002", "1", 2023, 99)])
    )  # fmt: skip
    assert totals.set_index("ssyk")["value"].to_dict() == {"2341": 15}
