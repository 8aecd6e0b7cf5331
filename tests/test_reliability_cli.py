"""One line for every failure (issue 14, items 5 and 10): exit codes, --debug, interrupt, and
`forecast doctor`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kompetens_forecast.jobs.run as pipeline
from cli_helpers import invoke
from kompetens_forecast.errors import DataError
from kompetens_forecast.sources.http import CACHE_FILE
from support.fault_server import FaultServer, drop_county, small_table

DATASET = "employment_county_ssyk4"


@pytest.fixture(scope="module")
def table_and_source(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return small_table(tmp_path_factory.mktemp("tables"))


@pytest.fixture
def server(table_and_source, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:  # type: ignore[no-untyped-def]
    table, source = table_and_source
    with FaultServer(tables=[table]) as running:
        running.source = source
        monkeypatch.setenv("KF_SCB_BASE_URL", running.base_url)
        monkeypatch.setenv("KF_SCB_V1_BASE_URL", "http://127.0.0.1:9/unused")
        yield running


def test_interrupt_prints_avbrutet_and_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run_region", interrupted)
    result = invoke(capsys, "--quiet", "run", "-r", "20", "--out", str(tmp_path / "o"))
    assert (result.code, result.err.strip()) == (130, "Error: Avbrutet.")
    english = invoke(capsys, "-q", "--lang", "en", "run", "-r", "20", "--out", str(tmp_path / "o"))
    assert (english.code, english.err.strip()) == (130, "Error: Interrupted.")


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "run_region", broken)
    result = invoke(capsys, "--quiet", "run", "-r", "20", "--out", str(tmp_path / "o"))
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "Error: unexpected RuntimeError: boom (run with --debug for the traceback)"
    ]
    debug = invoke(capsys, "--debug", "--quiet", "run", "-r", "20", "--out", str(tmp_path / "o"))
    assert debug.code == 1 and "Traceback" in debug.err and "RuntimeError: boom" in debug.err


def test_a_library_error_with_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def failing(*_args: object, **_kwargs: object) -> None:
        raise DataError("bad data")

    monkeypatch.setattr(pipeline, "run_region", failing)
    plain = invoke(capsys, "--quiet", "run", "-r", "20", "--out", str(tmp_path / "o"))
    assert (plain.code, plain.err.strip()) == (1, "Error: bad data")
    debug = invoke(capsys, "--quiet", "run", "-r", "20", "--out", str(tmp_path / "o"), "--debug")
    assert debug.code == 1 and "Traceback" in debug.err and debug.err.strip().endswith("bad data")


def test_a_real_sigint_during_a_fetch_prints_one_line_and_exits_130(
    server: FaultServer, tmp_path: Path
) -> None:
    server.trickle_pause = 0.2
    server.always("trickle")  # the fetch hangs in the first data answer
    env = {**os.environ, "KF_SCB_BASE_URL": server.base_url, "KF_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from kompetens_forecast.console import main; main()",
            "--quiet",
            "fetch",
            "-d",
            DATASET,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not server.faults_applied and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.faults_applied, "the fetch never reached the data call"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        server.always(None)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "Error: Avbrutet."
    assert "Traceback" not in err


def test_doctor_finds_damage_leftovers_and_upstream_changes_with_what_to_do(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path)
    assert invoke(capsys, "--quiet", "--data-dir", data, "fetch", "-d", DATASET).code == 0
    healthy = invoke(capsys, "--quiet", "--data-dir", data, "doctor", "--offline")
    assert healthy.code == 0, healthy.out
    assert all(line.startswith(("ok", "status")) for line in healthy.out.splitlines())

    store_file = next((tmp_path / "store").rglob("part-0.parquet"))
    store_file.chmod(0o644)
    store_file.write_bytes(store_file.read_bytes()[:100])
    (store_file.parent.parent / ".staging-x1").mkdir()
    (tmp_path / "cache" / CACHE_FILE).write_bytes(b"garbage" * 50)
    assert server.source is not None
    server.replace_table(drop_county(server.source, "25"))

    result = invoke(capsys, "--quiet", "--data-dir", data, "doctor")
    assert result.code == 1
    rows = {tuple(line.split("\t")[:2]): line.split("\t") for line in result.out.splitlines()}
    store_row = rows[("fail", f"store {DATASET}")]
    assert "checksum" in store_row[2] and f"forecast fetch --dataset {DATASET}" in store_row[3]
    assert rows[("fail", "HTTP cache")][3].startswith("Delete it")
    assert ("warn", "stale staging folders") in rows
    assert rows[("warn", f"catalog {DATASET}")][3].startswith(
        f"`forecast fetch --dataset {DATASET}`"
    )
    assert ("ok", f"SCB API v2 {server.base_url}") in rows
    assert ("fail", "SCB API v1 http://127.0.0.1:9/unused") in rows
    assert len(result.err.strip().splitlines()) == 1 and "checks failed" in result.err
