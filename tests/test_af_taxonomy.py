"""JobTech's taxonomy: fetch (GraphQL pinned to the current version) and the bundled fallback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kompetens_forecast.errors import DataError, OfflineError, SourceError
from kompetens_forecast.jobs.ingest_taxonomy import fetch_taxonomy, load_taxonomy
from kompetens_forecast.resources import embedded_data_dir
from kompetens_forecast.sources.af_taxonomy import (
    DATASET,
    GRAPHQL_PATH,
    TAXONOMY_BASE_URL_ENV,
    TAXONOMY_COLUMNS,
    VERSIONS_PATH,
    bundled_taxonomy,
    latest_version,
    parse_ssyk_level,
    taxonomy_base_url,
)
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.store import DataContext
from support.af_server import AfServer, graphql_selector

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "af"
COUNTS = {
    "ssyk-level-1": 10,
    "ssyk-level-2": 46,
    "ssyk-level-3": 147,
    "ssyk-level-4": 400,
    "region": 21,
    "municipality": 290,
    "occupation-name": 2412,
}


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


def graphql_requests(server: AfServer) -> list[str]:
    return [r.query["query"] for r in server.requests if r.path == GRAPHQL_PATH]


def test_fetch_writes_codes_with_leading_zeros_and_the_version(
    server: AfServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TAXONOMY_BASE_URL_ENV, server.base_url)
    ctx = DataContext(tmp_path / "data")
    result = fetch_taxonomy(ctx, http(ctx.data_dir))
    assert result.status == "written" and result.calls == 7
    assert result.manifest is not None and result.manifest.extra["taxonomy_version"] == 31
    assert result.manifest.extra["rows_per_type"] == COUNTS
    queries = graphql_requests(server)
    assert len(queries) == 6 and all('version: "31"' in q for q in queries)

    frame = ctx.user_store.read(DATASET)
    assert list(frame.columns) == TAXONOMY_COLUMNS
    assert frame.groupby("type").size().to_dict() == COUNTS
    assert frame["taxonomy_version"].dtype == "Int64" and (frame["taxonomy_version"] == 31).all()
    assert not frame.duplicated(["type", "concept_id"]).any()
    by = {(t, c): row for t, c, row in zip(frame["type"], frame["code"], frame.index, strict=True)}
    officers = frame.loc[by[("ssyk-level-4", "0110")]]
    assert (officers["concept_id"], officers["label"]) == ("KiVA_anS_RJh", "Officerare")
    assert officers["parent_code"] == "011"
    assert frame.loc[by[("ssyk-level-1", "0")], "label"] == "Militära yrken"
    assert frame.loc[by[("ssyk-level-2", "01")], "parent_code"] == "0"
    stockholm = frame.loc[by[("region", "01")]]
    assert (stockholm["concept_id"], stockholm["label"]) == ("CifL_Rzy_Mku", "Stockholms län")
    vasby = frame.loc[by[("municipality", "0114")]]
    assert (vasby["label"], vasby["parent_code"]) == ("Upplands Väsby", "01")
    for kind, width in (("ssyk-level-4", 4), ("region", 2), ("municipality", 4)):
        codes = frame.loc[frame["type"] == kind, "code"]
        assert codes.map(type).eq(str).all() and codes.str.len().eq(width).all()
    names = frame[frame["type"] == "occupation-name"]
    assert names["code"].isna().all() and names["parent_code"].str.fullmatch(r"\d{4}").all()
    it = names[names["label"] == "IT-tekniker"]
    assert it["parent_code"].tolist() == ["3511"]

    assert load_taxonomy(ctx).equals(frame)


def test_same_version_is_unchanged_and_a_new_one_refetches(
    server: AfServer, tmp_path: Path
) -> None:
    ctx = DataContext(tmp_path / "data")
    fetch_taxonomy(ctx, http(ctx.data_dir), base_url=server.base_url)
    server.clear_log()
    again = fetch_taxonomy(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert again.status == "unchanged" and again.calls == 1
    assert [r.path for r in server.requests] == [VERSIONS_PATH]

    versions = json.loads((FIXTURES / "taxonomy" / "versions.derived.json").read_text())
    server.set_file(VERSIONS_PATH, [*versions, {"taxonomy/version": 32}])  # DERIVED
    newer = fetch_taxonomy(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert newer.status == "written" and "replaces version 31" in newer.notes
    assert all('version: "32"' in q for q in graphql_requests(server))
    assert (ctx.user_store.read(DATASET)["taxonomy_version"] == 32).all()


def test_offline_empty_cache_and_server_errors(server: AfServer, tmp_path: Path) -> None:
    ctx = DataContext(tmp_path / "data")
    with pytest.raises(OfflineError):
        fetch_taxonomy(ctx, http(ctx.data_dir, offline=True), base_url=server.base_url)
    server.fail_next(500)
    result = fetch_taxonomy(ctx, http(ctx.data_dir), base_url=server.base_url)
    assert result.status == "written" and server.requests[0].status == 500

    other = DataContext(tmp_path / "other")
    server.set_graphql("type:ssyk-level-3", {"errors": [{"message": "boom"}]})
    with pytest.raises(SourceError, match="boom"):
        fetch_taxonomy(other, http(other.data_dir), base_url=server.base_url)
    assert other.user_store.manifest(DATASET) is None


def test_dry_run_plans_without_calls(server: AfServer, tmp_path: Path) -> None:
    ctx = DataContext(tmp_path / "data")
    planned = fetch_taxonomy(ctx, http(ctx.data_dir), base_url=server.base_url, dry_run=True)
    assert (planned.status, planned.calls) == ("planned", 7) and server.requests == []


def test_bundled_fallback_when_nothing_was_fetched(tmp_path: Path) -> None:
    frame = load_taxonomy(DataContext(tmp_path / "data"))
    assert list(frame.columns) == TAXONOMY_COLUMNS
    counts = frame.groupby("type").size().to_dict()
    for level, n in ((1, 10), (2, 46), (3, 147), (4, 400)):
        assert counts[f"ssyk-level-{level}"] == n
    assert frame["taxonomy_version"].isna().all()
    ssyk4 = frame[frame["type"] == "ssyk-level-4"].set_index("code")
    assert ssyk4.loc["0110", "concept_id"] == "KiVA_anS_RJh"


def test_bundled_copies_of_regions_are_read_when_present(tmp_path: Path) -> None:
    codes = tmp_path / "codes"
    codes.mkdir()
    for level in (1, 2, 3, 4):
        name = f"ssyk2012_level{level}_af_taxonomy.csv"
        (codes / name).write_bytes((embedded_data_dir() / "codes" / name).read_bytes())
    (codes / "af_taxonomy_region_lan.csv").write_text(
        "lan_code,af_concept_id,label\n01,CifL_Rzy_Mku,Stockholms län\n"
        "90,vrDq_rUY_7PX,Ospecificerad\n",
        encoding="utf-8",
    )
    (codes / "af_taxonomy_municipality_kommun.csv").write_text(
        "kommun_code,lan_code,af_concept_id,label\n0114,01,XWKY_c49_5nv,Upplands Väsby\n",
        encoding="utf-8",
    )
    frame = bundled_taxonomy(codes)
    regions = frame[frame["type"].isin(["region", "municipality"])]
    assert regions[["type", "code", "parent_code"]].values.tolist() == [
        ["region", "01", None],
        ["municipality", "0114", "01"],
    ]


def test_parsing_quirks() -> None:
    # DERIVED: a code sent as a number would lose its leading zero; it is padded back
    payload = {
        "data": {"concepts": [{"id": "x", "preferred_label": "Officerare", "ssyk_code_2012": 110}]}
    }
    rows = parse_ssyk_level(payload, 4, 31)
    assert rows[0]["code"] == "0110" and rows[0]["parent_code"] == "011"
    with pytest.raises(DataError, match="4-digit"):
        parse_ssyk_level(
            {
                "data": {
                    "concepts": [{"id": "x", "preferred_label": "y", "ssyk_code_2012": "12345"}]
                }
            },
            4,
            31,
        )
    with pytest.raises(DataError, match=r"data\.concepts"):
        parse_ssyk_level({"data": None}, 1, 31)
    assert latest_version([{"taxonomy/version": 2}, {"taxonomy/version": 31}]) == 31
    with pytest.raises(DataError):
        latest_version({})


def test_graphql_selector_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert graphql_selector('{ concepts(type: "ssyk-level-2", version: "31") { id } }') == (
        "type:ssyk-level-2"
    )
    assert graphql_selector('{ concepts(id: "i46j_HmG_v64", version: "31") { id } }') == (
        "id:i46j_HmG_v64"
    )
    assert graphql_selector("{ versions { id } }") is None
    monkeypatch.delenv(TAXONOMY_BASE_URL_ENV, raising=False)
    assert taxonomy_base_url() == "https://taxonomy.api.jobtechdev.se"
    monkeypatch.setenv(TAXONOMY_BASE_URL_ENV, "http://127.0.0.1:1/")
    assert taxonomy_base_url() == "http://127.0.0.1:1"
