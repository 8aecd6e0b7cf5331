"""Shared fixtures. Tests never leave loopback and never touch the user's data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point KF_DATA_DIR at an empty directory so runs use the embedded demo data."""
    data_dir = tmp_path_factory.mktemp("kf-data")
    monkeypatch.setenv("KF_DATA_DIR", str(data_dir))
    return data_dir


def run_cli_captured(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI in-process with stdout/stderr captured (usable in wide-scoped fixtures)."""
    import contextlib
    import io

    from kompetens_forecast.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    code: int = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="session")
def county_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """One `forecast run --region 20` on the demo data, shared by every test that reads it
    (a run draws ~10 charts at 300 dpi: too slow to repeat per module)."""
    base = tmp_path_factory.mktemp("run20")
    out = base / "r20"
    code, stdout, stderr = run_cli_captured(
        ["--quiet", "--data-dir", str(base / "data"), "run", "--region", "20", "--out", str(out)]
    )
    assert code == 0, stderr
    return out, stdout, stderr


@pytest.fixture(scope="session")
def county_workbook(county_run: tuple[Path, str, str]) -> Any:
    """The county run's tables.xlsx, loaded once (openpyxl takes seconds on it)."""
    from openpyxl import load_workbook

    return load_workbook(county_run[0] / "tables.xlsx")


@pytest.fixture(scope="session")
def municipal_run_en(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """`forecast --lang en run --region 2080`: a municipality (synthetic data), in English."""
    base = tmp_path_factory.mktemp("run2080")
    out = base / "k2080"
    args = ["--quiet", "--lang", "en", "--data-dir", str(base / "data")]
    code, stdout, stderr = run_cli_captured([*args, "run", "--region", "2080", "--out", str(out)])
    assert code == 0, stderr
    return out, stdout, stderr
