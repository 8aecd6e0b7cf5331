"""The store never serves wrong numbers (issue 14, items 1 and 4): checksums on read, repair by
a plain fetch, going back to an earlier vintage, upstream changes kept aside."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.errors import DamagedDataError, UpstreamChangeError
from kompetens_forecast.jobs.fetch import Clients, fetch_dataset
from kompetens_forecast.sources.catalog import Catalog
from kompetens_forecast.sources.http import HttpClient, HttpSettings
from kompetens_forecast.sources.scb_v1 import ScbV1Client
from kompetens_forecast.sources.scb_v2 import PxWebClient
from kompetens_forecast.store import DataContext
from kompetens_forecast.store.changes import compare_vintages, summarise
from support.fault_server import FaultServer, drop_county, small_table

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


def fetch(server: FaultServer, data_dir: Path, **kwargs: bool):  # type: ignore[no-untyped-def]
    http = HttpSettings(cache_dir=data_dir / "cache", backoff_initial=0.001, backoff_max=0.002)
    clients = Clients(
        v2=PxWebClient(server.base_url, HttpClient(http)),
        v1=ScbV1Client("http://127.0.0.1:9/unused", HttpClient(http)),
    )
    spec = Catalog.load().get(DATASET)
    return fetch_dataset(DataContext(data_dir), clients, spec, **kwargs)


def current_file(data_dir: Path) -> Path:
    return DataContext(data_dir).user_store.parquet_path(DATASET)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(data[: len(data) // 2])


# -- item 1 --------------------------------------------------------------------------------
def test_a_truncated_store_file_is_one_line_then_repaired_by_a_plain_fetch(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = fetch(server, tmp_path)
    truncate(current_file(tmp_path))
    run = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(tmp_path),
        "run",
        "-r",
        "20",
        "--out",
        str(tmp_path / "out"),
    )
    assert run.code == 1
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "checksum" in lines[0] and DATASET in lines[0]
    assert f"forecast fetch --dataset {DATASET}" in lines[0]
    assert not (tmp_path / "out").exists()

    server.clear_requests()
    repaired = fetch(server, tmp_path)  # no --refresh
    assert repaired.status == "written"
    assert any("damaged" in note for note in repaired.notes)
    loaded = DataContext(tmp_path).load(DATASET)  # verified on read
    assert DataContext(tmp_path).user_store.damage(DATASET) is None
    assert len(loaded.frame) == first.manifest.rows


def test_a_swapped_vintage_file_is_refused_not_read_with_false_provenance(
    server: FaultServer, tmp_path: Path
) -> None:
    fetch(server, tmp_path)
    other = pd.read_parquet(current_file(tmp_path))
    other["value"] = other["value"] * 2
    path = current_file(tmp_path)
    path.chmod(0o644)
    other.to_parquet(path, index=False)  # a readable file with other numbers
    with pytest.raises(DamagedDataError, match="checksum"):
        DataContext(tmp_path).load(DATASET)
    with pytest.raises(DamagedDataError):
        DataContext(tmp_path).user_store.connect()


def test_vintages_are_listed_and_an_earlier_one_can_be_made_current(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = fetch(server, tmp_path)
    second = fetch(server, tmp_path, refresh=True)
    assert first.manifest.vintage != second.manifest.vintage
    listed = invoke(capsys, "--data-dir", str(tmp_path), "data", "vintages", "-d", DATASET)
    assert listed.code == 0
    rows = [line.split("\t") for line in listed.out.strip().splitlines()[1:]]
    assert [r[0] for r in rows] == [first.manifest.vintage, second.manifest.vintage]
    assert [r[1] for r in rows] == ["no", "yes"] and {r[4] for r in rows} == {"ok"}
    used = invoke(
        capsys,
        "--data-dir",
        str(tmp_path),
        "data",
        "use",
        "-d",
        DATASET,
        "--vintage",
        first.manifest.vintage,
    )
    assert used.code == 0
    assert DataContext(tmp_path).load(DATASET).manifest.vintage == first.manifest.vintage
    bad = invoke(
        capsys, "--data-dir", str(tmp_path), "data", "use", "-d", DATASET, "--vintage", "1999"
    )
    assert bad.code == 2 and "Vintages:" in bad.err and len(bad.err.strip().splitlines()) == 1


# -- item 4 --------------------------------------------------------------------------------
def test_a_county_missing_upstream_is_kept_aside_until_accepted(
    server: FaultServer, tmp_path: Path
) -> None:
    first = fetch(server, tmp_path)
    assert server.source is not None
    server.replace_table(drop_county(server.source, "25"))
    with pytest.raises(UpstreamChangeError) as info:
        fetch(server, tmp_path)
    line = info.value.one_line()
    assert "region_code: 1 gone: 25" in line and "--accept-changes" in line
    ctx = DataContext(tmp_path)
    assert ctx.load(DATASET).manifest.vintage == first.manifest.vintage  # still in use
    assert "25" in set(ctx.load(DATASET).frame["region_code"])
    assert len(ctx.user_store.vintages(DATASET)) == 2  # the new one kept aside

    accepted = fetch(server, tmp_path, accept_changes=True)
    assert accepted.status == "written"
    assert "25" not in set(DataContext(tmp_path).load(DATASET).frame["region_code"])


def frame(**columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_changes_found_between_vintages() -> None:
    old = frame(
        region_code=["01", "25"],
        ssyk=["2511", "2512"],
        year=[2023, 2023],
        value=[10.0, 20.0],
        symbol=[None, None],
    )
    renamed = old.assign(ssyk=["2511", "2599"])
    assert [c.kind for c in compare_vintages(old, renamed)] == ["codes"]
    assert "ssyk: 1 gone: 2512 (1 new: 2599)" in summarise(compare_vintages(old, renamed))
    extra = old.assign(age="16-64")
    assert [c.text for c in compare_vintages(old, extra)] == ["dimension 'age' added"]
    revised = old.assign(value=[10.0, 40.0])
    assert [c.kind for c in compare_vintages(old, revised)] == ["total"]
    more_years = pd.concat([old, old.assign(year=2024)], ignore_index=True)
    assert compare_vintages(old, more_years) == []  # a new year is not a change
    assert compare_vintages(old, old.assign(value=[10.1, 20.1])) == []  # a small revision


def test_many_changes_are_summarised_in_one_short_line() -> None:
    old = frame(
        ssyk=[f"{i:04d}" for i in range(100)],
        year=[2023] * 100,
        value=[1.0] * 100,
        symbol=[None] * 100,
    )
    new = old.assign(ssyk=[f"{i + 5000:04d}" for i in range(100)])
    text = summarise(compare_vintages(old, new))
    assert "100 gone" in text and len(text) < 200


def test_set_current_refuses_a_damaged_vintage(server: FaultServer, tmp_path: Path) -> None:
    first = fetch(server, tmp_path)
    fetch(server, tmp_path, refresh=True)
    store = DataContext(tmp_path).user_store
    old_dir = current_file(tmp_path).parent.parent / f"vintage={first.manifest.vintage}"
    truncate(old_dir / "part-0.parquet")
    with pytest.raises(DamagedDataError):
        store.set_current(DATASET, first.manifest.vintage)
    shutil.rmtree(old_dir)


def test_two_vintages_in_one_second_never_overwrite_each_other(tmp_path: Path) -> None:
    from kompetens_forecast.errors import StoreError
    from kompetens_forecast.store.store import Store

    store = Store(tmp_path)
    cells = pd.DataFrame({"region_code": ["01"], "year": [2023], "value": [1.0], "symbol": [None]})
    common = {
        "dataset": "d",
        "source": "scb",
        "title": "t",
        "table_ids": ["T"],
        "dims": ["region_code"],
        "retrieved_at": "2026-01-01T00:00:00Z",
    }
    first = store.write(cells, **common)  # type: ignore[arg-type]
    aside = store.write(cells.assign(value=2.0), make_current=False, **common)  # type: ignore[arg-type]
    assert aside.vintage == f"{first.vintage}-2"
    assert store.manifest("d").vintage == first.vintage  # type: ignore[union-attr]
    assert store.read("d")["value"].tolist() == [1.0]
    with pytest.raises(StoreError, match="cannot replace the current one"):
        store.write(cells, make_current=False, vintage=first.vintage, **common)  # type: ignore[arg-type]
