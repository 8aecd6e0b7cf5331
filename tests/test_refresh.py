"""`forecast refresh` against the local PxWebApi 2 server (loopback only): the first run
fetches and rebuilds, a second with nothing changed makes metadata calls only and rebuilds
nothing (exit 3 with --exit-code), a new table version rebuilds the region."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cli_helpers import invoke
from support.pxweb_server import PxWebServer, ServerConfig
from support.tables import yreg_table_from_parquet

REPO = Path(__file__).resolve().parent.parent
PARQUET = REPO / "data" / "raw" / "data" / "scb" / "scb_yreg60_county_ssyk4_sex_2014_2023.parquet"
DATASET = "employment_county_ssyk4"


@pytest.fixture(scope="module")
def yreg_table():  # type: ignore[no-untyped-def]
    return yreg_table_from_parquet(PARQUET, "TAB9999")


@pytest.fixture
def server(yreg_table) -> Iterator[PxWebServer]:  # type: ignore[no-untyped-def]
    with PxWebServer(
        tables=[yreg_table], config=ServerConfig(max_cells=100_000, max_calls=30, time_window=10.0)
    ) as running:
        yield running


def data_posts(server: PxWebServer) -> list:  # type: ignore[type-arg]
    return [r for r in server.requests if r.method == "POST" and r.path.endswith("/data")]


def write_config(folder: Path, body: str) -> Path:
    path = folder / "refresh.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_refresh_fetches_rebuilds_then_leaves_unchanged_regions(
    server: PxWebServer,
    yreg_table,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", server.base_url)
    config = write_config(
        tmp_path, f'regions = ["Gotlands län"]\ndatasets = ["{DATASET}"]\nout = "out"\n'
    )
    args = ["--data-dir", str(tmp_path / "data"), "refresh", "--config", str(config)]
    out = tmp_path / "out"

    first = invoke(capsys, *args, "--exit-code")
    assert first.code == 0, first.err
    assert f"fetch\t{DATASET}\twritten\t" in first.out
    assert "region\t09\trebuilt\tno previous output" in first.out
    assert data_posts(server)
    report = json.loads((out / "refresh.json").read_text(encoding="utf-8"))
    assert report["changed"] is True and report["dry_run"] is False
    (fetched,) = report["fetched"]
    assert fetched["dataset"] == DATASET and fetched["status"] == "written"
    (region,) = report["regions"]
    assert region["status"] == "rebuilt" and region["seconds"] > 0
    vintage = report["vintages"][DATASET]
    assert vintage["origin"] == "store" and vintage["vintage"] == fetched["vintage"]
    manifest_path = out / "09" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    used = next(d for d in manifest["datasets"] if d["dataset"] == DATASET)
    assert used["origin"] == "store" and used["vintage"] == fetched["vintage"]
    built = manifest_path.stat().st_mtime_ns

    server.clear_requests()
    second = invoke(capsys, *args, "--exit-code")
    assert second.code == 3, second.err
    assert f"fetch\t{DATASET}\tunchanged\tcalls=0" in second.out
    assert "region\t09\tunchanged\t" in second.out
    assert server.requests and all(r.method == "GET" for r in server.requests)  # metadata only
    assert manifest_path.stat().st_mtime_ns == built
    again = json.loads((out / "refresh.json").read_text(encoding="utf-8"))
    assert again["changed"] is False and again["regions"][0]["reasons"] == []
    assert not list(out.glob(".*"))  # no temporary files left behind

    assert invoke(capsys, *args).code == 0  # without --exit-code: 0 even when unchanged

    server.replace_table(replace(yreg_table, updated="2026-06-01T06:00:00Z"))
    server.clear_requests()
    third = invoke(capsys, *args, "--exit-code")
    assert third.code == 0, third.err
    assert f"fetch\t{DATASET}\twritten\t" in third.out and data_posts(server)
    newer = json.loads((out / "refresh.json").read_text(encoding="utf-8"))
    reasons = newer["regions"][0]["reasons"]
    assert newer["regions"][0]["status"] == "rebuilt"
    assert reasons and reasons[0].startswith(f"{DATASET}: store {fetched['vintage']} → store ")
    assert manifest_path.stat().st_mtime_ns != built


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('regions = ["20"]\ndatasets = "due"\nout = "o"\nlanguage = "sv"\n', "unknown key"),
        ('regions = ["20"]\nout = "o"\nlang = "de"\n', "lang = 'de' is not valid. Valid: sv, en"),
        ('regions = ["20"]\ndatasets = ["employment_county"]\nout = "o"\n', "Did you mean"),
        ('regions = ["Dalarana"]\nout = "o"\n', "Unknown region 'Dalarana'"),
        ('regions = ["20"]\n', "'out' is missing"),
        ('regions = ["20"]\ndatasets = ["jobseekers"]\nout = "o"\n', "unknown dataset"),
    ],
)
def test_bad_config_is_one_line_naming_key_and_choices(
    body: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, body)
    result = invoke(capsys, "refresh", "--config", str(config))
    assert result.code == 2
    (line,) = result.messages
    assert expected in line and str(config) in line
    assert not (tmp_path / "o").exists()


def test_unknown_key_suggests_the_right_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, 'regions = ["20"]\nout = "o"\nlanguage = "sv"\n')
    (line,) = invoke(capsys, "refresh", "--config", str(config)).messages
    assert "unknown key 'language'" in line and "Did you mean: lang?" in line


def test_config_datasets_are_the_calendars_fetchable_ones() -> None:
    """refresh.config reads the fetchable names without pandas; they must stay the calendar's."""
    from kompetens_forecast.calendar.releases import load_cadences
    from kompetens_forecast.jobs.refresh_config import fetchable_datasets

    expected = {c.dataset for c in load_cadences() if c.fetchable}
    assert set(fetchable_datasets()) == expected and "jobseekers" not in expected


