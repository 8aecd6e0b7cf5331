from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kompetens_forecast.errors import StoreError
from kompetens_forecast.store import DataContext, SeriesBreak, Store
from kompetens_forecast.store.store import sha256_file


def frame(value: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["01", "20"],
            "ssyk": ["0110", "2341"],
            "sex": ["1", "2"],
            "year": [2023, 2023],
            "value": [value, None],
            "symbol": [None, ".."],
        }
    )


def write(
    store: Store, value: float = 1.0, vintage: str = "v1", dataset: str = "employment_county_ssyk4"
):
    return store.write(
        frame(value),
        dataset=dataset,
        source="scb",
        title="t",
        table_ids=["TAB1"],
        dims=["region_code", "ssyk", "sex"],
        vintage=vintage,
        breaks=[SeriesBreak(2023, "population", "ages 16–69")],
    )


def test_roundtrip_keeps_codes_markers_and_manifest(tmp_path: Path) -> None:
    store = Store(tmp_path)
    manifest = write(store)
    back = store.read("employment_county_ssyk4", verify=True)
    assert back["region_code"].tolist() == ["01", "20"]
    assert back["ssyk"].tolist() == ["0110", "2341"]
    assert pd.isna(back.loc[1, "value"]) and back.loc[1, "symbol"] == ".."
    assert manifest.rows == 2 and manifest.table_ids == ["TAB1"]
    assert manifest.breaks[0].year == 2023
    path = (
        tmp_path
        / "source=scb"
        / "dataset=employment_county_ssyk4"
        / "vintage=v1"
        / "part-0.parquet"
    )
    assert path.is_file() and manifest.checksum == sha256_file(path)
    assert store.manifest("employment_county_ssyk4") == manifest


def test_new_vintage_becomes_current_and_old_is_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    write(store, 1.0, "v1")
    write(store, 2.0, "v2")
    assert store.vintages("employment_county_ssyk4") == ["v1", "v2"]
    assert store.read("employment_county_ssyk4")["value"].iloc[0] == 2.0
    store.set_current("employment_county_ssyk4", "v1")
    assert store.read("employment_county_ssyk4")["value"].iloc[0] == 1.0


def test_failed_write_keeps_previous_vintage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    write(store, 1.0, "v1")

    def broken(self: pd.DataFrame, path: Path, **_: object) -> None:
        Path(path).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        write(store, 2.0, "v2")
    monkeypatch.undo()
    assert store.vintages("employment_county_ssyk4") == ["v1"]
    assert store.read("employment_county_ssyk4", verify=True)["value"].iloc[0] == 1.0
    leftovers = [
        p.name for p in (tmp_path / "source=scb" / "dataset=employment_county_ssyk4").iterdir()
    ]
    assert sorted(leftovers) == ["manifest.json", "vintage=v1"]


def test_checksum_mismatch_is_detected(tmp_path: Path) -> None:
    store = Store(tmp_path)
    write(store)
    path = store.parquet_path("employment_county_ssyk4")
    pd.DataFrame({"x": [1]}).to_parquet(path)
    with pytest.raises(StoreError, match="checksum"):
        store.read("employment_county_ssyk4", verify=True)


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="read-only"):
        write(Store(tmp_path, read_only=True))


def test_invalid_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Invalid dataset"):
        write(Store(tmp_path), dataset="../escape")


def test_duckdb_views_prefer_the_first_store(tmp_path: Path) -> None:
    first, second = Store(tmp_path / "a"), Store(tmp_path / "b")
    write(first, 5.0)
    write(second, 7.0)
    write(second, 9.0, dataset="other")
    con = first.connect([second])
    assert con.execute(
        "SELECT value FROM employment_county_ssyk4 WHERE region_code='01'"
    ).fetchone() == (5.0,)
    assert con.execute("SELECT count(*) FROM other").fetchone() == (2,)


def test_fetched_data_take_precedence_over_demo(isolated_data_dir: Path) -> None:
    ctx = DataContext(isolated_data_dir)
    assert ctx.load("employment_county_ssyk4").origin == "demo"
    write(ctx.user_store, 3.0)
    loaded = ctx.load("employment_county_ssyk4")
    assert loaded.origin == "store" and len(loaded.frame) == 2
    in_use = {(origin, m.dataset): used for origin, m, used in ctx.status()}
    assert in_use[("store", "employment_county_ssyk4")] is True
    assert in_use[("demo", "employment_county_ssyk4")] is False
