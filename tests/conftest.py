"""Shared fixtures. Tests never leave loopback and never touch the user's data directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point KF_DATA_DIR at an empty directory so runs use the embedded demo data."""
    data_dir = tmp_path_factory.mktemp("kf-data")
    monkeypatch.setenv("KF_DATA_DIR", str(data_dir))
    return data_dir
