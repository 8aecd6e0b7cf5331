"""docs/cli.md is generated from the CLI (scripts/gen_cli_reference.py) and must be current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import typer

from kompetens_forecast.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_cli_reference.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_reference", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_md_is_up_to_date() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == _generator().render(), (
        "docs/cli.md is out of date: run `python scripts/gen_cli_reference.py`"
    )


def test_reference_names_every_command() -> None:
    text = _generator().render()
    group = typer.main.get_group(app)
    names = [f"forecast {name}" for name in group.commands]
    data = group.commands["data"]
    names += [f"forecast data {sub}" for sub in data.commands]  # type: ignore[attr-defined]
    assert all(f"`{name}`" in text for name in names)
    assert "--region" in text and "(global option)" in text


def test_check_mode_fails_on_a_stale_file(tmp_path: Path) -> None:
    module = _generator()
    stale = tmp_path / "cli.md"
    stale.write_text("# old\n", encoding="utf-8")
    code = (
        "import runpy, sys, pathlib; sys.argv = ['gen', '--check']; "
        f"import importlib.util as u; s = u.spec_from_file_location('g', {str(SCRIPT)!r}); "
        "m = u.module_from_spec(s); s.loader.exec_module(m); "
        f"m.TARGET = pathlib.Path({str(stale)!r}); m.main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1 and "stale" in result.stderr
    assert module.render().startswith("# CLI reference")
