"""`forecast fetch` against the local PxWebApi 2 server (loopback only), end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.errors import SourceError
from kompetens_forecast.jobs.fetch import Clients, fetch_dataset
from kompetens_forecast.sources.catalog import Catalog
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.sources.scb_v1 import ScbV1Client
from kompetens_forecast.sources.scb_v2 import PxWebClient
from kompetens_forecast.store import DataContext
from support.pxweb_server import PxWebServer, ServerConfig
from support.tables import yreg_table_from_parquet

REPO = Path(__file__).resolve().parent.parent
PARQUET = REPO / "data" / "raw" / "data" / "scb" / "scb_yreg60_county_ssyk4_sex_2014_2023.parquet"
CELLS = 22 * 429 * 2 * 10  # riket + 21 län, SSYK-4, sex, years
MARKED = {"Region": "09", "Yrke2012": "0110"}  # Gotland's officers: ".." in every year and sex


@pytest.fixture(scope="module")
def yreg_table():  # type: ignore[no-untyped-def]
    return yreg_table_from_parquet(PARQUET, "TAB9999", markers=[MARKED])


@pytest.fixture
def server(yreg_table) -> Iterator[PxWebServer]:  # type: ignore[no-untyped-def]
    with PxWebServer(
        tables=[yreg_table], config=ServerConfig(max_cells=50_000, max_calls=30, time_window=10.0)
    ) as running:
        yield running


def fast_client(server: PxWebServer, data_dir: Path, attempts: int = 6) -> Clients:
    """Clients of the local server with quick retries (no test waits long)."""
    settings = HttpSettings(
        cache_dir=data_dir / "cache", backoff_initial=0.01, backoff_max=0.05, attempts=attempts
    )
    v1 = ScbV1Client("http://127.0.0.1:9/unused", HttpClient(settings))
    return Clients(v2=PxWebClient(server.base_url, HttpClient(settings)), v1=v1)


def data_posts(server: PxWebServer) -> list:  # type: ignore[type-arg]
    return [r for r in server.requests if r.method == "POST" and r.path.endswith("/data")]


def test_cli_fetch_export_and_run_use_the_fetched_cells(
    server: PxWebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    data_dir = tmp_path / "data"
    result = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(data_dir),
        "fetch",
        "--dataset",
        "employment_county_ssyk4",
    )
    assert result.code == 0, result.err
    assert "employment_county_ssyk4\twritten\tTAB9999" in result.out

    posts = data_posts(server)
    assert posts and all(r.status == 200 for r in posts)
    assert max(r.cells or 0 for r in posts) <= 50_000  # never over the server's maxDataCells
    assert sum(r.cells or 0 for r in posts) == CELLS  # every cell asked for exactly once
    assert not [r for r in server.requests if r.status == 429]

    out = tmp_path / "export.parquet"
    exported = invoke(
        capsys,
        "--data-dir",
        str(data_dir),
        "data",
        "export",
        "--dataset",
        "employment_county_ssyk4",
        "--out",
        str(out),
    )
    assert exported.code == 0, exported.err
    frame = pd.read_parquet(out)
    assert (
        len(frame) == CELLS and not frame.duplicated(["region_code", "ssyk", "sex", "year"]).any()
    )
    marked = frame[(frame["region_code"] == "09") & (frame["ssyk"] == "0110")]
    assert len(marked) == 20 and marked["value"].isna().all() and set(marked["symbol"]) == {".."}
    assert frame["symbol"].notna().sum() == 20  # nothing else is marked, nothing became 0
    raw = pd.read_parquet(PARQUET)
    expected = raw[
        (raw["county_code"] == "20") & (raw["code_4"] == "2341") & (raw["year"] == "2023")
    ]["value"].sum()
    got = frame[
        (frame["region_code"] == "20") & (frame["ssyk"] == "2341") & (frame["year"] == 2023)
    ]["value"].sum()
    assert got == expected

    csv_out = tmp_path / "export.csv"
    assert (
        invoke(
            capsys,
            "--data-dir",
            str(data_dir),
            "data",
            "export",
            "-d",
            "employment_county_ssyk4",
            "-o",
            str(csv_out),
        ).code
        == 0
    )
    text = csv_out.read_text(encoding="utf-8").splitlines()
    assert text[0].startswith('"region_code"') and any(
        '"09","Gotlands län","0110"' in line and '".."' in line for line in text
    )

    run = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(data_dir),
        "run",
        "--region",
        "20",
        "--out",
        str(tmp_path / "r20"),
    )
    assert run.code == 0, run.err
    manifest = json.loads((tmp_path / "r20" / "manifest.json").read_text(encoding="utf-8"))
    county = next(d for d in manifest["datasets"] if d["dataset"] == "employment_county_ssyk4")
    assert county["origin"] == "store" and county["table_ids"] == ["TAB9999"]


def test_unchanged_table_makes_metadata_calls_only(server: PxWebServer, tmp_path: Path) -> None:
    ctx = DataContext(tmp_path)
    spec = Catalog.load().get("employment_county_ssyk4")
    assert fetch_dataset(ctx, fast_client(server, tmp_path), spec).status == "written"
    server.clear_requests()
    again = fetch_dataset(ctx, fast_client(server, tmp_path), spec)
    assert again.status == "unchanged"
    assert data_posts(server) == []
    assert ctx.user_store.vintages("employment_county_ssyk4") == [again.manifest.vintage]  # type: ignore[union-attr]


def test_updated_table_is_fetched_again_past_the_cache(
    server: PxWebServer, yreg_table, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    ctx = DataContext(tmp_path)
    spec = Catalog.load().get("employment_county_ssyk4")
    first = fetch_dataset(ctx, fast_client(server, tmp_path), spec)
    server.replace_table(replace(yreg_table, updated="2026-06-01T06:00:00Z"))
    server.clear_requests()
    second = fetch_dataset(ctx, fast_client(server, tmp_path), spec)
    assert second.status == "written" and data_posts(server)
    assert second.manifest.source_updated == "2026-06-01T06:00:00Z"  # type: ignore[union-attr]
    assert (
        len(ctx.user_store.vintages("employment_county_ssyk4")) == 2
        or first.manifest.vintage == second.manifest.vintage
    )  # type: ignore[union-attr]


def test_429_is_honoured_and_5xx_retried(server: PxWebServer, tmp_path: Path) -> None:
    client = fast_client(server, tmp_path)
    client.v2.config()
    server.fail_next(429, headers={"Retry-After": "0"})
    server.fail_next(503)
    server.drop_next(1)
    result = fetch_dataset(
        DataContext(tmp_path), client, Catalog.load().get("employment_county_ssyk4")
    )
    assert result.status == "written"
    faults = [r.fault for r in server.requests if r.fault]
    assert faults.count("fail") == 2 and faults.count("drop") == 1


def test_server_cap_lower_than_announced_is_met_by_halving(
    server: PxWebServer, tmp_path: Path
) -> None:
    client = fast_client(server, tmp_path)
    client.v2.config()  # the client believes 50,000 cells are allowed
    server.config = replace(server.config, max_cells=20_000)
    result = fetch_dataset(
        DataContext(tmp_path), client, Catalog.load().get("employment_county_ssyk4")
    )
    assert result.status == "written"
    ok = [r for r in data_posts(server) if r.status == 200]
    refused = [r for r in data_posts(server) if r.status == 400]
    assert refused and all((r.cells or 0) <= 20_000 for r in ok)
    assert sum(r.cells or 0 for r in ok) == CELLS


def test_interrupted_fetch_keeps_previous_data_and_a_rerun_completes(
    server: PxWebServer, tmp_path: Path
) -> None:
    ctx = DataContext(tmp_path)
    spec = Catalog.load().get("employment_county_ssyk4")
    before = ctx.load("employment_county_ssyk4")
    assert before.origin == "demo"
    clients = fast_client(server, tmp_path, attempts=2)
    client = clients.v2
    client.config()
    client.metadata("TAB9999")
    # the first two data chunks arrive, then the server goes away
    original = client._post_data
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            server.fail_next(500, n=10)
        return original(*args, **kwargs)

    client._post_data = flaky  # type: ignore[method-assign]
    with pytest.raises(SourceError):
        fetch_dataset(ctx, clients, spec)
    assert ctx.load("employment_county_ssyk4").origin == "demo"  # previous good data in use
    assert not list((tmp_path / "store").rglob("*.parquet"))

    server.clear_faults()
    server.clear_requests()
    result = fetch_dataset(ctx, fast_client(server, tmp_path), spec)
    assert result.status == "written"
    assert (
        len(data_posts(server)) == result.calls - 2
    )  # the two received chunks came from the cache
    assert ctx.load("employment_county_ssyk4").origin == "store"


def test_offline_fetch_without_cache_fails_clearly(
    server: PxWebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    result = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(tmp_path),
        "fetch",
        "--dataset",
        "employment_county_ssyk4",
        "--offline",
    )
    assert result.code == 1 and "not in the cache" in result.err
    assert server.requests == []


def test_dry_run_prints_the_plan_and_fetches_nothing(
    server: PxWebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    result = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(tmp_path),
        "fetch",
        "-d",
        "employment_county_ssyk4",
        "--dry-run",
    )
    assert result.code == 0, result.err
    row = dict(
        zip(
            result.out.splitlines()[0].split("\t"),
            result.out.splitlines()[1].split("\t"),
            strict=True,
        )
    )
    assert row["status"] == "planned" and int(row["cells"]) == CELLS and int(row["calls"]) == 4
    assert data_posts(server) == []


def test_unknown_dataset_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke(capsys, "--data-dir", str(tmp_path), "fetch", "--dataset", "employment_county")
    assert result.code == 2 and "employment_county_ssyk4" in result.err


def test_table_missed_by_search_is_found_in_the_full_list(yreg_table, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    oddly_named = replace(yreg_table, id="TAB0001", label="Sysselsatta efter region")
    with PxWebServer(tables=[oddly_named]) as running:
        result = fetch_dataset(
            DataContext(tmp_path),
            fast_client(running, tmp_path),
            Catalog.load().get("employment_county_ssyk4"),
        )
        queries = [r.query.get("query") for r in running.requests if r.path.endswith("/tables")]
    assert result.status == "written" and result.tables == ["TAB0001"]
    assert queries[-1] == ""  # searches found nothing, the full list did


def test_a_second_fetch_into_the_same_data_dir_is_refused(
    server: PxWebServer, tmp_path: Path
) -> None:
    from filelock import FileLock

    from kompetens_forecast.errors import FetchLockedError
    from kompetens_forecast.jobs.fetch import LOCK_FILE

    with (
        FileLock(str(tmp_path / LOCK_FILE)),
        pytest.raises(FetchLockedError, match="Another fetch"),
    ):
        fetch_dataset(
            DataContext(tmp_path),
            fast_client(server, tmp_path),
            Catalog.load().get("employment_county_ssyk4"),
        )
    assert server.requests == []


def test_search_command_lists_tables(
    server: PxWebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    result = invoke(capsys, "--data-dir", str(tmp_path), "search", "yrke")
    assert result.code == 0, result.err
    table_id, period, updated, label = result.out.splitlines()[0].split("\t")
    assert (table_id, period) == ("TAB9999", "2014–2023") and updated and "yrke" in label.lower()
