"""`forecast fetch --dataset yrkesbarometer|taxonomy` through the CLI against a loopback server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli_helpers import invoke
from support.af_server import AfServer

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


def test_job_ads_counts_and_history_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from support.jobsearch_server import JobSearchServer, write_synthetic_history

    recording = FIXTURES / "jobsearch" / "search_response_2025-09_team13.scrubbed.json"
    hits = json.loads(recording.read_text(encoding="utf-8"))["hits"]
    data = tmp_path / "data"
    with JobSearchServer(recording) as server:
        monkeypatch.setenv("KF_JOBSEARCH_BASE_URL", server.base_url)
        counted = invoke(capsys, "--quiet", "--data-dir", str(data), "fetch", "-d", "job_ads")
    assert counted.code == 0, counted.err
    out = tmp_path / "ads.csv"
    assert (
        invoke(
            capsys, "--data-dir", str(data), "data", "export", "-d", "job_ads", "-o", str(out)
        ).code
        == 0
    )
    ads = pd.read_csv(out, dtype={"region_code": str, "ssyk": str})
    county = ads[ads["region_code"].str.len() == 2].groupby(["region_code", "ssyk"])["ads"].sum()
    expected: dict[tuple[str, str], int] = {}
    for hit in hits:
        if not hit["workplace_address"]["region_code"]:
            continue  # an ad without a county cannot be placed (it is reported, not counted)
        key = (
            hit["workplace_address"]["region_code"],
            hit["occupation_group"]["legacy_ams_taxonomy_id"],
        )
        expected[key] = expected.get(key, 0) + 1
    assert county.to_dict() == expected

    history = write_synthetic_history(tmp_path / "synthetic-from-real_3x.jsonl.zip", hits, 3)
    streamed = invoke(
        capsys,
        "--quiet",
        "--data-dir",
        str(data),
        "fetch",
        "-d",
        "job_ads_history",
        "--file",
        str(history),
    )
    assert streamed.code == 0, streamed.err
    assert "job_ads_history\twritten" in streamed.out
