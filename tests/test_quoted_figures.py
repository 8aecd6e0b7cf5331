"""Every figure quoted in README.md, docs/ and configs/ is the one scripts/quoted_figures.py
computes: quotes against docs/figures.json (fast), and docs/figures.json against a fresh run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "quoted_figures", REPO / "scripts" / "quoted_figures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stored() -> dict[str, str]:
    figures: dict[str, str] = json.loads((REPO / "docs" / "figures.json").read_text("utf-8"))
    return figures


def test_every_quote_equals_the_computed_figure() -> None:
    module = script()
    quotes = module.quotes()
    files = {file for file, _, _ in quotes}
    # the nested figures are quoted where users read them; a vanished quote fails too
    assert {"README.md", "docs/methods.md", "configs/forecast.toml"} <= files
    assert module.mismatches(stored()) == []


def test_a_changed_quote_is_caught(tmp_path: Path) -> None:
    module = script()
    (tmp_path / "docs").mkdir()
    (tmp_path / "configs").mkdir()
    (tmp_path / "README.md").write_text("ratio <!--fig:nested_h1_abs_ratio-->0.5<!--/fig-->")
    (tmp_path / "configs" / "x.toml").write_text("# fig:nested_h9_nothing = 1\n")
    problems = module.mismatches(stored(), tmp_path)
    assert len(problems) == 2 and "0.5" in problems[0] and "nested_h9_nothing" in problems[1]


def test_figures_json_is_what_the_script_computes() -> None:
    assert script().compute() == stored()
