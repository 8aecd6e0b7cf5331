"""Faults of the network and the HTTP cache (issue 14, items 2, 3, 7, 9), against the local
fault-injecting server (tests/support/fault_server.py). Fast: no real waits."""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kompetens_forecast.errors import OfflineError, SourceError
from kompetens_forecast.jobs.fetch import Clients, fetch_dataset
from kompetens_forecast.sources.catalog import Catalog
from kompetens_forecast.sources.http import CACHE_FILE, HttpClient, HttpSettings
from kompetens_forecast.sources.scb_v1 import ScbV1Client
from kompetens_forecast.sources.scb_v2 import PxWebClient
from kompetens_forecast.store import DataContext
from support.fault_server import FaultServer, small_table

DATASET = "employment_county_ssyk4"


@pytest.fixture(scope="module")
def table_and_source(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return small_table(tmp_path_factory.mktemp("tables"))


@pytest.fixture
def server(table_and_source) -> Iterator[FaultServer]:  # type: ignore[no-untyped-def]
    table, source = table_and_source
    with FaultServer(tables=[table]) as running:
        running.source = source
        yield running


def settings(data_dir: Path, **overrides: object) -> HttpSettings:
    """Quick settings: no real sleeping between attempts."""
    values: dict[str, object] = {
        "cache_dir": data_dir / "cache",
        "backoff_initial": 0.001,
        "backoff_max": 0.002,
        "attempts": 4,
        **overrides,
    }
    return HttpSettings(**values)  # type: ignore[arg-type]


def clients(server: FaultServer, data_dir: Path, **overrides: object) -> Clients:
    http = settings(data_dir, **overrides)
    v1 = ScbV1Client("http://127.0.0.1:9/unused", HttpClient(http))
    return Clients(v2=PxWebClient(server.base_url, HttpClient(http)), v1=v1)


def posts(server: FaultServer) -> int:
    return sum(1 for r in server.requests if r.method == "POST" and r.path.endswith("/data"))


def fetch(server: FaultServer, data_dir: Path, **overrides: object):  # type: ignore[no-untyped-def]
    spec = Catalog.load().get(DATASET)
    return fetch_dataset(DataContext(data_dir), clients(server, data_dir, **overrides), spec)


# -- item 2: a bad answer is never cached --------------------------------------------------
def test_a_json_body_cut_in_half_is_not_cached_and_a_plain_refetch_gets_the_data(
    server: FaultServer, tmp_path: Path
) -> None:
    server.always("half")
    with pytest.raises(SourceError, match="invalid JSON"):
        fetch(server, tmp_path, attempts=2)
    assert server.faults_applied == ["half", "half"]  # asked again: retried, not cached
    server.always(None)
    server.clear_requests()
    result = fetch(server, tmp_path)  # no --refresh
    assert result.status == "written"
    assert posts(server) >= 1  # the server was asked again, not the cache
    frame = DataContext(tmp_path).load(DATASET)
    assert frame.origin == "store" and frame.frame["value"].notna().any()


def test_a_half_body_once_is_retried_within_the_same_fetch(
    server: FaultServer, tmp_path: Path
) -> None:
    server.break_data("half")
    assert fetch(server, tmp_path).status == "written"
    assert server.faults_applied == ["half"]


# -- item 3: resets and short bodies mid-transfer are retried ------------------------------
@pytest.mark.parametrize("mode", ["cut", "reset"])
def test_a_connection_broken_mid_body_is_retried(
    server: FaultServer, tmp_path: Path, mode: str
) -> None:
    server.break_data(mode, n=2)
    result = fetch(server, tmp_path)
    assert result.status == "written"
    assert server.faults_applied == [mode, mode]


def test_a_connection_broken_on_every_attempt_ends_in_one_source_error(
    server: FaultServer, tmp_path: Path
) -> None:
    server.always("reset")
    with pytest.raises(SourceError) as info:
        fetch(server, tmp_path, attempts=3)
    assert "failed after" in info.value.one_line()
    assert "\n" not in info.value.one_line()
    assert DataContext(tmp_path).load(DATASET).origin == "demo"  # nothing replaced


# -- item 7: time limits -------------------------------------------------------------------
def test_a_trickling_server_is_cut_off_at_the_deadline(server: FaultServer, tmp_path: Path) -> None:
    server.trickle_pause = 0.02
    server.always("trickle")
    with pytest.raises(SourceError, match="too slowly"):
        fetch(server, tmp_path, deadline=0.3)


def test_a_long_retry_after_stops_with_one_line_instead_of_waiting(
    server: FaultServer, tmp_path: Path
) -> None:
    http = HttpClient(settings(tmp_path, max_retry_after=60.0))
    slept: list[float] = []
    http = HttpClient(settings(tmp_path, max_retry_after=60.0, sleep=slept.append))
    server.fail_next(429, headers={"Retry-After": "86400"})
    with pytest.raises(SourceError, match="86400 s") as info:
        http.get_json(f"{server.base_url}/config")
    assert "KF_HTTP_MAX_RETRY_AFTER" in info.value.one_line()
    assert slept == []


def test_a_short_retry_after_is_waited_through_the_injected_sleep(
    server: FaultServer, tmp_path: Path
) -> None:
    slept: list[float] = []
    http = HttpClient(settings(tmp_path, sleep=slept.append))
    server.fail_next(429, headers={"Retry-After": "2"})
    assert http.get_json(f"{server.base_url}/config")
    assert slept == [2.0]


def test_time_limits_come_from_the_environment() -> None:
    env = {"KF_HTTP_READ_TIMEOUT": "7", "KF_HTTP_DEADLINE": "30", "KF_HTTP_ATTEMPTS": "2"}
    got = HttpSettings.from_env(env)
    assert (got.read_timeout, got.deadline, got.attempts) == (7.0, 30.0, 2)
    with pytest.raises(Exception, match="KF_HTTP_DEADLINE='soon'"):
        HttpSettings.from_env({"KF_HTTP_DEADLINE": "soon"})


def test_the_deadline_stops_retrying(server: FaultServer, tmp_path: Path) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    http = HttpClient(
        settings(
            tmp_path,
            attempts=50,
            backoff_initial=1.0,
            backoff_max=1.0,
            deadline=5.0,
            sleep=sleep,
            clock=lambda: now[0],
        )
    )
    server.fail_next(503, n=50)
    with pytest.raises(SourceError, match="failed after"):
        http.get_json(f"{server.base_url}/config")
    assert 5.0 <= now[0] <= 6.0  # stopped at the deadline, not after 50 attempts


# -- item 9: the cache is JSON, never pickle -----------------------------------------------
class _Boom:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.touch, (Path(_Boom.marker),))

    marker = ""


def test_a_crafted_pickle_in_the_cache_is_never_unpickled(
    server: FaultServer, tmp_path: Path
) -> None:
    url = f"{server.base_url}/config"
    http = HttpClient(settings(tmp_path))
    http.get_json(url)  # cached, as JSON
    key = next(iter(http.session.cache.responses.keys()))
    http.close()
    marker = tmp_path / "owned"
    _Boom.marker = str(marker)
    payload = pickle.dumps(_Boom())
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as con:
        con.execute("UPDATE responses SET value = ? WHERE key = ?", (payload, key))
    offline = HttpClient(settings(tmp_path, offline=True))
    with pytest.raises(OfflineError):
        offline.get_json(url)
    assert not marker.exists()


def test_a_damaged_cache_file_is_set_aside_not_a_traceback(
    server: FaultServer, tmp_path: Path
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    http = HttpClient(settings(tmp_path))
    assert http.notes and "set aside" in http.notes[0]
    assert http.get_json(f"{server.base_url}/config")
    assert list((tmp_path / "cache").glob(f"{CACHE_FILE}.damaged-*"))