def test_rebuild_reasons_name_each_changed_input(tmp_path: Path) -> None:
    from kompetens_forecast import __version__
    from kompetens_forecast.jobs.refresh import rebuild_reasons
    from kompetens_forecast.jobs.refresh_config import RefreshConfig
    from kompetens_forecast.store import DataContext

    ctx = DataContext(tmp_path / "data")  # the embedded demo data
    demo = ctx.load(DATASET).manifest
    config = RefreshConfig(tmp_path / "c.toml", ("09",), (DATASET,), tmp_path / "out")
    out_dir = tmp_path / "out" / "09"
    assert rebuild_reasons(config, ctx, out_dir, set()) == ["no previous output"]

    def manifest(**changes: object) -> None:
        used = {"dataset": DATASET, "origin": "demo", "vintage": demo.vintage}
        doc = {
            "tool_version": __version__,
            "parameters": {"lang": "sv", "size": "a4", "horizon": 5},
            "datasets": [{**used, "checksum": demo.checksum}],
            **changes,
        }
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")

    manifest()
    assert rebuild_reasons(config, ctx, out_dir, set()) == []
    assert rebuild_reasons(config, ctx, out_dir, {DATASET}) == [f"{DATASET}: new data upstream"]
    assert rebuild_reasons(config, ctx, out_dir, {"yrkesbarometer"}) == [
        "yrkesbarometer: fetched, not among the last run's inputs"
    ]
    manifest(tool_version="0.0.1", parameters={"lang": "en", "size": "a4"})
    assert rebuild_reasons(config, ctx, out_dir, set()) == [
        f"tool version 0.0.1 → {__version__}",
        "lang en → sv",
    ]
    old = {"dataset": DATASET, "origin": "demo", "vintage": "2020-01-01", "checksum": "x"}
    manifest(datasets=[old])
    assert rebuild_reasons(config, ctx, out_dir, set()) == [
        f"{DATASET}: demo 2020-01-01 → demo {demo.vintage}"
    ]
