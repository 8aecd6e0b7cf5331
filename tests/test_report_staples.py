"""The staples of a yearly competence report (issue 15): age structure and exits from riket's
SSYK-4 age data, recruitment need over 5 and 10 years, pay level with the riksområde, ads per
whole year, and the rules for what a title may state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompetens_forecast.analysis.ads_trend import TOTAL, ads_by_year
from kompetens_forecast.analysis.age_need import recruitment_need, with_national_age
from kompetens_forecast.analysis.pay_level import pay_level
from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.jobs.staples import REASONS, report_staples, riksomrade
from kompetens_forecast.report.charts_age import need_headline, rounded

BANDS = ["16-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69"]


def _ages(codes: dict[str, float]) -> pd.DataFrame:
    """Riket × SSYK-4 × band × sex, 2018 and 2023: `codes` → employees per band and sex in
    2018; in 2023 each cohort has moved one band up with 10 % gone (the top band all gone)."""
    rows = []
    for code, per_band in codes.items():
        for sex in ("1", "2"):
            for i, band in enumerate(BANDS):
                base = per_band if band != "65-69" else 0.0
                rows.append(("00", code, band, sex, 2018, base))
                later = per_band * 0.9 if i > 0 and band != "16-24" else per_band
                rows.append(("00", code, band, sex, 2023, later))
    return pd.DataFrame(rows, columns=["region_code", "ssyk", "age", "sex", "year", "value"])


def _indicators(codes: dict[str, float], region: str = "20") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": region,
            "ssyk": list(codes),
            "ssyk_label": [f"Yrke {c}" for c in codes],
            "year": 2023,
            "employed": list(codes.values()),
        }
    )


def test_national_age_structure_applies_riket_rates_to_the_regions_employees() -> None:
    ages = _ages({"5321": 100.0, "2341": 50.0})
    ind = _indicators({"5321": 1000.0, "2341": 10.0})
    out = with_national_age(ind, ages).set_index("ssyk")
    # 3 of 10 bands are 55+ in 2023 (55-59, 60-64, 65-69 at 0.9 × the base)
    assert out.loc["5321", "share_55plus"] == pytest.approx(out.loc["2341", "share_55plus"])
    assert 0 < out.loc["5321", "share_55plus"] < 100
    for k in (5, 10):
        rate = out.loc["5321", f"replacement_rate_{k}y"]
        assert out.loc["5321", f"exits_{k}y"] == pytest.approx(1000.0 * rate / 100)
    assert out.loc["5321", "exits_10y"] > out.loc["5321", "exits_5y"] > 0
    assert set(out["age_basis"]) == {"riket"}


def test_a_municipalitys_ssyk3_rows_get_the_groups_summed_age_structure() -> None:
    ages = _ages({"5321": 100.0, "5322": 100.0, "2341": 50.0})
    ages.loc[(ages["ssyk"] == "2341") & (ages["age"] == "55-59"), "value"] = np.nan  # suppressed
    ind = _indicators({"532": 300.0, "234": 40.0}, region="2080")
    out = with_national_age(ind, ages).set_index("ssyk")
    assert out.loc["532", "exits_5y"] > 0
    # a group with a suppressed part has no age structure (never a partial sum)
    assert np.isnan(out.loc["234", "share_55plus"]) and np.isnan(out.loc["234", "exits_5y"])
    assert pd.isna(out.loc["234", "age_basis"])


def _forecast(years: range, values: dict[str, float], beats: bool = True) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "ssyk": code,
                "year": year,
                "yhat": value,
                "scenario": year - 2023 > 5,
                "beats_naive": beats,
            }
            for code, value in values.items()
            for year in years
        ]
    )


def test_recruitment_need_is_exits_plus_forecast_change_and_never_beyond_the_forecast() -> None:
    ind = _indicators({"5321": 1000.0, "2341": 500.0}).assign(
        exits_5y=[200.0, 100.0], exits_10y=[380.0, 190.0], share_55plus=[30.0, 20.0]
    )
    short = recruitment_need(ind, _forecast(range(2024, 2029), {"5321": 900.0, "2341": 600.0}))
    first = short.set_index("ssyk")
    assert first.loc["5321", "openings_5y"] == pytest.approx(200.0 - 100.0)
    assert first.loc["2341", "openings_5y"] == pytest.approx(100.0 + 100.0)
    assert list(short["ssyk"]) == ["2341", "5321"]  # largest five-year need first
    assert short["openings_10y"].isna().all()  # the forecast does not reach 2033
    long = recruitment_need(ind, _forecast(range(2024, 2034), {"5321": 900.0, "2341": 600.0}))
    row = long.set_index("ssyk").loc["2341"]
    assert row["openings_10y"] == pytest.approx(190.0 + 100.0)
    assert bool(row["scenario_10y"]) and row["end_year_10"] == 2033


def test_a_title_names_the_need_only_where_the_forecast_beat_naive() -> None:
    ind = _indicators({"5321": 1000.0, "2341": 500.0}).assign(
        exits_5y=[200.0, 150.0], exits_10y=[380.0, 290.0], share_55plus=[30.0, 20.0]
    )
    values = {"5321": 1000.0, "2341": 800.0}
    table = recruitment_need(ind, _forecast(range(2024, 2029), values, beats=True))
    kind, row, persons = need_headline(table, _forecast(range(2024, 2029), values, beats=True))
    assert (kind, row["ssyk"], persons) == ("need", "2341", 450.0)
    kind, row, persons = need_headline(table, _forecast(range(2024, 2029), values, beats=False))
    assert (kind, row["ssyk"], persons) == ("exits", "5321", 200.0)


@pytest.mark.parametrize(
    ("value", "shown"), [(34_871.0, 34_900.0), (863.0, 860.0), (57.0, 57.0), (1_234.0, 1_230.0)]
)
def test_person_counts_are_rounded_as_estimates(value: float, shown: float) -> None:
    assert rounded(value) == shown


def _wages() -> pd.DataFrame:
    rows = []
    for region, measures in (("00", ("mean", "median", "p10", "p90")), ("SE31", ("mean",))):
        for code, pay in (("0000", 40000.0), ("5321", 33000.0), ("2341", 42000.0)):
            for measure in measures:
                for year in (2024, 2025):
                    value = pay + (500 if region == "SE31" else 0) + (year - 2025) * 1000
                    rows.append((region, code, "0", "1+2", measure, year, value))
    frame = pd.DataFrame(
        rows, columns=["region_code", "ssyk", "sector", "sex", "measure", "year", "value"]
    )
    suppressed = (frame["region_code"] == "SE31") & (frame["ssyk"] == "2341")
    frame.loc[suppressed, "value"] = np.nan
    return frame


def test_pay_level_takes_the_latest_year_riket_and_the_riksomrade() -> None:
    own = _indicators({"5321": 1000.0, "2341": 500.0, "9999": 5.0})
    table, reference = pay_level(own, _wages(), "SE31", "Norra Mellansverige")
    rows = table.set_index("ssyk")
    assert list(table["ssyk"]) == ["5321", "2341"]  # largest first; no pay, no row
    assert rows.loc["5321", "pay_mean_area"] == 33500.0
    assert rows.loc["5321", "pay_mean_riket"] == 33000.0 and (table["pay_year"] == 2025).all()
    assert np.isnan(rows.loc["2341", "pay_mean_area"])  # suppressed stays missing
    assert reference == {"riket": 40000.0, "area": 40500.0}
    riket_only, reference = pay_level(own, _wages(), None)
    assert riket_only["pay_mean_area"].isna().all() and set(reference) == {"riket"}


def test_a_county_lies_in_its_riksomrade() -> None:
    regions = default_registry()
    area = riksomrade(regions.get("20"), regions)
    assert area is not None and area.code == "SE31"
    assert riksomrade(regions.get("SE31"), regions) == regions.get("SE31")
    assert riksomrade(regions.get("00"), regions) is None
    assert riksomrade(regions.get("2080"), regions) is None
    assert riksomrade(regions.get("SE3"), regions) is None  # a landsdel has no pay table


def _history(region_codes: list[str], months: list[str]) -> pd.DataFrame:
    rows = [
        (month, region, code, 2, 3)
        for month in months
        for region in region_codes
        for code in ("5321", "2341", "121")
    ]
    return pd.DataFrame(rows, columns=["month", "region_code", "ssyk", "ads", "positions"])


def test_ads_are_counted_per_whole_year_only() -> None:
    months = ["2019-11", "2019-12", *(f"2020-{m:02d}" for m in range(1, 13)), "2021-01"]
    table = ads_by_year(_history(["00"], months), "00", (), _indicators({"5321": 10.0}))
    total = table[table["ssyk"] == TOTAL]
    assert list(total["year"]) == [2020] and total["ads"].iloc[0] == 12 * 3 * 2
    assert set(table["ssyk"]) == {TOTAL, "5321"} and (table["ads_basis"] == "riket").all()


def test_a_county_gets_its_own_municipalities_ads_when_fetched_else_rikets() -> None:
    months = [f"2021-{m:02d}" for m in range(1, 13)]
    fetched = _history(["2080", "2081", "0180"], months)
    occupations = _indicators({"5321": 10.0, "2341": 5.0})
    own = ads_by_year(fetched, "20", ("2080", "2081"), occupations)
    assert (own["ads_basis"] == "region").all()
    assert own.loc[own["ssyk"] == TOTAL, "ads"].iloc[0] == 12 * 2 * 3 * 2  # 2 municipalities
    demo = _history(["00"], months)
    national = ads_by_year(demo, "20", ("2080",), occupations)
    assert (national["ads_basis"] == "riket").all()


def test_a_municipality_follows_its_ssyk3_groups_ads() -> None:
    months = [f"2021-{m:02d}" for m in range(1, 13)]
    table = ads_by_year(_history(["00"], months), "2080", (), _indicators({"532": 10.0}, "2080"))
    assert table.loc[table["ssyk"] == "532", "ads"].sum() == 12 * 2


class _NoData:
    """A data context without any of the staples' datasets."""

    def has(self, name: str) -> bool:
        return False


def test_missing_datasets_are_named_in_the_skip_reasons() -> None:
    regions = default_registry()
    ind = _indicators({"5321": 1000.0})
    staples = report_staples(_NoData(), regions, regions.get("20"), ind, "sv")  # type: ignore[arg-type]
    assert staples.reasons == {k: REASONS[k] for k in ("age", "pay", "ads")}
    assert "employment_age_ssyk4" in staples.reasons["age"]
    assert staples.pay is None and staples.ads is None and staples.datasets == []
