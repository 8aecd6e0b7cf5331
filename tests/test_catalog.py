from __future__ import annotations

from pathlib import Path

import pytest

from kompetens_forecast.errors import DataError, UsageError
from kompetens_forecast.sources.catalog import Catalog


def test_shipped_catalog_has_the_issue_datasets() -> None:
    names = set(Catalog.load().names())
    assert {
        "employment_county_ssyk4",
        "employment_kommun_ssyk3",
        "employment_age_ssyk3",
        "employment_education_ssyk",
        "matching_grade_county",
        "matched_employment_education",
        "labour_status_bas",
        "population",
    } <= names
    kommun = Catalog.load().get("employment_kommun_ssyk3")
    assert [s.table for s in kommun.segments] == ["TAB4396", "TAB3119", "TAB4434"]


def test_user_catalog_adds_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "catalog.toml"
    user.write_text(
        """
[datasets.population]
title = "Min folkmängd"
[[datasets.population.segments]]
table = "TAB6471"
[datasets.population.segments.selection]
Region = { codes = ["*"], codelist = "vs_CKM02Län" }

[datasets.my_table]
title = "Egen tabell"
[[datasets.my_table.segments]]
api = "v1"
v1_path = "BE/BE0101/BE0101A/BefolkningNy"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("KF_CATALOG", str(user))
    catalog = Catalog.load()
    assert catalog.get("population").title == "Min folkmängd"
    assert catalog.get("population").segments[0].selection["Region"].codelist == "vs_CKM02Län"
    assert catalog.get("my_table").segments[0].api == "v1"
    assert "employment_county_ssyk4" in catalog.names()


def test_bad_entries_name_the_file_and_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[datasets.x]\ntitle = "x"\n[[datasets.x.segments]]\napi = "v2"\n', encoding="utf-8"
    )
    with pytest.raises(DataError, match="needs 'table' or 'search'"):
        Catalog.load(user_file=bad)
    with pytest.raises(DataError, match="does not exist"):
        Catalog.load(user_file=tmp_path / "missing.toml")


def test_unknown_dataset_suggests_close_names() -> None:
    with pytest.raises(UsageError) as info:
        Catalog.load().get("populaton")
    assert "population" in info.value.one_line()
