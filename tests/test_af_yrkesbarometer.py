"""Arbetsförmedlingen's Yrkesbarometer: parsers, rounds, and fetches from a loopback server."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kompetens_forecast.analysis.af_rounds import current_labels, merge_rounds
from kompetens_forecast.errors import DataError, OfflineError
from kompetens_forecast.jobs.export import export_dataset
from kompetens_forecast.jobs.ingest import fetch_yrkesbarometer
from kompetens_forecast.resources import embedded_data_dir
from kompetens_forecast.sources.af_yrkesbarometer import (
    AF_DATA_BASE_URL_ENV,
    DATASET,
    YB_COLUMNS,
    YRKESBAROMETER_PATH,
    match_ssyk_names,
    parse_full,
    parse_national_subset,
    yrkesbarometer_url,
)
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.store import DataContext, Store
from support.af_server import AfServer

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "af"
YB = FIXTURES / "yrkesbarometer"
JURISTER = ["2611", "2612", "2613", "2614", "2615", "2619"]


def load(name: str) -> Any:
    return json.loads((YB / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def full_records() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = load("yrkesbarometer_2025-2_sample.json")
    return rows + load("yrkesbarometer_2025-2_multi_ssyk_rows.json")


@pytest.fixture(scope="module")
def full(full_records: list[dict[str, Any]]) -> pd.DataFrame:
    return parse_full(full_records)


def later_round(records: list[dict[str, Any]], omgang: str = "2026-1") -> list[dict[str, Any]]:
    """DERIVED test data: the recorded 2025-2 rows with `omgang` changed to a later round."""
    rows = copy.deepcopy(records)
    for row in rows:
        row["omgang"] = omgang
    return rows


# -- parse_full -----------------------------------------------------------------------------------
def test_full_layout_and_codes_are_strings(full: pd.DataFrame) -> None:
    assert list(full.columns) == YB_COLUMNS
    assert len(full) == 66 + 2 * 6
    assert full["region_code"].map(type).eq(str).all()
    assert full["region_code"].nunique() == 22 and {"00", "01", "09", "25"} <= set(
        full["region_code"]
    )
    assert full["ssyk"].str.fullmatch(r"\d{4}").all()
    assert full["antal_ssyk"].dtype == "int64" and full["del_av_ssyk"].dtype == "Int64"
    assert set(full["format"]) == {"full"} and set(full["omgang"]) == {"2025-2"}
    assert not full.duplicated(["omgang", "region_code", "ssyk", "yb_yrke"]).any()


def test_multi_code_rows_are_exploded(full: pd.DataFrame) -> None:
    jurister = full[full["yb_yrke"] == "Jurister"]
    assert sorted(jurister["region_code"].unique()) == ["00", "01"]
    for _region, rows in jurister.groupby("region_code"):
        assert sorted(rows["ssyk"]) == JURISTER  # one row per SSYK-4, six per region
        assert (rows["antal_ssyk"] == 6).all() and (rows["del_av_ssyk"] == 0).all()
        assert rows["rekryteringssituation"].nunique() == 1


def test_county_level_flag(full: pd.DataFrame) -> None:
    riket = full["region_code"] == "00"
    assert not full.loc[riket, "county_level"].any()
    lan = full[~riket]
    assert lan["county_level"].equals(lan["hogsta_bedomningsniva"] == "län")
    assert lan["county_level"].sum() == 10 + 6  # 10 recorded län rows + Jurister in Stockholm
    jonkoping = full.query("region_code == '06' and ssyk == '4119'").iloc[0]
    assert jonkoping["hogsta_bedomningsniva"] == "nuts2" and not jonkoping["county_level"]
    assert jonkoping["delvis_helt"] == "delvis"


def test_paradox_flag_and_raw_labels(full: pd.DataFrame) -> None:
    assert full["paradox"].dtype == bool
    assert full["paradox"].equals(full["rekryteringssituation"] == "paradox")
    assert full["paradox"].sum() == 16  # 2222 in 16 regions: ["deltidsarbete"]
    assert set(full["rekryteringssituation"]) == {"överskott", "balans", "brist", "paradox"}
    assert set(full["prognos"]) <= {"öka", "vara oförändrad", "minska"}
    assert set(full["jobbmojligheter"]) <= {"små", "medelstora", "stora"}


def test_quirks_numbers_and_bad_rows(full_records: list[dict[str, Any]]) -> None:
    row = copy.deepcopy(full_records[0])  # DERIVED: a recorded row with its codes as numbers
    row["lan"], row["ssyk"] = 1, 4119
    parsed = parse_full([row])
    assert parsed["region_code"].tolist() == ["01"] and parsed["ssyk"].tolist() == ["4119"]
    bad = dict(full_records[-1], antal_ssyk=5)  # DERIVED: count disagrees with the codes
    with pytest.raises(DataError, match="antal_ssyk says 5"):
        parse_full([bad])
    with pytest.raises(DataError, match="'omgang' is missing"):
        parse_full([{k: v for k, v in full_records[0].items() if k != "omgang"}])
    with pytest.raises(DataError, match="JSON list"):
        parse_full({"rows": []})


# -- the reduced national format ---------------------------------------------------------------
def test_subset_names_match_whole_labels() -> None:
    records = load("yrkesbarometer_2026-1_national_subset.json")
    frame, unmatched = parse_national_subset(records, omgang="2026-1")
    assert unmatched == []
    mapping = pd.read_csv(
        YB / "yrkesbarometer_2026-1_national_subset_ssyk4.csv", dtype=str, keep_default_na=False
    )
    expected = sorted(zip(mapping["yb_name"], mapping["ssyk4"], strict=True))
    assert sorted(zip(frame["yb_yrke"], frame["ssyk"], strict=True)) == expected
    # a label with commas of its own is one code, not three
    info = frame[frame["yb_yrke"] == "Informatörer och kommunikatörer"]
    assert info["ssyk"].tolist() == ["2432"] and (info["antal_ssyk"] == 1).all()
    finans = frame[frame["yb_yrke"] == "Finansanalytiker och finansmäklare"]
    assert sorted(finans["ssyk"]) == ["2413", "2414", "3311"]
    assert (frame["region_code"] == "00").all() and not frame["county_level"].any()
    assert frame["paradox"].equals(frame["rekryteringssituation"] == "paradox")
    assert frame["yb_concept_id"].isna().all() and frame["del_av_ssyk"].isna().all()


def test_subset_unmatched_names_are_reported() -> None:
    records = load("yrkesbarometer_2026-1_national_subset.json")[:3]
    unknown = dict(records[0], name="Påhittade yrken", ssyk="Påhittade yrken m.fl.")  # DERIVED
    partial = dict(  # DERIVED: one known label, one unknown → no partial match
        records[0], name="Halvkända yrken", ssyk="Revisorer m.fl., Påhittade yrken m.fl."
    )
    frame, unmatched = parse_national_subset([*records, unknown, partial], omgang="2026-1")
    assert unmatched == ["Påhittade yrken", "Halvkända yrken"]
    assert set(frame["yb_yrke"]) == {r["name"] for r in records}


def test_name_matcher_prefers_whole_labels() -> None:
    labels = {"Alfa, beta och gamma": "1111", "Alfa": "2222", "Beta och gamma": "3333"}
    assert match_ssyk_names("Alfa, beta och gamma", labels) == ["1111"]
    assert match_ssyk_names("Beta och gamma, alfa,  beta och GAMMA", labels) == ["3333", "1111"]
    assert match_ssyk_names("Alfa, Delta", labels) is None


def test_subset_rows_equal_the_demo_rows() -> None:
    demo = Store(embedded_data_dir() / "store", read_only=True).read(DATASET)
    demo_subset = demo[demo["omgang"] == "2026-1"].reset_index(drop=True)
    records = load("yrkesbarometer_2026-1_national_subset.json")
    frame, _ = parse_national_subset(records, omgang="2026-1")
    pd.testing.assert_frame_equal(frame, demo_subset)


# -- rounds -------------------------------------------------------------------------------------
def test_merge_rounds_replaces_only_the_new_round(
    full: pd.DataFrame, full_records: list[dict[str, Any]]
) -> None:
    later = parse_full(later_round(full_records))
    both = merge_rounds(full, later)
    assert both.groupby("omgang").size().to_dict() == {"2025-2": 78, "2026-1": 78}
    changed = later_round(full_records[:22])  # DERIVED: 2026-1 again, only 4119
    again = merge_rounds(both, parse_full(changed))
    assert again.groupby("omgang").size().to_dict() == {"2025-2": 78, "2026-1": 22}
    assert merge_rounds(None, full).equals(full)


def test_current_labels_take_the_latest_round_and_flag_conflicts() -> None:
    demo = Store(embedded_data_dir() / "store", read_only=True).read(DATASET)
    labels = current_labels(demo)
    assert not labels.duplicated(["region_code", "ssyk"]).any()
    riket = labels[labels["region_code"] == "00"].set_index("ssyk")
    assert riket.loc["4119", "omgang"] == "2026-1"  # the subset round is newer for riket
    stockholm = labels[labels["region_code"] == "01"].set_index("ssyk")
    assert stockholm.loc["4119", "omgang"] == "2025-2"  # no län rows in 2026-1
    assert stockholm.loc["2611", "county_level"]
    # 2026-1: four SSYK-4 codes belong to two barometer occupations each; two disagree
    shared = riket[riket["n_yrken"] > 1]
    assert shared["conflict"].to_dict() == {
        "2143": False,
        "3113": False,
        "6113": True,
        "9411": True,
    }
    row = riket.loc["6113"]
    assert row["yb_yrke"] == "Trädgårdsanläggare; Trädgårdsarbetare, skötsel utemiljö"
    assert row["rekryteringssituation"] == "paradox"  # a 1–1 tie: the first name's label


# -- fetching ------------------------------------------------------------------------------------
@pytest.fixture
def server() -> Iterator[AfServer]:
    with AfServer.from_recordings(FIXTURES) as running:
        yield running


def http(data_dir: Path, *, offline: bool = False) -> HttpClient:
    settings = HttpSettings(
        cache_dir=data_dir / "cache",
        offline=offline,
        backoff_initial=0.01,
        backoff_max=0.05,
        attempts=3,
    )
    return HttpClient(settings)


def test_two_fetches_with_a_new_round_keep_both(
    server: AfServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    full_records: list[dict[str, Any]],
) -> None:
    monkeypatch.setenv(AF_DATA_BASE_URL_ENV, server.base_url)
    ctx = DataContext(tmp_path / "data")
    first = fetch_yrkesbarometer(ctx, http(ctx.data_dir))
    assert first.status == "written" and first.tables == [server.base_url + YRKESBAROMETER_PATH]
    assert first.manifest is not None and first.manifest.extra["rounds"] == ["2025-2"]

    server.set_file(YRKESBAROMETER_PATH, later_round(full_records))  # DERIVED: round 2026-1
    second = fetch_yrkesbarometer(ctx, http(ctx.data_dir))
    assert second.status == "written"
    manifest = second.manifest
    assert manifest is not None
    assert manifest.extra["rounds"] == ["2025-2", "2026-1"]
    assert manifest.extra["rows_per_round"] == {"2025-2": 78, "2026-1": 78}
    assert manifest.dims == ["omgang", "region_code", "ssyk", "yb_yrke"]
    assert manifest.source == "af" and "CC0" in manifest.licence
    assert manifest.extra["round_info"]["2025-2"]["taxonomi_version"] == ["27"]
    assert any("rounds kept" in note for note in second.notes)
    assert len([r for r in server.requests if r.path == YRKESBAROMETER_PATH]) == 2

    out = export_dataset(ctx, DATASET, tmp_path / "yb.csv")
    exported = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(exported.columns) == YB_COLUMNS
    assert set(exported["omgang"]) == {"2025-2", "2026-1"}
    assert {"00", "01", "25"} <= set(exported["region_code"])  # strings with leading zeros
    assert exported["ssyk"].str.fullmatch(r"\d{4}").all()  # one row per SSYK-4
    jurister = exported[(exported["yb_yrke"] == "Jurister") & (exported["omgang"] == "2026-1")]
    assert len(jurister) == 12


def test_refetching_a_round_is_unchanged_or_replaces_only_it(
    server: AfServer, tmp_path: Path, full_records: list[dict[str, Any]]
) -> None:
    ctx = DataContext(tmp_path / "data")
    server.set_file(YRKESBAROMETER_PATH, later_round(full_records, "2025-1"))  # DERIVED
    fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    server.set_file(YRKESBAROMETER_PATH, full_records)
    written = fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert written.manifest is not None
    vintages = Store(ctx.data_dir / "store").vintages(DATASET)

    again = fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert again.status == "unchanged" and again.calls == 1
    assert again.manifest is not None and again.manifest.vintage == written.manifest.vintage
    assert Store(ctx.data_dir / "store").vintages(DATASET) == vintages

    corrected = copy.deepcopy(full_records)  # DERIVED: AF corrects one label in 2025-2
    corrected[0]["prognos"] = "öka"
    server.set_file(YRKESBAROMETER_PATH, corrected)
    replaced = fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert replaced.status == "written" and "round 2025-2 replaced (78 rows)" in replaced.notes
    stored = ctx.user_store.read(DATASET)
    assert stored.groupby("omgang").size().to_dict() == {"2025-1": 78, "2025-2": 78}
    cell = stored.query("omgang == '2025-2' and region_code == '00' and ssyk == '4119'")
    assert cell["prognos"].tolist() == ["öka"]
    old = stored.query("omgang == '2025-1' and region_code == '00' and ssyk == '4119'")
    assert old["prognos"].tolist() == ["vara oförändrad"]


def test_offline_with_an_empty_cache_fails(server: AfServer, tmp_path: Path) -> None:
    ctx = DataContext(tmp_path / "data")
    with pytest.raises(OfflineError, match="not in the cache"):
        fetch_yrkesbarometer(ctx, http(ctx.data_dir, offline=True), base_url=server.base_url)
    assert server.requests == [] and ctx.user_store.manifest(DATASET) is None
    # once fetched online, offline answers from the cache
    fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    offline = fetch_yrkesbarometer(ctx, http(ctx.data_dir, offline=True), base_url=server.base_url)
    assert offline.status == "unchanged" and len(server.requests) == 1


def test_server_error_then_success_is_retried(server: AfServer, tmp_path: Path) -> None:
    ctx = DataContext(tmp_path / "data")
    server.fail_next(500)
    result = fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert result.status == "written"
    assert [r.status for r in server.requests] == [500, 200]


def test_dry_run_and_unexpected_formats(server: AfServer, tmp_path: Path) -> None:
    ctx = DataContext(tmp_path / "data")
    planned = fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url, dry_run=True)
    assert planned.status == "planned" and planned.calls == 1 and server.requests == []
    server.set_file(YRKESBAROMETER_PATH, load("yrkesbarometer_2026-1_national_subset.json"))
    with pytest.raises(DataError, match="reduced national format"):
        fetch_yrkesbarometer(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert ctx.user_store.manifest(DATASET) is None


def test_base_url_default_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(AF_DATA_BASE_URL_ENV, raising=False)
    assert yrkesbarometer_url() == (
        "https://data.arbetsformedlingen.se/prognoser/yrkesbarometer.json"
    )
    monkeypatch.setenv(AF_DATA_BASE_URL_ENV, "http://127.0.0.1:1/")
    assert yrkesbarometer_url() == "http://127.0.0.1:1/prognoser/yrkesbarometer.json"
