"""Engines: the same numbers in-process, on a local process pool and on a Dask LocalCluster."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.analysis.forecast import ForecastSettings
from kompetens_forecast.analysis.publish import publish, region_chunks
from kompetens_forecast.engines import Engine
from kompetens_forecast.errors import InvalidOptionError, MissingExtraError
from kompetens_forecast.jobs.backtest import run_backtest

SETTINGS = ForecastSettings(phi=0.4, window=5, min_points=6, interval=0.8)


def series(n: int = 300, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = 200 * np.exp(np.cumsum(rng.normal(0.01, 0.06, size=(n, 10)), axis=1))
    values[::17, -3] = 0.0  # some series on the naive fallback
    index = pd.MultiIndex.from_tuples(
        [(f"{i % 6 + 1:02d}", f"{1000 + i // 6:04d}") for i in range(n)],
        names=["region_code", "ssyk"],
    )
    return pd.DataFrame(values, index=index, columns=list(range(2014, 2024))).sort_index()


def test_chunks_are_whole_regions_in_order() -> None:
    matrix = series()
    chunks = region_chunks(matrix, 4)
    assert len(chunks) == 4
    assert pd.concat(chunks).index.equals(matrix.index)
    regions = [set(c.index.get_level_values("region_code")) for c in chunks]
    assert all(not (a & b) for i, a in enumerate(regions) for b in regions[i + 1 :])


def test_local_pool_and_dask_reproduce_the_inline_numbers() -> None:
    matrix = series()
    inline = publish(matrix, 5, SETTINGS)
    local = publish(matrix, 5, SETTINGS, engine=Engine("local", workers=2))
    dask = publish(matrix, 5, SETTINGS, engine=Engine("dask", workers=2, processes=False))
    pd.testing.assert_frame_equal(inline, local)
    pd.testing.assert_frame_equal(inline, dask)
    assert set(inline["model"]) == {"damped_trend", "naive"}


def test_backtest_on_dask_equals_local(tmp_path: Path) -> None:
    _, local, s_local = run_backtest("all", tmp_path / "a", horizons=1, engine=Engine("local"))
    _, dask, s_dask = run_backtest(
        "all", tmp_path / "b", horizons=1, engine=Engine("dask", workers=2, processes=False)
    )
    pd.testing.assert_frame_equal(local, dask)
    assert s_local["by_horizon"] == s_dask["by_horizon"]


def test_engine_options_are_validated() -> None:
    with pytest.raises(InvalidOptionError):
        Engine("spark")
    with pytest.raises(InvalidOptionError):
        Engine("local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(InvalidOptionError):
        Engine("local", workers=0)


def test_missing_dask_gives_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = importlib.import_module

    def no_dask(name: str, *args: Any) -> Any:
        if name.startswith("dask"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_dask)
    with pytest.raises(MissingExtraError, match="dask"):
        Engine("dask").map(len, ["a", "b"])
    result = invoke(
        capsys,
        "backtest",
        "--region",
        "00",
        "--horizon",
        "1",
        "--engine",
        "dask",
        "--out",
        str(tmp_path / "x"),
    )
    assert result.code == 1
    assert "pip install kompetens-forecast[dask]" in result.err
    assert len(result.messages) == 1
    assert not (tmp_path / "x").exists()


def test_cli_engine_errors_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = str(tmp_path / "x")
    bad = invoke(capsys, "forecast", "--region", "00", "--engine", "spark", "--out", out)
    assert bad.code == 2 and "spark" in bad.err
    sched = invoke(
        capsys, "forecast", "--region", "00", "--scheduler", "tcp://127.0.0.1:1", "--out", out
    )
    assert sched.code == 2 and "--engine dask" in sched.err
