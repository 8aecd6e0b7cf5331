"""The README is the contract with users and CI: its commands must be the ones CI runs, and every
CLI command must be documented in it."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from kompetens_forecast.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    block = re.search(r"## Install, run, test.*?```bash\n(.*?)```", README, re.S)
    assert block, "README lacks the install/run/test block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_install_and_test_commands_verbatim() -> None:
    install, run, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install in ci and test in ci
    assert run.startswith("forecast run --region 20")


def test_every_cli_command_is_documented() -> None:
    group = typer.main.get_group(app)
    names = [f"forecast {name}" for name in group.commands if name != "data"]
    data = group.commands["data"]
    names += [f"forecast data {sub}" for sub in data.commands]  # type: ignore[attr-defined]
    missing = [name for name in names if f"`{name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"
