"""Arbetsförmedlingen job ads: JobSearch counts, historical files, JobStream snapshot.

Everything runs against the local JobSearchServer (loopback) and the recorded JobSearch
response in tests/fixtures/af/jobsearch (provenance in its README). Files built here are
SYNTHETIC-FROM-REAL: the recorded ads repeated with shifted ids and dates.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kompetens_forecast.errors import DataError, SourceError
from kompetens_forecast.jobs.ingest_ads import (
    count_ads,
    fetch_job_ads_history,
    fetch_jobstream_snapshot,
)
from kompetens_forecast.sources import af_api_key
from kompetens_forecast.sources.af_ads_stream import aggregate_ads, iter_json_array, read_history
from kompetens_forecast.sources.af_codes import UNKNOWN_SSYK, AfCodes, classify_ad
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.store import DataContext
from support.jobsearch_server import (
    JobSearchServer,
    synthetic_ads,
    write_synthetic_history,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "af" / "jobsearch"
RECORDING = FIXTURES / "search_response_2025-09_team13.scrubbed.json"
HITS: list[dict[str, Any]] = json.loads(RECORDING.read_text(encoding="utf-8"))["hits"]
SECRET = "kf-test-secret-3f9a1c"


@pytest.fixture(scope="module")
def codes() -> AfCodes:
    return AfCodes.load(FIXTURES / "codes")


@pytest.fixture(autouse=True)
def no_user_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No API key from the environment or the user's config directory unless a test sets one."""
    monkeypatch.delenv(af_api_key.API_KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def server() -> Iterator[JobSearchServer]:
    with JobSearchServer(RECORDING) as running:
        yield running


def client(cache_dir: Path | None = None) -> HttpClient:
    """Quick retries: no test waits long."""
    return HttpClient(
        HttpSettings(cache_dir=cache_dir, backoff_initial=0.01, backoff_max=0.05, attempts=4)
    )


def context(tmp_path: Path) -> DataContext:
    return DataContext(tmp_path / "data", use_demo=False)


def expected_by_county() -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """(county, SSYK-4) → ads and → positions, straight from the recorded hits."""
    ads: Counter[tuple[str, str]] = Counter()
    positions: Counter[tuple[str, str]] = Counter()
    for hit in HITS:
        county = hit["workplace_address"]["region_code"]
        if county is None:
            continue
        key = (county, hit["occupation_group"]["legacy_ams_taxonomy_id"])
        ads[key] += 1
        positions[key] += hit["number_of_vacancies"]
    return ads, positions


def as_counter(frame: pd.DataFrame, column: str) -> Counter[tuple[str, str]]:
    return Counter(
        {(r.region_code, r.ssyk): getattr(r, column) for r in frame.itertuples() if r.ads}
    )


# -- mapping of single ads ------------------------------------------------------------------
def test_every_recorded_ad_maps_to_the_ssyk_and_kommun_it_carries(codes: AfCodes) -> None:
    for hit in HITS:
        where = classify_ad(hit, codes)
        place = hit["workplace_address"]
        assert where.ssyk == hit["occupation_group"]["legacy_ams_taxonomy_id"]
        assert where.occupation_method == "group_legacy_id"
        assert where.kommun == (place["municipality_code"] or "")
        assert where.county == (place["region_code"] or "")
        assert where.month == hit["publication_date"][:7]
        assert where.positions == hit["number_of_vacancies"]
    aggregate = aggregate_ads((json.dumps(h) for h in HITS), codes=codes)
    expected = Counter(
        (
            h["workplace_address"]["municipality_code"],
            h["occupation_group"]["legacy_ams_taxonomy_id"],
        )
        for h in HITS
        if h["workplace_address"]["municipality_code"]
    )
    assert as_counter(aggregate.frame("kommun"), "ads") == expected
    report = aggregate.report()
    assert report["occupation_mapped"] == 85 and report["occupation_unmapped"] == 0
    assert report["region"] == {
        "kommun_code": 84,
        "kommun_concept_id": 0,
        "county_only": 0,
        "unknown": 1,  # the one recorded ad with no workplace place at all
    }


def test_concept_ids_are_used_when_codes_are_missing(codes: AfCodes) -> None:
    hit = json.loads(json.dumps(HITS[0]))
    hit["occupation_group"]["legacy_ams_taxonomy_id"] = None
    hit["workplace_address"]["municipality_code"] = None
    where = classify_ad(hit, codes)
    assert (where.ssyk, where.occupation_method) == ("2225", "group_concept_id")
    assert (where.kommun, where.region_method) == ("0483", "kommun_concept_id")


def test_legacy_occupation_id_is_mapped_when_the_group_is_missing(codes: AfCodes) -> None:
    old = json.loads(json.dumps(HITS[0]))  # Psykiatrisjuksköterska, legacy occId 5783
    del old["occupation_group"]
    old["occupation"] = {"legacy_ams_taxonomy_id": "5783"}  # as in pre-2020 files
    where = classify_ad(old, codes)
    assert (where.ssyk, where.occupation_method) == ("2225", "occupation_legacy_id")
    unknown = {**old, "occupation": {"legacy_ams_taxonomy_id": "no-such-id"}}
    aggregate = aggregate_ads([json.dumps(old), json.dumps(unknown)], codes=codes)
    frame = aggregate.frame()
    assert set(frame["ssyk"]) == {"2225", UNKNOWN_SSYK}
    assert aggregate.report()["occupation"]["occupation_legacy_id"] == 1
    assert aggregate.report()["occupation_unmapped"] == 1
    # without the occId table the old ad falls into the unknown bucket, and says why
    bare = AfCodes(group_concept=codes.group_concept, counties=codes.counties, missing=("x",))
    assert classify_ad(old, bare).ssyk == UNKNOWN_SSYK


# -- JobSearch counts ----------------------------------------------------------------------
def test_county_counts_from_the_local_server_equal_counts_from_the_recorded_hits(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    ctx = context(tmp_path)
    result = count_ads(ctx, client(), base_url=server.base_url, level="county", codes=codes)
    assert result.status == "written"
    frame = ctx.user_store.read("job_ads")
    assert list(frame.columns) == [
        "snapshot_date",
        "region_code",
        "ssyk",
        "ads",
        "positions",
        "source",
    ]
    assert (frame["source"] == "jobsearch").all()
    assert frame["region_code"].str.len().eq(2).all()
    ads, positions = expected_by_county()
    assert as_counter(frame, "ads") == ads
    assert as_counter(frame, "positions") == positions  # every county ≤ the paging cap
    stats_calls = [r for r in server.requests if r.param("stats") == "occupation-group"]
    assert len(stats_calls) == 21
    assert all(r.derived for r in server.requests)  # derived answers, labelled as such
    assert stats_calls[0].param("region") == "01" and stats_calls[0].param("limit") == "0"
    manifest = result.manifest
    assert manifest is not None and manifest.source == "af"
    assert manifest.query is not None and manifest.query["endpoint"] == f"{server.base_url}/search"
    assert manifest.extra["mapping"] == {
        "county": {"ads": 84, "mapped": 84, "unmapped": 0, "stats_values_unmapped": 0}
    }
    assert manifest.extra["region_totals"]["01"] == {"ads": 36, "positions": 38.0}
    # the stats alone (no paging) give the same ads, and no positions
    stats_only = context(tmp_path / "stats")
    count_ads(stats_only, client(), base_url=server.base_url, positions=False, codes=codes)
    frame = stats_only.user_store.read("job_ads")
    assert as_counter(frame, "ads") == ads and frame["positions"].isna().all()


def test_kommun_counts_and_a_repeated_snapshot_replaces_its_own_rows(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    ctx = context(tmp_path)
    kommuner = sorted({h["workplace_address"]["municipality_code"] for h in HITS} - {None})
    for _ in range(2):
        count_ads(
            ctx, client(), base_url=server.base_url, level="kommun", regions=kommuner, codes=codes
        )
    frame = ctx.user_store.read("job_ads")
    expected = Counter(
        (
            h["workplace_address"]["municipality_code"],
            h["occupation_group"]["legacy_ams_taxonomy_id"],
        )
        for h in HITS
        if h["workplace_address"]["municipality_code"]
    )
    assert as_counter(frame, "ads") == expected  # no duplicates after the second run
    count_ads(ctx, client(), base_url=server.base_url, level="county", regions=["20"], codes=codes)
    both = ctx.user_store.read("job_ads")
    assert set(both["region_code"].str.len()) == {2, 4}  # levels kept apart by code length


def test_positions_are_missing_above_the_paging_cap(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    ctx = context(tmp_path)
    result = count_ads(
        ctx,
        client(),
        base_url=server.base_url,
        regions=["01", "14"],
        codes=codes,
        page_size=10,
        max_offset=10,  # reach 20 hits: Stockholm (36) cannot be paged, Västra Götaland (10) can
    )
    frame = ctx.user_store.read("job_ads")
    stockholm = frame[frame["region_code"] == "01"]
    assert stockholm["ads"].sum() == 36 and stockholm["positions"].isna().all()
    vg = frame[frame["region_code"] == "14"]
    assert vg["positions"].notna().all() and vg["ads"].sum() == 10
    assert any("Positions are missing" in note for note in result.notes)
    offsets = [int(r.param("offset") or 0) for r in server.requests if r.param("offset")]
    assert max(offsets) <= 10 and all(
        int(r.param("limit") or 0) <= 10 for r in server.requests if r.param("offset")
    )


def test_a_capped_stats_limit_is_stepped_down_and_cut_lists_go_to_unknown(
    tmp_path: Path, codes: AfCodes
) -> None:
    with JobSearchServer(RECORDING, stats_limit_max=3) as server:
        ctx = context(tmp_path)
        result = count_ads(
            ctx,
            client(),
            base_url=server.base_url,
            regions=["01", "09"],
            codes=codes,
            positions=False,
            stats_limits=(500, 3),
        )
        first, second = server.requests[:2]
    assert (first.status, first.param("stats.limit")) == (400, "500")
    assert (second.status, second.param("stats.limit")) == (200, "3")
    frame = ctx.user_store.read("job_ads")
    stockholm = frame[frame["region_code"] == "01"]
    assert stockholm["ads"].sum() == 36  # the total is kept …
    assert len(stockholm) == 4  # … as the 3 largest groups + the rest under SSYK 0002
    assert stockholm.loc[stockholm["ssyk"] == UNKNOWN_SSYK, "ads"].item() == 36 - sum(
        sorted(server.counts_from_hits(region="01").values())[-3:]
    )
    assert stockholm["positions"].isna().all()
    assert any("stats.limit" in note for note in result.notes)


def test_429_with_retry_after_is_retried(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    server.fail_next(429, {"Retry-After": "0"}, n=2)
    ctx = context(tmp_path)
    count_ads(ctx, client(), base_url=server.base_url, regions=["20"], codes=codes)
    statuses = [r.status for r in server.requests]
    assert statuses[:3] == [429, 429, 200]
    assert ctx.user_store.read("job_ads")["ads"].sum() == 2
    # the streamed paths retry the same way
    server.add_file("2025.jsonl.zip", write_synthetic_history(tmp_path / "s.zip", HITS, 1))
    server.fail_next(429, {"Retry-After": "0"})
    fetch_job_ads_history(
        ctx, client(), years=[2025], base_url=server.historical_base_url, codes=codes
    )
    assert [r.status for r in server.requests[-2:]] == [429, 200]


def test_server_errors_give_a_source_error_after_the_attempts(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    server.fail_next(503, n=4)
    with pytest.raises(SourceError, match="4 attempts"):
        count_ads(
            context(tmp_path), client(), base_url=server.base_url, regions=["09"], codes=codes
        )
    assert not context(tmp_path).user_store.has("job_ads")  # nothing half-written


def test_api_key_header_is_sent_and_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, codes: AfCodes
) -> None:
    monkeypatch.setenv(af_api_key.API_KEY_ENV, SECRET)
    ctx = context(tmp_path)
    with JobSearchServer(RECORDING, required_api_key=SECRET) as server:
        result = count_ads(
            ctx,
            client(ctx.data_dir / "cache"),
            base_url=server.base_url,
            regions=["20"],
            codes=codes,
        )
        snapshot = fetch_jobstream_snapshot(
            ctx, client(ctx.data_dir / "cache"), base_url=server.jobstream_base_url, codes=codes
        )
        assert all(r.headers.get("api-key") == SECRET for r in server.requests)
        assert all(r.status == 200 for r in server.requests)
    assert result.manifest is not None and result.manifest.extra["api_key_header_sent"] is True
    assert snapshot.manifest is not None
    written = [p for p in ctx.data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in written)
    assert any(p.suffix == ".sqlite" for p in written)  # the HTTP cache exists …
    for path in written:  # … and neither it nor any manifest holds the key
        assert SECRET.encode() not in path.read_bytes(), path


def test_no_api_key_header_without_a_key(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    count_ads(context(tmp_path), client(), base_url=server.base_url, regions=["09"], codes=codes)
    assert all("api-key" not in r.headers for r in server.requests)


def test_api_key_from_the_user_config_file(tmp_path: Path) -> None:
    config = tmp_path / "jobtech.toml"
    config.write_text(f'api_key = "{SECRET}"\n', encoding="utf-8")
    assert af_api_key.jobtech_api_key(config) == SECRET
    assert af_api_key.jobtech_api_key(tmp_path / "absent.toml") is None


def test_dry_run_makes_no_calls(server: JobSearchServer, tmp_path: Path, codes: AfCodes) -> None:
    result = count_ads(
        context(tmp_path), client(), base_url=server.base_url, dry_run=True, codes=codes
    )
    assert (result.status, result.calls) == ("planned", 21)
    history = fetch_job_ads_history(
        context(tmp_path), client(), years=[2024, 2025], base_url="http://h", dry_run=True
    )
    assert history.tables == ["http://h/2024.jsonl.zip", "http://h/2025.jsonl.zip"]
    assert server.requests == []


# -- historical files ------------------------------------------------------------------------
def test_a_generated_zip_streams_to_the_same_aggregate_as_the_plain_list(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    path = write_synthetic_history(tmp_path / "synthetic-from-real_3x.jsonl.zip", HITS, copies=3)
    lines = [json.dumps(ad) for ad in synthetic_ads(HITS, 3)]
    plain = aggregate_ads(lines, codes=codes)
    streamed = read_history(path, codes=codes)
    assert streamed.cells == plain.cells and streamed.ads == 3 * 85
    assert streamed.report() == plain.report()
    # the same file over HTTP, and as a JSON array (the older files' format)
    url = server.add_file("synthetic-from-real_3x.jsonl.zip", path)
    assert (
        read_history(url, client(), codes=codes, download_dir=tmp_path / "dl").cells == plain.cells
    )
    ctx = context(tmp_path)
    local = fetch_job_ads_history(ctx, client(), path=path, codes=codes)
    assert (local.calls, local.tables) == (0, [str(path)])
    stored = ctx.user_store.read("job_ads_history").rename(columns={"month": "period"})
    pd.testing.assert_frame_equal(stored, plain.frame("kommun"))
    array = tmp_path / "synthetic-from-real_3x.json"
    array.write_text(json.dumps(list(synthetic_ads(HITS, 3))), encoding="utf-8")
    assert read_history(array, codes=codes).cells == plain.cells


def test_history_fetch_writes_months_by_kommun_and_county_counts_match(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    server.add_file(
        "2025.jsonl.zip",
        write_synthetic_history(tmp_path / "synthetic-from-real_25x.zip", HITS, copies=25),
    )
    ctx = context(tmp_path)
    result = fetch_job_ads_history(
        ctx, client(), years=[2025], base_url=server.historical_base_url, codes=codes
    )
    frame = ctx.user_store.read("job_ads_history")
    assert list(frame.columns) == ["month", "region_code", "ssyk", "ads", "positions"]
    assert set(frame["month"]) == {"2025-09", "2025-10"}  # 11 Sep + 0…24 days
    assert frame["region_code"].str.fullmatch(r"\d{4}").all()
    assert frame["ads"].sum() == 25 * 84  # the ad without a kommun is reported, not placed
    manifest = result.manifest
    assert manifest is not None
    mapping = manifest.extra["mapping"]
    assert (mapping["occupation_mapped"], mapping["occupation_unmapped"]) == (25 * 85, 0)
    assert (mapping["kommun_mapped"], mapping["kommun_unmapped"]) == (25 * 84, 25)
    assert manifest.extra["files"][0]["sha256"] and manifest.query is not None
    assert manifest.query["years"] == [2025]
    # SSYK-4 × county from the streamed file = the recorded hits × 25
    by_county = read_history(
        ctx.data_dir / "downloads" / "af_historical" / "2025.jsonl.zip", codes=codes
    )
    county = by_county.frame("county").groupby(["region_code", "ssyk"])["ads"].sum()
    ads, _ = expected_by_county()
    assert {k: int(v) for k, v in county.items()} == {k: 25 * n for k, n in ads.items()}
    # a second run reads the kept download: no new request
    before = len(server.requests)
    fetch_job_ads_history(
        ctx, client(), years=[2025], base_url=server.historical_base_url, codes=codes
    )
    assert len(server.requests) == before


def test_bad_lines_are_counted_and_a_file_of_none_is_refused(
    tmp_path: Path, codes: AfCodes
) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(b"\xef\xbb\xbf" + json.dumps(HITS[0]).encode() + b"\n\nnot json\n[1]\n")
    aggregate = read_history(mixed, codes=codes)
    assert (aggregate.ads, aggregate.counts["bad_lines"]) == (1, 2)
    junk = tmp_path / "junk.jsonl"
    junk.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(DataError, match="No line"):
        read_history(junk, codes=codes)


@pytest.mark.parametrize("chunk", [1, 7, 1000, 1 << 20])
def test_json_arrays_are_split_at_any_chunk_size(chunk: int) -> None:
    ads = [{k: v for k, v in hit.items() if k != "description"} for hit in HITS[:3]]
    values = [*ads, 1.25, -3e-2, "x]", True, None, [], {}]
    body = json.dumps(values, ensure_ascii=False).encode("utf-8")
    assert list(iter_json_array(io.BytesIO(body).read, chunk)) == values
    assert list(iter_json_array(io.BytesIO(b" [ ] ").read, chunk)) == []
    with pytest.raises(DataError):
        list(iter_json_array(io.BytesIO(body[:-40]).read, chunk))


# -- JobStream snapshot ----------------------------------------------------------------------
def test_snapshot_counts_current_ads_by_kommun(
    server: JobSearchServer, tmp_path: Path, codes: AfCodes
) -> None:
    ctx = context(tmp_path)
    result = fetch_jobstream_snapshot(
        ctx, client(), base_url=server.jobstream_base_url, codes=codes
    )
    assert [r.path for r in server.requests] == ["/v2/snapshot"]
    frame = ctx.user_store.read("job_ads_snapshot")
    assert list(frame.columns) == [
        "snapshot_date",
        "region_code",
        "ssyk",
        "ads",
        "positions",
        "source",
    ]
    assert frame["snapshot_date"].nunique() == 1 and (frame["source"] == "jobstream").all()
    expected = Counter(
        (
            h["workplace_address"]["municipality_code"],
            h["occupation_group"]["legacy_ams_taxonomy_id"],
        )
        for h in HITS
        if h["workplace_address"]["municipality_code"]
    )
    assert as_counter(frame, "ads") == expected
    assert math.isclose(frame["positions"].sum(), 99.0)  # 100 positions, 1 ad without a place
    assert result.manifest is not None and result.manifest.extra["mapping"]["ads"] == 85
    # a saved snapshot file gives the same counts
    saved = tmp_path / "snapshot.json"
    saved.write_text(json.dumps(HITS), encoding="utf-8")
    again = fetch_jobstream_snapshot(context(tmp_path / "b"), client(), path=saved, codes=codes)
    assert again.cells == result.cells
