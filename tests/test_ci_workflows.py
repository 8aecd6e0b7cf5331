"""The ready-to-copy CI workflows in docs/ci/: they install as README.md says, run
`forecast refresh` with a config that exists, keep the data directory in a cache and the
outputs as artifacts; their refresh command is dry-run here against the local server."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_helpers import invoke
from support.pxweb_server import PxWebServer
from support.tables import yreg_table_from_parquet

REPO = Path(__file__).resolve().parent.parent
GITHUB = REPO / "docs" / "ci" / "github-actions.yml"
GITLAB = REPO / "docs" / "ci" / "gitlab-ci.yml"
PARQUET = REPO / "data" / "raw" / "data" / "scb" / "scb_yreg60_county_ssyk4_sex_2014_2023.parquet"
INSTALL = "pip install -c requirements.lock ."


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def github_steps() -> list[dict[str, Any]]:
    (job,) = load(GITHUB)["jobs"].values()
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def github_commands() -> list[str]:
    return [line for s in github_steps() for line in str(s.get("run", "")).splitlines()]


def gitlab_job() -> dict[str, Any]:
    (job,) = [v for k, v in load(GITLAB).items() if isinstance(v, dict) and "script" in v]
    return job


def refresh_args(commands: list[str]) -> list[str]:
    """The arguments of the one `forecast refresh` command (before any `||`)."""
    (line,) = [c for c in commands if "forecast refresh" in c]
    words = shlex.split(line.split("||")[0])
    assert words[:2] == ["forecast", "refresh"]
    return words[1:]


def config_of(args: list[str]) -> Path:
    return REPO / args[args.index("--config") + 1]


def test_github_workflow_is_weekly_cached_and_uploads_the_outputs() -> None:
    doc = load(GITHUB)
    triggers = doc[True] if True in doc else doc["on"]  # YAML 1.1 reads `on:` as true
    (cron,) = [s["cron"] for s in triggers["schedule"]]
    assert len(cron.split()) == 5 and cron.split()[4] != "*"  # one day a week
    uses = {str(s.get("uses", "")).split("@")[0]: s for s in github_steps()}
    cache = uses["actions/cache"]["with"]
    assert ".kf-data" in cache["path"] and "out/refresh" in cache["path"]
    (job,) = doc["jobs"].values()
    assert job["env"]["KF_DATA_DIR"].endswith("/.kf-data")
    assert uses["actions/upload-artifact"]["with"]["path"] == "out/refresh"
    commands = github_commands()
    assert INSTALL in commands and config_of(refresh_args(commands)).is_file()


def test_gitlab_job_is_scheduled_cached_and_keeps_artifacts() -> None:
    job = gitlab_job()
    assert any("schedule" in rule["if"] for rule in job["rules"])
    assert {".kf-data/", "out/refresh/"} <= set(job["cache"]["paths"])
    assert job["variables"]["KF_DATA_DIR"].endswith("/.kf-data")
    assert "out/refresh/" in job["artifacts"]["paths"]
    assert INSTALL in job["script"] and config_of(refresh_args(job["script"])).is_file()


def test_readme_installs_the_way_the_workflows_do() -> None:
    assert f"`{INSTALL}`" in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def scb_server() -> Iterator[PxWebServer]:
    """SCB's employment table only: the other catalog datasets are not on this server."""
    with PxWebServer(tables=[yreg_table_from_parquet(PARQUET, "TAB9999")]) as running:
        yield running


def test_workflow_refresh_dry_run_plans_without_writing(
    scb_server: PxWebServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KF_SCB_BASE_URL", scb_server.base_url)
    monkeypatch.chdir(REPO)
    github, gitlab = refresh_args(github_commands()), refresh_args(gitlab_job()["script"])
    assert github == gitlab
    out = REPO / "out" / "refresh"
    existed = out.exists()

    result = invoke(capsys, *github, "--dry-run")
    assert result.out.startswith("kind"), result.err
    lines = [line.split("\t") for line in result.out.splitlines()[1:]]
    status = {(kind, name): state for kind, name, state, _ in lines}
    # empty data directory: everything is due; the county table is planned with data calls
    assert status[("fetch", "employment_county_ssyk4")] == "planned"
    calls = next(d for k, n, _, d in lines if n == "employment_county_ssyk4")
    assert calls.startswith("calls=") and int(calls.split()[0][6:]) > 0
    # the tables this server does not have are named as failed; AF's datasets are planned
    assert status[("fetch", "employment_kommun_ssyk3")] == "failed"
    assert status[("fetch", "yrkesbarometer")] == "planned"
    assert status[("region", "20")] == status[("region", "2080")] == "would_rebuild"
    assert result.code == 1 and "Refresh incomplete" in result.messages[-1]
    assert all(r.method == "GET" for r in scb_server.requests)  # metadata only
    if not existed:  # nothing written
        assert not out.exists()
