"""Network failures are named for what they are, and a failed name lookup is not retried."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kompetens_forecast.errors import SourceError
from kompetens_forecast.jobs.fetchers import QUICK_ATTEMPTS, Fetcher
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.store.datasets import DataContext

FAST = HttpSettings(attempts=2, backoff_initial=0.01, backoff_max=0.02)


def test_failed_name_lookup_says_no_network_and_is_tried_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []

    def no_dns(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(SourceError) as caught:
        HttpClient(HttpSettings(attempts=6)).get_json("http://scb.example/api/v2/config")
    assert "no network or DNS" in caught.value.one_line()
    assert "scb.example" in caught.value.message and "limiting" not in caught.value.one_line()
    assert len(calls) == 1


def test_refused_connection_is_named() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError) as caught:
        HttpClient(FAST).get_json(f"http://127.0.0.1:{port}/config")
    assert f"127.0.0.1:{port} refused the connection" in caught.value.message
    assert "after 2 attempts" in caught.value.message


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    status = 200
    delay = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.server.status == 0:  # never answer (until the test ends)
            self.server.delay.wait(5)
            return
        self.send_response(self.server.status)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.delay.set()
    httpd.shutdown()
    httpd.server_close()


def test_timeout_is_named(server: _Server) -> None:
    server.status = 0
    settings = HttpSettings(attempts=1, read_timeout=0.3)
    with pytest.raises(SourceError) as caught:
        HttpClient(settings).get_json(f"http://127.0.0.1:{server.server_port}/slow")
    assert "did not answer in time (timeout)" in caught.value.message


def test_rate_limit_is_named_and_only_there(server: _Server) -> None:
    server.status = 429
    with pytest.raises(SourceError) as caught:
        HttpClient(FAST).get_json(f"http://127.0.0.1:{server.server_port}/x")
    assert "rate limited (HTTP 429" in caught.value.message and caught.value.status == 429
    assert "limits how often" in (caught.value.hint or "")
    server.status = 503
    with pytest.raises(SourceError) as caught:
        HttpClient(FAST).get_json(f"http://127.0.0.1:{server.server_port}/x")
    assert "server error HTTP 503" in caught.value.message
    assert "limit" not in caught.value.one_line()


def test_a_dry_run_fetcher_gives_up_quickly(tmp_path: Path) -> None:
    quick = Fetcher(DataContext(tmp_path), quick=True)
    normal = Fetcher(DataContext(tmp_path))
    assert quick.clients.v2.http.settings.attempts == QUICK_ATTEMPTS
    assert quick.af_http.settings.attempts == QUICK_ATTEMPTS
    assert normal.clients.v2.http.settings.attempts > QUICK_ATTEMPTS
