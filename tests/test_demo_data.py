"""The embedded demo dataset (data/store): contents, invariants, and that it matches its script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pyarrow
import pytest

from kompetens_forecast.classify.regions import default_registry
from kompetens_forecast.errors import DataError, InvalidOptionError
from kompetens_forecast.resources import embedded_data_dir
from kompetens_forecast.store import Manifest, Store
from kompetens_forecast.store.breaks import load_breaks, load_register

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO / "data" / "raw"  # the build inputs, copied unchanged from shared/
EMPLOYMENT, BAROMETER, KOMMUN = (
    "employment_county_ssyk4",
    "yrkesbarometer",
    "employment_kommun_ssyk3",
)
SIGNALS = ("wages_ssyk4", "employment_age_ssyk4", "job_ads_history")
JURISTER = ["2611", "2612", "2613", "2614", "2615", "2619"]


@pytest.fixture(scope="module")
def store() -> Store:
    return Store(embedded_data_dir() / "store", read_only=True, label="embedded demo dataset")


@pytest.fixture(scope="module")
def employment(store: Store) -> pd.DataFrame:
    return store.read(EMPLOYMENT, verify=True)


@pytest.fixture(scope="module")
def barometer(store: Store) -> pd.DataFrame:
    return store.read(BAROMETER, verify=True)


@pytest.fixture(scope="module")
def kommun(store: Store) -> pd.DataFrame:
    return store.read(KOMMUN, verify=True)


def codes(frame: pd.DataFrame, column: str) -> pd.Series:
    """The distinct values of a code column (checking those is as good and much faster)."""
    return pd.Series(frame[column].unique())


def manifest(store: Store, dataset: str) -> Manifest:
    found = store.manifest(dataset)
    assert found is not None
    return found


def test_the_demo_store_has_the_six_datasets(store: Store) -> None:
    sources = {m.dataset: m.source for m in store.manifests()}
    assert sources == {
        EMPLOYMENT: "scb",
        BAROMETER: "af",
        KOMMUN: "synthetic",
        "wages_ssyk4": "scb",
        "employment_age_ssyk4": "scb",
        "job_ads_history": "af",
    }
    for dataset in sources:
        assert store.vintages(dataset) == [manifest(store, dataset).vintage]


def test_demo_store_is_small() -> None:
    root = embedded_data_dir() / "store"
    assert sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) < 3_000_000


# -- employment_county_ssyk4 ----------------------------------------------------------------------
def test_employment_layout(employment: pd.DataFrame) -> None:
    assert len(employment) == 180_180
    assert list(employment.columns) == [
        "region_code",
        "ssyk",
        "sex",
        "year",
        "value",
        "symbol",
        "region_label",
        "ssyk_label",
    ]
    assert employment["year"].dtype == "int64"
    assert employment["value"].dtype == "float64"
    for column in ("region_code", "ssyk", "sex"):
        assert employment[column].dtype == object
        assert codes(employment, column).map(type).eq(str).all()
    regions = set(employment["region_code"])
    assert len(regions) == 21 and "01" in regions and "09" in regions
    assert "00" not in regions  # riket is derived downstream
    assert codes(employment, "ssyk").str.fullmatch(r"\d{4}").all()
    assert "0110" in set(employment["ssyk"])
    assert employment["ssyk"].nunique() == 429
    assert set(employment["sex"]) == {"1", "2"}
    assert sorted(employment["year"].unique()) == list(range(2014, 2024))
    assert employment["symbol"].isna().all() and employment["value"].notna().all()
    assert not employment.duplicated(["region_code", "ssyk", "sex", "year"]).any()


def test_employment_labels_are_swedish(employment: pd.DataFrame) -> None:
    labels = employment.drop_duplicates("region_code").set_index("region_code")["region_label"]
    assert labels["01"] == "Stockholms län" and labels["09"] == "Gotlands län"
    ssyk = employment.drop_duplicates("ssyk").set_index("ssyk")["ssyk_label"]
    assert ssyk["0110"] == "Officerare"
    assert ssyk["1211"].endswith("nivå 1")
    assert employment[["region_label", "ssyk_label"]].notna().all().all()


def test_employment_manifest_records_source_and_breaks(
    store: Store, employment: pd.DataFrame
) -> None:
    meta = manifest(store, EMPLOYMENT)
    assert meta.table_ids == ["AM0208M/YREG60", "AM0208M/YREG60N", "AM0208M/YREG60BAS"]
    assert meta.rows == 180_180 and not meta.synthetic
    assert "7c13a658" in meta.provenance and "CC BY 4.0" in meta.licence
    assert "CC0" in meta.licence
    assert meta.extra["years"] == [2014, 2023]
    assert meta.extra["riket"] == "derived as the sum of the 21 counties"
    assert [(b.year, b.kind) for b in meta.breaks] == [(2020, "source"), (2023, "population")]
    assert meta.breaks == load_breaks(EMPLOYMENT)
    totals = employment.groupby("year")["value"].sum()
    jump = totals[2023] / totals[2022] - 1
    assert 0.08 < jump < 0.10  # ages 16–69 and imputed occupations from 2023
    assert f"+{jump * 100:.1f} %".replace(".", ",") in meta.breaks[1].effect


# -- yrkesbarometer -------------------------------------------------------------------------------
def test_yrkesbarometer_rounds_and_codes(barometer: pd.DataFrame) -> None:
    assert barometer.groupby("omgang")["format"].unique().map(list).to_dict() == {
        "2025-2": ["full"],
        "2026-1": ["national_subset"],
    }
    assert barometer["region_code"].map(type).eq(str).all()
    assert barometer["region_code"].str.fullmatch(r"\d{2}").all()
    assert len(barometer.query("omgang == '2025-2'")["region_code"].unique()) == 22
    assert set(barometer.query("omgang == '2026-1'")["region_code"]) == {"00"}
    assert barometer["ssyk"].str.fullmatch(r"\d{4}").all()
    assert not barometer["ssyk"].str.contains(",").any()
    key = barometer["yb_concept_id"].fillna(barometer["yb_yrke"])
    assert (
        not pd.concat([barometer[["omgang", "region_code", "ssyk"]], key], axis=1)
        .duplicated()
        .any()
    )
    assert set(barometer["rekryteringssituation"]) <= {"brist", "balans", "överskott", "paradox"}


def test_multi_code_rows_are_exploded(barometer: pd.DataFrame) -> None:
    jurister = barometer[barometer["yb_yrke"] == "Jurister"]
    assert len(jurister) == 12
    for _region, rows in jurister.groupby("region_code"):
        assert sorted(rows["ssyk"]) == JURISTER
        assert (rows["antal_ssyk"] == 6).all()


def test_yrkesbarometer_county_level_rule(barometer: pd.DataFrame) -> None:
    riket = barometer["region_code"] == "00"
    assert not barometer.loc[riket, "county_level"].any()
    lan = barometer[~riket]
    assert lan["county_level"].equals(lan["hogsta_bedomningsniva"] == "län")
    assert lan["county_level"].equals(lan["delvis_helt"] == "helt")
    assert lan["county_level"].any() and not lan["county_level"].all()


def test_yrkesbarometer_subset_fields(barometer: pd.DataFrame) -> None:
    subset = barometer[barometer["format"] == "national_subset"]
    assert len(subset) == 100
    assert subset["yb_concept_id"].isna().all() and subset["del_av_ssyk"].isna().all()
    assert subset["paradox"].equals(subset["rekryteringssituation"] == "paradox")
    assert barometer["antal_ssyk"].dtype == "int64"


# -- employment_kommun_ssyk3 (synthetic) ---------------------------------------------------------
def test_synthetic_dataset_is_marked_synthetic(store: Store, kommun: pd.DataFrame) -> None:
    meta = manifest(store, KOMMUN)
    assert meta.synthetic and meta.source == "synthetic"
    assert "SYNTETISKA DATA" in meta.title and "synthetic" in meta.title
    assert isinstance(meta.extra["seed"], int)
    assert "largest-remainder" in meta.extra["allocation_rule"]
    assert kommun["synthetic"].dtype == bool and kommun["synthetic"].all()


def test_synthetic_layout(kommun: pd.DataFrame) -> None:
    assert kommun["region_code"].nunique() == 290
    assert codes(kommun, "region_code").str.fullmatch(r"\d{4}").all()
    assert codes(kommun, "ssyk").str.fullmatch(r"\d{3}").all()
    assert len(kommun) == 290 * kommun["ssyk"].nunique() * 2 * 10
    assert set(kommun["sex"]) == {"1", "2"}
    assert not kommun.duplicated(["region_code", "ssyk", "sex", "year"]).any()
    assert kommun[["region_label", "ssyk_label"]].notna().all().all()


def test_kommun_values_sum_to_the_real_county_values(
    employment: pd.DataFrame, kommun: pd.DataFrame
) -> None:
    lan_of = {r.code: r.lan_code for r in default_registry().municipalities()}
    keys = ["ssyk", "sex", "year"]
    sums = (
        kommun.assign(region_code=kommun["region_code"].map(lan_of))
        .groupby(["region_code", *keys])["value"]
        .sum()
    )
    county = (
        employment.assign(ssyk=employment["ssyk"].str[:3])
        .groupby(["region_code", *keys])["value"]
        .sum()
    )
    assert len(county) == 21 * kommun["ssyk"].nunique() * 2 * 10
    pd.testing.assert_series_equal(sums, county)
    gotland = kommun[kommun["region_code"] == "0980"].set_index(keys)["value"]
    assert gotland.equals(county.loc["09"])


# -- the break register ---------------------------------------------------------------------------
def test_break_register() -> None:
    families = load_register()
    assert KOMMUN in families["yrkesregistret"].datasets
    assert [b.year for b in load_breaks(KOMMUN)] == [2020, 2023]
    english = load_breaks(EMPLOYMENT, lang="en")
    assert "16–69" in english[1].description and english[1].description.startswith("From 2023")
    assert load_breaks(BAROMETER) == []
    with pytest.raises(InvalidOptionError):
        load_breaks(EMPLOYMENT, lang="de")


def test_malformed_break_register(tmp_path: Path) -> None:
    path = tmp_path / "series_breaks.toml"
    path.write_text(
        '[families.a]\ndatasets = ["x"]\n[[families.a.breaks]]\nyear = 2020\nkind = "source"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="description_sv"):
        load_breaks("x", path=path)
    path.write_text(
        '[families.a]\ndatasets = ["x"]\n[families.b]\ndatasets = ["x"]\n', encoding="utf-8"
    )
    with pytest.raises(DataError, match="two table families"):
        load_register(path)


# -- the committed data match the build script ---------------------------------------------------
def load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_demo_data", REPO / "scripts" / "build_demo_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_rebuilding_gives_the_committed_data(store: Store, tmp_path: Path) -> None:
    build = load_build_script()
    rebuilt = {m.dataset: m for m in build.build(SHARED, tmp_path, validate=False)}
    assert set(rebuilt) == {EMPLOYMENT, BAROMETER, KOMMUN, *SIGNALS}
    fresh = Store(tmp_path)
    for dataset, new in rebuilt.items():
        old = manifest(store, dataset)
        assert (new.vintage, new.rows, new.breaks) == (old.vintage, old.rows, old.breaks)
        same_libraries = old.extra["built_with"] == {
            "pandas": pd.__version__,
            "pyarrow": pyarrow.__version__,
            "numpy": np.__version__,
        }
        if same_libraries:  # Parquet bytes depend on the writer's version
            assert new.checksum == old.checksum, f"{dataset}: rerun scripts/build_demo_data.py"
        else:
            pd.testing.assert_frame_equal(fresh.read(dataset), store.read(dataset))


# -- the shortage signals: pay, age structure, monthly ads (real) --------------------------------
def test_wages_hold_scb_figures_for_nurses_and_the_riksomraden(store: Store) -> None:
    wages = store.read("wages_ssyk4", verify=True)
    nurses = wages[
        (wages["region_code"] == "00")
        & (wages["ssyk"] == "2221")
        & (wages["sector"] == "0")
        & (wages["sex"] == "1+2")
        & (wages["year"] == 2025)
    ].set_index("measure")["value"]
    assert nurses["mean"] == 44_000 and nurses["median"] == 42_900
    assert nurses["p10"] < nurses["median"] < nurses["p90"]
    groups = {f"SE{c}" for c in ("11", "12", "21", "22", "23", "31", "32", "33")}
    assert set(wages["region_code"]) == {"00", *groups}
    regional = wages[wages["region_code"] != "00"]
    assert set(regional["measure"]) == {"mean"} and set(regional["year"]) == {2023, 2024, 2025}
    # suppressed cells stay missing with SCB's marker, never 0
    missing = wages["value"].isna()
    assert missing.any() and (wages.loc[missing, "symbol"] == "..").all()
    assert (wages.loc[~missing, "value"] > 0).all()


def test_age_structure_is_riket_by_ssyk4_and_age_band(store: Store) -> None:
    age = store.read("employment_age_ssyk4", verify=True)
    assert set(age["region_code"]) == {"00"} and age["ssyk"].str.len().eq(4).all()
    assert "65-69" in set(age["age"]) and "065-69" not in set(age["age"])
    # ages 65–69 are only counted from 2023 (the series break)
    assert age[(age["age"] == "65-69") & (age["year"] < 2023)]["value"].sum() == 0


def test_ads_history_credits_its_compilers_and_maps_manager_codes(store: Store) -> None:
    meta = manifest(store, "job_ads_history")
    assert "Lodefalk, Löthman, Koch, Engberg (2026)" in meta.licence
    assert "CC BY 4.0" in meta.licence
    assert meta.extra["manager_codes"]["1210"] == "121"
    ads = store.read("job_ads_history", verify=True)
    assert list(ads.columns) == ["month", "region_code", "ssyk", "ads", "positions"]
    assert set(ads["region_code"]) == {"00"}
    assert "1210" not in set(ads["ssyk"]) and "121" in set(ads["ssyk"])
    assert (ads["positions"] >= 0).all()


def test_municipal_sizes_follow_real_population(kommun: pd.DataFrame) -> None:
    dalarna = kommun[(kommun["region_code"].str[:2] == "20") & (kommun["year"] == 2023)]
    size = dalarna.groupby("region_code")["value"].sum().sort_values()
    assert set(size.index[-2:]) == {"2080", "2081"}  # Falun and Borlänge
    assert size["2021"] < size["2080"] / 3  # Vansbro
