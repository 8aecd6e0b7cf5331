"""`forecast fetch --dataset yrkesbarometer|taxonomy` through the CLI against a loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from kompetens_forecast.testing.af_server import AfServer

FIXTURES = Path(__file__).parent / "fixtures" / "af"
YB_PATH = "/prognoser/yrkesbarometer.json"


def rows_of_round(omgang: str) -> list[dict[str, object]]:
    """The recorded 2025-2 rows; for a later round the same rows with `omgang` changed
    (DERIVED test data: AF publishes only the latest round)."""
    folder = FIXTURES / "yrkesbarometer"
    rows = [
        *json.loads((folder / "yrkesbarometer_2025-2_sample.json").read_text(encoding="utf-8")),
        *json.loads(
            (folder / "yrkesbarometer_2025-2_multi_ssyk_rows.json").read_text(encoding="utf-8")
        ),
    ]
    return [{**row, "omgang": omgang} for row in rows]


def test_two_fetches_across_a_new_round_keep_both_rounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    with AfServer.from_recordings(FIXTURES) as server:
        monkeypatch.setenv("KF_AF_DATA_BASE_URL", server.base_url)
        server.set_file(YB_PATH, rows_of_round("2025-2"))
        first = invoke(
            capsys, "--quiet", "--data-dir", str(data), "fetch", "--dataset", "yrkesbarometer"
        )
        server.set_file(YB_PATH, rows_of_round("2026-1"))
        second = invoke(
            capsys, "--quiet", "--data-dir", str(data), "fetch", "--dataset", "yrkesbarometer"
        )
        again = invoke(
            capsys, "--quiet", "--data-dir", str(data), "fetch", "--dataset", "yrkesbarometer"
        )
    assert first.code == second.code == again.code == 0, (first.err, second.err, again.err)
    assert (
        "\twritten\t" in first.out and "\twritten\t" in second.out and "\tunchanged\t" in again.out
    )

    out = tmp_path / "yb.csv"
    assert (
        invoke(
            capsys,
            "--data-dir",
            str(data),
            "data",
            "export",
            "-d",
            "yrkesbarometer",
            "-o",
            str(out),
        ).code
        == 0
    )
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(frame["omgang"]) == {"2025-2", "2026-1"}
    assert {"00", "01", "20"} <= set(frame["region_code"])
    assert frame["ssyk"].str.fullmatch(r"\d{4}").all()
    jurister = frame[
        (frame["yb_yrke"] == "Jurister")
        & (frame["region_code"] == "00")
        & (frame["omgang"] == "2026-1")
    ]
    assert sorted(jurister["ssyk"]) == ["2611", "2612", "2613", "2614", "2615", "2619"]
    assert not frame.duplicated(["omgang", "region_code", "ssyk", "yb_yrke"]).any()


def test_unknown_dataset_suggests_af_names_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke(capsys, "--data-dir", str(tmp_path), "fetch", "--dataset", "yrkesbarometr")
    assert result.code == 2 and "yrkesbarometer" in result.err
